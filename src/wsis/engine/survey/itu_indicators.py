"""ITU household ICT indicators from survey microdata, driven by a YAML spec.

A spec maps one survey's variables to indicators. Each indicator is a share of in-scope units (the
*universe*, e.g. individuals aged 15-74) that meet a *condition* (e.g. used the Internet in the last three
months), with its *reference period* stored beside every estimate because it varies by country. The
universe is a domain of the full design (never a subset of the file), so SEs stay design-based.

Spec layout (all SQL expressions are evaluated by DuckDB on one row)::

    survey: DHS model women's file            # free text, copied to the output
    design: {strata: v022, psu: v021, weight: v005, nest: true, lonely_psu: adjust}
    derived: {age_group: "CASE WHEN v012 < 25 THEN '15-24' ELSE '25-49' END"}
    disaggregations: [[], [v025], [v190], [v025, age_group]]
    indicators:
      - code: HH1
        name: Proportion of households with a radio
        universe: "v012 BETWEEN 15 AND 49"
        condition: "v120 = 'yes'"
        reference_period: "at the time of the survey"

``warehouse`` (optional) says how ``wsis survey publish`` stores the estimates as a warehouse release:
the warehouse's indicator code of each spec indicator (``indicators``; a code not listed is stored under
its own), and, for each disaggregation column, the warehouse dimension it fills and the code of each of
its values (``dimensions``: ``sex``, ``age``, ``urbanisation``, ``income_quintile``, ``education``,
``disability``, ``skill_type``, ``technology``, ``speed_tier``; a value without a code is an error at
publication, never stored under the survey's own label)::

    warehouse:
      indicators: {INET: i99H}                    # spec code -> warehouse code
      dimensions:
        Region: {dimension: urbanisation, codes: {Urban: U, Rural: R}}
        age_group: {dimension: age, codes: {"15-24": Y15T24, "25-49": Y25T49}}

``design`` may instead name ``replicate_weights`` (a regular expression) with ``type`` and the
``rho``/``scale``/``rscales``/``mse`` options of the estimate command.

``calibration`` (optional) lists steps applied in order to the design's weights before any indicator
is estimated, so that microdata and census margins give published indicators in one file. Files are
relative to the spec; a table may also be given inline::

    calibration:
      - poststratify: census/region.csv            # columns: region, Freq
      - rake: [census/sex.csv, census/age.csv]     # options: maxit (10), epsilon (1)
      - calibrate: {sex: {F: 5100, M: 4900}, age: 412300}   # or a file; options: terms, calfun,
        calfun: raking                                      # bounds, maxit, epsilon
      - trim: [0.5, 40]                            # option: strict
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from wsis.engine.readers.observation import DISAGGREGATIONS
from wsis.engine.survey.calibration import (
    Calibrate,
    PopulationTable,
    PostStratify,
    Rake,
    Step,
    TrimWeights,
)
from wsis.engine.survey.design import (
    LONELY_PSU_RULES,
    REPLICATE_TYPES,
    BuiltReplicates,
    CalibratedDesign,
    Design,
    ReplicateDesign,
    TaylorDesign,
)
from wsis.engine.survey.errors import SurveyInputError
from wsis.engine.survey.estimands import Proportion
from wsis.engine.survey.estimate import estimate
from wsis.engine.survey.intervals import CI_METHODS
from wsis.engine.survey.populations import read_calibration, read_table
from wsis.engine.survey.readers import SurveyData
from wsis.engine.survey.reliability import ReliabilityThresholds
from wsis.engine.survey.replicate import match_replicate_columns
from wsis.engine.survey.sql import DUCKDB

DESIGN_KEYS = {
    "strata",
    "psu",
    "weight",
    "fpc",
    "nest",
    "lonely_psu",
    "replicate_weights",
    "type",
    "rho",
    "scale",
    "rscales",
    "mse",
    "combined_weights",
}
INDICATOR_KEYS = {"code", "name", "universe", "condition", "reference_period", "unit"}
#: What a warehouse code may hold (SDMX ids, plus the dots of publishers' series codes).
CODE = re.compile(r"[A-Za-z0-9_.@$-]{1,60}")


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    condition: str
    universe: str | None = None
    reference_period: str | None = None
    unit: str = "percent"  # percent or proportion


@dataclass(frozen=True)
class DimensionMapping:
    """A disaggregation column stored as a warehouse dimension, with the code of each survey value."""

    column: str
    dimension: str
    codes: dict[str, str]


@dataclass(frozen=True)
class WarehouseMapping:
    """The spec's ``warehouse`` key: indicator codes and disaggregation columns in the warehouse's terms."""

    indicators: dict[str, str] = field(default_factory=dict)
    dimensions: dict[str, DimensionMapping] = field(default_factory=dict)

    def indicator(self, code: str) -> str:
        return self.indicators.get(code, code)


@dataclass(frozen=True)
class IndicatorsSpec:
    source: str
    survey: str
    design: dict[str, Any]
    indicators: list[IndicatorSpec]
    disaggregations: list[list[str]]
    derived: dict[str, str] = field(default_factory=dict)
    calibration: tuple[Step, ...] = ()
    ci: str = "logit"
    level: float = 0.95
    thresholds: ReliabilityThresholds = field(default_factory=ReliabilityThresholds)
    warehouse: WarehouseMapping = field(default_factory=WarehouseMapping)


def _fail(source: str, where: str, message: str) -> SurveyInputError:
    return SurveyInputError(f"{where}: {message}", source=source)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value]


def load_spec(path: str | Path) -> IndicatorsSpec:
    """Read and check a spec file; errors name the file, the entry and the field."""
    source = str(path)
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SurveyInputError(f"cannot read spec: {exc}", source=source) from exc
    if not isinstance(raw, dict):
        raise _fail(source, "top level", "expected a mapping")
    unknown = set(raw) - {
        "survey",
        "design",
        "derived",
        "disaggregations",
        "indicators",
        "ci",
        "level",
        "min_n",
        "max_cv",
        "calibration",
        "warehouse",
    }
    if unknown:
        raise _fail(source, "top level", f"unknown fields {sorted(unknown)}")
    design = raw.get("design")
    if not isinstance(design, dict):
        raise _fail(source, "design", "required mapping (strata, psu, weight, fpc, nest, lonely_psu...)")
    bad = set(design) - DESIGN_KEYS
    if bad:
        raise _fail(source, "design", f"unknown fields {sorted(bad)}")
    if design.get("lonely_psu", "fail") not in LONELY_PSU_RULES:
        raise _fail(source, "design.lonely_psu", f"must be one of {', '.join(LONELY_PSU_RULES)}")
    if "type" in design and design["type"] not in REPLICATE_TYPES:
        raise _fail(source, "design.type", f"must be one of {', '.join(REPLICATE_TYPES)}")
    entries = raw.get("indicators")
    if not isinstance(entries, list) or not entries:
        raise _fail(source, "indicators", "required non-empty list")
    indicators = []
    for i, entry in enumerate(entries):
        where = f"indicators[{i}]"
        if not isinstance(entry, dict):
            raise _fail(source, where, "expected a mapping")
        bad = set(entry) - INDICATOR_KEYS
        if bad:
            raise _fail(source, where, f"unknown fields {sorted(bad)}")
        for key in ("code", "name", "condition"):
            if not entry.get(key):
                raise _fail(source, f"{where}.{key}", "required")
        if entry.get("unit", "percent") not in ("percent", "proportion"):
            raise _fail(source, f"{where}.unit", "must be percent or proportion")
        indicators.append(
            IndicatorSpec(
                code=str(entry["code"]),
                name=str(entry["name"]),
                condition=str(entry["condition"]),
                universe=entry.get("universe"),
                reference_period=entry.get("reference_period"),
                unit=entry.get("unit", "percent"),
            )
        )
    disaggregations = [_as_list(d) for d in raw.get("disaggregations", [[]])]
    ci = raw.get("ci", "logit")
    if ci not in CI_METHODS:
        raise _fail(source, "ci", f"must be one of {', '.join(CI_METHODS)}")
    derived = raw.get("derived", {}) or {}
    if not isinstance(derived, dict):
        raise _fail(source, "derived", "expected a mapping of column name to SQL expression")
    calibration = _calibration(source, Path(path).parent, raw.get("calibration") or [])
    return IndicatorsSpec(
        source=source,
        calibration=calibration,
        survey=str(raw.get("survey", "")),
        design=design,
        indicators=indicators,
        disaggregations=disaggregations,
        derived={str(k): str(v) for k, v in derived.items()},
        ci=ci,
        level=float(raw.get("level", 0.95)),
        thresholds=ReliabilityThresholds(int(raw.get("min_n", 30)), float(raw.get("max_cv", 0.3))),
        warehouse=_warehouse(source, raw.get("warehouse"), indicators),
    )


def _warehouse(source: str, raw: Any, indicators: list[IndicatorSpec]) -> WarehouseMapping:
    """Check the ``warehouse`` key against the spec's indicators and the warehouse's dimensions (a column
    used by a disaggregation without an entry is refused by ``wsis survey publish``, which needs one)."""
    if raw is None:
        return WarehouseMapping()
    if not isinstance(raw, dict):
        raise _fail(source, "warehouse", "expected a mapping with indicators and dimensions")
    bad = set(raw) - {"indicators", "dimensions"}
    if bad:
        raise _fail(source, "warehouse", f"unknown fields {sorted(bad)}")
    codes = {ind.code for ind in indicators}
    raw_indicators = raw.get("indicators") or {}
    if not isinstance(raw_indicators, dict):
        raise _fail(source, "warehouse.indicators", "expected a mapping of spec code to warehouse code")
    mapped: dict[str, str] = {}
    for code, target in raw_indicators.items():
        where = f"warehouse.indicators.{code}"
        if str(code) not in codes:
            raise _fail(source, where, f"no indicator {code!r} in the spec ({', '.join(sorted(codes))})")
        if not isinstance(target, str) or not CODE.fullmatch(target.strip()):
            raise _fail(source, where, "expected a warehouse indicator code (letters, digits, _ . @ $ -)")
        mapped[str(code)] = target.strip()
    raw_dimensions = raw.get("dimensions") or {}
    if not isinstance(raw_dimensions, dict):
        raise _fail(source, "warehouse.dimensions", "expected a mapping of column to dimension and codes")
    dimensions: dict[str, DimensionMapping] = {}
    used: dict[str, str] = {}
    for column, entry in raw_dimensions.items():
        where = f"warehouse.dimensions.{column}"
        if not isinstance(entry, dict) or set(entry) - {"dimension", "codes"}:
            raise _fail(source, where, "expected {dimension: NAME, codes: {value: code}}")
        dimension = entry.get("dimension")
        if dimension not in DISAGGREGATIONS:
            raise _fail(source, f"{where}.dimension", f"must be one of {', '.join(DISAGGREGATIONS)}")
        if dimension in used:
            raise _fail(source, f"{where}.dimension", f"{dimension} is already filled by {used[dimension]}")
        used[dimension] = str(column)
        value_codes = entry.get("codes")
        if not isinstance(value_codes, dict) or not value_codes:
            raise _fail(source, f"{where}.codes", "required mapping of survey value to warehouse code")
        for value, code in value_codes.items():
            if not isinstance(code, str) or not CODE.fullmatch(code.strip()) or code.strip() == "_T":
                raise _fail(
                    source,
                    f"{where}.codes.{value}",
                    "expected a warehouse code (letters, digits, _ . @ $ -; not _T, the total)",
                )
        dimensions[str(column)] = DimensionMapping(
            str(column), dimension, {str(v).strip(): c.strip() for v, c in value_codes.items()}
        )
    return WarehouseMapping(mapped, dimensions)


STEP_OPTIONS = {
    "poststratify": set(),
    "rake": {"maxit", "epsilon"},
    "calibrate": {"terms", "calfun", "bounds", "maxit", "epsilon"},
    "trim": {"strict"},
}


def _table(source: str, base: Path, where: str, value: Any) -> PopulationTable:
    """A population table from a file (relative to the spec) or inline ``{variable: {level: count}}``."""
    if isinstance(value, str):
        try:
            return read_table(base / value)
        except SurveyInputError as exc:
            raise _fail(source, where, str(exc)) from exc
    if isinstance(value, dict) and len(value) == 1:
        ((variable, counts),) = value.items()
        if isinstance(counts, dict):
            return PopulationTable.of(str(variable), counts)
    raise _fail(source, where, "expected a CSV file name or {variable: {category: count}}")


def _calibration(source: str, base: Path, entries: Any) -> tuple[Step, ...]:
    if not isinstance(entries, list):
        raise _fail(source, "calibration", "expected a list of steps")
    steps: list[Step] = []
    for i, entry in enumerate(entries):
        where = f"calibration[{i}]"
        kinds = [k for k in STEP_OPTIONS if isinstance(entry, dict) and k in entry]
        if len(kinds) != 1:
            raise _fail(source, where, f"expected exactly one of {', '.join(STEP_OPTIONS)}")
        kind = kinds[0]
        bad = set(entry) - {kind} - STEP_OPTIONS[kind]
        if bad:
            raise _fail(source, where, f"unknown fields {sorted(bad)}")
        value = entry[kind]
        try:
            if kind == "poststratify":
                steps.append(PostStratify(_table(source, base, f"{where}.poststratify", value)))
            elif kind == "rake":
                tables = value if isinstance(value, list) else [value]
                margins = tuple(_table(source, base, f"{where}.rake[{j}]", t) for j, t in enumerate(tables))
                steps.append(Rake(margins, int(entry.get("maxit", 10)), float(entry.get("epsilon", 1.0))))
            elif kind == "calibrate":
                options: dict[str, Any] = {
                    "calfun": entry.get("calfun", "linear"),
                    "maxit": int(entry.get("maxit", 50)),
                    "epsilon": float(entry.get("epsilon", 1e-7)),
                }
                if "bounds" in entry:
                    low, high = entry["bounds"]
                    options["bounds"] = (float(low), float(high))
                terms = _as_list(entry.get("terms"))
                if isinstance(value, str):
                    steps.append(read_calibration(base / value, terms, **options))
                elif isinstance(value, dict):
                    step = Calibrate.from_margins(value, **options)
                    steps.append(Calibrate(tuple(terms), step.population, **options) if terms else step)
                else:
                    raise _fail(
                        source, f"{where}.calibrate", "expected a CSV file name or {variable: totals}"
                    )
            else:
                low, high = value
                steps.append(TrimWeights(float(low), float(high), bool(entry.get("strict", False))))
        except SurveyInputError as exc:
            if str(exc).startswith(source):
                raise
            raise _fail(source, where, str(exc)) from exc
        except (TypeError, ValueError) as exc:
            raise _fail(source, where, f"bad value: {exc}") from exc
    return tuple(steps)


def _indicator_column(code: str) -> str:
    return f"wsis_indicator_{code}"


def _with_derived(data: SurveyData, spec: IndicatorsSpec) -> SurveyData:
    """A view adding the derived columns and one 0/1 column per indicator (NULL when the condition is)."""
    q = DUCKDB.q
    parts = [f"({expr}) AS {q(name)}" for name, expr in spec.derived.items()]
    for ind in spec.indicators:
        cond = ind.condition
        parts.append(
            f"CASE WHEN ({cond}) THEN 1.0 WHEN NOT ({cond}) THEN 0.0 END AS {q(_indicator_column(ind.code))}"
        )
    view = f"{data.view}_indicators"
    try:
        data.connection.execute(
            f"CREATE OR REPLACE VIEW {q(view)} AS SELECT *, {', '.join(parts)} FROM {q(data.view)}"  # noqa: S608 - identifiers are quoted; expressions are the analyst's own
        )
        described = data.connection.execute(f"DESCRIBE SELECT * FROM {q(view)}").fetchall()  # noqa: S608 - identifiers are quoted; expressions are the analyst's own
        # Surface bad expressions now, with the indicator that carries them.
        data.connection.execute(f"SELECT * FROM {q(view)} LIMIT 1").fetchall()  # noqa: S608 - identifiers are quoted; expressions are the analyst's own
    except Exception as exc:  # duckdb raises several error classes for bad SQL
        raise SurveyInputError(
            f"bad derived column or indicator condition: {exc}", source=spec.source
        ) from exc
    columns = {str(r[0]): str(r[1]) for r in described}
    return SurveyData(data.connection, view, data.source, columns, data.value_labels, dict(data.renames))


def design_from_spec(spec: IndicatorsSpec, data: SurveyData) -> Design:
    d = spec.design
    taylor = TaylorDesign(
        strata=d.get("strata"),
        clusters=tuple(_as_list(d.get("psu"))),
        weight=d.get("weight"),
        fpc=tuple(_as_list(d.get("fpc"))),
        nest=bool(d.get("nest", False)),
        lonely_psu=d.get("lonely_psu", "fail"),
    )
    if d.get("replicate_weights"):
        return ReplicateDesign(
            weight=d.get("weight"),
            replicate_weights=match_replicate_columns(list(data.columns), str(d["replicate_weights"])),
            type=d["type"],
            rho=d.get("rho"),
            scale=d.get("scale"),
            rscales=d.get("rscales"),
            mse=bool(d.get("mse", False)),
            combined_weights=bool(d.get("combined_weights", True)),
        )
    if d.get("type"):
        return BuiltReplicates(
            taylor, d["type"], rho=float(d.get("rho") or 0.0), mse=bool(d.get("mse", False))
        )
    return taylor


def calibrated_design_from_spec(spec: IndicatorsSpec, data: SurveyData) -> Design:
    """The spec's design, calibrated by its ``calibration`` steps when it has any."""
    design = design_from_spec(spec, data)
    if spec.calibration:
        assert not isinstance(design, CalibratedDesign)
        return CalibratedDesign(design, spec.calibration)
    return design


