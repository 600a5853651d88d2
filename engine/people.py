"""People as records: a stable id, a display name, an employee number, a team, a leader.

A name is for display and lookup, never identity: two colleagues may share one. Wherever pop
is told about a person it accepts an id, an employee number or a name; a name matches in any
case and Unicode form (NFC + casefold), and a reference that fits two people is refused with
both named, never silently picked.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any, NamedTuple

from .errors import UsageError
from .i18n import _
from .ids import random_id
from .text import has_surrogates, shown

if TYPE_CHECKING:  # pragma: no cover
    from .store import Store

#: What stands in other people's plans where a forgotten person's name was.
REDACTED = "[gewist]"

#: The fields of a person that commands may set (besides the name).
FIELDS = ("number", "hired", "team", "leader_id", "email")


def new_person_id() -> str:
    """``p`` and nine random characters: never mistaken for a plan id (eight characters)."""
    return "p" + random_id(9)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def name_key(name: str) -> str:
    """What two spellings of one name share: NFC, case folded, spaces collapsed."""
    return nfc(nfc(" ".join(str(name).split())).casefold())


class PersonRef(NamedTuple):
    """A person as a plan is told about them: an existing record (``id``) or a new name."""

    name: str
    id: str | None = None


class AmbiguousPerson(UsageError):
    """A reference that fits more than one person; lists each so the user can choose."""

    def __init__(self, ref: str, candidates: list[dict]):
        self.ref, self.candidates = ref, candidates
        lines = [_("{ref!r} fits {n} people; give the id or the employee number:").format(
            ref=ref, n=len(candidates))]
        lines += ["  " + describe(p) for p in candidates]
        super().__init__("\n".join(lines))


def describe(person: dict) -> str:
    """``p3x… Sofie Claes (nr 1042, team Atelier)``: enough to tell two people apart."""
    extra = []
    if person.get("number"):
        extra.append(_("no. {number}").format(number=person["number"]))
    if person.get("team"):
        extra.append(_("team {team}").format(team=person["team"]))
    if person.get("hired"):
        extra.append(_("hired {date}").format(date=person["hired"]))
    tail = f" ({', '.join(extra)})" if extra else ""
    return f"{person['id']}  {person['name']}{tail}"


def clean_ref(ref: Any) -> str:
    from .answers import InvalidAnswer, clean_name

    try:
        text = clean_name(ref if ref is not None else "")
    except InvalidAnswer as exc:
        raise UsageError(str(exc)) from None
    if not text:
        raise UsageError(_("give a person: an id, an employee number or a name"))
    return nfc(utf8(text))


def utf8(text: str) -> str:
    """``text``, unless it holds a byte that is no UTF-8 (an argument from a Latin-1 terminal)."""
    if has_surrogates(text):
        raise UsageError(_("not valid UTF-8 text: {text!r}").format(text=shown(text)))
    return text


def resolve(store: Store, ref: Any) -> dict:
    """The one person ``ref`` (id, employee number or name) stands for, else exit 2."""
    text = clean_ref(ref)
    found = store.find_people(text)
    if not found:
        raise UsageError(_("no person {ref!r} in the register (see pop people list)").format(
            ref=text))
    if len(found) > 1:
        raise AmbiguousPerson(text, found)
    return found[0]


def ref_for(store: Store, ref: Any) -> PersonRef:
    """A plan's person from what someone typed: the one match, else a new person."""
    text = clean_ref(ref)
    found = store.find_people(text)
    if len(found) > 1:
        raise AmbiguousPerson(text, found)
    if found:
        return PersonRef(found[0]["name"], found[0]["id"])
    return PersonRef(text)


def check_fields(store: Store, fields: dict[str, Any], person_id: str | None = None
                 ) -> dict[str, Any]:
    """Fields as stored: a date for ``hired``, a person id for ``leader``; '' clears one."""
    from .answers import InvalidAnswer, clean_name
    from .dates import parse_date

    out: dict[str, Any] = {}
    for key, raw in fields.items():
        if raw is None:
            continue
        try:
            text = utf8(clean_name(raw))
        except InvalidAnswer as exc:
            raise UsageError(f"{key}: {exc}") from None
        if key == "name":
            if not text:
                raise UsageError(_("a person needs a name"))
            out["name"] = nfc(text)
        elif not text:
            out["leader_id" if key == "leader" else key] = None
        elif key == "hired":
            day = parse_date(text)
            if day is None:
                raise UsageError(_("--hired: not a date; write e.g. 31-03-2026, 31 March 2026 "
                                   "or 2026-03-31"))
            out["hired"] = day.isoformat()
        elif key == "leader":
            leader = resolve(store, text)
            if leader["id"] == person_id:
                raise UsageError(_("a person cannot be their own leader"))
            out["leader_id"] = leader["id"]
        elif key == "email":
            if "@" not in text or " " in text:
                raise UsageError(_("--email: not an e-mail address: {value!r}").format(
                    value=text))
            out["email"] = text
        else:
            out[key] = nfc(text)
    return out


class DuplicateNumber(UsageError):
    def __init__(self, number: str, holder: dict):
        super().__init__(_("employee number {number} belongs to {person} already").format(
            number=number, person=describe(holder)))


