"""The feelings vocabulary: emotion families, their emotions, and the words runners use for them.

The shipped vocabulary is ``generator/data/feelings.toml``: one ``[families.<slug>]`` table per
family (``name``, ``valence``, ``colour``, ``text_colour``) with a ``[families.<slug>.emotions]``
table mapping each canonical name to its other forms and synonyms. The family ``other`` holds every
emotion the vocabulary does not know.

A site adds to it in the ``[vocabulary]`` table of ``site.toml``::

    [vocabulary.families.tired]   # a new family, or a new name, valence or colours for a known one
    name = "Tired"                # optional for a new family: defaults to the slug, capitalised
    valence = "unpleasant"        # "pleasant", "unpleasant" or "neutral"
    colour = "#8a8fa3"            # background, "#rrggbb"
    text_colour = "#111111"       # must reach WCAG AA contrast (4.5:1) on colour

    [vocabulary.emotions]         # a new emotion = the slug of its family
    "bone tired" = "tired"        # naming a known emotion moves it to that family

    [vocabulary.synonyms]         # a new word = any word of a known (or just added) emotion
    "wrecked" = "exhausted"

Families are read first, then emotions, then synonyms. A bad addition becomes a Problem naming
site.toml and the key; the others still apply. Words match after folding: no case or accents, and
hyphens, punctuation and spaces alike, so "Bone-Tired" and "bone  tired" are the same word.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from generator.errors import Problem, error, warning

OTHER = "other"  # the family of every emotion the vocabulary does not know
VALENCES = ("pleasant", "unpleasant", "neutral")
AA_CONTRAST = 4.5  # WCAG AA minimum for normal text
_FAMILY_KEYS = ("name", "valence", "colour", "text_colour")
_SECTIONS = ("families", "emotions", "synonyms")
_HEX = re.compile(r"#[0-9a-fA-F]{6}")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SUFFIXES = (("iness", "y"), ("ness", ""), ("ily", "y"), ("ly", ""), ("ies", "y"), ("s", ""),
             ("iest", "y"), ("ier", "y"), ("est", ""), ("er", ""), ("st", ""), ("r", ""))
_AFTER_E = ("st", "r")  # "bravest", "looser": only when what is left ends in e
_DOUBLED = ("est", "er")  # "saddest", "sadder": the doubled consonant goes too


@dataclass(frozen=True, slots=True)
class Family:
    """A family of emotions on the feelings wheel, and the colours it is shown in."""

    slug: str  # URL-safe id, e.g. "joyful"
    name: str  # display name, e.g. "Joyful"
    valence: str  # "pleasant", "unpleasant" or "neutral"
    colour: str  # background, "#rrggbb"
    text_colour: str  # text on that background, "#rrggbb", at least AA contrast


@dataclass(frozen=True, slots=True)
class Emotion:
    """One emotion as a runner named it, matched to the vocabulary."""

    slug: str  # URL-safe [a-z0-9-]+, e.g. "anxious", "bone-tired"
    name: str  # the canonical name; for an unknown emotion the writer's words, lower-cased
    family: Family  # where it belongs: the "other" family when unknown
    known: bool  # False when the vocabulary did not know it


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Every family and known emotion, and the words that name each emotion."""

    families: tuple[Family, ...]  # in display order, "other" last
    emotions: tuple[Emotion, ...]  # every known emotion, family by family
    words: Mapping[str, Emotion] = field(hash=False, repr=False)  # folded word -> emotion
    _seen: dict[str, Emotion] = field(default_factory=dict, init=False, compare=False, hash=False, repr=False)

    def normalise(self, written: str) -> Emotion:
        """Return the emotion a runner meant; an unknown one keeps their words, in "other"."""
        found = self._seen.get(written)  # a journal names the same few words thousands of times
        if found is None:
            found = self._seen[written] = self._match(written)
        return found

    def _match(self, written: str) -> Emotion:
        """Return the emotion written words name, looked up without the memo."""
        key = fold(written)
        found = self.words.get(key) or self._inflected(key)
        return found if found is not None else self._unknown(written)

    def suggestions(self, written: str, n: int = 3) -> list[str]:
        """Return up to n known words closest to what was written, one word per emotion."""
        first: dict[Emotion, str] = {}
        for word in difflib.get_close_matches(fold(written), list(self.words), len(self.words)):
            first.setdefault(self.words[word], word)
        return list(first.values())[:n]

    def family(self, slug: str) -> Family:
        """Return the family with this slug; raise KeyError when there is none."""
        return {family.slug: family for family in self.families}[slug]

    def _inflected(self, key: str) -> Emotion | None:
        """Return the one known emotion key is a simple inflection of ("calmly"), if exactly one."""
        found = {self.words[stem] for stem in _stems(key) if stem in self.words}
        return found.pop() if len(found) == 1 else None

    def _unknown(self, written: str) -> Emotion:
        """Return an unknown emotion, with a slug no known emotion has."""
        name = " ".join(written.split()).casefold()
        slug = _slug(name)
        if any(emotion.slug == slug for emotion in self.emotions):
            slug = f"{slug}-{_digest(name)}"
        return Emotion(slug, name, self.family(OTHER), known=False)


