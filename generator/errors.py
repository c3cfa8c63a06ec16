"""Problems as values: every bad input becomes a Problem naming file, line and fix."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the user's input."""

    path: Path | None  # the file at fault, None for a site-wide problem
    line: int | None  # 1-based line in that file, where it can be known
    message: str  # what is wrong, in the user's words
    hint: str = ""  # what to do about it
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        """Return True when this problem must stop the build."""
        return self.severity == "error"

    def location(self, root: Path | None = None) -> str:
        """Return ``path:line`` (relative to root where possible)."""
        if self.path is None:
            return "site"
        shown = self.path if root is None else _relative(self.path, root)
        return f"{shown}:{self.line}" if self.line else str(shown)

    def format(self, root: Path | None = None) -> str:
        """Return the one-line plain-text form: ``path:line: severity: message (hint)``."""
        text = f"{self.location(root)}: {self.severity}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


def _relative(path: Path, root: Path) -> Path:
    """Return path relative to root, as written (a symlink keeps its own name), else with links followed, else as is."""
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(root))
    except ValueError:
        pass
    try:
        return path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):  # elsewhere, or a symlink loop (RuntimeError before 3.13)
        return path


def error(path: Path | None, line: int | None, message: str, hint: str = "") -> Problem:
    """Return an error Problem."""
    return Problem(path, line, message, hint, "error")


def warning(path: Path | None, line: int | None, message: str, hint: str = "") -> Problem:
    """Return a warning Problem."""
    return Problem(path, line, message, hint, "warning")


def has_errors(problems: list[Problem] | tuple[Problem, ...]) -> bool:
    """Return True when any problem is an error."""
    return any(p.is_error for p in problems)


class BuildFailed(Exception):
    """Raised at the edge when a stage reports errors; carries every problem."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems
