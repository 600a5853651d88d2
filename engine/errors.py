"""One hierarchy of user-facing errors, turned into a clean exit in one place (the CLI)."""

from __future__ import annotations

from dataclasses import dataclass


class PopError(Exception):
    """A mistake a user can fix: printed as a message, never as a traceback."""

    exit_code = 1


class UsageError(PopError):
    """Bad input on the command line or in a file the user gave."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One problem in one file, printed as ``FILE:LINE:COL: PATH: message``."""

    file: str
    message: str
    line: int | None = None
    col: int | None = None
    path: str = ""

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
