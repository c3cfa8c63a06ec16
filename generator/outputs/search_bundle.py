"""Make a Pagefind bundle the same bytes for the same pages, so that builds stay reproducible.

Pagefind lists each filter's values in hash-map order, which changes from run to run; the filter
files, the language's meta file that names them, and `pagefind-entry.json` that names the meta file
change with it. Here the values are sorted, each filter file is named by a digest of its bytes, the
meta file is rewritten to name them (in filter-name order) and named by its own digest, and the
entry file is pointed at it. Every other file of the bundle is kept as Pagefind wrote it.

Pagefind's data files are gzip-compressed, start with the signature `pagefind_dcd` and hold CBOR.
The meta file is `[version, fragments, index chunks, filters, sorts, meta fields]`, each filter
`[name, file hash]`; a filter file is `[name, [[value, [page numbers]], ...]]`.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import zlib
from collections.abc import Mapping

import cbor2

SIGNATURE = b"pagefind_dcd"
FILTER_FILE = re.compile(r"^(?P<folder>.+)/filter/(?P<hash>(?P<lang>[\w-]+)_[0-9a-f]+)\.pf_filter$")
META_FILE = re.compile(r"^(?P<folder>.+)/pagefind\.(?P<hash>(?P<lang>[\w-]+)_[0-9a-f]+)\.pf_meta$")
FILTERS_AT = 3  # the position of the filter list in the meta file
MAX_READABLE = 64 * 1024 * 1024  # a data file inflating past this is not read as one (the audit refuses it)


class UnknownBundle(Exception):
    """The bundle is not laid out as this Pagefind version lays it out."""


def decode(data: bytes) -> object:
    """Return the CBOR value of a Pagefind data file."""
    raw = gzip.decompress(data)
    if not raw.startswith(SIGNATURE):
        raise UnknownBundle("a Pagefind data file without its signature")
    return cbor2.loads(raw[len(SIGNATURE):])


def encode(value: object) -> bytes:
    """Return a Pagefind data file holding value, compressed the same way every time."""
    return gzip.compress(SIGNATURE + cbor2.dumps(value), compresslevel=9, mtime=0)


def short_hash(data: bytes, lang: str, length: int) -> str:
    """Return a file hash in Pagefind's form (`en_1a2b3c4`), from a digest of data."""
    return f"{lang}_{hashlib.sha256(data).hexdigest()[:length]}"


def sorted_filter(value: object) -> object:
    """Return a filter file's value with its values, and each value's pages, in order."""
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[1], list)):
        raise UnknownBundle("a filter file of an unknown shape")
    name, values = value
    return [name, sorted(([v[0], sorted(v[1])] for v in values), key=lambda v: str(v[0]))]


def canonical_bundle(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """Return the bundle with its filter and meta files in a stable order and named by content."""
    result = dict(files)
    renamed: dict[str, str] = {}
    for relpath in sorted(files):
        found = FILTER_FILE.match(relpath)
        if found:
            data = encode(sorted_filter(decode(files[relpath])))
            new_hash = short_hash(data, found["lang"], len(found["hash"]) - len(found["lang"]) - 1)
            renamed[found["hash"]] = new_hash
            del result[relpath]
            result[f"{found['folder']}/filter/{new_hash}.pf_filter"] = data
    for relpath in sorted(files):
        found = META_FILE.match(relpath)
        if found:
            _rewrite_meta(result, relpath, found, renamed)
    return dict(sorted(result.items()))


def _rewrite_meta(result: dict[str, bytes], relpath: str, found: re.Match[str], renamed: Mapping[str, str]) -> None:
    """Point a language's meta file at the renamed filter files, rename it, and point the entry file at it."""
    meta = decode(result.pop(relpath))
    if not (isinstance(meta, list) and len(meta) > FILTERS_AT and isinstance(meta[FILTERS_AT], list)):
        raise UnknownBundle("a meta file of an unknown shape")
    meta[FILTERS_AT] = sorted(([name, renamed.get(hash_, hash_)] for name, hash_ in meta[FILTERS_AT]),
                              key=lambda pair: str(pair[0]))
    data = encode(meta)
    new_hash = short_hash(data, found["lang"], len(found["hash"]) - len(found["lang"]) - 1)
    result[f"{found['folder']}/pagefind.{new_hash}.pf_meta"] = data
    entry_path = f"{found['folder']}/pagefind-entry.json"
    entry = json.loads(result[entry_path])
    for language in entry.get("languages", {}).values():
        if language.get("hash") == found["hash"]:
            language["hash"] = new_hash
    result[entry_path] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()


def readable_text(data: bytes) -> str | None:
    """Return the text in a Pagefind data file (JSON as it is, CBOR as its strings); None if it is not one."""
    raw = _inflate(data, MAX_READABLE)
    if raw is None or not raw.startswith(SIGNATURE):
        return None
    body = raw[len(SIGNATURE):]
    if body.startswith(b"{"):  # a fragment: the page's text and meta as JSON
        return body.decode("utf-8", "replace")
    try:
        return "\n".join(_strings(cbor2.loads(body)))
    except (ValueError, EOFError, cbor2.CBORDecodeError):
        return body.decode("utf-8", "replace")  # unreadable as CBOR: search its bytes as text


def _inflate(data: bytes, limit: int) -> bytes | None:
    """Return one gzip member inflated, or None when it is not one, is followed by more, or inflates past limit."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        raw = inflater.decompress(data, limit + 1)
    except zlib.error:
        return None
    if len(raw) > limit or not inflater.eof or inflater.unused_data:
        return None
    return raw


def _strings(value: object) -> list[str]:
    """Return every string inside a decoded value, depth first."""
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, (bytes, bytearray)):
            found.append(bytes(item).decode("utf-8", "replace"))
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return found
