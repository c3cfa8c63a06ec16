"""A differential fuzz: the quick front matter reader gives what YAML gives, or leaves the text to YAML.

Lines are drawn from typical entries and from what trips readers up: lines of Unicode whitespace
(`\\x0c`, `\\xa0`, `\\u3000`...), control characters, line breaks YAML knows and Python's split()
does not, and keys over the 1,024 characters YAML allows a simple key.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.pipeline.entries import _Loader
from generator.pipeline.front_matter import QuickLoader
from tests.test_front_matter import KEYS, VALUES, same, yaml_load

ODD = ["\x0c", "\xa0", "\u3000", "\x0b", "\x85", "\u2028", "\u2029", "\x00", "\x1b", "\x7f", "\ufeff", "\u200b",
       "\x01", "\ud800", "\t", "\r", " "]
odd_text = st.text(st.sampled_from(ODD), min_size=1, max_size=3)
words = st.one_of(st.sampled_from(VALUES), st.text(min_size=0, max_size=12), odd_text,
                  st.builds(lambda a, b: a + b, st.sampled_from(VALUES), odd_text))
keys = st.one_of(st.sampled_from(KEYS), st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,8}", fullmatch=True),
                 st.integers(1020, 1030).map(lambda n: "k" * n), st.builds(lambda k, o: k + o, st.sampled_from(KEYS),
                                                                        odd_text))
lines = st.one_of(
    st.builds(lambda k, v: f"{k}: {v}", keys, words),
    st.builds(lambda k, v: f"{k}: [{v}]", keys, words),
    st.builds(lambda k, v, w: f"{k}: [{v}, {w}]", keys, words, words),
    odd_text,  # a line of nothing but odd whitespace or control characters
    st.sampled_from(["", "   ", "  indented: x", "..."]),
)
texts = st.lists(lines, min_size=1, max_size=8).map(lambda found: "\n" + "\n".join(found) + "\n")


def check(text: str) -> None:
    """Assert the quick reader gives up or gives exactly what YAML gives."""
    quick = QuickLoader(_Loader.yaml_implicit_resolvers).load(text)
    if quick is not None:
        full = yaml_load(text)
        assert same(quick, full), (text, quick, full)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
@example("\ntitle: A run\n\x0c\nmood_after: 4\n")
@example("\ntitle: A run\n\xa0\n")
@example("\ntitle: A run\n\u3000\n")
@example("\n" + "k" * 1025 + ": x\n")
@example("\ntitle: a\x1bb\n")
def test_the_quick_reader_reads_as_yaml_reads(text: str) -> None:
    check(text)


def test_a_key_over_1024_characters_is_left_to_yaml() -> None:
    text = "\n" + "k" * 1025 + ": x\n"
    assert QuickLoader(_Loader.yaml_implicit_resolvers).load(text) is None
    assert isinstance(yaml_load(text), Exception)


def test_lines_of_unicode_whitespace_are_left_to_yaml() -> None:
    for odd in ("\x0c", "\xa0", "\u3000", "\x0b"):
        text = f"\ntitle: A run\n{odd}\nmood_after: 4\n"
        quick: Any = QuickLoader(_Loader.yaml_implicit_resolvers).load(text)
        assert quick is None or same(quick, yaml_load(text)), repr(odd)
