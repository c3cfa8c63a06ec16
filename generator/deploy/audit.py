"""The privacy audit: search every byte and path of the public output for text that must stay private.

Defence in depth on top of the structural filter in site.py. The audit learns what is distinctive
about the private text — private entries (titles, rare words and phrases, emotion and tag names,
image file names, URLs) and the `::: private` passages and HTML comments of shared stories — and
looks for it in every file and every path of the public output, in plain, HTML-escaped and
URL-encoded forms. Only words that never occur in what may legitimately be public (the public
stories, the site's settings, the theme and Footfall's own words) count, so common words never
raise false alarms.

Text is compared as sequences of case-folded tokens (runs of letters and digits). Every needle is
keyed by one token; a file is checked with one tokenising pass and one set intersection.
"""

from __future__ import annotations

import calendar
import html
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import chain, repeat
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes

from generator.config import SiteConfig
from generator.pipeline.entries import Entry
from generator.errors import Problem, error
from generator.outputs import search, search_bundle
from generator.outputs.images import metadata_text
from generator.outputs.sharing import CARD_NAME
from generator.pipeline.site import Post, Site, is_visible, url_of
from generator.pipeline.themes import Theme
from generator.urls import output_path, slugify
from generator.vocabulary import Vocabulary

GENERATOR_DIR = Path(__file__).resolve().parent.parent  # Footfall's own source: words it may write itself
TOKEN = re.compile(r"\w+")  # letters and digits, any script (after "_" became a space)
MIN_BODY_WORD = 6  # a word from a body or intention counts when it is this long
MIN_NAME_WORD = 4  # a word from a title, name, slug or file name counts when it is this long
SHINGLE = 3  # phrases around a short private-only word are this many words long
PARALLEL_BYTES = 16 * 1024 * 1024  # scan in worker processes, one per this much output
FOOTFALL_NAMES = (CARD_NAME, "index.html", "feed.xml", "feed.json")  # file names Footfall gives its own files
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_TAG_NAME = re.compile(r"</?[A-Za-z][\w:-]*")  # so that "by the <em>weir</em>" reads "by the weir"
_SOURCE_ESCAPE = re.compile(r"\\[nrtbfv0]")
_PERCENT = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_IMAGE_REF = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")
_FENCE = re.compile(r"^ {0,3}:{3,}\s*private\s*$.*?^ {0,3}:{3,}\s*$", re.MULTILINE | re.DOTALL | re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Needle:
    """A piece of private text to look for."""

    words: tuple[str, ...]  # case-folded tokens, in order
    source: str  # the entry it belongs to, relative to content/
    what: str  # what it is, for the report: "title", "word", "phrase", "URL", ...


@dataclass(frozen=True, slots=True)
class Needles:
    """Every needle, keyed by its most distinctive token."""

    by_key: Mapping[str, tuple[Needle, ...]]  # token -> the needles that hold it
    paths: Mapping[str, Needle]  # output path prefixes that only private entries may have
    names: Mapping[str, Needle]  # case-folded file names that only private entries use
    #: token -> the phrases that hold it, grouped by (the token's place in the phrase, phrase length)
    phrases: Mapping[str, Mapping[tuple[int, int], frozenset[tuple[str, ...]]]] = field(init=False)

    def __post_init__(self) -> None:
        phrases: dict[str, dict[tuple[int, int], set[tuple[str, ...]]]] = {}
        for key, needles in self.by_key.items():
            for needle in needles:
                if len(needle.words) > 1:
                    shape = (needle.words.index(key), len(needle.words))
                    phrases.setdefault(key, {}).setdefault(shape, set()).add(needle.words)
        object.__setattr__(self, "phrases", {key: {shape: frozenset(words) for shape, words in groups.items()}
                                             for key, groups in phrases.items()})

    @property
    def count(self) -> int:
        """Return the number of needles."""
        return sum(len(v) for v in self.by_key.values()) + len(self.paths) + len(self.names)


@dataclass(frozen=True, slots=True)
class Leak:
    """Private text found in the public output."""

    path: str  # output file, relative to the output folder
    needle: Needle
    in_path: bool = False  # found in the file's path rather than its bytes

    def problem(self, output: Path) -> Problem:
        """Return the Problem that reports this leak."""
        where = "the file name" if self.in_path else "the file"
        found = " ".join(self.needle.words)
        return error(output / self.path, None, f"privacy audit: {where} holds {self.needle.what} \"{found}\" "
                     f"of the private content of {self.needle.source}",
                     "take it out of the public story or template that shows it, or make the entry public "
                     "on purpose; if neither shows it, report a bug")


def tokens(text: str) -> list[str]:
    """Return the case-folded tokens of a text."""
    return TOKEN.findall(text.casefold().replace("_", " "))


# --- what may be public ---------------------------------------------------------------------------

def public_texts(site: Site) -> Iterator[str]:
    """Yield every text of the public site model (what its pages, feeds and cards may show)."""
    cfg = site.config
    yield from (cfg.title, cfg.author, cfg.description, cfg.hashtag, cfg.base_url, cfg.language)
    for post in (*site.posts, *site.pages):
        yield from _post_texts(post)
    for term in (*site.tags, *site.emotions):
        yield f"{term.name} {term.slug} {term.url}"


def _post_texts(post: Post) -> Iterator[str]:
    """Yield the texts of one public post."""
    yield from (post.title, post.summary, post.html, post.intention, post.url, post.distance_text,
                post.duration_text, post.pace_text, post.date.isoformat() if post.date else "")
    yield " ".join(f"{c.name} {c.slug}" for c in post.emotions)
    yield " ".join(f"{t.name} {t.slug}" for t in post.tags)
    yield " ".join(a.name for a in post.assets)
    yield " ".join((post.body_scan, *post.thoughts))


def fixed_texts(vocabulary: Vocabulary) -> Iterator[str]:
    """Yield words Footfall writes on its own: month and day names, the feelings vocabulary."""
    yield " ".join([*calendar.month_name, *calendar.month_abbr, *calendar.day_name, *calendar.day_abbr])
    yield " ".join(f"{f.name} {f.slug}" for f in vocabulary.families)
    yield " ".join(f"{e.name} {e.slug}" for e in vocabulary.emotions)
    yield " ".join(vocabulary.words)


def file_texts(folders: Iterable[Path], files: Iterable[Path] = ()) -> Iterator[str]:
    """Yield the text of every file under some folders (themes, Footfall's source) and of some files."""
    for folder in folders:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file() and "__pycache__" not in path.parts:
                yield path.relative_to(folder).as_posix()  # static files are published under their names
                yield path.read_bytes().decode("utf-8", "replace")
    for path in files:
        if path.is_file():
            yield path.read_bytes().decode("utf-8", "replace")


def allowed_words(texts: Iterable[str]) -> frozenset[str]:
    """Return every token of the texts that may be public."""
    words: set[str] = set()
    for text in texts:
        words.update(tokens(text))
        if "\\" in text:  # source code: "\nAllow" writes "Allow"
            words.update(tokens(_SOURCE_ESCAPE.sub(" ", text)))
        decoded = readable(text)
        if decoded != text:
            words.update(tokens(decoded))
    return frozenset(words)


# --- what must stay private -----------------------------------------------------------------------

class _Collector:
    """Gathers needles for one audit."""

    def __init__(self, allowed: frozenset[str]) -> None:
        self.allowed = allowed
        self.by_key: dict[str, dict[tuple[str, ...], Needle]] = {}
        self.paths: dict[str, Needle] = {}
        self.names: dict[str, Needle] = {}

    def private_only(self, word: str, minimum: int) -> bool:
        """Return True for a word of letters, long enough, that nothing public uses."""
        return len(word) >= minimum and word.isalpha() and word not in self.allowed

    def add(self, words: tuple[str, ...], source: str, what: str, *, require_private: bool = True) -> None:
        """Add a token sequence keyed by its most distinctive token."""
        private = [w for w in words if w not in self.allowed and not w.isdigit()]
        if not words or (require_private and not private):
            return
        key = max(private or words, key=lambda w: (w.isalpha(), len(w)))
        self.by_key.setdefault(key, {}).setdefault(words, Needle(words, source, what))

    def add_text(self, text: str, source: str, what: str, minimum: int) -> None:
        """Add the private-only words of a text, and the phrases around its shorter private-only words."""
        found = tokens(text)
        unknown = {w for w in set(found).difference(self.allowed) if w.isalpha() and len(w) >= 2}
        if not unknown:
            return
        for index in [i for i, word in enumerate(found) if word in unknown]:
            word = found[index]
            if len(word) >= minimum:
                self.add((word,), source, f"the word in {what}")
                continue
            for start in range(max(0, index - SHINGLE + 1), index + 1):
                shingle = tuple(found[start:start + SHINGLE])
                if len(shingle) == SHINGLE:
                    self.add(shingle, source, f"a phrase of {what}")

    def add_name(self, name: str, source: str, what: str) -> None:
        """Add a title, emotion, tag or file name: its private-only words and the whole name."""
        words = tuple(tokens(name))
        for word in words:
            if self.private_only(word, MIN_NAME_WORD):
                self.add((word,), source, f"a word of {what}")
        if len(words) > 1:
            self.add(words, source, what)

    def result(self) -> Needles:
        """Return the needles gathered."""
        paths = {path.casefold(): needle for path, needle in self.paths.items()}
        return Needles({k: tuple(v.values()) for k, v in self.by_key.items()}, paths, dict(self.names))


def image_names(body: str) -> list[str]:
    """Return the relative image file names a Markdown body refers to."""
    names = (unquote(m.group(1)).rsplit("/", 1)[-1] for m in _IMAGE_REF.finditer(body))
    return [n for n in names if n and "://" not in n]


def private_passages(body: str) -> str:
    """Return the text of the `::: private` blocks and HTML comments of a body."""
    return "\n".join([*_FENCE.findall(body), *_COMMENT.findall(body)])


def collect_needles(entries: Iterable[Entry], site: Site, allowed: frozenset[str],
                    vocabulary: Vocabulary) -> Needles:
    """Return the needles of the private entries and of the private passages of shared ones."""
    collector = _Collector(allowed)
    public_urls = {p.url for p in (*site.posts, *site.pages)}
    public_names = {a.name.rsplit("/", 1)[-1].casefold() for p in (*site.posts, *site.pages) for a in p.assets}
    terms = {f"tags/{t.slug}/" for t in site.tags} | {f"emotions/{e.slug}/" for e in site.emotions}
    url_words = f" {' | '.join(' '.join(tokens(url)) for url in sorted(public_urls))} "
    for entry in entries:
        if is_visible(entry, "public") and url_of(entry, site.config) in public_urls:
            collector.add_text(private_passages(entry.body), entry.rel, "a private passage", MIN_BODY_WORD)
        else:
            _private_entry(collector, entry, site.config, vocabulary, public_names, terms, url_words)
    public_folders = {url[1:end + 1] for url in public_urls for end in range(len(url)) if url[end] == "/"}
    collector.paths = {p: n for p, n in collector.paths.items() if p not in public_folders}
    return collector.result()


def _private_entry(collector: _Collector, entry: Entry, cfg: SiteConfig, vocabulary: Vocabulary,
                   public_names: set[str], public_terms: set[str], public_url_words: str) -> None:
    """Add the needles of one private entry.

    Its URL's words are a needle unless a public URL holds them all in a row: the private
    /2014/11/24/running-with-sam/ says nothing that the public /2014/11/24/running-with-sam-2/ does not.
    """
    source = entry.rel
    collector.add_name(entry.title, source, "the title")
    for text, what in ((entry.body, "the text"), (entry.intention, "the intention"), (entry.summary, "the summary"),
                       (entry.body_scan, "the body scan")):
        collector.add_text(text, source, what, MIN_BODY_WORD)
    url = url_of(entry, cfg)
    url_tokens = tuple(tokens(url))
    if f" {' '.join(url_tokens)} " not in public_url_words:
        collector.add(url_tokens, source, "the URL", require_private=False)
    collector.paths[output_path(url).rsplit("/", 1)[0] + "/"] = Needle(tuple(tokens(url)), source, "the URL")
    for thought in entry.thoughts:
        collector.add_name(thought, source, "a thought label")
    for kind, names in (("emotions", entry.emotions), ("tags", entry.tags)):
        for name in names:
            collector.add_name(name, source, f"the {kind[:-1]}")
            slug = vocabulary.normalise(name).slug if kind == "emotions" else slugify(name, "tag")
            folder = f"{kind}/{slug}/"
            if folder not in public_terms:
                collector.paths.setdefault(folder, Needle(tuple(tokens(folder)), source, f"the {kind[:-1]} page"))
    for name in image_names(entry.body):
        collector.add_name(name, source, "the image file name")
        if name.casefold() not in public_names:
            collector.names.setdefault(name.casefold(), Needle(tuple(tokens(name)), source, "the image file name"))


# --- searching the output -------------------------------------------------------------------------

def file_text(data: bytes, relpath: str) -> str:
    """Return the text to search in a file: its metadata for an image, the text of a search index file,
    else its bytes made readable."""
    if relpath.lower().endswith(IMAGE_SUFFIXES):
        text = metadata_text(data)
    elif relpath.endswith(".pf_index"):
        text = ""  # word stems of the pages in the fragments, which are searched in full
    elif search.is_bundle_data(relpath):
        text = search_bundle.readable_text(data)
    else:
        text = None
    return readable(data.decode("utf-8", "replace") if text is None else text)


def readable(text: str) -> str:
    """Return text with JSON, HTML and URL escapes undone and markup tag names dropped."""
    if "\\u" in text:
        text = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    if "&" in text:
        text = html.unescape(text)
    if "<" in text:
        text = _TAG_NAME.sub(" ", text)
    if "%" in text:
        text = _PERCENT.sub(_unquote_run, text)
    return text


def _unquote_run(match: re.Match[str]) -> str:
    """Return a run of %XX escapes decoded, or as it was when it is not UTF-8 (so "100%effort" stays)."""
    try:
        return unquote_to_bytes(match.group(0)).decode("utf-8")
    except UnicodeDecodeError:
        return match.group(0)


def find_in_text(text: str, needles: Needles) -> Iterator[Needle]:
    """Yield the needles found in one text: one tokenising pass, one set intersection, then phrases."""
    found = tokens(text)
    phrase_keys: set[str] = set()
    for key in needles.by_key.keys() & set(found):
        for needle in needles.by_key[key]:
            if len(needle.words) == 1:
                yield needle
            else:
                phrase_keys.add(key)
    if not phrase_keys:
        return
    places: dict[str, list[int]] = {key: [] for key in phrase_keys}
    for index in [i for i, word in enumerate(found) if word in phrase_keys]:
        places[found[index]].append(index)
    for key in sorted(phrase_keys):
        seen: set[tuple[str, ...]] = set()
        for (before, size), phrases in needles.phrases[key].items():
            around = {tuple(found[place - before:place - before + size]) for place in places[key] if place >= before}
            seen.update(around & phrases)
        yield from (needle for needle in needles.by_key[key] if len(needle.words) > 1 and needle.words in seen)


def find_in_path(relpath: str, needles: Needles) -> Iterator[Needle]:
    """Yield the needles found in an output path."""
    folded = relpath.casefold()
    for end, char in enumerate(folded):
        if char == "/" and folded[:end + 1] in needles.paths:
            yield needles.paths[folded[:end + 1]]
    name = folded.rsplit("/", 1)[-1]
    if name in needles.names and not folded.startswith("static/") and name not in FOOTFALL_NAMES:
        yield needles.names[name]
    yield from find_in_text(relpath, needles)


def scan(files: Sequence[tuple[str, Path]], needles: Needles, *, workers: int | None = None) -> list[Leak]:
    """Return every leak in output files given as (path relative to the output, file on disk)."""
    size = sum(path.stat().st_size for relpath, path in files if not relpath.lower().endswith(IMAGE_SUFFIXES))
    workers = min(workers or os.cpu_count() or 1, max(1, size // PARALLEL_BYTES))
    if workers < 2:
        return _scan_files(files, needles)
    chunks = [files[start::workers] for start in range(workers)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        found = [leak for part in pool.map(_scan_files, chunks, repeat(needles)) for leak in part]
    order = {relpath: index for index, (relpath, _) in enumerate(files)}
    return sorted(found, key=lambda leak: order[leak.path])


def _scan_files(files: Sequence[tuple[str, Path]], needles: Needles) -> list[Leak]:
    """Return the leaks in some files, one after the other."""
    return [leak for relpath, path in files for leak in scan_file(relpath, path.read_bytes(), needles)]


def scan_file(relpath: str, data: bytes, needles: Needles) -> list[Leak]:
    """Return the leaks in one file's path and bytes."""
    leaks: list[Leak] = []
    seen: set[Needle] = set()
    for needle in find_in_path(relpath, needles):
        if needle not in seen:
            seen.add(needle)
            leaks.append(Leak(relpath, needle, in_path=True))
    for needle in find_in_text(file_text(data, relpath), needles):
        if needle not in seen:
            seen.add(needle)
            leaks.append(Leak(relpath, needle))
    return leaks


def folder_files(folder: Path) -> list[tuple[str, Path]]:
    """Return every file under an output folder, in a stable order."""
    return [(p.relative_to(folder).as_posix(), p) for p in sorted(folder.rglob("*")) if p.is_file()]


def audit_files(files: Sequence[tuple[str, Path]], output: Path, site: Site, entries: Iterable[Entry],
                vocabulary: Vocabulary, theme: Theme, config_path: Path) -> list[Problem]:
    """Return a problem for every piece of private text found in the public output files."""
    needles = collect_needles(entries, site, public_words(site, vocabulary, theme, config_path), vocabulary)
    language = site.config.language
    files = [(relpath, path) for relpath, path in files
             if not search.is_runtime_file(relpath, path.read_bytes() if relpath.startswith(search.BUNDLE + "/") else b"",
                                           language)]
    from generator.outputs.route_needles import coordinate_problems  # recorded routes' coordinates, in any format

    return leak_problems(scan(files, needles), output) + coordinate_problems(files, output, site.config, file_text)


def public_words(site: Site, vocabulary: Vocabulary, theme: Theme, config_path: Path) -> frozenset[str]:
    """Return every word the public build may hold: its stories, settings, theme and Footfall's own words."""
    folders = [*theme.folders, *theme.template_dirs, *theme.static_dirs, GENERATOR_DIR]
    texts = chain(public_texts(site), fixed_texts(vocabulary), file_texts(folders, [config_path]))
    return allowed_words(texts)


def leak_problems(leaks: list[Leak], output: Path, limit: int = 25) -> list[Problem]:
    """Return one problem per leak (up to limit), and one more saying how many were left out."""
    problems = [leak.problem(output) for leak in leaks[:limit]]
    if len(leaks) > limit:
        problems.append(error(output, None, f"privacy audit: {len(leaks) - limit} more leak(s) not shown"))
    return problems
