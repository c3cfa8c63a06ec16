"""The word needles of the last audit, kept with what they were worked out from, so an edit that cannot change them is not worked through again.

The private words and phrases (needles.py) are the words of every private text less the words some
public text holds. Working them out goes through the words of every entry file, yet most edits change
none of them: a public story's new sentence adds words it may show, and only a word that some private
text holds can matter. So, beside the word needles, the cache keeps:

- the key of the words every build may show (Footfall's own, the settings', templates' and
  vocabulary's) and of the audit's code: another key starts afresh;
- the state of the entry files they came from: one digest of every file's path and the digest of
  its bytes, as source_facts.py read them;
- for each word a private text holds that is not one of those (the words at stake), how many
  public files hold it.

The needles are taken on only when the facts kept for source_facts.py are the very ones the needles
came from, every file that changed since was public before and after and keeps the same private
passages (their short words all allowed, so no phrase is made from its text), and no word at stake
moves between shown somewhere and shown nowhere. Anything else works them out anew. The URLs,
folders, image names and image bytes are always worked out anew (needles.py): they are cheap.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.deploy import source_facts
from generator.deploy.source_facts import Facts, Gathered

FOLDER = "audit"  # in the site's cache folder
NAME = "needles.json"


@dataclass
class Kept:
    """The word needles of one state of the entry files, and the public counts of the words at stake."""

    key: str  # the words every build may show, and the audit's code
    state: str  # the entry files the needles came from (state_of)
    counts: dict[str, int]  # each word at stake -> how many public files hold it
    words: dict[str, list[str]]  # " word " or " a few words " -> [text, source, what] (needles.Needle)
    shorts: list[str]  # the short private words phrases were made around


def key_of(settings: str, shown: Iterable[str]) -> str:
    """Return the key of the needles' own inputs: the settings' key (code, settings, templates) and the words always shown."""
    digest = hashlib.sha256(settings.encode())
    for word in sorted(shown):
        digest.update(word.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def state_of(digests: Iterable[tuple[str, object]]) -> str | None:
    """Return the digest of some files' paths and byte digests; None when one is not known."""
    digest = hashlib.sha256()
    for path, known in sorted(digests):
        if not isinstance(known, str):
            return None
        digest.update(f"{path}\0{known}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def stakes(facts: Iterable[Facts], shown: set[str] | frozenset[str]) -> dict[str, int]:
    """Return each word a private text holds that is not always shown, with how many public files hold it."""
    facts = list(facts)
    private: set[str] = set()
    for found in facts:
        for group in found.groups:
            private.update(group.long.split())
            private.update(group.short.split())
    private.difference_update(shown)
    counts = dict.fromkeys(private, 0)
    for found in facts:
        if not found.private:
            for word in private.intersection(found.allowed.split()):
                counts[word] += 1
    return counts


def load(cache_dir: Path, key: str) -> Kept | None:
    """Return the kept needles for this key; None when there are none, they are another key's or damaged."""
    try:
        kept = json.loads((cache_dir / FOLDER / NAME).read_text("utf-8"))
        if kept.get("key") != key:
            return None
        found = Kept(key, str(kept["state"]), dict(kept["counts"]), dict(kept["words"]), list(kept["shorts"]))
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        return None
    if (all(type(count) is int for count in found.counts.values()) and all(isinstance(word, str) for word in found.shorts)
            and all(isinstance(needle, list) and len(needle) == 3 and all(isinstance(part, str) for part in needle)
                    for needle in found.words.values())):
        return found
    return None  # damaged


def save(cache_dir: Path, kept: Kept) -> None:
    """Keep the needles; a cache that cannot be written is no error."""
    try:
        folder = cache_dir / FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f"{NAME}.{os.getpid()}.tmp"
        temporary.write_text(json.dumps({"key": kept.key, "state": kept.state, "counts": kept.counts,
                                         "words": kept.words, "shorts": kept.shorts}, separators=(",", ":")), "utf-8")
        os.replace(temporary, folder / NAME)
    except OSError:
        pass


def forget(cache_dir: Path) -> None:
    """Remove the kept needles (when some entry file cannot be told by its digest)."""
    try:
        (cache_dir / FOLDER / NAME).unlink(missing_ok=True)
    except OSError:
        pass


def carry(kept: Kept, gathered: Gathered, shown: set[str] | frozenset[str]) -> bool:
    """Return True when the kept needles are right for the gathered files (their counts brought up to date); False: work them out anew."""
    was = {path: known[0] if isinstance(known, list) and known else None for path, known in gathered.before.items()}
    if kept.state != state_of(was.items()):
        return False
    now = dict(zip(gathered.digests, gathered.facts))
    changed = [path for path in was.keys() | gathered.digests.keys() if was.get(path) != gathered.digests.get(path)]
    before = dict(kept.counts)
    for path in changed:
        old = _kept_facts(gathered.before[path]) if path in gathered.before else None
        if path in gathered.before and old is None:
            return False
        if not _same_passages(old, now.get(path)):
            return False
        _recount(kept.counts, old, now.get(path))
    if any((kept.counts[word] > 0) != (count > 0) for word, count in before.items() if kept.counts[word] != count):
        return False
    for path in changed:  # a short private word of a changed file that nothing shows: its phrases come from its text
        for group in now[path].groups if path in now else ():
            if any(word not in shown and not kept.counts.get(word) for word in group.short.split()):
                return False
    return True


def _kept_facts(known: object) -> Facts | None:
    """Return the facts source_facts.py kept of a file (None when what it kept is damaged)."""
    return source_facts.read_kept(known[1]) if isinstance(known, list) and len(known) >= 2 else None


def _same_passages(old: Facts | None, new: Facts | None) -> bool:
    """Return True when a file was public before and after (or missing) and keeps the same private words."""
    if (old is not None and old.private) or (new is not None and new.private):
        return False
    return _passages(old) == _passages(new)


def _passages(facts: Facts | None) -> tuple:
    """Return a public file's private passages' words, and where they are reported from."""
    if facts is None:
        return ()
    groups = tuple(group for group in facts.groups if group.long or group.short)
    return (facts.rel, groups) if groups else ()


def _recount(counts: dict[str, int], old: Facts | None, new: Facts | None) -> None:
    """Move the public counts of the words at stake from a file's old public words to its new ones."""
    gone = set(old.allowed.split()) if old is not None else set()
    come = set(new.allowed.split()) if new is not None else set()
    for word in gone - come:
        if word in counts:
            counts[word] -= 1
    for word in come - gone:
        if word in counts:
            counts[word] += 1
