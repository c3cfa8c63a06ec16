"""The audit is a second line of its own: with the renderer's privacy switched off, it still stops every canary.

Each test builds a fixture site whose private places hold unique canary words, runs `footfall build`
as a user would and checks the exit code. With the renderer made to keep private blocks and
comments, or the audience filter made to let private entries through, the public build must fail
and the report must name every canary: what the audit treats as allowed comes from the raw source
files, never from the model the renderer made.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from PIL import Image

from tests.attacks.audit_readings import canaries_in, swapped
from tests.conftest import entry

#: Words only a private entry holds: its title, slug, intention, summary, emotion, tag, body, image, links.
PRIVATE_ENTRY = ["gorsewinkle", "velvetquarry", "brackenspoon", "fennelglimmer", "snufflegrit", "ottercrumb",
                 "pebbleworth", "wobbleheron", "larchmidden"]
DEFAULT_PRIVATE = ["quincetrollop"]  # an entry that names no visibility
PRIVATE_PAGE = ["hollyknot"]  # a page (private by default)
#: Words in the private blocks and comments of a public story.
PASSAGES = ["cobbleferne", "spindlecress", "marrowlace", "nettlebrine", "sorrelwisp"]
#: ... and in the private blocks and comments the renderer got wrong (issue 17, points 1 to 3).
TRICKY_PASSAGES = ["driftmallow", "thimbleroot", "quagmirel", "tanglequorn"]
RENDERER_FIX = pytest.mark.xfail(reason="needs the renderer's fix of private blocks and comments (issue 17, points "
                                        "1 to 3), made in markdown.py on its own branch; until then the audit stops "
                                        "the build", strict=False)
UNLISTED = "lanternhush"  # an unlisted story's word: published on its own page, never a leak


def photo() -> bytes:
    """Return a small JPEG."""
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (90, 140, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


def attack_site(make_site: Callable[..., Path]) -> Path:
    """Return a site whose every private place holds a canary word."""
    return make_site({
        "content/2026/hidden.md": entry("""
            title: The gorsewinkle morning
            date: 2026-03-10T07:00:00
            slug: velvetquarry-run
            intention: Forget about brackenspoon
            summary: A fennelglimmer summary
            emotions: [snufflegrit, calm]
            tags: [ottercrumb, easy]
            visibility: private
            """, """\
            A pebbleworth body, as [before][ref].

            ![the bridge](wobbleheron.jpg)

            [ref]: https://larchmidden.example/notes "notes"
            """),
        "content/2026/wobbleheron.jpg": photo(),
        "content/2026/default.md": entry("title: The quincetrollop loop\ndate: 2026-03-11", "Just a loop.\n"),
        "content/pages/hollyknot.md": entry("title: Hollyknot notes", "A page about me.\n"),
        "content/2026/unlisted.md": entry("title: A link-only run\ndate: 2026-03-12\nvisibility: unlisted",
                                          f"Only for the {UNLISTED} crew.\n"),
        "content/2026/story.md": entry("""
            title: A story to share
            date: 2026-03-13T08:00:00+01:00
            emotions: [calm]
            tags: [easy]
            visibility: public
            """, """\
            The public part: I asked for help and went for a morning run.

            ::: private
            The cobbleferne passage.
            :::

            <!-- spindlecress note to self -->

            A line with <!-- marrowlace --> an inline comment.

            :::: private
            A note[^n] and the sorrelwisp word.

            [^n]: The nettlebrine footnote.
            ::::
            """),
        "content/2026/view.jpg": photo(),
        "content/2026/tricky.md": entry("title: Tricky fences\ndate: 2026-03-14\nvisibility: public", """\
            Words to share.

            ::: private
            A fence in code:

            ```
            :::
            ```

            Still private: driftmallow.
            :::

            Start <!-- thimbleroot

            still hidden --> end of the comment.

            ![a view <!-- quagmirel -->](view.jpg)

            [link][secret]

            ::: private
            [secret]: https://tanglequorn.example/
            :::
            """),
    })


def build(run_cli: Callable[..., Result], site: Path) -> Result:
    """Run `footfall build` on a site."""
    return run_cli("build", "--site", str(site))


def journal_render(original: Callable[..., object]) -> Callable[..., object]:
    """Return a renderer that renders every audience as the journal: private blocks and comments kept."""
    def render(entry: object, audience: str, *args: object, **kwargs: object) -> object:
        return original(entry, "journal", *args, **kwargs)

    return render


def test_the_attack_site_builds_and_nothing_private_is_published(make_site, run_cli) -> None:
    site = attack_site(make_site)
    (site / "content/2026/tricky.md").unlink()
    result = build(run_cli, site)
    assert result.exit_code == 0, result.output
    assert canaries_in(site / "output/public", [*PRIVATE_ENTRY, *DEFAULT_PRIVATE, *PRIVATE_PAGE, *PASSAGES]) == []
    assert canaries_in(site / "output/public", [UNLISTED]) != []
    audit = run_cli("audit", "--site", str(site))
    assert audit.exit_code == 0, audit.output


@RENDERER_FIX
def test_tricky_private_blocks_and_comments_build_without_a_trace(make_site, run_cli) -> None:
    site = attack_site(make_site)
    result = build(run_cli, site)
    assert result.exit_code == 0, result.output
    assert canaries_in(site / "output/public", [*PASSAGES, *TRICKY_PASSAGES]) == []


def test_tricky_private_blocks_and_comments_never_reach_a_public_byte(make_site, run_cli) -> None:
    """Whatever the renderer does with them, the public output never holds them (the audit stops the build)."""
    site = attack_site(make_site)
    result = build(run_cli, site)
    if result.exit_code == 0:
        assert canaries_in(site / "output/public", TRICKY_PASSAGES) == []
    else:
        assert "privacy audit" in result.output and not (site / "output/public").exists(), result.output


def test_with_private_blocks_and_comments_rendered_the_audit_stops_every_passage(make_site, run_cli) -> None:
    from generator.pipeline import markdown

    site = attack_site(make_site)
    with swapped("render_entry", journal_render(markdown.render_entry)):
        result = build(run_cli, site)
    assert result.exit_code == 1, result.output
    assert "privacy audit" in result.output
    missed = [word for word in [*PASSAGES, *TRICKY_PASSAGES] if word not in result.output]
    assert missed == [], result.output
    assert not (site / "output/public").exists()


def test_with_private_entries_let_through_the_audit_stops_every_private_entry(make_site, run_cli) -> None:
    site = attack_site(make_site)
    with swapped("is_visible", lambda entry, audience: True), swapped("is_listed", lambda entry, audience: True):
        result = build(run_cli, site)
    assert result.exit_code == 1, result.output
    report = result.output
    missed = [word for word in [*PRIVATE_ENTRY, *DEFAULT_PRIVATE, *PRIVATE_PAGE] if word not in report]
    assert missed == [], report
    assert "/2026/03/10/velvetquarry-run/" in report  # the private URL itself
    assert "/tags/ottercrumb/" in report and "/emotions/snufflegrit/" in report
    assert "/hollyknot-notes/" in report
    assert not (site / "output/public").exists()


def test_a_leak_after_a_good_build_fails_and_keeps_the_last_good_output(make_site, run_cli) -> None:
    from generator.pipeline import markdown

    site = attack_site(make_site)
    (site / "content/2026/tricky.md").unlink()
    assert build(run_cli, site).exit_code == 0
    before = {p: p.read_bytes() for p in (site / "output/public").rglob("*") if p.is_file()}
    story = site / "content/2026/story.md"
    story.write_text(story.read_text() + "\nOne more public line.\n")
    with swapped("render_entry", journal_render(markdown.render_entry)):
        result = build(run_cli, site)
    assert result.exit_code == 1 and "cobbleferne" in result.output, result.output
    assert {p: p.read_bytes() for p in (site / "output/public").rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("spelling", ['"private"', "Private", "private # keep it", "'PRIVATE'"])
def test_an_entry_any_reading_calls_private_is_private_to_the_audit(make_site, run_cli, spelling: str) -> None:
    site = make_site({
        "content/a.md": entry(f"title: Open run\ndate: 2026-03-13\nvisibility: {spelling}", "Ordinary words.\n"),
        "content/b.md": entry("title: Shared run\ndate: 2026-03-14\nvisibility: public", "Shared words.\n"),
    })
    from generator.deploy import needles
    from generator.config import load_config
    from generator.pipeline.entries import load_entries

    cfg, _ = load_config(site)
    assert cfg is not None
    entries, _ = load_entries(cfg)
    private = {s.entry.rel for s in needles.read_sources(entries, cfg) if s.private}
    assert private == {"a.md"}
    assert build(run_cli, site).exit_code == 0
