"""What the audit reads of each source file, kept between builds by the digest of the file's bytes.

The needles are worked out from every entry file anew (needles.py), but one file says the same
whatever the others say: whether it is private, its URL, the pages of its tags and emotions, the
words its public part may show and the words it must keep private, the images it names. These
facts are read once per version of a file (an entry parsed by the audit's own call of the entry
reader, its private parts found by regions.py) and kept in the site's cache folder under the
digest of the file's bytes and of everything else they depend on: the audit's code, the site's
settings, templates and vocabulary. A changed file, setting or code reads the file again.

A file's stamp stands for its digest under the same rule as the output's (audit_record.py). The
facts are kept in SHARES files, each file's in the one its path falls in, so that an edit writes
again the facts of a few dozen files rather than of the whole journal.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from generator.config import SiteConfig
from generator.deploy.audit_record import code_digest, settled, stamp_of
from generator.deploy.normalise import views, word_string
from generator.deploy.regions import split_private
from generator.pipeline import entries as entry_reader
from generator.pipeline.discover import SourceFile, discover
from generator.pipeline.entries import Entry
from generator.pipeline.site import url_of
from generator.urls import slugify
from generator.vocabulary import Vocabulary

NAME = "sources-{:02d}.json"  # in the audit's cache folder, one file per share of the entry files
SHARES = 64  # an edit writes again only the share its file is in
MIN_WORD = 5  # a private word this long is a needle on its own
MIN_NAME_WORD = 4  # ... or this long, in a title, tag or emotion
PUBLIC = ("public", "unlisted")
_VISIBILITY = re.compile(r"""^["']?visibility["']?[ \t]*:[ \t]*(?:!!str[ \t]+)?["']?([^"'#\r\n]*)""",
                         re.MULTILINE | re.IGNORECASE)
_FRONT = re.compile(r"\A\ufeff?-{3,}[ \t]*\r?\n(.*?)^-{3,}[ \t]*$", re.MULTILINE | re.DOTALL)
_IMAGE_SUFFIX = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|avif|tiff?|bmp|heic)\b", re.IGNORECASE)
MAX_NAME = 255  # a file name is read backwards from its suffix at most this far
WHOLE, PASSAGES = "", "\0passages"  # the text a group of words came from, when it is not a name


@dataclass(frozen=True, slots=True)
class Group:
    """The words of one private text that may become needles, split by what they can be."""

    what: str  # "a private entry", "a private name", "a private passage"
    minimum: int  # letters a word needs to be a needle on its own
    long: str  # those words, joined by spaces
    short: str  # shorter words of letters alone (looked for in their phrases), joined by spaces
    text: str  # the name it came from, or WHOLE (the whole file) or PASSAGES (its private parts)


@dataclass(frozen=True, slots=True)
class Facts:
    """What one entry file tells the audit."""

    rel: str  # relative to content/
    path: str  # the file
    private: bool  # in neither the public nor the unlisted part of the site
    url: str  # its page
    terms: tuple[str, ...]  # the pages of its tags and emotions
    allowed: str  # a shared entry's public words (and its URL's), joined by spaces
    groups: tuple[Group, ...]  # the private words: the whole file's and names' (private), the passages' (shared)
    images: tuple[str, ...]  # the image names of the whole file (private) or of its public part (shared)


def raw_visibility(text: str, cfg: SiteConfig) -> str:
    """Return the visibility a file's front matter names, read as text (the least public if it names several)."""
    front = _FRONT.match(text)
    found = [m.group(1).strip().casefold() for m in _VISIBILITY.finditer(front.group(1))] if front else []
    if not found:
        return cfg.default_visibility
    return next((value for value in found if value not in PUBLIC), found[-1])


def image_names(text: str) -> set[str]:
    """Return the file names of the images a text refers to, found by their suffix (linear: names are short)."""
    names = set()
    for match in _IMAGE_SUFFIX.finditer(text):
        start = match.start()
        while start > max(0, match.start() - MAX_NAME) and (text[start - 1].isalnum() or text[start - 1] in "_.%-"):
            start -= 1
        if start < match.start():
            names.add(posixpath.basename(text[start:match.end()]))
    return names


