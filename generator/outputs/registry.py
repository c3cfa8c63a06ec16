"""The one registry of what a build writes: pages and every file producer, each path claimed once.

Every producer names the paths it will write with the input each comes from, before anything is
made. Two claims on one path are an error naming both inputs (a photo `card.png` beside a story
and the story's share card, say), and the build stops with the last good output untouched. The
search index, made from the rendered pages with names of its own, claims its whole folder.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import NamedTuple

from generator.errors import Problem, error
from generator.outputs import search
from generator.outputs.files import Data, FileProducer, Keep, Making
from generator.outputs.producers import (CARD_FILES, CRAWLER_FILES, ENTRY_ASSETS, FEED_FILES, REDIRECT_PAGES,
                                         ROUTE_FILES, THEME_STATIC, TIMELINE_DATA, entry_name)
from generator.pipeline.pages import PlannedPage

#: Every producer of files besides the pages, in the order they are made. Add new kinds of file here.
FILE_PRODUCERS: tuple[FileProducer, ...] = (THEME_STATIC, ENTRY_ASSETS, ROUTE_FILES, CRAWLER_FILES, TIMELINE_DATA,
                                            FEED_FILES, REDIRECT_PAGES, CARD_FILES)


#: The search index's folder: made after the pages, from their bytes (outputs/search.py).
SEARCH_BUNDLE = f"{search.BUNDLE}/"


class Claim(NamedTuple):
    """An output path, who writes it and from what (a tuple: a build makes one for every file it writes)."""

    path: str  # output path relative to the build folder; ending in "/", a whole folder
    producer: str  # "pages" or a FileProducer's name
    origin: str | PageOrigin  # the input it is made from, as the writer knows it


class PageOrigin(NamedTuple):
    """What a planned page is made from, put into words only when a message needs them (str)."""

    making: Making
    item: PlannedPage

    def __str__(self) -> str:
        return page_origin(self.making, self.item)


class UnclaimedFile(Exception):
    """A producer made a file it did not claim (a bug in the producer)."""


def page_origin(making: Making, item: PlannedPage) -> str:
    """Return what a planned page is made from: its post's file, or the page's URL."""
    post = item.context.get("post")
    key = getattr(post, "key", None)
    if isinstance(key, str) and getattr(post, "url", None) == item.url:
        return f"the page of {entry_name(making.inputs.config, key)}"
    return f"the page {item.url}"


def claims(making: Making, producers: Sequence[FileProducer] = FILE_PRODUCERS) -> Iterator[Claim]:
    """Yield every path the build will write: its pages', then each producer's."""
    for item in making.planned:
        yield Claim(item.path, "pages", PageOrigin(making, item))
    for producer in producers:
        for path, origin in producer.claims(making):
            yield Claim(path, producer.name, origin)
    yield Claim(SEARCH_BUNDLE, "search_index", "the search index")


def check_claims(found: Iterable[Claim]) -> tuple[dict[str, Claim], list[Problem]]:
    """Return the claims by path, and an error for every path claimed twice, naming both inputs."""
    by_path: dict[str, Claim] = {}
    problems: list[Problem] = []
    for claim in found:
        first = by_path.setdefault(claim.path, claim)
        if first is not claim:
            problems.append(_collision(claim.path, first, claim))
    folders = [claim for claim in by_path.values() if claim.path.endswith("/")]
    for folder in folders:
        for claim in by_path.values():
            if claim is not folder and claim.path.startswith(folder.path):
                problems.append(_collision(claim.path, folder, claim))
    return by_path, problems


def _collision(path: str, first: Claim, second: Claim) -> Problem:
    """Return the error for two claims on one path."""
    return error(None, None, f"two files would be written to {path}: {first.origin}, and {second.origin}",
                 "rename one of them (or give the entry another `slug:`)")


def claimed_files(producer: FileProducer, making: Making, claimed: Mapping[str, Claim]) -> Iterator[tuple[str, Data]]:
    """Yield a producer's files, refusing any it did not claim."""
    for path, data in producer.files(making):
        _check_claimed(producer, claimed, path, "made")
        yield path, data


def claimed_keep(producer: FileProducer, claimed: Mapping[str, Claim], keep: Keep) -> Keep:
    """Return `keep` for a producer's `Making.keep`, refusing any path the producer did not claim."""

    def checked(path: str, digest: str) -> bool:
        _check_claimed(producer, claimed, path, "kept")
        return keep(path, digest)

    return checked


def _check_claimed(producer: FileProducer, claimed: Mapping[str, Claim], path: str, done: str) -> None:
    """Raise UnclaimedFile when the producer did not claim the path it made or kept."""
    claim = claimed.get(path)
    if claim is None or claim.producer != producer.name:
        raise UnclaimedFile(f"{producer.name} {done} {path} without claiming it")
