"""Read untrusted YAML (packs, answers files) into plain data, keeping where each value stood.

The document is *composed* (parsed into nodes, nothing constructed) and then walked by hand,
so no tag can ever construct an object, aliases are refused before anything can expand them,
duplicate keys are caught, and every value keeps its line and column for error messages.
"""

from __future__ import annotations

import math
import os
from functools import cache
from typing import Any, NoReturn

from .errors import Problem, ProblemsError
from .i18n import _
from .text import has_surrogates

MAX_BYTES = 2_000_000
MAX_DEPTH = 64
MAX_NODES = 20_000  # values and keys; the largest built-in pack has about 1 100

Positions = dict[tuple, tuple[int, int]]
KEY = ("key",)  # ``(*path, KEY)``: where the key of ``path`` stands (a path holds no tuples)

_STR = "tag:yaml.org,2002:str"
_SCALAR_TAGS = {
    _STR, "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
}
_SPECIAL_FLOATS = {".inf": math.inf, "+.inf": math.inf, "-.inf": -math.inf, ".nan": math.nan}


class _Refused(Exception):
    def __init__(self, message: str, node: Any):
        super().__init__(message)
        self.message, self.node = message, node


def load_file(path: str | os.PathLike) -> tuple[Any, Positions]:
    """Load ``path``; raise :class:`ProblemsError` with one clear line for anything wrong."""
    from .files import NotARegularFile, read_limited

    name = str(path)
    try:
        if os.path.isdir(path):
            raise ProblemsError([Problem(name, _("is a folder, not a file"))])
        raw = read_limited(path, MAX_BYTES)
    except FileNotFoundError:
        raise ProblemsError([Problem(name, _("file not found"))]) from None
    except NotARegularFile as exc:
        raise ProblemsError([Problem(name, str(exc))]) from None
    except OSError as exc:
        raise ProblemsError([Problem(name, _("cannot read: {error}").format(
            error=exc.strerror or exc))]) from None
    return load_bytes(raw, name)


def load_bytes(raw: bytes, name: str) -> tuple[Any, Positions]:
    if len(raw) > MAX_BYTES:
        raise ProblemsError([Problem(name, _("file is too large (more than {max} bytes)")
                                     .format(max=MAX_BYTES))])
    if b"\x00" in raw:
        raise ProblemsError([Problem(name, _("not a text file (it contains NUL bytes)"))])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ProblemsError([Problem(name, _("not valid UTF-8 text (byte {byte})").format(
            byte=f"0x{raw[exc.start]:02x}"), line, col)]) from None
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise ProblemsError([Problem(name, _("file is empty"))])
    return load_text(text, name)


def load_text(text: str, name: str) -> tuple[Any, Positions]:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        # the safe parser skips comments: twice as fast as the round-trip one on a file
        root = _compose(text, "safe")
    except _Refused as refused:
        _refuse(name, refused)
    except MarkedYAMLError as exc:
        try:  # the round-trip parser words some mistakes better ("mapping values …")
            _compose(text, "rt")
            error = exc
        except MarkedYAMLError as worded:
            error = worded
        except (_Refused, YAMLError, RecursionError):
            error = exc
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "syntax error"
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise ProblemsError([Problem(name, _syntax_message(problem), line, col)]) from None
    except (YAMLError, RecursionError) as exc:
        raise ProblemsError([Problem(name, _("YAML syntax error: {problem}").format(
            problem=type(exc).__name__))]) from None
    if root is None:
        raise ProblemsError([Problem(name, _("file is empty"))])
    positions: Positions = {}
    try:
        data = _plain(root, (), positions, set(), 0)
    except _Refused as refused:
        _refuse(name, refused)
    return data, positions


def _refuse(name: str, refused: _Refused) -> NoReturn:
    mark = refused.node.start_mark
    raise ProblemsError([Problem(name, refused.message, mark.line + 1,
                                 mark.column + 1)]) from None


def _compose(text: str, typ: str) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ=typ, pure=True)
    yaml.Composer = _counting_composer()
    return yaml.compose(text)


def _syntax_message(problem: str) -> str:
    """ruamel's message in pop's words, with the fix for the common traps."""
    if "mapping values are not allowed" in problem:
        return _("a ': ' inside a text that is not in quotes; put the text in quotes "
                 "(text: \"Doel: zelfstandig werken\")")
    if "\\t" in problem or "\t" in problem:
        return _("a tab; YAML indents with spaces only")
    if "expected <block end>" in problem or "did not find expected key" in problem or \
            "did not find expected '-'" in problem:
        return _("the indentation does not fit: keys of one mapping and items of one list "
                 "must start in the same column (YAML said: {problem})").format(problem=problem)
    if "found character" in problem and "cannot start any token" in problem:
        return _("a character that cannot start a value here; put the text in quotes "
                 "(YAML said: {problem})").format(problem=problem)
    return _("YAML syntax error: {problem}").format(problem=problem)


