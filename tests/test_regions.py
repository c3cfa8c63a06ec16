"""The audit's own split of a source into public and private parts: the quick answer for a text with no
comment and no container is the line-by-line pass's answer."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.deploy.regions import Split, split_lines, split_private

PIECES = ["\n", " ", "   ", "text", "::", ":::", "::::", "::: private", ":::private", "{.private}", "<!--", "<!-", "-->",
          "```", "~~~", "````", "<pre>", "</pre>", "<div>", "- item", "> quote", "\t", "\r\n", "Private", ":"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=30).map("".join))
@example("A public run.\n\n```\ncode\n```\n")
@example("A public run.\n\n::: private\nhidden\n:::\n")
@example("before <!-- hidden --> after")
def test_the_quick_split_is_the_line_by_line_split(text: str) -> None:
    assert split_private(text) == split_lines(text)


def test_a_text_without_comments_or_containers_is_public_whole() -> None:
    text = "A run by the river.\n\n```\n<b>code</b>\n```\n\n- a list\n"
    assert split_private(text) == Split(text, "")
