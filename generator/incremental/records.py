"""One source file's parse and render results as a record, and its plain-data form for the cache.

`process_entry` is the per-file unit of work: a pure function of the file's bytes and the
configuration (it only checks whether referenced images exist), picklable, so a process pool can
run it. Records travel to and from the cache as plain JSON-ready lists, never as pickles.
"""

from __future__ import annotations

import dataclasses
import hashlib
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from generator.config import SiteConfig
from generator.pipeline.entries import Entry, SourceFile, decode, parse_entry
from generator.errors import Problem
from generator.pipeline.markdown import Asset, Audience, Rendered, render_entry
from generator.pipeline.site import is_visible, url_of
from generator.urls import relative_root

Stamp = tuple[int, int, int, int]  # (size, mtime_ns, ctime_ns, inode) of a file (see incremental/scan.py)


@dataclass(frozen=True, slots=True)
class EntryRecord:
    """A source file as last read: its digest, the Entry parsed from it and its renders."""

    rel: str  # path relative to content/
    digest: str  # hash of the file's bytes
    stamp: Stamp | None  # the file's stamp when it was read; None when it cannot be trusted
    entry: Entry | None  # None when the file has errors
    problems: tuple[Problem, ...]  # from reading and parsing
    journal: Rendered | None = None  # the body rendered for the journal, once asked for
    public: Rendered | None = None  # the body rendered for the public site, once asked for

    def rendered(self, audience: Audience) -> Rendered | None:
        """Return the render for one audience, if made."""
        return self.journal if audience == "journal" else self.public

    def needs_render(self, audience: Audience) -> bool:
        """Return True when this audience sees the entry and its render is missing or out of date."""
        if self.entry is None or not is_visible(self.entry, audience):
            return False
        rendered = self.rendered(audience)
        return rendered is None or not images_unchanged(rendered)


def content_digest(raw: bytes) -> str:
    """Return the hash that identifies a file's bytes."""
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def images_unchanged(rendered: Rendered) -> bool:
    """Return True when every image the render found still exists and every missing one is still missing."""
    return all(a.source.is_file() for a in rendered.assets) and not any(p.is_file() for p in rendered.missing)


def process_entry(source: SourceFile, raw: bytes, cfg: SiteConfig, audience: Audience) -> EntryRecord:
    """Parse one file's bytes and render the entry for the audience; pure apart from image lookups."""
    text, problems = decode(raw, source.path)
    entry = None
    if text is not None:
        entry, problems = parse_entry(text, source, cfg)
    record = EntryRecord(source.rel, content_digest(raw), None, entry, tuple(problems))
    return render_record(record, cfg, audience)


def render_record(record: EntryRecord, cfg: SiteConfig, audience: Audience) -> EntryRecord:
    """Return the record with its render for this audience made, when the audience sees it."""
    if not record.needs_render(audience):
        return record
    assert record.entry is not None
    rendered = render_entry(record.entry, audience, relative_root(url_of(record.entry, cfg)))
    return replace(record, journal=rendered) if audience == "journal" else replace(record, public=rendered)


# --- plain data -------------------------------------------------------------------------------

Encoder = Callable[[Any], Any]
Decoder = Callable[[Any], Any]


def encode_datetime(value: datetime) -> str:
    """Return a datetime as text that keeps its zone: ISO with offset, or wall time|zone|fold."""
    if isinstance(value.tzinfo, ZoneInfo):
        return f"{value.replace(tzinfo=None).isoformat()}|{value.tzinfo.key}|{value.fold}"
    return value.isoformat()


def decode_datetime(text: str) -> datetime:
    """Return the datetime encoded by encode_datetime."""
    if "|" in text:
        wall, key, fold = text.split("|")
        return datetime.fromisoformat(wall).replace(tzinfo=ZoneInfo(key), fold=int(fold))
    return datetime.fromisoformat(text)


def _path(value: Any) -> Path:
    """Return a path from its text (a Path given in its place, already made, is kept)."""
    return value if isinstance(value, Path) else Path(value)


def _identity(value: Any) -> Any:
    """Return the value as it is."""
    return value


