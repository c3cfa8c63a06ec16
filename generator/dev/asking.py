"""Ask questions in a terminal with prompt_toolkit: words suggested while typing, one comma-separated item at a time."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document


class ListCompleter(Completer):
    """Suggests words for the item being typed after the last comma, case aside."""

    def __init__(self, words: Sequence[str]) -> None:
        self.words = sorted(dict.fromkeys(words), key=str.casefold)

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterator[Completion]:
        """Yield the words that start with what is typed of the current item."""
        typed = document.text_before_cursor.rsplit(",", 1)[-1].lstrip()
        if not typed:
            return
        folded = typed.casefold()
        for word in self.words:
            if word.casefold().startswith(folded) and word.casefold() != folded:
                yield Completion(word, start_position=-len(typed))


class TerminalAsker:
    """Asks one question at a time; the answer, stripped of its line end, or "" when skipped."""

    def __init__(self) -> None:
        self.session: PromptSession[str] = PromptSession()

    def __call__(self, question: str, words: Sequence[str]) -> str:
        """Ask a question, suggesting `words` while the answer is typed."""
        message = f"{question}\n> " if question else "> "
        completer = ListCompleter(words) if words else None
        try:
            return self.session.prompt(message, completer=completer, complete_while_typing=bool(words))
        except EOFError:  # Ctrl+D: skip the question
            return ""
