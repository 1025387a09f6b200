"""Copy the validated reference files into the database, in one transaction.

Run by ``wsis setup`` (and so by the README's run command). It is idempotent: rows are upserted by code
and rows the files no longer hold are removed, unless something else still refers to them, in which case
the transaction fails and the database stays exactly as it was.

The WSIS-SDG matrix is special: facilitators edit it in the database. The file's links are applied only
when the file carries a matrix version the database has not seen yet, so a facilitator's edit is never
overwritten by a restart.
"""

from __future__ import annotations

from django.db import connection, transaction

from wsis.apps.reference import models as m
from wsis.reference.income import IncomeClassification, validity
from wsis.reference.loader import Knowledge, region_names
from wsis.reference.schema import Membership, Names
from wsis.reference.sdg_translations import SdgTitles


def _names(names: Names | None) -> dict[str, str]:
    if names is None:
        return {}
    return {k: v for k, v in names.model_dump().items() if v}


def _replace(model: type, key: str, rows: dict[str, dict]) -> None:
    """Upsert ``rows`` (primary key -> fields) and delete rows of ``model`` not among them."""
    for pk, fields in rows.items():
        model.objects.update_or_create(**{key: pk}, defaults=fields)
    model.objects.exclude(**{f"{key}__in": list(rows)}).delete()


@transaction.atomic
def sync_reference(k: Knowledge) -> dict[str, int]:
    """Make the database hold exactly the knowledge ``k``; returns row counts per kind."""
    parents = {c: line.parent for c, line in k.action_lines.items()}
    _replace(
        m.ActionLine,
        "code",
        {
            code: {
                "names": _names(line.name),
                "prize_category": line.prize_category,
                "parent": None,
                "lead_facilitators": line.lead_facilitators,
                "co_facilitators": line.co_facilitators,
                "verified": line.verified,
                "source": line.source,
                "position": i,
            }
            for i, (code, line) in enumerate(k.action_lines.items())
        },
    )
    for code, parent in parents.items():
        if parent:
            m.ActionLine.objects.filter(code=code).update(parent_id=parent)

    _replace(m.SdgGoal, "code", {c: {"names": _names(g.title), "number": int(c)} for c, g in k.goals.items()})
    _replace(
        m.SdgTarget,
        "code",
        {
            c: {"names": _names(t.title), "goal_id": t.goal, "position": i}
            for i, (c, t) in enumerate(k.targets.items())
        },
    )
    _replace(
        m.SdgIndicator,
        "code",
        {
            c: {"names": _names(i.title), "target_id": i.target, "series": i.series}
            for c, i in k.sdg_indicators.items()
        },
    )
    _sync_matrix(k)

    # Regions in level order so that parents exist before children point at them.
    order = {"region": 0, "subregion": 1, "intermediate": 2}
    regions = sorted(k.regions.values(), key=lambda r: order[r.level])
    for r in regions:
        m.Region.objects.update_or_create(
            m49=r.m49, defaults={"level": r.level, "parent_id": r.parent, "names": _names(region_names(r))}
        )
    _replace(
        m.Economy,
        "iso3",
        {
            c: {
                "iso2": e.iso2,
                "m49": e.m49,
                "names": _names(e.names),
                "region_id": e.region,
                "subregion_id": e.subregion,
                "intermediate_region_id": e.intermediate_region,
                "note": e.note or "",
            }
            for c, e in k.economies.items()
        },
    )
    m.Region.objects.exclude(m49__in=list(k.regions)).delete()
    _replace(
        m.Group,
        "code",
        {
            c: {"names": _names(g.name), "kind": g.kind, "list_source": g.list_source}
            for c, g in k.groups.items()
        },
    )
    # Memberships of income groups come from the World Bank loader, not from the files: keep them.
    shipped_groups = {ms.group for ms in k.memberships}
    m.Membership.objects.filter(group_id__in=shipped_groups).delete()
    _store_memberships(k.memberships)
    _replace(
        m.Indicator,
        "code",
        {
            c: {
                "names": _names(i.name),
                "unit": i.unit,
                "population_base": i.population_base,
                "definition": i.definition,
                "definition_translations": dict(i.definition_translations),
                "custodian": i.custodian,
                "sdg_indicator_id": i.sdg_indicator,
                "un_series": i.un_series,
                "disaggregations": list(i.disaggregations),
                "higher_is_better": i.higher_is_better,
                "source": i.source,
            }
            for c, i in k.indicators.items()
        },
    )
    _replace(
        m.ConnectivityTarget,
        "code",
        {
            c: {
                "names": _names(t.title),
                "framework": t.framework,
                "indicator_id": t.indicator,
                "threshold": t.threshold,
                "direction": t.direction,
                "base_year": t.base_year,
                "target_year": t.target_year,
                "group": t.group,
                "source": t.source,
                "verified": t.verified,
            }
            for c, t in k.connectivity_targets.items()
        },
    )
    for file, version in k.versions.items():
        m.ReferenceRelease.objects.update_or_create(file=file, defaults={"version": version})
    # Foreign keys are deferred to commit on both engines; check them now, inside this transaction, so a
    # dangling code fails here and rolls everything back even when a caller's transaction encloses ours.
    connection.check_constraints()
    return {
        "action_lines": m.ActionLine.objects.count(),
        "targets": m.SdgTarget.objects.count(),
        "matrix_links": m.MatrixLink.objects.count(),
        "economies": m.Economy.objects.count(),
        "memberships": m.Membership.objects.count(),
        "indicators": m.Indicator.objects.count(),
    }


