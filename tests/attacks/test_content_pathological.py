"""Pathological bodies and front matter build in linear time (sizes at which a quadratic scan takes minutes).

The 480 KB of `::: private` lines is the size that took 106 s; the others are smaller so the suite stays
quick, yet a scan quadratic in them would still take far longer than the whole module does.
"""

from __future__ import annotations

import pytest

from tests.attacks.content_scan import PUBLIC_SITE_TOML, assert_absent, assert_present, build, story

KB = 1024

#: name -> body; each is large enough that a scan quadratic in it would take minutes
BODIES = {
    "private lines": "Shared start.\n\n" + "::: private\n" * (480 * KB // 12) + "gorwenstall\n",
    "bare fences": "::: private\ngorwenstall\n" + ":::\n" * (20 * KB // 4),
    "image openers": "Shared start.\n\n" + "![" * (20 * KB // 2),
    "image openers closed": "Shared start.\n\n" + "![" * (20 * KB // 2) + "]",
    "link openers": "[" * (20 * KB),
    "footnote marks": "A note[^n].\n\n[^n]: The note.\n\n" + "[^" * (20 * KB // 2),
    "long footnote labels": "A note[^n].\n\n[^n]: The note.\n\n" + "[^abcdefgh" * (20 * KB // 10) + "]",
    "inline footnotes": "^[" * (20 * KB // 2),
    "comments": "Shared. " + "<!--" * (20 * KB // 4),
    "comment ends": "Shared. " + "-->" * (20 * KB // 3),
    "nested quotes": ">" * (20 * KB) + " deep\n",
    "nested lists": "".join("  " * i + "- x\n" for i in range(400)),
    "nested containers": "".join(f"::: box{i}\n" for i in range(20 * KB // 10)) + "gorwenstall\n",
    "nested privates": "::: private\n" + "".join(f"{':' * (3 + i % 5)} note\n" for i in range(5000)) + "gorwenstall\n",
    "heading of spaces": "# Hills" + " " * (20 * KB) + "x\n\nText.\n",
    "heading of hashes": "# Hills" + "#" * (20 * KB) + "\n\nText.\n",
    "emphasis": "*_" * (20 * KB // 2),
    "table": "|" * (20 * KB) + "\n" + "|-" * (10 * KB) + "\n",
    "angle brackets": "<" * (20 * KB),
    "reference definitions": "".join(f"[r{i}]: /x{i}\n" for i in range(5000)) + "[r1] and [r2].\n",
    "image paths": "".join(f"![x](../{'a/' * 50}{i}.png)" for i in range(2000)),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    """Return a site with every pathological story."""
    from tests.attacks.content_scan import write_site

    files = {f"content/{name.replace(' ', '-')}.md": story(body, title=name, date=f"2026-05-{i % 28 + 1:02d}")
             for i, (name, body) in enumerate(BODIES.items())}
    files["content/front-spaces.md"] = ("---\ntitle: \"Spaces" + " " * (20 * KB) + "x\"\ndate: 2026-06-01\n"
                                         "visibility: public\nduration: \"1 h" + " " * (20 * KB) + "x\"\n---\nBody.\n")
    files["content/front-long.md"] = ("---\ntitle: Long\ndate: 2026-06-02\nvisibility: public\nsummary: "
                                      + "a: " * (20 * KB) + "\n---\nBody.\n")
    return write_site(tmp_path_factory.mktemp("patho"), files)


def test_check_finds_only_the_real_problems(site, run_cli) -> None:
    result = run_cli("check", "--site", str(site))
    assert result.exit_code == 1
    assert "front-spaces.md" in result.output and "front-long.md" in result.output
    assert "image-paths.md" in result.output and "Traceback" not in result.output


def test_pathological_stories_build_and_keep_their_private_words(site, run_cli) -> None:
    for name in ("front-spaces.md", "front-long.md", "image-paths.md"):
        (site / "content" / name).unlink()
    assert run_cli("check", "--site", str(site)).exit_code == 0
    assert_absent(build(run_cli, site), ["gorwenstall"])
    assert_present(build(run_cli, site, journal=True), ["gorwenstall"])


ISSUE_SIZES = {
    "private lines": "::: private\n" * (480 * KB // 12) + "gorwenstall\n",
    "image openers": "![" * (400 * KB // 2),
    "footnote marks": "A note[^n].\n\n[^n]: The note.\n\n" + "[^" * (200 * KB // 2),
}


@pytest.mark.parametrize("name", ISSUE_SIZES)
def test_the_markdown_stage_reads_the_sizes_that_were_slow(tmp_path, name: str) -> None:
    from generator.config import SiteConfig
    from generator.pipeline.entries import SourceFile, parse_entry
    from generator.pipeline.markdown import render_entry

    text = "---\ndate: 2026-03-01\nvisibility: public\n---\n" + ISSUE_SIZES[name]
    entry, problems = parse_entry(text, SourceFile(tmp_path / "a.md", "a.md"), SiteConfig(root=tmp_path, title="t"))
    assert entry is not None, problems
    assert "gorwenstall" not in render_entry(entry, "public").html
    assert render_entry(entry, "journal").html
