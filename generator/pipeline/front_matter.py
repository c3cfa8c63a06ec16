"""Read front matter as YAML does, quickly for the plain `key: value` lines most entries are made of.

A journal's front matter is a dozen lines such as `distance: 10.2 km`, `duration: "58:30"` or
`emotions: [calm, grief]`. PyYAML reads them correctly but spends most of a cold build's YAML time
in its general machinery (events, nodes, generators). `QuickLoader` reads only that plain shape,
and gives up (None) on any line it is not sure of, leaving the text to YAML. The scalars are typed
by the loader's own implicit resolvers, so the result is always what YAML itself would give.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

Resolvers = dict[Any, list[tuple[str, re.Pattern[str]]]]

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")  # a plain key, before its `:`
#: Characters that may not start a plain scalar, or that make it mean more than text (YAML 1.1, 9.1.3).
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_SPECIAL = frozenset(",[]{}:#'\"")  # within a flow list's plain items
_STR = "tag:yaml.org,2002:str"
MAX_KEY = 1000  # keys longer are left to YAML, which refuses simple keys over 1,024 characters
_BOOLS = yaml.constructor.SafeConstructor.bool_values


class QuickLoader:
    """Reads plain front matter as one YAML loader would (given its implicit resolvers), remembering short lines."""

    MEMO_SIZE = 4096  # lines kept: `visibility: public`, `mood_after: 4`, `tags: [solo]` recur in many entries

    def __init__(self, resolvers: Resolvers) -> None:
        self.resolvers = resolvers  # the loader's `yaml_implicit_resolvers`
        self._lines: dict[str, tuple[str, Any]] = {}  # short lines read -> key and value (a list as a tuple)

    def load(self, text: str) -> dict[str, Any] | None:
        """Return the mapping of a front matter made of plain `key: value` lines; None when YAML must read it."""
        if "\t" in text or "\r" in text or "\\" in text or "#" in text:
            return None  # tabs, other line ends, escapes and comments: YAML's business
        found: dict[str, Any] = {}
        lines = self._lines
        for line in text.split("\n"):
            read = lines.get(line)
            if read is None:
                if not line.strip(" "):
                    continue  # only spaces: other whitespace (\x0c, \xa0, \u3000) is YAML's business
                read = self._line(line)
                if read is None:
                    return None
                if len(line) <= 80:
                    if len(lines) >= self.MEMO_SIZE:
                        lines.clear()
                    lines[line] = read
            key, value = read
            if key in found:
                return None  # YAML reports the key given twice, with both lines
            found[key] = list(value) if type(value) is tuple else value
        return found or None

    def _line(self, line: str) -> tuple[str, Any] | None:
        """Return the key and value of one `key: value` line (a list as a tuple); None when unsure."""
        key, colon, rest = line.partition(":")
        if not colon or _KEY.fullmatch(key) is None or not line.isprintable():
            return None
        written = rest.strip(" ")
        if rest and not rest.startswith(" ") and written:
            return None  # `key:value` is one plain text to YAML, not a key
        if len(key) > MAX_KEY:
            return None  # YAML allows a simple key 1,024 characters at most
        if _resolve(key, self.resolvers) != _STR:
            return None  # `yes:` or `null:` would be a key that is not text
        value = _value(written or "", self.resolvers)
        if value is None:
            return None
        return key, tuple(value[0]) if type(value[0]) is list else value[0]


class DuplicateKey(yaml.YAMLError):
    """A mapping that gives one key twice."""

    def __init__(self, key: object, first: yaml.Mark, second: yaml.Mark) -> None:
        super().__init__(f"{key!r} is given twice")
        self.key = key  # the key as YAML read it
        self.first = first  # where it is given first
        self.second = second  # where it is given again


class NoDuplicateKeys:
    """A YAML constructor mix-in that refuses a mapping giving one key twice (YAML would keep the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Return the mapping of a node; raise DuplicateKey when a key comes twice."""
        seen: dict[Any, yaml.Mark] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                key = self.construct_object(key_node)  # type: ignore[attr-defined]
                if key in seen:
                    raise DuplicateKey(key, seen[key], key_node.start_mark)
                seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc,no-any-return]


def _value(written: str, resolvers: Resolvers) -> tuple[Any] | None:
    """Return a value (in a 1-tuple: it may be None) from the text after `key:`; None when unsure."""
    if written.startswith("[") and written.endswith("]"):
        return _flow_list(written[1:-1], resolvers)
    if written[:1] in ("'", '"'):
        return _quoted(written)
    if written.endswith(":") or ": " in written or (written and written[0] in _INDICATORS):
        return None
    return _plain(written, resolvers)


def _quoted(written: str) -> tuple[str] | None:
    """Return a quoted text with nothing to unescape inside; None otherwise."""
    quote, inner = written[0], written[1:-1]
    if len(written) < 2 or written[-1] != quote or quote in inner:
        return None
    return (inner,)


def _flow_list(inner: str, resolvers: Resolvers) -> tuple[list[Any]] | None:
    """Return the items of `[a, b, c]` when each is a plain word or quoted text without commas; None otherwise."""
    if not inner.strip():
        return ([],)
    items: list[Any] = []
    for part in inner.split(","):
        word = part.strip(" ")
        if word[:1] in ("'", '"'):
            quoted = _quoted(word)
            if quoted is None:
                return None
            items.append(quoted[0])
            continue
        if not word or word[0] in _INDICATORS or any(c in _FLOW_SPECIAL for c in word):
            return None
        value = _plain(word, resolvers)
        if value is None:
            return None
        items.append(value[0])
    return (items,)


def _plain(word: str, resolvers: Resolvers) -> tuple[Any] | None:
    """Return a plain scalar typed as YAML types it (text, int, float, bool, null); None for other types."""
    tag = _resolve(word, resolvers)
    if tag == _STR:
        return (word,)
    if tag == "tag:yaml.org,2002:null":
        return (None,)
    if tag == "tag:yaml.org,2002:bool":
        return (_BOOLS[word.lower()],)
    if "_" in word:
        return None  # 1_000: YAML drops the underscores; leave that to it
    if tag == "tag:yaml.org,2002:int":
        return (int(word),)
    if tag == "tag:yaml.org,2002:float":
        return (float(word),)
    return None


def _resolve(word: str, resolvers: Resolvers) -> str:
    """Return the tag YAML's implicit resolvers give a plain scalar (as PyYAML's Resolver.resolve does)."""
    for tag, pattern in (*resolvers.get(word[0] if word else "", ()), *resolvers.get(None, ())):
        if pattern.match(word):
            return tag
    return _STR
