"""A new writer's path: init, new (with --date), placeholders that build warns about and publish refuses."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from tests.conftest import SITE_TOML, entry, html


def test_init_writes_a_private_starter_and_build_warns_about_the_example_address(run_cli, tmp_path: Path) -> None:
    site = tmp_path / "journal"
    made = run_cli("init", str(site))
    assert made.exit_code == 0, made.output
    starter = site / "content/2026/2026-01-01-first-steps.md"
    assert "visibility: private" in starter.read_text("utf-8")
    built = run_cli("build", "--site", str(site))
    assert built.exit_code == 0, built.output
    assert "`base_url` is still the example address https://example.org/" in built.output
    assert 'base_url = "https://yourname.github.io/runs/"' in built.output
    assert not (site / "output/public/2026/01/01").exists()
    assert built.output.rstrip().endswith(f"View it with: footfall serve --public --site {site}")


def test_publish_refuses_an_example_address(run_cli, tmp_path: Path) -> None:
    site = tmp_path / "journal"
    assert run_cli("init", str(site)).exit_code == 0
    target = tmp_path / "www"
    refused = run_cli("publish", "--to", str(target), "--site", str(site))
    assert refused.exit_code == 1
    assert "`base_url` is still the example address" in refused.output and "Nothing was published." in refused.output
    assert not target.exists()
    toml = site / "site.toml"
    toml.write_text(toml.read_text("utf-8").replace("https://example.org/", "https://runs.footfall.test/"), "utf-8")
    published = run_cli("publish", "--to", str(target), "--site", str(site))
    assert published.exit_code == 0, published.output


def test_a_missing_base_url_is_a_warning_too(make_site, run_cli) -> None:
    site = make_site({}, 'title = "T"\n')
    built = run_cli("build", "--site", str(site))
    assert built.exit_code == 0 and "`base_url` is missing" in built.output


def test_template_text_in_a_shared_story_is_refused(make_site, run_cli, tmp_path: Path) -> None:
    site = make_site({}, SITE_TOML.replace("runs.example.org", "runs.footfall.test"))
    created = run_cli("new", "Hill repeats", "--intention", "", "--date", "2026-11-01T07:10", "--site", str(site))
    assert created.exit_code == 0, created.output
    path = site / "content/2026/2026-11-01-hill-repeats.md"
    text = path.read_text("utf-8")
    assert "date: 2026-11-01T07:10:00" in text and "slug: hill-repeats" in text
    path.write_text(text.replace("visibility: private", "visibility: public"), "utf-8")
    built = run_cli("build", "--site", str(site))
    assert built.exit_code == 0
    assert "content/2026/2026-11-01-hill-repeats.md:" in built.output
    assert 'this public story still holds the template text "How did the run go?' in built.output
    refused = run_cli("publish", "--to", str(tmp_path / "www"), "--site", str(site))
    assert refused.exit_code == 1 and "set `visibility: private` until the story is ready" in refused.output
    path.write_text(path.read_text("utf-8").replace("How did the run go? What came up, and what did you notice in "
                                                    "your body and breath?", "Six hills, legs of lead."), "utf-8")
    assert run_cli("publish", "--to", str(tmp_path / "www"), "--site", str(site)).exit_code == 0


def test_new_backdates_and_places_by_date(make_site, run_cli) -> None:
    site = make_site({})
    assert run_cli("new", "Long one", "--intention", "x", "--date", "2026-10-04", "--site", str(site)).exit_code == 0
    path = site / "content/2026/2026-10-04-long-one.md"
    assert "date: 2026-10-04\n" in path.read_text("utf-8")
    assert run_cli("new", "Yesterday's", "--intention", "", "--date", "yesterday", "--site", str(site)).exit_code == 0
    assert list(site.glob("content/*/*-yesterday-s.md"))
    bad = run_cli("new", "Nope", "--intention", "", "--date", "2026-02-30", "--site", str(site))
    assert bad.exit_code == 1 and "--date 2026-11-01T07:10" in bad.output
    checked = run_cli("check", "--site", str(site))
    assert checked.exit_code == 0, checked.output
    assert "Checked 2 entries" in checked.output


def test_list_filters_and_pipes_tab_separated(make_site, run_cli) -> None:
    site = make_site({
        "content/2026/a.md": entry({"title": "Hills", "date": "2026-03-01", "visibility": "public",
                                    "emotions": "[nervous, calm]", "tags": "[trail]", "distance": "13.1 mi"}),
        "content/2026/b.md": entry({"title": "Half", "date": "2026-04-01", "emotions": "[joy]", "distance": "half"}),
        "content/2025/c.md": entry({"title": "Old", "date": "2025-12-01", "emotions": "[anxious]", "draft": "true"}),
    })
    listed = run_cli("list", "--site", str(site))
    assert listed.exit_code == 0
    lines = listed.stdout.splitlines()
    assert lines[0] == "date\ttitle\tvisibility\tdistance\temotions\tfile"
    assert lines[1:] == ["2025-12-01\tOld\tprivate (draft)\t\tanxious\t2025/c.md",
                         "2026-03-01\tHills\tpublic\t13.1 mi\tnervous, calm\t2026/a.md",
                         "2026-04-01\tHalf\tprivate\t21.1 km\tjoy\t2026/b.md"]
    assert [l.split("\t")[1] for l in run_cli("list", "--emotion", "anxious", "--site", str(site)).stdout.splitlines()[1:]] == ["Old", "Hills"]
    assert run_cli("list", "--tag", "Trail", "--site", str(site)).stdout.count("\n") == 2
    assert run_cli("list", "--year", "2025", "--site", str(site)).stdout.splitlines()[1].startswith("2025-12-01")
    assert run_cli("list", "--drafts", "--site", str(site)).stdout.splitlines()[1:] == [
        "2025-12-01\tOld\tprivate (draft)\t\tanxious\t2025/c.md"]
    assert run_cli("list", "--visibility", "public", "--site", str(site)).stdout.count("\n") == 2
    checked = run_cli("check", "--site", str(site))
    assert "Checked 2 entries and 1 draft" in checked.stdout


def test_a_draft_is_in_neither_build(make_site, run_cli) -> None:
    site = make_site({"content/a.md": entry({"title": "Done", "date": "2026-03-01", "visibility": "public"}),
                      "content/b.md": entry({"title": "Halfway", "date": "2026-03-02", "visibility": "public",
                                             "draft": "true"})})
    for args in ((), ("--journal",)):
        result = run_cli("build", *args, "--site", str(site))
        assert result.exit_code == 0
        folder = site / "output" / ("journal" if args else "public")
        assert (folder / "2026/03/01/done/index.html").is_file()
        assert not (folder / "2026/03/02").exists()
        assert "Halfway" not in (folder / "index.html").read_text("utf-8")


def test_serve_drafts_shows_drafts_in_the_journal_only(make_site) -> None:
    from generator.incremental.builder import Builder

    site = make_site({"content/b.md": entry({"title": "Halfway", "date": "2026-03-02", "visibility": "public",
                                             "draft": "true"})})
    journal = Builder(site, "journal", drafts=True).build()
    assert journal.ok and (site / "output/journal/2026/03/02/halfway/index.html").is_file()
    public = Builder(site, "public", drafts=True).build()
    assert public.ok and not (site / "output/public/2026/03/02").exists()
    assert "halfway" not in (site / "published-urls.txt").read_text("utf-8")


def test_a_run_keeps_the_unit_it_was_written_in(make_site, run_cli) -> None:
    site = make_site({
        "content/a.md": entry({"title": "Miles", "date": "2026-03-01", "visibility": "public",
                               "distance": "13.1 mi", "duration": '"1:50:00"'}),
        "content/b.md": entry({"title": "Parkrun", "date": "2026-03-02", "visibility": "public", "distance": "5k"}),
        "content/c.md": entry({"title": "Race", "date": "2026-03-03", "visibility": "public", "distance": "Marathon"}),
        "content/d.md": entry({"title": "Ten", "date": "2026-03-04", "visibility": "public", "distance": "10K"}),
    })
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 0, result.output
    out = site / "output/public"
    miles = html(out / "2026/03/01/miles/index.html").get_text(" ")
    assert "13.1 mi" in miles and "8:24 /mi" in miles and "km" not in miles.split("13.1 mi")[1][:20]
    assert "5 km" in html(out / "2026/03/02/parkrun/index.html").get_text(" ")
    assert "42.2 km" in html(out / "2026/03/03/race/index.html").get_text(" ")
    assert "10 km" in html(out / "2026/03/04/ten/index.html").get_text(" ")
    total = 21.0824064 + 5 + 42.195 + 10
    assert f"{total:.1f} km" in html(out / "index.html").select_one(".stats").get_text()
