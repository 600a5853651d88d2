"""A new pack folder to start from: what ``pop packs new`` writes.

Two kinds:

- on its own: a small, complete pack (``pack.yaml``, ``templates/plan.md.j2``, ``README.md``
  and ``voorbeeld-antwoorden.yaml``) that validates, lints clean and runs as it is;
- ``extends``: a thin pack on top of another one, with the organisation's own lists
  (``settings``), one extra question and one overridden text, the same four files, and an
  answers file made from the other pack's example plus the extra question.

The files are in Dutch, the language of the packs; ``docs/authoring.md`` walks through them.
"""

from __future__ import annotations

import io
import re
import textwrap
from pathlib import Path
from typing import Any

from .errors import UsageError
from .i18n import _
from .pack import Pack

PACK_ID = re.compile(r"^[a-z][a-z0-9_-]*$")
ANSWERS = "voorbeeld-antwoorden.yaml"
TEMPLATE = "plan.md.j2"
EXTRA_QUESTION = "opleiding"


def schema_url() -> str:
    """Where editors find the pack schema: the ``$id`` of ``schemas/pack.schema.json``."""
    from .schemacheck import load_schema

    return load_schema("pack.schema.json")["$id"]


def organisation(pack_id: str) -> str:
    """A readable name from a pack id: ``acme-zorg`` → ``Acme Zorg``."""
    return " ".join(part.capitalize() for part in re.split(r"[-_]+", pack_id) if part)


def new_pack(pack_id: str, where: Path, extends: Pack | None = None,
             parent_answers: str | None = None, force: bool = False) -> list[Path]:
    """Write a new pack folder ``where/pack_id``; returns the files written.

    ``extends`` is the resolved pack to build on, ``parent_answers`` the text of its example
    answers file (if there is one). An existing folder is refused unless ``force`` (then the
    files written here are replaced and anything else in it is left alone).
    """
    if not PACK_ID.match(pack_id):
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
    files = _extending(pack_id, extends, parent_answers) if extends else _standalone(pack_id)
    written = []
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
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


def _standalone(pack_id: str) -> dict[str, str]:
    org = organisation(pack_id)
    about = (f"# Pack `{pack_id}`: het POP-gesprek van {org}. Kijk het na met\n"
             f"# `pop packs validate {pack_id}` en `pop packs lint {pack_id}`; zie README.md.\n")
    pack = _header(pack_id, about) + STANDALONE_PACK.format(id=pack_id, org=org)
    return {
        "pack.yaml": pack,
        f"templates/{TEMPLATE}": STANDALONE_TEMPLATE.replace("{org}", org),
        "README.md": STANDALONE_README.format(id=pack_id, org=org, answers=ANSWERS),
        ANSWERS: STANDALONE_ANSWERS.format(id=pack_id, org=org),
    }


