"""Find, load, resolve (``extends``) and validate content packs.

Every problem becomes one :class:`engine.errors.Problem` (``FILE:LINE:COL: PATH: message``);
all problems of a file are reported together and nothing in a pack can run code. Paths are
text (``os.path``): pathlib would cost every command that finds a pack 3 ms to import.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from typing import Any, NamedTuple

from .errors import Problem, ProblemsError, UsageError
from .files import read_limited
from .i18n import N_, _
from .pack import CLOSED, TOGETHER, Pack
from .packcache import PackCache
from .plugins import Plugins, get_plugins
from .rules import condition_refs
from .text import did_you_mean
from .yamlfile import Positions, format_path, load_file, position

PACK_FILE = "pack.yaml"
TEMPLATES = "templates"
MAX_TEMPLATE_BYTES = 1_000_000
BUILTIN = "engine.default_plugins.packs"


class PackEntry:
    """A pack folder found on the search path."""

    def __init__(self, id: str, folder: str, origin: str, name: str = "", version: str = "",
                 error: str | None = None, shadows: list[str] | None = None):
        self.id, self.folder, self.origin = id, folder, origin
        self.name, self.version, self.error = name, version, error
        self.shadows = [] if shadows is None else shadows

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "version": self.version,
                "folder": self.folder, "origin": self.origin, "error": self.error,
                "shadows": self.shadows}


class _Source(NamedTuple):
    """One loaded pack file, for locating problems after ``extends`` merged it."""

    file: str
    data: dict
    positions: Positions
    path: str

    @property
    def folder(self) -> str:
        return _parent(self.path)


def pack_file(path: str | os.PathLike) -> str:
    """The ``pack.yaml`` for a pack folder or file path."""
    path = os.fspath(path)
    return os.path.join(path, PACK_FILE) if os.path.isdir(path) else path


def _parent(path: str) -> str:
    return os.path.dirname(path) or os.curdir


def _name(folder: str) -> str:
    return os.path.basename(os.path.normpath(folder))


class PackLibrary:
    """All packs pop can see: ``--pack`` paths, ``POP_PACKS_PATH``, plugins, built-ins.

    Earlier places win when two packs have the same id.
    """

    def __init__(self, plugins: Plugins | None = None, extra: tuple[str, ...] = ()):
        self.plugins = plugins or get_plugins()
        self.extra = extra
        self._entries: dict[str, PackEntry] | None = None
        self._loaded: dict[str, Pack] = {}
        self._cache: PackCache | None = None

    @property
    def cache(self) -> PackCache:
        if self._cache is None:
            self._cache = PackCache(salt=",".join(sorted(self.plugins.checks)))
        return self._cache

    def search_path(self) -> list[tuple[str, str]]:
        places = [("--pack", os.fspath(p)) for p in self.extra]
        env = os.environ.get("POP_PACKS_PATH", "")
        places += [("POP_PACKS_PATH", p) for p in env.split(os.pathsep) if p]
        places += [(_("built-in") if plugin == BUILTIN else plugin, os.fspath(d))
                   for plugin, d in self.plugins.pack_dirs]
        return places

    def _folders(self) -> Iterator[tuple[str, str]]:
        for origin, place in self.search_path():
            if os.path.isfile(os.path.join(place, PACK_FILE)):
                yield origin, place
            elif os.path.isdir(place):
                for name in sorted(os.listdir(place)):
                    child = os.path.join(place, name)
                    if os.path.isfile(os.path.join(child, PACK_FILE)):
                        yield origin, child

    def entries(self) -> dict[str, PackEntry]:
        """Every pack found, by id (the first of a duplicated id wins; the rest are noted)."""
        if self._entries is None:
            found: dict[str, PackEntry] = {}
            for origin, folder in self._folders():
                entry = self._peek(folder, origin)
                if entry.id in found:
                    found[entry.id].shadows.append(folder)
                else:
                    found[entry.id] = entry
            self._entries = found
        return self._entries

    def find(self, ref: str) -> str:
        """The pack file for an id or a path; :class:`UsageError` when there is none."""
        looks_like_path = "/" in ref or os.sep in ref or ref.endswith((".yaml", ".yml"))
        in_folder = os.path.isfile(os.path.join(ref, PACK_FILE)) if ref else False
        if looks_like_path or os.path.isfile(ref) or in_folder:
            if os.path.isdir(ref) and not in_folder:
                raise ProblemsError([Problem(ref, _("no {file} in this folder").format(
                    file=PACK_FILE))])
            return pack_file(ref)
        entry = self.entries().get(ref)
        if entry is None:
            known = ", ".join(sorted(self.entries())) or "-"
            raise UsageError(_("unknown pack {ref!r} (known packs: {known}){close}; a pack "
                               "of your own: give its folder (--pack PATH) or add the folder "
                               "that holds it to POP_PACKS_PATH").format(
                ref=ref, known=known, close=did_you_mean(ref, self.entries())))
        return os.path.join(entry.folder, PACK_FILE)

    def load(self, ref: str) -> Pack:
        """A validated, resolved pack; :class:`ProblemsError` lists everything wrong."""
        path = os.path.realpath(self.find(ref))
        if path in self._loaded:
            return self._loaded[path]
        cached = self.cache.get("pack", path)
        if cached is not None:
            pack = Pack.from_snapshot(cached)
            pack.origin = _parent(path)
        else:
            pack, problems, sources = self._validate(path, ())
            if problems or pack is None:
                raise ProblemsError(problems)
            self.cache.put("pack", path, _files_of(sources), pack.snapshot())
        self._loaded[path] = pack
        return pack

    def _peek(self, folder: str, origin: str) -> PackEntry:
        """Id, name and version of a pack folder, without validating it."""
        file = os.path.join(folder, PACK_FILE)
        key = os.path.realpath(file)
        cached = self.cache.get("peek", key)
        if cached is None:
            cached = _peek(folder)
            self.cache.put("peek", key, [file], cached)
        return PackEntry(folder=folder, origin=origin, **cached)

    def validate(self, path: str | os.PathLike) -> tuple[Pack | None, list[Problem]]:
        """Validate one pack file (and what it extends): the pack, and every problem found,
        its documents rendered against sample plans too
        (:func:`engine.template_check.render_problems`)."""
        file = pack_file(path)
        pack, problems, _sources = self._validate(file, ())
        if pack is not None:
            from .template_check import render_problems

            problems = render_problems(pack, self.plugins, _parent(file))
        return (None if problems else pack), problems

    def validate_sources(self, path: str | os.PathLike
                         ) -> tuple[Pack | None, list[Problem], list[_Source]]:
        """Like :meth:`validate`, with the files read (the pack's own first), for ``lint``."""
        return self._validate(pack_file(path), ())

    def _validate(self, path: str, stack: tuple[str, ...]
                  ) -> tuple[Pack | None, list[Problem], list[_Source]]:
        name = _display(path)
        try:
            data, positions = load_file(path)
        except ProblemsError as exc:
            return None, exc.problems, []
        if not isinstance(data, dict):
            kind = _("a list") if isinstance(data, list) else _("a single value")
            return None, [Problem(name, _("a pack must be a mapping of keys to values, "
                                          "not {kind}").format(kind=kind), 1, 1)], []
        if "id" not in data:  # not a pack at all (extends: /etc/shadow): never quote its lines
            return None, [Problem(name, _("not a pack: it has no 'id' (is this the right "
                                          "file?)"), 1, 1)], []
        from .schemacheck import load_schema, problems

        schema = load_schema("pack.schema.json")
        # an extending pack may give only the keys that change of what it overrides: its own
        # file needs ids only, and the merged pack is held to the whole schema below
        found = problems(_ids_only(schema) if "extends" in data else schema, data, name,
                         positions)
        if found:
            return None, found, []
        source = _Source(name, data, positions, path)
        templates, found = _templates(source)
        sources = [source]
        resolved = copy.deepcopy(data)
        if "extends" in data:
            parent_ref = data["extends"]
            where = position(positions, ("extends",))
            if parent_ref in (*stack, data["id"]):
                chain = " → ".join((*stack, data["id"], parent_ref))
                return None, [Problem(name, _("extends forms a cycle: {chain}").format(
                    chain=chain), *where, "extends")], []
            try:
                parent_path = os.path.realpath(self.find(parent_ref))
            except (UsageError, ProblemsError) as exc:
                return None, [Problem(name, str(exc), *where, "extends")], []
            if parent_path == os.path.realpath(path):
                return None, [Problem(name, _("a pack cannot extend itself"), *where,
                                      "extends")], []
            parent, parent_problems, parent_sources = self._validate(
                parent_path, (*stack, data["id"]))
            if parent is None:
                return None, [Problem(name, _("the pack it extends ({ref}) has problems:")
                                      .format(ref=parent_ref), *where, "extends"),
                              *parent_problems], []
            resolved = merge(parent.data, data)
            templates = {**parent.templates, **templates}
            sources += parent_sources
            merged = (_unknown_removals(data, parent.data, source)
                      + _merged_problems(schema, resolved, sources))
            if merged:  # the rest would be about an incomplete pack
                return None, found + merged, sources
        pack = Pack(resolved, templates, _parent(path))
        found += _semantic_problems(pack, sources, self.plugins)
        if not found:  # a template that does not compile would fail only when a plan is printed
            from .outputs import template_problems

            found += template_problems(pack, self.plugins)
        return (None if found else pack), found, sources


def _display(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path


def _peek(folder: str) -> dict:
    try:
        data, _positions = load_file(os.path.join(folder, PACK_FILE))
    except ProblemsError as exc:
        return {"id": _name(folder), "error": str(exc.problems[0])}
    if not isinstance(data, dict):
        return {"id": _name(folder), "error": _("not a mapping")}
    name = data.get("name", "")
    if isinstance(name, dict):
        name = next(iter(name.values()), "")
    return {"id": str(data.get("id", _name(folder))), "name": str(name),
            "version": str(data.get("version", ""))}


def _tree(folder: str) -> list[str]:
    """Every folder and file under ``folder``, in path order (links to folders not entered)."""
    found = []
    for top, folders, files in os.walk(folder):
        found += [os.path.join(top, name) for name in folders + files]
    return sorted(found, key=lambda path: path.split(os.sep))


def _files_of(sources: list[_Source]) -> list[str]:
    """Every file (and template folder) a resolved pack was made from."""
    files = []
    for source in sources:
        files.append(source.path)
        templates = os.path.join(source.folder, TEMPLATES)
        if os.path.isdir(templates):
            files.append(templates)
            files += _tree(templates)
    return files


def _parts(path: str) -> list[str]:
    """The names in a template path, as ``PurePath.parts`` splits them."""
    return path.replace(os.sep, "/").split("/")


def _templates(source: _Source) -> tuple[dict[str, str], list[Problem]]:
    """The pack's template files (read now, so a plan's snapshot carries them)."""
    folder = os.path.join(source.folder, TEMPLATES)
    found: dict[str, str] = {}
    problems: list[Problem] = []
    if os.path.isdir(folder):
        inside = os.path.realpath(source.folder)
        for path in filter(os.path.isfile, _tree(folder)):
            rel = "/".join(os.path.relpath(path, folder).split(os.sep))
            real = os.path.realpath(path)
            if os.path.commonpath([real, inside]) != inside:  # a link to a file elsewhere
                problems.append(Problem(_display(path), _("refers outside the pack (a link to "
                                                          "a file elsewhere); copy it in")))
                continue
            try:
                raw = read_limited(path, MAX_TEMPLATE_BYTES)
                if len(raw) > MAX_TEMPLATE_BYTES or b"\x00" in raw:
                    raise UnicodeError
                found[rel] = raw.decode("utf-8")
            except UnicodeError:
                problems.append(Problem(_display(path), _("not a UTF-8 text template")))
            except OSError as exc:
                problems.append(Problem(_display(path), _("cannot read: {error}").format(
                    error=exc.strerror or exc)))
    for i, output in enumerate(source.data.get("outputs", [])):
        rel = output["template"]
        if rel.startswith(("/", "\\")) or ".." in _parts(rel) or rel not in found:
            at = ("outputs", i, "template")
            if ".." in _parts(rel) or rel.startswith(("/", "\\")):
                msg = _("template must be a path inside templates/")
            else:
                msg = _("template {name!r} not found in {folder}").format(
                    name=rel, folder=_display(folder))
            problems.append(Problem(source.file, msg, *position(source.positions, at),
                                    format_path(at)))
    return found, problems


# --- extends --------------------------------------------------------------------------------

_BY_ID = ("roles", "rules", "schedule", "outputs", "sources")
_PLACING = ("after", "before")  # where a new step or question goes among the inherited ones


def _ids_only(schema: dict) -> dict:
    """``schema`` with every thing that has an id requiring only its id."""

    def relax(node: Any) -> Any:
        if isinstance(node, dict):
            out = {k: relax(v) for k, v in node.items()}
            if "id" in (node.get("properties") or {}) and "id" in (node.get("required") or []):
                out["required"] = ["id"]
                for key in ("if", "then", "else"):  # what is required of some kinds only
                    out.pop(key, None)
            return out
        if isinstance(node, list):
            return [relax(v) for v in node]
        return node

    return relax(schema)


def _merged_problems(schema: dict, resolved: dict, sources: list[_Source]) -> list[Problem]:
    """The merged pack against the whole schema: what an override left incomplete, placed
    at the thing in the file that defines it."""
    from .schemacheck import problems

    report = _Reporter(sources)
    for problem in problems(schema, resolved, sources[0].file):
        path = _parse_path(problem.path)
        kind, ident, sub = _owner(resolved, path)
        report.add(kind, ident, sub, problem.message)
    return report.problems


def _parse_path(text: str) -> tuple:
    import re

    return tuple(int(part[1:-1]) if part.startswith("[") else part.lstrip(".")
                 for part in re.findall(r"\[\d+\]|\.?[^.\[]+", text))


def _owner(data: dict, path: tuple) -> tuple[str, str, tuple]:
    """The thing with an id that ``path`` (into the merged pack) is inside of."""
    kinds = {"roles": "role", "rules": "rule", "schedule": "schedule", "outputs": "output"}
    try:
        if path and path[0] in kinds:
            return kinds[path[0]], data[path[0]][path[1]]["id"], path[2:]
        if len(path) >= 4 and path[0] == "phases" and path[2] == "steps":
            step = data["phases"][path[1]]["steps"][path[3]]
            if len(path) >= 6 and path[4] == "questions":
                return "question", step["questions"][path[5]]["id"], path[6:]
            return "step", step["id"], path[4:]
    except (LookupError, TypeError):
        pass
    return "pack", "", path


def _removable(data: dict) -> set[str]:
    ids = {item.get("id") for key in _BY_ID for item in data.get(key, []) or []}
    for body in (data.get("phases") or {}).values():
        for step in body.get("steps", []):
            ids.add(step.get("id"))
            ids.update(q.get("id") for q in step.get("questions", []))
    return ids


def _unknown_removals(data: dict, parent: dict, source: _Source) -> list[Problem]:
    known = _removable(parent)
    out = []
    for i, ident in enumerate(data.get("remove", [])):
        if ident not in known:
            at = ("remove", i)
            out.append(Problem(source.file, _("{id!r} is not a step, question, rule, role, "
                                              "schedule item or output of the pack it "
                                              "extends").format(id=ident)
                               + did_you_mean(ident, sorted(filter(None, known))),
                               *position(source.positions, at), format_path(at)))
    return out


def _remove(data: dict, ids: set[str]) -> None:
    for key in _BY_ID:
        if key in data:
            data[key] = [item for item in data[key] if item.get("id") not in ids]
    for body in (data.get("phases") or {}).values():
        body["steps"] = [step for step in body.get("steps", []) if step.get("id") not in ids]
        for step in body["steps"]:
            if "questions" in step:
                step["questions"] = [q for q in step["questions"] if q.get("id") not in ids]


def merge(parent: dict, child: dict) -> dict:
    """``child`` on top of ``parent``: keys override, lists of things with ids merge by id."""
    out = copy.deepcopy(parent)
    _remove(out, set(child.get("remove", [])))
    for key, value in child.items():
        if key in ("extends", "$schema", "remove"):
            continue
        if key == "settings":
            out[key] = _merge_dicts(out.get(key, {}), value)
        elif key == "phases":
            phases = out.setdefault("phases", {})
            for phase, body in value.items():
                target = phases.setdefault(phase, {})
                for pkey, pvalue in body.items():
                    target[pkey] = (_merge_ids(target.get("steps", []), pvalue, _merge_step)
                                    if pkey == "steps" else copy.deepcopy(pvalue))
        elif key in _BY_ID and key != "sources":
            out[key] = _merge_ids(out.get(key, []), value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _merge_dicts(base: dict, top: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in top.items():
        out[key] = (_merge_dicts(out[key], value)
                    if isinstance(value, dict) and isinstance(out.get(key), dict)
                    else copy.deepcopy(value))
    return out


def _merge_step(base: dict, top: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in top.items():
        if key == "questions":
            out[key] = _merge_ids(out.get(key, []), value)
        elif key == "guidance":
            out[key] = {**out.get(key, {}), **copy.deepcopy(value)}
        else:
            out[key] = copy.deepcopy(value)
    return out


def _merge_ids(base: list, top: list, merge_one: Any = None) -> list:
    merge_one = merge_one or (lambda a, b: {**a, **copy.deepcopy(b)})
    out = [copy.deepcopy(item) for item in base]
    for item in top:
        item = dict(item)
        after, before = item.pop("after", None), item.pop("before", None)
        index = next((i for i, old in enumerate(out) if old.get("id") == item.get("id")), None)
        if index is not None:
            out[index] = merge_one(out[index], item)
            if after is None and before is None:
                continue
            item = out.pop(index)  # an inherited one moved
        anchor = next((i for i, old in enumerate(out) if old.get("id") in (after, before)),
                      None)
        if anchor is None:
            out.append(item)
        else:
            out.insert(anchor + (1 if after is not None else 0), item)
    for item in out:
        for key in _PLACING:
            item.pop(key, None)
    return out


# --- checks a schema cannot make ------------------------------------------------------------


class _Reporter:
    """Places a problem in the file that defines the thing it is about."""

    def __init__(self, sources: list[_Source]):
        self.sources = sources
        self.problems: list[Problem] = []
        self.index = [_ids(s.data) for s in sources]

    def add(self, kind: str, ident: str, sub: tuple, message: str) -> None:
        source, path = self.sources[0], ()
        for candidate, index in zip(self.sources, self.index, strict=True):
            if (kind, ident) in index:
                source, path = candidate, (*index[(kind, ident)], *sub)
                break
        line, col = position(source.positions, path)
        self.problems.append(Problem(source.file, message, line, col, format_path(path)))


def _ids(data: dict) -> dict[tuple[str, str], tuple]:
    out: dict[tuple[str, str], tuple] = {("pack", ""): ()}
    for phase, body in (data.get("phases") or {}).items():
        out[("phase", phase)] = ("phases", phase)
        for i, step in enumerate(body.get("steps", []) if isinstance(body, dict) else []):
            out.setdefault(("step", step.get("id")), ("phases", phase, "steps", i))
            for j, q in enumerate(step.get("questions", [])):
                out.setdefault(("question", q.get("id")),
                               ("phases", phase, "steps", i, "questions", j))
    for key, kind in (("roles", "role"), ("rules", "rule"), ("schedule", "schedule"),
                      ("outputs", "output")):
        for i, item in enumerate(data.get(key, [])):
            out.setdefault((kind, item.get("id")), (key, i))
    return out


def _duplicates(items: list[dict]) -> list[str]:
    seen: set[str] = set()
    dupes = []
    for item in items:
        if item["id"] in seen:
            dupes.append(item["id"])
        seen.add(item["id"])
    return dupes


def _semantic_problems(pack: Pack, sources: list[_Source], plugins: Plugins) -> list[Problem]:
    report = _Reporter(sources)
    data = pack.data
    if "conversation" not in pack.phases or not pack.steps("conversation"):
        report.add("pack", "", (), _("a pack needs a conversation phase with at least one step"))
    steps = [s for p in pack.phases for s in pack.steps(p)]
    questions = [q for s in steps for q in s.get("questions", [])]
    for kind, items in (("step", steps), ("question", questions), ("role", data.get("roles", [])),
                        ("rule", pack.rules), ("output", pack.outputs),
                        ("schedule", pack.schedule)):
        for dup in _duplicates(items):
            report.add(kind, dup, ("id",), _("the id {id!r} is used more than once").format(id=dup))
    roles = set(pack.roles)
    if sum(1 for r in pack.roles.values() if r.get("subject")) > 1:
        report.add("pack", "", ("roles",), _("only one role can be the subject of the plan"))
    order = {q["id"]: i for i, q in enumerate(questions)}
    step_end: dict[str, int] = {}
    phase_end: dict[str, int] = {}
    count = 0
    for phase in pack.phases:
        for step in pack.steps(phase):
            count += len(step.get("questions", []))
            step_end[step["id"]] = count
        phase_end[phase] = count
    for step in steps:
        if "title" not in step:  # not in the schema: an extending pack may leave it out
            report.add("step", step["id"], (), _("missing required key {key!r}").format(
                key="title"))
        for q in step.get("questions", []):
            for i, f in [(None, q), *enumerate(q.get("fields", []))]:
                if "text" not in f:
                    report.add("question", q["id"], () if i is None else ("fields", i),
                               _("missing required key {key!r}").format(key="text"))
        who = step.get("answered_by")
        if who and who not in roles and who != TOGETHER:
            report.add("step", step["id"], ("answered_by",), _unknown_role(who, roles))
        start = step_end[step["id"]] - len(step.get("questions", []))
        for ref in sorted(condition_refs(step.get("when"))):
            if ref not in order:
                report.add("step", step["id"], ("when",),
                           _("refers to unknown question {ref!r}").format(ref=ref))
            elif order[ref] >= start:
                report.add("step", step["id"], ("when",),
                           _("refers to {ref!r}, which is not asked before this step")
                           .format(ref=ref))
        for i, ref in enumerate(step.get("previous", [])):
            if ref not in order:
                report.add("step", step["id"], ("previous", i),
                           _("refers to unknown question {ref!r}").format(ref=ref))
        for q in step.get("questions", []):
            _check_question(pack, q, order, roles, report)
    for rule in pack.rules:
        _check_rule(pack, rule, order, step_end, phase_end, plugins, report)
    _check_embedded_schemas(pack, report)
    for item in pack.schedule:
        qid = item.get("question")
        if qid and (qid not in pack.questions or pack.questions[qid].type != "date"):
            report.add("schedule", item["id"], ("question",),
                       _("{id!r} is not a date question of this pack").format(id=qid))
    return report.problems


# JSON Schema keywords a pack may not use: references could fetch files or addresses, or
# loop. (Patterns are run by RE2, in linear time: engine/patterns.py.)
_NO_REFERENCES = N_("references ($ref) are not allowed in a pack's schemas")
_NO_PATTERN_PROPERTIES = N_("patternProperties is not allowed in a pack's schemas")
_REFUSED_KEYWORDS = {"$ref": _NO_REFERENCES, "$dynamicRef": _NO_REFERENCES,
                     "$recursiveRef": _NO_REFERENCES, "patternProperties": _NO_PATTERN_PROPERTIES}
def _embedded_schemas(pack: Pack):  # noqa: ANN202 - yields (kind, id, path, schema)
    """Every JSON Schema written inside the pack, with where it stands."""
    for qid, ref in pack.questions.items():
        for i, q in [(None, ref.question), *enumerate(ref.question.get("fields", []))]:
            base = () if i is None else ("fields", i)
            if "schema" in q:
                yield "question", qid, (*base, "schema"), q["schema"]
            if isinstance(q.get("when"), dict) and "schema" in q["when"]:
                yield "question", qid, (*base, "when", "schema"), q["when"]["schema"]
    for phase in pack.phases:
        for step in pack.steps(phase):
            if isinstance(step.get("when"), dict) and "schema" in step["when"]:
                yield "step", step["id"], ("when", "schema"), step["when"]["schema"]
    for rule in pack.rules:
        for key in ("check", "when"):
            if isinstance(rule.get(key), dict) and "schema" in rule[key]:
                yield "rule", rule["id"], (key, "schema"), rule[key]["schema"]


def _check_embedded_schemas(pack: Pack, report: _Reporter) -> None:
    from jsonschema.exceptions import SchemaError

    from .patterns import pattern_problem
    from .schemacheck import check_schema

    for kind, ident, path, schema in _embedded_schemas(pack):
        stack: list[tuple[tuple, object]] = [(path, schema)]
        refused = False
        while stack:
            where, node = stack.pop()
            if isinstance(node, dict):
                for key, value in node.items():
                    # a keyword, not a property named so (ids are lowercase, keywords' values
                    # are text, but for patternProperties)
                    keyword = key == "patternProperties" or not isinstance(value, dict | list)
                    if key in _REFUSED_KEYWORDS and keyword:
                        report.add(kind, ident, (*where, key), _(_REFUSED_KEYWORDS[key]))
                        refused = True
                    elif key == "pattern" and keyword and pattern_problem(value):
                        report.add(kind, ident, (*where, key), pattern_problem(value))
                        refused = True
                    stack.append(((*where, key), value))
            elif isinstance(node, list):
                stack.extend(((*where, i), value) for i, value in enumerate(node))
        if refused:
            continue
        try:
            check_schema(schema)
        except SchemaError as exc:
            report.add(kind, ident, (*path, *exc.path),
                       _("not a valid JSON Schema: {error}").format(error=exc.message))


def _unknown_role(who: str, roles: set[str]) -> str:
    return _("unknown role {role!r} (roles: {roles})").format(
        role=who, roles=", ".join(sorted(roles | {TOGETHER})))


def _check_question(pack: Pack, q: dict, order: dict, roles: set, report: _Reporter) -> None:
    qid = q["id"]
    who = q.get("answered_by")
    if who and who not in roles and who != TOGETHER:
        report.add("question", qid, ("answered_by",), _unknown_role(who, roles))
    if q.get("choices_from") and not isinstance(pack.setting(q["choices_from"]), list):
        report.add("question", qid, ("choices_from",),
                   _("settings has no list {key!r}").format(key=q["choices_from"]))
    for ref in sorted(condition_refs(q.get("when"))):
        if ref not in order:
            report.add("question", qid, ("when",),
                       _("refers to unknown question {ref!r}").format(ref=ref))
        elif order[ref] >= order[qid]:
            report.add("question", qid, ("when",),
                       _("refers to {ref!r}, which is not asked before this question")
                       .format(ref=ref))
    fields = q.get("fields", [])
    for dup in _duplicates(fields):
        report.add("question", qid, ("fields",),
                   _("the id {id!r} is used more than once").format(id=dup))
    field_order = {f["id"]: i for i, f in enumerate(fields)}
    for i, f in enumerate(fields):
        if f.get("type") == "records":
            report.add("question", qid, ("fields", i, "type"),
                       _("a records field cannot itself be records"))
        if f.get("choices_from") and not isinstance(pack.setting(f["choices_from"]), list):
            report.add("question", qid, ("fields", i, "choices_from"),
                       _("settings has no list {key!r}").format(key=f["choices_from"]))
        for ref in sorted(condition_refs(f.get("when"))):
            if field_order.get(ref, i) >= i and order.get(ref, order[qid]) >= order[qid]:
                report.add("question", qid, ("fields", i, "when"),
                           _("refers to {ref!r}, which is not asked before this question")
                           .format(ref=ref))


def _check_rule(pack: Pack, rule: dict, order: dict, step_end: dict, phase_end: dict,
                plugins: Plugins, report: _Reporter) -> None:
    rid, at = rule["id"], rule["at"]
    if at in step_end:
        limit = step_end[at]
    elif at in phase_end or at == CLOSED:
        limit = phase_end.get(at, len(order))
    else:
        valid = [*pack.step_index, *pack.phases]
        report.add("rule", rid, ("at",), _("{at!r} is not a step or phase of this pack "
                                           "(choose from: {valid})").format(
            at=at, valid=", ".join(valid)))
        return
    check = rule.get("check") or {}
    for key in ("when", "check"):
        for ref in sorted(condition_refs(rule.get(key))):
            if ref not in order:
                report.add("rule", rid, (key,),
                           _("refers to unknown question {ref!r}").format(ref=ref))
            elif order[ref] >= limit:
                report.add("rule", rid, (key,),
                           _("refers to {ref!r}, which is asked after {at!r}").format(
                               ref=ref, at=at))
    if "named" in check:
        named = plugins.checks.get(check["named"])
        errors: list = []
        if named is None:
            report.add("rule", rid, ("check", "named"),
                       _("unknown check {name!r} (registered: {known})").format(
                           name=check["named"], known=", ".join(sorted(plugins.checks)) or "-"))
        elif named.args_schema is not None:
            from .schemacheck import validator

            errors = list(validator(named.args_schema).iter_errors(check.get("args") or {}))
            for error in errors:
                from .schemacheck import message

                sub = ("check", "args", *error.absolute_path)
                report.add("rule", rid, sub, message(error))
        if named is not None and named.validate is not None and not (
                named.args_schema is not None and errors):
            done, found = plugins.call(named.plugin, f"check {named.name}", named.validate,
                                       check.get("args") or {}, pack)
            for path, text in (found or []) if done else []:
                report.add("rule", rid, ("check", "args", *path), str(text))
