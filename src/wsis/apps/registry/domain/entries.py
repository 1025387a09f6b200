"""Creating and editing initiatives. Every saved change becomes a new version with a full snapshot."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pycountry
from django.db import transaction
from django.utils import timezone

from wsis.apps.reference.models import ActionLine, Economy, Group, SdgTarget
from wsis.apps.registry.domain import RegistryError
from wsis.apps.registry.domain.fields import ENTRY_LISTS, SCALARS, TEXTS
from wsis.apps.registry.domain.pledges import check_pledge, stored_target
from wsis.apps.registry.domain.search_index import index_initiative
from wsis.apps.registry.domain.snapshots import snapshot
from wsis.apps.registry.enums import TEXT_LANGUAGES, ActivityStatus, Kind, PartnerRole, Scope, State
from wsis.apps.registry.models import Initiative, InitiativeTarget, Result, Version


def _texts(value: dict | None) -> dict:
    # Texts may be in any content language (ISO 639-1), not only the six interface languages.
    return {lang: text.strip() for lang, text in (value or {}).items() if is_content_language(lang) and text}


def is_content_language(code: str) -> bool:
    """An ISO 639-1 code: the six UN languages are the interface's, publishers write in any language."""
    return code in TEXT_LANGUAGES or (
        isinstance(code, str) and len(code) == 2 and pycountry.languages.get(alpha_2=code) is not None
    )


def _with_other_languages(current: dict | None, incoming: dict | None) -> dict:
    """The forms edit only the six interface languages: texts an IATI file brought in another language
    stay unless the change names that language (an empty text removes it)."""
    incoming = dict(incoming or {})
    kept = {
        lang: text
        for lang, text in (current or {}).items()
        if lang not in TEXT_LANGUAGES and lang not in incoming
    }
    return {**kept, **incoming}


def _check(data: dict) -> None:
    """Rules that hold whatever the door (form, API, import); each message names the field."""
    title = _texts(data.get("title"))
    lang = data.get("original_language", "en")
    if not is_content_language(lang):
        raise RegistryError(f"original_language: {lang!r} is not an ISO 639-1 language code")
    if not title.get(lang):
        raise RegistryError(f"title: a title in the original language ({lang}) is required")
    if not _texts(data.get("description")).get(lang):
        raise RegistryError(f"description: a description in the original language ({lang}) is required")
    if not data.get("action_lines"):
        raise RegistryError("action_lines: at least one action line is required")
    unknown = set(data["action_lines"]) - set(ActionLine.objects.values_list("code", flat=True))
    if unknown:
        raise RegistryError(f"action_lines: unknown code(s) {', '.join(sorted(unknown))}")
    for name, choices in (
        ("kind", Kind.values),
        ("scope", Scope.values),
        ("activity_status", ActivityStatus.values),
    ):
        if name in data and data[name] not in choices:
            raise RegistryError(f"{name}: {data[name]!r} is not one of {', '.join(choices)}")
    for n, link in enumerate(data.get("links") or [], start=1):
        # Only web addresses: a javascript: or data: link would run in the visitors' browsers.
        if not str(link.get("url", "")).lower().startswith(("http://", "https://")):
            raise RegistryError(f"links: link {n} is not an http(s) address")
    for n, partner in enumerate(data.get("partners") or [], start=1):
        if partner.get("role") not in PartnerRole.values or not str(partner.get("name", "")).strip():
            raise RegistryError(f"partners: partner {n} needs a name and an IATI role 1-4")
    start, end = data.get("start_date"), data.get("end_date")
    if start is None:
        raise RegistryError("start_date: a start date is required")
    if end is not None and end < start:
        raise RegistryError("end_date: the end date is before the start date")
    for field, model, key in (("countries", Economy, "iso3"), ("groups", Group, "code")):
        codes = set(data.get(field) or [])
        missing = codes - set(model.objects.filter(**{f"{key}__in": codes}).values_list(key, flat=True))
        if missing:
            raise RegistryError(f"{field}: unknown code(s) {', '.join(sorted(missing))}")
    check_pledge(data)
    codes = {t["code"] for t in data.get("targets") or []}
    missing = codes - set(SdgTarget.objects.filter(code__in=codes).values_list("code", flat=True))
    if missing:
        raise RegistryError(f"targets: unknown SDG target(s) {', '.join(sorted(missing))}")


