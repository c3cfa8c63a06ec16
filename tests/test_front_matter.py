"""The quick front matter reader gives exactly what YAML gives, or leaves the text to YAML."""

from __future__ import annotations

import random
from typing import Any

import pytest
import yaml

from generator.pipeline.entries import _Loader
from generator.pipeline.front_matter import QuickLoader

from tests.conftest import entry, html

#: Values after `key:`, plain and tricky: typed scalars, quotes, lists, indicators, comments, odd spaces.
VALUES = [
    "", " ", "calm", "Morning run", "Hello, world", "It's fine", "say \"hi\"", "10.2 km", "29.4 km", "4", "+4",
    "-4", "0", "007", "1_000", "1.5", ".5", "1.", "1.5e+3", "1e3", ".inf", ".NaN", "yes", "No", "ON", "off",
    "true", "False", "null", "Null", "~", "=", "<<", "2026-03-14", "2026-03-14T07:10:00+01:00",
    "2026-03-14 07:10", "3:14:50", "58:30", "1:00:00", "\"3:14:50\"", "'58:30'", "''", "\"\"", "'It''s'",
    "\"a\\tb\"", "\"unclosed", "'unclosed", "\"a\" b", "[]", "[ ]", "[calm]", "[calm, sad]", "[ calm , sad ]",
    "[grief, \"self doubt\"]", "['a', b]", "[a, b,]", "[, a]", "[1, 2.5, yes, null, ~]", "[a: b]", "[[a]]",
    "[a, [b]]", "[a", "a]", "{a: b}", "{}", "- a", "-", "? a", ": a", "a: b", "a:", "a:b", "http://x.org/a",
    "C# notes", "a # comment", "#", "&anchor a", "*alias", "!tag a", "!!str 4", "|", ">", "%", "@a", "`a`",
    "café ☕", "日本", "a\u00a0b", "a\u2028b", "\ufeffa", "trailing   ", "tab\there", "x\ry",
]
KEYS = ["title", "date", "emotions", "tags", "mood_before", "a-b", "_x", "yes", "null", "on", "1", "~", "key "]


def yaml_load(text: str) -> Any:
    """Return what the front matter loader itself makes of a text (an exception counts as a result)."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        return exc


def same(quick: Any, full: Any) -> bool:
    """Return True when two loaded values are equal, with the same types all the way down."""
    if type(quick) is not type(full):
        return False
    if isinstance(quick, dict):
        return list(quick) == list(full) and all(same(quick[k], full[k]) for k in quick)
    if isinstance(quick, list):
        return len(quick) == len(full) and all(same(a, b) for a, b in zip(quick, full))
    return quick == full


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("key", KEYS)
def test_each_line_reads_as_yaml_reads_it(key: str, value: str) -> None:
    text = f"\ntitle: A run\n{key}: {value}\nmood_after: 4\n"
    quick = QuickLoader(_Loader.yaml_implicit_resolvers).load(text)
    assert quick is None or same(quick, yaml_load(text)), text


def test_random_front_matter_reads_as_yaml_reads_it() -> None:
    chance = random.Random(7)
    reader = QuickLoader(_Loader.yaml_implicit_resolvers)  # one reader throughout: its memory is tested too
    read_quickly = 0
    for _ in range(3000):
        lines = [f"{chance.choice(KEYS[:7])}: {chance.choice(VALUES)}" for _ in range(chance.randint(1, 8))]
        lines.insert(chance.randint(0, len(lines)), chance.choice(["", "   ", "  indented: x", "#c", "..."]))
        text = "\n" + "\n".join(lines) + "\n"
        quick = reader.load(text)
        if quick is not None:
            read_quickly += 1
            assert same(quick, yaml_load(text)), text
    assert read_quickly > 100  # the plain shapes are common enough that the quick path is exercised


def test_a_journal_entry_front_matter_is_read_quickly() -> None:
    text = ("\ntitle: Strange intervals\ndate: 2012-10-22T07:16:00+01:00\ndistance: 29.4 km\n"
            "duration: \"3:14:50\"\nintention: Listen to the body\nemotions: [calm, grief]\nmood_before: 4\n"
            "mood_after: 5\ntags: [solo]\nvisibility: public\nslug: strange-intervals\n")
    quick = QuickLoader(_Loader.yaml_implicit_resolvers).load(text)
    assert quick is not None and same(quick, yaml_load(text))


def test_entries_build_alike_whichever_reader_reads_them(make_site, run_cli) -> None:
    plain = "title: Hill repeats\ndate: 2026-03-14\nemotions: [calm, sad]\ntags: [on, hills, 7]\nintention: 1.5\n"
    tricky = ("title: Hill repeats  # a comment: YAML reads this one\ndate: 2026-03-14\nemotions: [calm, sad]\n"
              "tags:\n  - on\n  - hills\n  - 7\nintention: 1.5\n")
    assert QuickLoader(_Loader.yaml_implicit_resolvers).load("\n" + plain) is not None
    assert QuickLoader(_Loader.yaml_implicit_resolvers).load("\n" + tricky) is None
    seen = []
    for front in (plain, tricky):
        site = make_site({"content/2026/run.md": entry(front)})
        result = run_cli("build", "--journal", "--site", str(site))
        assert result.exit_code == 0, result.output
        page = html(site / "output/journal/2026/03/14/hill-repeats/index.html")
        seen.append((page.select_one("h1").get_text(strip=True), page.get_text(" ", strip=True),
                     sorted(a["href"] for a in page.select("a[href*='tags/'], a[href*='emotions/']"))))
    assert seen[0] == seen[1]
    title, text, links = seen[0]
    assert title.startswith("Hill repeats") and "1.5" in text
    assert any("tags/true/" in link for link in links) and any("tags/7/" in link for link in links)
