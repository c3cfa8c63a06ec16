"""A `::: private` block ends only at its own fence: never at a `:::` inside code, HTML, a comment or a nested container."""

from __future__ import annotations

import pytest

from generator.urls import slugify
from tests.attacks.content_scan import PUBLIC_SITE_TOML, Scanned, assert_absent, assert_present, build, run, story, write_site
from tests.conftest import html

#: name -> (body, private canaries, public words that must still be published after the block)
CASES: dict[str, tuple[str, list[str], list[str]]] = {
    "backtick fence": (
        "Before.\n\n::: private\n```\n:::\n```\nqorvanthe after the code.\n:::\n\nAfterward zephlinor.\n",
        ["qorvanthe"], ["zephlinor"]),
    "tilde fence with info": (
        "::: private\n~~~~ text\n:::\n::: private\n~~~~\nvuldrassen goes on.\n:::\nPublic pelmatrix.\n",
        ["vuldrassen"], ["pelmatrix"]),
    "long fence holding a short one": (
        "::: private\n`````\n```\n:::\n```\n`````\nbrexolune still private.\n:::\nPublic quistrel.\n",
        ["brexolune"], ["quistrel"]),
    "indented code": (
        "::: private\nLead in.\n\n    :::\n\ntrimbaxel under code.\n:::\n\nPublic morvathy.\n",
        ["trimbaxel"], ["morvathy"]),
    "html block": (
        "::: private\n<div>\n:::\n</div>\n\nglenthorax after html.\n:::\nPublic sarnivel.\n",
        ["glenthorax"], ["sarnivel"]),
    "html pre block with blank lines": (
        "::: private\n<pre>\n\n:::\n\n</pre>\nfrumbledane after pre.\n:::\nPublic ostravine.\n",
        ["frumbledane"], ["ostravine"]),
    "comment block": (
        "::: private\n<!--\n:::\n-->\nwexalotte after the comment.\n:::\nPublic dunmerrow.\n",
        ["wexalotte"], ["dunmerrow"]),
    "comment opened mid-line": (
        "::: private\nA thought <!-- aside\n:::\nstill aside -->\nkelvrintha after.\n:::\nPublic harnswick.\n",
        ["kelvrintha", "aside"], ["harnswick"]),
    "comment across a blank line": (
        "::: private\nA thought <!-- aside\n\n:::\n\nstill -->\nplumbrevix after.\n:::\nPublic yarrowtide.\n",
        ["plumbrevix"], ["yarrowtide"]),
    "nested named container": (
        "::: private\n::: note\ninner\n:::\nstrovakel after the note.\n:::\nPublic cindlemere.\n",
        ["strovakel"], ["cindlemere"]),
    "nested three deep": (
        "::: private\n::: a\n::: b\n:::\nflorvaxen one\n:::\nglimtrosse two\n:::\nPublic wendlebury.\n",
        ["florvaxen", "glimtrosse"], ["wendlebury"]),
    "nested longer fence": (
        "::: private\n:::: note\ninner\n:::\nmazzelbrook inside the note still.\n::::\nvintrelock\n:::\n",
        ["mazzelbrook", "vintrelock"], []),
    "outer longer fence": (
        ":::: private\n::: note\n:::\nkestrivane\n:::\n::::\nPublic galdrewick.\n",
        ["kestrivane"], ["galdrewick"]),
    "code inside a nested container": (
        "::: private\n::: note\n```\n:::\n:::\n```\n:::\nthornquibble\n:::\nPublic ellowmarsh.\n",
        ["thornquibble"], ["ellowmarsh"]),
    "quote inside the block": (
        "::: private\n> quoted\n> :::\n\nsplendravik\n:::\nPublic oxbarrow.\n",
        ["splendravik"], ["oxbarrow"]),
    "list inside the block": (
        "::: private\n- one\n\n  ```\n  :::\n  ```\n- quenvarrow\n:::\nPublic liddlestone.\n",
        ["quenvarrow"], ["liddlestone"]),
    "block inside a quote": (
        "> Shared.\n> ::: private\n> ```\n> :::\n> ```\n> nimbrathel\n> :::\n> Public tarrowmist.\n",
        ["nimbrathel"], ["tarrowmist"]),
    "block inside a list item": (
        "- Shared.\n\n  ::: private\n  ~~~\n  :::\n  ~~~\n  grossevaint\n  :::\n- Public hollinvard.\n",
        ["grossevaint"], ["hollinvard"]),
    "capitals and no space": (
        ":::PRIVATE\nplaxidorne\n:::\n\n:::   Private notes\nvorquentil\n:::\nPublic ambridge.\n",
        ["plaxidorne", "vorquentil"], ["ambridge"]),
    "never closed": (
        "Public fenwhistle.\n\n::: private\n```\n:::\n```\nsolquandry to the end.\n\n::\n\nzabberlin\n",
        ["solquandry", "zabberlin"], ["fenwhistle"]),
    "closing fence with text is no closing fence": (
        "::: private\n::: not a close\n:::\nbrambluxe\n:::\nPublic cairnfold.\n",
        ["brambluxe"], ["cairnfold"]),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Scanned, Scanned]:
    """Build one site holding every case, one story each: (public output, journal output)."""
    files = {f"content/{slugify(name)}.md": story(body, title=name) for name, (body, _, _) in CASES.items()}
    site = write_site(tmp_path_factory.mktemp("fences"), files)
    return Scanned(build(run, site)), Scanned(build(run, site, journal=True))


@pytest.mark.parametrize("name", CASES)
def test_private_block_ends_only_at_its_own_fence(built: tuple[Scanned, Scanned], name: str) -> None:
    body, secret, shared = CASES[name]
    public, journal = built
    assert_absent(public, secret)
    page = html(public.folder / f"2026/03/14/{slugify(name)}/index.html").get_text(" ")
    for word in shared:
        assert word in page
    assert_present(journal, [w for w in secret if w != "aside"])


@pytest.mark.parametrize("name", ["comment opened mid-line", "nested longer fence", "block inside a list item"])
def test_a_story_alone_keeps_its_block(make_site, run_cli, name: str) -> None:
    body, secret, _ = CASES[name]
    site = make_site({"content/run.md": story(body)}, PUBLIC_SITE_TOML)
    assert_absent(build(run_cli, site), secret)


FALSE_ALARMS = {
    "fence example in code": ("How I mark a passage:\n\n```markdown\n::: private\nmarigoldsplendour is no secret\n:::\n```\n\n"
                              "Then I write on.\n", ["marigoldsplendour is no secret", "::: private", "Then I write on."]),
    "bare fences in prose and code": ("Ratio 3:::4 in prose.\n\n:::\n\n    :::\n\n~~~\n:::\n~~~\n\nEnd of story.\n",
                                      ["Ratio 3:::4", "End of story."]),
    "named container": ("::: note\nA shared aside.\n:::\n\nAfter the note.\n", ["A shared aside.", "After the note."]),
}


@pytest.mark.parametrize("name", FALSE_ALARMS)
def test_public_colons_and_fences_are_published_as_written(make_site, run_cli, name: str) -> None:
    body, shown = FALSE_ALARMS[name]
    site = make_site({"content/run.md": story(body)}, PUBLIC_SITE_TOML)
    page = html(build(run_cli, site) / "2026/03/14/a-shared-run/index.html")
    text = page.get_text()
    for words in shown:
        assert words in text
    assert not page.select(".private-passage")
