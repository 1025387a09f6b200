"""IATI activity standard 2.03: writing our entries as an iati-activities file, and reading one back.

Mapping (both directions):
- title, description (type 1) and summary (type 4, "other") with one narrative per language; the
  activity's xml:lang is the original language;
- action lines as sectors in a custom vocabulary (99, "reporting organisation") whose vocabulary-uri is
  our action-line page; SDG targets as tags of vocabulary 3 (UN SDG targets) with the evidence as narrative;
- countries as recipient-country (ISO alpha-2), groups as recipient-region in vocabulary 99;
- partners as participating-org with their IATI role; the organization itself is role 2 (accountable);
- status, scope, dates (types 1-4), budget, links (document-link), results, and the contact if public.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from lxml import etree

from wsis.apps.accounts.enums import IATI_ORGANISATION_TYPE
from wsis.apps.reference.models import Economy
from wsis.apps.registry.enums import IATI_SCOPE, IATI_STATUS, TEXT_LANGUAGES, ActivityStatus
from wsis.apps.registry.models import Initiative

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SDG_TARGET_VOCABULARY = "3"
CUSTOM_VOCABULARY = "99"


def action_line_vocabulary() -> str:
    return f"{settings.WSIS_PUBLIC_URL}/en/action-lines/"


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


def _schema() -> etree.XMLSchema:
    path = schema_path()
    if not path.is_file():
        raise IatiRefused([f"the IATI 2.03 schema is not available at {path}; set WSIS_SHARED_DATA"])
    return etree.XMLSchema(etree.parse(str(path)))


def _texts(elements, default_lang: str) -> dict:
    texts: dict[str, str] = {}
    for el in elements:
        for narrative in el.findall("narrative"):
            lang = (narrative.get(XML_LANG) or default_lang).split("-")[0].lower()
            if lang in TEXT_LANGUAGES and (narrative.text or "").strip():
                texts.setdefault(lang, " ".join(narrative.text.split()))
    return texts


def _decimal(text: str | None) -> Decimal | None:
    return None if text in (None, "") else Decimal(text)


def read_activities(content: bytes, *, source: str) -> list[dict]:
    """Entry data for each activity of an IATI 2.0x file; refuses the whole file on any problem."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
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
    version = root.get("version", "")
    if not version.startswith("2.0"):
        raise IatiRefused(
            [
                f"{source}:{root.sourceline}: the file declares IATI version {version!r}; "
                "this importer reads "
                "version 2.01 to 2.03 (older files must be converted by their publisher)"
            ]
        )
    schema = _schema()
    if not schema.validate(etree.ElementTree(root)):
        reasons = [f"{source}:{e.line}: {e.message}" for e in list(schema.error_log)[:20]]
        raise IatiRefused([f"{source}: not valid against the IATI 2.03 schema", *reasons])
    by_iso2 = dict(Economy.objects.values_list("iso2", "iso3"))
    status_of = {v: k for k, v in IATI_STATUS.items()} | {
        "3": ActivityStatus.COMPLETED,
        "5": ActivityStatus.COMPLETED,
    }
    scope_of = {v: k for k, v in IATI_SCOPE.items()} | {
        "3": "regional",
        "5": "local",
        "7": "local",
        "8": "local",
    }
    entries, problems = [], []
    for act in root.findall("iati-activity"):
        ident = (act.findtext("iati-identifier") or "").strip()
        where = f"{source}:{act.sourceline} ({ident or 'no identifier'})"
        lang = (act.get(XML_LANG) or "en").split("-")[0].lower()
        if lang not in TEXT_LANGUAGES:
            problems.append(f"{where}: xml:lang {lang!r} is not one of the six UN languages")
            continue
        descriptions = act.findall("description")
        general = [d for d in descriptions if d.get("type", "1") == "1"]
        lines = [
            s.get("code")
            for s in act.findall("sector")
            if s.get("vocabulary") == CUSTOM_VOCABULARY
            and s.get("vocabulary-uri") == action_line_vocabulary()
        ]
        if not lines:
            problems.append(
                f'{where}: no WSIS action line (a <sector vocabulary="99" '
                f'vocabulary-uri="{action_line_vocabulary()}">)'
            )
        countries = []
        for rc in act.findall("recipient-country"):
            code = (rc.get("code") or "").upper()
            if code not in by_iso2:
                problems.append(
                    f"{where}:{rc.sourceline}: recipient-country code {code!r} "
                    "is not an ISO alpha-2 code we know"
                )
            else:
                countries.append(by_iso2[code])
        dates = {
            d.get("type"): dt.date.fromisoformat(d.get("iso-date")) for d in act.findall("activity-date")
        }
        start = dates.get("2") or dates.get("1")
        if start is None:
            problems.append(f"{where}: no start date (activity-date type 1 or 2)")
        own = act.find("reporting-org").get("ref")
        partners = [
            {"role": p.get("role"), "name": " ".join((p.findtext("narrative") or "").split())}
            for p in act.findall("participating-org")
            if not (p.get("role") == "2" and p.get("ref") == own)
        ]
        budget = act.find("budget/value")
        status = act.find("activity-status").get("code")
        scope = act.find("activity-scope")
        contact = act.find("contact-info")
        results = []
        for res in act.findall("result"):
            ind = res.find("indicator")
            baseline = ind.find("baseline")
            period = ind.find("period")
            year = (
                int(baseline.get("year"))
                if baseline is not None
                else int(period.find("period-start").get("iso-date")[:4])
            )
            results.append(
                {
                    "indicator": " ".join((ind.findtext("title/narrative") or "").split()),
                    "year": year,
                    "baseline": _decimal(baseline.get("value")) if baseline is not None else None,
                    "target": _decimal(period.find("target").get("value"))
                    if period is not None and period.find("target") is not None
                    else None,
                    "actual": _decimal(period.find("actual").get("value"))
                    if period is not None and period.find("actual") is not None
                    else None,
                }
            )
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
        entries.append(
            {
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
                    r.get("code")
                    for r in act.findall("recipient-region")
                    if r.get("vocabulary") == CUSTOM_VOCABULARY
                ],
                "targets": [
                    {"code": t.get("code"), "evidence": " ".join((t.findtext("narrative") or "").split())}
                    for t in act.findall("tag")
                    if t.get("vocabulary") == SDG_TARGET_VOCABULARY
                ],
                "activity_status": status_of.get(status, ActivityStatus.ONGOING),
                "scope": scope_of.get(scope.get("code"), "national") if scope is not None else "national",
                "start_date": start,
                "end_date": dates.get("4") or dates.get("3"),
                "budget_value": _decimal(budget.text.strip()) if budget is not None else None,
                "budget_currency": (budget.get("currency") if budget is not None else None)
                or act.get("default-currency")
                or "USD",
                "links": [
                    {
                        "url": d.get("url"),
                        "title": ""
                        if d.findtext("title/narrative") == d.get("url")
                        else d.findtext("title/narrative") or "",
                    }
                    for d in act.findall("document-link")
                ],
                "results": results,
            }
        )
    if problems:
        raise IatiRefused(problems)
    return entries
