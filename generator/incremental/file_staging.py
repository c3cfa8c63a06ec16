"""Stage the files that are not pages, through the registry, reusing what an entry's text cannot change."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from generator.deploy.output import UnsafePath
from generator.incremental.ledger import OutputLedger
from generator.incremental.scan import file_stamp, trusted_stamp
from generator.outputs.files import FileProducer, Keep, Keyed, Making, ProducerFailed
from generator.outputs.producers import CARD_FILES
from generator.outputs.registry import FILE_PRODUCERS, Claim, UnclaimedFile, claimed_files, claimed_keep
from generator.pipeline.result import BuildResult

#: The producers run while the workers render the pages: all but the cards, which have workers of their own.
ALONGSIDE_PAGES = tuple(p for p in FILE_PRODUCERS if p is not CARD_FILES)

#: What a producer may raise: the build reports it and stages nothing.
FAILURES = (ProducerFailed, UnsafePath, UnclaimedFile)


class FilesAlongside:
    """Stages the files that are not template pages, most of them while the workers render the pages.

    This process's share of the page rendering waits meanwhile: the files it stages first (the
    timeline's data, the feeds...) then cost no time of their own in a parallel build. The share
    cards come after the pages: they are drawn by workers of their own.
    """

    def __init__(self, making: Making, claimed: Mapping[str, Claim], ledger: OutputLedger,
                 kept_from: Mapping[str, Any], result: BuildResult) -> None:
        self.args = (making, claimed, ledger, kept_from)
        self.result = result  # its "files" stage times what is staged after the pages
        self.produced: dict[str, list[str]] = {}
        self.failed: Exception | None = None  # raised by finish(), once the pages are done

    def stage(self, meanwhile: Callable[[], object] | None) -> None:
        """Do this process's other task, if any, then stage the files that need no worker."""
        if meanwhile is not None:
            meanwhile()
        try:  # timed with the pages: the stages' times add up to the build's
            self.produced.update(stage_files(*self.args, producers=ALONGSIDE_PAGES))
        except FAILURES as exc:
            self.failed = exc

    def finish(self) -> dict[str, list[str]]:
        """Stage the remaining files (the cards); return the paths each producer made, in FILE_PRODUCERS order."""
        if self.failed is not None:
            raise self.failed
        with self.result.timed("files"):
            rest = tuple(p for p in FILE_PRODUCERS if p not in ALONGSIDE_PAGES or p.name not in self.produced)
            self.produced.update(stage_files(*self.args, producers=rest))
        return {p.name: self.produced[p.name] for p in FILE_PRODUCERS}


def stage_files(making: Making, claimed: Mapping[str, Claim], ledger: OutputLedger, kept_from: Mapping[str, Any],
                producers: Iterable[FileProducer]) -> dict[str, list[str]]:
    """Stage the files of some producers: static files, images, feeds and the like.

    A body-free producer listed in `kept_from` (what it made last time, given only when entry
    bodies alone changed since) is not run when its files are still on disk as it left them; a
    producer that names a file's digest first (a share card's key) makes only the files whose live
    one was not made from it. Return the paths each producer made (or kept).
    """
    now_ns = time.time_ns()
    produced: dict[str, list[str]] = {}
    for producer in producers:
        before = kept_from.get(producer.name)
        if producer.body_free and isinstance(before, list) and ledger.reuse_all(before):
            produced[producer.name] = before
            continue
        paths = produced[producer.name] = []
        own = replace(making, keep=claimed_keep(producer, claimed, _keeper(ledger, paths)))
        for relpath, data in claimed_files(producer, own, claimed):
            paths.append(relpath)
            if isinstance(data, Path):
                digest = copy_digest(data, now_ns)
                if not ledger.reuse(relpath, digest):
                    ledger.put(relpath, digest, data.read_bytes())
            elif isinstance(data, Keyed):
                ledger.put(relpath, data.digest, data.data)
            else:
                ledger.put(relpath, None, data)
    return produced


def _keeper(ledger: OutputLedger, paths: list[str]) -> Keep:
    """Return a Making.keep that keeps a live file made from the same digest, noting its path among the made."""

    def keep(path: str, digest: str) -> bool:
        if not ledger.reuse(path, digest):
            return False
        paths.append(path)
        return True

    return keep


def copy_digest(source: Path, now_ns: int) -> str:
    """Return what a copied file is made from: its path and stamp (never trusted when unknown or very recent)."""
    stamp = trusted_stamp(file_stamp(source), now_ns)
    if stamp is None:
        return f"copy:{source}:recent:{now_ns}"
    return f"copy:{source}:{':'.join(map(str, stamp))}"