def _sync_matrix(k: Knowledge) -> None:
    for change in k.matrix.changelog:
        m.MatrixVersion.objects.get_or_create(
            version=change.version, defaults={"date": change.date, "summary": change.summary}
        )
    current = m.MatrixVersion.objects.get(version=k.matrix.version)
    newest = m.MatrixLink.objects.select_related("version").order_by("-version__date").first()
    if newest is not None and newest.version.date >= current.date:
        return  # this file version is applied already, or facilitators have edited a newer one
    m.MatrixLink.objects.all().delete()
    m.MatrixLink.objects.bulk_create(
        [
            m.MatrixLink(
                line_id=link.line,
                target_id=link.target,
                rationale=link.rationale,
                rationale_translations=dict(link.rationale_translations),
                facilitator=link.facilitator,
                version=current,
            )
            for link in k.matrix.links
        ]
    )


@transaction.atomic
def store_income_groups(classification: IncomeClassification) -> int:
    """Replace the income-group memberships of one World Bank fiscal year by ``classification``'s.

    Refuses a classification with problems: a faulty file changes nothing. Returns the rows written.
    """
    if classification.problems:
        raise ValueError(
            f"{classification.origin} has {len(classification.problems)} problem(s); nothing stored"
        )
    start, _end = validity(classification.fiscal_year)
    m.Membership.objects.filter(group__kind="income", valid_from=start).delete()
    _store_memberships(classification.memberships)
    connection.check_constraints()
    return len(classification.memberships)


def _store_memberships(memberships: list[Membership]) -> None:
    m.Membership.objects.bulk_create(
        m.Membership(
            group_id=ms.group,
            economy_id=ms.economy,
            valid_from=ms.valid_from,
            valid_to=ms.valid_to,
            source=ms.source,
            note=ms.note or "",
        )
        for ms in memberships
    )


#: The ReferenceRelease row recording which official SDG titles the database holds.
SDG_TITLES_FILE = "sdg-texts"


@transaction.atomic
def store_sdg_titles(titles: SdgTitles, version: str) -> dict[str, int]:
    """Store the official UN titles on the goals, targets and indicators the knowledge holds (codes the
    platform does not track are left out); returns how many of each got titles.

    All or nothing: the rows must exist first (``wsis setup``), else nothing is stored and the error
    says so.
    """
    models = {"goals": m.SdgGoal, "targets": m.SdgTarget, "indicators": m.SdgIndicator}
    if not m.SdgTarget.objects.exists():
        raise ValueError("the database holds no SDG targets yet: run `wsis setup` before loading titles")
    counts = {}
    for kind, model in models.items():
        texts = titles.of(kind)
        rows = list(model.objects.all())
        for row in rows:
            row.official_titles = texts.get(row.code, {})
        model.objects.bulk_update(rows, ["official_titles"])
        counts[kind] = sum(1 for row in rows if row.official_titles)
    m.ReferenceRelease.objects.update_or_create(file=SDG_TITLES_FILE, defaults={"version": version[:40]})
    return counts
