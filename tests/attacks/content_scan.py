"""Build a site through the CLI and look for canary words in every byte and path of its output, decoded."""

from __future__ import annotations

import base64
import binascii
import gzip
import html
import io
import json
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from urllib.parse import unquote

from click.testing import CliRunner, Result
from PIL import Image

from generator.cli import cli
from tests.conftest import SITE_TOML

PUBLIC_SITE_TOML = SITE_TOML + 'default_visibility = "public"\n'
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")  # soft hyphen, zero-width characters
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_BASE64 = re.compile(rb"base64,([A-Za-z0-9+/=]{16,})")


_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8", b"GIF8", b"RIFF", b"II*\x00", b"MM\x00*")


def run(*args: str) -> Result:
    """Run `footfall ARGS` as a user would (for fixtures shared by the tests of a module)."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def write_site(root: Path, files: dict[str, str | bytes], site_toml: str = PUBLIC_SITE_TOML) -> Path:
    """Write a site folder: site.toml and the given files; return it."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.toml").write_text(site_toml, "utf-8")
    for relpath, content in files.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, "utf-8")
    return root


def build(run_cli: Callable[..., Result], site: Path, *, journal: bool = False) -> Path:
    """Build one audience's site through the CLI, assert it succeeded, and return its output folder."""
    args = ["build", "--site", str(site)] + (["--journal"] if journal else [])
    result = run_cli(*args)
    assert result.exit_code == 0, result.output
    return site / "output" / ("journal" if journal else "public")


def _decompressed(data: bytes) -> Iterator[bytes]:
    """Yield the data and whatever gzip or zlib streams it is."""
    yield data
    if data[:2] == b"\x1f\x8b":
        yield gzip.decompress(data)
    elif data[:1] == b"\x78":
        try:
            yield zlib.decompress(data)
        except zlib.error:
            pass


def _image_texts(data: bytes) -> Iterator[str]:
    """Yield the metadata of an image (text chunks, EXIF, XMP, comments) as text."""
    if not data.startswith(_IMAGE_MAGIC):
        return
    try:
        with Image.open(io.BytesIO(data)) as image:
            for key, value in {**image.info, **dict(image.getexif())}.items():
                yield f"{key} {value!r}"
                if isinstance(value, bytes):
                    yield value.decode("utf-8", "ignore")
    except Exception:  # not an image: nothing more to read
        return


def _decodings(text: str) -> Iterator[str]:
    """Yield a text as written and decoded: entities, URL-encoding, JSON and Python escapes."""
    yield text
    unescaped = html.unescape(text)
    yield unescaped
    yield unquote(unquote(unescaped))
    yield _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), unescaped).replace("\\/", "/")


def readings(data: bytes) -> Iterator[str]:
    """Yield every reading of a file's bytes a person or a program could make, case-folded."""
    for plain in _decompressed(data):
        texts = [plain.decode("utf-8", "ignore"), plain.decode("utf-16", "ignore") if b"\x00" in plain else ""]
        texts += list(_image_texts(plain))
        for match in _BASE64.finditer(plain):
            try:
                texts.append(base64.b64decode(match.group(1)).decode("utf-8", "ignore"))
            except (binascii.Error, ValueError):
                pass
        for text in texts:
            for reading in _decodings(text):
                folded = _INVISIBLE.sub("", reading).casefold()
                yield folded
                yield re.sub(r"<[^<>]*>", "", folded)
                if "json" in folded[:200] or folded[:1] in "[{":
                    yield from _json_strings(reading)


def _json_strings(text: str) -> Iterator[str]:
    """Yield the strings of a JSON document, joined (empty for text that is not JSON)."""
    try:
        value = json.loads(text)
    except ValueError:
        return
    yield json.dumps(value, ensure_ascii=False).casefold()


class Scanned:
    """Every path and every decoded reading of an output folder's files, read once."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        assert folder.is_dir() and any(folder.iterdir()), f"{folder} is empty"
        self.files: list[tuple[str, str, list[str]]] = []  # (path, its decoded forms, the readings of its bytes)
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder).as_posix()
            texts = list(readings(path.read_bytes())) if path.is_file() else []
            self.files.append((rel, " ".join(_decodings(rel)).casefold(), texts))

    def found(self, canaries: Iterable[str]) -> dict[str, list[str]]:
        """Return canary -> the output paths (files or names) holding it."""
        hits: dict[str, list[str]] = {}
        for canary in (c.casefold() for c in canaries):
            for rel, names, texts in self.files:
                if canary in names or any(canary in t for t in texts):
                    hits.setdefault(canary, []).append(rel)
        return hits


def scanned(target: Path | Scanned) -> Scanned:
    """Return a folder's scan (a scan is returned as it is)."""
    return target if isinstance(target, Scanned) else Scanned(target)


def assert_absent(target: Path | Scanned, canaries: Iterable[str]) -> None:
    """Assert that no canary is in any byte or path of the output, however it is encoded."""
    output = scanned(target)
    leaks = output.found(canaries)
    assert not leaks, f"private words reached {output.folder.name}: {leaks}"


def assert_present(target: Path | Scanned, canaries: Iterable[str]) -> None:
    """Assert that every canary is somewhere in the output (the journal still shows what is private)."""
    wanted = list(canaries)
    hits = scanned(target).found(wanted)
    missing = [c for c in wanted if c.casefold() not in hits]
    assert not missing, f"the journal lost {missing}"


def story(body: str, *, title: str = "A shared run", date: str = "2026-03-14", extra: str = "") -> str:
    """Return a public entry with a body written as is (no dedent: indentation matters here)."""
    return f"---\ntitle: {title}\ndate: {date}\nvisibility: public\n{extra}---\n{body}"
