"""Links that last: the ledger of every URL a shared story has had, and a redirect page at each old one.

The public build keeps `published-urls.txt` at the site root (meant to be committed with the
content): one line per URL, `<entry file>\t<URL>`, for every public or unlisted story and page it
has built. When a story moves (a new title, slug or date), its old URLs stay in the ledger and each
gets a small page that sends the reader on: a meta refresh, a canonical link to the new URL, noindex,
and a plain link, so it works without JavaScript. A story that becomes private, turns into a draft
or is deleted leaves the ledger with all its URLs, which then answer 404: the ledger is made from the
public site model alone, so it never holds anything of a private entry.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.config import SiteConfig
from generator.pipeline.site import Site
from generator.urls import absolute, output_path, relative_root

LEDGER_NAME = "published-urls.txt"
LEDGER_HEADER = ("# Footfall: every URL the public site has given a shared story (entry file, then URL).\n"
                 "# Commit it with your content: a story that moves keeps a redirect at each old URL.\n"
                 "# A story made private or deleted leaves this list, and its old URLs answer 404.\n")


@dataclass(frozen=True, slots=True)
class Shared:
    """A story (or page) of the public build, as the ledger knows it."""

    key: str  # its file, relative to content/
    url: str  # its URL in this build
    title: str  # its title, for the redirect page's link


@dataclass(frozen=True, slots=True)
class Redirect:
    """A page at an old URL that sends the reader to the story's URL now."""

    old: str  # the URL the story had
    new: str  # the URL it has now
    title: str  # the story's title


def ledger_path(cfg: SiteConfig) -> Path:
    """Return the ledger file of a site."""
    return cfg.root / LEDGER_NAME


def parse_ledger(text: str) -> dict[str, tuple[str, ...]]:
    """Return the URLs of each entry file from the ledger's text (comments, blanks and odd lines are skipped)."""
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        key, tab, url = line.strip().partition("\t")
        if line.startswith("#") or not tab or not url.startswith("/") or not key:
            continue
        found.setdefault(key, []).append(url.strip())
    return {key: tuple(dict.fromkeys(urls)) for key, urls in found.items()}


def read_ledger(cfg: SiteConfig) -> dict[str, tuple[str, ...]]:
    """Return the ledger of a site; empty when there is none or it cannot be read."""
    text = _ledger_file(cfg)
    return parse_ledger(text) if text is not None else {}


def _ledger_file(cfg: SiteConfig) -> str | None:
    """Return the text of a site's ledger file; None when there is none or it cannot be read."""
    try:
        return ledger_path(cfg).read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def updated_ledger(before: Mapping[str, tuple[str, ...]], shared: Iterable[Shared],
                   content_dir: Path | None = None) -> dict[str, tuple[str, ...]]:
    """Return the ledger after a build: each shared story's old URLs and its URL now, and nothing else.

    An entry file that is gone (not one made private: that file is still there) passes its URLs on
    to a new shared story with the same slug whose file the ledger does not know: a renamed file.
    """
    stories = sorted(shared, key=lambda s: s.key)
    known = {s.key for s in stories}
    orphans = {key: urls for key, urls in before.items()
               if key not in known and content_dir is not None and not (content_dir / key).exists()}
    after: dict[str, tuple[str, ...]] = {}
    for story in stories:
        urls = before.get(story.key) or _renamed(story, orphans)
        after[story.key] = tuple(dict.fromkeys((*urls, story.url)))
    return after


