"""Themes: inheritance through `extends`, site > theme > parent precedence, fingerprinted assets."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from generator.config import load_config
from generator.pipeline.themes import SHIPPED_THEMES, load_theme
from tests.conftest import SITE_TOML, entry, html, snapshot
from tests.test_privacy import PRIVATE_CANARIES, canary_site

RUN = entry("""
    title: Harbour loop
    date: 2026-05-03T07:00:00+01:00
    distance: 8 km
    emotions: [calm]
    tags: [easy]
    visibility: public
    """, "Out along the harbour.\n\n- [x] stretch\n- [ ] ice\n")
PAPER = SITE_TOML + 'theme = "paper"\n'


def short_hash(data: bytes) -> str:
    """Return the fingerprint Footfall gives a file's bytes."""
    return hashlib.sha256(data).hexdigest()[:10]


def stylesheets(page: Path) -> list[str]:
    """Return the stylesheet hrefs of a built page."""
    return [str(link["href"]) for link in html(page).find_all("link", rel="stylesheet")]


def test_paper_extends_default(make_site) -> None:
    site = make_site({"content/run.md": RUN}, PAPER)
    cfg, _ = load_config(site)
    assert cfg is not None
    theme, problems = load_theme(cfg)
    assert problems == [] and theme is not None
    assert theme.chain == ("paper", "default")
    assert theme.folders == (SHIPPED_THEMES / "paper", SHIPPED_THEMES / "default")
    assert theme.settings["extends"] == "default" and theme.settings["name"] == "Paper"


def test_paper_overrides_only_its_stylesheet_and_inherits_the_rest(make_site, run_cli) -> None:
    site = make_site({"content/run.md": RUN}, PAPER)
    assert run_cli("build", "--site", str(site)).exit_code == 0
    out = site / "output/public"
    paper_css = (SHIPPED_THEMES / "paper/static/css/paper.css").read_bytes()
    default_css = (SHIPPED_THEMES / "default/static/css/footfall.css").read_bytes()
    assert stylesheets(out / "index.html") == [f"static/css/footfall.{short_hash(default_css)}.css",
                                                f"static/css/paper.{short_hash(paper_css)}.css"]
    entry_page = html(out / "2026/05/03/harbour-loop/index.html")
    assert entry_page.select_one("article.entry h1").get_text(strip=True) == "Harbour loop"  # default's entry.html
    assert (out / "static/fonts/source-serif-4-latin-wght-normal.woff2").is_file()  # default's static files
    assert not list(out.rglob("*.otf"))  # the share-card fonts are for drawing cards, not for pages


def test_site_templates_and_static_win_over_paper_and_default(make_site, run_cli) -> None:
    site = make_site({
        "content/run.md": RUN,
        "templates/partials/entry_card.html": '<article class="entry-card"><h2>{{ post.title }} (mine)</h2></article>\n',
        "templates/404.html": '{% extends "base.html" %}{% block main %}<h1>Lost on the trail</h1>{% endblock %}\n',
        "static/css/paper.css": "body { color: black; }\n",
    }, PAPER)
    assert run_cli("build", "--site", str(site)).exit_code == 0
    out = site / "output/public"
    assert html(out / "index.html").select_one(".entry-card h2").get_text() == "Harbour loop (mine)"
    assert html(out / "404.html").h1.get_text() == "Lost on the trail"
    mine = short_hash(b"body { color: black; }\n")
    assert stylesheets(out / "index.html")[-1] == f"static/css/paper.{mine}.css"
    assert (out / f"static/css/paper.{mine}.css").read_bytes() == b"body { color: black; }\n"
    assert not list(out.glob("static/css/paper.css"))


def test_a_site_theme_can_extend_paper_and_reach_each_parent_template(make_site, run_cli) -> None:
    site = make_site({
        "content/run.md": RUN,
        "themes/harbour/theme.toml": 'extends = "paper"\nname = "Harbour"\n',
        "themes/harbour/templates/base.html":
            '{% extends "paper/base.html" %}{% block footer %}<footer><p>Harbour footer</p>'
            '{{ super() }}</footer>{% endblock %}\n',
        "themes/harbour/templates/tags.html": '{% extends "default/tags.html" %}{% block title %}All tags{% endblock %}\n',
    }, SITE_TOML + 'theme = "harbour"\n')
    assert run_cli("build", "--site", str(site)).exit_code == 0
    out = site / "output/public"
    home = html(out / "index.html")
    assert "Harbour footer" in home.get_text() and home.select_one(".site-footer")  # default's footer via super()
    assert len(stylesheets(out / "index.html")) == 2  # paper's styles block is kept
    assert html(out / "tags/index.html").title.get_text() == "All tags"


@pytest.mark.parametrize(("theme_toml", "message"), [
    ('extends = "nowhere"\n', "theme 'nowhere' not found"),
    ('extends = "loop"\n', "theme 'loop' extends itself in a loop"),
    ("extends = 3\n", "`extends` must be the name of a theme, not 3"),
    ("extends = [\n", "theme.toml is not valid TOML"),
])
def test_bad_theme_inheritance_is_a_problem_not_a_traceback(make_site, run_cli, theme_toml: str, message: str) -> None:
    site = make_site({
        "content/run.md": RUN,
        "themes/loop/theme.toml": theme_toml,
        "themes/loop/templates/base.html": "<!doctype html>\n",
    }, SITE_TOML + 'theme = "loop"\n')
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())
    assert not (site / "output/public").exists()


