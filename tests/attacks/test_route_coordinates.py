"""The audit stops a recorded coordinate on its own: with the route map made to print the track's places.

Route maps are drawn in the drawing's own units. Should that fail (here the map is made to show the
private run's first points as decimal degrees), the public build must fail and name the coordinate:
on the first build, which works out the coordinates the audit looks for from the recordings, and on
a later one, which reads them back from the cache (outputs/route_needles.site_search).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from click.testing import Result

from generator.outputs.route_maps import route_svg
from generator.pipeline import routes
from generator.recordings.model import Point
from tests.test_route_privacy import canary_site, out_and_back

PRIVATE_START = out_and_back(2.5, -0.3)[0]  # where the private run of canary_site starts: home


def leaky_map(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every route map also print the private run's start in decimal degrees (a drawing that failed)."""
    lat, lon = PRIVATE_START

    def leaking(segments: Sequence[Sequence[Point]], unit: str, title: str, *, note: str = "") -> str:
        drawn = route_svg(segments, unit, title, note=note)
        return drawn.replace("</svg>", f"<text>{lat:.6f} {lon:.6f}</text></svg>")

    monkeypatch.setattr(routes, "route_svg", leaking)


def assert_stopped(result: Result) -> None:
    """Check that the build failed on the private run's coordinate, naming it."""
    assert result.exit_code == 1, result.output
    assert f"the file holds {PRIVATE_START[0]:.6f}, a coordinate of a recorded route" in result.output


def test_a_coordinate_on_a_map_is_stopped_when_the_audit_works_out_what_it_seeks(
        make_site: Callable[..., Path], run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = canary_site(make_site)
    leaky_map(monkeypatch)
    assert_stopped(run_cli("build", "--site", str(root)))
    assert not (root / "output/public").exists()


def test_a_coordinate_on_a_map_is_stopped_when_the_audit_reads_what_it_seeks_back(
        make_site: Callable[..., Path], run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = canary_site(make_site)
    assert run_cli("build", "--site", str(root)).exit_code == 0
    assert list((root / ".footfall-cache/recordings").glob("coordinates-*.f64"))  # kept: read back next time
    before = (root / "output/public/2026/03/14/along-the-river/index.html").read_bytes()
    leaky_map(monkeypatch)
    story = root / "content/2026/a.md"
    story.write_text(story.read_text("utf-8").replace("slug: along-the-river", "slug: along-the-river\ntags: [river]"),
                     "utf-8")  # front matter: the routes are drawn again
    assert_stopped(run_cli("build", "--site", str(root)))
    assert (root / "output/public/2026/03/14/along-the-river/index.html").read_bytes() == before  # last good
