"""What a public story needs to be shared: absolute URLs, its card, share links and JSON-LD."""

from __future__ import annotations

import json
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import units
from generator.config import SiteConfig
from generator.pipeline.site import Post
from generator.urls import absolute

if TYPE_CHECKING:  # cards load Pillow, which only builds that draw cards need
    from generator.outputs.cards import CardSpec, CardStyle

CARD_NAME = "card.png"  # a story's card sits beside its page
CARD_WIDTH, CARD_HEIGHT = 1200, 630
#: Mastodon has no central share URL; Share₂Fedi asks for the reader's instance and works without JavaScript.
MASTODON_SHARE = "https://s2f.kytta.dev/"


@dataclass(frozen=True, slots=True)
class ShareLink:
    """A link that opens a service's "new post" screen with the story filled in."""

    service: str  # short name for CSS, e.g. "bluesky"
    label: str  # link text, e.g. "Bluesky"
    url: str  # the share URL


def card_url(post: Post) -> str:
    """Return the site URL of a story's card."""
    return post.url + CARD_NAME


def card_path(post: Post) -> str:
    """Return the output path of a story's card."""
    return card_url(post).lstrip("/")


def long_date(post: Post) -> str:
    """Return a story's date like "14 March 2026"."""
    return units.long_date(post.date) if post.date else ""


def card_spec(post: Post, cfg: SiteConfig) -> CardSpec:
    """Return what a story's card shows: title, date, distance, emotions, site name and hashtag."""
    from generator.outputs.cards import CardSpec, Chip

    chips = tuple(Chip(c.name, c.family.colour, c.family.text_colour) for c in post.emotions)
    return CardSpec(title=post.title, date_text=long_date(post), distance_text=post.distance_text, chips=chips,
                    site_title=cfg.title, hashtag=cfg.hashtag)


def card_style(theme_folders: Sequence[Path]) -> CardStyle:
    """Return the card style of the most specific theme that sets a [card] table (else the base theme's)."""
    from generator.outputs.cards import load_card_style

    for folder in theme_folders:
        path = folder / "theme.toml"
        if path.is_file() and "[card]" in path.read_text("utf-8"):
            return load_card_style(folder)
    return load_card_style(theme_folders[-1])


def share_text(post: Post, cfg: SiteConfig | ShareSettings) -> str:
    """Return the text a share starts with: the title, then the site's hashtag."""
    return f"{post.title} #{cfg.hashtag}" if cfg.hashtag else post.title


_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~")  # what quote() keeps
_BYTE_QUOTED = [chr(b) if chr(b) in _SAFE else f"%{b:02X}" for b in range(256)]


def quote_all(text: str) -> str:
    """Return text percent-encoded as urllib.parse.quote(text, safe="") does (UTF-8), in fewer steps.

    ASCII text (the common case) has each of the few kinds of character to escape replaced in one
    pass each, "%" first, as the others bring in "%".
    """
    if not text.isascii():
        return "".join([_BYTE_QUOTED[b] for b in text.encode("utf-8")])
    unsafe = set(text).difference(_SAFE)
    if "%" in unsafe:
        text = text.replace("%", "%25")
        unsafe.discard("%")
    for char in unsafe:
        text = text.replace(char, _BYTE_QUOTED[ord(char)])
    return text


def _query(**params: str) -> str:
    """Return a query string with spaces as %20 (as mailto: and most intents expect), as urlencode(quote_via=quote)."""
    return "&".join(f"{quote_all(key)}={quote_all(value)}" for key, value in params.items())


def share_links(url: str, text: str, title: str) -> tuple[ShareLink, ...]:
    """Return the share links for a story at `url`."""
    with_url = f"{text} {url}"
    body = f"{text}\n\n{url}"
    return (
        ShareLink("email", "E-mail", f"mailto:?{_query(subject=title, body=body)}"),
        ShareLink("bluesky", "Bluesky", f"https://bsky.app/intent/compose?{_query(text=with_url)}"),
        ShareLink("mastodon", "Mastodon", f"{MASTODON_SHARE}?{_query(text=with_url)}"),
        ShareLink("x", "X", f"https://x.com/intent/post?{_query(text=text, url=url)}"),
        ShareLink("facebook", "Facebook", f"https://www.facebook.com/sharer/sharer.php?{_query(u=url)}"),
        ShareLink("whatsapp", "WhatsApp", f"https://wa.me/?{_query(text=with_url)}"),
    )


def card_alt(post: Post) -> str:
    """Return the text equivalent of a story's card."""
    facts = [long_date(post), post.distance_text,
             ", ".join(chip.name for chip in post.emotions)]
    return ": ".join([post.title, " · ".join(f for f in facts if f)]).rstrip(": ")