def _renamed(story: Shared, orphans: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """Return (and take) the URLs of a vanished file whose last URL ends in the same slug as the story's."""
    slug = _last_part(story.url)
    for key, urls in sorted(orphans.items()):
        if urls and _last_part(urls[-1]) == slug:
            del orphans[key]
            return urls
    return ()


def _last_part(url: str) -> str:
    """Return the last path segment of a URL."""
    return url.rstrip("/").rsplit("/", 1)[-1]


def ledger_text(ledger: Mapping[str, tuple[str, ...]]) -> str:
    """Return the ledger as the file holds it, sorted, so that it diffs well."""
    lines = [f"{key}\t{url}" for key in sorted(ledger) for url in ledger[key]]
    return LEDGER_HEADER + "".join(line + "\n" for line in lines)


def redirects(ledger: Mapping[str, tuple[str, ...]], shared: Iterable[Shared],
              taken: Iterable[str]) -> list[Redirect]:
    """Return a redirect for every old URL of a shared story, except where a live file is (it wins)."""
    busy = set(taken)
    moves: dict[str, Redirect] = {}
    for story in shared:
        for old in ledger.get(story.key, ()):
            if old != story.url and output_path(old) not in busy and old not in moves:
                moves[old] = Redirect(old, story.url, story.title)
    return [moves[url] for url in sorted(moves)]


def redirect_page(move: Redirect, base_url: str) -> bytes:
    """Return the HTML of a redirect page: meta refresh, canonical, noindex and a plain link."""
    target = relative_root(move.old) + move.new.lstrip("/")
    canonical = html.escape(absolute(base_url, move.new))
    href, title = html.escape(target), html.escape(move.title)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<title>Moved: {title}</title>\n<meta name="robots" content="noindex">\n'
            f'<link rel="canonical" href="{canonical}">\n<meta http-equiv="refresh" content="0; url={href}">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n</head>\n'
            f'<body>\n<main>\n<p>This story has moved to <a href="{href}">{title}</a>.</p>\n</main>\n'
            f'</body>\n</html>\n').encode("utf-8")


def write_ledger(cfg: SiteConfig, ledger: Mapping[str, tuple[str, ...]]) -> bool:
    """Write the ledger when its text changed (atomically); return True when it was written."""
    path = ledger_path(cfg)
    text = ledger_text(ledger)
    try:
        if path.read_text("utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    temporary = path.with_name(f".{LEDGER_NAME}.tmp")
    temporary.write_text(text, "utf-8")
    temporary.replace(path)
    return True


def shared_stories(site: Site) -> list[Shared]:
    """Return the stories and pages of a public build (the only ones the ledger may hold)."""
    if site.audience != "public":
        return []
    return [Shared(post.key, post.url, post.title) for post in (*site.posts, *site.pages)]


#: What _worked_out() last gave: (the site, the ledger file's text, the ledger after the build, the shared
#: stories). A public build asks three times (its claims, its redirect pages, the ledger it records) with one
#: model and one file: the ledger is read each time, and worked out again only when it is another.
_last: list[tuple[Site, str | None, dict[str, tuple[str, ...]], list[Shared]]] = []


def _worked_out(site: Site) -> tuple[dict[str, tuple[str, ...]], list[Shared]]:
    """Return the ledger as it stands after this public build, and the build's shared stories (never to be changed)."""
    text = _ledger_file(site.config)
    if _last and _last[0][0] is site and _last[0][1] == text:
        return _last[0][2], _last[0][3]
    shared = shared_stories(site)
    after = updated_ledger(parse_ledger(text) if text is not None else {}, shared, site.config.content_dir)
    _last[:] = [(site, text, after, shared)]
    return after, shared


def site_ledger(site: Site) -> dict[str, tuple[str, ...]]:
    """Return the ledger as it stands after this public build."""
    return _worked_out(site)[0]


def site_moves(site: Site, taken: Iterable[str]) -> list[Redirect]:
    """Return the redirects of a public build; `taken`, the paths of its pages (a live page wins)."""
    if site.audience != "public":
        return []
    return redirects(*_worked_out(site), taken)


def site_redirects(site: Site, taken: Iterable[str]) -> Iterator[tuple[str, bytes]]:
    """Yield the redirect pages of a public build; `taken`, the paths of its pages (a live page wins)."""
    for move in site_moves(site, taken):
        yield output_path(move.old), redirect_page(move, site.config.base_url)


def record_urls(site: Site) -> bool:
    """Write the ledger after a public build that went well; return True when it changed."""
    if site.audience != "public":
        return False
    try:
        return write_ledger(site.config, site_ledger(site))
    except OSError:
        return False
