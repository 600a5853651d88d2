"""A new pack folder to start from: what ``pop packs new`` writes.

Two kinds:

- on its own: a small, complete pack (``pack.yaml``, ``templates/plan.md.j2``, ``README.md``
  and ``voorbeeld-antwoorden.yaml``, from ``engine/scaffolds/standalone`` with ``__ID__`` and
  ``__ORG__`` filled in) that validates, lints clean and runs as it is;
- ``extends``: a thin pack on top of another one, with the organisation's own lists
  (``settings``), one extra question and one overridden text, the same four files, and an
  answers file made from the other pack's example plus the extra question.

The files are in Dutch, the language of the packs; ``docs/authoring.md`` walks through them.
"""

from __future__ import annotations

import contextlib
import io
import re
import textwrap
from pathlib import Path
from typing import Any

from .errors import UsageError
from .i18n import _
from .pack import Pack

PACK_ID = re.compile(r"[a-z][a-z0-9_-]{0,63}")
ANSWERS = "voorbeeld-antwoorden.yaml"
TEMPLATE = "plan.md.j2"
EXTRA_QUESTION = "opleiding"
SCAFFOLDS = Path(__file__).parent / "scaffolds"
LANGUAGES = ("nl-BE", "nl-NL", "en")
# nl-NL is the Flemish scaffold with the words that differ in the Netherlands
_NETHERLANDS = (
    ("language: nl-BE", "language: nl-NL"), ("vb. ", "bijv. "),
    ("Kijk het na met", "Controleer het met"), ("Nakijken en uitproberen", "Controleren en "
                                               "uitproberen"),
    ("Jan (leidinggevende) overloopt elke planning op vrijdag.",
     "Jan (leidinggevende) loopt elke planning op vrijdag met haar door."),
    ("An Peeters", "Anouk de Vries"), ("Jan Janssens", "Jan Bakker"),
)
# the pack's first comment lines and its default name, per language
_ABOUT = {
    "nl": ("# Pack `{id}`: het POP-gesprek van {org}. Kijk het na met\n"
           "# `pop packs validate {id}` en `pop packs lint {id}`; zie README.md.\n",
           "POP-gesprek {org}"),
    "en": ("# Pack `{id}`: the POP conversation of {org}. Check it with\n"
           "# `pop packs validate {id}` and `pop packs lint {id}`; see README.md.\n",
           "POP conversation {org}"),
}


def schema_url() -> str:
    """Where editors find the pack schema: the ``$id`` of ``schemas/pack.schema.json``."""
    from .schemacheck import load_schema

    return load_schema("pack.schema.json")["$id"]


def organisation(pack_id: str) -> str:
    """A readable name from a pack id: ``acme-zorg`` → ``Acme Zorg``."""
    return " ".join(part.capitalize() for part in re.split(r"[-_]+", pack_id) if part)


def new_pack(pack_id: str, where: Path, extends: Pack | None = None,
             parent_answers: str | None = None, force: bool = False,
             language: str | None = None, name: str | None = None) -> list[Path]:
    """Write a new pack folder ``where/pack_id``; returns the files written.

    ``extends`` is the resolved pack to build on, ``parent_answers`` the text of its example
    answers file (if there is one). ``language`` (one of :data:`LANGUAGES`; default nl-BE, or
    the language of the pack it extends) decides the wording, ``name`` the pack's name. An
    existing folder is refused unless ``force`` (then the files written here are replaced and
    anything else in it is left alone).
    """
    if language is not None and language not in LANGUAGES:
        raise UsageError(_("unknown language {language!r} (choose from: {known})").format(
            language=language, known=", ".join(LANGUAGES)))
    if not PACK_ID.fullmatch(pack_id):
        raise UsageError(_("{id!r} cannot be a pack id: use lowercase letters, digits, - and _, "
                           "starting with a letter").format(id=pack_id))
    folder = where / pack_id
    if folder.exists() and not force:
        raise UsageError(_("{folder} already exists; choose another id or folder, or use "
                           "--force to overwrite its pack files").format(folder=folder))
    if folder.exists() and not folder.is_dir():
        raise UsageError(_("{folder} exists and is not a folder").format(folder=folder))
    if extends is not None and extends.id == pack_id:
        raise UsageError(_("a pack cannot extend itself"))
    if name is not None:
        from .answers import InvalidAnswer, clean_name

        try:
            name = clean_name(name)
        except InvalidAnswer as exc:
            raise UsageError(_("--name: {error}").format(error=exc)) from None
    files = (_extending(pack_id, extends, parent_answers, language, name) if extends
             else _standalone(pack_id, language or LANGUAGES[0], name))
    written = []
    for rel, text in files.items():
        path = folder / rel
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(_("cannot write {path}: {error}").format(
                path=path, error=exc.strerror or exc)) from None
        written.append(path)
    return written


