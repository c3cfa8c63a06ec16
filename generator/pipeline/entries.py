"""Find the journal's Markdown files, split front matter, validate it into frozen Entry values."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from generator import units
from generator.pipeline.front_matter import DuplicateKey, NoDuplicateKeys, QuickLoader
from generator.pipeline.discover import SourceFile, discover
from generator.pipeline.local_files import image_problems
from generator.pipeline.private import has_open_comment, without_comments
from generator.pipeline.route_fields import ROUTE_KEYS, route_fields
from generator.pipeline.yaml_messages import date_fix, impossible_date, list_as_sentence, yaml_problem
from generator.config import VISIBILITIES, SiteConfig, closest
from generator.errors import Problem, error, warning
from generator.urls import SLUG_PATTERN, slugify

KNOWN_KEYS = ("title", "date", "distance", "duration", "intention", "emotions", "mood_before",
              "mood_after", "tags", "visibility", "slug", "summary", "draft", *("body_scan", "thoughts"), *ROUTE_KEYS)
PAGES_DIR = "pages"
MAX_NAME = 60  # characters of an emotion or a tag: each becomes a file name
NAMED_PAGES = ("emotions", "tags")  # the list fields whose names become pages
MAX_SLUG = 80  # characters of a written slug (a title's slug is cut to this length too)
YEARS = (1900, 2999)  # the years an entry's date may fall in


@dataclass(frozen=True, slots=True)
class Entry:
    """One validated Markdown file: a run entry or a standalone page."""

    source: Path  # absolute path of the .md file
    rel: str  # path relative to content/, with forward slashes
    is_page: bool  # True for files under content/pages/
    title: str  # from front matter, the first "# heading", or the date
    date: datetime | None  # aware datetime; None only for pages without a date
    distance_m: float | None  # metres
    duration_s: int | None  # seconds
    intention: str  # the intention set before the run
    emotions: tuple[str, ...]  # emotions as written
    mood_before: int | None  # 1..5
    mood_after: int | None  # 1..5
    tags: tuple[str, ...]  # tags as written
    visibility: str  # private | unlisted | public
    slug: str  # [a-z0-9-]+
    summary: str  # from front matter; empty means "derive from the body"
    body: str  # Markdown body (title heading removed when it became the title)
    body_line: int  # 1-based file line where the body starts
    emotions_line: int = 2  # 1-based file line of the `emotions:` key, for messages about them
    draft: bool = False  # `draft: true`: in neither build (with `serve --drafts` it is False, shown in the journal)
    distance_unit: str = ""  # the unit the distance was written in ("km", "mi", "m"), for its own page and card
    body_scan: str = ""  # the body scan: a few words on how the body felt
    thoughts: tuple[str, ...] = ()  # thought labels, e.g. ("worry", "planning")
    route: str = ""  # the recording, relative to the entry's folder; "" for none
    route_visibility: str = "public"  # "private" keeps the map out of the public story
    elapsed_s: int | None = None  # seconds from start to finish, pauses included
    elevation_gain_m: float | None = None  # metres climbed
    avg_heart_rate: int | None = None  # beats per minute
    route_line: int = 2  # 1-based file line of the `route:` key


class _Loader(NoDuplicateKeys, yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """A safe YAML loader that leaves dates and "45:12" as text for Footfall to read."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:[0-9][0-9_]*)?\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?$"),
                              list("-+0123456789."))


class _Handler(frontmatter.YAMLHandler):  # type: ignore[name-defined,misc]
    """python-frontmatter handler using the loader above."""

    def load(self, fm: str, **kwargs: object) -> Any:
        """Parse front matter text: plain lines quickly, anything else with the loader above."""
        quick = _QUICK.load(fm)
        return quick if quick is not None else yaml.load(fm, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


_QUICK = QuickLoader(_Loader.yaml_implicit_resolvers)
_HANDLER = _Handler()


def decode(raw: bytes, path: Path) -> tuple[str | None, list[Problem]]:
    """Return the text of a UTF-8 file, or a problem naming the line of the first bad byte."""
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, [error(path, line, f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x})",
                            "re-save it with UTF-8 encoding")]


def load_entry(source: SourceFile, cfg: SiteConfig) -> tuple[Entry | None, list[Problem]]:
    """Read one file from disk and parse it."""
    try:
        raw = source.path.read_bytes()
    except OSError as exc:
        return None, [error(source.path, None, f"cannot read the file: {exc.strerror}")]
    text, problems = decode(raw, source.path)
    if text is None:
        return None, problems
    return parse_entry(text, source, cfg)


