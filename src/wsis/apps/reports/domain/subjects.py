"""The two reports users ask for next, made by the same machinery as the annual report (paragraphs with
footnoted figures, edits kept, versions, freeze and publish, HTML, PDF and DOCX):

* a **country report**: the economy profile as a document - its key indicators (the warehouse's latest
  figures, as the profile page shows them), its progress towards the connectivity targets (the current
  publication), its groups and the registry's initiatives implemented there;
* an **action line report** for the facilitators' yearly reporting (para 20): the line's facilitators and
  SDG links, the registry's initiatives under it, what the year's contributions say about it (each citing
  its contribution) and the line's WSIS Prizes winner.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count
from django.utils import translation
from django.utils.translation import pgettext

from wsis.apps.accounts.enums import StakeholderType
from wsis.apps.prizes.models import Nominee
from wsis.apps.public import figures as fig
from wsis.apps.public.views.common import KEY_INDICATORS
from wsis.apps.publishing.domain import catalogue, current
from wsis.apps.publishing.domain.published import ReleaseRef
from wsis.apps.reference.models import ActionLine, Economy, MatrixLink, Membership, localized_text
from wsis.apps.registry.domain.search import public_entries
from wsis.apps.reports.domain import ReportsError
from wsis.apps.reports.domain.contributions import submitted_answers
from wsis.apps.reports.domain.facts import Fact, _sources, count_fact
from wsis.apps.reports.domain.writing import Draft
from wsis.apps.reports.enums import DJANGO_LANGUAGE, ContributionState, QuestionKind
from wsis.apps.reports.models import Contribution, Question


@dataclass(frozen=True)
class LineSection:
    """A section another app adds to the action line report (the workspaces add their decisions and
    issues of the year): its key, its title in the active language, and its paragraphs."""

    key: str
    title: Callable[[], str]
    build: Callable[[ActionLine, int, str], list[Draft]]


#: Filled by other apps' ``ready()``; the report need not know them.
LINE_SECTIONS: dict[str, LineSection] = {}


def section_titles() -> dict[str, str]:
    return {
        **{s.key: s.title() for s in LINE_SECTIONS.values()},
        "summary": pgettext("report", "Summary"),
        "indicators": pgettext("report", "Key ICT indicators"),
        "targets": pgettext("report", "Progress towards the connectivity targets"),
        "facilitation": pgettext("report", "Facilitation and links to the SDGs"),
        "registry": pgettext("report", "Initiatives in the WSIS stocktaking registry"),
        "contributions": pgettext("report", "Contributions received"),
        "prizes": pgettext("report", "WSIS Prizes"),
    }


def title(kind: str, year: int, subject: str) -> str:
    language = (translation.get_language() or "en").split("-")[0]
    if kind == "country":
        economy = Economy.objects.filter(iso3=subject).first()
        name = localized_text(economy.names, language) if economy else subject
        return pgettext("report", "%(economy)s: information society profile, %(year)s") % {
            "economy": name,
            "year": year,
        }
    line = ActionLine.objects.filter(code=subject).first()
    name = localized_text(line.names, language) if line else subject
    return pgettext("report", "Action line %(code)s, %(name)s: report for %(year)s") % {
        "code": subject,
        "name": name,
        "year": year,
    }


def _observation_fact(figure: fig.Figure, name: str) -> Fact:
    nature = "estimate" if figure.estimated else "reported"
    return Fact(
        key=f"indicators.{figure.indicator}",
        label=f"{name}, {figure.area}",
        value=figure.value,
        unit="percent" if figure.unit in ("percent", "%") else figure.unit,
        year=figure.year,
        source=figure.source or figure.release.publisher,
        release=f"{figure.release.publisher}: {figure.release.name} ({figure.release.date.isoformat()}, "
        f"release {figure.release.id})",
        method=f"{nature} by the publisher; the latest figure of the warehouse",
        extra={"indicator": figure.indicator, "economy": figure.area, "nature": figure.nature},
    )


def build_country(year: int, subject: str, language: str) -> list[Draft]:
    economy = Economy.objects.filter(iso3=subject.upper()).first()
    if economy is None:
        raise ReportsError(f"no economy {subject!r} (give its ISO alpha-3 code, e.g. KEN)")
    if current.current() is None:
        raise ReportsError("no current publication: import data and run `wsis refresh` first")
    with translation.override(DJANGO_LANGUAGE[language]):
        releases = fig.Releases()
        found = [
            f
            for f in fig.totals(fig.observations(list(KEY_INDICATORS), [economy.iso3], releases))
            if f.year is not None and f.year <= year
        ]
        if not found:
            raise ReportsError(f"no data for a {year} report on {economy.iso3}: no figure up to {year}")
        latest = fig.latest(found)
        catalogue_entries = fig.indicators(KEY_INDICATORS)
        name = localized_text(economy.names, language)
        out = []
        d = Draft("summary", "summary", language, numbered=False)
        d.say(
            pgettext(
                "report",
                "This report presents the information society profile of %(economy)s for %(year)s: its key "
                "ICT indicators, its progress towards the connectivity targets and the initiatives of the "
                "WSIS stocktaking registry implemented there.",
            )
            % {"economy": name, "year": year}
        )
        out.append(d)
        for code in KEY_INDICATORS:
            figure = latest.get((code, economy.iso3))
            if figure is None:
                continue
            entry = catalogue_entries.get(code)
            label = localized_text(entry.names, language) if entry else code
            d = Draft(f"indicators.{code}", "indicators", language)
            fact = _observation_fact(figure, entry.names.get("en", code) if entry else code)
            d.say(
                pgettext("report", "%(indicator)s: %(value)s in %(year)s.")
                % {"indicator": label, "value": d.cite(fact), "year": figure.year}
            )
            out.append(d)
        assessed = current.figure(catalogue.progress_key(economy.iso3))
        d = Draft("targets.progress", "targets", language)
        parts = []
        if assessed:
            publishers, names = _sources(ReleaseRef.from_dict(r) for r in assessed["releases"])
            for a in assessed["assessments"]:
                if a.get("current_value") is None or (a.get("current_year") or 0) > year:
                    continue
                fact = Fact(
                    key=f"targets.{a['code']}",
                    label=f"{a['code']}: {a['indicator']} for {economy.iso3}",
                    value=float(a["current_value"]),
                    unit="percent",
                    year=int(a["current_year"]),
                    source=publishers,
                    release=names,
                    method=f"{assessed['methodology']}: {a['status']}; computation {assessed['computation']}",
                    computation=assessed["computation"],
                    extra={"code": a["code"], "status": a["status"]},
                )
                parts.append(
                    pgettext("report", "%(code)s: %(value)s in %(year)s, %(status)s")
                    % {
                        "code": a["code"],
                        "value": d.cite(fact),
                        "year": fact.year,
                        "status": _status(a["status"]),
                    }
                )
        if parts:
            d.say(
                pgettext("report", "Against the targets that apply to it: %(list)s.")
                % {"list": d.listing(parts)}
            )
        else:
            d.say(pgettext("report", "No target is assessed for this economy in the current publication."))
        out.append(d)
        on = dt.date(year, 12, 31)
        groups = sorted(
            Membership.objects.filter(economy=economy, valid_from__lte=on)
            .exclude(valid_to__lte=on)
            .values_list("group__names", flat=True),
            key=str,
        )
        if groups:
            d = Draft("targets.groups", "targets", language)
            d.say(
                pgettext("report", "On 31 December %(year)s it belonged to: %(list)s.")
                % {"year": year, "list": d.listing([localized_text(g, language) for g in groups])}
            )
            out.append(d)
        entries = public_entries().filter(countries=economy, published_at__year__lte=year)
        d = Draft("registry.initiatives", "registry", language)
        fact = count_fact(
            "registry.country.total",
            f"Published registry initiatives implemented in {economy.iso3}",
            entries.count(),
            source="WSIS Observatory",
            release=f"WSIS stocktaking registry, initiatives published by 31 December {year}",
            method="published initiatives with the economy as a country of implementation",
        )
        d.say(
            translation.npgettext(
                "report",
                "The registry holds %(n)s published initiative implemented in %(economy)s.",
                "The registry holds %(n)s published initiatives implemented in %(economy)s.",
                int(fact.value),
            )
            % {"n": d.cite(fact, 0), "economy": name}
        )
        out.append(d)
    return out


def _status(status: str) -> str:
    from wsis.apps.reports.domain.annual import _status as annual_status

    return annual_status(status)


def build_action_line(year: int, subject: str, language: str) -> list[Draft]:
    line = ActionLine.objects.filter(code=subject).first()
    if line is None:
        raise ReportsError(f"no action line {subject!r} (e.g. C2, C7.d)")
    with translation.override(DJANGO_LANGUAGE[language]):
        name = localized_text(line.names, language)
        entries = public_entries().filter(action_lines=line, published_at__year__lte=year)
        contributions = list(
            # Quoted with a link to the contribution: only those published with their author's consent.
            Contribution.objects.filter(
                call__year=year, state=ContributionState.SUBMITTED, consent_to_publish=True
            )
            .select_related("organization")
            .order_by("organization__name")
        )
        mentions = []
        for c in contributions:
            answers = submitted_answers(c)
            for q in Question.objects.filter(section__call=c.call, kind=QuestionKind.PER_ACTION_LINE):
                text = (answers.get(str(q.pk)) or {}).get(line.code)
                if text:
                    mentions.append((c, q, text))
        if not entries.exists() and not mentions:
            raise ReportsError(
                f"no data for a {year} report on {line.code}: no registry initiative and no contribution "
                "about it"
            )
        out = []
        d = Draft("summary", "summary", language, numbered=False)
        d.say(
            pgettext(
                "report",
                "This report gathers what the platform holds on action line %(code)s (%(name)s) for %(year)s, "  # noqa: E501
                "for its facilitators' yearly reporting (paragraph 20 of the resolution).",
            )
            % {"code": line.code, "name": name, "year": year}
        )
        out.append(d)
        d = Draft("facilitation.facilitators", "facilitation", language)
        leads = ", ".join(line.lead_facilitators) or "-"
        links = MatrixLink.objects.filter(line=line).order_by("target_id").values_list("target_id", flat=True)
        d.say(
            pgettext(
                "report",
                "Lead facilitators: %(leads)s. SDG targets linked in the WSIS-SDG Matrix: %(targets)s.",
            )
            % {"leads": leads, "targets": ", ".join(links) or "-"}
        )
        out.append(d)
        d = Draft("registry.initiatives", "registry", language)
        release = f"WSIS stocktaking registry, initiatives published by 31 December {year}"
        total = count_fact(
            f"registry.line.{line.code}",
            f"Published registry initiatives under {line.code}",
            entries.count(),
            source="WSIS Observatory",
            release=release,
            method="published initiatives tagged with the action line",
        )
        parts = []
        labels = dict(StakeholderType.choices)
        for row in (
            entries.values("organization__stakeholder_type")
            .annotate(n=Count("id"))
            .order_by("organization__stakeholder_type")
        ):
            code = row["organization__stakeholder_type"]
            fact = count_fact(
                f"registry.line.{line.code}.{code}",
                f"Initiatives under {line.code} by {code} organizations",
                row["n"],
                source="WSIS Observatory",
                release=release,
                method="published initiatives by the stakeholder type of their organization",
            )
            parts.append(f"{labels.get(code, code)}: {d.cite(fact, 0)}")
        d.say(
            translation.npgettext(
                "report",
                "The registry holds %(n)s published initiative under this action line.",
                "The registry holds %(n)s published initiatives under this action line.",
                int(total.value),
            )
            % {"n": d.cite(total, 0)}
        )
        if parts:
            d.say(pgettext("report", "By stakeholder type: %(list)s.") % {"list": d.listing(parts)})
        out.append(d)
        for contribution, question, text in mentions:
            organization = contribution.organization
            d = Draft(f"contributions.{contribution.pk}.{question.pk}", "contributions", language)
            d.say(
                pgettext("report", "%(organization)s (%(type)s) reported:")
                % {"organization": organization.name, "type": organization.get_stakeholder_type_display()}
            )
            d.excerpt = {
                "text": text,
                "language": contribution.language,
                "organization": organization.name,
                "contribution": str(contribution.public_id),
                "question": question.label,
            }
            out.append(d)
        winners = Nominee.objects.filter(
            cycle__year=year, is_winner=True, category=line.prize_category or -1
        ).select_related("submission__initiative", "submission__organization")
        d = Draft("prizes.winner", "prizes", language)
        winner = winners.first()
        if winner is not None:
            d.say(
                pgettext(
                    "report", "WSIS Prizes %(year)s winner in this category: %(title)s (%(organization)s)."
                )
                % {
                    "year": year,
                    "title": localized_text(winner.submission.initiative.title, language),
                    "organization": winner.submission.organization.name,
                }
            )
        else:
            d.say(pgettext("report", "No WSIS Prizes winners are recorded for %(year)s.") % {"year": year})
        out.append(d)
        for section in LINE_SECTIONS.values():
            out.extend(section.build(line, year, language))
    return out
