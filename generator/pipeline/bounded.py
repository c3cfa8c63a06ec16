"""Keep Markdown's inline rules linear on pathological input, without changing what ordinary text renders as.

markdown-it looks for the `]` that closes a link or image label by walking the rest of the paragraph,
and a footnote mark `[^label]` by walking to the next `]` or space: on thousands of `![` or `[^` with no
end in sight that walk repeats from every bracket. A label needs a `]` after it, and a footnote label
is short, so a rule whose end cannot be there is skipped at once.
"""

from __future__ import annotations

from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

InlineRule = Callable[[StateInline, bool], bool]
MAX_NOTE_LABEL = 200  # characters of a footnote label `[^label]`
_LAST = "footfall_last_bracket"  # attribute of an inline state: where its last `]` is


def _last_bracket(state: StateInline) -> int:
    """Return the position of the last `]` of an inline state's text, found once per state."""
    last: int | None = getattr(state, _LAST, None)
    if last is None:
        last = state.src.rfind("]")
        setattr(state, _LAST, last)
    return last


def _needs_closing_bracket(rule: InlineRule, first: str) -> InlineRule:
    """Return a link or image rule (starting with `first`) that gives up at once when no `]` follows."""

    def bounded(state: StateInline, silent: bool) -> bool:
        if state.src[state.pos] != first or _last_bracket(state) <= state.pos:
            return False
        return rule(state, silent)

    return bounded


def _short_note_label(rule: InlineRule) -> InlineRule:
    """Return a footnote mark rule that gives up at once on a label that cannot end soon."""

    def bounded(state: StateInline, silent: bool) -> bool:
        if state.src[state.pos] != "[" or not state.src.startswith("[^", state.pos):
            return False
        start = state.pos + 2
        window = state.src[start:min(start + MAX_NOTE_LABEL + 1, state.posMax)]
        end = window.find("]")
        if end < 0 or " " in window[:end] or "\n" in window[:end]:
            return False
        return rule(state, silent)

    return bounded


def bounded_plugin(md: MarkdownIt) -> None:
    """Wrap the inline rules that could walk a paragraph again and again."""
    rules = {rule.name: rule for rule in md.inline.ruler.__rules__}
    for name, first in (("link", "["), ("image", "!"), ("footnote_inline", "^")):
        if name in rules:
            md.inline.ruler.at(name, _needs_closing_bracket(rules[name].fn, first))
    if "footnote_ref" in rules:
        md.inline.ruler.at("footnote_ref", _short_note_label(rules["footnote_ref"].fn))
