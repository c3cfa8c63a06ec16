"""Front matter mistakes answered in plain words, with file, line and the corrected line."""

from __future__ import annotations

import pytest

from tests.conftest import entry

CASES = [
    ("title: Run: the hill\ndate: 2026-03-01",
     "content/a.md:2:", "has a colon inside a value", 'put the value in quotes: title: "Run: the hill"'),
    ("\ttitle: Easy\ndate: 2026-03-01",
     "content/a.md:2:", "has a tab; front matter needs spaces, never tabs", "write it as: title: Easy"),
    ("title: x\nemotions:\n\t- calm\ndate: 2026-03-01",
     "content/a.md:4:", "has a tab", "write it as: - calm"),
    ('title: "Run the hill\ndate: 2026-03-01',
     "content/a.md:2:", "opens a quote that is never closed", 'close the quote at the end of the value: title: "Run the hill"'),
    ("title: x\nemotions: [calm, happy\ndate: 2026-03-01",
     "content/a.md:3:", "opens a list with [ that is never closed with ]", "close the list: emotions: [calm, happy]"),
    ("title: x\ndate: 2026-02-30",
     "content/a.md:3:", "the date 2026-02-30 does not exist: February 2026 has 28 days", "`date: 2026-02-28`"),
    ("title: x\ndate: 2026-13-01",
     "content/a.md:3:", "there is no month 13", "date:"),
]


@pytest.mark.parametrize(("front", "where", "message", "fix"), CASES)
def test_a_mistake_is_named_with_its_line_and_the_fix(make_site, run_cli, front, where, message, fix) -> None:
    site = make_site({"content/a.md": f"---\n{front}\n---\nA run.\n"})
    result = run_cli("check", "--site", str(site))
    assert result.exit_code == 1
    assert where in result.stdout and message in result.stdout and fix in result.stdout, result.stdout
    for yaml_words in ("mapping values", "cannot start any token", "end of stream", "flow sequence"):
        assert yaml_words not in result.stdout
    assert "Nothing was written" not in result.stdout


def test_a_list_written_as_a_sentence_is_read_and_warned_about(make_site, run_cli) -> None:
    site = make_site({"content/a.md": entry({"title": "x", "date": "2026-03-01", "emotions": "calm and happy"})})
    result = run_cli("check", "--site", str(site))
    assert result.exit_code == 0
    assert "`emotions` reads like a sentence" in result.stdout
    assert "write it as: emotions: [calm, happy]" in result.stdout


def test_a_file_name_date_that_disagrees_is_a_warning(make_site, run_cli) -> None:
    site = make_site({"content/2026-03-14-hill.md": entry({"title": "Hill", "date": "2026-03-15"})})
    result = run_cli("check", "--site", str(site))
    assert result.exit_code == 0
    assert "content/2026-03-14-hill.md:3: the file name says 2026-03-14 but `date:` says 2026-03-15" in result.stdout
    assert "rename the file to 2026-03-15-hill.md" in result.stdout
