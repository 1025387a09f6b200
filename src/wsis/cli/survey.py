"""``wsis survey``: design-based estimates from survey microdata (issue 3).

``wsis survey estimate`` is a stable contract that scripts depend on: keep flags and output fields.
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from wsis.engine.survey import (
    BuiltReplicates,
    Mean,
    Proportion,
    Ratio,
    ReliabilityThresholds,
    ReplicateDesign,
    SurveyInputError,
    TaylorDesign,
    Total,
    estimate,
    match_replicate_columns,
    open_survey,
)
from wsis.engine.survey.calibrated import calibrated_weights
from wsis.engine.survey.calibration import CALFUNS, PostStratify, Rake, TrimWeights
from wsis.engine.survey.design import LONELY_PSU_RULES, REPLICATE_TYPES, CalibratedDesign
from wsis.engine.survey.glm import FAMILIES, svyglm
from wsis.engine.survey.intervals import CI_METHODS
from wsis.engine.survey.populations import read_calibration, read_table
from wsis.engine.survey.quantiles import QRULES, svyquantile
from wsis.engine.survey.readers import SurveyData, derive_columns
from wsis.engine.survey.tables import svychisq, svytable, svyttest

QUANTILE_FIELDS = ["probability", "estimate", "se", "ci_low", "ci_high", "df", "n"]
FIELDS = ["estimate", "se", "cv", "ci_low", "ci_high", "df", "n", "deff", "deff_replace", "flags"]


def _columns(value: str | None) -> tuple[str, ...]:
    return tuple(c.strip() for c in value.split(",") if c.strip()) if value else ()


@click.group()
def survey() -> None:
    """Design-based estimation from household-survey microdata (results match R's survey package)."""


def calibration_options(command: Any) -> Any:
    """Options that calibrate the design's weights (applied in this order: post-stratify, rake,
    calibrate, trim) and derive columns first; shared by ``estimate`` and ``weights``."""
    options = [
        click.option(
            "--derive",
            "derive",
            multiple=True,
            metavar="NAME=SQL",
            help="Add a column computed per row (SQL), e.g. N=\"CASE region WHEN 'NE' THEN 220 END\".",
        ),
        click.option(
            "--poststratify",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Post-stratify to this table (CSV: variables + Freq).",
        ),
        click.option(
            "--rake",
            "rake_tables",
            multiple=True,
            type=click.Path(dir_okay=False, path_type=Path),
            help="Rake to these margins (one CSV per margin).",
        ),
        click.option("--rake-maxit", type=int, default=10, show_default=True),
        click.option(
            "--rake-epsilon",
            type=float,
            default=1.0,
            show_default=True,
            help="R's epsilon (below 1: a fraction of the weight total).",
        ),
        click.option(
            "--calibrate",
            "calibrate_file",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Calibrate to these totals (CSV variable,level,total or term,total).",
        ),
        click.option(
            "--calibrate-terms",
            help="Model terms for term,total files: COL[,COL] (factor(COL) forces a factor).",
        ),
        click.option("--calfun", type=click.Choice(CALFUNS), default="linear", show_default=True),
        click.option("--bounds", metavar="LOW,HIGH", help="Bounds on the g-weights (logit needs them)."),
        click.option("--calibrate-maxit", type=int, default=50, show_default=True),
        click.option("--calibrate-epsilon", type=float, default=1e-7, show_default=True),
        click.option("--trim", metavar="LOW,HIGH", help="Trim the weights to [LOW, HIGH] (R's trimWeights)."),
        click.option("--trim-strict", is_flag=True, help="Repeat trimming until no weight is outside."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _pair(value: str, option: str) -> tuple[float, float]:
    parts = value.split(",")
    if len(parts) != 2:
        raise click.UsageError(f"{option} takes LOW,HIGH")
    try:
        return float(parts[0]), float(parts[1])
    except ValueError:
        raise click.UsageError(f"{option} takes two numbers, got {value!r}") from None


def calibration_steps(options: dict[str, Any]) -> tuple[Any, ...]:
    steps: list[Any] = []
    if options.get("poststratify"):
        steps.append(PostStratify(read_table(options["poststratify"])))
    if options.get("rake_tables"):
        margins = tuple(read_table(p) for p in options["rake_tables"])
        steps.append(Rake(margins, maxit=options["rake_maxit"], epsilon=options["rake_epsilon"]))
    if options.get("calibrate_file"):
        bounds = _pair(options["bounds"], "--bounds") if options.get("bounds") else (-math.inf, math.inf)
        steps.append(
            read_calibration(
                options["calibrate_file"],
                _columns(options.get("calibrate_terms")),
                calfun=options["calfun"],
                bounds=bounds,
                maxit=options["calibrate_maxit"],
                epsilon=options["calibrate_epsilon"],
            )
        )
    if options.get("trim"):
        low, high = _pair(options["trim"], "--trim")
        steps.append(TrimWeights(low, high, bool(options.get("trim_strict"))))
    return tuple(steps)


def with_derived(source: SurveyData, derive: tuple[str, ...]) -> SurveyData:
    """The data with ``NAME=SQL`` columns added (a DuckDB view over the file)."""
    if not derive:
        return source
    parts = []
    for item in derive:
        if "=" not in item:
            raise click.UsageError(f"--derive takes NAME=SQL, got {item!r}")
        name, expr = item.split("=", 1)
        parts.append((name.strip(), expr))
    return derive_columns(source, parts)


def design_options(command: Any) -> Any:
    """The design flags (R's svydesign / svrepdesign / as.svrepdesign), shared by every command."""
    options = [
        click.option("--strata", help="Stratum column."),
        click.option("--psu", help="Cluster column per stage: PSU[,SSU,...]. Omit for element sampling."),
        click.option("--weight", help="Sampling weight column (omitted: from --fpc, else 1)."),
        click.option("--fpc", help="Finite population correction per stage: population sizes or fractions."),
        click.option("--nest", is_flag=True, help="PSU ids restart within strata."),
        click.option(
            "--lonely-psu",
            type=click.Choice(LONELY_PSU_RULES),
            default="fail",
            show_default=True,
            help="adjust: survey >= 4.4; adjust-4.1: survey 4.1-1 (see docs/survey-conventions.md).",
        ),
        click.option(
            "--replicate-weights", "replicate_weights", metavar="REGEX", help="Replicate weight columns."
        ),
        click.option(
            "--type",
            "replicate_type",
            type=click.Choice(REPLICATE_TYPES),
            help="Replicate type; without --replicate-weights, replicates are built from the Taylor design.",
        ),
        click.option("--rho", type=float, help="Fay's rho."),
        click.option("--scale", type=float, help="Replicate variance scale (R's scale)."),
        click.option("--rscales", help="Per-replicate scales: one number or a comma list (R's rscales)."),
        click.option("--mse", is_flag=True, help="Centre replicates on the full-sample estimate."),
        click.option("--replicates", type=int, help="Number of replicates to build (bootstrap, SDR)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def design_from_options(source: SurveyData, options: dict[str, Any]) -> Any:
    """The design the flags describe, calibrated when calibration flags are given."""
    taylor = TaylorDesign(
        strata=options["strata"],
        clusters=_columns(options["psu"]),
        weight=options["weight"],
        fpc=_columns(options["fpc"]),
        nest=options["nest"],
        lonely_psu=options["lonely_psu"],
    )
    design: Any = taylor
    replicate_type = options["replicate_type"]
    if options["replicate_weights"]:
        if not replicate_type:
            raise click.UsageError("--replicate-weights needs --type")
        design = ReplicateDesign(
            weight=options["weight"],
            replicate_weights=match_replicate_columns(list(source.columns), options["replicate_weights"]),
            type=replicate_type,
            rho=options["rho"],
            scale=options["scale"],
            rscales=_rscales(options["rscales"]),
            mse=options["mse"],
        )
    elif replicate_type:
        design = BuiltReplicates(
            taylor,
            replicate_type,
            rho=options["rho"] or 0.0,
            mse=options["mse"],
            replicates=options["replicates"],
        )
    steps = calibration_steps(options)
    return CalibratedDesign(design, steps) if steps else design


@survey.command("estimate")
@click.argument("data", type=click.Path(dir_okay=False, path_type=Path))
@design_options
@click.option("--mean", "mean_var", metavar="VAR")
@click.option("--total", "total_var", metavar="VAR")
@click.option("--proportion", "proportion", metavar="VAR=LEVEL")
@click.option("--ratio", "ratio", metavar="NUM/DEN")
@click.option("--by", help="Domain columns: COL[,COL].")
@click.option("--where", help="SQL condition selecting the domain; the full design is kept.")
@click.option("--ci", type=click.Choice(CI_METHODS), default="wald", show_default=True)
@click.option("--level", type=float, default=0.95, show_default=True, help="Confidence level.")
@click.option("--min-n", type=int, default=30, show_default=True, help="Flag estimates on fewer cases.")
@click.option("--max-cv", type=float, default=0.3, show_default=True, help="Flag estimates above this CV.")
@calibration_options
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv", "table"]), default="json", show_default=True
)
def estimate_command(
    data: Path,
    mean_var: str | None,
    total_var: str | None,
    proportion: str | None,
    ratio: str | None,
    by: str | None,
    where: str | None,
    ci: str,
    level: float,
    min_n: int,
    max_cv: float,
    fmt: str,
    **options: Any,
) -> None:
    """Estimate a mean, total, proportion or ratio with SE, CV, CI, design effect and flags."""
    chosen = [v for v in (mean_var, total_var, proportion, ratio) if v]
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of --mean, --total, --proportion or --ratio")
    try:
        estimand = _estimand(mean_var, total_var, proportion, ratio)
        source = with_derived(open_survey(data), options["derive"])
        design = design_from_options(source, options)
        rows = estimate(
            source,
            design,
            estimand,
            by=_columns(by),
            where=where,
            ci=ci,
            level=level,
            thresholds=ReliabilityThresholds(min_n=min_n, max_cv=max_cv),
        )
    except SurveyInputError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(render([r.as_row() for r in rows], fmt), nl=False)


@survey.command("weights")
@click.argument("data", type=click.Path(dir_okay=False, path_type=Path))
@design_options
@calibration_options
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
def weights_command(data: Path, fmt: str, **options: Any) -> None:
    """Calibrated weights in file order (and replicate weights, scale and rscales for replicate designs)."""
    try:
        source = with_derived(open_survey(data), options["derive"])
        design = design_from_options(source, options)
        if not isinstance(design, CalibratedDesign):
            raise click.UsageError("give a calibration (--poststratify, --rake, --calibrate or --trim)")
        result = calibrated_weights(source, design)
    except SurveyInputError as exc:
        raise click.ClickException(str(exc)) from exc
    reps = result.replicate_weights
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        R = 0 if reps is None else reps.shape[1]
        writer.writerow(["row", "weight", *[f"rep{r + 1}" for r in range(R)]])
        for i, w in enumerate(result.weights):
            writer.writerow(
                [i + 1, repr(float(w)), *([repr(float(v)) for v in reps[i]] if reps is not None else [])]
            )
        click.echo(out.getvalue(), nl=False)
        return
    body: dict[str, Any] = {
        "sum": float(result.weights.sum()),
        "min": float(result.weights.min()),
        "max": float(result.weights.max()),
        "weights": result.weights.tolist(),
    }
    if reps is not None:
        body["replicates"] = int(reps.shape[1])
        body["scale"] = result.scale
        body["rscales"] = None if result.rscales is None else result.rscales.tolist()
        body["replicate_weights"] = reps.T.tolist()
    click.echo(json.dumps(body, indent=2))


@survey.command("quantile")
@click.argument("data", type=click.Path(dir_okay=False, path_type=Path))
@design_options
@click.option("--variable", required=True, help="Numeric column whose quantiles are estimated.")
@click.option("--probs", default="0.5", show_default=True, help="Probabilities: P[,P...].")
@click.option("--qrule", type=click.Choice(QRULES), default="math", show_default=True, help="R's qrule.")
@click.option("--by", help="Domain columns: COL[,COL] (each domain on its own subset, as R's svyby).")
@click.option("--where", help="SQL condition selecting the domain.")
@click.option("--level", type=float, default=0.95, show_default=True, help="Confidence level.")
@click.option("--derive", multiple=True, metavar="NAME=SQL", help="Add a column computed per row (SQL).")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv", "table"]), default="json", show_default=True
)
def quantile_command(
    data: Path,
    variable: str,
    probs: str,
    qrule: str,
    by: str | None,
    where: str | None,
    level: float,
    derive: tuple[str, ...],
    fmt: str,
    **options: Any,
) -> None:
    """Quantiles with Woodruff confidence intervals and SEs (R's svyquantile, survey >= 4.1 defaults)."""
    try:
        probabilities = [float(p) for p in probs.split(",")]
    except ValueError:
        raise click.UsageError(f"--probs takes numbers, got {probs!r}") from None
    try:
        source = with_derived(open_survey(data), derive)
        design = design_from_options(source, options)
        rows = svyquantile(
            source, design, variable, probabilities, by=_columns(by), where=where, rule=qrule, level=level
        )
    except SurveyInputError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(render([r.as_row() for r in rows], fmt, QUANTILE_FIELDS), nl=False)


@survey.command("glm")
@click.argument("data", type=click.Path(dir_okay=False, path_type=Path))
@design_options
@click.option("--formula", required=True, help="response ~ term + term (factor(x) forces a factor).")
@click.option("--family", type=click.Choice(FAMILIES), default="gaussian", show_default=True)
@click.option("--where", help="SQL condition: fit within this domain (the full design is kept).")
@click.option("--level", type=float, default=0.95, show_default=True, help="Confidence level.")
@click.option(
    "--predict-by",
    metavar="TERM",
    help="Also predict the mean (share) at each level of this factor term, other covariates at their means.",
)
@calibration_options
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
def glm_command(
    data: Path,
    formula: str,
    family: str,
    where: str | None,
    level: float,
    predict_by: str | None,
    fmt: str,
    **options: Any,
) -> None:
    """Regression with design-based SEs and degrees of freedom (R's svyglm)."""
    try:
        source = with_derived(open_survey(data), options["derive"])
        design = design_from_options(source, options)
        fit = svyglm(source, design, formula, family=family, where=where, level=level, predict_by=predict_by)
    except SurveyInputError as exc:
        raise click.ClickException(str(exc)) from exc
    body = fit.as_dict()
    if fmt == "json":
        click.echo(json.dumps(body, indent=2))
        return
    rows = [{**c, "df_residual": body["df_residual"], "nobs": body["nobs"]} for c in body["coefficients"]]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    click.echo(out.getvalue(), nl=False)


def _taylor_only_options(command: Any) -> Any:
    """Design flags for the table commands (Taylor designs) plus --derive and --format json|csv."""
    command = click.option(
        "--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True
    )(command)
    command = click.option(
        "--derive", multiple=True, metavar="NAME=SQL", help="Add a column computed per row (SQL)."
    )(command)
    return design_options(command)


def _analyse(data: Path, derive: tuple[str, ...], options: dict[str, Any], run: Any) -> Any:
    """Open the data (with derived columns), build the design from the flags and run ``run(source,
    design)``; bad input becomes the command's error message and nothing is printed."""
    try:
        source = with_derived(open_survey(data), derive)
        return run(source, design_from_options(source, options))
    except SurveyInputError as exc:
        raise click.ClickException(str(exc)) from exc


def _emit(rows: list[dict[str, Any]], fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(rows if len(rows) != 1 else rows[0], indent=2))
        return
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    click.echo(out.getvalue(), nl=False)


@survey.command("table")
@click.argument("data", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--rows", "row", required=True, help="Row variable.")
@click.option("--columns", "column", required=True, help="Column variable.")
@_taylor_only_options
def table_command(
    data: Path, row: str, column: str, derive: tuple[str, ...], fmt: str, **options: Any
) -> None:
    """Weighted two-way table (R's svytable): the sum of weights per cell."""
    cells = _analyse(data, derive, options, lambda source, design: svytable(source, design, row, column))
    rows = [{"row": c.row, "column": c.column, "label": c.label(), "total": c.total} for c in cells]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, default=str))
        return
    _emit(rows, fmt)


@survey.command("chisq")
@click.argument("data", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--rows", "row", required=True, help="Row variable.")
@click.option("--columns", "column", required=True, help="Column variable.")
@click.option("--statistic", type=click.Choice(["F", "Chisq"]), default="F", show_default=True)
@_taylor_only_options
def chisq_command(
    data: Path, row: str, column: str, statistic: str, derive: tuple[str, ...], fmt: str, **options: Any
) -> None:
    """Rao-Scott test of association in a two-way table (R's svychisq)."""
    result = _analyse(
        data, derive, options, lambda src, design: svychisq(src, design, row, column, statistic)
    )
    _emit([asdict(result)], fmt)


@survey.command("ttest")
@click.argument("data", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--response", required=True, help="Numeric variable compared.")
@click.option("--group", help="Two-category column; omitted: one-sample test of the mean against 0.")
@click.option("--level", type=float, default=0.95, show_default=True, help="Confidence level.")
@_taylor_only_options
def ttest_command(
    data: Path,
    response: str,
    group: str | None,
    level: float,
    derive: tuple[str, ...],
    fmt: str,
    **options: Any,
) -> None:
    """Design-based t-test (R's svyttest)."""
    result = _analyse(
        data, derive, options, lambda src, design: svyttest(src, design, response, group, level)
    )
    _emit([asdict(result)], fmt)


@survey.command("indicators")
@click.option("--spec", "spec_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.argument("data", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv", "table"]), default="json", show_default=True
)
def indicators_command(spec_path: Path, data: Path, fmt: str) -> None:
    """ITU household indicators from microdata, by the disaggregations the spec asks for."""
    from wsis.engine.survey.itu_indicators import indicator_table, load_spec

    try:
        rows = indicator_table(open_survey(data), load_spec(spec_path))
    except SurveyInputError as exc:
        raise click.ClickException(str(exc)) from exc
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, default=str))
        return
    flat = []
    for row in rows:
        out = {k: v for k, v in row.items() if k not in ("domain", "disaggregation")}
        out["disaggregation"] = "+".join(row["disaggregation"]) or "total"
        out["domain"] = "; ".join(f"{k}={v}" for k, v in row["domain"].items())
        flat.append(out)
    click.echo(_render_flat(flat, fmt), nl=False)


