"""Akkoord: who signed which content, and whether the plan is agreed.

A signature records a role, a name, when, and the SHA-256 digest of the agreed content: the
pack (id, version), the people (by their ids in the register, so that correcting a name or
forgetting a colleague does not undo an akkoord), the date and the answers given before the
follow-up (the preparation and the conversation, actions included), as canonical JSON. A plan
is *agreed* when every role the pack marks ``signs: true`` has signed the current digest. A
signature whose digest is no longer the current one is *stale*: the content changed after it
was signed.

Follow-up and evaluation answers are not part of the agreed content: recording a check-in does
not undo the akkoord, changing an action does.
"""

from __future__ import annotations

import json
from typing import Any

from .i18n import _
from .plan import Plan

AGREED_PHASES = ("preparation", "conversation")


def content(plan: Plan, answers: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the signatures cover (``answers``: the plan's answers as a write will leave them)."""
    agreed = plan.pack.derived("agreement.agreed", lambda pack: frozenset(
        qid for qid, ref in pack.questions.items() if ref.phase in AGREED_PHASES))
    given = plan.answers if answers is None else answers
    return {"pack": plan.pack_id, "version": plan.pack_version,
            "people": {role: plan.person_ids.get(role) for role in plan.people},
            "date": plan.date,
            "answers": {q: v for q, v in given.items() if q in agreed}}


def canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_digest(plan: Plan, answers: dict[str, Any] | None = None) -> str:
    """The SHA-256 (hex) of the plan's agreed content in canonical JSON."""
    return digest_of(content(plan, answers))


def digest_of(agreed: dict[str, Any]) -> str:
    """The SHA-256 (hex) of agreed content (:func:`content`) in canonical JSON."""
    from .hashing import sha256_hex

    return sha256_hex(canonical(agreed).encode("utf-8"))


def refresh(plan: Plan, digest: str | None = None) -> str:
    """Mark each of the plan's signatures stale or not; returns the current digest
    (``digest``: the one the store kept with this version of the plan, if trusted)."""
    digest = digest or content_digest(plan)
    for signature in plan.signatures:
        signature["stale"] = signature["digest"] != digest
    return digest


def status(plan: Plan) -> dict[str, Any]:
    """``{digest, required, agreed, signed, missing, stale}``.

    ``signed``: roles with a signature of the current content; ``missing``: required roles that
    never signed; ``stale``: required roles whose only signatures are of older content.
    """
    digest = refresh(plan)
    required = plan.pack.signing_roles
    signed = [r for r in required
              if any(s["role"] == r and s["digest"] == digest for s in plan.signatures)]
    ever = {s["role"] for s in plan.signatures}
    missing = [r for r in required if r not in signed and r not in ever]
    stale = [r for r in required if r not in signed and r in ever]
    return {"digest": digest, "required": required, "agreed": len(signed) == len(required),
            "signed": signed, "missing": missing, "stale": stale}


def is_agreed(plan: Plan) -> bool:
    return status(plan)["agreed"]


def agreed_as_marked(plan: Plan) -> bool:
    """Agreed, by the stale marks :func:`refresh` last set (the store sets them when it loads a
    plan): a report over thousands of unchanged plans need not digest each one again."""
    return all(any(s["role"] == role and not s.get("stale") for s in plan.signatures)
               for role in plan.pack.signing_roles)


def problems(plan: Plan) -> list[str]:
    """Why the plan is not agreed, one sentence per role (empty when it is)."""
    state = status(plan)
    out = []
    for role in state["missing"]:
        out.append(_("{role} ({id}) has not signed yet: pop sign {plan} --role {id} "
                     "--name NAME").format(role=plan.pack.role_name(role), id=role,
                                           plan=plan.id))
    for role in state["stale"]:
        out.append(_("the content changed after {role} ({id}) signed; sign again: pop sign "
                     "{plan} --role {id} --name NAME").format(role=plan.pack.role_name(role),
                                                             id=role, plan=plan.id))
    return out
