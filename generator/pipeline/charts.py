"""Small SVG charts drawn at build time as escaped XML text, so they are always well-formed.

`element` writes what ElementTree's `tostring` would (same escaping, attribute order and ` />`),
without building a tree: charts are drawn for every emotion of a build, so this stays cheap.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from generator.pipeline.emotions import MONTH_NAMES, MonthCount
from generator.vocabulary import Family

SVG_NS = "http://www.w3.org/2000/svg"
LEFT, LABEL_W, PLOT = 34, 36, 600  # left margin, room for a label, the aimed-for plot width
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;",
                            "\t": "&#09;"})


_SPECIAL = re.compile(r'[&<>"\r\n\t]')  # what either table changes: most values (numbers, colours) hold none


def element(tag: str, attrs: Mapping[str, str], *children: str, text: str = "") -> str:
    """Return one XML element with its (already written) children: text escaped, empty ones as `<tag />`."""
    head = "<" + tag + "".join(f' {key}="{value.translate(_ATTRIBUTE) if _SPECIAL.search(value) else value}"'
                               for key, value in attrs.items())
    if not text and not children:
        return head + " />"
    return f"{head}>{text.translate(_TEXT) if _SPECIAL.search(text) else text}{''.join(children)}</{tag}>"


def svg_element(width: float, height: float, *children: str, **attrs: str) -> str:
    """Return an <svg> of this size (with a matching viewBox), the given attributes and children."""
    size = {"width": number(width), "height": number(height), "viewBox": f"0 0 {number(width)} {number(height)}"}
    return element("svg", {"xmlns": SVG_NS, **size, "font-family": "system-ui, sans-serif", "font-size": "11",
                           **attrs}, *children)


def text_child(tag: str, text: str, *children: str, **attrs: str) -> str:
    """Return an element holding text (escaped) and then any children."""
    return element(tag, attrs, *children, text=text)


def number(value: float) -> str:
    """Return a number for an SVG attribute: at most one decimal, no trailing ".0"."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def months_svg(months: Sequence[MonthCount], name: str, family: Family) -> str:
    """Return a small bar chart of how often one emotion was named, month by month (role img)."""
    col, bars, base = max(3.0, min(48.0, PLOT / max(1, len(months)))), 48, 58
    peak = max((m.count for m in months), default=0) or 1
    width = LEFT + len(months) * col + LABEL_W
    parts = [
        text_child("title", f"How often “{name}” was named, month by month", id="months-title"),
        text_child("desc", _months_description(months), id="months-desc"),
        element("line", {"x1": number(LEFT), "x2": number(width - LABEL_W), "y1": str(base), "y2": str(base),
                         "stroke": "currentColor", "stroke-opacity": "0.5"}),
        text_child("text", str(peak), x=number(LEFT - 6), y=str(base - bars + 4), fill="currentColor",
                   **{"text-anchor": "end"}),
    ]
    for index, month in enumerate(months):
        x, height = LEFT + index * col, month.count / peak * bars
        if month.count:
            tip = text_child("title", f"{month.name}: {month.count} {'run' if month.count == 1 else 'runs'}")
            parts.append(element("rect", {"x": number(x + 1), "y": number(base - height), "width": number(col - 2),
                                          "height": number(height), "fill": family.colour,
                                          "stroke": "currentColor", "stroke-opacity": "0.35"}, tip))
        if col >= LABEL_W:
            label = MONTH_NAMES[month.month - 1][:3]
            parts.append(text_child("text", label, x=number(x), y=str(base + 15), fill="currentColor"))
        if month.month == 1 or (index == 0 and (13 - month.month) * col >= LABEL_W):
            parts.append(text_child("text", str(month.year), x=number(x), y=str(base + (29 if col >= LABEL_W else 15)),
                                    fill="currentColor", **{"font-weight": "600"}))
    return svg_element(width, 94, *parts, role="img",
                       **{"class": "months-svg", "aria-labelledby": "months-title months-desc"})


def _months_description(months: Sequence[MonthCount]) -> str:
    """Return the <desc> of an emotion's month chart."""
    active = [m for m in months if m.count]
    if not active:
        return "Not named in any month."
    busiest = max(active, key=lambda m: m.count)
    return (f"Named in {len(active)} of {len(months)} months, from {months[0].name} to {months[-1].name};"
            f" most in {busiest.name} ({busiest.count} {'run' if busiest.count == 1 else 'runs'}).")
