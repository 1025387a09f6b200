"""Server-side rendering of the Vega-Lite specs to small, accessible, inline-able SVG (vl-convert).

vl-convert runs the real Vega-Lite/Vega JavaScript in an embedded engine, so the picture is the one the
browser would draw, without any JavaScript on the page. Its SVG is then trimmed for the page budget
(coordinates to one decimal, no per-mark ARIA or class attributes, one font declaration) and given a
single text alternative: role="img" with <title> and <desc>. Ids are prefixed so several charts can sit
inline on one page without their clip paths or gradients colliding.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import vl_convert
from lxml import etree

from wsis.charts import maps, specs
from wsis.charts.locales import format_locale, time_format_locale

SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
#: Attributes holding coordinates, whose numbers are rounded (text content is never touched).
_GEOMETRY = {"d", "transform", "x", "y", "x1", "x2", "y1", "y2", "width", "height", "points", "viewBox"}
#: Attributes that only matter to Vega's own scenegraph or repeat a default.
_DROPPED = {
    "class",
    "pointer-events",
    "aria-hidden",
    "aria-label",
    "aria-roledescription",
    "role",
    "clip-path-units",
}
_NUMBER = re.compile(r"-?\d*\.\d+(?:e-?\d+)?")
_URL_REF = re.compile(r"url\(#([^)]+)\)")


def _round(match: re.Match[str]) -> str:
    text = f"{float(match.group(0)):.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _compact(value: str) -> str:
    return _NUMBER.sub(_round, value)


_POLYLINE = re.compile(r"^[MLZ0-9.,\-e\s]*$")
_COMMAND = re.compile(r"([MLZ])([^MLZ]*)")


def _decimal(number: float) -> str:
    text = f"{number:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _relative_path(d: str) -> str:
    """Rewrite an absolute move/line path (Vega's map and line paths) with relative steps of one decimal.

    Relative steps are short numbers, so a world map shrinks by about a third; steps are taken between
    the rounded points (no drift), points that round onto the previous one are dropped, and the SVG path
    grammar's shortcuts are used (a repeated "l" left out, "0.5" written ".5", no separator before "-").
    """
    if not _POLYLINE.match(d):
        return _compact(d)
    parts: list[str] = []  # commands and numbers, joined by _serialise
    x = y = 0  # current point, in tenths of a pixel
    start = (0, 0)
    # Whether a further pair is read as a relative line without writing "l": true after "m" or "l" and
    # their pairs, false after "M" (its extra pairs would be absolute) and "z".
    implicit_line = False
    for command, arguments in _COMMAND.findall(d):
        if command == "Z":
            parts.append("z")
            x, y = start
            implicit_line = False
            continue
        numbers = [float(n) for n in re.split(r"[\s,]+", arguments.strip()) if n]
        for index in range(0, len(numbers) - 1, 2):
            px, py = round(numbers[index] * 10), round(numbers[index + 1] * 10)
            if command == "M" and index == 0:
                if parts:
                    parts += ["m", _tenths(px - x), _tenths(py - y)]
                    implicit_line = True
                else:
                    parts += ["M", _tenths(px), _tenths(py)]
                    implicit_line = False
                start = (px, py)
            elif (px, py) != (x, y):
                if not implicit_line:
                    parts.append("l")
                    implicit_line = True
                parts += [_tenths(px - x), _tenths(py - y)]
            x, y = px, py
    return _serialise(parts)


def _tenths(value: int) -> str:
    text = _decimal(value / 10)
    if text.startswith("0."):
        return text[1:]
    if text.startswith("-0."):
        return "-" + text[2:]
    return text


def _serialise(parts: list[str]) -> str:
    out: list[str] = []
    previous = ""
    for part in parts:
        is_number = part not in ("M", "m", "l", "z")
        previous_is_number = previous not in ("", "M", "m", "l", "z")
        # A separator only where a reader could not tell the two numbers apart.
        if (
            is_number
            and previous_is_number
            and (part[0].isdigit() or (part[0] == "." and "." not in previous))
        ):
            out.append(",")
        out.append(part)
        previous = part
    return "".join(out)


def spec_key(spec: dict[str, Any]) -> str:
    """A stable hash of a spec (for ids and cache keys); the world boundaries count by their fingerprint."""
    data = spec.get("data")
    if isinstance(data, dict):
        boundaries = maps.fingerprint(data.get("values"))
        if boundaries:
            spec = {**spec, "data": {**data, "values": boundaries}}
    return hashlib.sha256(json.dumps(spec, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _text_of(spec: dict[str, Any]) -> tuple[str, str]:
    title = spec.get("title", "")
    title_text = title.get("text", "") if isinstance(title, dict) else str(title)
    return str(title_text), str(spec.get("description") or title_text)


def svg(
    spec: dict[str, Any],
    *,
    locale: str,
    id_prefix: str | None = None,
    draw_title: bool = True,
    css_class: str | None = None,
) -> str:
    """Render a Vega-Lite spec to SVG markup for inlining in an HTML page (no XML declaration).

    draw_title=False leaves the title out of the picture (a web page shows it as the figure's caption)
    while keeping it as the SVG's <title>, its accessible name. css_class goes on the root <svg>, e.g. to
    let a page's stylesheet choose between a wide and a phone layout of the same chart.
    """
    drawn = spec if draw_title else {key: value for key, value in spec.items() if key != "title"}
    raw = vl_convert.vegalite_to_svg(
        drawn, format_locale=format_locale(locale), time_format_locale=time_format_locale(locale)
    )
    prefix = id_prefix or "c" + spec_key(spec)[:8]
    return _post_process(raw, spec, prefix, css_class)


#: A downloaded PNG is drawn at twice the CSS size, so it stays sharp on a slide or a high-density screen.
PNG_SCALE = 2.0


def png(spec: dict[str, Any], *, locale: str, scale: float = PNG_SCALE) -> bytes:
    """Render a Vega-Lite spec to a PNG image: the SVG of :func:`svg` (so the same picture, hatching and
    number formats included) with its title drawn in, as a downloaded picture travels alone."""
    return bytes(vl_convert.svg_to_png(svg(spec, locale=locale), scale=scale))


def _hatch_no_data(root: etree._Element, prefix: str) -> None:
    """Hatch the shapes of a map that have no value (filled :data:`specs.NO_DATA`): one pattern for all,
    so "no data" is told by a texture, not only by a lighter grey, and costs a few bytes."""
    shapes = [e for e in root.iter(f"{{{SVG_NS}}}path") if e.get("fill") == specs.NO_DATA]
    if not shapes:
        return
    pattern_id = f"{prefix}-no-data"
    defs = root.find(f"{{{SVG_NS}}}defs")
    if defs is None:
        defs = etree.SubElement(root, f"{{{SVG_NS}}}defs")
        root.insert(0, defs)
    pattern = etree.SubElement(
        defs,
        f"{{{SVG_NS}}}pattern",
        id=pattern_id,
        width="4",
        height="4",
        patternUnits="userSpaceOnUse",
        patternTransform="rotate(45)",
    )
    etree.SubElement(pattern, f"{{{SVG_NS}}}rect", width="4", height="4", fill=specs.NO_DATA)
    etree.SubElement(pattern, f"{{{SVG_NS}}}rect", width="1.5", height="4", fill=specs.NO_DATA_STRIPE)
    for shape in shapes:
        shape.set("fill", f"url(#{pattern_id})")


def _post_process(raw: str, spec: dict[str, Any], prefix: str, css_class: str | None = None) -> str:
    root = etree.fromstring(
        raw.encode("utf-8"), etree.XMLParser(remove_blank_text=True, resolve_entities=False)
    )
    ids = {element.get("id") for element in root.iter() if element.get("id")}
    font = spec.get("config", {}).get("font", "sans-serif")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name in list(element.attrib):
            value = element.attrib[name]
            if name in _DROPPED:
                del element.attrib[name]
            elif name == "opacity" and value == "1":
                del element.attrib[name]  # the default; opacity composes rather than inherits
            elif name == "font-family" and value == font:
                del element.attrib[name]  # declared once on the root below
            elif name == "transform" and value in ("translate(0,0)", "translate(0, 0)"):
                del element.attrib[name]
            elif name == "d":
                element.attrib[name] = _relative_path(value)
            elif name in _GEOMETRY:
                element.attrib[name] = _compact(value)
            elif name == "id":
                element.attrib[name] = f"{prefix}-{value}"
            elif "url(#" in value:
                element.attrib[name] = _URL_REF.sub(lambda m: f"url(#{prefix}-{m.group(1)})", value)
            elif name in ("href", _XLINK_HREF) and value.startswith("#") and value[1:] in ids:
                element.attrib[name] = f"#{prefix}-{value[1:]}"
    if "projection" in spec:
        _hatch_no_data(root, prefix)
    # The background rectangle Vega draws is the page's own background.
    for rect in root.findall(f"{{{SVG_NS}}}rect"):
        if rect.get("fill") in ("white", "#ffffff", "#fff"):
            root.remove(rect)
    title, description = _text_of(spec)
    title_element = etree.Element(f"{{{SVG_NS}}}title", id=f"{prefix}-title")
    title_element.text = title
    desc_element = etree.Element(f"{{{SVG_NS}}}desc", id=f"{prefix}-desc")
    desc_element.text = description
    root.insert(0, desc_element)
    root.insert(0, title_element)
    if spec.get("usermeta", {}).get("rtl"):
        _embed_right_to_left(root)
    # Vega placed every text for a left-to-right anchor: an Arabic page's inherited direction would flip
    # "start" and "end" and push legend labels over their symbols.
    root.set("direction", "ltr")
    root.set("role", "img")
    root.set("aria-labelledby", f"{prefix}-title {prefix}-desc")
    root.set("font-family", font)
    root.set("focusable", "false")
    if css_class:
        root.set("class", css_class)
    etree.cleanup_namespaces(root)
    return etree.tostring(root, encoding="unicode")


_RTL_LETTER = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
#: Unicode right-to-left embedding and its end: the text reads right to left inside a left-to-right SVG.
_RLE, _PDF = "\u202b", "\u202c"


def _embed_right_to_left(root: etree._Element) -> None:
    """Arabic (or Hebrew) texts of a right-to-left chart keep their reading order, neutral characters
    included ("النسبة (%)"), although the SVG itself is laid out left to right."""
    for text in root.iter(f"{{{SVG_NS}}}text"):
        if text.text and _RTL_LETTER.search(text.text) and not text.text.startswith(_RLE):
            text.text = f"{_RLE}{text.text}{_PDF}"


def warm_up() -> None:
    """Start vl-convert's embedded JavaScript engine (about two seconds, once per process), e.g. when a
    server worker starts, so that the first reader does not wait for it."""
    vl_convert.vegalite_to_svg({"mark": "point", "data": {"values": [{}]}})


def embed_options(locale: str) -> dict[str, Any]:
    """The number and date formats of a language for vega-embed, so the interactive view of a chart
    formats its numbers as the server-rendered one does."""
    return {"formatLocale": format_locale(locale), "timeFormatLocale": time_format_locale(locale)}
