"""Keep only the drawing of an SVG: no script, metadata, foreign objects, images, events or outside links.

An SVG is a document, and a drawing exported from an editor carries much besides its shapes: the
file it was exported to (`inkscape:export-filename`), the creator, embedded photos with their GPS
EXIF, scripts, links. The public build keeps the elements and attributes of SVG that draw (shapes,
text, gradients, filters, clip paths, markers, `<style>` without `url(` or `@import`), links only
to `#fragments` of the file itself, and drops everything else: comments, processing instructions,
elements and attributes of other namespaces (editors', RDF), `on*` event attributes, `<script>`,
`<foreignObject>`, `<image>`, `<metadata>`, animation (it can rewrite links) and `<a>` (its
content stays).

Parsing is safe: a DOCTYPE or an entity is refused outright (no billion laughs, no external
entities), no network, no huge trees, and files past MAX_SVG_BYTES are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
MAX_SVG_BYTES = 8 * 1024 * 1024
HINT = ("keep only the drawing (in Inkscape: Save As > Optimized SVG or Plain SVG), or export the image "
        "as PNG; Footfall never publishes scripts, metadata, embedded images or links out of an SVG")
DRAWING = frozenset("""svg g defs symbol use path rect circle ellipse line polyline polygon text tspan textPath title
    linearGradient radialGradient stop pattern clipPath mask marker filter style switch view
    feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix feDiffuseLighting feDisplacementMap
    feDistantLight feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR feGaussianBlur feMerge feMergeNode
    feMorphology feOffset fePointLight feSpecularLighting feSpotLight feTile feTurbulence""".split())
UNWRAPPED = frozenset({"a"})  # dropped, but what they hold stays
_OUTSIDE_URL = re.compile(r"url\s*\(\s*['\"]?\s*(?!#)|@import|expression\s*\(|javascript:|behavio(u)?r\s*:", re.IGNORECASE)
_HEAD = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]{0,200}\?>\s*)?(?:<!--.{0,2000}?-->\s*)*<(?:svg|!doctype\s+svg)\b",
                   re.IGNORECASE | re.DOTALL)


class SvgError(ValueError):
    """An SVG that cannot be read safely."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True, slots=True)
class Removed:
    """One part of an SVG that the public build does not keep."""

    line: int | None  # 1-based line in the file
    message: str  # what it is


def looks_like_svg(data: bytes) -> bool:
    """Return True when bytes are an SVG document (whatever the file is called)."""
    return bool(_HEAD.match(data[:4096]))


def parse(data: bytes) -> etree._Element:
    """Return the root of an SVG parsed safely; raise SvgError when it cannot be."""
    if len(data) > MAX_SVG_BYTES:
        raise SvgError(None, f"the SVG is larger than {MAX_SVG_BYTES // 2**20} MB")
    lowered = data.lower()
    for marker in (b"<!doctype", b"<!entity"):
        where = lowered.find(marker)
        if where >= 0:
            raise SvgError(data.count(b"\n", 0, where) + 1, "the SVG declares a DOCTYPE or entities, which are refused")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                             dtd_validation=False, remove_comments=False, remove_pis=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise SvgError(exc.lineno, f"the SVG is not well-formed XML ({exc.msg})") from exc
    if root.tag != f"{{{SVG_NS}}}svg":
        raise SvgError(root.sourceline, "the file is not an SVG drawing (its root is not <svg> in the SVG namespace)")
    return root


def unsafe(data: bytes) -> list[tuple[int | None, str]]:
    """Return (line, what) for every part of an SVG the public build would not keep; [] for a plain drawing."""
    try:
        root = parse(data)
    except SvgError as exc:
        return [(exc.line, str(exc))]
    return [(item.line, item.message) for item in _walk(root, fix=False)]


def clean(data: bytes) -> tuple[bytes, list[Removed]]:
    """Return an SVG with only its drawing kept, and what was taken out; raise SvgError if it cannot be read."""
    root = parse(data)
    removed = _walk(root, fix=True)
    etree.cleanup_namespaces(root)
    return etree.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n", removed


def _walk(root: etree._Element, *, fix: bool) -> list[Removed]:
    """Return what is not drawing in a tree, taking it out when `fix`."""
    removed: list[Removed] = []
    for node in list(root.iter()):
        if node is not root and _detached(node, root):
            continue
        reason = _node_problem(node)
        if reason is None and etree.QName(node).localname == "style" and _OUTSIDE_URL.search(node.text or ""):
            reason = "a <style> that loads something from outside (url( or @import)"
        if reason:
            removed.append(Removed(node.sourceline, reason))
            if fix:
                _remove(node, keep_children=isinstance(node.tag, str) and etree.QName(node).localname in UNWRAPPED
                        and etree.QName(node).namespace == SVG_NS)
            continue
        for name, value in list(node.attrib.items()):
            problem = _attribute_problem(name, value)
            if problem:
                removed.append(Removed(node.sourceline, f"{problem} on <{etree.QName(node).localname}>"))
                if fix:
                    del node.attrib[name]
    return removed


def _detached(node: etree._Element, root: etree._Element) -> bool:
    """Return True when a node was taken out of the tree with an ancestor."""
    parent = node.getparent()
    while parent is not None and parent is not root:
        parent = parent.getparent()
    return parent is None


def _node_problem(node: etree._Element) -> str | None:
    """Return why a node is not drawing, or None when it is."""
    if not isinstance(node.tag, str):
        return "a comment or processing instruction"
    name = etree.QName(node)
    if name.namespace != SVG_NS:
        return f"an element of another namespace (<{name.localname}> of {name.namespace or 'no namespace'})"
    if name.localname not in DRAWING:
        return f"a <{name.localname}> element"
    return None


def _attribute_problem(name: str, value: str) -> str | None:
    """Return why an attribute is not drawing, or None when it is."""
    qualified = etree.QName(name)
    local = qualified.localname
    if qualified.namespace not in (None, XLINK_NS, XML_NS):
        return f"an attribute of another namespace ({local} of {qualified.namespace})"
    if local.lower().startswith("on"):
        return f"an event attribute ({local})"
    if local == "href" and not value.strip().startswith("#"):
        return "a link out of the file (href)"
    if qualified.namespace == XLINK_NS and local != "href":
        return f"an xlink:{local} attribute"
    if _OUTSIDE_URL.search(value):
        return f"a {local} attribute that loads something from outside"
    return None


def _remove(node: etree._Element, *, keep_children: bool) -> None:
    """Take a node out of its tree, keeping its tail text (and its children when asked)."""
    parent = node.getparent()
    if parent is None:
        return
    index = parent.index(node)
    if keep_children:
        if node.text:
            previous = node.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + node.text
            else:
                parent.text = (parent.text or "") + node.text
        for offset, child in enumerate(list(node)):
            parent.insert(index + offset, child)
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)
