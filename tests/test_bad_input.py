"""Bad input: each kind is reported with file and line, exit 1, and the last good output kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SITE_TOML, entry, snapshot

GOOD = entry("""
    title: A good run
    date: 2026-03-14
    visibility: public
    """)


def build_then_break(make_site, run_cli, relpath: str, content: str | bytes) -> tuple[Path, object]:
    """Build a good site, add a broken file, build again; return the site and the second result."""
    site = make_site({"content/good.md": GOOD})
    assert run_cli("build", "--site", str(site)).exit_code == 0
    target = site / relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, "utf-8")
    return site, run_cli("build", "--site", str(site))


CASES = {
    "invalid-yaml": ("content/bad.md", "---\ntitle: ok\ndate: 2026-03-14\nemotions: [calm\n---\nBody\n", 4, "opens a list with [ that is never closed with ]"),
    "missing-date": ("content/bad.md", "---\ntitle: No date\nvisibility: public\n---\nBody\n", 2, "no `date`"),
    "bad-date": ("content/bad.md", "---\ntitle: x\nvisibility: public\ndate: 2026-13-45\n---\n", 4, "there is no month 13"),
    "bad-distance": ("content/bad.md", "---\ndate: 2026-03-14\ndistance: far\n---\n", 3, "cannot read distance"),
    "bad-duration": ("content/bad.md", "---\ndate: 2026-03-14\ntags: [a]\nduration: 45:99\n---\n", 4, "duration"),
    "mood-out-of-range": ("content/bad.md", "---\ndate: 2026-03-14\nmood_before: 7\n---\n", 3, "mood must be"),
    "bad-visibility": ("content/bad.md", "---\ndate: 2026-03-14\nvisibility: secret\n---\n", 3, "visibility"),
    "bad-slug": ("content/bad.md", "---\ndate: 2026-03-14\nslug: ../../etc\n---\n", 3, "slug"),
    "unclosed-front-matter": ("content/bad.md", "---\ntitle: x\ndate: 2026-03-14\n\nBody\n", 1, "never closed"),
    "crlf-bad-mood": ("content/bad.md", "---\r\ntitle: x\r\ndate: 2026-03-14\r\nmood_before: 9\r\n---\r\n", 4, "mood must be"),
    "no-front-matter": ("content/bad.md", "Just some words\n", 1, "no front matter"),
    "not-utf8": ("content/bad.md", b"---\ndate: 2026-03-14\ntitle: caf\xe9\n---\n", 3, "not UTF-8"),
    "emotions-not-a-list": ("content/bad.md", "---\ndate: 2026-03-14\nemotions: {a: 1}\n---\n", 3, "must be a list"),
    "duplicate-url": ("content/dup.md", entry("title: A good run\ndate: 2026-03-14\nvisibility: public"), 2,
                      "already used by good.md"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_entry_is_reported_with_file_and_line(make_site, run_cli, case) -> None:
    relpath, content, line, words = case
    site, _ = build_then_break(make_site, run_cli, "content/keep.md", GOOD.replace("good run", "kept run"))
    before = snapshot(site / "output/public")
    broken = site / relpath
    broken.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 1
    assert f"{relpath.removeprefix('')}:{line}:" in result.output.replace("\\", "/"), result.output
    assert words in result.output
    assert "Traceback" not in result.output
    assert snapshot(site / "output/public") == before


def test_unknown_key_is_a_warning_naming_the_closest_key(make_site, run_cli) -> None:
    site = make_site({"content/a.md": "---\ndate: 2026-03-14\nemotoins: [calm]\nvisibility: public\n---\nx\n"})
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 0
    assert "content/a.md:3:" in result.output and "unknown field `emotoins`" in result.output
    assert "did you mean `emotions`?" in result.output


def test_every_problem_is_reported_at_once(make_site, run_cli) -> None:
    site = make_site({
        "content/a.md": "---\ndate: 2026-03-14\ndistance: far\nmood_after: 9\n---\n",
        "content/b.md": "---\ndate: never\n---\n",
    })
    result = run_cli("check", "--site", str(site))
    assert result.exit_code == 1
    assert "content/a.md:3:" in result.output and "content/a.md:4:" in result.output
    assert "content/b.md:2:" in result.output
    assert "Found 3 errors." in result.output


@pytest.mark.parametrize("toml, line, words", [
    ('title = "x"\ntimezone = "Mars/Olympus"\n', 2, "unknown time zone"),
    ('title = "x"\nunits = "furlongs"\n', 2, "`units` must be"),
    ('title = "x"\nper_page = "ten"\n', 2, "`per_page` must be a whole number"),
    ('title = "x"\npermalink = "/{year}/{nope}/"\n', 2, "unknown field"),
    ('title = "x"\nbase_url = [\n', 2, "not valid TOML"),
    ('author = "x"\n', None, "no `title`"),
])
def test_bad_config_is_reported(make_site, run_cli, toml: str, line: int | None, words: str) -> None:
    site = make_site({"content/good.md": GOOD})
    assert run_cli("build", "--site", str(site)).exit_code == 0
    before = snapshot(site / "output/public")
    (site / "site.toml").write_text(toml, "utf-8")
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 1
    assert (f"site.toml:{line}:" if line else "site.toml:") in result.output
    assert words in result.output
    assert snapshot(site / "output/public") == before


def test_unknown_config_key_suggests_the_closest(make_site, run_cli) -> None:
    site = make_site({"content/good.md": GOOD}, SITE_TOML + 'hashtg = "x"\n')
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 0
    assert "unknown setting `hashtg`" in result.output and "did you mean `hashtag`?" in result.output


def test_missing_site_toml(tmp_path: Path, run_cli) -> None:
    result = run_cli("build", "--site", str(tmp_path))
    assert result.exit_code == 1
    assert "no site.toml" in result.output


def test_broken_template_is_reported_and_output_kept(make_site, run_cli) -> None:
    site = make_site({"content/good.md": GOOD})
    assert run_cli("build", "--site", str(site)).exit_code == 0
    before = snapshot(site / "output/public")
    (site / "templates").mkdir()
    (site / "templates/entry.html").write_text('{% extends "base.html" %}\n{% block main %}{{ post.nope }}{% endblock %}\n')
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 1
    assert "templates/entry.html:2:" in result.output.replace("\\", "/")
    assert snapshot(site / "output/public") == before


def test_usage_error_exits_2(run_cli) -> None:
    assert run_cli("build", "--no-such-flag").exit_code == 2