@dataclass(frozen=True, slots=True)
class _Draft:
    """A vocabulary being put together, by name, before its Emotions are made."""

    families: Mapping[str, Family]  # slug -> family, in order
    members: Mapping[str, str]  # canonical name -> family slug
    words: Mapping[str, str]  # folded word -> canonical name


_Result = tuple[_Draft, list[Problem]]  # the draft after one addition, and its problems
Source = Path | None  # the file additions came from, for messages


def fold(text: str) -> str:
    """Return the key a written word is looked up by: no case or accents, single spaces."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.findall(r"[^\W_]+", bare.casefold()))


def contrast_ratio(fg_hex: str, bg_hex: str) -> float:
    """Return the WCAG contrast ratio of two "#rrggbb" colours, from 1.0 to 21.0."""
    lighter, darker = sorted((_luminance(fg_hex), _luminance(bg_hex)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@cache
def default_vocabulary() -> Vocabulary:
    """Return the vocabulary shipped in generator/data/feelings.toml."""
    return _assemble(_shipped_draft())


def load_vocabulary(
    additions: Mapping[str, Any] | None, source: Path | None = None
) -> tuple[Vocabulary, list[Problem]]:
    """Return the shipped vocabulary with a site's [vocabulary] additions, and their problems."""
    if not additions:
        return default_vocabulary(), []
    if not isinstance(additions, Mapping):
        hint = "give it families, emotions and synonyms tables"
        return default_vocabulary(), [error(source, None, "[vocabulary] must be a table", hint)]
    draft, problems = _shipped_draft(), _unknown_keys(additions, _SECTIONS, "[vocabulary]", source)
    steps = {"families": _with_family, "emotions": _with_emotion, "synonyms": _with_synonym}
    for section, step in steps.items():
        table, where = additions.get(section, {}), f"[vocabulary.{section}]"
        if not isinstance(table, Mapping):
            problems.append(error(source, None, f"{where} must be a table", "write it as a table"))
            continue
        for key, value in table.items():
            draft, found = step(draft, str(key), value, where, source)
            problems += found
    return _assemble(draft), problems


@cache
def _shipped_draft() -> _Draft:
    """Return the draft of generator/data/feelings.toml; raise ValueError if it is broken."""
    text = resources.files("generator").joinpath("data/feelings.toml").read_text("utf-8")
    draft, problems = _Draft({}, {}, {}), []
    for slug, table in tomllib.loads(text)["families"].items():
        settings = {key: value for key, value in table.items() if key != "emotions"}
        draft, found = _with_family(draft, slug, settings, "[families]", None)
        problems += found
        for name, forms in table.get("emotions", {}).items():
            draft, found = _with_emotion(draft, name, slug, f"[families.{slug}]", None)
            problems += found
            for form in forms:
                draft, found = _with_synonym(draft, form, name, f"[families.{slug}]", None)
                problems += found
    if problems or OTHER not in draft.families:
        raise ValueError("feelings.toml: " + "; ".join(p.message for p in problems))
    return draft


def _with_family(draft: _Draft, slug: str, table: Any, section: str, source: Source) -> _Result:
    """Return the draft with one family added or changed, and any problems with it."""
    where = f"{section[:-1]}.{slug}]"  # "[vocabulary.families]" -> "[vocabulary.families.tired]"
    if not isinstance(table, Mapping) or not _SLUG.fullmatch(slug):
        hint = "use a lowercase slug (letters, digits, hyphens) and a table of settings"
        return draft, [error(source, None, f"{where} is not a family table", hint)]
    problems = _unknown_keys(table, _FAMILY_KEYS, where, source)
    base = draft.families.get(slug)
    settings = {key: table[key] for key in _FAMILY_KEYS if key in table}
    known = {key: getattr(base, key) for key in _FAMILY_KEYS} if base else {}
    merged = {"name": slug.replace("-", " ").capitalize(), **known, **settings}
    problems += _family_problems(merged, where, source)
    if any(problem.is_error for problem in problems):
        return draft, problems
    merged.update(colour=merged["colour"].lower(), text_colour=merged["text_colour"].lower())
    return replace(draft, families={**draft.families, slug: Family(slug, **merged)}), problems