# --- text helpers ---------------------------------------------------------------------------


def _q(text: str) -> str:
    """A YAML scalar for ``text`` on one line (double-quoted when plain would be misread)."""
    import json

    plain = re.fullmatch(r"[A-Za-zÀ-ÿ0-9][^:#\n'\"{}\[\],&*!|>%@`]*", text or "")
    return text if plain and not text.endswith(" ") else json.dumps(text, ensure_ascii=False)


def _folded(text: str, indent: int, width: int = 96) -> str:
    """``>-`` and ``text`` wrapped below it, indented by ``indent`` spaces."""
    pad = " " * indent
    lines = textwrap.wrap(" ".join(str(text).split()), width=width - indent) or [""]
    return ">-\n" + "\n".join(pad + line for line in lines)


def _c(code: str, comment: str, column: int = 34) -> str:
    """A YAML line with a comment, the comments of a file lined up."""
    return f"{code:<{column}}# {comment}"


def _header(pack_id: str, about: str) -> str:
    url = schema_url()
    return (f"# yaml-language-server: $schema={url}\n"
            f"{about}"
            f"$schema: {url}\n")


# --- a pack on its own ----------------------------------------------------------------------


def _standalone(pack_id: str, language: str, name: str | None) -> dict[str, str]:
    """The files of ``scaffolds/standalone`` (``standalone-en`` in English) with the id, the
    organisation and the name filled in."""
    org = organisation(pack_id)
    english = language == "en"
    about, default_name = _ABOUT["en" if english else "nl"]
    folder = SCAFFOLDS / ("standalone-en" if english else "standalone")
    shown = name or default_name.format(org=org)
    files = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        text = path.read_text(encoding="utf-8")
        if rel == "pack.yaml":
            text = _header(pack_id, about.format(id=pack_id, org=org)) + text
        files[rel] = text.replace("__ID__", pack_id).replace(
            "__NAME__", _q(shown) if rel == "pack.yaml" else shown).replace("__ORG__", org)
    return _in_the_netherlands(files) if language == "nl-NL" else files


def _in_the_netherlands(files: dict[str, str]) -> dict[str, str]:
    out = {}
    for rel, text in files.items():
        for flemish, dutch in _NETHERLANDS:
            text = text.replace(flemish, dutch)
        out[rel] = text
    return out


# --- a pack on top of another -----------------------------------------------------------------


def _anchor(parent: Pack) -> tuple[dict, dict] | None:
    """Where the extra question goes: after the actions (a records question), else at the end
    of the last conversation step with questions. Returns (step, question) or None."""
    steps = [s for s in parent.steps("conversation") if s.get("questions")]
    for step in steps:
        for q in step["questions"]:
            if q.get("type") == "records":
                return step, q
    if steps:
        return steps[-1], steps[-1]["questions"][-1]
    return None


def _extra_id(parent: Pack, pack_id: str) -> str:
    qid = EXTRA_QUESTION
    if qid in parent.questions:
        qid = f"{re.sub(r'[^a-z0-9_]', '_', pack_id)}_{EXTRA_QUESTION}"
    return qid


