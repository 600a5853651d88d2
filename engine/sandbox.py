"""The sandbox pack templates render in: Jinja's immutable sandbox, and no operation that can
build a string or list larger than :data:`MAX_VALUE` or count past :data:`MAX_RANGE`.

A time limit (a signal) stops a loop between two operations, but not one C-level operation
that builds gigabytes (``s.replace('', s)``, ``'%*s' % (10**9, '')``). So every operation a
template can reach that makes something larger than its input is checked before it runs:
the methods of ``str`` that do, the filters that do, ``%`` and ``str.format`` widths, ``*``,
``+`` and ``~``. Whatever else makes a string or list is checked after it runs (doubling stops
at twice the limit, once).
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable
from typing import Any

from .i18n import _

MAX_SEQUENCE = 100_000  # the longest string or list a template may make with * (memory)
MAX_RANGE = 10_000  # the most numbers a template's range() may count (time)
MAX_VALUE = 5_000_000  # the longest string or list any one operation may make (memory)

# a %-conversion: flags, width, precision; a * takes the number from the arguments
_PERCENT = re.compile(r"%(?:\([^)]*\))?[-+ #0]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]")
_FORMAT_NUMBERS = re.compile(r"\d+")


def _sizes(values: Any) -> int:
    return sum(len(v) for v in values if isinstance(v, str | list | tuple))


def _check(size: int, what: str) -> None:
    if size > MAX_VALUE:
        raise _security(_("{what} would make a text or list of more than {n} characters or "
                          "items").format(what=what, n=MAX_VALUE))


def _security(message: str) -> Exception:
    from jinja2.sandbox import SecurityError

    return SecurityError(message)


def _too_large_number(values: Any) -> bool:
    return any(isinstance(v, int) and not isinstance(v, bool) and abs(v) > MAX_SEQUENCE
               for v in values)


def _check_percent(template: str) -> None:
    """``'%9999999d' % 1`` and ``'%*s' % (10**9, '')``: widths from the text, or none."""
    for width, precision in _PERCENT.findall(template):
        if "*" in (width, precision):
            raise _security(_("a * width in percent formatting is not allowed in a template"))
        if _too_large_number(int(n) for n in (width, precision) if n):
            raise _security(_("a number given to a function is too large"))


def _check_format(template: str) -> None:
    """``'{:>999999999}'.format(1)``: the widths in the fields; nested fields not at all."""
    from string import Formatter

    try:
        fields = list(Formatter().parse(template))
    except ValueError:
        return  # str.format raises the same error itself
    for _literal, _name, spec, _conversion in fields:
        if not spec:
            continue
        if "{" in spec:
            raise _security(_("a nested {} width in a format is not allowed in a template"))
        if _too_large_number(int(n) for n in _FORMAT_NUMBERS.findall(spec)):
            raise _security(_("a number given to a function is too large"))


def _before_str_method(text: str, name: str, args: tuple, kwargs: dict) -> None:
    """The size a ``str`` method would make, checked before it runs."""
    if name == "replace" and len(args) >= 2 and isinstance(args[0], str) and \
            isinstance(args[1], str):
        old, new = args[0], args[1]
        count = text.count(old) if old else len(text) + 1
        if len(args) > 2 and isinstance(args[2], int) and args[2] >= 0:
            count = min(count, args[2])
        _check(len(text) + count * max(len(new) - len(old), 0), "replace()")
    elif name == "join" and args:
        items = args[0]
        if isinstance(items, list | tuple):
            _check(_sizes(items) + len(text) * max(len(items) - 1, 0), "join()")
    elif name == "expandtabs" and "\t" in text:
        size = args[0] if args else kwargs.get("tabsize", 8)
        if isinstance(size, int):
            _check(len(text) * max(size, 1), "expandtabs()")
    elif name in ("format", "format_map"):
        _check_format(text)
    elif name == "__mod__":
        _check_percent(text)


def _after(result: Any, what: str) -> Any:
    if isinstance(result, str | list | tuple):
        _check(len(result), what)
    return result


def _filter_guard(name: str, function: Callable[..., Any], contexts: tuple[type, ...]
                  ) -> Callable[..., Any]:
    """A filter with its arguments and its result checked (``join``, ``replace``, ``indent``,
    ``format`` may make far more than they get). ``contexts``: what Jinja passes first to a
    filter marked ``pass_context`` and the like, which is no value."""

    @functools.wraps(function)  # keeps Jinja's pass_context / pass_eval_context marks
    def call(*args: Any, **kwargs: Any) -> Any:
        values = [a for a in args if not isinstance(a, contexts)]
        if _too_large_number((*values[1:], *kwargs.values())):
            raise _security(_("a number given to a function is too large"))
        if values and name == "join":
            items = values[0] if isinstance(values[0], list | tuple) else list(values[0])
            args = (*args[: len(args) - len(values)], items, *values[1:])
            joiner = values[1] if len(values) > 1 else kwargs.get("d", "")
            _check(_sizes(str(i) if not isinstance(i, str | list | tuple) else i
                          for i in items)
                   + len(str(joiner)) * max(len(items) - 1, 0), "join")
        elif values and isinstance(values[0], str):
            text = values[0]
            if name == "replace" and len(values) >= 3:
                _before_str_method(text, "replace", tuple(values[1:4]), {})
            elif name == "format":
                _check_percent(text)
            elif name == "indent":
                width = values[1] if len(values) > 1 else kwargs.get("width", 4)
                width = len(width) if isinstance(width, str) else width
                if isinstance(width, int):
                    _check(len(text) + (text.count("\n") + 1) * max(width, 0), "indent")
        return _after(function(*args, **kwargs), name)

    return call


def bounded_range(*args: Any) -> range:
    numbers = range(*args)
    try:
        count = len(numbers)
    except OverflowError:  # more than fits in a machine word
        count = MAX_RANGE + 1
    if count > MAX_RANGE:
        raise _security(_("range() is too long (at most {n} numbers)").format(n=MAX_RANGE))
    return numbers


@functools.cache
def missing_value_error() -> type:
    """The error a template raises on a missing name: it keeps the name, what it was looked up
    in and Jinja's hint, so that :mod:`engine.outputs` can say it in pop's words."""
    from jinja2.exceptions import UndefinedError

    class MissingValue(UndefinedError):
        def __init__(self, message: str, name: Any = None, owner: Any = None,
                     hint: str | None = None):
            super().__init__(message)
            self.name, self.owner, self.hint = name, owner, hint

    return MissingValue


@functools.cache
def _undefined_class() -> type:
    from jinja2 import StrictUndefined
    from jinja2.utils import missing

    error = missing_value_error()

    class Missing(StrictUndefined):
        """Strict: printing, testing or looping over a missing value is an error."""

        __slots__ = ()

        def __init__(self, hint: str | None = None, obj: Any = missing, name: str | None = None,
                     exc: type = error) -> None:
            owner = None if obj is missing else obj
            super().__init__(hint, obj, name, functools.partial(
                error, name=name, owner=owner, hint=hint))

    return Missing


def bytecode_cache() -> Any:
    """Compiled templates kept between runs, in an owner-only folder of the cache named after
    pop's version and this module's code (the code generator bounds ``~``: bytecode made by
    another one is never loaded). None when there is no such folder to be had."""
    from .packcache import cache_dir

    return _bytecode_cache(str(cache_dir()))


@functools.cache
def _bytecode_cache(cache: str) -> Any:
    import os
    import stat
    from pathlib import Path

    from jinja2 import FileSystemBytecodeCache

    from . import __version__
    from .files import private_dir
    from .hashing import sha256_hex

    code = sha256_hex(Path(__file__).read_bytes())[:12]
    folder = Path(cache) / f"templates-{__version__}-{code}"
    try:
        private_dir(folder)
        info = folder.stat()
    except OSError:
        return None
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH) or (
            hasattr(os, "getuid") and info.st_uid != os.getuid()):
        return None  # someone else could put code there

    class QuietCache(FileSystemBytecodeCache):
        """A cache that cannot be read or written is simply not used (read-only media, a
        full disk)."""

        def load_bytecode(self, bucket: Any) -> None:
            try:
                super().load_bytecode(bucket)
            except (OSError, EOFError, ValueError):
                bucket.reset()

        def dump_bytecode(self, bucket: Any) -> None:
            with contextlib.suppress(OSError):
                super().dump_bytecode(bucket)

    return QuietCache(str(folder))


def environment(loader: Any, html: bool, filters: dict[str, Callable[..., Any]]) -> Any:
    """A Jinja environment for a pack's templates, with ``filters`` added and every filter
    bounded."""
    from jinja2.compiler import CodeGenerator
    from jinja2.nodes import EvalContext
    from jinja2.runtime import Context, markup_join, str_join
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class BoundedCode(CodeGenerator):
        """``a ~ b`` through :meth:`Sandbox.concat` (Jinja offers no hook for it)."""

        def visit_Concat(self, node: Any, frame: Any) -> None:  # noqa: N802 - Jinja's name
            self.write("environment.bounded_concat(context, (")
            for arg in node.nodes:
                self.visit(arg, frame)
                self.write(", ")
            self.write("))")

    class Sandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**", "%", "+"})
        code_generator_class = BoundedCode

        def bounded_concat(self, context: Any, parts: tuple) -> str:
            strings = [p if isinstance(p, str) else str(p) for p in parts]
            _check(_sizes(strings), "~")
            join = markup_join if context.eval_ctx.autoescape else str_join
            return join(parts)

        def call(self, context: Any, obj: Any, *args: Any, **kwargs: Any) -> Any:
            # 'x'.ljust(10**9) and friends: a number this large only ever makes memory run out
            if _too_large_number((*args, *kwargs.values())):
                raise _security(_("a number given to a function is too large"))
            owner = getattr(obj, "__self__", None)
            if isinstance(owner, str):
                _before_str_method(owner, getattr(obj, "__name__", ""), args, kwargs)
            return _after(super().call(context, obj, *args, **kwargs), "a call")

        def wrap_str_format(self, value: Any) -> Any:
            wrapped = super().wrap_str_format(value)
            if wrapped is not None and isinstance(getattr(value, "__self__", None), str):
                _check_format(value.__self__)
            return wrapped

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "%":
                if isinstance(left, str):
                    _check_percent(left)
                return _after(left % right, "%")
            if operator == "**":
                if isinstance(right, int | float) and abs(right) > 64 and left not in (0, 1, -1):
                    raise _security(_("the power is too large"))
                return left ** right
            if operator == "+":
                if isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
                    _check(len(left) + len(right), "+")
                return left + right
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(n, int) and \
                        len(seq) * n > MAX_SEQUENCE:
                    raise _security(_("the result of * is too long"))
            return left * right

    env = Sandbox(loader=loader, undefined=_undefined_class(), autoescape=html, auto_reload=False,
                  bytecode_cache=bytecode_cache())
    env.globals["range"] = bounded_range
    env.globals.pop("lipsum", None)
    env.filters.update(filters)
    env.filters = {name: _filter_guard(name, f, (Context, EvalContext))
                   for name, f in env.filters.items()}
    return env