def view_words(text: str) -> list[list[str]]:
    """Return the folded words of each view of a text (as written, and as read without markup)."""
    return [word_string(view).split() for view in views(text)]


def group(text: str, what: str, minimum: int, origin: str) -> Group:
    """Return the words of a private text that could be needles."""
    words: set[str] = set()
    for found in view_words(text):
        words.update(found)
    letters = {word for word in words if word.isalpha()}  # most words: their length is their count of letters
    long = {word for word in letters if len(word) >= minimum}
    short = {word for word in letters if 1 < len(word) < minimum}
    long.update(word for word in words - letters
                if not word.isdigit() and sum(char.isalpha() for char in word) >= minimum)
    return Group(what, minimum, " ".join(sorted(long)), " ".join(sorted(short)), origin)


@lru_cache(maxsize=4096)
def name_group(name: str) -> Group:
    """Return the words of a private entry's title, tag or emotion that could be needles (the same names recur)."""
    return group(name, "a private name", MIN_NAME_WORD, name)


def term_folders(entry: Entry, vocabulary: Vocabulary) -> Iterator[str]:
    """Yield the URLs of the tag and emotion pages an entry would be listed on."""
    for tag in entry.tags:
        yield f"/tags/{slugify(tag, 'tag')}/"
    for emotion in entry.emotions:
        yield f"/emotions/{vocabulary.normalise(emotion).slug}/"


def facts_of(entry: Entry, text: str, cfg: SiteConfig, vocabulary: Vocabulary) -> Facts:
    """Return what one entry file tells the audit."""
    private = entry.visibility not in PUBLIC or raw_visibility(text, cfg) not in PUBLIC
    url = url_of(entry, cfg)
    if private:
        groups = [group(text, "a private entry", MIN_WORD, WHOLE)]
        groups += [name_group(name) for name in (entry.title, *entry.emotions, *entry.tags)]
        allowed, images = "", image_names(text)
    else:
        split = split_private(text)
        groups = [group(split.private, "a private passage", MIN_WORD, PASSAGES)]
        words: set[str] = set()
        for part in (split.public, url):
            for found in view_words(part):
                words.update(found)
        allowed, images = " ".join(sorted(words)), image_names(split.public)
    return Facts(entry.rel, str(entry.source), private, url, tuple(term_folders(entry, vocabulary)), allowed,
                 tuple(groups), tuple(sorted(images)))


def source_text(raw: bytes) -> str:
    """Return the text of a source file as the audit reads it."""
    return raw.decode("utf-8-sig", "replace")


def group_text(facts: Facts, found: Group) -> str:
    """Return the text a group of words came from (a file read again, for the phrases around its short words)."""
    if found.text not in (WHOLE, PASSAGES):
        return found.text
    try:
        text = source_text(Path(facts.path).read_bytes())
    except OSError:
        return ""
    return text if found.text == WHOLE else split_private(text).private


# --- kept between builds ------------------------------------------------------------------------

