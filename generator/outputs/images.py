"""Make the images of the public build safe and light: no metadata, a few sensible widths, srcset.

Each image is decoded with Pillow, turned upright, stripped of EXIF (camera, GPS, timestamps), XMP,
comments and text chunks (the colour profile stays), and saved at each width of WIDTHS that it
reaches, never upscaled. Results are cached by the hash of the original's bytes in
.footfall-cache/images/, so an unchanged photo is never decoded again. The journal keeps originals.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import posixpath
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

from PIL import Image, ImageOps, UnidentifiedImageError

from generator.errors import Problem, error
from generator.pipeline.markdown import Asset, Rendered

WIDTHS = (480, 960, 1600)  # pixel widths offered in srcset
SRC_WIDTH = 960  # the width of the plain `src`, for browsers without srcset
#: The theme's column is 42rem wide with 1.25rem padding on each side.
SIZES = "(min-width: 42rem) 39.5rem, calc(100vw - 2.5rem)"
CACHE_VERSION = "images-1"  # change to redraw every cached image
SUFFIXES = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}  # others become PNG
PASS_THROUGH = (".svg",)  # vector images are copied as they are (and audited as text)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_IMAGE_CHUNKS = (b"IHDR", b"IDAT", b"IEND", b"PLTE", b"tRNS", b"iCCP")  # pixels, palette, colour profile
_IMG_TAG = re.compile(r"<img\b[^>]*>")
_SRC_ATTR = re.compile(r'\ssrc="([^"]*)"')


@dataclass(frozen=True, slots=True)
class Variant:
    """One width of a processed image."""

    name: str  # output name beside the page, e.g. "photo-960.jpg"
    width: int
    height: int
    source: Path  # the cached file to copy


@dataclass(frozen=True, slots=True)
class ResponsiveImage:
    """An image of the public build in every width it is offered at."""

    name: str  # the name the entry refers to, e.g. "photo.jpg"
    variants: tuple[Variant, ...]  # narrowest first

    @property
    def src(self) -> Variant:
        """Return the variant for the plain `src` (the widest up to SRC_WIDTH), which keeps the original name."""
        fitting = [v for v in self.variants if v.width <= SRC_WIDTH]
        return fitting[-1] if fitting else self.variants[0]


class ImageError(ValueError):
    """An image Pillow cannot read or write."""


def widths_for(width: int) -> tuple[int, ...]:
    """Return the widths to offer for an image `width` pixels wide, never wider than it."""
    return tuple(sorted({w for w in WIDTHS if w < width} | {min(width, WIDTHS[-1])}))


def variant_name(name: str, width: int, suffix: str, *, plain: bool = False) -> str:
    """Return the output name of one width of an image: run.JPG -> run-480.jpg (or run.jpg when plain)."""
    stem = posixpath.splitext(name)[0]
    return f"{stem}{suffix}" if plain else f"{stem}-{width}{suffix}"


def process(source: Path, name: str, cache_dir: Path) -> ResponsiveImage:
    """Return the variants of one image, from the cache or freshly made."""
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise ImageError(f"cannot read {source.name}: {exc.strerror}") from exc
    digest = hashlib.sha256(CACHE_VERSION.encode() + data).hexdigest()[:32]
    index = cache_dir / f"{digest}.json"
    cached = _from_cache(index, name)
    if cached is not None:
        return cached
    sizes = _make_variants(source, digest, cache_dir)
    index.write_text(json.dumps(sizes), "utf-8")
    return _responsive(name, sizes, cache_dir)


def _from_cache(index: Path, name: str) -> ResponsiveImage | None:
    """Return a cached result when its index and every file are there (a broken cache counts as empty)."""
    try:
        sizes = json.loads(index.read_text("utf-8"))
        image = _responsive(name, sizes, index.parent)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return image if all(v.source.is_file() for v in image.variants) else None


def _responsive(name: str, sizes: list[dict[str, object]], cache_dir: Path) -> ResponsiveImage:
    """Return a ResponsiveImage from the stored list of {file, width, height, suffix}."""
    widths = [int(str(s["width"])) for s in sizes]
    src_width = max((w for w in widths if w <= SRC_WIDTH), default=min(widths))
    variants = tuple(Variant(variant_name(name, width, str(s["suffix"]), plain=width == src_width), width,
                             int(str(s["height"])), cache_dir / str(s["file"])) for width, s in zip(widths, sizes))
    return ResponsiveImage(name, variants)


def _make_variants(source: Path, digest: str, cache_dir: Path) -> list[dict[str, object]]:
    """Decode an image and save each width without metadata; return what was saved."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    try:
        with Image.open(source) as opened:
            opened.load()
            suffix = SUFFIXES.get(opened.format or "", ".png")
            if getattr(opened, "is_animated", False):
                return [_save_animated(opened, digest, cache_dir)]
            upright = ImageOps.exif_transpose(opened)
            icc = opened.info.get("icc_profile")
            saved = []
            for width in widths_for(upright.width):
                height = max(1, round(upright.height * width / upright.width))
                resized = upright if width == upright.width else upright.resize((width, height), Image.Resampling.LANCZOS)
                file = f"{digest}-{width}{suffix}"
                _save_clean(resized, cache_dir / file, suffix, icc)
                saved.append({"file": file, "width": width, "height": height, "suffix": suffix})
            return saved
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageError(f"cannot read {source.name} as an image ({exc})") from exc


