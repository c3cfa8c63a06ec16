"""Guided writing after a run: ask what came up, then fill in only what the entry is missing.

Every question can be skipped (Enter), every answer can be given as an option instead, and the
file is edited as text (generator/dev/front_matter_edit.py): only missing fields are filled and
free writing is appended to the body; every other byte stays as the writer left it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.config import SiteConfig, closest, key_line, load_config
from generator.dev.front_matter_edit import EditError, FieldValue, append_body, fill, is_missing
from generator.errors import Problem, error, warning
from generator.pipeline.entries import PAGES_DIR, SourceFile, discover, load_entry, parse_entry

#: The questions, in the order asked, with their default wording; `[prompts]` in site.toml changes any of them.
DEFAULT_PROMPTS: dict[str, str] = {
    "intention": "What is your intention for this run?",
    "emotions": "Which emotions came up? (separate them with commas; Tab suggests words)",
    "mood_before": "Your mood before the run, from 1 (low) to 5 (high)",
    "mood_after": "Your mood after the run, from 1 (low) to 5 (high)",
    "body_scan": "A body scan: how does your body feel, in a few words?",
    "thoughts": "Which kinds of thought did you notice? (labels such as worry, planning, memory)",
    "writing": "Anything you want to write about the run? (an empty line ends it)",
}
SKIP_HINT = "Press Enter to skip any question."
THOUGHT_LABELS = ("worry", "planning", "memory", "judgement", "self-criticism", "gratitude", "daydream",
                  "problem-solving", "excitement", "regret", "hope", "fear", "the body", "the breath", "other people")
FIELDS = ("emotions", "mood_before", "mood_after", "body_scan", "thoughts")

Ask = Callable[[str, Sequence[str]], str]  # (question, words to suggest) -> the answer, "" to skip


@dataclass(frozen=True, slots=True)
class Answers:
    """What the writer gave, as options or answers; None (or empty) means not given."""

    emotions: tuple[str, ...] = ()
    mood_before: int | None = None
    mood_after: int | None = None
    body_scan: str = ""
    thoughts: tuple[str, ...] = ()
    writing: str = ""

    def values(self) -> dict[str, FieldValue]:
        """Return the front matter fields given."""
        found: dict[str, FieldValue] = {"emotions": self.emotions, "mood_before": self.mood_before,
                                        "mood_after": self.mood_after, "body_scan": self.body_scan,
                                        "thoughts": self.thoughts}
        return {key: value for key, value in found.items() if value not in (None, "", ())}


@dataclass
class Outcome:
    """What `reflect` did to one entry."""

    path: Path | None = None
    filled: list[str] = field(default_factory=list)  # fields written
    kept: list[str] = field(default_factory=list)  # fields given but already filled in, left as they were
    appended: bool = False
    problems: list[Problem] = field(default_factory=list)


def split_list(text: str) -> tuple[str, ...]:
    """Return the items of a comma-separated answer, spaces collapsed, empties and repeats dropped."""
    return tuple(dict.fromkeys(" ".join(part.split()) for part in text.split(",") if part.strip()))


def parse_mood(text: str) -> int | None:
    """Return a mood from 1 to 5, or None when the text is empty; raise ValueError when it is not one."""
    text = text.strip()
    if not text:
        return None
    if text not in {"1", "2", "3", "4", "5"}:
        raise ValueError("a mood is a whole number from 1 (low) to 5 (high)")
    return int(text)


def load_prompts(cfg: SiteConfig) -> tuple[dict[str, str], list[Problem]]:
    """Return the wording of each question: `[prompts]` of site.toml over the defaults."""
    prompts = dict(DEFAULT_PROMPTS)
    problems: list[Problem] = []
    text = cfg.path.read_text("utf-8") if cfg.path.is_file() else ""
    for key, value in cfg.section("prompts").items():
        line = key_line(text, key)
        if key not in DEFAULT_PROMPTS:
            problems.append(warning(cfg.path, line, f"unknown question `{key}` in [prompts]",
                                    closest(key, tuple(DEFAULT_PROMPTS)) or f"use one of {', '.join(DEFAULT_PROMPTS)}"))
        elif not isinstance(value, str) or not value.strip():
            problems.append(error(cfg.path, line, f"`{key}` in [prompts] must be the question's text"))
        else:
            prompts[key] = value.strip()
    return prompts, problems


def find_entry(cfg: SiteConfig, given: str | None) -> tuple[Path | None, list[Problem]]:
    """Return the entry file named (a path, a path under content/, a file name or a slug), or the newest run."""
    if given:
        for candidate in (Path(given), cfg.content_dir / given, cfg.root / given):
            if candidate.is_file():
                return candidate, []
        wanted = given.removesuffix(".md")
        for source in discover(cfg.content_dir):
            if source.path.stem == wanted or source.path.stem.endswith(f"-{wanted}"):
                return source.path, []
        return None, [error(Path(given), None, "no such entry", "give the file's path, e.g. content/2026/03/14-run.md")]
    newest: tuple[Any, Path] | None = None
    for source in discover(cfg.content_dir):
        if source.rel.startswith(PAGES_DIR + "/"):
            continue
        entry, _ = load_entry(source, cfg)
        if entry is not None and entry.date is not None and (newest is None or entry.date >= newest[0]):
            newest = (entry.date, source.path)
    if newest is None:
        return None, [error(cfg.content_dir, None, "no entry to reflect on yet", 'start one with `footfall new "Title"`')]
    return newest[1], []


def questions_due(text: str, given: Answers) -> list[str]:
    """Return the questions to ask: the missing fields not given as options, then free writing (unless given)."""
    due = [key for key in FIELDS if is_missing(text, key) and key not in given.values()]
    return due + ([] if given.writing else ["writing"])


def ask_all(due: Iterable[str], prompts: Mapping[str, str], ask: Ask, emotion_words: Sequence[str],
            say: Callable[[str], None]) -> Answers:
    """Ask each due question in turn; an empty answer skips it, a mood that is not 1 to 5 is asked again."""
    found: dict[str, Any] = {}
    for key in due:
        if key in ("mood_before", "mood_after"):
            while True:
                try:
                    found[key] = parse_mood(ask(prompts[key], ()))
                    break
                except ValueError as exc:
                    say(f"{exc}; or press Enter to skip.")
        elif key in ("emotions", "thoughts"):
            words = emotion_words if key == "emotions" else THOUGHT_LABELS
            found[key] = split_list(ask(prompts[key], words))
        elif key == "writing":
            lines = []
            line = ask(prompts[key], ())
            while line.strip():
                lines.append(line.rstrip())
                line = ask("", ())
            found[key] = "\n".join(lines)
        else:
            found[key] = " ".join(ask(prompts[key], ()).split())
    return Answers(**found)


def merge(given: Answers, asked: Answers) -> Answers:
    """Return the options given, completed by the answers to the questions asked."""
    values = {name: getattr(given, name) or getattr(asked, name) for name in Answers.__slots__}
    return Answers(**values)


def reflect(path: Path, answers: Answers, cfg: SiteConfig) -> Outcome:
    """Fill the entry's missing fields with the answers and append the free writing; write only if it reads back right."""
    outcome = Outcome(path)
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        outcome.problems.append(error(path, None, f"cannot read the entry: {exc}"))
        return outcome
    bom = raw[:3] if raw.startswith(b"\xef\xbb\xbf") else b""
    values = answers.values()
    try:
        outcome.kept = [key for key in values if not is_missing(text, key)]
        outcome.filled = [key for key in values if key not in outcome.kept]
        new = append_body(fill(text, values), answers.writing)
    except EditError as exc:
        outcome.problems.append(error(path, 1, str(exc), "fix the front matter, then run `footfall reflect` again"))
        return outcome
    outcome.appended = new != fill(text, values)
    if new == text:
        return outcome
    entry, problems = parse_entry(new, SourceFile(path, path.name), cfg)
    if entry is None:
        outcome.problems.extend(problems)
        outcome.problems.append(error(path, None, "the answers would not read back as valid front matter; nothing was written"))
        return outcome
    _replace(path, bom + new.encode("utf-8"))
    return outcome


def _replace(path: Path, data: bytes) -> None:
    """Write the file's new bytes atomically, keeping its permissions."""
    mode = path.stat().st_mode
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def start(root: Path) -> tuple[SiteConfig | None, dict[str, str], list[Problem]]:
    """Load the site's configuration and question wording."""
    cfg, problems = load_config(root)
    if cfg is None:
        return None, dict(DEFAULT_PROMPTS), problems
    prompts, more = load_prompts(cfg)
    return cfg, prompts, [*problems, *more]
