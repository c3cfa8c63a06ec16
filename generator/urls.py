"""Slugs, permalinks and output paths: pure functions from names to URLs."""

from __future__ import annotations

import hashlib
import posixpath
import re
import unicodedata
from datetime import datetime

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(text: str, fallback_prefix: str = "item") -> str:
    """Return a URL-safe slug ([a-z0-9-]+) for any text, never empty."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if slug:
        return slug[:80].rstrip("-")
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    return f"{fallback_prefix}-{digest}"


def entry_url(pattern: str, date: datetime, slug: str) -> str:
    """Return an entry's URL from the permalink pattern, e.g. /2026/03/14/old-house/."""
    return pattern.format(year=f"{date.year:04d}", month=f"{date.month:02d}", day=f"{date.day:02d}", slug=slug)


def page_url(slug: str) -> str:
    """Return a standalone page's URL."""
    return f"/{slug}/"


def paginated(base: str, number: int) -> str:
    """Return the URL of page `number` (1-based) of a listing rooted at base."""
    return base if number == 1 else f"{base}page/{number}/"


def output_path(url: str) -> str:
    """Return the relative output file for a URL: /a/b/ -> a/b/index.html, /feed.xml -> feed.xml."""
    path = url.lstrip("/")
    if not path or path.endswith("/"):
        path += "index.html"
    return path


def is_safe_relpath(path: str) -> bool:
    """Return True when a relative output path stays inside the output folder."""
    if not path or path.startswith("/") or "\\" in path or "\x00" in path:
        return False
    if ".." not in path:
        return True  # nothing in it can lead up
    normal = posixpath.normpath(path)
    return not (normal == ".." or normal.startswith("../"))


def absolute(base_url: str, url: str) -> str:
    """Return an absolute URL under base_url for a site URL."""
    return base_url.rstrip("/") + "/" + url.lstrip("/")


def relative_root(url: str) -> str:
    """Return the relative path from a page at `url` back to the site root (e.g. "../../")."""
    depth = url.strip("/").count("/") + 1 if url.strip("/") else 0
    if url and not url.endswith("/") and depth:
        depth -= 1
    return "../" * depth or "./"
