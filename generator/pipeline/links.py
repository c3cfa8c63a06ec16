"""Relative links: where a page's links start, handed to its templates as a value, never a global.

Every page is rendered with its `Links` in the context variable `LINKS`; the `rel` filter and the
`asset()` function ask it for the URL of a site path. A macro module imported without context
gets the page's `Links` too (themes.ThemeTemplate), so a macro links right on every page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import jinja2

LINKS = "footfall_links"  # the context variable holding the page's link start


class LinkStart(Protocol):
    """Turns a site URL into the link a page writes."""

    def to(self, url: str) -> str:
        """Return the link to a site URL (one starting with "/")."""
        ...


@dataclass(frozen=True, slots=True)
class Links:
    """Where the relative links of one page start."""

    start: str  # "../" per folder below the top, or the site's base path on a root-relative page
    root_relative: bool = False  # links written from the site root (a 404 page, served at any depth)

    def to(self, url: str) -> str:
        """Return the link to a site URL (one starting with "/")."""
        if self.root_relative:
            return self.start + url
        return (self.start + url.lstrip("/")) or "./"


TOP = Links("")  # links of a page at the top folder (and of templates rendered outside a page)


def page_links(page_url: str, root_relative: bool, base_path: str) -> Links:
    """Return the links of a page: relative to its folder, or from the site's base path when root-relative."""
    if root_relative:
        return Links(base_path.rstrip("/"), True)
    return Links("../" * (page_url.count("/") - 1))


@jinja2.pass_context
def relative_url(context: jinja2.runtime.Context, url: str) -> str:
    """Return a site URL relative to the page being rendered, so the site works under any path."""
    if not url.startswith("/"):
        return url
    links: Any = context.get(LINKS)
    return (links if links is not None else TOP).to(url)  # type: ignore[no-any-return]