def _save_clean(image: Image.Image, path: Path, suffix: str, icc: bytes | None) -> None:
    """Save an image with no metadata but its colour profile."""
    image = image.copy()
    image.info = {}
    options: dict[str, object] = {"icc_profile": icc} if icc else {}
    if suffix == ".jpg":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(path, "JPEG", quality=82, optimize=True, progressive=True, **options)
    elif suffix == ".webp":
        image.save(path, "WEBP", quality=82, method=4, **options)
    elif suffix == ".gif":
        image.save(path, "GIF", optimize=True)
    else:
        image.save(path, "PNG", optimize=True, **options)


def _save_animated(image: Image.Image, digest: str, cache_dir: Path) -> dict[str, object]:
    """Save an animated image at its own size, without comments or other metadata."""
    suffix = SUFFIXES.get(image.format or "", ".gif")
    suffix = suffix if suffix in (".gif", ".webp", ".png") else ".gif"
    file = f"{digest}-{image.width}{suffix}"
    frames = ImageOps.exif_transpose(image)
    timing = {str(key): value for key, value in image.info.items() if key in ("duration", "loop", "transparency")}
    frames.info = {}
    frames.save(cache_dir / file, save_all=True, **timing)
    return {"file": file, "width": image.width, "height": image.height, "suffix": suffix}


def img_attributes(image: ResponsiveImage) -> str:
    """Return the src, srcset, sizes, width and height attributes of an image."""
    def url(variant: Variant) -> str:
        return html.escape(quote(variant.name))

    srcset = ", ".join(f"{url(v)} {v.width}w" for v in image.variants)
    src = image.src
    return (f' src="{url(src)}" srcset="{srcset}" sizes="{SIZES}" width="{src.width}" height="{src.height}"'
            ' loading="lazy" decoding="async"')


def rewrite_img_tags(body: str, images: Mapping[str, ResponsiveImage]) -> str:
    """Return HTML whose <img> tags of processed images offer every width."""
    def rewrite(match: re.Match[str]) -> str:
        tag = match.group(0)
        src = _SRC_ATTR.search(tag)
        image = images.get(html.unescape(src.group(1))) if src else None
        if src is None or image is None:
            return tag
        return tag[:src.start()] + img_attributes(image) + tag[src.end():]

    return _IMG_TAG.sub(rewrite, body)


def responsive(rendered: Rendered, cache_dir: Path, source: Path) -> tuple[Rendered, list[Problem]]:
    """Return a public render whose images are stripped, resized and offered with srcset."""
    images: dict[str, ResponsiveImage] = {}
    assets: list[Asset] = []
    problems: list[Problem] = []
    for asset in rendered.assets:
        if asset.name.lower().endswith(PASS_THROUGH):
            assets.append(asset)
            continue
        try:
            image = process(asset.source, asset.name, cache_dir)
        except ImageError as exc:
            problems.append(error(source, None, str(exc), "re-save the image as JPEG, PNG or WebP, or remove it"))
            continue
        images[asset.name] = image
        assets.extend(Asset(v.source, v.name, asset.name) for v in image.variants)
    if not images:
        return rendered, problems
    return replace(rendered, html=rewrite_img_tags(rendered.html, images), assets=tuple(assets)), problems


def metadata_text(data: bytes) -> str | None:
    """Return the text an image carries besides its pixels (EXIF, XMP, comments, text chunks); None if unreadable."""
    if data.startswith(PNG_SIGNATURE):
        return png_text(data)
    try:
        with Image.open(io.BytesIO(data)) as image:
            info = [str(v) if not isinstance(v, bytes) else v.decode("utf-8", "replace")
                    for k, v in image.info.items() if k != "icc_profile"]
            exif = [str(v) for v in image.getexif().values()]
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None
    return "\n".join([*info, *exif])


def png_text(data: bytes) -> str:
    """Return the text of every chunk of a PNG but its pixels, palette and colour profile (no decoding)."""
    pieces: list[str] = []
    position = len(PNG_SIGNATURE)
    while position + 8 <= len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        kind = data[position + 4:position + 8]
        if kind not in PNG_IMAGE_CHUNKS:
            pieces.append(_chunk_text(kind, data[position + 8:position + 8 + length]))
        position += 12 + length
    return "\n".join(pieces)


def _chunk_text(kind: bytes, body: bytes) -> str:
    """Return the text of one PNG chunk, inflating compressed text."""
    key, _, rest = body.partition(b"\0")
    try:
        if kind == b"zTXt":
            rest = zlib.decompress(rest[1:])
        elif kind == b"iTXt" and rest[:1] == b"\1":
            rest = zlib.decompress(rest[2:].split(b"\0", 2)[-1])
    except zlib.error:
        pass
    return (key + b" " + rest).decode("utf-8", "replace")
