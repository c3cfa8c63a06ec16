"""No false alarms: private pages and entries named with everyday words never stop a public build."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from tests.conftest import entry


def photo(colour: tuple[int, int, int]) -> bytes:
    """Return a small JPEG of one colour."""
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def build_and_audit(run_cli, site: Path) -> None:
    """Build the public site and audit it: both must pass."""
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 0, result.output
    audit = run_cli("audit", "--site", str(site))
    assert audit.exit_code == 0, audit.output


def test_private_help_and_about_pages_never_stop_a_story_that_asks_for_help(make_site, run_cli) -> None:
    site = make_site({
        "content/pages/help.md": entry("title: Help", "Numbers to call when running isn't enough.\n"),
        "content/pages/about.md": entry("title: About", "Who writes here.\n"),
        "content/2026/story.md": entry("title: A hard one\ndate: 2026-03-13\nvisibility: public", """\
            I asked for help at mile three, and we talked about it after.
            A [help page](https://example.com/help/) and [about](https://example.com/about/) elsewhere,
            and [another](https://other.example/help) one: <https://example.com/about/>.
            """),
    })
    build_and_audit(run_cli, site)
    assert not (site / "output/public/help").exists() and not (site / "output/public/about").exists()


def test_a_private_morning_run_never_stops_a_public_morning_run(make_site, run_cli) -> None:
    site = make_site({
        "content/2026/private.md": entry("title: Morning run\ndate: 2026-03-13\nslug: morning-run\n"
                                         "tags: [long run, morning]\nemotions: [calm, tired]\nvisibility: private",
                                         "A morning run along the river, easy and slow.\n"),
        "content/2026/public.md": entry("title: Morning run\ndate: 2026-03-14\nslug: morning-run\n"
                                        "emotions: [calm]\nvisibility: public",
                                        "Another morning run along the river.\n"),
        "content/2026/other.md": entry("title: Evening\ndate: 2026-03-15\nvisibility: public",
                                       "See [yesterday](/2026/03/14/morning-run/).\n"),
    })
    build_and_audit(run_cli, site)


def test_everyday_private_words_that_footfall_or_the_theme_writes_are_no_alarm(make_site, run_cli) -> None:
    site = make_site({
        "content/2026/private.md": entry("title: Archive of feelings\ndate: 2026-03-12\nvisibility: private", """\
            Emotions, timeline, tags, archive, feed, share, position, transform, display, summary, gratitude.
            Run on 12 March 2026, a Thursday. JoggingTherapy.
            """),
        "content/2026/untitled.md": entry("date: 2026-03-11\nvisibility: private", "No title at all.\n"),
        "content/2026/public.md": entry("title: Open\ndate: 2026-03-13\nemotions: [grateful]\nvisibility: public",
                                        "Plain words.\n"),
    })
    build_and_audit(run_cli, site)


def test_images_with_the_same_name_in_private_and_public_entries_are_no_alarm(make_site, run_cli) -> None:
    site = make_site({
        "content/2026/a/private.md": entry("title: Closed\ndate: 2026-03-12\nvisibility: private",
                                           "![the photo](IMG_2034.jpg)\n"),
        "content/2026/a/IMG_2034.jpg": photo((200, 20, 20)),
        "content/2026/b/public.md": entry("title: Open\ndate: 2026-03-13\nvisibility: public",
                                          "![the photo](IMG_2034.jpg)\n"),
        "content/2026/b/IMG_2034.jpg": photo((20, 20, 200)),
    })
    build_and_audit(run_cli, site)


def test_a_private_page_whose_url_starts_a_public_one_is_no_alarm(make_site, run_cli) -> None:
    site = make_site({
        "content/pages/about.md": entry("title: About", "Private.\n"),
        "content/pages/about-me.md": entry("title: About me\nvisibility: public", "Public, at /about-me/.\n"),
        "content/2026/public.md": entry("title: Open\ndate: 2026-03-13\nvisibility: public", "Read [me](/about-me/).\n"),
    })
    build_and_audit(run_cli, site)
    assert (site / "output/public/about-me/index.html").is_file()


def test_a_link_to_a_private_page_is_a_leak_of_its_url(make_site, run_cli) -> None:
    site = make_site({
        "content/pages/help.md": entry("title: Help", "Private numbers.\n"),
        "content/2026/public.md": entry("title: Open\ndate: 2026-03-13\nvisibility: public",
                                        "I asked for [help](/help/).\n"),
    })
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 1
    assert "a link in the file goes to the URL of a private entry \"/help/\"" in result.output


def test_an_image_a_private_and_a_public_entry_both_show_is_no_alarm(make_site, run_cli) -> None:
    site = make_site({
        "content/2026/private.md": entry("title: Closed\ndate: 2026-03-12\nvisibility: private", "![x](shared.png)\n"),
        "content/2026/public.md": entry("title: Open\ndate: 2026-03-13\nvisibility: public", "![y](shared.png)\n"),
        "content/2026/shared.png": photo((1, 2, 3)),
        "static/shared.png": photo((1, 2, 3)),
    })
    build_and_audit(run_cli, site)
