"""Reused partials: a card rendered once and reused gives every page the bytes and reads of a fresh render."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import jinja2
import pytest
from markupsafe import Markup

from generator.incremental import partials
from generator.incremental.page_staging import render_one
from generator.pipeline.inputs import make_model, read_inputs, shared_context
from generator.pipeline.result import BuildResult
from generator.incremental.template_digests import TemplateDigests
from generator.incremental.page_digests import PageDigests
from generator.pipeline.markdown import Audience
from generator.pipeline.pages import plan_pages
from generator.pipeline.themes import make_environment
from tests.conftest import entry

EMOTIONS = ("calm", "joy", "tired", "proud")
TAGS = ("easy", "long", "hills")

#: A site's own card that reads more than the default one: the site, the page, a value only some pages have.
NOSY_CARD = """\
{% from "partials/chips.html" import emotion_chips with context %}
<article class="entry-card" data-where="{{ page_url }}" data-term="{{ term.name if term is defined else '' }}">
  <h2><a href="{{ post.url | rel }}">{{ post.title }}</a> of {{ site.stats.entries }} in {{ site.config.title }}</h2>
  {% if post.tags %}<p>{{ post.tags | length }} tags</p>{% endif %}
  {{ emotion_chips(post.emotions) }}
</article>
"""


def journal(count: int) -> dict[str, str]:
    """Return a journal of runs with overlapping tags and emotions, some private, some unlisted."""
    files: dict[str, str] = {}
    for n in range(count):
        visibility = ("public", "private", "unlisted")[n % 3]
        emotions = ", ".join(EMOTIONS[(n + k) % len(EMOTIONS)] for k in range(1 + n % 3))
        tags = ", ".join(TAGS[(n + k) % len(TAGS)] for k in range(1 + n % 2))
        front = (f"title: Run {n} <b>&</b>\ndate: 2025-{1 + n % 12:02d}-{1 + n % 27:02d}T07:00:00\n"
                 f"visibility: {visibility}\nemotions: [{emotions}]\ntags: [{tags}]\ndistance: {3 + n % 9} km")
        files[f"content/run-{n:02d}.md"] = entry(front, f"Run number {n}.\n")
    return files


def render_everything(root: Path, audience: Audience) -> dict[str, tuple[str, bytes, frozenset[str]]]:
    """Render every page of a site in this process; return each page's digest, bytes and read paths."""
    result = BuildResult(audience)
    inputs = read_inputs(root, result)
    assert inputs is not None, result.problems
    site = make_model(inputs, audience, result)
    planned, problems = plan_pages(site)
    assert not problems
    env = make_environment(inputs.theme, inputs.config, inputs.static, kind=partials.FootfallEnvironment)
    shared = shared_context(site, inputs)
    digests = PageDigests(TemplateDigests(env), shared, "key")
    pages: dict[str, tuple[str, bytes, frozenset[str]]] = {}
    for item in planned:
        made = render_one(env, item, digests)
        assert isinstance(made, tuple), made
        pages[item.path] = (made[0], made[1], frozenset(made[2]))
    return pages


