"""GPX recordings for the benchmark corpus: a share of its runs carry one, as runs imported from a watch do.

Each is an out-and-back loop from one home (inside the corpus's privacy zone), a point every 5
seconds at the run's own distance and pace, drawn from its own random.Random: the entries
themselves come out as they do without routes.
"""

from __future__ import annotations

import datetime as dt
import math
import random

HOME = (38.7139, -9.1394)  # a street in Lisbon, the corpus's time zone
PRIVACY_TOML = f"""
[privacy]
trim = "200 m"
zones = [{{ name = "Home", lat = {HOME[0]}, lon = {HOME[1]}, radius = "400 m" }}]
"""
STEP_S = 5  # seconds between points
METRES_PER_DEGREE = 111_195.0


def route_rng(seed: int) -> random.Random:
    """Return the random source of a corpus's routes (apart from its entries')."""
    return random.Random(f"routes-{seed}")


def with_route(text: str, name: str) -> str:
    """Return an entry's text with `route: name` at the end of its front matter."""
    head, sep, body = text.partition("\n---\n")
    return f"{head}\nroute: {name}{sep}{body}"


def route_gpx(rng: random.Random, km: float, seconds: int, start: dt.datetime) -> str:
    """Return a GPX run of about km kilometres in `seconds`: out along a bearing, back a little to one side."""
    count = max(2, seconds // STEP_S)
    step = km * 1000 / count
    bearing, bend = rng.uniform(0, 2 * math.pi), rng.uniform(0.15, 0.5)
    lat, lon = HOME
    rows = []
    for index in range(count + 1):
        heading = bearing if index < count // 2 else bearing + math.pi + bend
        lat += step * math.cos(heading) / METRES_PER_DEGREE
        lon += step * math.sin(heading) / (METRES_PER_DEGREE * math.cos(math.radians(lat)))
        when = (start + dt.timedelta(seconds=index * STEP_S)).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows.append(f'<trkpt lat="{lat:.7f}" lon="{lon:.7f}"><ele>{20 + rng.uniform(-2, 2):.1f}</ele>'
                    f"<time>{when}</time></trkpt>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="Footfall bench" '
            'xmlns="http://www.topografix.com/GPX/1/1"><trk><name>Run</name><type>running</type><trkseg>'
            + "\n".join(rows) + "</trkseg></trk></gpx>\n")
