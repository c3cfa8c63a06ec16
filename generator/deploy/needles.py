"""Work out what the audit looks for, from the raw source files alone: never from the site model.

The audit is a second line behind the structural filter, so it must not trust what the first line
made. It reads the writer's files again, as text:

- what may be public: the words of the public and unlisted entries (their front matter and body,
  minus the private blocks and comments found by regions.py), of site.toml, of the templates, of
  the shipped themes the site uses (generator/themes/) and of Footfall's own source (month names, labels, the
  vocabulary). The site's own static/ is not in it: a static file is searched like any other.
- what must stay private: every word of a private entry's file (front matter and body), and the
  private blocks and comments of shared ones.

A needle is a private word that nothing public holds (long enough to mean something), or a
phrase of SHINGLE words around a shorter one; ordinary words shared with public text never become
needles, so a private "Morning run" or About page cannot stop a public build that says "morning
run" or "about". URLs are needles in their own right: the private entry's page and the pages of
tags and emotions only private entries name, as paths, as absolute or root-relative URLs and as
links; and the bytes of the images private entries show.

An entry counts as private when the parsed entry says so or when its front matter, read here
without YAML, names any visibility but public or unlisted: a front matter reader that got it
wrong shows up as a leak rather than slipping through.
"""

from __future__ import annotations

import calendar
import hashlib
import importlib.util
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import ahocorasick

from generator import __version__
from generator.config import SiteConfig, user_cache_home
from generator.deploy.decoders import decode
from generator.deploy import source_facts
from generator.deploy.normalise import views, word_string
from generator.deploy.regions import split_private
from generator.deploy.source_facts import MIN_WORD, PUBLIC, Facts, Group, raw_visibility
from generator.deploy.text_search import OnePass, one_pass, phrase_keys
from generator.pipeline.entries import Entry
from generator.pipeline.site import url_of
from generator.pipeline.themes import SHIPPED_THEMES, Theme
from generator.urls import output_path
from generator.vocabulary import Vocabulary

GENERATOR_DIR = Path(__file__).resolve().parent.parent  # Footfall's own source: words it may write itself
WRITERS = ("markdown_it", "mdit_py_plugins", "feedgen")  # libraries whose own words reach pages ("footnote-backref")
SHINGLE = 3  # a shorter private word is looked for in the phrases of this many words around it
MAX_ALLOWED_FILE = 4 * 1024 * 1024  # larger theme or source files are not read for allowed words
WORDS_FOLDER = "audit-words"  # in the user's cache: the words of Footfall's own files, one file per install and themes
WORDS_KEPT = 8  # so many of those files are kept, the newest


@dataclass(frozen=True, slots=True)
class Needle:
    """A piece of private text to look for."""

    text: str  # what is looked for, as shown in the report
    source: str  # the entry it belongs to, relative to content/
    what: str  # what it is: "a private word", "the URL", ...


@dataclass
class Needles:
    """Everything the audit looks for, ready to search in one pass per text."""

    words: ahocorasick.Automaton  # " word " and " a few words " -> (Needle, ...)
    urls: ahocorasick.Automaton  # folded absolute and root-relative URLs -> (the URL, Needle)
    pages: dict[str, Needle] = field(default_factory=dict)  # private URL paths ("/help/") -> Needle, for links
    page_ends: set[str] = field(default_factory=set)  # the last segments of those paths ("help"), to skip others fast
    folders: dict[str, Needle] = field(default_factory=dict)  # output folders ("help/") only private pages have
    names: dict[str, Needle] = field(default_factory=dict)  # image file names only private entries use
    files: dict[tuple[int, str], Needle] = field(default_factory=dict)  # (size, sha256) of private images
    count: int = 0  # how many needles in all
    scan: OnePass | None = None  # the one-pass search of a text (text_search.py); None: search the plain way


@dataclass(frozen=True, slots=True)
class Source:
    """One entry read again from disk."""

    entry: Entry
    text: str  # the whole file
    private: bool  # in neither the public nor the unlisted part of the site