@survey.command("publish")
@click.option("--spec", "spec_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--economy", required=True, metavar="ISO3", help="The economy the survey covers.")
@click.option("--period", required=True, metavar="YEAR", help="The period the estimates are stored under.")
@click.option("--publisher", required=True, help="The statistics office publishing the estimates.")
@click.option("--release", "name", help="Release name (default: the spec's survey and the period).")
@click.option(
    "--publish-at",
    "publish_at",
    metavar="ISO",
    help="Embargo: the release stays invisible until this time (ISO 8601; UTC when no offset).",
)
@click.option("--no-refresh", is_flag=True, help="Do not publish the figures again afterwards.")
@click.argument("data", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def publish_command(
    spec_path: Path,
    economy: str,
    period: str,
    publisher: str,
    name: str | None,
    publish_at: str | None,
    no_refresh: bool,
    data: Path,
) -> None:
    """Publish the spec's indicators, estimated from DATA, as one warehouse release (national instance).

    The same estimates as `wsis survey indicators`, with their SEs and CIs, stored under the warehouse codes
    of the spec's `warehouse` key. On any error nothing is stored and the error names the file and field.
    """
    import re

    from wsis.cli.site import django_ready
    from wsis.cli.warehouse import parse_time

    if not re.fullmatch(r"\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?", period):
        raise click.BadParameter(f"{period!r} is not YYYY, YYYY-Qn or YYYY-MM", param_hint="--period")
    embargo = parse_time(publish_at, "--publish-at") if publish_at else None
    django_ready()
    from wsis.apps.federation.domain.survey_release import publish_survey
    from wsis.apps.operations.domain.locks import WritersBusy
    from wsis.apps.warehouse.domain.importing import ImportRefused
    from wsis.cli.publishing import say_waiting
    from wsis.reference.loader import knowledge

    if economy.upper() not in knowledge().economies:
        raise click.BadParameter(f"unknown economy code {economy!r}", param_hint="--economy")
    try:
        published = publish_survey(
            data,
            spec_path,
            economy=economy,
            period=period,
            publisher=publisher,
            name=name,
            publish_at=embargo,
            on_wait=say_waiting,
        )
    except SurveyInputError as exc:
        raise click.ClickException(f"{exc}; nothing was stored") from exc
    except (ImportRefused, WritersBusy) as exc:  # the warehouse's checks, or another writer's turn
        for problem in getattr(exc, "problems", []):
            click.echo(str(problem), err=True)
        raise click.ClickException(str(exc)) from exc
    report = published.report
    r = report.release
    click.echo(f"release {r.id} '{r.publisher}: {r.name}' ({'new' if report.created else 'existing'})")
    click.echo(
        f"  {len(published.estimates)} estimates, {report.written} observations written, "
        f"{report.unchanged} already stored"
    )
    if r.embargoed():
        click.echo(f"  under embargo until {r.publish_at.isoformat()}: invisible until then")
    if not no_refresh:
        from wsis.cli.publishing import refresh_after

        refresh_after(f"wsis survey publish (release {r.id})")


def _render_flat(rows: list[dict[str, Any]], fmt: str) -> str:
    header = list(rows[0]) if rows else []
    values = [
        ["" if r[h] is None else (";".join(r[h]) if isinstance(r[h], list) else r[h]) for h in header]
        for r in rows
    ]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(values)
        return out.getvalue()
    text = [header] + [[_short(v) for v in r] for r in values]
    widths = [max(len(r[i]) for r in text) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in text) + "\n"


def _estimand(mean_var: str | None, total_var: str | None, proportion: str | None, ratio: str | None) -> Any:
    if mean_var:
        return Mean(mean_var)
    if total_var:
        return Total(total_var)
    if proportion:
        if "=" not in proportion:
            raise click.UsageError("--proportion takes VAR=LEVEL")
        var, level = proportion.split("=", 1)
        return Proportion(var, level)
    assert ratio is not None
    if "/" not in ratio:
        raise click.UsageError("--ratio takes NUM/DEN")
    num, den = ratio.split("/", 1)
    return Ratio(num, den)


def _rscales(value: str | None) -> tuple[float, ...] | float | None:
    if value is None:
        return None
    parts = [float(v) for v in value.split(",")]
    return parts[0] if len(parts) == 1 else tuple(parts)


def render(rows: list[dict[str, Any]], fmt: str, fields: list[str] = FIELDS) -> str:
    """Rows as JSON (the contract), CSV (domain columns first) or an aligned text table."""
    if fmt == "json":
        return json.dumps(rows, indent=2, default=str) + "\n"
    domain_cols: list[str] = []
    for row in rows:
        for key in row["domain"]:
            if key not in domain_cols:
                domain_cols.append(key)
    header = domain_cols + [f for f in fields if any(f in r for r in rows)]
    flat = []
    for row in rows:
        values = [row["domain"].get(c) for c in domain_cols]
        for f in header[len(domain_cols) :]:
            v = row.get(f)
            values.append(";".join(v) if isinstance(v, list) else v)
        flat.append(["" if v is None else v for v in values])
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(flat)
        return out.getvalue()
    text = [[str(h) for h in header]] + [[_short(v) for v in r] for r in flat]
    widths = [max(len(r[i]) for r in text) for i in range(len(header))]
    return "\n".join("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in text) + "\n"


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


if __name__ == "__main__":  # python -m wsis.cli.survey
    survey(sys.argv[1:])
