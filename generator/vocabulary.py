"""Temporary stand-in for the feelings vocabulary (replaced by the full module)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from generator.urls import slugify


@dataclass(frozen=True, slots=True)
class Family:
    slug: str
    name: str
    valence: str
    colour: str
    text_colour: str


@dataclass(frozen=True, slots=True)
class Emotion:
    slug: str
    name: str
    family: Family
    known: bool


OTHER = Family("other", "Other", "neutral", "#e4e2dc", "#1f1f1f")


@dataclass(frozen=True, slots=True)
class Vocabulary:
    families: tuple[Family, ...]

    def normalise(self, written: str) -> Emotion:
        name = " ".join(written.split()).casefold()
        return Emotion(slugify(name, "emotion"), name, OTHER, False)


@cache
def default_vocabulary() -> Vocabulary:
    return Vocabulary((OTHER,))


def load_vocabulary(additions, source=None):
    return default_vocabulary(), []
