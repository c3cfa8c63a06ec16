"""Read ``site.toml`` into a frozen SiteConfig, reporting every problem at once."""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from generator.errors import Problem, error, warning

CONFIG_NAME = "site.toml"
VISIBILITIES = ("private", "unlisted", "public")
UNITS = ("km", "mi")
PERMALINK_FIELDS = ("year", "month", "day", "slug")
THEME_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")  # a theme is named, never a path

#: Top-level keys and their expected Python types.
SCALAR_KEYS: dict[str, type | tuple[type, ...]] = {
    "title": str,
    "author": str,
    "description": str,
    "language": str,
    "base_url": str,
    "timezone": str,
    "units": str,
    "theme": str,
    "default_visibility": str,
    "hashtag": str,
    "per_page": int,
    "permalink": str,
}
#: Tables that later stages read (vocabulary additions, publish targets, privacy).
SECTION_KEYS = ("vocabulary", "publish", "privacy", "serve", "build", *("signals", "prompts"))


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """The validated configuration of one site."""

    root: Path  # the site folder (holds site.toml, content/, output/)
    title: str  # the site's name
    author: str = ""  # the writer's name, shown in footers and feeds
    description: str = ""  # one line about the site, for meta tags and feeds
    language: str = "en"  # BCP 47 language of the writing
    base_url: str = "http://localhost:8000/"  # absolute root URL, always ending in "/"
    timezone: str = "UTC"  # IANA name for naive times and date-only entries
    units: str = "km"  # "km" or "mi"
    theme: str = "default"  # a folder under themes/ (site's own or the shipped ones)
    default_visibility: str = "private"  # for entries that set none
    hashtag: str = ""  # without "#", part of every share text
    per_page: int = 10  # entries per listing page
    permalink: str = "/{year}/{month}/{day}/{slug}/"  # entry URL pattern
    sections: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    drafts: bool = False  # show `draft: true` entries in the journal (`serve --drafts`); never read from site.toml

    @property
    def path(self) -> Path:
        """Return the path of site.toml."""
        return self.root / CONFIG_NAME

    @property
    def content_dir(self) -> Path:
        """Return the folder holding the journal's Markdown files."""
        return self.root / "content"

    @property
    def output_root(self) -> Path:
        """Return the folder that holds both builds."""
        return self.root / "output"

    @property
    def cache_dir(self) -> Path:
        """Return the folder of the persistent build cache."""
        return self.root / ".footfall-cache"

    @property
    def tz(self) -> ZoneInfo:
        """Return the site's time zone."""
        return ZoneInfo(self.timezone)

    def section(self, name: str) -> Mapping[str, Any]:
        """Return a configuration table such as ``[vocabulary]``, empty if absent."""
        value = self.sections.get(name, {})
        return value if isinstance(value, Mapping) else {}

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle by value (the read-only sections travel as a dict), so worker processes can get a config."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["sections"] = dict(self.sections)
        return (_config_from_values, (values,))


def user_cache_home() -> Path:
    """Return the cache folder of the user who runs Footfall, outside every site (`$XDG_CACHE_HOME/footfall`).

    What is kept there is made from the installed code alone (compiled templates, the words of
    Footfall's own files), so it is as trusted as that code: a site's `.footfall-cache/` travels
    with a journal that is copied or cloned, and never holds it.
    """
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "footfall"


def _config_from_values(values: dict[str, Any]) -> SiteConfig:
    """Return a SiteConfig from pickled values."""
    return SiteConfig(**{**values, "sections": MappingProxyType(values["sections"])})


def key_line(text: str, key: str) -> int | None:
    """Return the 1-based line where a top-level ``key =`` is set, if it can be found."""
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=", re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def toml_error_line(exc: tomllib.TOMLDecodeError) -> int | None:
    """Return the line number that tomllib puts in its message."""
    match = re.search(r"line (\d+)", str(exc))
    return int(match.group(1)) if match else None


