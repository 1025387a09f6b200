"""The annual report of the Secretary-General to the CSTD (ECOSOC resolution 2023/3, para 110), generated
in the shape of the published series (e.g. A/68/65-E/2013/11): a summary; numbered paragraphs in an
introduction counting the contributions received, key trends in ICT access and use (from the current
publication, each number with its year and footnote), implementation at the regional and the
international level (picked excerpts citing their contributions, registry statistics, the year's WSIS
Prizes winners), and findings and suggestions.

:func:`build` returns the paragraphs as :class:`~wsis.apps.reports.domain.writing.Draft` objects in
order; :mod:`wsis.apps.reports.domain.drafts` stores them. The same data state gives the same
paragraphs: nothing here depends on the clock.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from django.db.models import Count
from django.utils import translation
from django.utils.translation import npgettext, pgettext

from wsis.apps.accounts.enums import StakeholderType
from wsis.apps.prizes.models import Nominee
from wsis.apps.publishing.domain import current
from wsis.apps.publishing.domain.published import Computed
from wsis.apps.reference.models import Group, localized_text
from wsis.apps.registry.domain.search import public_entries
from wsis.apps.reports.domain import ReportsError
from wsis.apps.reports.domain.facts import (
    Fact,
    aggregate_fact,
    count_fact,
    missing_series,
    newest_aggregate,
    offline_fact,
    progress_facts,
    sex_facts,
    sex_refusal,
)
from wsis.apps.reports.domain.writing import Draft
from wsis.apps.reports.enums import DJANGO_LANGUAGE, ContributionState, ReportSection
from wsis.apps.reports.models import Call, Contribution, Excerpt

INTERNET = "i99H"
MOBILE_BROADBAND = "i911mw"
#: Mobile-phone ownership by sex (SDG 5.b.1), the other series whose parity the key trends give.
MOBILE_OWNERSHIP = "IT_MOB_OWN"
#: Groups of the key trends, as the resolution names them (paras 10, 33): the vulnerable groups, then
#: the World Bank income groups.
VULNERABLE = ("LDC", "LLDC", "SIDS")
INCOME = ("HIC", "UMC", "LMC", "LIC")
#: ITU's regions: where figures by sex cover too little of the world for a world aggregate, the key trends
#: give the regions the engine could aggregate.
ITU_REGIONS = ("AFR", "AMS", "ARB", "ASP", "CIS", "EUR")
#: Targets whose state the key trends give: Broadband Commission 2025 (Internet use, affordability) and
#: SDG 9.c (mobile-broadband coverage in LDCs).
TARGETS = ("BBC2025-3.WLD", "BBC2025-3.DEVELOPING", "BBC2025-3.LDC", "BBC2025-2", "SDG-9.c")
#: How old the newest key-trend figure may be for a report of a year to count as having data.
RECENT_YEARS = 3

SECTIONS = ("summary", "introduction", "trends", "regional", "international", "findings")
#: Paragraphs other apps add to the international-level section, filled by their ``ready()`` so the
#: report need not know them (the WSIS Forum cites the year's outcome statements per action line):
#: ``fn(year, language) -> drafts``. A draft may cite links as ``excerpt={"links": [{title, url}]}``.
INTERNATIONAL_SOURCES: list[Callable[[int, str], list[Draft]]] = []


def section_titles() -> dict[str, str]:
    """Section headings in the active language (UN reports number them with Roman numerals)."""
    return {
        "summary": pgettext("report", "Summary"),
        "introduction": pgettext("report", "Introduction"),
        "trends": pgettext("report", "Key trends in ICT access and use"),
        "regional": pgettext("report", "Implementation and follow-up at the regional level"),
        "international": pgettext("report", "Implementation and follow-up at the international level"),
        "findings": pgettext("report", "Findings and suggestions"),
    }


def title(year: int) -> str:
    return pgettext(
        "report",
        "Progress made in the implementation of and follow-up to the outcomes of the World Summit on the "
        "Information Society at the regional and international levels, %(year)s",
    ) % {"year": year}


def _group_name(code: str, language: str) -> str:
    if code == "WLD":
        return pgettext("report", "the world")
    group = Group.objects.filter(code=code).first()
    return localized_text(group.names, language) if group else code


def _platform_source() -> str:
    return "WSIS Observatory"


def check_year(year: int) -> Computed:
    """The world's newest Internet-use aggregate for the report of ``year``; :class:`ReportsError` when
    the current publication has none from the ``RECENT_YEARS`` up to ``year``."""
    if current.current() is None:
        raise ReportsError("no current publication: import data and run `wsis refresh` first")
    found = newest_aggregate(INTERNET, "WLD", year)
    if found is None or found.period <= year - RECENT_YEARS:
        newest = newest_aggregate(INTERNET, "WLD", 9999)
        raise ReportsError(
            f"no data for a {year} report: the current publication has no world Internet-use figure for "
            f"{year - RECENT_YEARS + 1}-{year}"
            + (f" (its newest is for {newest.period})" if newest else " (it has none)")
        )
    return found


def contributions_of(year: int) -> list[Contribution]:
    return list(
        Contribution.objects.filter(call__year=year, state=ContributionState.SUBMITTED)
        .select_related("organization", "call")
        .order_by("organization__name")
    )


def _summary(year: int, language: str, world: Any, offline: Fact | None, contributions: int) -> Draft:
    d = Draft("summary", "summary", language, numbered=False)
    d.say(
        pgettext(
            "report",
            "Pursuant to Economic and Social Council resolution 2023/3, the present report highlights the "
            "progress made in the implementation of the outcomes of the World Summit on the Information "
            "Society in %(year)s.",
        )
        % {"year": year}
    )
    w = aggregate_fact(
        "trends.internet.WLD", "Individuals using the Internet, world", INTERNET, "WLD", year, world
    )
    d.say(
        pgettext("report", "In %(period)s, %(share)s of the world's population used the Internet.")
        % {"period": world.period, "share": d.cite(w)}
    )
    if offline is not None:
        d.say(pgettext("report", "%(people)s people remained offline.") % {"people": d.cite(offline)})
    n = count_fact(
        "introduction.contributions",
        f"Contributions received for the {year} report",
        contributions,
        source=_platform_source(),
        release=f"calls for inputs of {year}",
        method="submitted contributions, counted once per organization",
    )
    d.say(
        npgettext(
            "report",
            "It draws on %(n)s contribution received from stakeholders.",
            "It draws on %(n)s contributions received from stakeholders.",
            contributions,
        )
        % {"n": d.cite(n, 0)}
    )
    return d


def _introduction(year: int, language: str, contributions: list[Contribution]) -> list[Draft]:
    mandate = Draft("introduction.mandate", "introduction", language)
    mandate.say(
        pgettext(
            "report",
            "In its resolution 2023/3, the Economic and Social Council requested the Secretary-General to "
            "submit to the Commission on Science and Technology for Development, on a yearly basis, a report "
            "on the quantitative and qualitative progress made in the implementation of and follow-up to the "
            "outcomes of the World Summit (para. 110).",
        )
    )
    counted = Draft("introduction.contributions", "introduction", language)
    calls = sorted({c.call.title for c in contributions})
    n = len(contributions)
    fact = count_fact(
        "introduction.contributions",
        f"Contributions received for the {year} report",
        n,
        source=_platform_source(),
        release=f"calls for inputs of {year}: " + ("; ".join(calls) or "none"),
        method="submitted contributions, counted once per organization",
    )
    counted.say(
        npgettext(
            "report",
            "The report is based on %(n)s contribution received in response to the secretariat's call "
            "for inputs.",
            "The report is based on %(n)s contributions received in response to the secretariat's call "
            "for inputs.",
            n,
        )
        % {"n": counted.cite(fact, 0)}
    )
    by_type = Counter(c.organization.stakeholder_type for c in contributions)
    parts = []
    for value, label in StakeholderType.choices:
        if by_type.get(value):
            typed = count_fact(
                f"introduction.contributions.{value}",
                f"Contributions from {value} stakeholders, {year}",
                by_type[value],
                source=_platform_source(),
                release=f"calls for inputs of {year}",
                method="submitted contributions by the stakeholder type of the organization",
            )
            parts.append(f"{label}: {counted.cite(typed, 0)}")
    if parts:
        counted.say(pgettext("report", "By stakeholder type: %(list)s.") % {"list": counted.listing(parts)})
    languages = sorted({c.language for c in contributions})
    if languages:
        counted.say(
            pgettext(
                "report",
                "Contributions were received in %(languages)s and are published on the site, with their "
                "authors' consent, as submitted.",
            )
            % {"languages": ", ".join(_language_name(code, language) for code in languages)}
        )
    return [mandate, counted]


def _language_name(code: str, in_language: str) -> str:
    from babel import Locale

    from wsis.apps.public.templatetags.public_format import babel_locale

    return (
        Locale.parse("zh_Hans" if code == "zh" else code).get_display_name(
            babel_locale(DJANGO_LANGUAGE[in_language])
        )
        or code
    )


def _trends(year: int, language: str, world: Any, offline: Fact | None) -> list[Draft]:
    out = []
    d = Draft("trends.internet", "trends", language)
    w = aggregate_fact(
        "trends.internet.WLD", "Individuals using the Internet, world", INTERNET, "WLD", year, world
    )
    d.say(
        pgettext("report", "In %(period)s, %(share)s of the world's population used the Internet.")
        % {"period": world.period, "share": d.cite(w)}
    )
    if offline is not None:
        d.say(
            pgettext("report", "That leaves %(people)s people offline, most of them in developing countries.")
            % {"people": d.cite(offline)}
        )
    out.append(d)

    for key, groups, lead in (
        (
            "trends.vulnerable",
            VULNERABLE,
            pgettext("report", "In the groups of countries in special situations"),
        ),
        ("trends.income", INCOME, pgettext("report", "By income group")),
    ):
        d = Draft(key, "trends", language)
        parts = []
        for group in groups:
            found = newest_aggregate(INTERNET, group, year)
            if found is None:
                continue
            fact = aggregate_fact(
                f"trends.internet.{group}",
                f"Individuals using the Internet, {group}",
                INTERNET,
                group,
                year,
                found,
            )
            parts.append(
                pgettext("report", "%(share)s in %(group)s (%(period)s)")
                % {"share": d.cite(fact), "group": _group_name(group, language), "period": found.period}
            )
        if parts:
            d.say(
                pgettext("report", "%(lead)s, Internet use stood at %(list)s.")
                % {"lead": lead, "list": d.listing(parts)}
            )
            out.append(d)

    out.append(_gender(year, language))

    d = Draft("trends.mobile", "trends", language)
    found = newest_aggregate(MOBILE_BROADBAND, "WLD", year)
    if found is not None:
        fact = aggregate_fact(
            "trends.mobile_broadband.WLD",
            "Active mobile-broadband subscriptions per 100 inhabitants, world",
            MOBILE_BROADBAND,
            "WLD",
            year,
            found,
        )
        d.say(
            pgettext(
                "report",
                "Active mobile-broadband subscriptions reached %(value)s per 100 inhabitants in %(period)s.",
            )
            % {"value": d.cite(fact), "period": found.period}
        )
    assessed, skipped = progress_facts(TARGETS, year)
    by_code = {a["code"]: (a, f) for a, f in assessed}
    if "SDG-9.c" in by_code:
        a, fact = by_code["SDG-9.c"]
        d.say(
            pgettext(
                "report",
                "Mobile-broadband (3G or better) networks covered %(value)s of the population of the least "
                "developed countries in %(period)s, against the universal coverage that SDG target 9.c sought "  # noqa: E501 - one translatable sentence
                "by %(target_year)s.",
            )
            % {"value": d.cite(fact), "period": fact.year, "target_year": a["target_year"]}
        )
    if d.parts:
        out.append(d)

    d = Draft("trends.affordability", "trends", language)
    if "BBC2025-2" in by_code:
        a, fact = by_code["BBC2025-2"]
        d.say(
            pgettext(
                "report",
                "Entry-level broadband cost %(value)s of monthly income in developing countries in %(period)s, "  # noqa: E501 - one translatable sentence
                "against the Broadband Commission's target of 2 per cent.",
            )
            % {"value": d.cite(fact), "period": fact.year}
        )
    else:
        reason = next((s["reason"] for s in skipped if s["code"] == "BBC2025-2"), "")
        d.say(
            pgettext(
                "report",
                "Affordability against the Broadband Commission's target of entry-level broadband at less than "  # noqa: E501 - one translatable sentence
                "2 per cent of monthly income is not assessed in the current publication (%(reason)s).",
            )
            % {"reason": reason or pgettext("report", "no data")}
        )
    out.append(d)

    d = Draft("trends.targets", "trends", language)
    parts = []
    for code in TARGETS:
        if code in by_code and code.startswith("BBC2025-3"):
            a, fact = by_code[code]
            parts.append(
                pgettext(
                    "report",
                    "%(code)s (%(target)s%% by %(target_year)s): %(value)s in %(period)s, %(status)s",
                )
                % {
                    "code": code,
                    "target": f"{a['target']:g}",
                    "target_year": a["target_year"],
                    "value": d.cite(fact),
                    "period": fact.year,
                    "status": _status(a["status"]),
                }
            )
    if parts:
        d.say(
            pgettext("report", "Against the Broadband Commission's 2025 targets for Internet use: %(list)s.")
            % {"list": d.listing(parts)}
        )
        out.append(d)

    out.append(_idi(language))
    return out


def _band(band: str) -> str:
    return {
        "parity": pgettext("report", "parity"),
        "almost parity": pgettext("report", "almost parity"),
        "disparity (disadvantaged behind)": pgettext("report", "disparity, women behind"),
        "disparity (reversed)": pgettext("report", "disparity, men behind"),
    }.get(band, band)


def _gender(year: int, language: str) -> Draft:
    """The gender gap and parity score (para 59): women's and men's figures and their ratio, from the
    publication's breakdown by sex, for the world and every group of the report or ITU region the engine
    could aggregate them for; where it refused the world, how little of it figures by sex cover."""
    d = Draft("trends.gender", "trends", language)
    for indicator, label, lead in (
        (INTERNET, "Individuals using the Internet", pgettext("report", "Internet use")),
        (MOBILE_OWNERSHIP, "Individuals owning a mobile phone", pgettext("report", "Mobile-phone ownership")),
    ):
        parts, groups = [], []
        for group in ("WLD", *VULNERABLE, *INCOME, *ITU_REGIONS):
            found = sex_facts(indicator, label, group, year)
            if found is None:
                continue
            groups.append(group)
            parts.append(
                pgettext(
                    "report",
                    "%(group)s: women %(female)s, men %(male)s, a gender parity score of %(score)s "
                    "(%(band)s) in %(period)s",
                )
                % {
                    "group": _group_name(group, language),
                    "female": d.cite(found.female),
                    "male": d.cite(found.male),
                    "score": d.cite(found.parity, 2),
                    "band": _band(found.band),
                    "period": found.parity.year,
                }
            )
        world = None if "WLD" in groups else sex_refusal(indicator, label, "WLD", year)
        if world is not None:
            d.say(
                pgettext(
                    "report",
                    "%(lead)s: no world figure by sex is given, because only %(share)s of the world's "
                    "population had a reported figure by sex in %(period)s.",
                )
                % {"lead": lead, "share": d.cite(world), "period": world.year}
            )
        if parts:
            d.say(
                pgettext("report", "%(lead)s by sex (paragraph 59 of the resolution): %(list)s.")
                % {"lead": lead, "list": d.listing(parts)}
            )
        elif world is None:
            d.say(
                pgettext(
                    "report",
                    "%(lead)s: the current publication holds no figures by sex for the world or the groups "
                    "of this report, so it gives no gender parity score for it.",
                )
                % {"lead": lead}
            )
    return d


def _idi(language: str) -> Draft:
    """The ICT Development Index where a refresh computed and stored it (its inputs are ten ITU series)."""
    from wsis.apps.measure.domain.results import provenance
    from wsis.apps.measure.models import Computation
    from wsis.apps.publishing.domain import catalogue
    from wsis.apps.reports.domain.facts import _sources

    d = Draft("trends.idi", "trends", language)
    stored = (
        Computation.objects.filter(kind=Computation.Kind.INDEX, methodology=catalogue.INDEX)
        .order_by("-created_at", "-id")
        .first()
    )
    scored = len(stored.result.get("economies", [])) if stored else 0
    if not scored:
        from wsis.engine.measure.index.methodology import load_methodology

        series = [leaf.indicator for leaf in load_methodology(catalogue.INDEX).root.leaves()]
        missing = missing_series(series)
        if missing:
            d.say(
                npgettext(
                    "report",
                    "The ICT Development Index is not computed in the current publication: the warehouse "
                    "holds no figure of %(missing)s, %(n)s of its %(total)s ITU series.",
                    "The ICT Development Index is not computed in the current publication: the warehouse "
                    "holds no figures of %(missing)s, %(n)s of its %(total)s ITU series.",
                    len(missing),
                )
                % {"missing": ", ".join(missing), "n": len(missing), "total": len(series)}
            )
        else:
            d.say(
                pgettext(
                    "report",
                    "The ICT Development Index is not computed in the current publication: the warehouse does not "  # noqa: E501 - one translatable sentence
                    "hold all ten of its ITU series.",
                )
            )
        return d
    from wsis.apps.publishing.domain.published import ReleaseRef

    publishers, names = _sources(ReleaseRef.from_dict(r) for r in provenance(stored)["releases"])
    fact = count_fact(
        "trends.idi.economies",
        "Economies scored by the ICT Development Index",
        scored,
        source=publishers,
        release=names,
        method=f"{stored.methodology} {stored.methodology_version}; computation {stored.pk}",
    )
    d.say(
        pgettext("report", "The ICT Development Index is computed for %(n)s economies (edition %(edition)s).")
        % {"n": d.cite(fact, 0), "edition": stored.result.get("edition", "")}
    )
    return d


def _status(status: str) -> str:
    return {
        "on track": pgettext("report", "on track"),
        "acceleration needed": pgettext("report", "progress, but acceleration needed"),
        "limited progress": pgettext("report", "limited progress"),
        "deterioration": pgettext("report", "deterioration"),
        "target achieved": pgettext("report", "target achieved"),
    }.get(status, status)


def _excerpts(year: int, section: str, language: str) -> list[Draft]:
    out = []
    for excerpt in (
        Excerpt.objects.filter(call__year=year, section=section)
        .select_related("contribution__organization", "question__section")
        .order_by("id")
    ):
        organization = excerpt.contribution.organization
        d = Draft(f"{section}.excerpt.{excerpt.pk}", section, language)
        d.say(
            pgettext("report", "%(organization)s (%(type)s) reported:")
            % {"organization": organization.name, "type": organization.get_stakeholder_type_display()}
        )
        d.excerpt = {
            "text": excerpt.text,
            "language": excerpt.language,
            "organization": organization.name,
            "contribution": str(excerpt.contribution.public_id),
            "question": excerpt.question.label,
        }
        out.append(d)
    return out


def _registry(year: int, language: str, by: str) -> Draft:
    entries = public_entries().filter(published_at__year__lte=year)
    d = Draft(
        f"{'regional' if by == 'region' else 'international'}.registry.{by}",
        "regional" if by == "region" else "international",
        language,
    )
    release = f"WSIS stocktaking registry, initiatives published by 31 December {year}"
    total = count_fact(
        f"registry.{by}.total",
        f"Published registry initiatives, {year}",
        entries.count(),
        source=_platform_source(),
        release=release,
        method="published initiatives, not merged or inactive",
    )
    if by == "region":
        rows = (
            entries.exclude(countries__region=None)
            .values("countries__region")
            .annotate(n=Count("id", distinct=True))
            .order_by("countries__region")
        )
        from wsis.apps.reference.models import Region

        names = {r.m49: localized_text(r.names, language) for r in Region.objects.all()}
        parts = _cited_counts(
            d,
            rows,
            "countries__region",
            key="region",
            label="Initiatives in region {}",
            method="published initiatives with a country of implementation in the region",
            release=release,
            name=lambda code: names.get(code, code),
        )
        d.say(
            npgettext(
                "report",
                "The WSIS stocktaking registry holds %(n)s published initiative.",
                "The WSIS stocktaking registry holds %(n)s published initiatives.",
                total.value,
            )
            % {"n": d.cite(total, 0)}
        )
        if parts:
            d.say(pgettext("report", "By region of implementation: %(list)s.") % {"list": d.listing(parts)})
    elif by == "line":
        rows = entries.values("action_lines").annotate(n=Count("id", distinct=True)).order_by("action_lines")
        parts = _cited_counts(
            d,
            rows,
            "action_lines",
            key="line",
            label="Initiatives under action line {}",
            method="published initiatives tagged with the action line",
            release=release,
            name=str,
        )
        d.say(
            npgettext(
                "report",
                "Of the %(n)s published initiative of the registry, by action line:",
                "Of the %(n)s published initiatives of the registry, by action line:",
                total.value,
            )
            % {"n": d.cite(total, 0)}
        )
        stop = "。" if language == "zh" else "."
        d.say((d.listing(parts) + stop) if parts else pgettext("report", "none yet."))
    else:
        rows = (
            entries.values("organization__stakeholder_type")
            .annotate(n=Count("id"))
            .order_by("organization__stakeholder_type")
        )
        labels = dict(StakeholderType.choices)
        parts = _cited_counts(
            d,
            rows,
            "organization__stakeholder_type",
            key="type",
            label="Initiatives by {} organizations",
            method="published initiatives by the stakeholder type of their organization",
            release=release,
            name=lambda code: str(labels.get(code, code)),
        )
        d.say(
            pgettext("report", "By stakeholder type: %(list)s.") % {"list": d.listing(parts)}
            if parts
            else pgettext("report", "No initiative is published in the registry yet.")
        )
    return d


def _cited_counts(
    d: Draft,
    rows: Any,
    column: str,
    *,
    key: str,
    label: str,
    method: str,
    release: str,
    name: Callable[[Any], str],
) -> list[str]:
    """``name: count`` items of a list, one per row (``column`` and its count ``n``), each count footnoted
    as a registry statistic; rows without a value of ``column`` are left out."""
    parts = []
    for row in rows:
        code = row[column]
        if code is None:
            continue
        fact = count_fact(
            f"registry.{key}.{code}",
            label.format(code),
            row["n"],
            source=_platform_source(),
            release=release,
            method=method,
        )
        parts.append(f"{name(code)}: {d.cite(fact, 0)}")
    return parts


def _prizes(year: int, language: str) -> Draft:
    d = Draft("international.prizes", "international", language)
    winners = list(
        Nominee.objects.filter(cycle__year=year, is_winner=True)
        .select_related("submission__initiative", "submission__organization")
        .order_by("category")
    )
    if not winners:
        d.say(pgettext("report", "No WSIS Prizes winners are recorded for %(year)s.") % {"year": year})
        return d
    fact = count_fact(
        "international.prizes.winners",
        f"WSIS Prizes {year} winners",
        len(winners),
        source=_platform_source(),
        release=f"WSIS Prizes {year}, results",
        method="winners selected by the expert group, one per category",
    )
    names = "; ".join(
        f"{w.category}. {localized_text(w.submission.initiative.title, language)} "
        f"({w.submission.organization.name})"
        for w in winners
    )
    d.say(
        npgettext(
            "report",
            "The WSIS Prizes %(year)s recognized %(n)s winner: %(list)s.",
            "The WSIS Prizes %(year)s recognized %(n)s winners: %(list)s.",
            len(winners),
        )
        % {"year": year, "n": d.cite(fact, 0), "list": names}
    )
    return d


def _findings(year: int, language: str, world: Any) -> list[Draft]:
    d = Draft("findings.gap", "findings", language)
    ldc = newest_aggregate(INTERNET, "LDC", year)
    w = aggregate_fact(
        "trends.internet.WLD", "Individuals using the Internet, world", INTERNET, "WLD", year, world
    )
    if ldc is not None:
        l_fact = aggregate_fact(
            "trends.internet.LDC", "Individuals using the Internet, LDC", INTERNET, "LDC", year, ldc
        )
        d.say(
            pgettext(
                "report",
                "Digital divides persist: Internet use in the least developed countries (%(ldc)s in "
                "%(ldc_period)s) remains far below the world level (%(world)s in %(world_period)s).",
            )
            % {
                "ldc": d.cite(l_fact),
                "ldc_period": ldc.period,
                "world": d.cite(w),
                "world_period": world.period,
            }
        )
    else:
        d.say(pgettext("report", "Digital divides persist between and within countries."))
    s = Draft("findings.suggestions", "findings", language)
    s.say(
        pgettext(
            "report",
            "Stakeholders are encouraged to keep their entries in the WSIS stocktaking registry current, to "
            "report progress on their pledges, and to support the collection of ICT statistics disaggregated "
            "by sex, so that the next report can measure the gender digital divide.",
        )
    )
    return [d, s]


def build(year: int, language: str) -> list[Draft]:
    """Every paragraph of the annual report of ``year`` in ``language`` (ar, zh, en, fr, ru, es)."""
    with translation.override(DJANGO_LANGUAGE[language]):
        world = check_year(year)
        contributions = contributions_of(year)
        offline = offline_fact(world, year)
        drafts = [_summary(year, language, world, offline, len(contributions))]
        drafts += _introduction(year, language, contributions)
        drafts += _trends(year, language, world, offline)
        drafts += _excerpts(year, ReportSection.REGIONAL, language)
        drafts.append(_registry(year, language, "region"))
        drafts += _excerpts(year, ReportSection.INTERNATIONAL, language)
        drafts.append(_registry(year, language, "line"))
        drafts.append(_registry(year, language, "type"))
        drafts.append(_prizes(year, language))
        for source in INTERNATIONAL_SOURCES:
            drafts += source(year, language)
        drafts += _findings(year, language, world)
    return drafts


def calls_of(year: int) -> list[Call]:
    return list(Call.objects.filter(year=year))
