"""Route maps drawn at build time as inline SVG: no tiles, no network, no coordinates.

The track is projected (equirectangular about its middle latitude, fine at a run's scale),
scaled to fit, and written in the drawing's own units, rounded: nothing in the SVG says where on
Earth it is. Pauses break the line; start and finish are marked, and every kilometre (or mile).
Below the map, an elevation profile with the heart rate over it where the recording has one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from generator.pipeline.charts import element, number, svg_element, text_child
from generator.recordings.model import Point, metres_between
from generator.units import METRES_PER_UNIT

WIDTH, MAP_H, PROFILE_H, PAD = 640, 400, 90, 16
LINE = "#c0392b"


def route_svg(segments: Sequence[Sequence[Point]], unit: str, title: str, *, note: str = "") -> str:
    """Return the SVG of a route: map, markers and profile; '' when there is nothing to draw."""
    segments = [[p for p in s if p.lat is not None and p.lon is not None] for s in segments]
    segments = [s for s in segments if len(s) >= 2]
    if not segments:
        return ""
    xy = _project(segments)
    along = _along(segments)
    step = METRES_PER_UNIT[unit] * (5 if along[-1][-1] > 30 * METRES_PER_UNIT[unit] else 1)
    height = _map_height(xy)
    parts = [text_child("title", f"Route map of {title}", id="route-title"),
             text_child("desc", _description(segments, along, unit, note), id="route-desc"),
             element("path", {"d": _path(xy), "fill": "none", "stroke": LINE, "stroke-width": "3",
                              "stroke-linejoin": "round", "stroke-linecap": "round"}),
             *_markers(xy, along, step, unit),
             *_ends(xy), *_profile(segments, along, height + 10)]
    return svg_element(WIDTH, height + 10 + PROFILE_H + 20, *parts, role="img",
                       **{"class": "route-map", "aria-labelledby": "route-title route-desc"})


def _project(segments: list[list[Point]]) -> list[list[tuple[float, float]]]:
    """Return the points in drawing units, scaled to fit the map's width (north up)."""
    lats = [p.lat for s in segments for p in s]
    mid = math.radians((max(lats) + min(lats)) / 2)  # type: ignore[type-var]
    raw = [[(p.lon * math.cos(mid), -p.lat) for p in s] for s in segments]  # type: ignore[operator]
    xs, ys = [x for s in raw for x, _ in s], [y for s in raw for _, y in s]
    west, north = min(xs), min(ys)  # once: a track has thousands of points
    span = max(max(xs) - west, (max(ys) - north) * (WIDTH - 2 * PAD) / (MAP_H - 2 * PAD), 1e-9)
    scale = (WIDTH - 2 * PAD) / span
    left = PAD + (WIDTH - 2 * PAD - (max(xs) - west) * scale) / 2
    return [[(left + (x - west) * scale, PAD + (y - north) * scale) for x, y in s] for s in raw]


def _map_height(xy: list[list[tuple[float, float]]]) -> float:
    """Return the map's height: the track's, plus the margins."""
    return max(120.0, max(y for s in xy for _, y in s) + PAD)


def _along(segments: list[list[Point]]) -> list[list[float]]:
    """Return each point's distance from the first drawn point, in metres (pauses not bridged)."""
    done, out = 0.0, []
    for segment in segments:
        row = [done]
        for a, b in zip(segment, segment[1:]):
            done += metres_between(a, b)
            row.append(done)
        out.append(row)
    return out


def _path(xy: list[list[tuple[float, float]]]) -> str:
    """Return path data: one subpath per stretch between pauses."""
    return " ".join("M" + " L".join(f"{number(x)} {number(y)}" for x, y in s) for s in xy)


def _markers(xy: list[list[tuple[float, float]]], along: list[list[float]], step: float, unit: str) -> list[str]:
    """Return a dot and a number at every step of distance (every kilometre or mile)."""
    out, next_mark = [], step
    for points, marks in zip(xy, along):
        for (x, y), mark in zip(points, marks):
            if mark >= next_mark:
                label = str(round(next_mark / METRES_PER_UNIT[unit]))
                out.append(element("g", {"class": "route-marker"},
                                   element("circle", {"cx": number(x), "cy": number(y), "r": "7", "fill": "#fff",
                                                      "stroke": LINE}),
                                   text_child("text", label, x=number(x), y=number(y + 3.5), fill="#222",
                                              **{"text-anchor": "middle", "font-size": "9"}),
                                   text_child("title", f"{label} {unit}")))
                while next_mark <= mark:
                    next_mark += step
    return out


