"""IATI activity standard 2.03: writing our entries as an iati-activities file, and reading one back.

Mapping (both directions):
- title, description (type 1) and summary (type 4, "other") with one narrative per language; the
  activity's xml:lang is the original language;
- action lines as sectors in a custom vocabulary (99, "reporting organisation") whose vocabulary-uri is
  :data:`ACTION_LINE_VOCABULARY`, the WSIS Geneva Plan of Action that defines the lines: the same in
  every deployment, so a file exported by one imports into another (docs/registry-iati.md). Reading also
  accepts the old form, a deployment's own ``.../action-lines/`` page;
- SDG targets as tags of vocabulary 3 (UN SDG targets) with the evidence as narrative;
- countries as recipient-country (ISO alpha-2), groups as recipient-region in vocabulary 99;
- partners as participating-org with their IATI role; the organization itself is role 2 (accountable);
- status, scope, dates (types 1-4), budget, links (document-link), results, and the contact if public.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

import pycountry
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.conf import settings
from lxml import etree

from wsis.apps.accounts.enums import IATI_ORGANISATION_TYPE
from wsis.apps.reference.models import Economy
from wsis.apps.registry.enums import IATI_SCOPE, IATI_STATUS, TEXT_LANGUAGES, ActivityStatus
from wsis.apps.registry.models import Initiative
from wsis.reference.loader import knowledge

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SDG_TARGET_VOCABULARY = "3"
CUSTOM_VOCABULARY = "99"


#: The action lines' vocabulary URI: the document that defines them, not a deployment's own address.
ACTION_LINE_VOCABULARY = "https://www.itu.int/net/wsis/docs/geneva/official/poa.html"
#: What exports wrote before the stable URI: ``<any deployment's base URL>/<language>/action-lines/``.
LEGACY_ACTION_LINE_VOCABULARY = re.compile(r"^https?://[^\s]+?/(?:[a-z]{2}(?:-[a-z]+)?/)?action-lines/?$")


def action_line_vocabulary() -> str:
    return ACTION_LINE_VOCABULARY


def is_action_line_vocabulary(uri: str | None) -> bool:
    return bool(uri) and (
        uri == ACTION_LINE_VOCABULARY or bool(LEGACY_ACTION_LINE_VOCABULARY.match(uri or ""))
    )


def group_vocabulary() -> str:
    return f"{settings.WSIS_PUBLIC_URL}/en/groups/"


def _narratives(parent, texts: dict, original: str) -> None:
    for lang in [original] + [x for x in TEXT_LANGUAGES if x != original]:
        if texts.get(lang):
            etree.SubElement(parent, "narrative", {XML_LANG: lang}).text = texts[lang]


def _num(value: Decimal | None) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def activity_element(initiative: Initiative, iso2: dict[str, str]) -> etree._Element:
    org = initiative.organization
    lang = initiative.original_language
    act = etree.Element(
        "iati-activity",
        {
            "last-updated-datetime": initiative.updated_at.replace(microsecond=0).isoformat(),
            XML_LANG: lang,
            "default-currency": initiative.budget_currency or "USD",
        },
    )
    etree.SubElement(act, "iati-identifier").text = initiative.iati_identifier
    rep = etree.SubElement(
        act, "reporting-org", {"ref": org.identifier, "type": IATI_ORGANISATION_TYPE[org.stakeholder_type]}
    )
    etree.SubElement(rep, "narrative").text = org.name
    _narratives(etree.SubElement(act, "title"), initiative.title, lang)
    _narratives(etree.SubElement(act, "description", {"type": "1"}), initiative.description, lang)
    if any(initiative.summary.values()):
        _narratives(etree.SubElement(act, "description", {"type": "4"}), initiative.summary, lang)
    own = etree.SubElement(act, "participating-org", {"role": "2", "ref": org.identifier})
    etree.SubElement(own, "narrative").text = org.name
    for partner in initiative.partners:
        p = etree.SubElement(act, "participating-org", {"role": partner["role"]})
        etree.SubElement(p, "narrative").text = partner["name"]
    etree.SubElement(act, "activity-status", {"code": IATI_STATUS[initiative.activity_status]})
    planned = initiative.activity_status == ActivityStatus.PLANNED
    etree.SubElement(
        act, "activity-date", {"type": "1" if planned else "2", "iso-date": initiative.start_date.isoformat()}
    )
    if initiative.end_date:
        done = initiative.activity_status == ActivityStatus.COMPLETED
        etree.SubElement(
            act, "activity-date", {"type": "4" if done else "3", "iso-date": initiative.end_date.isoformat()}
        )
    if initiative.contact_public and (initiative.contact_name or initiative.contact_email):
        contact = etree.SubElement(act, "contact-info")
        if initiative.contact_name:
            etree.SubElement(
                etree.SubElement(contact, "person-name"), "narrative"
            ).text = initiative.contact_name
        if initiative.contact_email:
            etree.SubElement(contact, "email").text = initiative.contact_email
    etree.SubElement(act, "activity-scope", {"code": IATI_SCOPE[initiative.scope]})
    for code in sorted(initiative.countries.values_list("iso3", flat=True)):
        etree.SubElement(act, "recipient-country", {"code": iso2[code]})
    for code in sorted(initiative.groups.values_list("code", flat=True)):
        etree.SubElement(
            act,
            "recipient-region",
            {"code": code, "vocabulary": CUSTOM_VOCABULARY, "vocabulary-uri": group_vocabulary()},
        )
    for code in sorted(initiative.action_lines.values_list("code", flat=True)):
        etree.SubElement(
            act,
            "sector",
            {"vocabulary": CUSTOM_VOCABULARY, "vocabulary-uri": action_line_vocabulary(), "code": code},
        )
    for target in initiative.targets.order_by("target_id"):
        tag = etree.SubElement(act, "tag", {"vocabulary": SDG_TARGET_VOCABULARY, "code": target.target_id})
        if target.evidence:
            etree.SubElement(tag, "narrative").text = target.evidence
    if initiative.budget_value is not None:
        end = initiative.end_date or initiative.start_date + dt.timedelta(days=364)
        budget = etree.SubElement(act, "budget", {"type": "1", "status": "1"})
        etree.SubElement(budget, "period-start", {"iso-date": initiative.start_date.isoformat()})
        etree.SubElement(budget, "period-end", {"iso-date": end.isoformat()})
        value = etree.SubElement(
            budget,
            "value",
            {
                "currency": initiative.budget_currency or "USD",
                "value-date": initiative.start_date.isoformat(),
            },
        )
        value.text = _num(initiative.budget_value)
    for link in initiative.links:
        doc = etree.SubElement(act, "document-link", {"url": link["url"], "format": "text/html"})
        etree.SubElement(etree.SubElement(doc, "title"), "narrative").text = link.get("title") or link["url"]
        etree.SubElement(doc, "category", {"code": "A01"})
    for result in initiative.results.all():
        res = etree.SubElement(act, "result", {"type": "1"})
        etree.SubElement(etree.SubElement(res, "title"), "narrative").text = result.indicator
        ind = etree.SubElement(res, "indicator", {"measure": "1"})
        etree.SubElement(etree.SubElement(ind, "title"), "narrative").text = result.indicator
        if result.baseline is not None:
            etree.SubElement(ind, "baseline", {"year": str(result.year), "value": _num(result.baseline)})
        if result.target is not None or result.actual is not None:
            period = etree.SubElement(ind, "period")
            etree.SubElement(period, "period-start", {"iso-date": f"{result.year}-01-01"})
            etree.SubElement(period, "period-end", {"iso-date": f"{result.year}-12-31"})
            if result.target is not None:
                etree.SubElement(period, "target", {"value": _num(result.target)})
            if result.actual is not None:
                etree.SubElement(period, "actual", {"value": _num(result.actual)})
    return act


def write_activities(initiatives, *, generated: dt.datetime) -> bytes:
    root = etree.Element(
        "iati-activities",
        {"version": "2.03", "generated-datetime": generated.replace(microsecond=0).isoformat()},
    )
    iso2 = dict(Economy.objects.values_list("iso3", "iso2"))
    for initiative in initiatives:
        root.append(activity_element(initiative, iso2))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def schema_path() -> Path:
    from wsis.paths import shared_data

    return shared_data() / "iati" / "iati-activities-schema.xsd"


class IatiRefused(Exception):
    """The file cannot be imported; ``reasons`` name the file, line and element of each problem."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass
