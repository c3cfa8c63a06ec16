"""Links that last: a shared story that moves leaves a redirect; one made private or deleted leaves nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from tests.conftest import entry, html

OLD = "/2026/03/14/past-the-old-house/"
STORY = "content/2026/03/2026-03-14-old-house.md"


def story(title: str = "Past the old house", date: str = "2026-03-14", visibility: str = "public", **more: str) -> str:
    """Return the text of the story under test."""
    return entry({"title": title, "date": date, "visibility": visibility, "emotions": "[calm]", **more},
                 "The river was high and the path was muddy.\n")


def built(run_cli: Callable[..., Result], root: Path) -> Path:
    """Build the public site, assert it went well, return its folder."""
    result = run_cli("build", "--site", str(root))
    assert result.exit_code == 0, result.output
    return root / "output" / "public"


def ledger(root: Path) -> str:
    """Return the ledger's text."""
    return (root / "published-urls.txt").read_text("utf-8")


def test_a_story_that_moves_leaves_a_redirect_at_its_old_url(make_site, run_cli) -> None:
    """A new title moves the story; the old URL sends the reader on, without JavaScript."""
    root = make_site({STORY: story()})
    out = built(run_cli, root)
    assert f"2026/03/2026-03-14-old-house.md\t{OLD}" in ledger(root)
    (root / STORY).write_text(story(title="By the river"), "utf-8")
    out = built(run_cli, root)
    new = "/2026/03/14/by-the-river/"
    assert (out / "2026/03/14/by-the-river/index.html").is_file()
    page = html(out / "2026/03/14/past-the-old-house/index.html")
    assert page.find("link", rel="canonical")["href"] == "https://runs.example.org" + new
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert page.find("meta", attrs={"http-equiv": "refresh"})["content"] == "0; url=../../../../2026/03/14/by-the-river/"
    assert page.find("a")["href"] == "../../../../2026/03/14/by-the-river/"
    assert page.find("script") is None
    assert [line.split("\t")[1] for line in ledger(root).splitlines() if not line.startswith("#")] == [OLD, new]
    sitemap = (out / "sitemap.xml").read_text("utf-8")
    assert "past-the-old-house" not in sitemap  # a redirect is no page of the site
    # a new date and slug move it again: both old URLs lead to the newest
    (root / STORY).write_text(story(title="By the river", date="2026-03-15", slug="river"), "utf-8")
    out = built(run_cli, root)
    for old in ("2026/03/14/past-the-old-house", "2026/03/14/by-the-river"):
        assert html(out / old / "index.html").find("link", rel="canonical")["href"].endswith("/2026/03/15/river/")


def test_an_unlisted_story_keeps_its_old_link_too(make_site, run_cli) -> None:
    """Unlisted stories are shared by link, so their old URLs redirect as well."""
    root = make_site({STORY: story(visibility="unlisted")})
    built(run_cli, root)
    (root / STORY).write_text(story(title="By the river", visibility="unlisted"), "utf-8")
    out = built(run_cli, root)
    assert (out / "2026/03/14/past-the-old-house/index.html").is_file()


def test_a_story_made_private_leaves_the_ledger_and_answers_404(make_site, run_cli) -> None:
    """No redirect, no ledger line, no word of a story once it is private; the audit passes."""
    root = make_site({STORY: story(), "content/other.md": story(title="Morning loop", date="2026-03-10")})
    built(run_cli, root)
    (root / STORY).write_text(story(title="By the river"), "utf-8")
    built(run_cli, root)
    (root / STORY).write_text(story(title="Quillwort canary", visibility="private"), "utf-8")
    out = built(run_cli, root)
    assert not (out / "2026/03/14").exists()
    text = ledger(root)
    for word in ("old-house", "past-the-old-house", "by-the-river", "quillwort", "2026/03/14"):
        assert word not in text
    assert "other.md\t/2026/03/10/morning-loop/" in text
    audit = run_cli("audit", "--site", str(root))
    assert audit.exit_code == 0, audit.output


def test_a_private_entry_never_reaches_the_ledger(make_site, run_cli) -> None:
    """A private canary and a draft are built into the journal only; the ledger knows nothing of them."""
    root = make_site({STORY: story(),
                      "content/secret.md": story(title="Zanzibar canary", date="2026-03-01", visibility="private"),
                      "content/draft.md": story(title="Halfwritten canary", date="2026-03-02", draft="true")})
    built(run_cli, root)
    assert run_cli("build", "--journal", "--site", str(root)).exit_code == 0
    text = ledger(root).lower()
    assert "canary" not in text and "secret" not in text and "draft" not in text and "2026/03/0" not in text


def test_a_deleted_story_answers_404(make_site, run_cli) -> None:
    """Deleting a moved story removes its page and its redirects."""
    root = make_site({STORY: story(), "content/other.md": story(title="Morning loop", date="2026-03-10")})
    built(run_cli, root)
    (root / STORY).write_text(story(title="By the river"), "utf-8")
    built(run_cli, root)
    (root / STORY).unlink()
    out = built(run_cli, root)
    assert not (out / "2026/03/14").exists()
    assert "2026/03/14" not in ledger(root)


def test_a_renamed_file_keeps_its_links(make_site, run_cli) -> None:
    """A file renamed along with its new date passes its old URLs on (same slug)."""
    root = make_site({STORY: story(slug="old-house")})
    built(run_cli, root)
    (root / STORY).unlink()
    (root / "content/2026/03/2026-03-16-old-house.md").write_text(story(date="2026-03-16", slug="old-house"), "utf-8")
    out = built(run_cli, root)
    page = html(out / "2026/03/14/old-house/index.html")
    assert page.find("link", rel="canonical")["href"].endswith("/2026/03/16/old-house/")


def test_a_live_page_wins_over_a_redirect(make_site, run_cli) -> None:
    """When another story takes an old URL, its page is built there, not a redirect."""
    root = make_site({STORY: story()})
    built(run_cli, root)
    (root / STORY).write_text(story(title="By the river"), "utf-8")
    built(run_cli, root)
    (root / "content/new.md").write_text(story(title="Past the old house", visibility="public")
                                         .replace("The river was high", "Another day"), "utf-8")
    out = built(run_cli, root)
    page = html(out / "2026/03/14/past-the-old-house/index.html")
    assert page.find("meta", attrs={"http-equiv": "refresh"}) is None
    assert "Another day" in page.get_text()