def indicator_table(data: SurveyData, spec: IndicatorsSpec) -> list[dict[str, Any]]:
    """One row per indicator and domain of each requested disaggregation, ready for the warehouse."""
    view = _with_derived(data, spec)
    design = calibrated_design_from_spec(spec, view)
    rows: list[dict[str, Any]] = []
    for ind in spec.indicators:
        factor = 100.0 if ind.unit == "percent" else 1.0
        for dims in spec.disaggregations:
            try:
                results = estimate(
                    view,
                    design,
                    Proportion(_indicator_column(ind.code), 1),
                    by=dims,
                    where=ind.universe,
                    ci=spec.ci,
                    level=spec.level,
                    thresholds=spec.thresholds,
                )
            except SurveyInputError as exc:
                raise SurveyInputError(f"indicator {ind.code} by {dims or 'total'}: {exc}") from exc
            for r in results:
                rows.append(
                    {
                        "indicator": ind.code,
                        "name": ind.name,
                        "survey": spec.survey,
                        "reference_period": ind.reference_period,
                        "universe": ind.universe,
                        "unit": ind.unit,
                        "disaggregation": list(dims),
                        "domain": r.domain,
                        "estimate": r.estimate * factor,
                        "se": r.se * factor,
                        "cv": r.cv,
                        "ci_low": r.ci_low * factor,
                        "ci_high": r.ci_high * factor,
                        "df": r.df,
                        "n": r.n,
                        "deff": r.deff,
                        "flags": r.flags,
                    }
                )
    return rows