STANDALONE_PACK = """\
id: {id}
name: POP-gesprek {org}
version: 0.1.0
language: nl-BE
description: >-
  Het POP-gesprek van {org}: terugblikken, bepalen wat de medewerker wil en kan, SMART-acties
  afspreken, en die na het gesprek opvolgen en evalueren.
sources:
  - title: POP-leidraad van {org}
    note: Vul hier de bron in waarop deze pack gebaseerd is.

roles:
  - {{id: employee, name: Medewerker, subject: true, signs: true}}
  - {{id: manager, name: Leidinggevende, signs: true}}

# De lijsten van de organisatie; een vraag kiest eruit met `choices_from`.
settings:
  competenties: [samenwerken, klantgericht werken, plannen en organiseren, vakkennis]

phases:
  conversation:
    title: Het gesprek
    steps:
      - id: terugblik
        title: Terugblik
        answered_by: employee
        guidance:
          text: Blik samen terug op het voorbije jaar. Laat de medewerker eerst aan het woord.
          example_questions:
            - Waar ben je trots op?
            - Wat liep minder goed, en wat heb je daaruit geleerd?
          pitfalls:
            - Het POP-gesprek verwarren met een beoordelingsgesprek.
        questions:
          - id: trots_op
            text: Waar ben je het voorbije jaar trots op?
            type: longtext
            required: true
          - id: minder_goed
            text: Wat liep minder goed?
            type: longtext

      - id: ontwikkeling
        title: Wat wil ik, wat kan ik?
        answered_by: employee
        guidance:
          text: >-
            Vraag wat de medewerker het komende jaar wil bereiken of leren, en aan welke
            competenties hij of zij daarvoor wil werken.
          tips:
            - Vraag door met open vragen; laat de medewerker zelf het doel verwoorden.
        questions:
          - id: doel
            text: Wat wil je het komende jaar bereiken of leren?
            type: longtext
            required: true
          - id: competenties
            text: Aan welke competenties wil je werken?
            type: multichoice
            choices_from: competenties
            required: true
          - id: doel_haalbaar
            text: Is dit doel haalbaar binnen een jaar?
            answered_by: manager
            type: bool
            required: true
          - id: eerste_stap
            text: Wat is een eerste, kleinere stap naar dat doel?
            answered_by: together
            type: longtext
            when: {{doel_haalbaar: false}}

      - id: acties
        title: Acties
        answered_by: together
        guidance:
          text: >-
            Spreek samen acties af en formuleer ze SMART: specifiek, meetbaar, acceptabel,
            realistisch en tijdsgebonden. Spreek ook af wanneer jullie ze opvolgen.
        questions:
          - id: acties
            text: Welke acties spreken jullie af?
            type: records
            required: true
            min_items: 1
            fields:
              - {{id: wat, text: Wat ga je doen? (Specifiek), type: text, required: true}}
              - id: meetbaar
                text: Hoe zie je dat het gelukt is? (Meetbaar)
                type: text
                required: true
              - {{id: steun, text: Wie of wat helpt daarbij?, type: text}}
              - id: wanneer
                text: Tegen wanneer? (Tijdsgebonden)
                help: Een datum of gedateerde periode, vb. 30-06-2026 of juni 2026.
                type: text
                required: true
          - id: datum_opvolging
            text: Wanneer volgen jullie de acties op?
            type: date
          - id: akkoord
            text: Gaan jullie allebei akkoord met dit plan?
            type: bool
            required: true

  follow_up:
    title: Opvolging
    steps:
      - id: opvolging
        title: Opvolging
        answered_by: together
        guidance:
          text: Bekijk samen hoe ver de acties staan en wat er in de weg zit.
        questions:
          - id: voortgang
            text: Hoe ver staan de acties?
            type: longtext
            required: true

  evaluation:
    title: Evaluatie
    steps:
      - id: evaluatie
        title: Evaluatie
        answered_by: together
        guidance:
          text: >-
            Evalueer samen of de acties gelukt zijn en het doel bereikt is; neem mee wat je
            leert naar het volgende POP.
        questions:
          - id: doel_bereikt
            text: Is het doel bereikt?
            type: bool
            required: true
          - id: lessen
            text: Wat neem je mee naar het volgende POP?
            type: longtext

rules:
  - id: smart
    at: acties
    severity: error
    message: Formuleer elke actie SMART.
    check:
      named: smart
      args:
        question: acties
        fields: {{S: [wat], M: [meetbaar], T: [wanneer]}}
  - id: akkoord
    at: acties
    severity: error
    message: Het plan is pas klaar als jullie er allebei mee akkoord gaan.
    check: {{akkoord: true}}
  - id: opvolging_gepland
    at: acties
    severity: warning
    message: Spreek af wanneer jullie de acties opvolgen.
    check: {{datum_opvolging: {{present: true}}}}
  - id: kleine_stap
    at: ontwikkeling
    severity: hint
    when: {{doel_haalbaar: false}}
    message: Breek het doel niet af; zoek samen een eerste, kleinere stap die wel haalbaar is.

schedule:
  - id: opvolging
    title: Opvolgingsgesprek
    kind: checkin
    question: datum_opvolging
    roles: [employee, manager]
  - id: evaluatie
    title: Evaluatiegesprek
    kind: evaluation
    offset_days: 365
    roles: [employee, manager]

outputs:
  - {{id: plan, title: Persoonlijk ontwikkelingsplan, template: {template}, of: plan}}
""".replace("{template}", TEMPLATE)