def _blank_to_default(name: str, value):
    """Forms send "" for an empty choice or number; the model stores "" for text and None for numbers."""
    if value is None and name in ("focus_area", "pillar", "pledge_type"):
        return ""
    return value


def _apply(initiative: Initiative, data: dict) -> None:
    for name in SCALARS:
        if name in data:
            setattr(initiative, name, _blank_to_default(name, data[name]))
    for name in TEXTS:
        if name in data:
            setattr(initiative, name, _texts(_with_other_languages(getattr(initiative, name), data[name])))
    for name in ENTRY_LISTS:
        if name in data:
            setattr(
                initiative,
                name,
                [dict(item) if isinstance(item, dict) else item for item in data[name] or []],
            )
    if "pledge_targets" in data:
        initiative.pledge_targets = [stored_target(t) for t in data["pledge_targets"] or []]
    initiative.save()
    if "action_lines" in data:
        initiative.action_lines.set(data["action_lines"])
    if "countries" in data:
        initiative.countries.set(data["countries"] or [])
    if "groups" in data:
        initiative.groups.set(data["groups"] or [])
    if "targets" in data:
        initiative.targets.all().delete()
        InitiativeTarget.objects.bulk_create(
            InitiativeTarget(initiative=initiative, target_id=t["code"], evidence=t.get("evidence", ""))
            for t in data["targets"] or []
        )
    if "results" in data:
        initiative.results.all().delete()
        Result.objects.bulk_create(
            Result(
                initiative=initiative,
                indicator=r["indicator"],
                year=int(r["year"]),
                **{
                    k: None if r.get(k) in (None, "") else Decimal(str(r[k]))
                    for k in ("baseline", "target", "actual")
                },
            )
            for r in data["results"] or []
        )
    # Values as the database stores them (Decimal, date), so that snapshots compare like with like.
    initiative.refresh_from_db()


def record_version(*, initiative: Initiative, author, note: str = "") -> Version:
    initiative.version += 1
    Initiative.objects.filter(pk=initiative.pk).update(version=initiative.version)
    return Version.objects.create(
        initiative=initiative,
        number=initiative.version,
        snapshot=snapshot(initiative=initiative),
        author=author if getattr(author, "is_authenticated", False) else None,
        note=note,
    )


def create_initiative(*, organization, author, data: dict, is_demo: bool = False) -> Initiative:
    """A new draft of ``organization``, with version 1."""
    _check(data)
    with transaction.atomic():
        initiative = Initiative(organization=organization, state=State.DRAFT, is_demo=is_demo)
        if data.get("iati_identifier"):
            initiative.iati_identifier = data["iati_identifier"]
        _apply(initiative, data)
        if not initiative.iati_identifier:
            # A stable IATI identifier: the organization's identifier and the entry's permanent id.
            initiative.iati_identifier = f"{organization.identifier}-{initiative.ref}"
            initiative.save(update_fields=["iati_identifier"])
        record_version(initiative=initiative, author=author, note="created")
        index_initiative(initiative=initiative)
    return initiative


def update_initiative(*, initiative: Initiative, author, data: dict, note: str = "") -> Initiative:
    """Save a change as a new version. Editing a published entry also counts as re-verifying it."""
    current = _current(initiative)
    merged = {**current, **data}
    for name in TEXTS:
        if name in data:
            merged[name] = _with_other_languages(current.get(name), data[name])
    _check(merged)
    with transaction.atomic():
        _apply(initiative, data)
        if initiative.state == State.PUBLISHED:
            initiative.last_verified_at = timezone.now()
            initiative.inactive_since = None
            initiative.save(update_fields=["last_verified_at", "inactive_since"])
        record_version(initiative=initiative, author=author, note=note or "edited")
        index_initiative(initiative=initiative)
    return initiative


def _current(initiative: Initiative) -> dict:
    data = snapshot(initiative=initiative)
    for name in ("start_date", "end_date"):
        data[name] = dt.date.fromisoformat(data[name]) if data[name] else None
    return data
