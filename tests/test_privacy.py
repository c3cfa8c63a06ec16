"""Privacy suite: private canaries must never reach any byte or path of the public build."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import entry, html, snapshot

PRIVATE_CANARIES = ["zanzibarquill", "marrowgate", "vellichorpine", "quobblesnout", "thistlewren",
                    "brimbleton", "orrisfalcon", "plumquartzy"]
UNLISTED_ONLY = "lanternmoss"
COMMENT_CANARY = "hushwhistle"
PASSAGE_CANARY = "cinderpatch"
FOOTNOTE_CANARY = "wickerfen"
CAPITAL_FENCE_CANARY = "glimmerstoat"


def jpeg() -> bytes:
    """Return a small JPEG image."""
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def canary_site(make_site) -> Path:
    """Return a site whose private content is full of canary words."""
    return make_site({
        "content/2026/private-run.md": entry(f"""
            title: The zanzibarquill morning
            date: 2026-03-10T07:00:00
            distance: 7.7 km
            duration: "41:00"
            intention: Stop thinking about marrowgate
            emotions: [vellichorpine, grief]
            tags: [quobblesnout]
            summary: thistlewren summary
            visibility: private
            """, "A brimbleton body.\n\n![orrisfalcon](orrisfalcon-photo.jpg)\n"),
        "content/2026/orrisfalcon-photo.jpg": jpeg(),
        "content/2026/default-private.md": entry("""
            title: plumquartzy run
            date: 2026-03-11
            """, "No visibility given, so it stays private.\n"),
        "content/2026/unlisted.md": entry(f"""
            title: A shared-by-link run
            date: 2026-03-12
            emotions: [{UNLISTED_ONLY}]
            tags: [{UNLISTED_ONLY}-tag]
            visibility: unlisted
            """, "Only for the people I send it to.\n"),
        "content/2026/public.md": entry("""
            title: A story to share
            date: 2026-03-13T08:00:00+01:00
            distance: 5 km
            emotions: [Calm, relieved]
            tags: [easy]
            visibility: public
            """, f"""\
            The public part of the story.

            ::: private
            The {PASSAGE_CANARY} passage stays in the journal.
            :::

            <!-- {COMMENT_CANARY} note to self -->

            More public words with an inline <!-- {COMMENT_CANARY} --> comment.
            A public sentence with a note[^n] and another[^p].

            :::: Private
            A capitalised fence keeps {CAPITAL_FENCE_CANARY} private too.

            [^p]: The {FOOTNOTE_CANARY} footnote lives in the private block.
            ::::

            [^n]: A public footnote.
            """),
    })


def all_public_bytes(site: Path) -> dict[str, bytes]:
    """Return every file of the public build."""
    return snapshot(site / "output" / "public")


PUBLIC_STORY_CANARIES = [PASSAGE_CANARY, COMMENT_CANARY, FOOTNOTE_CANARY, CAPITAL_FENCE_CANARY]


@pytest.mark.parametrize("canary", [*PRIVATE_CANARIES, *PUBLIC_STORY_CANARIES])
def test_public_build_holds_no_private_canary(make_site, run_cli, canary: str) -> None:
    site = canary_site(make_site)
    assert run_cli("build", "--site", str(site)).exit_code == 0
    for relpath, data in all_public_bytes(site).items():
        assert canary not in relpath.lower(), relpath
        assert canary.encode() not in data.lower(), relpath


def test_private_distance_and_dates_stay_out_of_totals(make_site, run_cli) -> None:
    site = canary_site(make_site)
    built = run_cli("build", "--site", str(site))
    assert built.exit_code == 0, built.output
    text = b"".join(all_public_bytes(site).values())
    assert b"7.7 km" not in text and b"12.7 km" not in text
    assert b"2026-03-10" not in text and b"2026-03-11" not in text


def test_unlisted_story_has_its_own_page_and_nothing_links_it(make_site, run_cli) -> None:
    site = canary_site(make_site)
    built = run_cli("build", "--site", str(site))
    assert built.exit_code == 0, built.output
    files = all_public_bytes(site)
    unlisted = [p for p, data in files.items() if b"shared-by-link" in data.lower()]
    assert unlisted == ["2026/03/12/a-shared-by-link-run/index.html"]
    page = html(site / "output/public" / unlisted[0])
    assert page.find("meta", attrs={"name": "robots", "content": "noindex"})
    for relpath, data in files.items():
        if relpath != unlisted[0]:
            assert b"a-shared-by-link-run" not in data, relpath
            assert UNLISTED_ONLY.encode() not in data, relpath


def test_journal_build_holds_everything(make_site, run_cli) -> None:
    site = canary_site(make_site)
    assert run_cli("build", "--journal", "--site", str(site)).exit_code == 0
    journal = b"".join(snapshot(site / "output" / "journal").values()).lower()
    for canary in [*PRIVATE_CANARIES, PASSAGE_CANARY, CAPITAL_FENCE_CANARY, FOOTNOTE_CANARY, UNLISTED_ONLY]:
        assert canary.encode() in journal, canary
    assert (site / "output/journal/2026/03/10/the-zanzibarquill-morning/orrisfalcon-photo.jpg").is_file()


def test_public_story_shows_its_public_words(make_site, run_cli) -> None:
    site = canary_site(make_site)
    built = run_cli("build", "--site", str(site))
    assert built.exit_code == 0, built.output
    page = html(site / "output/public/2026/03/13/a-story-to-share/index.html")
    text = page.get_text(" ")
    assert "The public part of the story." in text
    assert "More public words with an inline" in text


#: Ways of writing a private entry's visibility: the first ones are read by the quick front matter
#: reader (generator/pipeline/front_matter.py), the last by YAML (a comment), each with its own canary.
VISIBILITY_SPELLINGS = {'"private"': "fernwhisk", "'Private'": "gorsemantle", "PRIVATE": "nettlebrine",
                        "private  # just for me": "sloeharrow"}


def test_private_entries_stay_out_however_the_visibility_is_written(make_site, run_cli) -> None:
    from generator.pipeline.entries import _QUICK

    files = {}
    for number, (written, canary) in enumerate(VISIBILITY_SPELLINGS.items()):
        front = f"title: The {canary} run\ndate: 2026-04-0{number + 1}\ntags: [{canary}]\nvisibility: {written}"
        assert (_QUICK.load("\n" + front + "\n") is None) == ("#" in written)  # which reader the test goes through
        files[f"content/2026/private-{number}.md"] = entry(front, f"A {canary} body.\n")
    files["content/2026/public.md"] = entry("title: Shared\ndate: 2026-04-09\nvisibility: public", "Public words.\n")
    site = make_site(files)
    assert run_cli("build", "--site", str(site)).exit_code == 0
    public = all_public_bytes(site)
    assert any(b"Public words." in data for data in public.values())
    for canary in VISIBILITY_SPELLINGS.values():
        for relpath, data in public.items():
            assert canary not in relpath.lower(), relpath
            assert canary.encode() not in data.lower(), relpath