def parse_entry(text: str, source: SourceFile, cfg: SiteConfig) -> tuple[Entry | None, list[Problem]]:
    """Split and validate one file's text; return the Entry (None on errors) and all problems."""
    path = source.path
    opening = _FM_START.match(text)
    if opening is None:
        return None, [error(path, 1, "no front matter found",
                            "start the file with a line `---`, the fields (at least `date:`), then `---`")]
    closing = _FM_START.search(text, opening.end())
    if closing is None:
        return None, [error(path, 1, "the front matter is never closed",
                            "add a line `---` after the last field, before the body")]
    try:
        meta, body = frontmatter.parse(text, handler=_HANDLER)
    except DuplicateKey as exc:
        return None, [duplicate_key_problem(exc, path)]
    except yaml.MarkedYAMLError as exc:
        return None, [yaml_problem(exc, text, path)]
    except yaml.YAMLError as exc:
        return None, [error(path, None, f"front matter is not valid YAML: {exc}")]
    except (ValueError, TypeError, OverflowError, RecursionError, MemoryError) as exc:
        return None, [unreadable_problem(exc, path)]
    if not isinstance(meta, Mapping):
        return None, [error(path, 2, "front matter must be a list of `key: value` lines")]
    lines, body_line = _front_lines(text[:closing.start()], opening.end())
    entry, problems = _validate(meta, body, body_line, lines, source, cfg)
    if entry is not None:
        problems += image_problems(entry.body, path, source.rel, body_line + _title_lines(body, entry.body))
        if any(p.is_error for p in problems):
            return None, problems
    return entry, problems


def duplicate_key_problem(exc: DuplicateKey, path: Path) -> Problem:
    """Return the error for a front matter key given twice, naming both lines."""
    first, second = exc.first.line + 1, exc.second.line + 1
    return error(path, second, f"`{exc.key}` is given twice in the front matter, on lines {first} and {second}",
                 "keep one of them (YAML would silently use the last)")


def unreadable_problem(exc: BaseException, path: Path) -> Problem:
    """Return the error for front matter YAML accepts but cannot turn into values."""
    return error(path, None, f"front matter cannot be read ({type(exc).__name__}: {str(exc)[:120]})",
                 "check the values: numbers, dates and nesting")


def _title_lines(body: str, kept: str) -> int:
    """Return how many lines the title heading took off the top of the body."""
    return body.count("\n", 0, len(body) - len(kept)) if len(kept) < len(body) else 0


_FM_START = re.compile(r"^-{3,}\s*$", re.MULTILINE)
_KEY = re.compile(r"^([\w-]+)[ \t]*:", re.MULTILINE)


def _front_lines(head: str, start: int) -> tuple[dict[str, int], int]:
    """Return the file line of each top-level front matter key, and the line where the body starts.

    `head` is the file up to the closing `---` line; the keys are looked for from `start` on.
    """
    lines: dict[str, int] = {}
    line, counted = 1, 0
    for match in _KEY.finditer(head, start):
        line += head.count("\n", counted, match.start())
        counted = match.start()
        lines.setdefault(match.group(1), line)
    return lines, head.count("\n") + 2


class _Fields:
    """Collects validated fields and problems while checking one file's front matter."""

    def __init__(self, meta: Mapping[str, Any], lines: dict[str, int], path: Path) -> None:
        self.meta, self.lines, self.path = meta, lines, path
        self.problems: list[Problem] = []

    def fail(self, key: str, message: str, hint: str = "") -> None:
        """Record an error at the line of `key`."""
        self.problems.append(error(self.path, self.lines.get(key, 2), message, hint))

    def text(self, key: str) -> str:
        """Return a text field (numbers are read as text), or ''."""
        value = self.meta.get(key)
        if value is None:
            return ""
        if isinstance(value, (list, dict)):
            self.fail(key, f"`{key}` must be a line of text, not a {'list' if isinstance(value, list) else 'table'}")
            return ""
        return without_comments(str(value)).strip()

    def words(self, key: str) -> tuple[str, ...]:
        """Return a list field (a single text is a one-item list), spaces collapsed, empties dropped."""
        value = self.meta.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = (key == "emotions" and self._sentence(key, value)) or [part for part in value.split(",")]
        if not isinstance(value, list) or any(isinstance(v, (list, dict)) or v is None for v in value):
            self.fail(key, f"`{key}` must be a list like [one, two]")
            return ()
        names = tuple(dict.fromkeys(n for n in (" ".join(without_comments(str(v)).split()) for v in value) if n))
        for name in names if key in NAMED_PAGES else ():
            if len(name) > MAX_NAME:
                self.fail(key, f"`{key}` holds a name of {len(name)} characters: {name[:30]!r}…",
                          f"keep each name to a few words (at most {MAX_NAME} characters)")
        return names

    def _sentence(self, key: str, value: str) -> list[str] | None:
        """Return the words of a list written as a sentence ("calm and happy"), with a warning; else None."""
        found = list_as_sentence(key, value)
        if found is None:
            return None
        message, (fixed, *words) = found
        self.problems.append(warning(self.path, self.lines.get(key, 2), message, f"write it as: {fixed}"))
        return words

    def parsed(self, key: str, parser: Any, *args: Any) -> Any:
        """Return a field run through a units parser, or None (recording the problem)."""
        value = self.meta.get(key)
        if value is None or value == "":
            return None
        try:
            return parser(value, *args)
        except units.UnitError as exc:
            self.fail(key, str(exc))
            return None


