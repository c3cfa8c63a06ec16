"""Machine-readable files of a build: robots.txt, the sitemap, Atom and JSON feeds. Site in, bytes out.

Feeds hold only the listed stories of the public build, the newest FEED_LENGTH of them, newest first,
with full content (the public render has already removed private passages) and every URL absolute.
A reader polls a feed for what is new; the archive and the sitemap list everything. Their dates come from the
entries, never from the clock: a feed's `updated` is its newest story's date.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin
from html import escape

from generator.pipeline.pages import PlannedPage
from generator.outputs.sharing import card_url
from generator.pipeline.site import Post, Site, Term
from generator.urls import absolute

if TYPE_CHECKING:
    from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]

FEED_PATH = "/feed.xml"
JSON_FEED_PATH = "/feed.json"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
#: The date of a feed with no stories (a feed must have one, and the clock must not provide it).
EMPTY_FEED_DATE = datetime(1970, 1, 1, tzinfo=timezone.utc)
FEED_LENGTH = 20  # the newest stories a feed holds
FEED_FORMAT = "footfall-feeds 1"  # part of every feed's digest: change it when the feeds' bytes change
_URL_ATTR = re.compile(r'(\s(?:href|src|poster)=")([^"]*)(")')
_SRCSET_ATTR = re.compile(r'(\ssrcset=")([^"]*)(")')


def robots_txt(site: Site) -> bytes:
    """Return robots.txt: the journal asks every crawler to stay away."""
    if site.audience == "journal":
        return b"User-agent: *\nDisallow: /\n"
    sitemap = absolute(site.config.base_url, "/sitemap.xml")
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n".encode()


def sitemap_xml(site: Site, planned: list[PlannedPage]) -> bytes:
    """Return the sitemap of every listed page (never unlisted or noindex ones)."""
    lastmod = {p.url: p.date for p in (*site.listed, *site.pages) if p.date}
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for item in planned:
        if item.context.get("noindex") or not item.path.endswith(".html") or item.path == "404.html":
            continue
        lines.append(f"  <url><loc>{escape(absolute(site.config.base_url, item.url), quote=False)}</loc>")
        if item.url in lastmod:
            lines.append(f"    <lastmod>{lastmod[item.url].date().isoformat()}</lastmod>")
        lines.append("  </url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode()


def absolute_links(html: str, page_url: str) -> str:
    """Return HTML whose relative href, src and srcset URLs are made absolute against page_url."""
    html = _URL_ATTR.sub(lambda m: m.group(1) + urljoin(page_url, m.group(2)) + m.group(3), html)

    def srcset(match: re.Match[str]) -> str:
        candidates = (c.strip().split(None, 1) for c in match.group(2).split(",") if c.strip())
        joined = ", ".join(" ".join([urljoin(page_url, c[0]), *c[1:]]) for c in candidates)
        return match.group(1) + joined + match.group(3)

    return _SRCSET_ATTR.sub(srcset, html)


@dataclass(frozen=True, slots=True)
class Feed:
    """One feed of the public build: where it goes, its kind and the stories it holds."""

    path: str  # output path, e.g. "feed.xml"
    kind: str  # "atom" or "json"
    posts: Sequence[Post]  # the stories it holds, newest first
    title: str = ""  # an Atom feed's title
    home_url: str = "/"  # the page an Atom feed stands for


def site_feeds(site: Site) -> list[Feed]:
    """Return the public build's feeds: the site's Atom and JSON feeds and one Atom feed per emotion."""
    if site.audience != "public":
        return []
    title = site.config.title
    found = [Feed(FEED_PATH.lstrip("/"), "atom", newest(site.listed), title, "/"),
             Feed(JSON_FEED_PATH.lstrip("/"), "json", newest(site.listed))]
    found.extend(Feed(emotion_feed_url(term).lstrip("/"), "atom", newest(term.posts), f"{term.name} · {title}", term.url)
                 for term in site.emotions)
    return found


def feed_bytes(site: Site, feed: Feed) -> bytes:
    """Return the bytes of one feed."""
    if feed.kind == "json":
        return json_feed(site, feed.posts)
    return atom_feed(site, feed.posts, f"/{feed.path}", feed.title, feed.home_url)


def feed_files(site: Site) -> Iterator[tuple[str, bytes]]:
    """Yield the public build's feeds: the site's Atom and JSON feeds and one Atom feed per emotion."""
    for feed in site_feeds(site):
        yield feed.path, feed_bytes(site, feed)


def feed_digests(site: Site, found: Sequence[Feed]) -> dict[str, str]:
    """Return a digest of everything each feed's bytes are made from, by path: equal digests, equal bytes.

    It covers the feed format, the feed library's version, every setting, the feed's path, kind,
    title and home, and every field of each story it holds (its rendered body, summary, dates,
    tags, emotions and URL among them). Footfall's code is covered by the cache the digests are
    kept in, whose key changes with it.
    """
    from feedgen.version import version_str  # type: ignore[import-untyped]  # here: not the whole library

    head = f"{FEED_FORMAT}\n{version_str}\n{site.config!r}"
    posts: dict[int, str] = {}

    def post_digest(post: Post) -> str:
        if id(post) not in posts:
            posts[id(post)] = hashlib.blake2b(repr(post).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        return posts[id(post)]

    return {feed.path: hashlib.sha256("\n".join([head, repr((feed.path, feed.kind, feed.title, feed.home_url)),
                                                  *map(post_digest, feed.posts)]).encode("utf-8", "surrogatepass")
                                      ).hexdigest()
            for feed in found}


def newest(posts: Sequence[Post]) -> Sequence[Post]:
    """Return the stories a feed holds: the newest FEED_LENGTH of posts listed newest first."""
    return posts[:FEED_LENGTH]


def emotion_feed_url(term: Term) -> str:
    """Return the site URL of an emotion's Atom feed."""
    return f"{term.url}feed.xml"


