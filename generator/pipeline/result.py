"""What a build reports: problems found, files written, time per stage."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import Problem, has_errors
from generator.pipeline.markdown import Audience


@dataclass
class BuildResult:
    """What a build did: problems found, files written, time per stage."""

    audience: Audience
    output_dir: Path | None = None  # the live build folder
    problems: list[Problem] = field(default_factory=list)
    entries: int = 0  # entries in this build
    pages: int = 0  # HTML pages planned
    written: int = 0  # files whose bytes changed
    unchanged: int = 0  # files left as they were
    removed: int = 0  # stale files deleted
    parsed: int = 0  # source files parsed again (the others came from the cache)
    rendered: int = 0  # pages rendered again (the others were unchanged)
    checked: int = 0  # pages whose digest was worked out again to see if they changed
    shapes: dict[str, Any] = field(default_factory=dict)  # each entry's digest and shape, for the next build
    produced: dict[str, list[str]] = field(default_factory=dict)  # output paths of each file producer
    cards: tuple[int, float] = (0, 0.0)  # share cards drawn (not taken from the cache), and the seconds it took
    changed: list[str] = field(default_factory=list)  # output paths written or removed
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage

    @property
    def ok(self) -> bool:
        """Return True when the build had no errors."""
        return not has_errors(self.problems)

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        """Add the time spent in a block to a stage's total."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - start
