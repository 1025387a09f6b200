"""Reading the rendered SVG back in the chart tests: its texts, their positions, its coloured paths."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

NS = "{http://www.w3.org/2000/svg}"
_TRANSLATE = re.compile(r"translate\(([-\d.e]+)[ ,]([-\d.e]+)\)")


@dataclass(frozen=True)
class Text:
    text: str
    x: float  # absolute, summing the translations of the enclosing groups
    y: float
    anchor: str


def parse(svg: str) -> etree._Element:
    return etree.fromstring(svg.encode("utf-8"))


def _offset(element: etree._Element) -> tuple[float, float]:
    x = y = 0.0
    node: etree._Element | None = element
    while node is not None:
        match = _TRANSLATE.search(node.get("transform", ""))
        if match:
            x += float(match.group(1))
            y += float(match.group(2))
        node = node.getparent()
    return x, y


def texts(svg: str) -> list[Text]:
    """Every visible text of the chart (not the <title>/<desc> alternative) with its absolute position."""
    found = []
    for element in parse(svg).iter(f"{NS}text"):
        # Without the right-to-left embedding marks of Arabic texts: the text as read.
        content = "".join(element.itertext()).strip("\u202b\u202c")
        if content:
            x, y = _offset(element)
            found.append(Text(content, x, y, element.get("text-anchor", "start")))
    return found


def text_x(svg: str, content: str) -> float:
    matches = [text.x for text in texts(svg) if text.text == content]
    assert len(matches) == 1, f"expected the text {content!r} once in the chart, found {len(matches)}"
    return matches[0]


def paths(svg: str, **attributes: str) -> list[etree._Element]:
    """The <path> elements with all the given attribute values (underscores in names become dashes)."""
    wanted = {name.replace("_", "-"): value for name, value in attributes.items()}
    return [
        path
        for path in parse(svg).iter(f"{NS}path")
        if all(path.get(name) == value for name, value in wanted.items())
    ]


def subpaths(d: str) -> list[list[tuple[float, float]]]:
    """The points of each subpath of a path written with M/m, L/l and Z/z commands (implicit pairs too)."""
    found: list[list[tuple[float, float]]] = []
    points: list[tuple[float, float]] = []
    x = y = 0.0
    start = (0.0, 0.0)
    for command, arguments in re.findall(r"([MmLlZz])([^MmLlZz]*)", d):
        numbers = [float(n) for n in re.findall(r"-?\d*\.?\d+(?:e-?\d+)?", arguments)]
        if command in "Zz":
            if points:
                found.append(points)
            points = []
            x, y = start
            continue
        for index in range(0, len(numbers) - 1, 2):
            dx, dy = numbers[index], numbers[index + 1]
            x, y = (dx, dy) if command in "ML" else (x + dx, y + dy)
            if command in "Mm" and index == 0:
                if points:
                    found.append(points)
                    points = []
                start = (x, y)
            points.append((x, y))
    if points:
        found.append(points)
    return found


def subpath_boxes(d: str) -> list[tuple[float, float, float, float]]:
    """Bounding boxes (x0, y0, x1, y1) of the subpaths of a path."""
    return [
        (
            min(p[0] for p in points),
            min(p[1] for p in points),
            max(p[0] for p in points),
            max(p[1] for p in points),
        )
        for points in subpaths(d)
    ]
