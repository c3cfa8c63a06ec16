"""Plan every page of a build: its URL, output path, template and context."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from generator.pipeline import charts
from generator.pipeline import timeline
from generator.errors import Problem, error
from generator.outputs.sharing import ShareSettings, StoryShare
from generator.pipeline.planned import PlannedPage, page
from generator.pipeline.reflection_pages import home_context, plan_reflection
from generator.pipeline.site import Post, Site, Term
from generator.urls import is_safe_relpath, paginated


@dataclass(frozen=True, slots=True)
class Pagination:
    """Where one page of a listing sits among its siblings."""

    number: int  # 1-based
    total: int  # number of pages
    previous_url: str  # newer entries, "" on the first page
    next_url: str  # older entries, "" on the last page
    base_url: str  # URL of page 1


def plan_pages(site: Site, today: date | None = None) -> tuple[list[PlannedPage], list[Problem]]:
    """Return every page of the site, and an error for any two pages claiming one path.

    `today`, the build date in the site's time zone, is what the journal's home and insights show
    of it; without one they show nothing that depends on the date.
    """
    planned = [*_home(site, home_context(site, today)), *_posts(site), *_tags(site), *_emotions(site),
               _timeline(site), _archive(site), _search(site), _not_found(site)]
    reflection, problems = plan_reflection(site, today)
    planned.extend(reflection)
    return planned, [*problems, *_collisions(planned)]


def paginate(posts: Sequence[Post], per_page: int, base: str) -> Iterator[tuple[Pagination, tuple[Post, ...]]]:
    """Yield each page of a listing with its slice of posts (at least one page, even if empty)."""
    total = max(1, -(-len(posts) // per_page))
    for number in range(1, total + 1):
        chunk = tuple(posts[(number - 1) * per_page:number * per_page])
        yield Pagination(
            number=number, total=total, base_url=base,
            previous_url=paginated(base, number - 1) if number > 1 else "",
            next_url=paginated(base, number + 1) if number < total else "",
        ), chunk


def _home(site: Site, first: dict[str, Any]) -> Iterator[PlannedPage]:
    """Plan the paginated home page; `first` is what its first page adds (the journal's view of the day)."""
    for pagination, chunk in paginate(site.listed, site.config.per_page, "/"):
        title = "Home" if pagination.number == 1 else f"Page {pagination.number}"
        extra = first if pagination.number == 1 else {}
        yield page(paginated("/", pagination.number), "index.html", title,
                   posts=chunk, pagination=pagination, **extra)


def _posts(site: Site) -> Iterator[PlannedPage]:
    """Plan one page per entry and per standalone page."""
    settings = ShareSettings.of(site.config)
    for post in (*site.posts, *site.pages):
        yield post_page(post, site, settings)


def post_page(post: Post, site: Site, settings: ShareSettings | None = None) -> PlannedPage:
    """Plan the page of one entry or standalone page (`settings`: the site's share settings, if made already)."""
    if post.is_page:
        return page(post.url, "page.html", post.title, post=post,
                    description=post.summary, noindex=post.visibility != "public")
    share = StoryShare(post, settings or ShareSettings.of(site.config)) if site.audience == "public" else None
    return page(post.url, "entry.html", post.title, post=post,
                description=post.summary, noindex=not post.listed, share=share)


def _term_pages(term: Term, template: str, per_page: int, **extra: Any) -> Iterator[PlannedPage]:
    """Plan the paginated pages of one tag or emotion."""
    for pagination, chunk in paginate(term.posts, per_page, term.url):
        yield page(paginated(term.url, pagination.number), template, term.name,
                   term=term, posts=chunk, pagination=pagination, **extra)


def _tags(site: Site) -> Iterator[PlannedPage]:
    """Plan the tag index and one listing per tag."""
    yield page("/tags/", "tags.html", "Tags", tags=site.tags)
    for term in site.tags:
        yield from _term_pages(term, "tag.html", site.config.per_page)


def _emotions(site: Site) -> Iterator[PlannedPage]:
    """Plan the emotion index and one listing per emotion."""
    yield page("/emotions/", "emotions.html", "Emotions", emotions=site.emotions, families=site.emotion_families)
    for term in site.emotions:
        assert term.facts is not None and term.family is not None
        chart = charts.months_svg(term.facts.months, term.name, term.family)
        yield from _term_pages(term, "emotion.html", site.config.per_page, facts=term.facts, months_svg=chart)


def _timeline(site: Site) -> PlannedPage:
    """Plan the emotional timeline of the listed runs."""
    drawn = timeline.build_timeline(site)
    svg = timeline.timeline_svg(drawn, "/timeline/") if drawn.buckets else ""
    return page("/timeline/", "timeline.html", "Timeline", timeline=drawn, svg=svg,
                aggregate=bool(svg) and timeline.layout(drawn).aggregate)


def _archive(site: Site) -> PlannedPage:
    """Plan the archive by year and month."""
    return page("/archive/", "archive.html", "Archive", archive=site.archive)


def _search(site: Site) -> PlannedPage:
    """Plan the search page (its index is made after the pages, by outputs/search.py)."""
    return page("/search/", "search.html", "Search", noindex=True)


def _not_found(site: Site) -> PlannedPage:
    """Plan the 404 page."""
    return PlannedPage("/404.html", "404.html", "404.html", {"title": "Page not found", "noindex": True, "root_relative": True})


def _collisions(planned: list[PlannedPage]) -> list[Problem]:
    """Return an error for every output path claimed twice or leaving the output folder."""
    seen: dict[str, PlannedPage] = {}
    problems: list[Problem] = []
    for item in planned:
        if not is_safe_relpath(item.path):
            problems.append(error(None, None, f"the page {item.url} would be written outside the output folder"))
        elif item.path in seen:
            problems.append(error(None, None, f"two pages claim {item.url}: {item.template} and {seen[item.path].template}",
                                  "give one of the entries a different `slug:`"))
        else:
            seen[item.path] = item
    return problems
