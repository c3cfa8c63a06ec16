"""What a file producer is: the output paths it claims, with their inputs, and the files it makes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import Problem
from generator.pipeline.inputs import Inputs
from generator.pipeline.pages import PlannedPage
from generator.pipeline.site import Site


class ProducerFailed(Exception):
    """A file producer that cannot make its files; carries the problem to report."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


#: (job, count) -> job(0) ... job(count - 1) in order, spread over processes as the caller sees fit
JobMap = Callable[[Callable[[int], Any], int], Iterable[Any]]
Keep = Callable[[str, str], bool]  # (output path, digest) -> True when the live file, made from that digest, is kept


def keep_nothing(path: str, digest: str) -> bool:
    """Keep no file: every file is made anew (the plain build)."""
    return False


@dataclass(frozen=True, slots=True)
class Making:
    """What file producers make their files from, and how."""

    site: Site  # the build's site model
    planned: Sequence[PlannedPage]  # the build's pages
    inputs: Inputs  # settings, theme, vocabulary, entries, static files
    card_cache: Path | None = None  # where drawn share cards are kept between builds (None: draw every one)
    card_workers: int | None = 1  # processes drawing share cards (None: one per core)
    card_map: JobMap | None = None  # spreads the drawing of share cards instead (the speed layer's forked map)
    cards_drawn: dict[str, float] = field(default_factory=dict)  # receives the cards drawn ("count") and "seconds"
    keep: Keep = keep_nothing  # keeps a live file made from the same digest (see Keyed); the plain build keeps none


@dataclass(frozen=True, slots=True)
class Keyed:
    """A file's bytes with a digest of everything they are made from (a share card's key, say).

    A producer that can name that digest before making the bytes asks `Making.keep(path, digest)`
    first, and makes (and yields) only the files it was not told were kept.
    """

    digest: str  # equal digests, equal bytes
    data: bytes


Data = bytes | Path | Keyed  # a file's bytes, a source file to copy, or bytes known by what they are made from
Claims = Callable[[Making], Iterable[tuple[str, str]]]  # yields (output path, the input it comes from)
Files = Callable[[Making], Iterable[tuple[str, Data]]]  # yields (output path, bytes or a file to copy)


def file_bytes(data: Data) -> bytes:
    """Return the bytes of a produced file."""
    if isinstance(data, Keyed):
        return data.data
    return data if isinstance(data, bytes) else data.read_bytes()


@dataclass(frozen=True, slots=True)
class FileProducer:
    """One kind of file a build writes besides its pages."""

    name: str  # e.g. "card_files"
    claims: Claims  # the paths it will write, each with its input, worked out without making anything
    files: Files  # the files themselves
    body_free: bool = False  # its files come from settings, the theme and entries without their bodies alone
