"""REST API of the measurement engine on the warehouse: aggregates, divides, progress, affordability and
composite indices, each answer with its provenance (input releases, methodology version, code version).
A GET never writes: an answer is the stored computation of the same question and data when there is one
(a refresh stores every figure the site publishes, the ``wsis`` commands store what they compute), else it is
computed for the request and not kept (``provenance.computation`` is null). ``/computations/{id}`` gives a
stored one back.

An aggregate below the minimum coverage is an answer, not an error: ``status`` is ``refused`` and the
aggregate's ``message`` says why. Unknown groups, indicators, targets, releases or methodologies give 404;
parameters the engine cannot use give 422; both with the reason in ``detail``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ninja import Query, Router, Schema
from ninja.errors import HttpError

from wsis.apps.measure.domain import compute
from wsis.apps.measure.domain.inputs import UnknownInput
from wsis.apps.measure.domain.results import answer
from wsis.apps.measure.models import Computation
from wsis.apps.warehouse.domain.query import QueryError
from wsis.engine.measure.index.methodology import MethodologyError, available
from wsis.engine.measure.tidy import MeasureInputError

router = Router(tags=["measurement"])


class AggregateQuery(Schema):
    indicator: str
    group: list[str]
    period: list[int]
    kind: str | None = None
    impute: str = compute.DEFAULT_IMPUTATION
    min_coverage: float = 0.5
    reported_only: bool = False
    release: str | None = None
    detail: bool = False


class DividesQuery(Schema):
    indicator: str
    period: int
    by: str | None = None
    group: list[str] = []
    reference: str = "WLD"
    bands: str = "itu"
    min_coverage: float = 0.5
    release: str | None = None


class ProgressQuery(Schema):
    target: list[str] = []
    framework: str | None = None
    economy: str | None = None
    method: str = "open-sdg"
    impute: str = compute.DEFAULT_IMPUTATION
    min_coverage: float = 0.5
    release: str | None = None


class AffordabilityQuery(Schema):
    basket: str
    period: list[int] = []
    group: list[str] = []
    threshold: float = 2.0
    release: str | None = None


class IndexQuery(Schema):
    edition: int | None = None
    group: list[str] = []
    release: str | None = None


def _run(work: Callable[[], Computation]) -> dict[str, Any]:
    try:
        return answer(work())
    except (UnknownInput, QueryError) as exc:
        raise HttpError(404, str(exc)) from exc
    except (MeasureInputError, MethodologyError, ValueError) as exc:
        raise HttpError(422, str(exc)) from exc


@router.get("/aggregate")
def aggregate(request: Any, q: Query[AggregateQuery]) -> dict[str, Any]:
    """Group aggregates (population-weighted for rates of people) with reported and imputed shares."""
    if q.kind not in (None, "people", "households", "count", "index"):
        raise HttpError(422, f"kind {q.kind!r}: one of people, households, count, index")
    if not 0 <= q.min_coverage <= 1:
        raise HttpError(422, f"min_coverage {q.min_coverage}: between 0 and 1")
    return _run(
        lambda: compute.aggregate(
            q.indicator,
            q.group,
            q.period,
            kind=q.kind,
            impute=q.impute,
            min_coverage=q.min_coverage,
            reported_only=q.reported_only,
            release=q.release,
            detail=q.detail,
        )
    )


@router.get("/divides")
def divides(request: Any, q: Query[DividesQuery]) -> dict[str, Any]:
    """Per economy, the women/men (``by=sex``) or rural/urban (``by=urbanisation``) ratio, band and gap;
    with ``group``, each group's aggregate against the ``reference`` group's."""
    return _run(
        lambda: compute.divides(
            q.indicator,
            q.period,
            by=q.by,
            groups=q.group,
            reference=q.reference,
            bands=q.bands,
            min_coverage=q.min_coverage,
            release=q.release,
        )
    )


class InequalityQuery(Schema):
    indicator: str
    period: int
    by: list[str] = []
    release: str | None = None


@router.get("/divides/inequality")
def inequality(request: Any, q: Query[InequalityQuery]) -> dict[str, Any]:
    """Population-weighted Gini, Theil T and L and coefficient of variation between economies; with
    ``by`` (e.g. LIC, LMC, UMC, HIC), Theil T split within and between those groups."""
    return _run(lambda: compute.inequality(q.indicator, q.period, by=q.by, release=q.release))


@router.get("/progress")
def progress(request: Any, q: Query[ProgressQuery]) -> dict[str, Any]:
    """Progress towards the connectivity targets (Open SDG or UNSD method) and what needs improvement."""
    return _run(
        lambda: compute.progress(
            targets=q.target,
            framework=q.framework,
            economy=q.economy,
            method=q.method,
            impute=q.impute,
            min_coverage=q.min_coverage,
            release=q.release,
        )
    )


@router.get("/affordability")
def affordability(request: Any, q: Query[AffordabilityQuery]) -> dict[str, Any]:
    """A basket's price as % of monthly GNI per capita, and how many economies meet the threshold."""
    return _run(
        lambda: compute.affordability(
            q.basket, q.period, groups=q.group, threshold=q.threshold, release=q.release
        )
    )


@router.get("/index/{methodology}")
def index(request: Any, methodology: str, q: Query[IndexQuery]) -> dict[str, Any]:
    """Scores of a composite index at every node, ranks, excluded economies and group means."""
    if methodology not in available():
        raise HttpError(404, f"no methodology {methodology!r}; shipped: {', '.join(available())}")
    return _run(lambda: compute.index(methodology, edition=q.edition, groups=q.group, release=q.release))


@router.get("/computations/{computation_id}")
def computation(request: Any, computation_id: int) -> dict[str, Any]:
    """A stored computation: its result and provenance."""
    found = Computation.objects.filter(id=computation_id).first()
    if found is None:
        raise HttpError(404, f"no computation {computation_id}")
    return answer(found)
