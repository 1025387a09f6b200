"""SDMX-ML 2.1 building blocks shared by the structure, data and error messages (lxml, never text
concatenation: every value from the warehouse or the request goes in as an element text or attribute)."""

from __future__ import annotations

import datetime as dt
import re
import uuid

from lxml import etree

from wsis.engine.readers.writers import COMMON, MESSAGE, _timestamp

STRUCTURE = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure"
GENERIC = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic"
SPECIFIC = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: object) -> str:
    """Text XML 1.0 can carry (control characters dropped)."""
    return _CONTROL.sub("", str(text))


def q(namespace: str, name: str) -> etree.QName:
    return etree.QName(namespace, name)


def sub(parent: etree._Element, namespace: str | None, name: str, text: object = None, /, **attrs: str):
    element = etree.SubElement(
        parent, q(namespace, name) if namespace else name, {k: clean(v) for k, v in attrs.items()}
    )
    if text is not None:
        element.text = clean(text)
    return element


def root(kind: str, nsmap: dict[str, str]) -> etree._Element:
    return etree.Element(q(MESSAGE, kind), nsmap={"message": MESSAGE, "common": COMMON, **nsmap})


def header(message: etree._Element, prepared: dt.datetime | None = None) -> etree._Element:
    head = sub(message, MESSAGE, "Header")
    sub(head, MESSAGE, "ID", "IREF" + uuid.uuid4().hex[:16].upper())
    sub(head, MESSAGE, "Test", "false")
    sub(head, MESSAGE, "Prepared", _timestamp(prepared or dt.datetime.now(dt.UTC)))
    sub(head, MESSAGE, "Sender", id="WSIS")
    return head


def names(parent: etree._Element, by_language: dict[str, str], tag: str = "Name") -> None:
    """``common:Name`` in each language given (English first, as readers take the first as default)."""
    for language in sorted(by_language, key=lambda lang: (lang != "en", lang)):
        if by_language[language]:
            sub(parent, COMMON, tag, by_language[language]).set(XML_LANG, language)


def serialise(message: etree._Element) -> bytes:
    return etree.tostring(message, xml_declaration=True, encoding="UTF-8")
