"""The producers of the files that are not pages: static files, images, crawler files, timeline, feeds,
redirects, cards.

Each names the paths it will write with the input each comes from (`claims`), so that the
registry can refuse two producers of one path before anything is made, and then makes them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from generator.config import SiteConfig
from generator.errors import Problem
from generator.outputs import feeds, redirects, sharing
from generator.outputs.files import Data, FileProducer, Keyed, Making, ProducerFailed
from generator.pipeline import timeline
from generator.pipeline.markdown import Asset
from generator.urls import output_path


def source_name(cfg: SiteConfig, path: Path) -> str:
    """Return a file's path as the writer knows it: relative to the site folder when inside it."""
    try:
        return path.relative_to(cfg.root).as_posix()
    except ValueError:
        return str(path)


def entry_name(cfg: SiteConfig, key: str) -> str:
    """Return the path of an entry's file (its key is relative to content/, which is the site folder's `content`)."""
    return f"{cfg.content_dir.name}/{key}"  # what source_name gives, without pathlib for every page


def static_claims(making: Making) -> Iterator[tuple[str, str]]:
    """Claim the theme's and the site's static files."""
    for item in making.inputs.static.values():
        yield item.output, f"the static file {source_name(making.inputs.config, item.source)}"


def static_files(making: Making) -> Iterator[tuple[str, Data]]:
    """Yield the theme's static files (the site's own static/ wins), CSS and JS under fingerprinted names."""
    for item in making.inputs.static.values():
        yield item.output, item.source


def _assets(making: Making) -> Iterator[tuple[str, str, Asset]]:
    """Yield (output path, entry key, asset) for every image beside a post of this build."""
    for post in (*making.site.posts, *making.site.pages):
        if not post.assets:
            continue
        folder = output_path(post.url).rsplit("/", 1)[0]
        for asset in post.assets:
            yield f"{folder}/{asset.name}", post.key, asset


def asset_claims(making: Making) -> Iterator[tuple[str, str]]:
    """Claim the images beside each post."""
    cfg = making.inputs.config
    for path, key, asset in _assets(making):
        made_from = f" (resized from {asset.made_from})" if asset.made_from and asset.made_from != asset.name else ""
        yield path, f"the image {asset.name}{made_from} of {entry_name(cfg, key)}"


def asset_files(making: Making) -> Iterator[tuple[str, Data]]:
    """Yield the images beside each post of this build."""
    for path, _, asset in _assets(making):
        yield path, asset.source


def _recordings(making: Making) -> Iterator[tuple[str, str, Path]]:
    """Yield (output path, entry key, recording) for each run's recording: the journal's only."""
    if making.site.audience != "journal":
        return  # the public build never holds one
    for post in making.site.posts:
        if post.route is not None and post.route.source is not None:
            yield f"{output_path(post.url).rsplit('/', 1)[0]}/{post.route.recording}", post.key, post.route.source


def route_claims(making: Making) -> Iterator[tuple[str, str]]:
    """Claim each run's recording beside its page (the journal's only)."""
    cfg = making.inputs.config
    for path, key, source in _recordings(making):
        yield path, f"the recording {source.name} of {entry_name(cfg, key)}"


def route_files(making: Making) -> Iterator[tuple[str, Data]]:
    """Yield each run's recording beside its page: the journal's only (the public build never holds one)."""
    for path, _, source in _recordings(making):
        yield path, source


def crawler_claims(making: Making) -> Iterator[tuple[str, str]]:
    """Claim robots.txt and, for the public build, the sitemap."""
    yield "robots.txt", "robots.txt"
    if making.site.audience == "public":
        yield "sitemap.xml", "the sitemap"


def crawler_files(making: Making) -> Iterator[tuple[str, Data]]:
    """Yield robots.txt and, for the public build, the sitemap."""
    yield "robots.txt", feeds.robots_txt(making.site)
    if making.site.audience == "public":
        yield "sitemap.xml", feeds.sitemap_xml(making.site, list(making.planned))


def timeline_claims(making: Making) -> Iterator[tuple[str, str]]:
    """Claim timeline.json."""
    yield "timeline.json", "the timeline's data"


def timeline_files(making: Making) -> Iterator[tuple[str, Data]]:
    """Yield timeline.json: the emotional timeline of the listed runs, for themes to draw."""
    planned = next((item.context.get("timeline") for item in making.planned if item.url == "/timeline/"), None)
    drawn = planned if isinstance(planned, timeline.Timeline) else timeline.build_timeline(making.site)
    yield "timeline.json", timeline.timeline_json(drawn, making.site.config)