# the wording of a pack made with --extends, per language
_EXTENDING = {
    "nl": {
        "about": ("# Pack `{id}`: bouwt verder op de pack `{parent}`. Alles wat hier niet staat, "
                  "komt uit\n# `{parent}`; wat hier staat, vervangt of vult aan op id. Zie "
                  "README.md.\n"),
        "description": "De pack {parent} met de lijsten en een eigen vraag van {org}.",
        "settings": "# De lijsten van {org}: een lijst hier vervangt die van {parent} volledig.",
        "step": "een stap van {parent}, aangevuld op id",
        "replace": "# een tekst vervangen: dezelfde id, en alleen wat verandert",
        "extra": "Vraag ook welke opleiding of vorming daarbij helpt.",
        "question": "een nieuwe vraag, na de vraag `{after}`",
        "text": "Welke opleiding of vorming helpt om deze acties te halen?",
        "help": "Een eigen vraag van {org}, bovenop de pack {parent}.",
        "output": "een document erbij; die van {parent} blijven",
        "example": "Een interne opleiding die past bij de afgesproken acties.",
        "head": "# Voorbeeld voor de pack `{id}`: het voorbeeld van `{parent}` met de eigen "
                "vraag `{question}`.\n",
        "blank": ("# Voorbeeld voor de pack `{id}`. Vul de antwoorden in (de pack {parent}\n"
                  "# had geen voorbeeld om van te vertrekken)."),
        "template": "Het POP van {org}, naast de documenten van de pack {parent}.\n    Context: "
                    "pack, plan, answers, questions, roles; filters datum en lijst.",
        "title": "POP van", "date": "Datum van het gesprek", "lang": "nl", "org": "{org}",
    },
    "en": {
        "about": ("# Pack `{id}`: builds on the pack `{parent}`. Everything not here comes "
                  "from\n# `{parent}`; what is here replaces or adds to it by id. See "
                  "README.md.\n"),
        "description": "The pack {parent} with the lists and a question of {org}'s own.",
        "settings": "# The lists of {org}: a list here replaces the one of {parent} completely.",
        "step": "a step of {parent}, added to by id",
        "replace": "# a text replaced: the same id, and only what changes",
        "extra": "Also ask which training or course helps with it.",
        "question": "a new question, after the question `{after}`",
        "text": "Which training or course helps to reach these actions?",
        "help": "A question of {org}'s own, on top of the pack {parent}.",
        "output": "one document more; those of {parent} stay",
        "example": "An in-house training that fits the actions agreed.",
        "head": "# Example for the pack `{id}`: the example of `{parent}` with its own "
                "question `{question}`.\n",
        "blank": ("# Example for the pack `{id}`. Fill in the answers (the pack {parent}\n"
                  "# had no example to start from)."),
        "template": "The POP of {org}, next to the documents of the pack {parent}.\n    "
                    "Context: pack, plan, answers, questions, roles; filters datum and lijst.",
        "title": "POP of", "date": "Date of the conversation", "lang": "en", "org": "{org}",
    },
}


def _extending(pack_id: str, parent: Pack, parent_answers: str | None,
               language: str | None, name: str | None) -> dict[str, str]:
    org = organisation(pack_id)
    anchor = _anchor(parent)
    if anchor is None:
        raise UsageError(_("pack {id} has no conversation step with questions to build on")
                         .format(id=parent.id))
    step, after = anchor
    qid = _extra_id(parent, pack_id)
    lang = language or parent.language
    words = {k: v.format(id=pack_id, parent=parent.id, org=org, after=after["id"],
                         question=qid) for k, v in
             _EXTENDING["en" if lang.startswith("en") else "nl"].items()}
    lines = [
        f"id: {pack_id}",
        f"extends: {parent.id}",
        f"name: {_q(name or f'{org} — {parent.name}')}",
        "version: 0.1.0",
        *([f"language: {language}"] if language and language != parent.language else []),
        "description: " + _folded(words["description"], 2),
        "",
    ]
    settings = parent.data.get("settings")
    if settings:
        lines += [words["settings"], "settings:"]
        lines += _yaml_block(settings, 2)
        lines.append("")
    guidance = (step.get("guidance") or {}).get("text")
    phase = parent.step_index[step["id"]][0]
    lines += [
        "phases:",
        f"  {phase}:",
        "    steps:",
        _c(f"      - id: {step['id']}", words["step"]),
    ]
    if guidance:
        lines += [
            "        guidance:",
            f"          {words['replace']}",
            "          text: " + _folded(f"{parent.text(guidance)} {words['extra']}", 12),
        ]
    lines += [
        "        questions:",
        _c(f"          - id: {qid}", words["question"]),
        f"            after: {after['id']}",
        f"            text: {_q(words['text'])}",
        f"            help: {_q(words['help'])}",
        "            type: longtext",
        "",
        "outputs:",
        _c("  - id: plan", words["output"]),
        f"    title: {_q(f'POP ({org})')}",
        f"    template: {TEMPLATE}",
        "    of: plan",
    ]
    pack = _header(pack_id, words["about"]) + "\n".join(lines) + "\n"
    readme = EXTENDING_README["en" if words["lang"] == "en" else "nl"]
    files = {
        "pack.yaml": pack,
        f"templates/{TEMPLATE}": _extending_template(parent, qid, words),
        "README.md": readme.format(id=pack_id, org=org, parent=parent.id, answers=ANSWERS,
                                   question=qid, after=after["id"], step=step["id"]),
        ANSWERS: _extended_answers(pack_id, parent, parent_answers, qid, after["id"], words),
    }
    return _in_the_netherlands(files) if language == "nl-NL" else files