class IatiFile:
    """What a file gives: entry data per imported activity, the activities skipped (each with its
    reason) and warnings about parts left out (a malformed location, a link without address)."""

    entries: list[dict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


#: The elements of an activity this importer reads. A schema error inside any other element (a location
#: without coordinates, a transaction) is reported as a warning: that part is not imported anyway.
READ_ELEMENTS = {
    "iati-identifier",
    "reporting-org",
    "title",
    "description",
    "participating-org",
    "activity-status",
    "activity-date",
    "contact-info",
    "activity-scope",
    "recipient-country",
    "recipient-region",
    "sector",
    "tag",
    "budget",
    "result",
}
VERSIONS = ("2.01", "2.02", "2.03")
DAC_5 = {"", "1"}  # sector vocabulary 1 (the default): DAC 5-digit purpose codes
DAC_3 = "2"
SDG_GOAL_VOCABULARY = "2"


def _schema() -> etree.XMLSchema:
    path = schema_path()
    if not path.is_file():
        raise IatiRefused([f"the IATI 2.03 schema is not available at {path}; set WSIS_SHARED_DATA"])
    return _parsed_schema(str(path))


@lru_cache(maxsize=2)
def _parsed_schema(path: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(path))


def _language(code: str | None) -> str | None:
    """The ISO 639-1 code of an xml:lang ("EN", "fr-CA"), None when it is not one."""
    if not code:
        return None
    base = code.split("-")[0].strip().lower()
    return base if len(base) == 2 and pycountry.languages.get(alpha_2=base) is not None else None


def _texts(elements, default_lang: str) -> dict:
    """Narratives by content language: any ISO 639-1 language, not only the six interface languages."""
    texts: dict[str, str] = {}
    for el in elements:
        for narrative in el.findall("narrative"):
            lang = _language(narrative.get(XML_LANG)) or default_lang
            if (narrative.text or "").strip():
                texts.setdefault(lang, " ".join(narrative.text.split()))
    return texts


def _decimal(text: str | None) -> Decimal | None:
    if text in (None, ""):
        return None
    try:
        return Decimal(str(text).strip())
    except InvalidOperation:
        return None


def _version(root) -> str:
    """The IATI version: the root's @version, or (d-portal and Code for IATI extracts) one declared on
    the activities in another namespace (``iati-activities:version``, ``iati-extra:version``)."""
    if root.get("version") is not None:
        return root.get("version") or ""
    for act in root.findall("iati-activity"):
        for name, value in act.attrib.items():
            if name.endswith("}version") and value:
                return value
    return ""


def _schema_problems(root, source: str) -> tuple[list[str], list[str]]:
    """Schema errors that matter (in what we read) and warnings (in parts we do not import)."""
    schema = _schema()
    if root.get("version") is None:
        # The version sits on the activities (checked by _version): validate a copy that declares it.
        root = etree.fromstring(etree.tostring(root))
        root.set("version", _version(root) or "2.03")
    if schema.validate(etree.ElementTree(root)):
        return [], []
    errors, warnings = [], []
    for e in schema.error_log:
        parts = [p.split("[")[0] for p in (e.path or "").split("/") if p]
        element = parts[2] if len(parts) > 2 and parts[1] == "iati-activity" else None
        if element is not None and element not in READ_ELEMENTS:
            warnings.append(f"{source}:{e.line}: <{element}> not imported: {e.message}")
        else:
            errors.append(f"{source}:{e.line}: {e.message}")
    return errors, warnings


def _suggested_lines(act) -> tuple[list[str], list[str]]:
    """Action lines suggested from DAC sectors and SDG tags through the reference knowledge's crosswalk
    (``action_line_crosswalk.yaml``), with what suggested them."""
    walk = knowledge().crosswalk
    sectors = {row.code: row for row in walk.sectors}
    targets = {row.code: row for row in walk.targets}
    with_tag = {row.code: row for row in walk.with_ict_tag}
    codes = []
    # Sectors may be given per transaction instead of per activity (USAID does): both count.
    for sector in [*act.findall("sector"), *act.findall("transaction/sector")]:
        code = (sector.get("code") or "").strip()
        vocabulary = sector.get("vocabulary") or ""
        if (vocabulary in DAC_5 and len(code) == 5) or (vocabulary == DAC_3 and len(code) == 3):
            codes.append(code)
    tags = [
        (t.get("code") or "").strip()
        for t in act.findall("tag")
        if t.get("vocabulary") == SDG_TARGET_VOCABULARY
    ]
    lines: list[str] = []
    because: list[str] = []
    for code in dict.fromkeys(codes):
        row = sectors.get(code) or sectors.get(code[:3])
        if row is not None:
            lines += row.lines
            because.append(f"DAC {code} ({row.name})")
    ict_tags = [t for t in dict.fromkeys(tags) if t in targets]
    for tag in ict_tags:
        lines += targets[tag].lines
        because.append(f"SDG target {tag}")
    if ict_tags:
        for code in dict.fromkeys(codes):
            row = with_tag.get(code) or with_tag.get(code[:3])
            if row is not None:
                lines += row.lines
                because.append(f"DAC {code} with an ICT tag ({row.name})")
    return sorted(set(lines)), because


def read_activities(content: bytes, *, source: str) -> list[dict]:
    """Entry data for each activity of an IATI 2.0x file (see :func:`read_file`)."""
    return read_file(content, source=source).entries


def read_file(content: bytes, *, source: str) -> IatiFile:
    """Read an IATI 2.0x activity file; any problem in what is read refuses the whole file.

    Activities without a WSIS action line get lines suggested through the crosswalk (marked
    ``suggested_because``); those with no ICT-related sector or tag are skipped, with the reason."""
    try:
        # A DTD, entity or external reference (XXE, "billion laughs") is refused before lxml sees it.
        SafeET.fromstring(content, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise IatiRefused(
            [f"{source}: refused: a document type declaration or entities ({type(exc).__name__})"]
        ) from None
    except SafeET.ParseError as exc:
        raise IatiRefused([f"{source}: not well-formed XML: {exc}"]) from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise IatiRefused([f"{source}: not well-formed XML: {exc}"]) from exc
    if root.tag != "iati-activities":
        raise IatiRefused(
            [
                f"{source}:{root.sourceline}: the root element is <{root.tag}>; "
                "an IATI file has <iati-activities>"
            ]
        )
    version = _version(root)
    if version not in VERSIONS:
        raise IatiRefused(
            [
                f"{source}:{root.sourceline}: the file declares IATI version {version!r}; "
                "this importer reads "
                "version 2.01 to 2.03 (older files must be converted by their publisher)"
            ]
        )
    errors, warnings = _schema_problems(root, source)
    if errors:
        raise IatiRefused([f"{source}: not valid against the IATI 2.03 schema", *errors[:20]])
    result = IatiFile(warnings=warnings)
    problems: list[str] = []
    for act in root.findall("iati-activity"):
        ident = (act.findtext("iati-identifier") or "").strip()
        where = f"{source}:{act.sourceline} ({ident or 'no identifier'})"
        try:
            entry = _entry(act, ident, where, root, problems, result)
        except (AttributeError, TypeError, ValueError) as exc:
            problems.append(f"{where}: cannot be read: {type(exc).__name__}: {exc}")
            continue
        if entry is not None:
            result.entries.append(entry)
    if problems:
        raise IatiRefused(problems)
    return result


def _entry(act, ident: str, where: str, root, problems: list[str], result: IatiFile) -> dict | None:
    declared = act.get(XML_LANG) or root.get(XML_LANG) or "en"
    lang = _language(declared)
    if lang is None:
        problems.append(f"{where}: xml:lang {declared!r} is not an ISO 639-1 language code")
        return None
    lines = [
        s.get("code")
        for s in act.findall("sector")
        if s.get("vocabulary") == CUSTOM_VOCABULARY and is_action_line_vocabulary(s.get("vocabulary-uri"))
    ]
    because: list[str] = []
    if not lines:
        lines, because = _suggested_lines(act)
        if not lines:
            every = [*act.findall("sector"), *act.findall("transaction/sector")]
            dac = sorted({s.get("code") or "" for s in every if (s.get("vocabulary") or "") in DAC_5})
            result.skipped.append(
                f"{where}: skipped: no WSIS action line and no ICT-related sector or SDG tag "
                f"(DAC sectors: {', '.join(dac) or 'none'})"
            )
            return None
    by_iso2 = _economies_by_iso2()
    countries = []
    for rc in act.findall("recipient-country"):
        code = (rc.get("code") or "").upper()
        if code in by_iso2:
            countries.append(by_iso2[code])
        else:
            result.warnings.append(
                f"{where}:{rc.sourceline}: recipient-country {code!r} is not an ISO alpha-2 code "
                "we know; left out"
            )
    dates = {
        d.get("type"): dt.date.fromisoformat(d.get("iso-date")[:10]) for d in act.findall("activity-date")
    }
    start = dates.get("2") or dates.get("1")
    if start is None:
        problems.append(f"{where}: no start date (activity-date type 1 or 2)")
        return None
    reporting = act.find("reporting-org")
    own = reporting.get("ref") if reporting is not None else None
    partners = []
    for p in act.findall("participating-org"):
        if p.get("role") == "2" and p.get("ref") == own:
            continue
        name = " ".join((p.findtext("narrative") or "").split()) or (p.get("ref") or "").strip()
        if name and p.get("role") in {"1", "2", "3", "4"}:
            partners.append({"role": p.get("role"), "name": name})
    budget = act.find("budget/value")
    status = act.find("activity-status").get("code")
    scope = act.find("activity-scope")
    contact = act.find("contact-info")
    descriptions = act.findall("description")
    general = [d for d in descriptions if d.get("type", "1") == "1"]
    links = []
    for d in act.findall("document-link"):
        url = (d.get("url") or "").strip()
        if not url.startswith(("http://", "https://")):
            result.warnings.append(f"{where}:{d.sourceline}: document-link without an http(s) url; left out")
            continue
        title = d.findtext("title/narrative") or ""
        links.append({"url": url, "title": "" if title == url else title})
    # A contact travels only when it is public; an absent contact-info leaves a private one untouched.
    contact_fields = (
        {}
        if contact is None
        else {
            "contact_name": " ".join((contact.findtext("person-name/narrative") or "").split()),
            "contact_email": (contact.findtext("email") or "").strip(),
            "contact_public": True,
        }
    )
    entry = {
        **contact_fields,
        "iati_identifier": ident,
        "original_language": lang,
        "title": _texts(act.findall("title"), lang),
        "description": _texts(general, lang),
        "summary": _texts([d for d in descriptions if d.get("type") == "4"], lang),
        "partners": partners,
        "action_lines": lines,
        "countries": countries,
        "groups": [
            r.get("code") for r in act.findall("recipient-region") if r.get("vocabulary") == CUSTOM_VOCABULARY
        ],
        "targets": [
            {"code": t.get("code"), "evidence": " ".join((t.findtext("narrative") or "").split())}
            for t in act.findall("tag")
            if t.get("vocabulary") == SDG_TARGET_VOCABULARY
        ],
        "activity_status": _STATUS_OF.get(status, ActivityStatus.ONGOING),
        "scope": _SCOPE_OF.get(scope.get("code"), "national") if scope is not None else "national",
        "start_date": start,
        "end_date": dates.get("4") or dates.get("3"),
        "budget_value": _decimal(budget.text) if budget is not None else None,
        "budget_currency": (budget.get("currency") if budget is not None else None)
        or act.get("default-currency")
        or "USD",
        "links": links,
        "results": _results(act, where, result),
    }
    if because:
        entry["suggested_because"] = because
    return entry


_STATUS_OF = {v: k for k, v in IATI_STATUS.items()} | {
    "3": ActivityStatus.COMPLETED,
    "5": ActivityStatus.COMPLETED,
}
_SCOPE_OF = {v: k for k, v in IATI_SCOPE.items()} | {
    "3": "regional",
    "5": "local",
    "7": "local",
    "8": "local",
}


def _economies_by_iso2() -> dict[str, str]:
    return dict(Economy.objects.values_list("iso2", "iso3"))


def _results(act, where: str, result: IatiFile) -> list[dict]:
    results = []
    for res in act.findall("result"):
        ind = res.find("indicator")
        if ind is None:
            continue
        baseline = ind.find("baseline")
        period = ind.find("period")
        start = period.find("period-start") if period is not None else None
        year_text = baseline.get("year") if baseline is not None else None
        year_text = year_text or (start.get("iso-date", "")[:4] if start is not None else None)
        if not year_text or not year_text.isdigit():
            result.warnings.append(f"{where}:{res.sourceline}: a result without a year; left out")
            continue
        target = period.find("target") if period is not None else None
        actual = period.find("actual") if period is not None else None
        results.append(
            {
                "indicator": " ".join((ind.findtext("title/narrative") or "").split()),
                "year": int(year_text),
                "baseline": _decimal(baseline.get("value")) if baseline is not None else None,
                "target": _decimal(target.get("value")) if target is not None else None,
                "actual": _decimal(actual.get("value")) if actual is not None else None,
            }
        )
    return results