def _family_problems(fields: Mapping[str, Any], where: str, source: Source) -> list[Problem]:
    """Return what is wrong with a family's settings, contrast included."""
    if missing := [key for key in _FAMILY_KEYS if key not in fields]:
        hint = "a new family needs valence, colour and text_colour"
        return [error(source, None, f"{where} has no {', '.join(missing)}", hint)]
    problems = []
    if not isinstance(fields["name"], str) or not fields["name"].strip():
        problems.append(error(source, None, f"{where} name must be some text"))
    if fields["valence"] not in VALENCES:
        message = f'{where} valence "{fields["valence"]}" is not one of {", ".join(VALENCES)}'
        problems.append(error(source, None, message, _did_you_mean(fields["valence"], VALENCES)))
    for key in ("colour", "text_colour"):
        if not _HEX.fullmatch(str(fields[key])):
            message = f'{where} {key} "{fields[key]}" is not a hex colour'
            problems.append(error(source, None, message, 'write it as "#rrggbb", e.g. "#8a8fa3"'))
    if problems:
        return problems
    text, back = fields["text_colour"], fields["colour"]
    if (ratio := contrast_ratio(text, back)) >= AA_CONTRAST:
        return []
    message = (
        f"{where} text_colour {text} on colour {back} has a contrast of {ratio:.2f}:1,"
        f" below the {AA_CONTRAST}:1 that WCAG AA needs"
    )
    best = max(("#000000", "#ffffff"), key=lambda candidate: contrast_ratio(candidate, back))
    hint = f'try text_colour = "{best}" ({contrast_ratio(best, back):.2f}:1), or another colour'
    return [error(source, None, message, hint)]


def _with_emotion(draft: _Draft, written: str, family: Any, where: str, source: Source) -> _Result:
    """Return the draft with a new emotion, or a known one moved to another family."""
    if not isinstance(family, str) or family not in draft.families:
        message = f'{where} "{written}" is in the family "{family}", which does not exist'
        hint = _did_you_mean(family, list(draft.families))
        hint = hint or f"add the family under [vocabulary.families.{family}]"
        return draft, [error(source, None, message, hint)]
    key, known = fold(written), draft.words.get(fold(written))
    if not key:
        return draft, [error(source, None, f'{where} "{written}" has no letters in it')]
    if known is not None and fold(known) != key:
        message = f'{where} "{written}" is already a word for the emotion "{known}"'
        return draft, [error(source, None, message, "list it under [vocabulary.synonyms] instead")]
    name = known or " ".join(written.split()).casefold()
    members = {**draft.members, name: family}
    return replace(draft, members=members, words={**draft.words, key: name}), []


def _with_synonym(draft: _Draft, written: str, target: Any, where: str, source: Source) -> _Result:
    """Return the draft with one more word for a known emotion."""
    name = draft.words.get(fold(target)) if isinstance(target, str) else None
    if name is None:
        message = f'{where} "{written}" is a synonym of "{target}", which is not a known emotion'
        hint = _did_you_mean(fold(str(target)), list(draft.words))
        return draft, [error(source, None, message, hint or "add it under [vocabulary.emotions]")]
    key = fold(written)
    if not key:
        return draft, [error(source, None, f'{where} "{written}" has no letters in it')]
    if draft.words.get(key, name) != name:
        message = f'{where} "{written}" already means "{draft.words[key]}", not "{name}"'
        return draft, [error(source, None, message, "a word can belong to only one emotion")]
    return replace(draft, words={**draft.words, key: name}), []


def _assemble(draft: _Draft) -> Vocabulary:
    """Return the vocabulary a draft describes, with "other" as the last family."""
    families = [f for f in draft.families.values() if f.slug != OTHER] + [draft.families[OTHER]]
    made = {
        name: Emotion(_slug(name), name, draft.families[slug], known=True)
        for name, slug in draft.members.items()
    }
    emotions = tuple(e for f in families for e in made.values() if e.family.slug == f.slug)
    words = MappingProxyType({key: made[name] for key, name in draft.words.items()})
    return Vocabulary(tuple(families), emotions, words)


def _unknown_keys(
    table: Mapping[str, Any], known: Sequence[str], where: str, source: Source
) -> list[Problem]:
    """Return a warning for each key of table that is not known, naming the closest known key."""
    return [
        warning(source, None, f'{where} has an unknown key "{key}"',
                _did_you_mean(key, known) or f"known keys: {', '.join(known)}")
        for key in table
        if key not in known
    ]


def _did_you_mean(word: Any, choices: Sequence[str]) -> str:
    """Return 'did you mean "x"?' for the closest choice, or "" when none is close."""
    close = difflib.get_close_matches(str(word), list(choices), n=1)
    return f'did you mean "{close[0]}"?' if close else ""


def _stems(key: str) -> list[str]:
    """Return the words key could be a simple inflection of ("calmly", "calmer", "happiest" -> "calm", "happy")."""
    stems = []
    for end, new in _SUFFIXES:
        if not key.endswith(end) or (end == "s" and key.endswith("ss")):
            continue
        stem = key[: -len(end)] + new
        if end in _AFTER_E and not stem.endswith("e"):
            continue
        stems.append(stem)
        if end in _DOUBLED and len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "aeiou":
            stems.append(stem[:-1])
    return [stem for stem in stems if len(stem) >= 3]


def _slug(name: str) -> str:
    """Return a URL-safe slug for a name; a short stable hash when no ASCII letter remains."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug or f"emotion-{_digest(name)}"


def _digest(text: str) -> str:
    """Return six hex digits that always stand for this text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:6]


def _luminance(colour: str) -> float:
    """Return the WCAG relative luminance of a colour; raise ValueError if it is not hex."""
    if not _HEX.fullmatch(colour):
        raise ValueError(f"not a hex colour: {colour!r}")
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b