def test_css_is_fingerprinted_from_its_bytes_and_referenced_relatively(make_site, run_cli) -> None:
    site = make_site({"content/run.md": RUN})
    assert run_cli("build", "--site", str(site)).exit_code == 0
    out = site / "output/public"
    css = (SHIPPED_THEMES / "default/static/css/footfall.css").read_bytes()
    name = f"static/css/footfall.{short_hash(css)}.css"
    assert (out / name).read_bytes() == css
    assert stylesheets(out / "index.html") == [name]
    assert stylesheets(out / "2026/05/03/harbour-loop/index.html")[0] == f"../../../../{name}"  # then share.css
    assert stylesheets(out / "404.html") == [f"/{name}"]
    assert html(out / "index.html").find("link", rel="icon")["href"] == "static/favicon.svg"


def test_a_site_override_of_the_stylesheet_changes_its_fingerprint(make_site, run_cli) -> None:
    mine = b"body { margin: 0; }\n"
    site = make_site({"content/run.md": RUN, "static/css/footfall.css": mine})
    assert run_cli("build", "--site", str(site)).exit_code == 0
    assert stylesheets(site / "output/public/index.html") == [f"static/css/footfall.{short_hash(mine)}.css"]


def test_an_unknown_asset_names_the_template(make_site, run_cli) -> None:
    site = make_site({
        "content/run.md": RUN,
        "templates/404.html": "{% extends \"base.html\" %}{% block head %}<script src=\"{{ asset('js/nope.js') }}\"></script>{% endblock %}\n",
    })
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 1
    assert "404.html" in result.output and "js/nope.js" in result.output


def test_task_list_checkboxes_have_an_accessible_name(make_site, run_cli) -> None:
    site = make_site({"content/run.md": RUN})
    built = run_cli("build", "--site", str(site))
    assert built.exit_code == 0, built.output
    page = html(site / "output/public/2026/05/03/harbour-loop/index.html")
    boxes = page.select("input.task-list-item-checkbox")
    assert len(boxes) == 2
    assert [box.find_parent("label").get_text(strip=True) for box in boxes] == ["stretch", "ice"]


@pytest.mark.parametrize("theme", ["default", "paper"])
def test_every_shipped_theme_keeps_private_canaries_out_of_the_public_build(make_site, run_cli, theme: str) -> None:
    site = canary_site(make_site)
    toml = site / "site.toml"
    toml.write_text(toml.read_text("utf-8") + f'theme = "{theme}"\n', "utf-8")
    assert run_cli("build", "--site", str(site)).exit_code == 0
    for relpath, data in snapshot(site / "output/public").items():
        for canary in PRIVATE_CANARIES:
            assert canary not in relpath.lower() and canary.encode() not in data.lower(), (canary, relpath)


def test_a_theme_chain_deeper_than_five_levels_is_a_problem(make_site, run_cli) -> None:
    files = {"content/run.md": RUN}
    for level in range(6):
        files[f"themes/t{level}/theme.toml"] = f'extends = "t{level + 1}"\n' if level < 5 else 'extends = "default"\n'
        files[f"themes/t{level}/templates/.keep"] = ""
    site = make_site(files, SITE_TOML + 'theme = "t0"\n')
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 1
    assert "more than 5 levels deep" in " ".join(result.output.split())


def test_the_archive_jumps_only_to_years_of_listed_runs(make_site, run_cli) -> None:
    site = make_site({
        "content/a.md": RUN,
        "content/b.md": entry("title: Older\ndate: 2025-06-01\nvisibility: public"),
        "content/c.md": entry("title: Hidden year\ndate: 2019-06-01\nvisibility: private"),
    })
    assert run_cli("build", "--site", str(site)).exit_code == 0
    archive = html(site / "output/public/archive/index.html")
    assert [a.get_text() for a in archive.select(".archive-years a")] == ["2026", "2025"]
    assert "2019" not in archive.get_text()
    assert run_cli("build", "--journal", "--site", str(site)).exit_code == 0
    journal = html(site / "output/journal/archive/index.html")
    assert [a.get_text() for a in journal.select(".archive-years a")] == ["2026", "2025", "2019"]


def test_rel_in_a_macro_imported_without_context_links_from_the_page_being_rendered(make_site, run_cli) -> None:
    """A theme's macro module, imported without context, still makes links relative to each page."""
    macros = '{% macro home_link() %}<a class="home" href="{{ \'/\' | rel }}">Runs</a>{% endmacro %}\n'
    tag_page = ('{% extends "base.html" %}\n{% from "partials/home.html" import home_link %}\n'
                '{% block main %}{{ home_link() }}{% endblock %}\n')
    site = make_site({"content/run.md": RUN, "templates/partials/home.html": macros, "templates/tag.html": tag_page})
    assert run_cli("build", "--site", str(site)).exit_code == 0
    page = site / "output/public/tags/easy/index.html"
    assert [a["href"] for a in html(page).select("a.home")] == ["../../"]


@pytest.mark.parametrize("parent", ['"../default"', '"/etc"', '"default/../paper"', '""', "3"])
def test_extends_names_a_theme_never_a_path(make_site, run_cli, parent: str) -> None:
    site = make_site({"content/run.md": RUN, "themes/mine/templates/.keep": "",
                      "themes/mine/theme.toml": f"extends = {parent}\n"}, SITE_TOML + 'theme = "mine"\n')
    result = run_cli("build", "--site", str(site))
    assert result.exit_code != 0
    assert "theme.toml" in result.output and "`extends` must be the name of a theme" in result.output
    assert not (site / "output/public/index.html").exists()