def _yaml_block(value: Any, indent: int) -> list[str]:
    """Plain settings (mappings, lists of texts) as block YAML lines."""
    pad = " " * indent
    out = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict):
                out.append(f"{pad}{key}:")
                out += _yaml_block(item, indent + 2)
            elif isinstance(item, list):
                out.append(f"{pad}{key}: [{', '.join(_q(str(v)) for v in item)}]")
            else:
                out.append(f"{pad}{key}: {_q(str(item))}")
    return out


def _extending_template(parent: Pack, qid: str, words: dict[str, str]) -> str:
    records = next((ref for ref in parent.questions.values() if ref.type == "records"), None)
    table = ""
    if records is not None:
        fields = records.question.get("fields", [])
        fields = ([f for f in fields if f.get("required")] or fields)[:4]
        head = " | ".join(parent.text(f.get("text", f["id"])).replace("|", "/") for f in fields)
        cells = " | ".join(f"{{{{ cel(r.get('{f['id']}')) }}}}" for f in fields)
        table = (f"\n## {parent.text(records.question.get('text', records.id))}\n\n"
                 f"| {head} |\n|{'---|' * len(fields)}\n"
                 f"{{%- for r in answers.get('{records.id}') or [] %}}\n| {cells} |\n"
                 f"{{%- endfor %}}\n")
    lang = words["lang"]
    return (
        f"{{#- {words['template']} -#}}\n"
        f"{{%- macro cel(value) -%}}{{{{ ('—' if value is none or value == '' else value) "
        f"| replace('|', '/') | replace('\\n', ' ') }}}}{{%- endmacro -%}}\n"
        f"# {words['title']} {{{{ plan.person }}}} ({words['org']})\n\n"
        f"| | |\n|---|---|\n"
        f"{{%- for rid, role in roles.items() %}}\n"
        f"| **{{{{ role.name }}}}** | {{{{ plan.people.get(rid) or '—' }}}} |\n"
        f"{{%- endfor %}}\n"
        f"| **{words['date']}** | {{{{ plan.date | datum('{lang}') if plan.date else '—' }}}} "
        f"|\n"
        f"{table}\n"
        f"## {{{{ questions['{qid}'].text }}}}\n\n"
        f"{{{{ answers.get('{qid}') or '—' }}}}\n"
    )


def example_answers(parent: Pack) -> str | None:
    """The text of a pack's example answers file, if pop can find one.

    A scaffolded pack keeps it beside ``pack.yaml`` (``voorbeeld-antwoorden.yaml``); the
    built-in packs have theirs in pop's ``examples/<id>-answers.yaml``.
    """
    from .resources import data_path

    candidates = [Path(parent.origin) / ANSWERS] if parent.origin else []
    with contextlib.suppress(FileNotFoundError):  # a wheel built without examples/
        candidates.append(Path(data_path("examples")) / f"{parent.id}-answers.yaml")
    for path in candidates:
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return None