def _codec(hint: Any) -> tuple[Encoder, Decoder]:
    """Return an (encode, decode) pair for a type hint of a model field."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        if len(inner) == 1:
            enc, dec = _codec(inner[0])
            return (lambda v: None if v is None else enc(v)), (lambda v: None if v is None else dec(v))
        return _identity, _identity
    if origin is tuple:
        enc, dec = _codec(args[0]) if args else (_identity, _identity)
        if enc is _identity:
            return list, tuple
        return (lambda v: [enc(x) for x in v]), (lambda v: tuple(map(dec, v)) if v else ())
    if hint is Path:
        return str, _path
    if hint is datetime:
        return encode_datetime, decode_datetime
    if dataclasses.is_dataclass(hint):
        return dataclass_codec(hint)
    return _identity, _identity


def dataclass_codec(cls: Any) -> tuple[Encoder, Decoder]:
    """Return functions turning a frozen dataclass into a plain list of its fields and back."""
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    codecs = [_codec(hints[name]) for name in names]
    special = [(i, dec) for i, (_, dec) in enumerate(codecs) if dec is not _identity]
    encoders = [(name, enc) for name, (enc, _) in zip(names, codecs)]
    count = len(names)

    def encode(value: Any) -> list[Any]:
        return [enc(getattr(value, name)) for name, enc in encoders]

    def decode(data: list[Any]) -> Any:
        if len(data) != count:
            raise ValueError(f"{cls.__name__} record has {len(data)} fields, expected {count}")
        values = data.copy()
        for index, dec in special:
            values[index] = dec(values[index])
        return cls(*values)

    return encode, decode


def model_shape() -> str:
    """Return a description of every cached model's fields, folded into the cache key."""
    shapes = []
    for cls in (EntryRecord, Entry, Rendered, Asset, Problem):
        hints = typing.get_type_hints(cls)
        shapes.append(f"{cls.__name__}({', '.join(f'{f.name}: {hints[f.name]}' for f in dataclasses.fields(cls))})")
    return "; ".join(shapes)


_ENCODE_RECORD, _DECODE_RECORD = dataclass_codec(EntryRecord)
_RECORD_FIELDS = [f.name for f in dataclasses.fields(EntryRecord)]
_ENTRY_FIELDS = [f.name for f in dataclasses.fields(Entry)]
_ENTRY_AT, _BODY_AT, _SOURCE_AT = _RECORD_FIELDS.index("entry"), _ENTRY_FIELDS.index("body"), _ENTRY_FIELDS.index("source")
_RENDER_AT = {"journal": _RECORD_FIELDS.index("journal"), "public": _RECORD_FIELDS.index("public")}
_HTML_AT = [f.name for f in dataclasses.fields(Rendered)].index("html")

#: A record as the cache keeps it for one audience: its fields as plain lists (the body and the HTML
#: left empty), the entry's body, the render's fields for that audience (or None), and the render's HTML.
#: The long texts travel apart so that they are stored and read as text, not parsed as JSON.
PlainRecord = tuple[list[Any], str, list[Any] | None, str]


def record_to_plain(record: EntryRecord, audience: Audience) -> PlainRecord:
    """Return a record, with its render for one audience, as plain lists, strings and numbers."""
    data = _ENCODE_RECORD(replace(record, journal=None, public=None))
    body = ""
    if data[_ENTRY_AT] is not None:
        body, data[_ENTRY_AT][_BODY_AT] = data[_ENTRY_AT][_BODY_AT], ""
    rendered = record.rendered(audience)
    render, html = (None, "") if rendered is None else (_ENCODE_RENDERED(rendered), rendered.html)
    if render is not None:
        render[_HTML_AT] = ""
    return data, body, render, html


def record_from_plain(plain: PlainRecord, audience: Audience, source: Path | None = None) -> EntryRecord:
    """Return the record stored by record_to_plain; raise ValueError or TypeError on a bad shape.

    `source` is the file's path as discovered: the entry shares it when it names the same file.
    """
    data, body, render, html = plain
    if not isinstance(data, list) or len(data) != len(_RECORD_FIELDS):
        raise ValueError("not an entry record")
    data = data.copy()
    if data[_ENTRY_AT] is not None:
        entry = data[_ENTRY_AT] = data[_ENTRY_AT].copy()
        entry[_BODY_AT] = body
        if source is not None and entry[_SOURCE_AT] == str(source):
            entry[_SOURCE_AT] = source
    if render is not None:
        render = data[_RENDER_AT[audience]] = render.copy()
        render[_HTML_AT] = html
    record = _DECODE_RECORD(data)
    if not isinstance(record, EntryRecord) or not isinstance(body, str) or not isinstance(html, str):
        raise TypeError("not an entry record")
    return record


_ENCODE_RENDERED, _ = dataclass_codec(Rendered)


_ENCODE_PROBLEM, _DECODE_PROBLEM = dataclass_codec(Problem)


def encode_problem(problem: Problem) -> list[Any]:
    """Return a problem as plain data."""
    return _ENCODE_PROBLEM(problem)  # type: ignore[no-any-return]


def decode_problem(data: list[Any]) -> Problem:
    """Return the problem stored by encode_problem."""
    problem = _DECODE_PROBLEM(data)
    if not isinstance(problem, Problem):
        raise TypeError("not a problem")
    return problem
