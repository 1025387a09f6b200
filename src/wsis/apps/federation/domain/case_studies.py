"""Country case studies (para 100a): documents a national instance publishes about its economy, tied to the
indicators and action lines they are about, and copied by the international instance with their provenance.

A case study holds its document here (PDF, PNG or JPEG, told by its first bytes as the registry's
attachments are, under the data folder's ``case-studies/`` with a random name) or links to where it lives.
Every field is checked before anything is written: a refusal names each field that is wrong, and leaves
the database and the document folder as they were.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pycountry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q

from wsis.apps.federation.models import CaseStudy, Source
from wsis.apps.reference.models import ActionLine, Economy, Indicator
from wsis.apps.registry.domain.attachments import content_type_of, download_name

TITLE_MAX = 300
SUMMARY_MAX = 5000
PUBLISHER_MAX = 200


class CaseStudyRefused(Exception):
    """What is wrong, field by field (``problems``); nothing was stored."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Document:
    name: str
    content: bytes


@dataclass
class Draft:
    """A case study as given (by the command line, or read from a source), before it is checked."""

    economy: str
    title: str
    publisher: str
    published_on: str | dt.date
    language: str
    summary: str = ""
    indicators: Iterable[str] = ()
    action_lines: Iterable[str] = ()
    document: Document | None = None
    link: str = ""


@dataclass
class Checked:
    economy: Economy
    title: str
    summary: str
    language: str
    publisher: str
    published_on: dt.date
    indicators: list[Indicator]
    action_lines: list[ActionLine]
    link: str = ""
    document: Document | None = None
    content_type: str = ""


def max_bytes() -> int:
    return int(getattr(settings, "WSIS_CASE_STUDY_MAX_BYTES", 20 * 2**20))


def storage() -> Path:
    path = Path(settings.DATA_DIR) / "case-studies"
    path.mkdir(parents=True, exist_ok=True)
    return path


def document_path(case: CaseStudy) -> Path:
    return storage() / case.stored_as


def _text(
    value: object, name: str, limit: int, problems: list[str], *, required: bool = True, lines: bool = False
) -> str:
    """Trimmed; a one-line field has its runs of white space made one space, a text keeps its lines."""
    text = str(value or "").strip() if lines else " ".join(str(value or "").split())
    if required and not text:
        problems.append(f"{name}: required")
    elif len(text) > limit:
        problems.append(f"{name}: {len(text)} characters; at most {limit}")
    elif any(not c.isprintable() and c not in "\n\t" for c in text):
        problems.append(f"{name}: holds control characters")
    return text


def _language(value: str, problems: list[str]) -> str:
    code = str(value or "").strip().lower()
    if len(code) != 2 or pycountry.languages.get(alpha_2=code) is None:
        problems.append(f"language: {value!r} is not an ISO 639-1 language code (e.g. en, fr, sw)")
    return code


def _date(value: str | dt.date, problems: list[str]) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        problems.append(f"date: {value!r} is not a date (YYYY-MM-DD)")
        return dt.date.min


def _known(model, codes: Iterable[str], name: str, problems: list[str]) -> list:
    wanted = list(dict.fromkeys(str(c).strip() for c in codes if str(c).strip()))
    found = {o.pk: o for o in model.objects.filter(pk__in=wanted)}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        problems.append(f"{name}: unknown code(s) {', '.join(unknown)}")
    return [found[c] for c in wanted if c in found]


def check(draft: Draft) -> Checked:
    """Every field checked; raises :class:`CaseStudyRefused` with all problems at once."""
    problems: list[str] = []
    economy = Economy.objects.filter(pk=str(draft.economy or "").strip().upper()).first()
    if economy is None:
        problems.append(f"economy: {draft.economy!r} is not a known ISO 3166 alpha-3 code")
    title = _text(draft.title, "title", TITLE_MAX, problems)
    summary = _text(draft.summary, "summary", SUMMARY_MAX, problems, required=False, lines=True)
    language = _language(draft.language, problems)
    publisher = _text(draft.publisher, "publisher", PUBLISHER_MAX, problems)
    published_on = _date(draft.published_on, problems)
    indicators = _known(Indicator, draft.indicators, "indicators", problems)
    action_lines = _known(ActionLine, draft.action_lines, "action lines", problems)
    link, document, content_type = str(draft.link or "").strip(), None, ""
    if (draft.document is None) == (not link):
        problems.append("document: give either a file or a link, not both and not neither")
    elif link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            problems.append(f"link: {link[:100]!r} is not an http(s) URL")
    elif draft.document is not None:
        content = draft.document.content
        kind, limit = content_type_of(content), max_bytes()
        if len(content) > limit:
            problems.append(f"file: {draft.document.name} is over the {limit}-byte limit")
        elif kind is None:
            problems.append(f"file: {draft.document.name} is not a PDF, PNG or JPEG file")
        else:
            document, content_type = draft.document, kind
    if problems or economy is None:
        raise CaseStudyRefused(problems)
    return Checked(
        economy=economy,
        title=title,
        summary=summary,
        language=language,
        publisher=publisher,
        published_on=published_on,
        indicators=indicators,
        action_lines=action_lines,
        link=link,
        document=document,
        content_type=content_type,
    )


