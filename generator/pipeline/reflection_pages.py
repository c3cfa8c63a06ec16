"""Plan the pages of reflection: the journal's insights, and a year in review for every year of the build."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from generator.errors import Problem
from generator.pipeline import insights, signals
from generator.pipeline.on_this_day import build_today
from generator.pipeline.planned import PlannedPage, page
from generator.pipeline.site import Site
from generator.pipeline.year_review import build_reviews

INSIGHTS_URL = "/insights/"


def plan_reflection(site: Site, today: date | None) -> tuple[list[PlannedPage], list[Problem]]:
    """Return the year reviews and, for the journal with a build date, the insights page; and any settings problem."""
    planned = list(_years(site))
    problems: list[Problem] = []
    if site.audience == "journal" and today is not None:
        limits, problems = signals.load_thresholds(site.config.section("signals"), site.config.path)
        planned.append(_insights(site, today, limits))
    return planned, problems


def home_context(site: Site, today: date | None) -> dict[str, Any]:
    """Return what the journal's first home page adds for the build date (nothing for the public site)."""
    if site.audience != "journal" or today is None:
        return {}
    return {"today": build_today(site, today)}


def _years(site: Site) -> Iterator[PlannedPage]:
    """Plan one review per year of the build's listed posts."""
    for review in build_reviews(site):
        yield page(review.url, "year.html", f"{review.year} in review", review=review)


def _insights(site: Site, today: date, limits: signals.Thresholds) -> PlannedPage:
    """Plan the journal's insights page, with its gentle signals."""
    found = signals.find_signals(site, today, limits)
    help_url = signals.help_page_url(site, limits)
    return page(INSIGHTS_URL, "insights.html", "Insights", insights=insights.build_insights(site, today),
                signals=found, not_a_diagnosis=signals.NOT_A_DIAGNOSIS, help_url=help_url, noindex=True)