STANDALONE_TEMPLATE = """\
{#- Het POP van {org}. Context: pack, plan, answers, questions, roles; filters datum, lijst. -#}
{%- macro tekst(value) -%}{{ value if value else '—' }}{%- endmacro -%}
{%- macro cel(value) -%}{{ (value if value else '—') | replace('|', '/') | replace('\n', ' ') }}{%- endmacro -%}
# Persoonlijk ontwikkelingsplan — {{ plan.person }}

| | |
|---|---|
{%- for rid, role in roles.items() %}
| **{{ role.name }}** | {{ plan.people.get(rid) or '—' }} |
{%- endfor %}
| **Datum van het gesprek** | {{ plan.date | datum if plan.date else '—' }} |

## Terugblik

**Trots op:** {{ tekst(answers.get('trots_op')) }}

**Liep minder goed:** {{ tekst(answers.get('minder_goed')) }}

## Doel

{{ tekst(answers.get('doel')) }}

**Competenties:** {{ answers.get('competenties') | lijst if answers.get('competenties') else '—' }}
{%- if answers.get('doel_haalbaar') is sameas false %}

**Eerste, kleinere stap:** {{ tekst(answers.get('eerste_stap')) }}
{%- endif %}

## Acties

| Wat | Meetbaar | Steun | Tegen wanneer |
|---|---|---|---|
{%- for a in answers.get('acties') or [] %}
| {{ cel(a.get('wat')) }} | {{ cel(a.get('meetbaar')) }} | {{ cel(a.get('steun')) }} | {{ cel(a.get('wanneer')) }} |
{%- endfor %}

Opvolging: {{ answers.get('datum_opvolging') | datum if answers.get('datum_opvolging') else 'nog af te spreken' }}.
Akkoord: {{ 'ja' if answers.get('akkoord') else 'nee' }}.
{%- if answers.get('voortgang') %}

## Opvolging

{{ answers.voortgang }}
{%- endif %}
{%- if answers.get('doel_bereikt') is not none %}

## Evaluatie

**Doel bereikt:** {{ 'ja' if answers.get('doel_bereikt') else 'nee' }}

**Mee naar het volgende POP:** {{ tekst(answers.get('lessen')) }}
{%- endif %}

## Handtekeningen
{% for s in plan.signatures or [] %}
- {{ roles[s.role].name if s.role in roles else s.role }}: {{ s.name }}, {{ (s.at | string)[:10] | datum }}
{%- else %}
- Medewerker: ______________________   Leidinggevende: ______________________
{%- endfor %}
"""

STANDALONE_ANSWERS = """\
# Voorbeeld: een volledig ingevuld POP-gesprek met de pack `{id}`. Alle namen zijn verzonnen.
#   pop run --pack PAD/NAAR/{id} --answers PAD/NAAR/{id}/voorbeeld-antwoorden.yaml
pack: {id}
people:
  employee: An Peeters
  manager: Jan Janssens
date: 2026-03-02

answers:
  trots_op: Ik heb de nieuwe collega's van het team wegwijs gemaakt in de planning.
  minder_goed: Bij drukte vergeet ik soms de klant terug te bellen.
  doel: Ik wil zelfstandig de weekplanning van het team kunnen maken.
  competenties: [plannen en organiseren, klantgericht werken]
  doel_haalbaar: true
  acties:
    - wat: An maakt vier weken lang de weekplanning samen met Jan en daarna twee weken alleen.
      meetbaar: Zes weekplanningen gemaakt; de laatste twee zonder correcties van Jan.
      steun: Jan (leidinggevende) overloopt elke planning op vrijdag.
      wanneer: 30-06-2026
    - wat: An belt elke klant die een bericht achterliet nog dezelfde werkdag terug.
      meetbaar: In mei en juni geen klacht over een gemiste terugbelafspraak.
      wanneer: 30-06-2026
  datum_opvolging: 2026-04-20
  akkoord: true
"""

STANDALONE_README = """\
# Pack `{id}` — POP-gesprek {org}

Een pack voor `pop`, gemaakt met `pop packs new {id}`. Pas ze aan naar de leidraad van {org}:

- `pack.yaml` — het gesprek: rollen, stappen met aanwijzingen voor wie het gesprek leidt,
  vragen, regels, planning en documenten. De eerste regel koppelt het bestand aan het schema,
  zodat een editor met YAML-ondersteuning aanvult en fouten toont.
- `templates/plan.md.j2` — het plan dat beide ondertekenen (Jinja2, Markdown).
- `{answers}` — een volledig ingevuld voorbeeldgesprek.

Nakijken en uitproberen (vanuit de map boven deze pack):

```sh
pop packs validate {id}            # is de pack geldig?
pop packs lint {id}                # advies: vragen die nooit gesteld worden, teksten, ...
pop packs graph {id}               # de levensloop en de agenda als Mermaid-diagram
pop run --pack {id} --answers {id}/{answers}
```

Zie `docs/authoring.md` van pop voor het formaat en het advies van `pop packs lint`.

## Bronnen

Noteer hier per stap, vraag en regel uit welke passage van de leidraad ze komt.

| stap, vraag of regel | bron |
|---|---|
| `terugblik` | … |
"""


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


