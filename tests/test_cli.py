"""The CLI's own commands: new, init, check, and reproducible builds."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import entry, snapshot


def test_init_makes_a_site_that_builds(tmp_path: Path, run_cli) -> None:
    result = run_cli("init", str(tmp_path / "j"), "--title", "My Miles")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "j/output/public/index.html").is_file()
    assert "My Miles" in (tmp_path / "j/output/public/index.html").read_text()
    again = run_cli("init", str(tmp_path / "j"))
    assert again.exit_code == 1 and "already exists" in again.output


def test_new_writes_an_entry_and_never_overwrites(tmp_path: Path, run_cli) -> None:
    built = run_cli("init", str(tmp_path / "j"))
    assert built.exit_code == 0, built.output
    first = run_cli("new", "Rainy tempo", "--intention", "Stay with the breath", "--site", str(tmp_path / "j"))
    assert first.exit_code == 0, first.output
    created = list((tmp_path / "j/content").rglob("*rainy-tempo.md"))
    assert len(created) == 1
    text = created[0].read_text()
    assert "title: 'Rainy tempo'" in text and "intention: 'Stay with the breath'" in text
    created[0].write_text(text + "\nMy words.\n")
    second = run_cli("new", "Rainy tempo", "--site", str(tmp_path / "j"))
    assert second.exit_code == 1 and "already exists" in second.output
    assert created[0].read_text().endswith("My words.\n")
    assert run_cli("check", "--site", str(tmp_path / "j")).exit_code == 0


def test_builds_are_reproducible(make_site, run_cli) -> None:
    site = make_site({"content/a.md": entry("title: One\ndate: 2026-03-14\nvisibility: public\nemotions: [calm]")})
    built = run_cli("build", "--site", str(site))
    assert built.exit_code == 0, built.output
    first = snapshot(site / "output/public")
    for path in (site / "output").rglob("*"):
        if path.is_file():
            path.unlink()
    built = run_cli("build", "--site", str(site))
    assert built.exit_code == 0, built.output
    assert snapshot(site / "output/public") == first


def test_stale_files_disappear_and_unchanged_files_keep_their_times(make_site, run_cli) -> None:
    site = make_site({
        "content/a.md": entry("title: One\ndate: 2026-03-14\nvisibility: public"),
        "content/b.md": entry("title: Two\ndate: 2026-03-15\nvisibility: public"),
        "content/c.md": entry("title: Three\ndate: 2026-03-16\nvisibility: public"),
    })
    built = run_cli("build", "--site", str(site))
    assert built.exit_code == 0, built.output
    out = site / "output/public"
    kept = out / "2026/03/14/one/index.html"
    mtime = kept.stat().st_mtime_ns
    (site / "content/c.md").write_text(entry("title: Three\ndate: 2026-03-16\nvisibility: private"))
    built = run_cli("build", "--site", str(site))
    assert built.exit_code == 0, built.output
    assert not (out / "2026/03/16/three").exists()
    assert kept.stat().st_mtime_ns == mtime


def test_build_never_writes_into_content(make_site, run_cli) -> None:
    site = make_site({"content/a.md": entry("title: One\ndate: 2026-03-14\nvisibility: public")})
    before = snapshot(site / "content")
    built = run_cli("build", "--site", str(site))
    assert built.exit_code == 0, built.output
    built = run_cli("build", "--journal", "--site", str(site))
    assert built.exit_code == 0, built.output
    assert snapshot(site / "content") == before


def test_date_only_entries_belong_to_their_day_in_the_site_zone(make_site, run_cli) -> None:
    toml = 'title = "T"\ntimezone = "Pacific/Auckland"\n'
    site = make_site({"content/a.md": entry("title: Late\ndate: 2026-03-14\nvisibility: public")}, toml)
    built = run_cli("build", "--site", str(site))
    assert built.exit_code == 0, built.output
    assert (site / "output/public/2026/03/14/late/index.html").is_file()


def test_future_entries_are_built(make_site, run_cli) -> None:
    site = make_site({"content/a.md": entry("title: Someday\ndate: 2099-01-01\nvisibility: public")})
    built = run_cli("build", "--site", str(site))
    assert built.exit_code == 0, built.output
    assert (site / "output/public/2099/01/01/someday/index.html").is_file()


def test_a_build_shows_twenty_warnings_and_check_shows_them_all(make_site, run_cli) -> None:
    files = {f"content/{n:02d}.md": entry(f"title: Run {n}\ndate: 2026-03-{1 + n:02d}\nemotions: [fizzy{n}]")
             for n in range(25)}
    site = make_site(files)
    built = run_cli("build", "--site", str(site))
    assert built.exit_code == 0
    assert built.output.count("does not know the emotion") == 20
    assert "… and 5 more warnings. Run `footfall check` to list them all." in built.output
    checked = run_cli("check", "--site", str(site))
    assert checked.output.count("does not know the emotion") == 25 and "more warning" not in checked.output