def closest(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """Return a "did you mean" hint for an unknown word, or an empty string."""
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean `{found[0]}`?" if found else ""


def load_config(root: Path) -> tuple[SiteConfig | None, list[Problem]]:
    """Read and validate ``root/site.toml``; return the config (None on errors) and problems."""
    path = root / CONFIG_NAME
    if not path.is_file():
        hint = "run `footfall init DIR` to make a new site, or pass --site DIR"
        return None, [error(path, None, f"no {CONFIG_NAME} in {root}", hint)]
    try:
        text = path.read_bytes().decode("utf-8-sig")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        return None, [error(path, None, "site.toml is not UTF-8 text", "save it as UTF-8")]
    except tomllib.TOMLDecodeError as exc:
        line = toml_error_line(exc) or (text.count("\n") or 1)
        return None, [error(path, line, f"site.toml is not valid TOML: {exc}")]
    return validate_config(root, data, text)


def validate_config(root: Path, data: Mapping[str, Any], text: str = "") -> tuple[SiteConfig | None, list[Problem]]:
    """Check every key of parsed site.toml; return the config (None on errors) and problems."""
    path = root / CONFIG_NAME
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    sections: dict[str, Any] = {}
    for key, value in data.items():
        line = key_line(text, key)
        if key in SECTION_KEYS:
            if isinstance(value, Mapping):
                sections[key] = value
            else:
                problems.append(error(path, line, f"`{key}` must be a table like [{key}]"))
        elif key in SCALAR_KEYS:
            problems.extend(_check_scalar(path, line, key, value))
            values[key] = value
        else:
            hint = closest(key, [*SCALAR_KEYS, *SECTION_KEYS]) or "remove it"
            problems.append(warning(path, line, f"unknown setting `{key}`", hint))
    if "title" not in data:
        problems.append(error(path, None, "site.toml has no `title`", 'add a line like: title = "My running journal"'))
    if any(p.is_error for p in problems):
        return None, problems
    values = _normalise(values)
    return SiteConfig(root=root, sections=MappingProxyType(sections), **values), problems


def _check_scalar(path: Path, line: int | None, key: str, value: Any) -> list[Problem]:
    """Return the problems with one scalar setting."""
    expected = SCALAR_KEYS[key]
    if not isinstance(value, expected) or isinstance(value, bool):
        kind = "a whole number" if expected is int else "a quoted string"
        return [error(path, line, f"`{key}` must be {kind}, not {value!r}")]
    return _check_value(path, line, key, value)


def _check_value(path: Path, line: int | None, key: str, value: Any) -> list[Problem]:
    """Return the problems with a setting's value, once its type is right."""
    if key == "title" and not value.strip():
        return [error(path, line, "`title` is empty", "give the site a name")]
    if key == "timezone":
        return _check_timezone(path, line, value)
    if key == "units" and value not in UNITS:
        return [error(path, line, f"`units` must be \"km\" or \"mi\", not {value!r}")]
    if key == "default_visibility" and value not in VISIBILITIES:
        return [error(path, line, f"`default_visibility` must be one of {', '.join(VISIBILITIES)}", closest(value, VISIBILITIES))]
    if key == "per_page" and not 1 <= value <= 1000:
        return [error(path, line, "`per_page` must be between 1 and 1000")]
    if key == "base_url" and not re.match(r"^https?://[^/\s]+", value):
        return [error(path, line, f"`base_url` must be an absolute http(s) URL, not {value!r}")]
    if key == "permalink":
        return _check_permalink(path, line, value)
    if key == "theme" and not THEME_NAME.fullmatch(value):
        return [error(path, line, f"`theme` must be the name of a theme, not {value!r}",
                      'use letters, digits, - and _ only, e.g. theme = "default"; themes live in themes/NAME/')]
    if key == "hashtag" and not re.fullmatch(r"#?\w*", value):
        return [error(path, line, "`hashtag` must be one word of letters, digits or _", 'e.g. hashtag = "JoggingTherapy"')]
    return []


def _check_timezone(path: Path, line: int | None, value: str) -> list[Problem]:
    """Return a problem when the time zone is not an IANA name."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return [error(path, line, f"unknown time zone {value!r}", 'use an IANA name such as "Europe/Lisbon" or "UTC"')]
    return []


def _check_permalink(path: Path, line: int | None, value: str) -> list[Problem]:
    """Return problems with a permalink pattern."""
    names = set(re.findall(r"{(\w*)}", value))
    unknown = names - set(PERMALINK_FIELDS)
    if unknown:
        return [error(path, line, f"`permalink` uses unknown field {{{sorted(unknown)[0]}}}", "use {year}, {month}, {day} and {slug}")]
    if "slug" not in names or not value.startswith("/") or not value.endswith("/"):
        return [error(path, line, "`permalink` must start and end with / and contain {slug}", 'e.g. "/{year}/{month}/{day}/{slug}/"')]
    if ".." in value.split("/"):
        return [error(path, line, "`permalink` must not contain ..")]
    return []


def _normalise(values: dict[str, Any]) -> dict[str, Any]:
    """Return validated values in their canonical form."""
    out = dict(values)
    if "base_url" in out and not out["base_url"].endswith("/"):
        out["base_url"] += "/"
    if "hashtag" in out:
        out["hashtag"] = out["hashtag"].lstrip("#")
    out["title"] = out["title"].strip()
    return out