def _extending(pack_id: str, parent: Pack, parent_answers: str | None) -> dict[str, str]:
    org = organisation(pack_id)
    anchor = _anchor(parent)
    if anchor is None:
        raise UsageError(_("pack {id} has no conversation step with questions to build on")
                         .format(id=parent.id))
    step, after = anchor
    qid = _extra_id(parent, pack_id)
    about = (f"# Pack `{pack_id}`: bouwt verder op de pack `{parent.id}`. Alles wat hier niet "
             f"staat, komt uit\n# `{parent.id}`; wat hier staat, vervangt of vult aan op id. "
             f"Zie README.md.\n")
    lines = [
        f"id: {pack_id}",
        f"extends: {parent.id}",
        f"name: {_q(f'{org} — {parent.name}')}",
        "version: 0.1.0",
        "description: " + _folded(f"De pack {parent.id} met de lijsten en een eigen vraag "
                                  f"van {org}.", 2),
        "",
    ]
    settings = parent.data.get("settings")
    if settings:
        lines += [f"# De lijsten van {org}: een lijst hier vervangt die van {parent.id} volledig.",
                  "settings:"]
        lines += _yaml_block(settings, 2)
        lines.append("")
    guidance = (step.get("guidance") or {}).get("text")
    phase = parent.step_index[step["id"]][0]
    lines += [
        "phases:",
        f"  {phase}:",
        "    steps:",
        _c(f"      - id: {step['id']}", f"een stap van {parent.id}, aangevuld op id"),
    ]
    if guidance:
        extra = "Vraag ook welke opleiding of vorming daarbij helpt."
        lines += [
            "        guidance:",
            "          # een tekst vervangen: dezelfde id, en alleen wat verandert",
            "          text: " + _folded(f"{parent.text(guidance)} {extra}", 12),
        ]
    lines += [
        "        questions:",
        _c(f"          - id: {qid}", f"een nieuwe vraag, na de vraag `{after['id']}`"),
        f"            after: {after['id']}",
        "            text: Welke opleiding of vorming helpt om deze acties te halen?",
        f"            help: Een eigen vraag van {_q(org)}, bovenop de pack {parent.id}.",
        "            type: longtext",
        "",
        "outputs:",
        _c("  - id: plan", f"een document erbij; die van {parent.id} blijven"),
        f"    title: {_q(f'POP ({org})')}",
        f"    template: {TEMPLATE}",
        "    of: plan",
    ]
    pack = _header(pack_id, about) + "\n".join(lines) + "\n"
    answers = _extended_answers(pack_id, parent, parent_answers, qid, after["id"])
    return {
        "pack.yaml": pack,
        f"templates/{TEMPLATE}": _extending_template(parent, qid, org),
        "README.md": EXTENDING_README.format(id=pack_id, org=org, parent=parent.id,
                                             answers=ANSWERS, question=qid,
                                             after=after["id"], step=step["id"]),
        ANSWERS: answers,
    }


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


def _extending_template(parent: Pack, qid: str, org: str) -> str:
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
    return (
        f"{{#- Het POP van {org}, naast de documenten van de pack {parent.id}. Context: pack, plan,\n"
        f"    answers, questions, roles; filters datum en lijst. -#}}\n"
        f"{{%- macro cel(value) -%}}{{{{ ('—' if value is none or value == '' else value) "
        f"| replace('|', '/') | replace('\\n', ' ') }}}}{{%- endmacro -%}}\n"
        f"# POP van {{{{ plan.person }}}} ({org})\n\n"
        f"| | |\n|---|---|\n"
        f"{{%- for rid, role in roles.items() %}}\n"
        f"| **{{{{ role.name }}}}** | {{{{ plan.people.get(rid) or '—' }}}} |\n"
        f"{{%- endfor %}}\n"
        f"| **Datum van het gesprek** | {{{{ plan.date | datum if plan.date else '—' }}}} |\n"
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
    try:
        candidates.append(data_path("examples") / f"{parent.id}-answers.yaml")
    except FileNotFoundError:
        pass
    for path in candidates:
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return None


def _extended_answers(pack_id: str, parent: Pack, parent_answers: str | None, qid: str,
                      after: str) -> str:
    example = "Een interne opleiding die past bij de afgesproken acties."
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
            head = (f"# Voorbeeld voor de pack `{pack_id}`: het voorbeeld van `{parent.id}` met "
                    f"de eigen vraag `{qid}`.\n")
            return head + out.getvalue()
    lines = [f"# Voorbeeld voor de pack `{pack_id}`. Vul de antwoorden in (de pack {parent.id}",
             "# had geen voorbeeld om van te vertrekken).",
             f"pack: {pack_id}", "people:"]
    lines += [f"  {role}: " for role in parent.roles]
    lines += ["date: 2026-03-02", "answers:"]
    for ref in parent.questions.values():
        if ref.phase in ("preparation", "conversation") and ref.question.get("required"):
            lines.append(f"  {ref.id}:    # {parent.text(ref.question.get('text'))[:70]}")
        if ref.id == after:
            lines.append(f"  {qid}: {example}")
    return "\n".join(lines) + "\n"


EXTENDING_README = """\
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
"""
