"""Bombs and pathological input: every decoder has a limit, every scan is linear, nothing crashes.

The bombs are built by the CLI in a separate process whose memory is capped well below what they
would inflate to: a decoder without a limit dies there (a traceback and another exit code) instead
of answering with the clean refusal asserted here.
"""

from __future__ import annotations

import gzip
import resource
import subprocess
import sys
import zlib
from functools import lru_cache
from pathlib import Path

import pytest

from tests.conftest import entry

MEMORY_CAP = 1536 * 1024 * 1024  # bytes of address space for the CLI: far less than a bomb inflates to
INFLATED = 2 * 1024 * 1024 * 1024  # what each bomb inflates to


@lru_cache(maxsize=1)
def zeros_deflated() -> bytes:
    """Return INFLATED zero bytes as a raw deflate stream (a few megabytes): one flushed block, repeated."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = bytes(16 * 1024 * 1024)
    flushed = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    return flushed * (INFLATED // len(block)) + packer.flush()


def zlib_bomb() -> bytes:
    """Return INFLATED zero bytes in a zlib stream (the checksum is never reached)."""
    return b"\x78\xda" + zeros_deflated() + bytes(4)


def gzip_bomb() -> bytes:
    """Return INFLATED zero bytes in a gzip stream (the checksum is never reached)."""
    return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + zeros_deflated() + bytes(8)


def chunk(kind: bytes, body: bytes) -> bytes:
    """Return one PNG chunk."""
    return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")


def png_text_bomb() -> bytes:
    """Return a 1x1 PNG with a zTXt chunk that inflates to INFLATED bytes."""
    header = chunk(b"IHDR", (1).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0]))
    pixels = chunk(b"IDAT", zlib.compress(b"\0\0"))
    bomb = chunk(b"zTXt", b"Comment\0\0" + zlib_bomb())
    return b"\x89PNG\r\n\x1a\n" + header + bomb + pixels + chunk(b"IEND", b"")


def run_capped(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the footfall CLI in a process whose memory is capped."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    return subprocess.run([sys.executable, "-m", "generator", *args], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, preexec_fn=cap, check=False)


def small_site(make_site, extra: dict[str, str | bytes]) -> Path:
    """Return a site with one public story and some extra files."""
    return make_site({
        "content/2026/story.md": entry("title: Open run\ndate: 2026-03-13\nvisibility: public", "Plain words.\n"),
        **extra,
    })


@pytest.mark.parametrize(("relpath", "make"), [
    ("static/badge.png", png_text_bomb),
    ("static/data.json.gz", gzip_bomb),
], ids=["png-ztxt", "gzip"])
def test_a_compression_bomb_in_static_is_refused_without_running_out_of_memory(make_site, relpath: str,
                                                                                make) -> None:
    site = small_site(make_site, {relpath: make()})
    result = run_capped("build", "--site", str(site))
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stdout and "MemoryError" not in result.stdout
    assert relpath.rsplit("/", 1)[-1] in result.stdout and "inflates to more than" in result.stdout
    assert not (site / "output/public").exists()


def test_an_image_of_too_many_pixels_in_a_story_is_refused(make_site) -> None:
    header = chunk(b"IHDR", (60000).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0]))
    bomb = b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b"")
    site = small_site(make_site, {"content/2026/huge.png": bomb, "content/2026/story.md": entry(
        "title: Open run\ndate: 2026-03-13\nvisibility: public", "![huge](huge.png)\n")})
    result = run_capped("build", "--site", str(site))
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stdout
    assert "story.md" in result.stdout and "huge.png" in result.stdout


PATHOLOGICAL = {
    "image-openers": "![" * 200_000,
    "private-fences": "::: private\n" * 40_000,
    "comment-openers": "<!--" * 100_000,
    "closers": "::: \n-->\n" * 40_000,
    "fences-and-comments": "```\n<!--\n:::: private\n" * 20_000,
    "tag-openers": "<a" * 200_000,
    "entities": "&#" * 200_000,
    "percent": "%" * 200_000,
    "long-word": "x" * 400_000,
}


@pytest.mark.parametrize("body", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_text_is_audited_without_a_traceback(make_site, run_cli, body: str) -> None:
    """The audit reads each of these once over (quadratic scans would take minutes here)."""
    from generator.deploy import regions
    from generator.deploy.normalise import views

    split = regions.split_private(body)
    assert len(split.public) + len(split.private) == len(body)
    views(body)
    site = small_site(make_site, {"content/2026/odd.md": entry("title: Odd\ndate: 2026-03-12\nvisibility: private",
                                                               body)})
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 0, result.output[-2000:]
    page = site / "output/public/index.html"
    page.write_text(page.read_text("utf-8") + body, "utf-8")
    assert run_cli("audit", "--site", str(site)).exit_code in (0, 1)


def test_a_gzip_file_within_the_limit_is_read_whole(make_site, run_cli) -> None:
    site = small_site(make_site, {"content/2026/secret.md": entry(
        "title: The brindlemoss run\ndate: 2026-03-12\nvisibility: private", "Mine.\n"),
        "static/notes.txt.gz": gzip.compress(b"x " * 1_000_000 + b"the brindlemoss run")})
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 1 and "brindlemoss" in result.output and "notes.txt.gz" in result.output


def test_a_compression_bomb_among_the_search_index_files_is_refused(make_site, run_cli) -> None:
    """The audit reads the search index's data files whole: a bomb planted among them is refused all the same."""
    site = small_site(make_site, {})
    assert run_cli("build", "--site", str(site)).exit_code == 0
    bundle = site / "output/public/pagefind"
    fragment = next(bundle.rglob("*.pf_fragment"))
    planted = fragment.with_name("en_0000bomb.pf_fragment")
    planted.write_bytes(gzip_bomb())
    result = run_capped("audit", "--site", str(site))
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stdout and "MemoryError" not in result.stdout
    assert planted.name in result.stdout and "inflates to more than" in result.stdout