def story_data(post: Post, cfg: SiteConfig | ShareSettings) -> dict[str, Any]:
    """Return the schema.org BlogPosting of a story, with the run as an ExerciseAction."""
    url = absolute(cfg.base_url, post.url)
    author = {"@type": "Person", "name": cfg.author or cfg.title}
    run: dict[str, Any] = {"@type": "ExerciseAction", "exerciseType": "Running", "agent": author}
    if post.distance_text:
        run["distance"] = post.distance_text  # schema.org Distance: "<number> <unit>"
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "BlogPosting", "headline": post.title,
        "description": post.summary, "url": url, "mainEntityOfPage": url,
        "datePublished": post.date.isoformat() if post.date else None, "author": author,
        "image": {"@type": "ImageObject", "url": absolute(cfg.base_url, card_url(post)),
                  "width": CARD_WIDTH, "height": CARD_HEIGHT},
        "inLanguage": cfg.language, "wordCount": post.words,
        "keywords": [tag.name for tag in post.tags] or None,
        "isPartOf": {"@type": "Blog", "name": cfg.title, "url": cfg.base_url},
        "about": run,
    }
    return {key: value for key, value in data.items() if value not in (None, "")}


def script_json(data: dict[str, Any]) -> str:
    """Return JSON that is safe inside an HTML <script> element."""
    text = "".join(_indented(data, "\n"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _indented(value: Any, newline: str) -> list[str]:
    """Return the parts of json.dumps(value, ensure_ascii=False, indent=1), `newline` being the line break and the
    indent of the level the value starts at; values other than dicts, lists, text, whole numbers, truth values and
    None are left to json.dumps itself."""
    kind = type(value)
    if kind is str:
        return [encode_basestring(value)]
    if kind is int or kind is bool or value is None:
        return [json.dumps(value)] if kind is not int else [int.__repr__(value)]
    if (kind is not dict and kind is not list) or not value:
        return [json.dumps(value, ensure_ascii=False, indent=1).replace("\n", newline)]
    inner = newline + " "
    parts = ["{" if kind is dict else "["]
    items = value.items() if kind is dict else ((None, item) for item in value)
    for index, (key, item) in enumerate(items):
        parts.append(inner if index == 0 else "," + inner)
        if key is not None:
            if type(key) is not str:
                return [json.dumps(value, ensure_ascii=False, indent=1).replace("\n", newline)]
            parts.append(encode_basestring(key) + ": ")
        parts.extend(_indented(item, inner))
    parts.append(newline + ("}" if kind is dict else "]"))
    return parts


@dataclass(frozen=True, slots=True)
class ShareSettings:
    """The site settings a story's share data shows."""

    base_url: str  # absolute root URL, ending in "/"
    title: str  # the site's name
    author: str  # the writer's name ("" for none)
    hashtag: str  # without "#" ("" for none)
    language: str  # BCP 47 language of the writing

    @classmethod
    def of(cls, cfg: SiteConfig) -> ShareSettings:
        """Return the share settings of a site."""
        return cls(cfg.base_url, cfg.title, cfg.author, cfg.hashtag, cfg.language)


@dataclass(frozen=True)
class StoryShare:
    """Everything a story page shows for sharing; made only for public builds.

    It holds what its parts are made from, the story and the site's settings, and makes each part
    the first time a page asks for it: a build plans every story's page but renders only those
    that changed, and the links and the JSON-LD are the costly parts.
    """

    post: Post  # the story
    settings: ShareSettings  # the site's settings it shows

    @cached_property
    def url(self) -> str:
        """Return the absolute URL of the story."""
        return absolute(self.settings.base_url, self.post.url)

    @cached_property
    def card_url(self) -> str:
        """Return the absolute URL of its 1200x630 card."""
        return absolute(self.settings.base_url, card_url(self.post))

    @cached_property
    def card_alt(self) -> str:
        """Return the text equivalent of the card."""
        return card_alt(self.post)

    @cached_property
    def text(self) -> str:
        """Return the share text: title and hashtag."""
        return share_text(self.post, self.settings)

    @cached_property
    def links(self) -> tuple[ShareLink, ...]:
        """Return the share links, which work without JavaScript."""
        return share_links(self.url, self.text, self.post.title)

    @cached_property
    def json_ld(self) -> str:
        """Return the JSON-LD BlogPosting, safe to put inside <script>."""
        return script_json(story_data(self.post, self.settings))


def story_share(post: Post, cfg: SiteConfig | ShareSettings) -> StoryShare:
    """Return the share data of one story of the public build (its parts are made when first read)."""
    return StoryShare(post, cfg if isinstance(cfg, ShareSettings) else ShareSettings.of(cfg))