def _extended_answers(pack_id: str, parent: Pack, parent_answers: str | None, qid: str,
                      after: str, words: dict[str, str]) -> str:
    example = words["example"]
    if parent_answers:
        from ruamel.yaml import YAML

        yaml = YAML(typ="rt", pure=True)
        yaml.width = 100
        yaml.preserve_quotes = True
        yaml.indent(mapping=2, sequence=4, offset=2)
        data = yaml.load(parent_answers)
        if isinstance(data, dict) and isinstance(data.get("answers"), dict):
            data["pack"] = pack_id
            answers = data["answers"]
            keys = list(answers)
            position = keys.index(after) + 1 if after in keys else len(keys)
            answers.insert(position, qid, example)
            out = io.StringIO()
            yaml.dump(data, out)
            return words["head"] + out.getvalue()
    lines = [words["blank"], f"pack: {pack_id}", "people:"]
    lines += [f"  {role}: " for role in parent.roles]
    lines += ["date: 2026-03-02", "answers:"]
    for ref in parent.questions.values():
        if ref.phase in ("preparation", "conversation") and ref.question.get("required"):
            lines.append(f"  {ref.id}:    # {parent.text(ref.question.get('text'))[:70]}")
        if ref.id == after:
            lines.append(f"  {qid}: {example}")
    return "\n".join(lines) + "\n"


EXTENDING_README = {"nl": """\
# Pack `{id}` — {org}, op basis van `{parent}`

Een pack voor `pop`, gemaakt met `pop packs new {id} --extends {parent}`. Ze neemt alles over
van de pack `{parent}` en verandert alleen wat in `pack.yaml` staat, op id:

- `settings` — de lijsten van {org} (bv. de competenties); een lijst hier vervangt die van
  `{parent}` volledig.
- een eigen vraag, `{question}`, in de stap `{step}`, na de vraag `{after}` (`after:`);
- een vervangen tekst: de aanwijzing (`guidance.text`) van de stap `{step}`; de tips en
  valkuilen van `{parent}` blijven;
- een extra document, `plan` (`templates/plan.md.j2`); de documenten van `{parent}` blijven.

`{answers}` is een volledig ingevuld voorbeeldgesprek: dat van `{parent}` met een antwoord op
`{question}`.

Nakijken en uitproberen (vanuit de map boven deze pack):

```sh
pop packs validate {id}            # is de pack geldig (samen met {parent})?
pop packs lint {id}                # advies over wat deze pack toevoegt of verandert
pop packs graph {id}               # de levensloop en de agenda als Mermaid-diagram
pop run --pack {id} --answers {id}/{answers}
pop export ID --template plan      # het document van deze pack
```

Zie `docs/authoring.md` van pop: het uitgewerkte voorbeeld, `extends` en het advies van
`pop packs lint`.
""", "en": """\
# Pack `{id}` — {org}, based on `{parent}`

A pack for `pop`, made with `pop packs new {id} --extends {parent} --language en`. It takes
everything from the pack `{parent}` and changes only what is in `pack.yaml`, by id:

- `settings` — the lists of {org} (e.g. the competences); a list here replaces the one of
  `{parent}` completely;
- a question of its own, `{question}`, in the step `{step}`, after the question `{after}`
  (`after:`);
- a replaced text: the guidance (`guidance.text`) of the step `{step}`; the tips and pitfalls
  of `{parent}` stay;
- one document more, `plan` (`templates/plan.md.j2`); the documents of `{parent}` stay.

`{answers}` is a complete example conversation: the one of `{parent}` with an answer to
`{question}`.

Check it and try it (from the folder above this pack):

```sh
pop packs validate {id}            # is the pack valid (with {parent})?
pop packs lint {id}                # advice on what this pack adds or changes
pop preview {id} --answers {id}/{answers} --template plan
pop run --pack {id} --answers {id}/{answers}
```

See pop's `docs/authoring.md`: the worked example, `extends` and the advice of
`pop packs lint`.
"""}