def card_renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the renders of reused partials from now on (misses only)."""
    counted: list[int] = []
    original = partials.ReusedPartial.__init__

    def init(self: partials.ReusedPartial, template: jinja2.Template, render: partials.Render) -> None:
        original(self, template, render)
        inner = self.render

        def counting(context: jinja2.runtime.Context) -> Iterator[str]:
            counted.append(1)
            return inner(context)

        self.render = counting

    monkeypatch.setattr(partials.ReusedPartial, "__init__", init)
    return counted


@pytest.mark.parametrize("audience", ["journal", "public"])
@pytest.mark.parametrize("card", [None, NOSY_CARD], ids=["default-card", "site-card"])
def test_reused_cards_give_each_page_the_bytes_reads_and_digest_of_a_fresh_render(
        make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, audience: Audience, card: str | None) -> None:
    files = journal(40)
    if card is not None:
        files["templates/partials/entry_card.html"] = card
    root = make_site(files)
    renders = card_renders(monkeypatch)
    reused = render_everything(root, audience)
    monkeypatch.setattr(partials, "REUSED_PARTIALS", frozenset())
    fresh = render_everything(root, audience)
    assert reused.keys() == fresh.keys()
    for path in fresh:
        assert reused[path][1] == fresh[path][1], f"{path}: other bytes"
        assert reused[path][2] == fresh[path][2], f"{path}: other reads"
        assert reused[path][0] == fresh[path][0], f"{path}: other digest"
    shown = [(path.count("/") > 0, card) for path, page in fresh.items()
             for card in re.findall(rb'<article class="entry-card".*?</article>', page[1], re.S)]
    if card is None:
        # Below the top folder, one render serves every depth: its links differ only by their "../" start.
        once = {(deep, re.sub(rb'href="(?:\.\./)+', b'href="', html)) for deep, html in shown}
        assert len(renders) == len(once) < len({html for _, html in shown}) < len(shown), \
            "each card is rendered once per post for the top folder and once for all folders below it"
    else:
        assert len(renders) == len(shown), "a card naming page_url differs on every page: never reused"
    if card is not None:
        assert any("site.stats" in page[2] for page in reused.values())  # small values are noted whole


def test_a_partial_with_values_that_can_change_is_rendered_every_time(make_site: Callable[..., Path],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    card = '<article class="entry-card">{{ post.title }} {{ (mutable | default([])) | length }}</article>\n'
    root = make_site({**journal(12), "templates/partials/entry_card.html": card,
                      "templates/index.html": '{% set mutable = [1, 2] %}{% for post in posts %}'
                                              '{% include "partials/entry_card.html" %}{% endfor %}'})
    renders = card_renders(monkeypatch)
    pages = render_everything(root, "journal")
    home = [path for path in pages if path == "index.html" or path.startswith("page/")]
    on_home = sum(pages[path][1].count(b'class="entry-card"') for path in home)
    elsewhere = {card for path, page in pages.items() if path not in home
                 for card in re.findall(rb'<article class="entry-card">.*?</article>', page[1])}
    assert on_home and len(renders) >= on_home + len(elsewhere), "a list is not keyed: rendered on each home page"
    assert b"Run 0 &lt;b&gt;&amp;&lt;/b&gt; 2" in b"".join(page[1] for page in pages.values())


def test_used_names_cover_what_a_partial_imports(make_site: Callable[..., Path]) -> None:
    root = make_site({**journal(1), "templates/partials/entry_card.html": NOSY_CARD,
                      "templates/partials/chips.html": '{% macro emotion_chips(chips) %}{{ shade }}{% endmacro %}',
                      "templates/partials/other.html": '{% include name %}'})
    result = BuildResult("journal")
    inputs = read_inputs(root, result)
    assert inputs is not None
    env = make_environment(inputs.theme, inputs.config, inputs.static, kind=partials.FootfallEnvironment)
    assert partials.used_names(env, "partials/entry_card.html") == ("page_url", "post", "shade", "site", "term")
    assert partials.used_names(env, "partials/other.html") is None, "a computed template name cannot be followed"


def test_one_environment_never_shows_a_card_of_another_build(make_site: Callable[..., Path]) -> None:
    root = make_site(journal(15))
    result = BuildResult("journal")
    inputs = read_inputs(root, result)
    assert inputs is not None
    env = make_environment(inputs.theme, inputs.config, inputs.static, kind=partials.FootfallEnvironment)
    pages: dict[str, dict[str, bytes]] = {}
    for audience in ("journal", "public", "journal"):
        site = make_model(inputs, audience, result)
        planned, _ = plan_pages(site)
        shared = shared_context(site, inputs)
        digests = PageDigests(TemplateDigests(env), shared, "key")
        made = {item.path: render_one(env, item, digests) for item in planned}
        pages[audience] = {path: page[1] for path, page in made.items() if isinstance(page, tuple)}
    private = [f"Run {n} &lt;b&gt;" for n in range(15) if n % 3 == 1]
    public = b"".join(pages["public"].values()).decode("utf-8")
    assert private and not any(title in public for title in private), "a private card reached the public build"
    assert all(title in b"".join(pages["journal"].values()).decode("utf-8") for title in private)
    assert pages["public"] == {path: page[1] for path, page in render_everything(root, "public").items()}


def test_a_title_holding_the_link_marker_is_shown_as_written(make_site: Callable[..., Path],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    marker = partials.MarkerLinks.MARKER
    escaped = marker.replace("\x00", "\\0").replace("\x01", "\\x01")  # as YAML escapes in a quoted title
    files = journal(12)
    files["content/run-00.md"] = entry(f'title: "Odd {escaped} name"\ndate: 2025-01-01\nvisibility: public\n'
                                       "emotions: [calm]\ntags: [easy]", "Run number 0.\n")
    root = make_site(files)
    reused = render_everything(root, "journal")
    monkeypatch.setattr(partials, "REUSED_PARTIALS", frozenset())
    fresh = render_everything(root, "journal")
    assert {path: page[1] for path, page in reused.items()} == {path: page[1] for path, page in fresh.items()}
    shown = b"".join(page[1] for page in reused.values())
    assert f"Odd {marker} name".encode() in shown and shown.count(marker.encode()) >= 3


def test_templates_escape_exactly_as_jinja_does() -> None:
    """Footfall's templates escape text by a quicker way: every value comes out as plain Jinja writes it."""

    class Shown:
        def __html__(self) -> str:
            return "<em>as HTML</em>"

    class Text(str):
        pass

    source = "{% for value in values %}[{{ value }}]{% endfor %}{% macro m(x) %}<{{ x }}>{% endmacro %}{{ m(values[0]) }}"
    values = ["<a href=\"x\">Tom & 'Jerry'</a>", "", "plain", 42, 3.5, None, True, Markup("<b>kept</b>"), Shown(),
              Text("<sub>class</sub>"), "é — “quotes” &amp;"]
    ours = jinja2.Environment(autoescape=True)
    ours.template_class = partials.FootfallTemplate
    plain = jinja2.Environment(autoescape=True)
    assert ours.from_string(source).render(values=values) == plain.from_string(source).render(values=values)
    assert ours.from_string(source).root_render_func.__globals__["escape"] is partials.quick_escape
