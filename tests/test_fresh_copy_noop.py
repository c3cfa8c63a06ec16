"""A build made right after the site was copied stamps its inputs once they settle, and only if none moved."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.incremental import builder, scan
from tests.conftest import entry

WINDOW_NS = 300_000_000  # a trust window short enough for a test to outlast


@pytest.fixture
def short_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Trust a file's stamp 0.3 s after it was written, and make each full build outlast that."""
    monkeypatch.setattr(scan, "RACY_NS", WINDOW_NS)
    real = builder.Builder._full_build

    def slow_full_build(self, *args, **kwargs):
        real(self, *args, **kwargs)
        time.sleep(WINDOW_NS / 1e9 + 0.1)

    monkeypatch.setattr(builder.Builder, "_full_build", slow_full_build)


def journal(make_site) -> Path:
    """Return a freshly written site of two entries."""
    return make_site({
        f"content/2026/03-0{day}-run.md": entry({"title": f"Run {day}", "date": f"2026-03-0{day}",
                                                 "emotions": "[calm]", "visibility": "public"}, f"Day {day}.\n")
        for day in (1, 2)})


def stages(output: str) -> set[str]:
    """Return the stages a --profile build printed."""
    return {line.split()[0] for line in output.splitlines() if line.startswith("  ") and line.rstrip().endswith("s")}


def routed_journal(make_site) -> Path:
    """Return a freshly written site of two entries, one with a GPX recording beside it."""
    from tests.test_route_privacy import gpx, out_and_back

    root = journal(make_site)
    (root / "content/2026/loop.gpx").write_text(gpx(out_and_back(0.5, 0.3)), "utf-8")
    path = root / "content/2026/03-02-run.md"
    path.write_text(path.read_text("utf-8").replace("visibility: public", "visibility: public\nroute: loop.gpx", 1),
                    "utf-8")
    return root



@pytest.mark.parametrize("site", [journal, routed_journal], ids=["entries", "a recording"])
@pytest.mark.parametrize("audience", [["--journal"], []], ids=["journal", "public"])
def test_the_build_after_a_build_of_fresh_files_is_a_no_op(make_site, run_cli, short_window, audience, site) -> None:
    """Files under content/ that are not entries (a recording) settle too: they are held to the bytes the scan read."""
    root = site(make_site)
    first = run_cli("build", *audience, "--site", str(root), "--profile")
    assert first.exit_code == 0, first.output
    assert "templates" in stages(first.output) and ("routes" in stages(first.output) or site is journal)
    again = run_cli("build", *audience, "--site", str(root), "--profile")
    assert again.exit_code == 0, again.output
    assert not stages(again.output) & {"templates", "entries", "routes"}, again.output


def build_changing(root: Path, run_cli, monkeypatch: pytest.MonkeyPatch, path: Path,
                   change: Callable[[str], str]) -> str:
    """Build once while `path` changes (and settles) near the build's end, then again; return the second output."""
    real = builder.Builder._full_build

    def changed_meanwhile(self, *args, **kwargs):
        real(self, *args, **kwargs)
        path.write_text(change(path.read_text("utf-8")), "utf-8")
        time.sleep(WINDOW_NS / 1e9 + 0.1)  # and settled before the build's end

    monkeypatch.setattr(builder.Builder, "_full_build", changed_meanwhile)
    first = run_cli("build", "--journal", "--site", str(root))
    assert first.exit_code == 0, first.output
    monkeypatch.setattr(builder.Builder, "_full_build", real)
    time.sleep(WINDOW_NS / 1e9 + 0.1)  # the change has settled: only the build's own note can tell it
    again = run_cli("build", "--journal", "--site", str(root), "--profile")
    assert again.exit_code == 0, again.output
    return again.output


def test_an_entry_written_during_the_build_is_built_next_time(make_site, run_cli, short_window,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = journal(make_site)
    build_changing(root, run_cli, monkeypatch, root / "content/2026/03-01-run.md",
                   lambda text: text.replace("Day 1.", "Day 1, written while it built."))
    page = root / "output/journal/2026/03/01/run-1/index.html"
    assert "written while it built" in page.read_text("utf-8")


def test_settings_changed_during_the_build_are_built_next_time(make_site, run_cli, short_window,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = journal(make_site)
    output = build_changing(root, run_cli, monkeypatch, root / "site.toml",
                            lambda text: text + "\n# changed while it built\n")
    assert "templates" in stages(output)  # not taken for a no-op: a setting file changed


def test_a_recording_written_during_the_build_is_built_next_time(make_site, run_cli, short_window,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_route_privacy import gpx, out_and_back

    root = routed_journal(make_site)
    other = gpx(out_and_back(2.5, 0.6, out=1500.0))
    output = build_changing(root, run_cli, monkeypatch, root / "content/2026/loop.gpx", lambda text: other)
    assert "routes" in stages(output)  # not taken for a no-op: the recording changed
    page = (root / "output/journal/2026/03/02/run-2/index.html").read_text("utf-8")
    assert page.count("<svg") >= 1