def settings_key(cfg: SiteConfig, site_text: str) -> str:
    """Return the digest of what facts depend on besides the file: the audit's code, the settings, templates, vocabulary."""
    return hashlib.sha256("\0".join((code_digest(), repr(cfg), site_text)).encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class Gathered:
    """The facts of every entry file, and what the cache held before they were gathered."""

    facts: list[Facts]
    before: dict[str, list]  # the kept facts as this audit found them: path -> [digest, kept facts, *stamp]
    digests: dict[str, str | None]  # path -> the digest of the bytes its facts were read from (None: not known)


def gather(entries: Iterable[Entry], cfg: SiteConfig, vocabulary: Vocabulary, site_text: str) -> Gathered:
    """Return the facts of every entry file (of `entries`, or of content/ read by the entry reader), kept files' from the cache."""
    key = settings_key(cfg, site_text)
    kept = _open(cfg.cache_dir, key)
    given = {str(entry.source): entry for entry in entries}
    sources = [SourceFile(entry.source, entry.rel) for entry in given.values()] if given else discover(cfg.content_dir)
    found: list[Facts] = []
    fresh: dict[str, list] = {}
    digests: dict[str, str | None] = {}
    changed = {share_of(path) for path in kept.keys() - {str(source.path) for source in sources}}  # files gone
    for source in sources:
        path = str(source.path)
        known = kept.get(path)
        known = known if isinstance(known, list) and len(known) >= 2 else None
        try:
            status = os.stat(path)
        except OSError:
            status = None
        if known is not None and status is not None and len(known) == 6 and tuple(known[2:]) == stamp_of(status):
            facts = read_kept(known[1])
            if facts is not None:
                found.append(facts)
                fresh[path] = known
                digests[path] = known[0]
                continue
        made = _read(source, given.get(path), cfg, vocabulary, known)
        changed.add(share_of(path))
        if made is not None:
            found.append(made[0])
            digests[path] = None if made[1] is None else made[1][0]
            if made[1] is not None:
                fresh[path] = made[1]
    if changed:
        _save(cfg.cache_dir, key, fresh, changed)
    return Gathered(found, kept, digests)


def share_of(path: str) -> int:
    """Return the share of the kept facts a file's are in."""
    return zlib.crc32(path.encode("utf-8", "surrogatepass")) % SHARES


def _read(source: SourceFile, entry: Entry | None, cfg: SiteConfig, vocabulary: Vocabulary,
          known: list | None) -> tuple[Facts, list | None] | None:
    """Return the facts of one file read now, and what to keep of it; None for a file the entry reader refuses."""
    taken = time.time_ns()
    try:
        with open(source.path, "rb") as handle:
            status = os.fstat(handle.fileno())
            raw = handle.read()
    except OSError:
        if entry is None:
            return None
        text = f"{entry.title}\n{entry.intention}\n{entry.summary}\n{entry.body}"
        return facts_of(entry, text, cfg, vocabulary), None
    digest = hashlib.sha256(raw).hexdigest()
    stamp = list(stamp_of(status)) if settled(status, taken) else []
    facts = read_kept(known[1]) if known is not None and known[0] == digest else None
    if facts is not None:
        return facts, [digest, known[1], *stamp]
    if entry is None:
        text, _ = entry_reader.decode(raw, source.path)
        if text is None:
            return None
        entry, _ = entry_reader.parse_entry(text, source, cfg)
        if entry is None:
            return None
    made = facts_of(entry, source_text(raw), cfg, vocabulary)
    return made, [digest, _kept(made), *stamp]


def _kept(facts: Facts) -> list:
    """Return facts as they are kept (JSON)."""
    groups = [[g.what, g.minimum, g.long, g.short, g.text] for g in facts.groups]
    return [facts.rel, facts.path, facts.private, facts.url, list(facts.terms), facts.allowed, groups, list(facts.images)]


def read_kept(kept: list) -> Facts | None:
    """Return facts as they were kept (None when what was kept is damaged)."""
    try:
        rel, path, private, url, terms, allowed, groups, images = kept
        return Facts(rel, path, private, url, tuple(terms), allowed, tuple(Group(*g) for g in groups), tuple(images))
    except (TypeError, ValueError):
        return None


def _open(cache_dir: Path, key: str) -> dict[str, list]:
    """Return the kept facts by file (path -> [digest, facts, *stamp]); none of a share that is another key's or damaged."""
    files: dict[str, list] = {}
    for share in range(SHARES):
        try:
            kept = json.loads((cache_dir / "audit" / NAME.format(share)).read_text("utf-8"))
            if kept.get("key") == key and isinstance(kept.get("files"), dict):
                files.update((path, known) for path, known in kept["files"].items() if share_of(path) == share)
        except (OSError, ValueError, AttributeError):
            pass
    return files


def _save(cache_dir: Path, key: str, files: dict[str, list], shares: set[int]) -> None:
    """Keep the facts of some shares of the files; a cache that cannot be written is no error."""
    parts: dict[int, dict[str, list]] = {share: {} for share in shares}
    for path, known in files.items():
        part = parts.get(share_of(path))
        if part is not None:
            part[path] = known
    try:
        folder = cache_dir / "audit"
        folder.mkdir(parents=True, exist_ok=True)
        for share, part in parts.items():
            temporary = folder / f"{NAME.format(share)}.{os.getpid()}.tmp"
            temporary.write_text(json.dumps({"key": key, "files": part}, separators=(",", ":")), "utf-8")
            os.replace(temporary, folder / NAME.format(share))
    except OSError:
        pass
