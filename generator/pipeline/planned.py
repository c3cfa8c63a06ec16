"""A page to render: what the page planners give the renderer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.urls import output_path


@dataclass(frozen=True, slots=True)
class PlannedPage:
    """One HTML page to render."""

    url: str  # site URL
    path: str  # output path relative to the build folder
    template: str  # template name, e.g. "entry.html"
    context: dict[str, Any]  # what the template receives (besides `site` and `page_url`)


def page(url: str, template: str, title: str, **context: Any) -> PlannedPage:
    """Return a PlannedPage with its output path derived from the URL."""
    return PlannedPage(url, output_path(url), template, {"title": title, **context})