def _newest(posts: Sequence[Post]) -> datetime:
    """Return the date of the newest post, or the fixed date of an empty feed."""
    dates = [p.date for p in posts if p.date]
    return max(dates) if dates else EMPTY_FEED_DATE


def atom_feed(site: Site, posts: Sequence[Post], feed_url: str, title: str, home_url: str) -> bytes:
    """Return an Atom feed of posts (newest first) with full content and absolute URLs."""
    cfg = site.config
    from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]  # here: only public builds need it

    fg = FeedGenerator()
    fg.id(absolute(cfg.base_url, feed_url))
    fg.title(title)
    fg.link(href=absolute(cfg.base_url, home_url), rel="alternate")
    fg.link(href=absolute(cfg.base_url, feed_url), rel="self")
    fg.language(cfg.language)
    fg.generator("Footfall")
    fg.updated(_newest(posts))
    if cfg.description:
        fg.subtitle(cfg.description)
    if cfg.author:
        fg.author(name=cfg.author)
    for post in posts:
        _atom_entry(fg, post, site)
    feed: bytes = fg.atom_str(pretty=True)
    return feed


def _atom_entry(fg: FeedGenerator, post: Post, site: Site) -> None:
    """Append one post to an Atom feed."""
    url = absolute(site.config.base_url, post.url)
    entry = fg.add_entry(order="append")
    entry.id(url)
    entry.title(post.title)
    entry.link(href=url, rel="alternate")
    entry.published(post.date)
    entry.updated(post.date)
    if site.config.author:
        entry.author(name=site.config.author)
    if post.summary:
        entry.summary(post.summary)
    entry.content(absolute_links(post.html, url), type="html")
    for term, label, scheme in _categories(post, site):
        entry.category(term=term, label=label, scheme=scheme)


def _categories(post: Post, site: Site) -> Iterable[tuple[str, str, str]]:
    """Return (term, label, scheme) for the tags and emotions of a post."""
    base = site.config.base_url
    tags = [(t.slug, t.name, absolute(base, "/tags/")) for t in post.tags if t.url]
    emotions = [(c.slug, c.name, absolute(base, "/emotions/")) for c in post.emotions if c.url]
    return [*tags, *emotions]


def json_feed(site: Site, posts: Sequence[Post]) -> bytes:
    """Return a JSON Feed 1.1 of some stories (the newest listed ones, newest first)."""
    cfg = site.config
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION, "title": cfg.title, "home_page_url": cfg.base_url,
        "feed_url": absolute(cfg.base_url, JSON_FEED_PATH), "language": cfg.language,
    }
    if cfg.description:
        feed["description"] = cfg.description
    if cfg.author:
        feed["authors"] = [{"name": cfg.author}]
    feed["items"] = [_json_item(post, site) for post in posts]
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode()


def _json_item(post: Post, site: Site) -> dict[str, Any]:
    """Return one JSON Feed item."""
    url = absolute(site.config.base_url, post.url)
    item: dict[str, Any] = {
        "id": url, "url": url, "title": post.title, "content_html": absolute_links(post.html, url),
        "image": absolute(site.config.base_url, card_url(post)),
        "date_published": post.date.isoformat() if post.date else None,
    }
    if post.summary:
        item["summary"] = post.summary
    tags = [t.name for t in post.tags if t.url] + [c.name for c in post.emotions if c.url]
    if tags:
        item["tags"] = tags
    return item