def _ends(xy: list[list[tuple[float, float]]]) -> list[str]:
    """Return the start (a green dot) and finish (a dark square) markers."""
    (sx, sy), (fx, fy) = xy[0][0], xy[-1][-1]
    return [element("circle", {"class": "route-start", "cx": number(sx), "cy": number(sy), "r": "6",
                               "fill": "#2e8b57", "stroke": "#fff"}, text_child("title", "Start")),
            element("rect", {"class": "route-finish", "x": number(fx - 5), "y": number(fy - 5), "width": "10",
                             "height": "10", "fill": "#222", "stroke": "#fff"}, text_child("title", "Finish"))]


def _profile(segments: list[list[Point]], along: list[list[float]], top: float) -> list[str]:
    """Return the elevation profile (and heart rate over it), drawn against distance."""
    total = along[-1][-1] or 1.0
    series = []
    for kind, colour in (("ele", "#5b7083"), ("hr", "#d35400")):
        values = [(m, getattr(p, kind)) for s, ms in zip(segments, along) for p, m in zip(s, ms)
                  if getattr(p, kind) is not None]
        if len(values) < 2:
            continue
        low, high = _steady_range([v for _, v in values])
        spread = max(high - low, 1.0)
        line = []
        for s, ms in zip(segments, along):
            run = [(PAD + m / total * (WIDTH - 2 * PAD),
                    top + PROFILE_H - (min(max(getattr(p, kind), low), high) - low) / spread * PROFILE_H)
                   for p, m in zip(s, ms) if getattr(p, kind) is not None]
            if len(run) >= 2:
                line.append("M" + " L".join(f"{number(x)} {number(y)}" for x, y in run))
        label = f"Elevation {round(low)}–{round(high)} m" if kind == "ele" else f"Heart rate {round(low)}–{round(high)} bpm"
        series.append(element("path", {"class": f"route-{kind}", "d": " ".join(line), "fill": "none",
                                       "stroke": colour, "stroke-width": "1.5"}, text_child("title", label)))
        series.append(text_child("text", label, x=str(PAD if kind == "ele" else WIDTH - PAD),
                                 y=number(top + PROFILE_H + 15), fill=colour,
                                 **({"text-anchor": "end"} if kind == "hr" else {})))
    return series


def _steady_range(values: list[float]) -> tuple[float, float]:
    """Return the range of a series without its wildest 1% at either side (a GPS altitude settling, a strap slipping)."""
    ordered = sorted(values)
    cut = len(ordered) // 100
    return ordered[cut], ordered[-1 - cut]


def _description(segments: list[list[Point]], along: list[list[float]], unit: str, note: str) -> str:
    """Return the <desc>: what the drawing shows, in words."""
    length = along[-1][-1] / METRES_PER_UNIT[unit]
    pauses = len(segments) - 1
    text = f"The route drawn from the recording: {length:.1f} {unit} of track"
    text += f", broken in {pauses + 1} stretches" if pauses else ""
    text += f", with a marker every {unit}." if length >= 1 else "."
    return f"{text} {note}".strip()


def split_paces(segments: Sequence[Sequence[Point]], unit: str) -> list[float]:
    """Return the seconds each whole kilometre (or mile) took, from the points' times."""
    size, out = METRES_PER_UNIT[unit], []
    done, mark_time, next_mark = 0.0, None, size
    for segment in segments:
        timed = [p for p in segment if p.time is not None and p.lat is not None]
        for a, b in zip(timed, timed[1:]):
            assert a.time is not None and b.time is not None
            mark_time = mark_time or a.time
            done += metres_between(a, b)
            if done >= next_mark:
                out.append((b.time - mark_time).total_seconds())
                mark_time, next_mark = b.time, next_mark + size
    return out
