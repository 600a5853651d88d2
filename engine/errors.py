"""One hierarchy of user-facing errors, turned into a clean exit in one place (the CLI)."""

from __future__ import annotations


class PopError(Exception):
    """A mistake a user can fix: printed as a message, never as a traceback."""

    exit_code = 1


class UsageError(PopError):
    """Bad input on the command line or in a file the user gave."""

    exit_code = 2


class Problem:
    """One problem in one file, printed as ``FILE:LINE:COL: PATH: message``.

    A plain class, not a dataclass: every command imports this module, and dataclasses would
    cost each start a millisecond."""

    __slots__ = ("file", "message", "line", "col", "path")

    def __init__(self, file: str, message: str, line: int | None = None, col: int | None = None,
                 path: str = "") -> None:
        self.file, self.message, self.line, self.col, self.path = file, message, line, col, path

    def _key(self) -> tuple:
        return self.file, self.message, self.line, self.col, self.path

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return "Problem({})".format(", ".join(f"{name}={value!r}" for name, value in zip(
            self.__slots__, self._key(), strict=True)))

    def replace(self, **changes: object) -> Problem:
        """A copy with ``changes`` (the class is treated as immutable)."""
        return Problem(**{**dict(zip(self.__slots__, self._key(), strict=True)), **changes})

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.col or 1}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "col": self.col, "path": self.path,
                "message": self.message}


class ProblemsError(UsageError):
    """A file (pack, answers, template) with one or more problems, all reported at once."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