def read_sources(entries: Iterable[Entry], cfg: SiteConfig) -> list[Source]:
    """Return every entry with its raw text and whether it is private (by either reading)."""
    sources = []
    for entry in entries:
        try:
            text = entry.source.read_bytes().decode("utf-8-sig", "replace")
        except OSError:
            text = f"{entry.title}\n{entry.intention}\n{entry.summary}\n{entry.body}"
        sources.append(Source(entry, text, entry.visibility not in PUBLIC or raw_visibility(text, cfg) not in PUBLIC))
    return sources


# --- what may be public -----------------------------------------------------------------------------

def allowed_words(sources: Iterable[Source], cfg: SiteConfig, vocabulary: Vocabulary, theme: Theme) -> set[str]:
    """Return every folded word the public build may hold without it being a leak."""
    allowed = set(footfall_words(tuple(shipped_folders(theme)), user_cache_home() / WORDS_FOLDER))
    add_words(allowed, "\n".join(site_texts(cfg, vocabulary, theme)))
    for source in sources:
        if not source.private:
            add_words(allowed, split_private(source.text).public)
            add_words(allowed, url_of(source.entry, cfg))
    return allowed


def add_words(into: set[str], text: str) -> None:
    """Add the folded words of a text, as written and as read without markup."""
    for view in views(text):
        into.update(word_string(view).split())


def site_texts(cfg: SiteConfig, vocabulary: Vocabulary, theme: Theme) -> Iterator[str]:
    """Yield the writer's settings and templates, and the vocabulary: never an entry, never a site static file."""
    yield " ".join(f"{f.name} {f.slug}" for f in vocabulary.families)
    yield " ".join(f"{e.name} {e.slug}" for e in vocabulary.emotions)
    yield " ".join(vocabulary.words)
    yield " ".join((cfg.title, cfg.author, cfg.description, cfg.hashtag, cfg.base_url, cfg.language))
    if cfg.path.is_file():
        yield cfg.path.read_text("utf-8", "replace")
    for folder in theme.template_dirs:
        if not folder.is_relative_to(SHIPPED_THEMES):
            yield from _folder_texts(folder)
    for folder in theme.folders:
        if (folder / "theme.toml").is_file():
            yield (folder / "theme.toml").read_text("utf-8", "replace")


def shipped_folders(theme: Theme) -> list[Path]:
    """Return the folders of Footfall itself whose words pages may hold: its source, libraries, shipped themes."""
    return [GENERATOR_DIR, *library_folders(), *(f for f in theme.folders if f.is_relative_to(SHIPPED_THEMES))]


