"""Front matter given a key twice is an error naming both lines; `check` and `build` agree on every input, without a traceback."""

from __future__ import annotations

import pytest

from tests.attacks.content_scan import PUBLIC_SITE_TOML, assert_absent, build

LONG = "w" * 300


def entry_text(front: str, body: str = "A run.\n") -> str:
    """Return an entry file from raw front matter lines."""
    return f"---\n{front}---\n{body}"


DUPLICATES = {
    "plain lines": ("date: 2026-03-14\nvisibility: private\ntitle: Hush\nvisibility: public\n", "visibility", 3, 5),
    "quoted and commented": ("date: 2026-03-14\nvisibility: 'private' # mine\ntitle: Hush\n\"visibility\": public\n",
                             "visibility", 3, 5),
    "block style": ("date: 2026-03-14\ntags:\n  - a\ntitle: x\ntags: [b]\nvisibility: public\n", "tags", 3, 6),
    "date twice": ("date: 2026-03-14\ndate: 2026-03-15\n", "date", 2, 3),
}


@pytest.mark.parametrize("name", DUPLICATES)
def test_a_key_given_twice_is_an_error_naming_both_lines(make_site, run_cli, name: str) -> None:
    front, key, first, second = DUPLICATES[name]
    site = make_site({"content/dup.md": entry_text(front)}, PUBLIC_SITE_TOML)
    for command in ("check", "build"):
        result = run_cli(command, "--site", str(site))
        assert result.exit_code == 1, result.output
        message = " ".join(result.output.split())
        assert f"dup.md:{second}" in message
        assert f"`{key}` is given twice in the front matter, on lines {first} and {second}" in message


def test_a_private_entry_made_public_by_a_second_key_is_not_published(make_site, run_cli) -> None:
    site = make_site({"content/ok.md": entry_text("date: 2026-03-01\nvisibility: public\n"),
                      "content/dup.md": entry_text("title: Quimbleworth\ndate: 2026-03-14\nvisibility: private\n"
                                                   "visibility: public\n", "The ostrander secret.\n")},
                     PUBLIC_SITE_TOML)
    assert run_cli("build", "--site", str(site)).exit_code == 1
    assert not (site / "output" / "public").exists()


BAD = {
    "emotion of 300 characters": f"emotions: [{LONG}]\n",
    "tag of 300 characters": f"tags: [{LONG}]\n",
    "slug of 300 characters": f"slug: {LONG}\n",
    "year 9999": "date: 9999-12-31\n",
    "year 1": "date: 0001-01-01\n",
    "timestamp tag": "date: !!timestamp 9999-12-31T23:59:59\n",
    "distance ._": "distance: ._\n",
    "distance 1_._": "distance: 1_._\n",
    "distance huge": "distance: 1e400\n",
    "distance inf": "distance: !!float .inf\n",
    "distance nan": "distance: .nan\n",
    "distance negative": "distance: -5\n",
    "distance list": "distance: [5, km]\n",
    "duration negative": "duration: -10\n",
    "duration huge clock": "duration: \"99999999999:00:00\"\n",
    "duration huge words": "duration: 99999999999 h\n",
    "duration nan": "duration: !!float nan\n",
    "duration table": "duration: {h: 1}\n",
    "mood huge": "mood_before: 99999999999999999999999\n",
    "mood list": "mood_after: [3]\n",
    "title list": "title: [a, b]\n",
    "intention table": "intention: {a: b}\n",
    "visibility list": "visibility: [public]\n",
    "visibility number": "visibility: 1\n",
    "date list": "date: [2026, 3, 14]\n",
    "date impossible": "date: 2026-02-30\n",
    "date hour 25": "date: 2026-03-14T25:00:00\n",
    "date zone": "date: 2026-03-14T07:00:00+25:00\n",
    "emotions nested": "emotions: [[grief]]\n",
    "tags table": "tags: {a: 1}\n",
    "python tag": "title: !!python/object:os.system ls\n",
    "deep nesting": "tags: " + "[" * 3000 + "]" * 3000 + "\n",
    "alias bomb": "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                  "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\ntags: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
    "key that is a list": "[a, b]: c\n",
    "not a mapping": "- a\n- b\n",
}


@pytest.mark.parametrize("name", BAD)
def test_check_and_build_agree_without_a_traceback(make_site, run_cli, name: str) -> None:
    front = BAD[name]
    if not front.startswith("date:"):
        front = "date: 2026-03-14\n" + front if "date" not in front else front
    site = make_site({"content/ok.md": entry_text("date: 2026-03-01\n"),
                      "content/bad.md": entry_text(front + "visibility: public\n" if "visibility" not in front else front)},
                     PUBLIC_SITE_TOML)
    checked = run_cli("check", "--site", str(site))
    built = run_cli("build", "--site", str(site))
    assert checked.exit_code == built.exit_code == 1, (checked.output, built.output)
    assert "bad.md" in checked.output and "bad.md" in built.output
    assert "Traceback" not in checked.output + built.output


GOOD = {
    "title of 3000 characters": "title: " + "Long " * 600 + "\n",
    "year 1900 and 2999": "date: 2999-12-31T23:59:59-12:00\n",
    "distance with spaces": "distance: \"  8.2    km  \"\n",
    "emotion of 60 characters": f"emotions: [{'e' * 60}]\n",
    "two tags one slug": "tags: [Trail!, trail, TRAIL]\n",
    "unicode title": "title: Ünïcödé ☃ run\n",
}


@pytest.mark.parametrize("name", GOOD)
def test_odd_but_valid_front_matter_checks_and_builds(make_site, run_cli, name: str) -> None:
    front = GOOD[name]
    if not front.startswith("date:"):
        front = "date: 2026-03-14\n" + front
    site = make_site({"content/a.md": entry_text("date: 1900-01-01\n"), "content/b.md": entry_text(front)},
                     PUBLIC_SITE_TOML)
    checked = run_cli("check", "--site", str(site))
    assert checked.exit_code == 0, checked.output
    build(run_cli, site)


def test_two_entries_claiming_one_url_fail_check_and_build(make_site, run_cli) -> None:
    site = make_site({"content/a.md": entry_text("date: 2026-03-14\ntitle: Same\n"),
                      "content/b.md": entry_text("date: 2026-03-14T18:00:00\nslug: same\n")}, PUBLIC_SITE_TOML)
    for command in ("check", "build"):
        result = run_cli(command, "--site", str(site))
        assert result.exit_code == 1 and "already used by" in result.output


def test_comments_in_front_matter_text_never_reach_the_public_site(make_site, run_cli) -> None:
    site = make_site({"content/a.md": entry_text(
        "date: 2026-03-14\ntitle: Up <!-- brackenthwaite --> hill\nsummary: \"Fine <!-- loweswater\"\n"
        "intention: Calm <!-- crummockdale -->\n")}, PUBLIC_SITE_TOML)
    assert_absent(build(run_cli, site), ["brackenthwaite", "loweswater", "crummockdale"])
