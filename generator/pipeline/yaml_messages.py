"""Say what is wrong with front matter in the writer's words, not YAML's, and show the corrected line.

The common mistakes: a tab, a colon inside an unquoted value, a quote or a bracket never closed,
a list written as a sentence, and a date that does not exist ("February 2026 has 28 days").
"""

from __future__ import annotations

import calendar
import re
from pathlib import Path

import yaml

from generator.errors import Problem, error
from generator.units import MONTH_NAMES

_PAIR = re.compile(r"^(\s*-?\s*[\w-]+)[ \t]*:[ \t]*(.*)$")
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
LIST_KEYS = ("emotions", "tags", "thoughts")  # the fields written as lists
_SENTENCE_JOINS = re.compile(r"\s*(?:,|;|&|\band\b|\bthen\b)\s*", re.IGNORECASE)


def yaml_problem(exc: yaml.MarkedYAMLError, text: str, path: Path) -> Problem:
    """Return the problem for a YAML error in a file's front matter, with the line and the corrected line."""
    lines = text.splitlines()
    problem = str(exc.problem or "")
    at = _file_line(exc.problem_mark, lines)
    opened = _file_line(exc.context_mark, lines) or at
    if at is not None and ("cannot start any token" in problem or "tab" in problem):
        tabbed = next((n for n in (at, opened) if n is not None and "\t" in lines[n - 1]), at)
        return _fix(path, tabbed, lines, "has a tab; front matter needs spaces, never tabs",
                    _untabbed(lines[tabbed - 1]))
    if at is not None and "mapping values are not allowed" in problem:
        return _fix(path, at, lines, "has a colon inside a value, which YAML takes for a new field",
                    _quoted(lines[at - 1]), "put the value in quotes")
    if opened is not None and "quoted scalar" in str(exc.context or ""):
        return _fix(path, opened, lines, "opens a quote that is never closed", _closed_quote(lines[opened - 1]),
                    "close the quote at the end of the value")
    if opened is not None and "flow sequence" in str(exc.context or ""):
        line = lines[opened - 1]
        if _key(line) in LIST_KEYS:
            return _fix(path, opened, lines, "opens a list with [ that is never closed with ]",
                        line.rstrip().rstrip(",") + "]", "close the list")
        return _fix(path, opened, lines, "starts its value with [, which YAML takes for a list",
                    _quoted(line), "put the value in quotes, or remove the [")
    what = f"{exc.context}: {problem}" if exc.context else problem
    return error(path, at, f"the front matter cannot be read ({what})",
                 "check the indentation, colons and quotes on that line; quote a value that holds a colon")


def _key(line: str) -> str:
    """Return the key of a `key: value` line, or ''."""
    match = _PAIR.match(line)
    return match.group(1).strip() if match else ""


def _file_line(mark: yaml.Mark | None, lines: list[str]) -> int | None:
    """Return the file line of a mark (the front matter handed to YAML keeps the line after `---`)."""
    if mark is None:
        return None
    return min(mark.line + 1, len(lines)) or None


def _fix(path: Path, line: int, lines: list[str], what: str, corrected: str, how: str = "write it as") -> Problem:
    """Return the problem for one line, with the corrected line in the hint."""
    return error(path, line, f"line {line} ({lines[line - 1].strip()[:60]}) {what}", f"{how}: {corrected.strip()}")


def _untabbed(line: str) -> str:
    """Return a line with its tabs turned into spaces (a key at the start loses its indent)."""
    stripped = line.lstrip("\t ")
    indent = "  " if line[:1] == "\t" and stripped.startswith("-") else ""
    return indent + re.sub(r"\t+", " ", stripped)


def _quoted(line: str) -> str:
    """Return `key: value` with the value in quotes (double, or single when it holds a double quote)."""
    match = _PAIR.match(line)
    if match is None:
        return line
    key, value = match.group(1), match.group(2).strip()
    if '"' in value:
        return f"{key}: '" + value.replace("'", "''") + "'"
    return f'{key}: "{value}"'


def _closed_quote(line: str) -> str:
    """Return a line whose value opens a quote, with the quote closed at its end."""
    match = _PAIR.match(line)
    value = match.group(2).strip() if match else line.strip()
    quote = value[:1] if value[:1] in "\"'" else '"'
    return line.rstrip() + quote


def list_as_sentence(key: str, value: str) -> tuple[str, list[str]] | None:
    """Return the message and the words when a list field was written as a sentence ("calm and happy")."""
    parts = [p for p in _SENTENCE_JOINS.split(value.strip().rstrip(".")) if p]
    if "," in value or len(parts) < 2:
        return None
    fixed = f"{key}: [{', '.join(parts)}]"
    return f"`{key}` reads like a sentence ({value.strip()!r}); it is a list of words", [fixed, *parts]


def impossible_date(text: str) -> str | None:
    """Return why a date like 2026-02-30 or 2026-13-01 cannot be, or None when that is not the trouble."""
    match = _DATE.match(text.strip())
    if match is None:
        return None
    year, month, day = (int(g) for g in match.groups()[:3])
    hour, minute = (int(g) if g else 0 for g in match.groups()[3:5])
    if not 1 <= month <= 12:
        return f"there is no month {month}: months go from 01 to 12"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"{MONTH_NAMES[month - 1]} {year} has {days} days"
    if hour > 23 or minute > 59:
        return f"there is no time {hour:02d}:{minute:02d}: hours go from 00 to 23 and minutes from 00 to 59"
    return None


def date_fix(text: str) -> str:
    """Return a suggestion for an impossible date: the last day of its month, written as the writer wrote it."""
    match = _DATE.match(text.strip())
    if match is None:
        return "write it like 2026-03-14 or 2026-03-14T07:10:00"
    year, month = int(match.group(1)), min(max(int(match.group(2)), 1), 12)
    last = calendar.monthrange(year, month)[1]
    day = min(max(int(match.group(3)), 1), last)
    return f"check the day and the month, e.g. `date: {year:04d}-{month:02d}-{day:02d}`"