@cache
def _counting_composer() -> type:
    """A composer that stops at :data:`MAX_NODES`: parsing is pure Python (about 0.1 ms a
    node), so a 2 MB file of a million tiny items would otherwise take a minute and a GB."""
    from ruamel.yaml.composer import Composer

    class CountingComposer(Composer):
        nodes = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            self.nodes += 1
            if self.nodes > MAX_NODES:
                raise _Refused(_("too many items (more than {max} values and keys)").format(
                    max=MAX_NODES), self.parser.peek_event())
            return super().compose_node(parent, index)

    return CountingComposer


def _plain(node: Any, path: tuple, positions: Positions, seen: set[int], depth: int) -> Any:
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    if id(node) in seen or getattr(node, "anchor", None) is not None:
        raise _Refused(_("anchors and aliases (&, *) are not allowed"), node)
    if depth > MAX_DEPTH:
        raise _Refused(_("nested too deeply (more than {max} levels)").format(max=MAX_DEPTH),
                       node)
    seen.add(id(node))
    positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    tag = str(node.tag)
    if isinstance(node, ScalarNode):
        return _scalar(node, tag)
    if isinstance(node, SequenceNode):
        if tag != "tag:yaml.org,2002:seq":
            raise _Refused(_("the tag {tag} is not allowed").format(tag=_short(tag)), node)
        return [_plain(item, (*path, i), positions, seen, depth + 1)
                for i, item in enumerate(node.value)]
    if isinstance(node, MappingNode):
        if tag != "tag:yaml.org,2002:map":
            raise _Refused(_("the tag {tag} is not allowed").format(tag=_short(tag)), node)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or str(key_node.tag).endswith(":merge"):
                raise _Refused(_("keys must be plain text"), key_node)
            if id(key_node) in seen or key_node.anchor is not None:
                raise _Refused(_("anchors and aliases (&, *) are not allowed"), key_node)
            key = _text(str(key_node.value), key_node)
            if key in result:
                raise _Refused(_("duplicate key {key!r}").format(key=key), key_node)
            positions[(*path, key, KEY)] = (key_node.start_mark.line + 1,
                                            key_node.start_mark.column + 1)
            result[key] = _plain(value_node, (*path, key), positions, seen, depth + 1)
        return result
    raise _Refused(_("unsupported YAML node"), node)  # pragma: no cover - composer makes 3 kinds


def _scalar(node: Any, tag: str) -> Any:
    if tag not in _SCALAR_TAGS:
        raise _Refused(_("the tag {tag} is not allowed").format(tag=_short(tag)), node)
    value: str = _text(node.value, node)
    if node.style == ">":  # ruamel marks the folds of a folded scalar with BEL for round-trips
        value = value.replace("\a", "")
    if tag in (_STR, "tag:yaml.org,2002:timestamp"):
        return value
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return value.lower() in ("true", "yes", "on")
    cleaned = value.replace("_", "")
    try:
        if tag == "tag:yaml.org,2002:int":
            lowered = cleaned.lower()
            for prefix, base in (("0x", 16), ("0o", 8), ("0b", 2)):
                if lowered.lstrip("+-").startswith(prefix):
                    sign = -1 if lowered.startswith("-") else 1
                    return sign * int(lowered.lstrip("+-")[2:], base)
            return int(cleaned)
        return _SPECIAL_FLOATS.get(cleaned.lower()) or float(cleaned)
    except ValueError:
        return value


def _text(value: str, node: Any) -> str:
    """Text as Python's ``json.dump`` writes it has an emoji as two escaped halves
    (``\\ud83d\\ude0a``): pair them; a half on its own is not text at all."""
    if not has_surrogates(value):
        return value
    try:
        return value.encode("utf-16", "surrogatepass").decode("utf-16")
    except UnicodeDecodeError:
        raise _Refused(_("not text: half of a character (a lone \\ud800–\\udfff escape)"),
                       node) from None


def _short(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def position(positions: Positions, path: tuple) -> tuple[int | None, int | None]:
    """The line and column of ``path``, or of its nearest ancestor that has one."""
    path = tuple(path)
    while path:
        if path in positions:
            return positions[path]
        path = path[:-1]
    return positions.get((), (None, None))


def key_position(positions: Positions, path: tuple) -> tuple[int | None, int | None]:
    """Where the key of ``path`` stands (its value's place when the key's is not known)."""
    return positions.get((*path, KEY)) or position(positions, path)


def format_path(path: tuple) -> str:
    """``('phases', 'conversation', 'steps', 2)`` → ``phases.conversation.steps[2]``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
