"""Parse untrusted XML safely: no entity expansion, no external references, no DTD tricks."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from functools import lru_cache

import defusedxml
import defusedxml.ElementTree as safe_tree

from generator.recordings.model import RecordingError


def parse_xml(data: bytes, kind: str) -> ET.Element:
    """Return the root element of an XML document, or raise RecordingError saying what is wrong."""
    try:
        return safe_tree.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as exc:
        raise RecordingError(f"the {kind} file declares XML entities, which Footfall refuses to expand ({exc})") from exc
    except ET.ParseError as exc:
        raise RecordingError(f"the {kind} file is not well-formed XML ({exc}); it may be cut short") from exc


def local(tag: str) -> str:
    """Return an element's tag without its namespace."""
    return tag.rsplit("}", 1)[-1]


@lru_cache(maxsize=64)
def is_heart_rate(tag: str) -> bool:
    """Return True for the tag of a heart rate in a point's extensions (gpxtpx:hr, ns3:hr, a plain <hr>, <heartrate>)."""
    return local(tag).lower() in ("hr", "heartrate")


def child_text(element: ET.Element, *path: str) -> str | None:
    """Return the text of the first descendant along a path of local names, or None."""
    current: ET.Element | None = element
    for name in path:
        current = next((c for c in current if local(c.tag) == name), None) if current is not None else None
    if current is None or current.text is None:
        return None
    return current.text.strip() or None


def number(text: str | None) -> float | None:
    """Return a number from element text, or None when it is missing or not a number."""
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None