def _validate(meta: Mapping[str, Any], body: str, body_line: int, lines: dict[str, int],
              source: SourceFile, cfg: SiteConfig) -> tuple[Entry | None, list[Problem]]:
    """Check every field and build the Entry."""
    fields = _Fields(meta, lines, source.path)
    for key in meta:
        if key not in KNOWN_KEYS:
            hint = closest(str(key), KNOWN_KEYS) or "remove it, or check the spelling"
            fields.problems.append(warning(source.path, lines.get(str(key), 2), f"unknown field `{key}`", hint))
    is_page = source.rel.startswith(PAGES_DIR + "/")
    when = _read_date(fields, cfg, required=not is_page)
    title, body = _title(fields.text("title"), body, when)
    visibility = fields.text("visibility").lower() or cfg.default_visibility
    if visibility not in VISIBILITIES:
        fields.fail("visibility", f"`visibility` must be private, unlisted or public, not {visibility!r}",
                    closest(visibility, VISIBILITIES))
    slug = _slug(fields, title, source)
    distance_m, distance_unit = _distance(fields, cfg)
    fields.problems.extend(_file_name_date(source, when, lines))
    entry = Entry(
        source=source.path, rel=source.rel, is_page=is_page, title=title, date=when,
        distance_m=distance_m, distance_unit=distance_unit, draft=_draft(fields, cfg),
        duration_s=fields.parsed("duration", units.parse_duration),
        intention=fields.text("intention"), emotions=fields.words("emotions"),
        mood_before=fields.parsed("mood_before", units.parse_mood),
        mood_after=fields.parsed("mood_after", units.parse_mood),
        tags=fields.words("tags"), visibility=visibility, slug=slug,
        summary=fields.text("summary"), body=body, body_line=body_line,
        emotions_line=lines.get("emotions", 2),
        body_scan=_body_scan(fields), thoughts=_thoughts(fields),
        **route_fields(fields), route_line=lines.get("route", 2),
    )
    if any(p.is_error for p in fields.problems):
        return None, fields.problems
    return entry, fields.problems


BODY_SCAN_LONGEST = 300  # characters: a body scan is a few words, not a passage
THOUGHT_LONGEST = 40  # characters of one thought label


def _body_scan(fields: _Fields) -> str:
    """Return the body scan (one line of text); warn when it reads like a passage rather than a few words."""
    text = " ".join(fields.text("body_scan").split())
    if len(text) > BODY_SCAN_LONGEST:
        fields.problems.append(warning(fields.path, fields.lines.get("body_scan", 2),
                                       f"`body_scan` is {len(text)} characters long",
                                       "keep it to a few words; write the rest in the body"))
    return text


def _thoughts(fields: _Fields) -> tuple[str, ...]:
    """Return the thought labels (a list of short words), lower-cased; warn about one that is a sentence."""
    labels = tuple(dict.fromkeys(label.lower() for label in fields.words("thoughts")))
    for label in labels:
        if len(label) > THOUGHT_LONGEST:
            fields.problems.append(warning(fields.path, fields.lines.get("thoughts", 2),
                                           f"the thought label {label[:THOUGHT_LONGEST]!r}… is long",
                                           "a label is a word or two, like `worry` or `planning`"))
    return labels