class UnknownFilter(Exception):
    """A filter names a code that does not exist (``parameter``, ``value``)."""

    def __init__(self, parameter: str, value: str) -> None:
        super().__init__(f"{parameter}: unknown code(s) {value}")
        self.parameter, self.value = parameter, value


def matching(*, economies: Iterable[str] = (), line: str = "", indicator: str = ""):
    """The public case studies of any of ``economies``, on ``line`` or one of its sub-lines (as the action
    line page lists them), about ``indicator``; empty filters take all. The list page and the API filter
    here, so a link from one to the other shows the same studies."""
    found = public()
    codes = [c.strip().upper() for c in economies if c.strip()]
    if codes:
        unknown = sorted(set(codes) - set(Economy.objects.filter(pk__in=codes).values_list("pk", flat=True)))
        if unknown:
            raise UnknownFilter("economy", ", ".join(unknown))
        found = found.filter(economy__in=codes)
    if line:
        if not ActionLine.objects.filter(pk=line).exists():
            raise UnknownFilter("line", line)
        found = found.filter(Q(action_lines=line) | Q(action_lines__parent=line))
    if indicator:
        if not Indicator.objects.filter(pk=indicator).exists():
            raise UnknownFilter("indicator", indicator)
        found = found.filter(indicators=indicator)
    return found.distinct()


def publish(
    draft: Draft,
    *,
    case: CaseStudy | None = None,
    source: Source | None = None,
    remote_id: str = "",
    origin: str = "",
    pulled_at: dt.datetime | None = None,
) -> CaseStudy:
    """Check ``draft`` and store it as a new case study, or as the new state of ``case``. One transaction;
    a document file written for a refused or failed save is removed again."""
    checked = check(draft)
    written: Path | None = None
    try:
        with transaction.atomic():
            case = case or CaseStudy()
            case.economy = checked.economy
            case.title, case.summary, case.language = checked.title, checked.summary, checked.language
            case.publisher, case.published_on = checked.publisher, checked.published_on
            case.source, case.remote_id, case.origin, case.pulled_at = source, remote_id, origin, pulled_at
            case.withdrawn_at = None
            if checked.document is not None:
                content = checked.document.content
                digest = hashlib.sha256(content).hexdigest()
                if digest != case.sha256 or not case.stored_as:
                    case.stored_as = secrets.token_hex(16)
                    written = storage() / case.stored_as
                    written.write_bytes(content)
                case.file_name = download_name(name=checked.document.name, content_type=checked.content_type)
                case.content_type, case.size, case.sha256 = checked.content_type, len(content), digest
                case.link = ""
            else:
                case.link = checked.link
                case.file_name = case.content_type = case.sha256 = case.stored_as = ""
                case.size = 0
            case.save()
            case.indicators.set(checked.indicators)
            case.action_lines.set(checked.action_lines)
    except BaseException:
        if written is not None:
            written.unlink(missing_ok=True)  # no orphan file when the row was not stored
        raise
    return case


def public():
    """The case studies shown to everyone: those not withdrawn (by this instance, or by their source)."""
    return (
        CaseStudy.objects.filter(withdrawn_at=None)
        .select_related("economy", "source")
        .prefetch_related("indicators", "action_lines")
    )


def withdraw(case: CaseStudy, *, at: dt.datetime) -> None:
    """No longer shown; kept with its document, and shown again if its source lists it again."""
    CaseStudy.objects.filter(pk=case.pk, withdrawn_at=None).update(withdrawn_at=at, updated_at=at)
