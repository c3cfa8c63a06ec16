"""Find what a new site still holds of its scaffolding: an example base_url, or template text in a shared story.

`footfall build` warns about each (the public site is still fine to look at); `footfall publish`
refuses until they are fixed, so that no share link points at example.org and no prompt text
goes live.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from generator.config import SiteConfig
from generator.errors import Problem, Severity
from generator.pipeline.entries import Entry, load_entries

#: Hosts that can never be a published site's: the reserved example domains and this machine.
EXAMPLE_HOSTS = frozenset({"example.org", "example.com", "example.net", "www.example.org", "www.example.com",
                           "www.example.net", "localhost", "127.0.0.1", "0.0.0.0", "::1"})

#: Sentences `footfall new` and `footfall init` write for the writer to replace (see generator/dev/scaffold.py).
TEMPLATE_TEXT = (
    "How did the run go? What came up, and what did you notice in your body and breath?",
    "The first run of this journal. Write what came up during the run, and name the feelings you noticed.",
)
TEMPLATE_INTENTIONS = ("Notice how I feel, without judging it",)

BASE_URL_HINT = ('set `base_url` in site.toml to the address your site will live at, '
                 'e.g. base_url = "https://yourname.github.io/runs/"')


def placeholder_problems(cfg: SiteConfig, entries: Iterable[Entry], severity: Severity = "warning") -> list[Problem]:
    """Return a problem for an example base_url and for each shared entry that still holds template text."""
    problems = _base_url_problems(cfg, severity)
    for entry in entries:
        problems.extend(entry_problems(entry, severity))
    return problems


def entry_problems(entry: Entry, severity: Severity = "warning") -> list[Problem]:
    """Return a problem for template text left in an entry, if it is shared (none for a private entry or a draft)."""
    return _entry_problems(entry, severity) if is_shared(entry) else []


def is_shared(entry: Entry) -> bool:
    """Return True for an entry others may read: public or unlisted, and no draft."""
    return entry.visibility in ("public", "unlisted") and not entry.draft


def publish_refusals(cfg: SiteConfig) -> list[Problem]:
    """Return the placeholders that stop `footfall publish`, as errors (entries that cannot be read are the build's to report)."""
    entries, _ = load_entries(cfg)
    return placeholder_problems(cfg, entries, "error")


def _base_url_problems(cfg: SiteConfig, severity: Severity) -> list[Problem]:
    """Return the problem with base_url, if it is missing or an example address."""
    host = (urlsplit(cfg.base_url).hostname or "").lower()
    if _line_of(cfg, "base_url") is None or not host:
        return [Problem(cfg.path, None, "`base_url` is missing: feeds, share cards and share links need the "
                        "site's address", BASE_URL_HINT, severity)]
    if host in EXAMPLE_HOSTS:
        return [Problem(cfg.path, _line_of(cfg, "base_url"), f"`base_url` is still the example address "
                        f"{cfg.base_url}: every share link, card and feed would point there", BASE_URL_HINT, severity)]
    return []


def _line_of(cfg: SiteConfig, key: str) -> int | None:
    """Return the line of a top-level key in site.toml, if it can be read."""
    try:
        lines = cfg.path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return next((n for n, line in enumerate(lines, start=1) if line.lstrip().startswith(key)), None)


def _entry_problems(entry: Entry, severity: Severity) -> list[Problem]:
    """Return a problem for template text left in a shared entry's body or intention."""
    shown = "unlisted" if entry.visibility == "unlisted" else "public"
    hint = "replace it with your own words, or set `visibility: private` until the story is ready"
    problems = []
    flat = " ".join(entry.body.split())
    for sentence in TEMPLATE_TEXT:
        if sentence in flat:
            problems.append(Problem(entry.source, _body_line(entry, sentence[:30]),
                                    f"this {shown} story still holds the template text \"{sentence[:40]}…\"",
                                    hint, severity))
    if entry.intention in TEMPLATE_INTENTIONS:
        problems.append(Problem(entry.source, None, f"this {shown} story still holds the starter intention "
                                f"\"{entry.intention}\"", "write your own `intention:`, or make it private", severity))
    return problems


def _body_line(entry: Entry, start: str) -> int:
    """Return the file line where a piece of text starts in the body."""
    for number, line in enumerate(entry.body.splitlines()):
        if start in line:
            return entry.body_line + number
    return entry.body_line
