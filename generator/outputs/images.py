"""Make the images of the public build safe and light: no metadata, a few sensible widths, srcset.

An image is read by what it holds, never by its name: a JPEG called .svg is a JPEG, a PNG called
.jpg a PNG. A raster image is decoded with Pillow (within its limits on pixels and text chunks),
turned upright, its colours brought to sRGB with its colour profile (which can hold text) and
saved without any metadata: no EXIF (camera, GPS, timestamps), XMP, comments, text chunks or
profile, at each width of WIDTHS that it reaches, never upscaled. An SVG keeps only its drawing
(svg.py). Results are cached by the hash of the original's bytes in .footfall-cache/images/, so an
unchanged photo is never decoded again. The journal keeps originals.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

import warnings

from PIL import Image, ImageCms, ImageOps, ImageSequence, UnidentifiedImageError

from generator.errors import Problem, error
from generator.outputs import svg
from generator.pipeline.markdown import Asset, Rendered

WIDTHS = (480, 960, 1600)  # pixel widths offered in srcset
SRC_WIDTH = 960  # the width of the plain `src`, for browsers without srcset
#: The theme's column is 42rem wide with 1.25rem padding on each side.
SIZES = "(min-width: 42rem) 39.5rem, calc(100vw - 2.5rem)"
CACHE_VERSION = "images-2"  # change to redraw every cached image
SUFFIXES = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}  # others become PNG
MAX_PIXELS = 64_000_000  # an image with more pixels is refused (Pillow's bomb check, made an error)
MAX_IMAGE_BYTES = 64 * 1024 * 1024  # an image file larger than this is refused unread
SRGB = ImageCms.createProfile("sRGB")
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


def read_image(source: Path) -> bytes:
    """Return the bytes of an image file; raise ImageError when it cannot be read or is too large."""
    try:
        if source.stat().st_size > MAX_IMAGE_BYTES:
            raise ImageError(f"{source.name} is larger than {MAX_IMAGE_BYTES // 2**20} MB")
        return source.read_bytes()
    except OSError as exc:
        raise ImageError(f"cannot read {source.name}: {exc.strerror}") from exc


def process(source: Path, name: str, cache_dir: Path) -> ResponsiveImage:
    """Return the variants of one raster image, from the cache or freshly made."""
    data = read_image(source)
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
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source) as opened:
                if opened.width * opened.height > MAX_PIXELS:
                    raise ValueError(f"{opened.width}x{opened.height} pixels is more than the {MAX_PIXELS:,} allowed")
                opened.load()
                suffix = SUFFIXES.get(opened.format or "", ".png")
                if getattr(opened, "is_animated", False):
                    return [_save_animated(opened, digest, cache_dir)]
                upright = in_srgb(ImageOps.exif_transpose(opened), opened.info.get("icc_profile"))
                saved = []
                for width in widths_for(upright.width):
                    height = max(1, round(upright.height * width / upright.width))
                    resized = upright if width == upright.width else upright.resize((width, height), Image.Resampling.LANCZOS)
                    file = f"{digest}-{width}{suffix}"
                    _save_clean(resized, cache_dir / file, suffix)
                    saved.append({"file": file, "width": width, "height": height, "suffix": suffix})
                return saved
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:
        raise ImageError(f"cannot read {source.name} as an image ({exc})") from exc


def in_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Return an image with its colours brought to sRGB by its profile, so that the profile can go."""
    if not icc or image.mode not in ("RGB", "RGBA", "L", "LA", "CMYK", "P"):
        return image
    image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(image, source, SRGB, outputMode=image.mode) or image
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # an unreadable profile: the colours stay as they are, the profile goes anyway


