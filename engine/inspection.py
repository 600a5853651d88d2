"""The inspection dossier: a year's plans as documents an inspector reads without pop.

One ZIP file: for every person, each plan whose conversation fell in that year as a printable
HTML page (the pack's plan document, private answers left out), and ``index.csv`` listing
person, plan, dates, whether it is signed and the digest of its agreed content, so a signature
can be checked against ``pop verify``.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from typing import Any

from .agreement import status
from .i18n import _
from .outputs import render
from .report_output import safe_cell
from .store import Store


def dossier(store: Store, year: int, plugins: Any,
            progress: Callable[[int, int], None] | None = None) -> tuple[bytes, int]:
    """The ZIP file's bytes and how many plans it holds."""
    ids = [row["id"] for row in store.list_plans(limit=None)
           if (row["date"] or "").startswith(f"{year:04d}-")]
    plans = sorted(store.load_plans(ids), key=lambda p: (p.person.lower(), p.date or "", p.id))
    index = io.StringIO()
    writer = csv.writer(index, lineterminator="\r\n")
    writer.writerow([_("person"), _("person id"), _("plan"), _("pack"), _("conversation"),
                     _("last change"), _("where it stands"), _("signed"), _("digest"),
                     _("file")])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, plan in enumerate(plans, start=1):
            name = f"{_slug(plan.person) or plan.person_id}/{plan.date}-{plan.id}.html"
            document, _format = render(plan.pack, "html", plan, None, plugins)
            archive.writestr(name, document)
            agreed = status(plan)
            writer.writerow([safe_cell(c) for c in (
                plan.person, plan.person_id or "", plan.id, f"{plan.pack_id} {plan.pack_version}",
                plan.date or "", (plan.updated or "")[:10], plan.pack.state_title(plan.state)
                if not plan.closed else _("closed"), _("yes") if agreed["agreed"] else _("no"),
                agreed["digest"], name)])
            if progress:
                progress(done, len(plans))
        archive.writestr("index.csv", "\ufeff" + index.getvalue())
    return buffer.getvalue(), len(plans)


def _slug(name: str) -> str:
    """A folder name from a person's name: letters, digits and dashes only."""
    return re.sub(r"[^\w]+", "-", name, flags=re.UNICODE).strip("-_")[:60]
