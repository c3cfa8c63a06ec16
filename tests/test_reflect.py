"""`footfall reflect` and `footfall new`: questions through a real terminal and answers as options;
only missing fields are written, every other byte stays."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pexpect
import pytest
from click.testing import Result

from tests.conftest import SITE_TOML

WRITTEN = (
    "---\n"
    "title: Along the canal   # a title I like\n"
    "date: 2026-03-14T07:10:00\n"
    "distance: 8.2 km\n"
    "# how it felt\n"
    "emotions: []         # the feelings you named\n"
    "mood_before: 2\n"
    "mood_after:\n"
    "tags: [easy]\n"
    "visibility: private  # private | unlisted | public\n"
    "---\n"
    "The water was still.\n"
)
OLDER = "---\ntitle: Older\ndate: 2026-03-01\n---\nOlder run.\n"


def spawn(args: list[str], root: Path) -> pexpect.spawn:
    """Start `footfall ARGS` in a pseudo-terminal in the site folder."""
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "COLUMNS": "120", "LINES": "40"}
    return pexpect.spawn(sys.executable, ["-m", "generator", *args], cwd=str(root), env=env, encoding="utf-8",
                         timeout=30, dimensions=(40, 120))


def finish(child: pexpect.spawn) -> int:
    """Wait for the command to end; return its exit code."""
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus is not None
    return child.exitstatus


@pytest.fixture
def site(make_site: Callable[..., Path]) -> Path:
    """Return a site with an entry written by hand (comments, an empty list, a bare key) and an older one."""
    return make_site({"content/2026/canal.md": WRITTEN, "content/2026/older.md": OLDER})


def test_options_fill_only_missing_fields_and_keep_every_other_byte(site: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("reflect", "--emotions", "calm, tired", "--mood-before", "5", "--mood-after", "4",
                     "--body-scan", "tight calves: left more", "--thoughts", "Worry, planning",
                     "--write", "It helped to stop.", "--no-input", "--site", str(site))
    assert result.exit_code == 0, result.output
    expected = WRITTEN.replace("emotions: []         #", "emotions: [calm, tired] #") \
        .replace("mood_after:\n", "mood_after: 4\n") \
        .replace("visibility: private  # private | unlisted | public\n",
                 "visibility: private  # private | unlisted | public\n"
                 'body_scan: "tight calves: left more"\nthoughts: [worry, planning]\n') \
        + "\nIt helped to stop.\n"
    assert (site / "content/2026/canal.md").read_text("utf-8") == expected
    assert (site / "content/2026/older.md").read_text("utf-8") == OLDER  # the newest entry is the default
    assert "mood before" in result.output  # given but kept: it was filled in already
    built = run_cli("build", "--journal", "--site", str(site))
    assert built.exit_code == 0, built.output


def test_nothing_given_writes_nothing(site: Path, run_cli: Callable[..., Result]) -> None:
    before = (site / "content/2026/canal.md").read_bytes()
    result = run_cli("reflect", "content/2026/canal.md", "--no-input", "--site", str(site))
    assert result.exit_code == 0, result.output
    assert (site / "content/2026/canal.md").read_bytes() == before


def test_crlf_and_a_byte_order_mark_are_kept(make_site: Callable[..., Path], run_cli: Callable[..., Result]) -> None:
    raw = b"\xef\xbb\xbf" + WRITTEN.replace("\n", "\r\n").encode("utf-8")
    root = make_site({"content/canal.md": raw})
    result = run_cli("reflect", "canal.md", "--mood-after", "3", "--write", "Two\nlines", "--no-input", "--site", str(root))
    assert result.exit_code == 0, result.output
    after = (root / "content/canal.md").read_bytes()
    assert after == raw.replace(b"mood_after:\r\n", b"mood_after: 3\r\n") + b"\r\nTwo\r\nlines\r\n"


def test_a_named_entry_that_does_not_exist_is_an_error(site: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("reflect", "nowhere.md", "--no-input", "--site", str(site))
    assert result.exit_code == 1
    assert "no such entry" in result.output


def test_a_file_without_front_matter_is_left_alone(make_site: Callable[..., Path], run_cli: Callable[..., Result]) -> None:
    root = make_site({"content/notes.md": "Just words.\n"})
    result = run_cli("reflect", "notes.md", "--mood-after", "3", "--no-input", "--site", str(root))
    assert result.exit_code == 1
    assert "front matter" in result.output
    assert (root / "content/notes.md").read_text("utf-8") == "Just words.\n"


def test_questions_through_a_terminal(site: Path) -> None:
    child = spawn(["reflect"], site)
    child.expect("Which emotions came up")
    child.send("cal")
    child.expect("calm")  # suggested while typing
    child.send("m, tired\r")
    child.expect("mood after the run")
    child.send("9\r")
    child.expect("from 1 \\(low\\) to 5")  # asked again
    child.send("4\r")
    child.expect("body scan")
    child.send("\r")  # skipped
    child.expect("kinds of thought")
    child.send("worry\r")
    child.expect("write about the run")
    child.send("First line\r")
    child.send("Second line\r")
    child.send("\r")
    assert finish(child) == 0
    text = (site / "content/2026/canal.md").read_text("utf-8")
    assert "emotions: [calm, tired] # the feelings you named\n" in text
    assert "mood_after: 4\n" in text and "mood_before: 2\n" in text
    assert "body_scan" not in text
    assert "thoughts: [worry]\n" in text
    assert text.endswith("The water was still.\n\nFirst line\nSecond line\n")


def test_prompts_take_the_sites_wording(make_site: Callable[..., Path]) -> None:
    toml = SITE_TOML + '\n[prompts]\nemotions = "What did you feel out there?"\nintention = "What will you carry?"\n'
    root = make_site({"content/2026/canal.md": WRITTEN}, toml)
    child = spawn(["reflect", "--mood-after", "3", "--thoughts", "memory", "--body-scan", "easy", "--write", "ok"], root)
    child.expect("What did you feel out there")
    child.send("grief\r")
    assert finish(child) == 0
    assert "emotions: [grief]" in (root / "content/2026/canal.md").read_text("utf-8")
    child = spawn(["new", "Evening loop"], root)
    child.expect("What will you carry")
    child.send("Let it be slow\r")
    assert finish(child) == 0
    made = next((root / "content").rglob("*evening-loop.md")).read_text("utf-8")
    assert "intention: 'Let it be slow'" in made


def test_ctrl_c_writes_nothing(site: Path) -> None:
    before = (site / "content/2026/canal.md").read_bytes()
    child = spawn(["reflect"], site)
    child.expect("Which emotions came up")
    child.sendintr()
    assert finish(child) == 1
    assert (site / "content/2026/canal.md").read_bytes() == before


def test_init_writes_a_help_page_to_adapt(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("init", str(tmp_path / "new"))
    assert result.exit_code == 0, result.output
    help_page = (tmp_path / "new" / "content" / "pages" / "help.md").read_text("utf-8")
    assert "slug: help" in help_page and "your country" in help_page
    built = run_cli("build", "--journal", "--site", str(tmp_path / "new"))
    assert built.exit_code == 0, built.output
    assert (tmp_path / "new" / "output" / "journal" / "help" / "index.html").is_file()