# --- import from a spreadsheet ---------------------------------------------------------------

#: Column heads understood in an import file (Dutch and English), by field.
COLUMNS = {
    "name": ("naam", "name", "volledige naam", "full name"),
    "number": ("nummer", "number", "personeelsnummer", "employee number", "nr"),
    "hired": ("in dienst", "indienst", "in_dienst", "datum in dienst", "hired", "hiring date"),
    "team": ("team", "afdeling", "department"),
    "leader": ("leidinggevende", "leader", "begeleider", "manager"),
    "email": ("e-mail", "email", "mail"),
}
MAX_IMPORT_BYTES = 2_000_000


def read_import(path: Any) -> list[tuple[int, dict[str, str]]]:
    """``(line, {field: value})`` per row of a CSV file with a header row; every problem at
    once, as ``FILE:LINE: message`` lines (nothing is imported when there is one)."""
    import csv
    import io
    from pathlib import Path

    from .errors import Problem, ProblemsError

    path = Path(path)
    name = str(path)
    try:
        if not path.is_file():
            raise ProblemsError([Problem(name, _("not a file") if path.exists()
                                         else _("file not found"))])
        with open(path, "rb") as f:
            raw = f.read(MAX_IMPORT_BYTES + 1)
    except OSError as exc:
        raise ProblemsError([Problem(name, _("cannot read: {error}").format(
            error=exc.strerror or exc))]) from None
    if len(raw) > MAX_IMPORT_BYTES:
        raise ProblemsError([Problem(name, _("file is too large (at most {max} bytes)").format(
            max=MAX_IMPORT_BYTES))])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ProblemsError([Problem(name, _("not valid UTF-8 text (save it as CSV UTF-8)"),
                                     line)]) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ProblemsError([Problem(name, _("file is empty"))]) from None
    fields: list[str | None] = []
    problems = []
    for head in header:
        word = " ".join(head.strip().lower().split())
        field = next((f for f, heads in COLUMNS.items() if word in heads), None)
        if field is None and word:
            problems.append(Problem(name, _("unknown column {head!r} (columns: {known})").format(
                head=head.strip(), known=", ".join(h[0] for h in COLUMNS.values())), 1))
        if field in fields:
            problems.append(Problem(name, _("column {head!r} appears twice").format(
                head=head.strip()), 1))
        fields.append(field)
    if "name" not in fields:
        problems.append(Problem(name, _("the header row needs a column 'naam' (name)"), 1))
    if problems:
        raise ProblemsError(problems)
    rows = []
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(fields):
                problems.append(Problem(name, _("{n} cells, but the header has {m} columns")
                                        .format(n=len(cells), m=len(fields)), line))
                continue
            rows.append((line, {f: c for f, c in zip(fields, cells, strict=False) if f}))
    except csv.Error as exc:
        problems.append(Problem(name, str(exc), reader.line_num))
    if problems:
        raise ProblemsError(problems)
    return rows


def import_people(store: Store, path: Any) -> dict:
    """Add or update the people of a CSV file, all or nothing.

    A row whose employee number is known updates that person; a row without a number updates
    the one person of that name, or adds a new one. Leaders may be people of the same file.
    """
    from .errors import Problem, ProblemsError

    name = str(path)
    rows = read_import(path)
    problems: list[Problem] = []
    added = updated = 0
    with store.transaction():
        pending_leaders = []
        numbers: dict[str, int] = {}
        for line, row in rows:
            leader = row.pop("leader", "")
            try:
                fields = check_fields(store, {k: v for k, v in row.items()})
                if "name" not in fields:
                    raise UsageError(_("a person needs a name"))
                if fields.get("number") and fields["number"] in numbers:
                    raise UsageError(_("employee number {number} is also on line {line}")
                                     .format(number=fields["number"],
                                             line=numbers[fields["number"]]))
                if fields.get("number"):
                    numbers[fields["number"]] = line
                existing = _existing(store, fields)
                if existing is None:
                    person = store.add_person(**fields)
                    added += 1
                else:
                    person = store.edit_person(existing["id"], **fields)
                    updated += 1
                if leader.strip():
                    pending_leaders.append((line, person["id"], leader))
            except UsageError as exc:
                problems.append(Problem(name, str(exc).replace("\n", " "), line))
        for line, person_id, leader in pending_leaders:
            try:
                store.edit_person(person_id, **check_fields(store, {"leader": leader},
                                                            person_id))
            except UsageError as exc:
                problems.append(Problem(name, _("leader: {error}").format(
                    error=str(exc).replace("\n", " ")), line))
        if problems:
            raise ProblemsError(sorted(problems, key=lambda p: p.line or 0))
    return {"added": added, "updated": updated, "rows": len(rows)}


def _existing(store: Store, fields: dict[str, Any]) -> dict | None:
    if fields.get("number"):
        return store.person_by_number(fields["number"])
    same = [p for p in store.find_people(fields["name"])
            if name_key(p["name"]) == name_key(fields["name"])]
    if len(same) > 1:
        raise AmbiguousPerson(fields["name"], same)
    return same[0] if same else None