def _save_clean(image: Image.Image, path: Path, suffix: str) -> None:
    """Save an image with no metadata at all (no EXIF, XMP, comments, text or colour profile)."""
    image = image.copy()
    image.info = {}
    options: dict[str, object] = {}
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
    """Save an animated image at its own size, frame by frame, without comments or other metadata."""
    suffix = SUFFIXES.get(image.format or "", ".gif")
    suffix = suffix if suffix in (".gif", ".webp", ".png") else ".gif"
    if getattr(image, "n_frames", 1) * image.width * image.height > 4 * MAX_PIXELS:
        raise ValueError(f"{image.n_frames} frames of {image.width}x{image.height} pixels is too many")
    frames, durations = [], []
    for frame in ImageSequence.Iterator(image):
        durations.append(int(frame.info.get("duration", 100) or 100))
        copy = frame.copy()
        copy.info = {}
        frames.append(copy)
    file = f"{digest}-{image.width}{suffix}"
    frames[0].save(cache_dir / file, {".gif": "GIF", ".webp": "WEBP", ".png": "PNG"}[suffix], save_all=True,
                   append_images=frames[1:], duration=durations, loop=int(image.info.get("loop", 0) or 0))
    return {"file": file, "width": image.width, "height": image.height, "suffix": suffix}


def img_attributes(image: ResponsiveImage) -> str:
    """Return the src, srcset, sizes, width and height attributes of an image."""
    def url(variant: Variant) -> str:
        return html.escape(quote(variant.name))

    srcset = ", ".join(f"{url(v)} {v.width}w" for v in image.variants)
    src = image.src
    return (f' src="{url(src)}" srcset="{srcset}" sizes="{SIZES}" width="{src.width}" height="{src.height}"'
            ' loading="lazy" decoding="async"')


def rewrite_img_tags(body: str, images: Mapping[str, ResponsiveImage | str]) -> str:
    """Return HTML whose <img> tags of processed images offer every width (or name a cleaned SVG)."""
    def rewrite(match: re.Match[str]) -> str:
        tag = match.group(0)
        src = _SRC_ATTR.search(tag)
        image = images.get(html.unescape(src.group(1))) if src else None
        if src is None or image is None:
            return tag
        attributes = f' src="{html.escape(quote(image))}"' if isinstance(image, str) else img_attributes(image)
        return tag[:src.start()] + attributes + tag[src.end():]

    return _IMG_TAG.sub(rewrite, body)


def clean_svg(data: bytes, name: str, cache_dir: Path) -> Asset:
    """Return the asset of an SVG with only its drawing kept, named .svg (cached like the others)."""
    digest = hashlib.sha256(CACHE_VERSION.encode() + data).hexdigest()[:32]
    path = cache_dir / f"{digest}.svg"
    if not path.is_file():
        cleaned, _ = svg.clean(data)
        cache_dir.mkdir(parents=True, exist_ok=True)
        path.write_bytes(cleaned)
    return Asset(path, posixpath.splitext(name)[0] + ".svg")


def responsive(rendered: Rendered, cache_dir: Path, source: Path) -> tuple[Rendered, list[Problem]]:
    """Return a public render whose images are stripped, resized and offered with srcset, each read by content."""
    images: dict[str, ResponsiveImage | str] = {}
    assets: list[Asset] = []
    problems: list[Problem] = []
    for asset in rendered.assets:
        try:
            data = read_image(asset.source)
            if svg.looks_like_svg(data):
                drawing = clean_svg(data, asset.name, cache_dir)
                images[asset.name] = drawing.name
                assets.append(drawing)
                continue
            image = process(asset.source, asset.name, cache_dir)
        except svg.SvgError as exc:
            where = f" (line {exc.line} of {asset.name})" if exc.line else ""
            problems.append(error(source, None, f"the SVG {asset.name} cannot be published: {exc}{where}", svg.HINT))
            continue
        except ImageError as exc:
            problems.append(error(source, None, str(exc), "re-save the image as JPEG, PNG or WebP, or remove it"))
            continue
        images[asset.name] = image
        assets.extend(Asset(v.source, v.name, asset.name) for v in image.variants)
    if not images:
        return rendered, problems
    return replace(rendered, html=rewrite_img_tags(rendered.html, images), assets=tuple(assets)), problems