def _read_date(fields: _Fields, cfg: SiteConfig, *, required: bool) -> datetime | None:
    """Return the entry's aware datetime; naive and date-only values use the site's time zone."""
    value = fields.meta.get("date")
    if value is None or value == "":
        if required:
            fields.problems.append(error(fields.path, 2, "the entry has no `date`",
                                         "add a line like `date: 2026-03-14` or `date: 2026-03-14T07:10:00+01:00`"))
        return None
    text = str(value).strip()
    try:
        parsed = datetime.fromisoformat(text) if ("T" in text or " " in text) else date.fromisoformat(text)
    except ValueError:
        why = impossible_date(text)
        if why is not None:
            fields.fail("date", f"the date {text} does not exist: {why}", date_fix(text))
        else:
            fields.fail("date", f"cannot read date {text!r}",
                        "write it like 2026-03-14, 2026-03-14T07:10:00 or 2026-03-14T07:10:00+01:00")
        return None
    if not isinstance(parsed, datetime):
        parsed = datetime.combine(parsed, time(0, 0))
    if not YEARS[0] <= parsed.year <= YEARS[1]:
        fields.fail("date", f"the date {text!r} is not between the years {YEARS[0]} and {YEARS[1]}",
                    "check the year")
        return None
    return parsed.replace(tzinfo=cfg.tz) if parsed.tzinfo is None else parsed


def _title(written: str, body: str, when: datetime | None) -> tuple[str, str]:
    """Return the title and the body, taking a leading "# heading" as the title when none is set."""
    if written:
        return written, body
    heading = _leading_heading(body)
    if heading is not None:
        return heading
    if when is None:
        return "Untitled", body
    return f"Run on {units.long_date(when)}", body


def _leading_heading(body: str) -> tuple[str, str] | None:
    """Return (title, rest of the body) when the body opens with a "# heading" (its comments left out)."""
    start = len(body) - len(body.lstrip())
    if not body.startswith("#", start) or body[start + 1:start + 2] not in (" ", "\t"):
        return None
    end = body.find("\n", start)
    line = body[start + 1:] if end < 0 else body[start + 1:end]
    if has_open_comment(line):
        return None  # a comment running on past the heading: leave the heading in the body
    title = without_comments(line).strip(" \t").rstrip(" \t#").strip()
    if not title:
        return None
    return title, "" if end < 0 else body[end + 1:]


def _slug(fields: _Fields, title: str, source: SourceFile) -> str:
    """Return the written slug (checked) or one made from the title."""
    written = fields.text("slug")
    if not written:
        return slugify(title, fallback_prefix="run")
    if not SLUG_PATTERN.match(written):
        fields.fail("slug", f"slug {written!r} may only use a-z, 0-9 and single hyphens",
                    f"try `slug: {slugify(written, 'run')}`")
    elif len(written) > MAX_SLUG:
        fields.fail("slug", f"slug is {len(written)} characters long", f"keep it to {MAX_SLUG} characters or fewer")
    return written


def _distance(fields: _Fields, cfg: SiteConfig) -> tuple[float | None, str]:
    """Return the distance in metres and the unit it was written in (both empty when there is none)."""
    read = fields.parsed("distance", units.read_distance, cfg.units)
    return (read[0], read[1]) if read is not None else (None, "")


_NAME_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:\D|$)")


def _file_name_date(source: SourceFile, when: datetime | None, lines: dict[str, int]) -> list[Problem]:
    """Return a warning when the date a file's name begins with is not the date of its front matter."""
    match = _NAME_DATE.match(source.path.name)
    if match is None or when is None:
        return []
    named = "-".join(match.groups())
    written = f"{when:%Y-%m-%d}"
    if named == written:
        return []
    renamed = written + source.path.name[len(named):]
    return [warning(source.path, lines.get("date", 2), f"the file name says {named} but `date:` says {written}",
                    f"rename the file to {renamed}, or fix `date:` if the file name is right")]


def _draft(fields: _Fields, cfg: SiteConfig) -> bool:
    """Return True when the entry is a draft held back from the builds (`serve --drafts` shows drafts)."""
    value = fields.meta.get("draft")
    if value is None or value is False:
        return False
    if value is not True and str(value).strip().lower() not in ("true", "yes", "false", "no"):
        fields.fail("draft", f"`draft` must be true or false, not {value!r}", "write `draft: true` or remove the line")
        return False
    return (value is True or str(value).strip().lower() in ("true", "yes")) and not cfg.drafts


def load_entries(cfg: SiteConfig) -> tuple[list[Entry], list[Problem]]:
    """Discover and parse every file under content/; return the entries and all problems."""
    entries: list[Entry] = []
    problems: list[Problem] = []
    for source in discover(cfg.content_dir):
        entry, found = load_entry(source, cfg)
        problems.extend(found)
        if entry is not None:
            entries.append(entry)
    return entries, problems