def feed_claims(making: Making) -> Iterator[tuple[str, str]]:
    """Claim the public build's Atom and JSON feeds, and each emotion's."""
    if making.site.audience != "public":
        return
    yield feeds.FEED_PATH.lstrip("/"), "the Atom feed"
    yield feeds.JSON_FEED_PATH.lstrip("/"), "the JSON feed"
    for term in making.site.emotions:
        yield feeds.emotion_feed_url(term).lstrip("/"), f"the feed of the emotion {term.name}"


def feed_files(making: Making) -> Iterator[tuple[str, Data]]:
    """Yield the public build's Atom and JSON feeds, each with its digest (feeds.feed_digests).

    A feed that `making.keep` keeps (the live one was made from the same stories and settings) is
    not made again: a body edit makes only the feeds that hold the edited story.
    """
    found = feeds.site_feeds(making.site)
    if not found:
        return
    digests = feeds.feed_digests(making.site, found)
    for feed in found:
        if not making.keep(feed.path, digests[feed.path]):
            yield feed.path, Keyed(digests[feed.path], feeds.feed_bytes(making.site, feed))


def _taken(making: Making) -> Iterator[str]:
    """Yield the paths of the build's pages (a live page wins over a redirect)."""
    return (item.path for item in making.planned)


def redirect_claims(making: Making) -> Iterator[tuple[str, str]]:
    """Claim a redirect page at every old URL of a shared story that moved (public build)."""
    for move in redirects.site_moves(making.site, _taken(making)):
        yield output_path(move.old), f"the redirect from {move.old} to {move.new} (published-urls.txt)"


def redirect_files(making: Making) -> Iterator[tuple[str, Data]]:
    """Yield the redirect pages of the public build (see outputs/redirects.py).

    Not body-free: it runs in every build that looks at anything. The ledger is no input of the
    scan, since the build itself rewrites it: only a URL change makes the ledger change.
    """
    yield from redirects.site_redirects(making.site, _taken(making))


def card_claims(making: Making) -> Iterator[tuple[str, str]]:
    """Claim a share card beside every story of the public build."""
    if making.site.audience != "public":
        return
    cfg = making.inputs.config
    for post in making.site.posts:
        yield sharing.card_path(post), f"the share card of {entry_name(cfg, post.key)}"


def card_files(making: Making) -> Iterator[tuple[str, Data]]:
    """Yield a 1200x630 share card beside every story of the public build, each with its key (card_store.card_keys).

    A card that `making.keep` keeps (the live one has that key) is neither drawn nor read; the rest
    come from the card cache, or are drawn. When any card was drawn, `making.cards_drawn["seconds"]`
    is the wall time from here until the last card was taken, its writing by whoever takes them
    included: what the cards cost the build.
    """
    site, inputs = making.site, making.inputs
    if site.audience != "public" or not site.posts:
        return
    start = time.perf_counter()
    try:
        style = sharing.card_style(inputs.theme.folders)
    except ValueError as exc:
        raise ProducerFailed(Problem(None, None, f"cannot draw share cards: {exc}",
                                     "fix the [card] table of the theme's theme.toml")) from exc
    from generator.outputs import card_store  # here: it loads Pillow, which only public builds need

    specs = {sharing.card_path(post): sharing.card_spec(post, inputs.config) for post in site.posts}
    keys = card_store.card_keys(specs, style)
    wanted = {path: spec for path, spec in specs.items() if not making.keep(path, keys[path])}
    for path, data in card_store.iter_cards(wanted, style, making.card_cache, keys=keys,
                                            workers=making.card_workers, drawn=making.cards_drawn,
                                            job_map=making.card_map):
        yield path, Keyed(keys[path], data)
    if making.cards_drawn.get("count"):
        making.cards_drawn["seconds"] = time.perf_counter() - start


THEME_STATIC = FileProducer("theme_static", static_claims, static_files, body_free=True)
ENTRY_ASSETS = FileProducer("entry_assets", asset_claims, asset_files)
ROUTE_FILES = FileProducer("route_files", route_claims, route_files)
CRAWLER_FILES = FileProducer("crawler_files", crawler_claims, crawler_files, body_free=True)
TIMELINE_DATA = FileProducer("timeline_data", timeline_claims, timeline_files, body_free=True)
FEED_FILES = FileProducer("feed_files", feed_claims, feed_files)
REDIRECT_PAGES = FileProducer("redirect_pages", redirect_claims, redirect_files)
#: A card shows a story's title, date, distance and emotions, the site's name and hashtag: never its body (a
#: title taken from a body's heading is part of the entry without its body, whose change is no body edit).
CARD_FILES = FileProducer("card_files", card_claims, card_files, body_free=True)