def footfall_words(folders: tuple[Path, ...], cache: Path) -> frozenset[str]:
    """Return the words of Footfall's own files, kept (in memory and in the user's cache folder) while none changes.

    They are made from the installed code alone, so they are kept with it, in the cache of the user
    who runs Footfall, never in a site's cache: a journal that is copied or cloned brings none.
    """
    stamp = hashlib.sha256(__version__.encode())
    for folder in folders:
        for path in _own_files(folder):
            status = path.stat()
            stamp.update(f"{path}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
    key = stamp.hexdigest()[:24]
    kept = cache / f"words-{key}.json"
    try:
        return frozenset(json.loads(kept.read_text("utf-8")))
    except (OSError, ValueError):
        pass
    words = _read_words(key, folders)
    _keep(kept, sorted(words))
    return words


@lru_cache(maxsize=2)
def _read_words(key: str, folders: tuple[Path, ...]) -> frozenset[str]:
    """Return the words of some folders of Footfall's own (`key` names their state)."""
    words: set[str] = set()
    add_words(words, " ".join([*calendar.month_name, *calendar.month_abbr, *calendar.day_name, *calendar.day_abbr]))
    for folder in folders:
        add_words(words, "\n".join(_folder_texts(folder)))
    return frozenset(words)


def _keep(path: Path, words: list[str]) -> None:
    """Write the words to the cache beside the few newest others; a cache that cannot be written is no error.

    Each install and each choice of shipped themes has its own file; the oldest go first.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(words), "utf-8")
        os.replace(temporary, path)
        others = sorted(path.parent.glob("words-*.json"), key=lambda old: old.stat().st_mtime_ns, reverse=True)
        for old in others[WORDS_KEPT:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def library_folders() -> list[Path]:
    """Return the folders of the libraries that write parts of the pages."""
    folders = []
    for name in WRITERS:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin:
            folders.append(Path(spec.origin).parent)
    return folders


def _own_files(folder: Path) -> Iterator[Path]:
    """Yield the files of a folder, leaving out compiled code and, in Footfall's source, the shipped themes
    (those are read one by one: only the themes the site uses)."""
    inside_themes = folder.is_relative_to(SHIPPED_THEMES)
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and (inside_themes or not path.is_relative_to(SHIPPED_THEMES)):
            yield path


def _folder_texts(folder: Path) -> Iterator[str]:
    """Yield the names and texts of the files in a folder of templates, a shipped theme or Footfall's source."""
    for path in _own_files(folder):
        if path.stat().st_size > MAX_ALLOWED_FILE:
            continue
        yield path.relative_to(folder).as_posix()
        yield from decode(path.read_bytes()).texts  # a shipped font's names and licence too


# --- what must stay private -------------------------------------------------------------------------

class NeedleMaker:
    """Gathers the needles of one audit."""

    def __init__(self, allowed: set[str], cfg: SiteConfig) -> None:
        self.allowed = allowed
        self.cfg = cfg
        self.words: dict[str, list[Needle]] = {}
        self.urls: dict[str, Needle] = {}
        self.shorts: set[str] = set()  # the short private words phrases are made around
        self.needles = Needles(ahocorasick.Automaton(), ahocorasick.Automaton())

    def private_text(self, text: str, source: str, what: str, minimum: int = MIN_WORD) -> None:
        """Add the private-only words of a text, and the phrases around its shorter private-only words."""
        for view in views(text):
            found = word_string(view).split()
            for index, word in enumerate(found):
                if word in self.allowed or word.isdigit():
                    continue
                if sum(char.isalpha() for char in word) >= minimum:
                    self._add(f" {word} ", source, f"the private word of {what}")
                elif len(word) > 1 and word.isalpha():
                    self._phrases(found, index, source, what)

    def private_group(self, facts: Facts, group: Group) -> None:
        """Add the needles of a group of words a file keeps private (as private_text does with its text)."""
        for word in sorted(set(group.long.split()).difference(self.allowed)):  # group.long is sorted already
            self._add(f" {word} ", facts.rel, f"the private word of {group.what}")
        shorts = set(group.short.split()) - self.allowed
        if shorts:  # rare: a short word no public text holds; its phrases need the words in their order
            for found in source_facts.view_words(source_facts.group_text(facts, group)):
                for index, word in enumerate(found):
                    if word in shorts:
                        self._phrases(found, index, facts.rel, group.what)

    def _phrases(self, found: list[str], index: int, source: str, what: str) -> None:
        """Add the phrases of SHINGLE words around the word at `index`."""
        self.shorts.add(found[index])
        for start in range(max(0, index - SHINGLE + 1), index + 1):
            phrase = found[start:start + SHINGLE]
            if len(phrase) == SHINGLE:
                self._add(f" {' '.join(phrase)} ", source, f"a private phrase of {what}")

    def _add(self, key: str, source: str, what: str) -> None:
        """Add one word needle (the first source to hold it is the one reported)."""
        if key not in self.words:
            self.words[key] = [Needle(key.strip(), source, what)]

    def url(self, url: str, source: str, what: str, public_folders: set[str]) -> None:
        """Add a private page's URL: its output folder, absolute and root-relative forms, links to it."""
        needle = Needle(url, source, what)
        folder = output_path(url).rsplit("/", 1)[0] + "/"
        if folder.casefold() not in public_folders:
            self.needles.folders.setdefault(folder.casefold(), needle)
        self.needles.pages.setdefault(url.casefold(), needle)
        self.needles.page_ends.add(url.casefold().rstrip("/").rsplit("/", 1)[-1])
        self.exact(self.cfg.base_url.rstrip("/") + url, needle)
        self.exact(url, needle)

    def exact(self, text: str, needle: Needle) -> None:
        """Add a string looked for as written (case aside), never inside a longer URL or number.

        URLs come in here; so will the coordinates of private routes, written as a map or a GPX
        file would write them (a later change: `route_needles` below is where they are made).
        """
        self.urls.setdefault(text.casefold(), needle)

    def private_file(self, path: Path, source: str) -> None:
        """Add the bytes of an image a private entry shows."""
        try:
            data = path.read_bytes()
        except OSError:
            return
        key = (len(data), hashlib.sha256(data).hexdigest())
        self.needles.files.setdefault(key, Needle(path.name, source, "the image file"))

    def finish(self) -> Needles:
        """Return the needles, their automatons made."""
        for key, found in self.words.items():
            self.needles.words.add_word(key, tuple(found))
        for key, needle in self.urls.items():
            self.needles.urls.add_word(key, (key, needle))
        for automaton in (self.needles.words, self.needles.urls):
            if len(automaton):
                automaton.make_automaton()
        phrases = [key for key in self.words if " " in key.strip()]
        self.needles.scan = one_pass(self.words, self.urls, phrase_keys(phrases, self.shorts))
        self.needles.count = (len(self.words) + len(self.urls) + len(self.needles.folders) + len(self.needles.names)
                              + len(self.needles.files))
        return self.needles


def derive(entries: Iterable[Entry], cfg: SiteConfig, vocabulary: Vocabulary, theme: Theme) -> Needles:
    """Return the needles of a site, worked out from its source files (each file's facts kept by its bytes)."""
    site_text = "\n".join(site_texts(cfg, vocabulary, theme))
    facts = source_facts.gather(entries, cfg, vocabulary, site_text)
    allowed = set(footfall_words(tuple(shipped_folders(theme)), user_cache_home() / WORDS_FOLDER))
    add_words(allowed, site_text)
    for shared in facts:
        if not shared.private:
            allowed.update(shared.allowed.split())
    maker = NeedleMaker(allowed, cfg)
    public_urls = {f.url for f in facts if not f.private}
    public_folders = url_folders(public_urls)
    public_images = [(Path(f.path).parent, name) for f in facts if not f.private for name in f.images]
    public_names = {name.casefold() for _, name in public_images}
    public_files = {(folder / name).resolve() for folder, name in public_images}
    for found in facts:
        if found.private:
            _private_entry(maker, found, public_folders, public_names, public_files)
        else:
            for group in found.groups:
                maker.private_group(found, group)
    _private_terms(maker, facts, public_folders)
    return maker.finish()


def url_folders(urls: Iterable[str]) -> set[str]:
    """Return the output folders (folded) of some URLs and of every folder above them ("2026/", "2026/03/", ...)."""
    folders: set[str] = set()
    for url in urls:
        end = url.find("/")
        while end >= 0:
            folders.add(url[1:end + 1].casefold())
            end = url.find("/", end + 1)
    return folders


def _private_entry(maker: NeedleMaker, facts: Facts, public_folders: set[str], public_names: set[str],
                   public_files: set[Path]) -> None:
    """Add the needles of one private entry: its words and names', URL, image names and image bytes."""
    rel = facts.rel
    for group in facts.groups:
        maker.private_group(facts, group)
    maker.url(facts.url, rel, "the URL of a private entry", public_folders)
    for text, what in route_needles(facts):
        maker.exact(text, Needle(text, rel, what))
    for name in facts.images:
        if name.casefold() not in public_names:
            maker.needles.names.setdefault(name.casefold(), Needle(name, rel, "the file name of a private image"))
        path = Path(facts.path).parent / name
        if "%" not in name and path.resolve() not in public_files:  # one a public story shows is published on purpose
            maker.private_file(path, rel)


def route_needles(facts: Facts) -> Iterator[tuple[str, str]]:
    """Yield (text, what) for the places of a private entry's route: none yet (recorded coordinates are searched apart)."""
    return iter(())


def _private_terms(maker: NeedleMaker, facts: list[Facts], public_folders: set[str]) -> None:
    """Add the pages of the tags and emotions that only private entries name."""
    named: dict[str, set[str]] = {"public": set(), "private": set()}
    first: dict[str, str] = {}
    for found in facts:
        side = "private" if found.private else "public"
        for folder in found.terms:
            named[side].add(folder)
            if found.private:
                first.setdefault(folder, found.rel)
    for folder in sorted(named["private"] - named["public"]):
        kind = "a tag" if folder.startswith("/tags/") else "an emotion"
        maker.url(folder, first[folder], f"the page of {kind} only private entries name", public_folders)
