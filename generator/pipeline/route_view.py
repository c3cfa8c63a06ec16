"""What a post shows of its run's recording: the map drawn for this audience and the figures beside it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class RouteView:
    """A route as one build shows it (the public build's never holds a coordinate or the file)."""

    svg: str  # inline SVG, drawn in the drawing's own coordinates; "" when there is no map to show
    figures: tuple[tuple[str, str], ...]  # (label, value): elapsed time, climb, heart rate, fastest split
    recording: str  # the recording's file name beside the page (journal only), else ""
    source: Path | None = None  # the recording on disk, to copy into the journal; None in the public build
