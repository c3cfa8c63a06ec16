"""Tests for the feelings vocabulary: normalisation, colours, the shipped data and site additions."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.vocabulary import (
    AA_CONTRAST,
    OTHER,
    Emotion,
    Family,
    contrast_ratio,
    default_vocabulary,
    fold,
    load_vocabulary,
)

SITE_TOML = Path("/site/site.toml")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def shipped_data() -> dict[str, Any]:
    """Return the raw shipped feelings.toml."""
    text = resources.files("generator").joinpath("data/feelings.toml").read_text("utf-8")
    return tomllib.loads(text)


def shipped_words() -> list[tuple[str, str]]:
    """Return every (word, canonical name) pair written in the shipped data."""
    pairs = []
    for family in shipped_data()["families"].values():
        for name, forms in family.get("emotions", {}).items():
            pairs += [(name, name)] + [(form, name) for form in forms]
    return pairs


# -- normalisation ---------------------------------------------------------------------------

NORMALISED = [
    # case and spacing
    ("Calm", "calm"),
    (" calm ", "calm"),
    ("CALM", "calm"),
    ("\tcalm\n", "calm"),
    ("Calm!", "calm"),
    # accents
    ("Sérène", "calm"),
    # noun and adjective forms
    ("sad", "sad"),
    ("sadness", "sad"),
    ("anxious", "anxious"),
    ("anxiety", "anxious"),
    ("joyful", "joyful"),
    ("joy", "joyful"),
    ("angry", "angry"),
    ("anger", "angry"),
    ("grief", "grief"),
    ("grieving", "grief"),
    ("grieve", "grief"),
    ("relieved", "relieved"),
    ("relief", "relieved"),
    ("proud", "proud"),
    ("pride", "proud"),
    ("frustration", "frustrated"),
    ("loneliness", "lonely"),
    ("gratitude", "grateful"),
    ("hope", "hopeful"),
    ("peace", "peaceful"),
    ("contentment", "content"),
    ("excitement", "excited"),
    ("fear", "scared"),
    ("guilt", "guilty"),
    ("shame", "ashamed"),
    ("confidence", "confident"),
    # synonyms
    ("sorrow", "sad"),
    ("nervous", "anxious"),
    ("serene", "calm"),
    ("thankful", "grateful"),
    ("afraid", "scared"),
    ("exhausted", "exhausted"),
    ("fatigue", "exhausted"),
    ("weary", "tired"),
    # several words; hyphens, underscores and spaces alike
    ("worn out", "exhausted"),
    ("Worn-Out", "exhausted"),
    ("worn_out", "exhausted"),
    ("worn   out", "exhausted"),
    ("at ease", "relaxed"),
    ("light hearted", "carefree"),
    ("Runner's high", "elated"),
    ("burnt out", "burnt out"),
    ("burnt-out", "burnt out"),
    # light inflections that are not listed
    ("calmly", "calm"),
    ("anxiously", "anxious"),
    ("happily", "happy"),
    ("worries", "worried"),
    ("blues", "sad"),
    # comparatives and superlatives, as runners compare the end of a run with its start
    ("calmer", "calm"),
    ("Calmer", "calm"),
    ("CALMEST", "calm"),
    ("happier", "happy"),
    ("happiest", "happy"),
    ("sadder", "sad"),
    ("saddest", "sad"),
    ("looser", "relaxed"),
    ("bravest", "brave"),
    ("freer", "free"),
    ("angrier", "angry"),
    ("steadier", "grounded"),
    ("lighter", "carefree"),
    # everyday words for feelings
    ("lost", "confused"),
    ("Lost", "confused"),
    ("shaky", "anxious"),
    ("nerves", "anxious"),
]


@pytest.mark.parametrize(("written", "canonical"), NORMALISED, ids=[w for w, _ in NORMALISED])
def test_normalise_finds_the_canonical_emotion(written: str, canonical: str) -> None:
    emotion = default_vocabulary().normalise(written)
    assert (emotion.name, emotion.known) == (canonical, True)
    assert emotion.family.slug != OTHER


@pytest.mark.parametrize(
    ("written", "name", "slug"),
    [
        ("Bone  Tired", "bone tired", "bone-tired"),
        ("bone-tired", "bone-tired", "bone-tired"),
        ("  Saudade ", "saudade", "saudade"),
        ("Épuisée", "épuisée", "epuisee"),
        ("Wobbly!!", "wobbly!!", "wobbly"),
    ],
)
def test_unknown_emotion_keeps_the_writers_words(written: str, name: str, slug: str) -> None:
    emotion = default_vocabulary().normalise(written)
    assert emotion == Emotion(slug, name, default_vocabulary().family(OTHER), known=False)


def test_unknown_emotion_without_ascii_letters_gets_a_stable_hashed_slug() -> None:
    first = default_vocabulary().normalise("悲しい")
    assert re.fullmatch(r"emotion-[0-9a-f]{6}", first.slug)
    assert default_vocabulary().normalise(" 悲しい ") == first
    assert default_vocabulary().normalise("寂しい").slug != first.slug


def test_unknown_emotion_never_takes_a_known_emotions_slug() -> None:
    emotion = default_vocabulary().normalise("calm 悲しい")
    assert not emotion.known
    assert emotion.slug != "calm" and emotion.slug.startswith("calm-")


def test_inflection_fallback_only_applies_when_unambiguous() -> None:
    additions = {"emotions": {"flitty": "joyful", "flitti": "sad"}}
    vocabulary, problems = load_vocabulary(additions, SITE_TOML)
    assert problems == []
    assert vocabulary.normalise("flittily").known is False  # could be flitty or flitti
    assert vocabulary.normalise("flittiness").known is False
    assert vocabulary.normalise("stressfully").known is False  # "stressful" is not listed
    assert vocabulary.normalise("flittier").known is False  # could be flitty or flitti too


@pytest.mark.parametrize("written", ["better", "sober", "hunger", "over", "honest", "interest"])
def test_words_that_only_look_like_comparatives_stay_unknown(written: str) -> None:
    assert default_vocabulary().normalise(written).known is False


def test_normalise_gives_the_same_emotion_object_for_the_same_words() -> None:
    vocabulary = default_vocabulary()
    assert vocabulary.normalise("Calmer") is vocabulary.normalise("Calmer")
    assert vocabulary.normalise("calmer") == vocabulary.normalise("calm")


@settings(database=None)
@given(st.text())
def test_normalise_never_raises_and_always_gives_a_url_safe_slug(written: str) -> None:
    emotion = default_vocabulary().normalise(written)
    assert SLUG.fullmatch(emotion.slug)
    assert emotion.known or emotion.family.slug == OTHER


def test_fold_treats_case_accents_hyphens_and_spaces_alike() -> None:
    assert fold("  Bone-TIRED_ à  bout ") == "bone tired a bout"


# -- suggestions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typo", "expected"),
    [("anxous", "anxious"), ("gratefull", "grateful"), ("greif", "grief"), ("exausted", "exhausted")],
)
def test_suggestions_include_the_intended_word(typo: str, expected: str) -> None:
    assert expected in default_vocabulary().suggestions(typo)


def test_suggestions_give_one_word_per_emotion_and_at_most_n() -> None:
    vocabulary = default_vocabulary()
    found = vocabulary.suggestions("sadnes", n=5)
    assert found[0] == "sadness"
    assert len(found) <= 5
    assert len({vocabulary.normalise(word).slug for word in found}) == len(found)
    assert len(vocabulary.suggestions("angr", n=1)) == 1


def test_suggestions_are_empty_when_nothing_is_close() -> None:
    assert default_vocabulary().suggestions("qqqqxz") == []


# -- colours ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fg", "bg", "expected"),
    [("#000000", "#ffffff", 21.0), ("#ffffff", "#ffffff", 1.0), ("#777777", "#ffffff", 4.48)],
)
def test_contrast_ratio_follows_wcag(fg: str, bg: str, expected: float) -> None:
    assert contrast_ratio(fg, bg) == pytest.approx(expected, abs=0.01)
    assert contrast_ratio(bg, fg) == pytest.approx(expected, abs=0.01)


def test_contrast_ratio_rejects_a_malformed_colour() -> None:
    with pytest.raises(ValueError, match="not a hex colour"):
        contrast_ratio("#12345", "#ffffff")


@pytest.mark.parametrize("family", default_vocabulary().families, ids=lambda f: f.slug)
def test_every_family_colour_pair_passes_wcag_aa(family: Family) -> None:
    assert contrast_ratio(family.text_colour, family.colour) >= AA_CONTRAST


# -- the shipped data ------------------------------------------------------------------------


def test_every_written_word_belongs_to_exactly_one_emotion() -> None:
    counts = Counter(fold(word) for word, _ in shipped_words())
    assert [word for word, count in counts.items() if count > 1] == []


@pytest.mark.parametrize(("word", "canonical"), shipped_words())
def test_every_written_word_normalises_to_its_emotion(word: str, canonical: str) -> None:
    assert default_vocabulary().normalise(word).name == canonical


def test_shipped_families_follow_the_feelings_wheel() -> None:
    vocabulary = default_vocabulary()
    slugs = [family.slug for family in vocabulary.families]
    assert slugs == ["joyful", "powerful", "peaceful", "sad", "mad", "scared", "tired", OTHER]
    assert vocabulary.family(OTHER).valence == "neutral"
    assert {f.valence for f in vocabulary.families} == {"pleasant", "unpleasant", "neutral"}
    assert not [e for e in vocabulary.emotions if e.family.slug == OTHER]


def test_shipped_emotions_are_many_lowercase_and_url_safe() -> None:
    emotions = default_vocabulary().emotions
    assert 80 <= len(emotions) <= 130
    assert all(e.known and e.name == e.name.lower() and SLUG.fullmatch(e.slug) for e in emotions)
    assert len({e.slug for e in emotions}) == len(emotions)


def test_default_vocabulary_is_loaded_once() -> None:
    assert default_vocabulary() is default_vocabulary()


def test_family_raises_key_error_for_an_unknown_slug() -> None:
    with pytest.raises(KeyError):
        default_vocabulary().family("hungry")


# -- site additions --------------------------------------------------------------------------

TIRED_AGAIN = {"name": "Worn", "valence": "unpleasant", "colour": "#8a8fa3", "text_colour": "#111111"}


def test_no_additions_give_the_shipped_vocabulary() -> None:
    assert load_vocabulary(None, SITE_TOML) == (default_vocabulary(), [])
    assert load_vocabulary({}, SITE_TOML) == (default_vocabulary(), [])


def test_additions_add_a_family_an_emotion_and_a_synonym() -> None:
    additions = {
        "families": {
            "hungry": {"name": "Hungry", "valence": "unpleasant", "colour": "#F2A65A",
                       "text_colour": "#111111"},
        },
        "emotions": {"Bone Tired": "tired", "hangry": "hungry"},
        "synonyms": {"wrecked": "exhausted", "famished": "hangry", "bone-weary": "bone tired"},
    }
    vocabulary, problems = load_vocabulary(additions, SITE_TOML)
    assert problems == []
    hungry = vocabulary.family("hungry")
    assert hungry == Family("hungry", "Hungry", "unpleasant", "#f2a65a", "#111111")
    assert vocabulary.families[-2:] == (hungry, vocabulary.family(OTHER))
    assert vocabulary.normalise("bone-tired") == Emotion(
        "bone-tired", "bone tired", vocabulary.family("tired"), known=True
    )
    assert vocabulary.normalise("Bone Weary").name == "bone tired"
    assert vocabulary.normalise("Wrecked").name == "exhausted"
    assert vocabulary.normalise("famished").family == hungry
    assert default_vocabulary().normalise("wrecked").known is False  # the shipped one is untouched


def test_additions_recolour_and_rename_a_known_family() -> None:
    additions = {"families": {"joyful": {"colour": "#ffe08a", "name": "Glad"}}}
    vocabulary, problems = load_vocabulary(additions, SITE_TOML)
    assert problems == []
    joyful = vocabulary.family("joyful")
    assert (joyful.name, joyful.colour, joyful.text_colour) == ("Glad", "#ffe08a", "#1a1a1a")
    assert vocabulary.normalise("joy").family == joyful
    assert all(e.family == joyful for e in vocabulary.emotions if e.family.slug == "joyful")


def test_additions_recolour_the_other_family() -> None:
    additions = {"families": {"other": {"colour": "#eeeeee", "text_colour": "#222222"}}}
    vocabulary, problems = load_vocabulary(additions, SITE_TOML)
    assert problems == []
    assert vocabulary.normalise("saudade").family.colour == "#eeeeee"


def test_naming_a_known_emotion_moves_it_to_another_family() -> None:
    vocabulary, problems = load_vocabulary({"emotions": {"Restless": "powerful"}}, SITE_TOML)
    assert problems == []
    assert vocabulary.normalise("agitated").family.slug == "powerful"
    assert [e.name for e in vocabulary.emotions].count("restless") == 1


def error_text(problems: list[Any]) -> list[str]:
    """Return each problem as "severity: message (hint)"."""
    return [f"{p.severity}: {p.message} ({p.hint})" for p in problems]


BAD_ADDITIONS = {
    "unknown family": (
        {"emotions": {"bone tired": "tird"}},
        'error: [vocabulary.emotions] "bone tired" is in the family "tird", which does not exist'
        ' (did you mean "tired"?)',
    ),
    "family never declared": (
        {"emotions": {"hangry": "hungry"}},
        'error: [vocabulary.emotions] "hangry" is in the family "hungry", which does not exist'
        " (add the family under [vocabulary.families.hungry])",
    ),
    "bad hex colour": (
        {"families": {"sad": {"colour": "#3d5a9"}}},
        'error: [vocabulary.families.sad] colour "#3d5a9" is not a hex colour'
        ' (write it as "#rrggbb", e.g. "#8a8fa3")',
    ),
    "colour pair fails AA": (
        {"families": {"tired": {"colour": "#777777", "text_colour": "#ffffff"}}},
        "error: [vocabulary.families.tired] text_colour #ffffff on colour #777777 has a contrast"
        ' of 4.48:1, below the 4.5:1 that WCAG AA needs (try text_colour = "#000000" (4.69:1),'
        " or another colour)",
    ),
    "new family missing settings": (
        {"families": {"hungry": {"colour": "#f2a65a"}}},
        "error: [vocabulary.families.hungry] has no valence, text_colour"
        " (a new family needs valence, colour and text_colour)",
    ),
    "bad valence": (
        {"families": {"sad": {"valence": "unpleasent"}}},
        'error: [vocabulary.families.sad] valence "unpleasent" is not one of pleasant,'
        ' unpleasant, neutral (did you mean "unpleasant"?)',
    ),
    "bad family slug": (
        {"families": {"Big Feelings": TIRED_AGAIN}},
        "error: [vocabulary.families.Big Feelings] is not a family table"
        " (use a lowercase slug (letters, digits, hyphens) and a table of settings)",
    ),
    "synonym of an unknown emotion": (
        {"synonyms": {"wrecked": "exhaustd"}},
        'error: [vocabulary.synonyms] "wrecked" is a synonym of "exhaustd", which is not a known'
        ' emotion (did you mean "exhausted"?)',
    ),
    "synonym taken by another emotion": (
        {"synonyms": {"calm": "sad"}},
        'error: [vocabulary.synonyms] "calm" already means "calm", not "sad"'
        " (a word can belong to only one emotion)",
    ),
    "new emotion that is already a form": (
        {"emotions": {"sadness": "joyful"}},
        'error: [vocabulary.emotions] "sadness" is already a word for the emotion "sad"'
        " (list it under [vocabulary.synonyms] instead)",
    ),
    "unknown section": (
        {"synonym": {"wrecked": "exhausted"}},
        'warning: [vocabulary] has an unknown key "synonym" (did you mean "synonyms"?)',
    ),
    "unknown family key": (
        {"families": {"sad": {"color": "#3d5a98"}}},
        'warning: [vocabulary.families.sad] has an unknown key "color" (did you mean "colour"?)',
    ),
    "section not a table": (
        {"synonyms": ["wrecked"]},
        "error: [vocabulary.synonyms] must be a table (write it as a table)",
    ),
    "word without letters": (
        {"synonyms": {"--": "calm"}},
        'error: [vocabulary.synonyms] "--" has no letters in it ()',
    ),
}


@pytest.mark.parametrize(("additions", "expected"), BAD_ADDITIONS.values(), ids=BAD_ADDITIONS)
def test_bad_additions_give_clear_problems(additions: dict[str, Any], expected: str) -> None:
    vocabulary, problems = load_vocabulary(additions, SITE_TOML)
    assert error_text(problems) == [expected]
    assert all(p.path == SITE_TOML and p.line is None for p in problems)
    assert vocabulary.normalise("calm").name == "calm"


def test_bad_additions_do_not_stop_the_good_ones() -> None:
    additions = {
        "families": {"sad": {"colour": "not a colour"}, "mad": {"colour": "#8b0000"}},
        "emotions": {"bone tired": "tired", "hangry": "nope"},
        "synonyms": {"wrecked": "exhausted", "zonked": "nothing"},
    }
    vocabulary, problems = load_vocabulary(additions, SITE_TOML)
    assert [p.severity for p in problems] == ["error"] * 3
    assert vocabulary.family("sad") == default_vocabulary().family("sad")
    assert vocabulary.family("mad").colour == "#8b0000"
    assert vocabulary.normalise("bone tired").known
    assert vocabulary.normalise("wrecked").name == "exhausted"
    assert not vocabulary.normalise("hangry").known


def test_additions_that_are_not_a_table_are_a_problem() -> None:
    vocabulary, problems = load_vocabulary(["calm"], SITE_TOML)  # type: ignore[arg-type]
    assert vocabulary == default_vocabulary()
    assert error_text(problems) == [
        "error: [vocabulary] must be a table (give it families, emotions and synonyms tables)"
    ]
