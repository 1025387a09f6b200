"""``wsis survey``: design-based estimates from survey microdata (issue 3).

``wsis survey estimate`` is a stable contract that scripts depend on: keep flags and output fields.
"""

from __future__ import annotations

import csv
import io
import json
import sys
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
from wsis.engine.survey.design import LONELY_PSU_RULES, REPLICATE_TYPES
from wsis.engine.survey.intervals import CI_METHODS

FIELDS = ["estimate", "se", "cv", "ci_low", "ci_high", "df", "n", "deff", "deff_replace", "flags"]


def _columns(value: str | None) -> tuple[str, ...]:
    return tuple(c.strip() for c in value.split(",") if c.strip()) if value else ()


@click.group()
def survey() -> None:
    """Design-based estimation from household-survey microdata (results match R's survey package)."""


@survey.command("estimate")
@click.argument("data", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--strata", help="Stratum column.")
@click.option("--psu", help="Cluster column per stage: PSU[,SSU,...]. Omit for element sampling.")
@click.option("--weight", help="Sampling weight column (omitted: from --fpc, else 1).")
@click.option("--fpc", help="Finite population correction per stage: population sizes or fractions.")
@click.option("--nest", is_flag=True, help="PSU ids restart within strata.")
@click.option("--lonely-psu", type=click.Choice(LONELY_PSU_RULES), default="fail", show_default=True)
@click.option("--replicate-weights", "replicate_weights", metavar="REGEX", help="Replicate weight columns.")
@click.option(
    "--type",
    "replicate_type",
    type=click.Choice(REPLICATE_TYPES),
    help="Replicate type; without --replicate-weights, replicates are built from the Taylor design.",
)
@click.option("--rho", type=float, help="Fay's rho.")
@click.option("--scale", type=float, help="Replicate variance scale (R's scale).")
@click.option("--rscales", help="Per-replicate scales: one number or a comma list (R's rscales).")
@click.option("--mse", is_flag=True, help="Centre replicates on the full-sample estimate.")
@click.option("--replicates", type=int, help="Number of replicates to build (bootstrap, SDR).")
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
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv", "table"]), default="json", show_default=True
)
def estimate_command(
    data: Path,
    strata: str | None,
    psu: str | None,
    weight: str | None,
    fpc: str | None,
    nest: bool,
    lonely_psu: str,
    replicate_weights: str | None,
    replicate_type: str | None,
    rho: float | None,
    scale: float | None,
    rscales: str | None,
    mse: bool,
    replicates: int | None,
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
) -> None:
    """Estimate a mean, total, proportion or ratio with SE, CV, CI, design effect and flags."""
    chosen = [v for v in (mean_var, total_var, proportion, ratio) if v]
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of --mean, --total, --proportion or --ratio")
    try:
        estimand = _estimand(mean_var, total_var, proportion, ratio)
        source = open_survey(data)
        taylor = TaylorDesign(
            strata=strata,
            clusters=_columns(psu),
            weight=weight,
            fpc=_columns(fpc),
            nest=nest,
            lonely_psu=lonely_psu,  # type: ignore[arg-type]
        )
        design: Any = taylor
        if replicate_weights:
            if not replicate_type:
                raise click.UsageError("--replicate-weights needs --type")
            design = ReplicateDesign(
                weight=weight,
                replicate_weights=match_replicate_columns(list(source.columns), replicate_weights),
                type=replicate_type,  # type: ignore[arg-type]
                rho=rho,
                scale=scale,
                rscales=_rscales(rscales),
                mse=mse,
            )
        elif replicate_type:
            design = BuiltReplicates(taylor, replicate_type, rho=rho or 0.0, mse=mse, replicates=replicates)  # type: ignore[arg-type]
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


def render(rows: list[dict[str, Any]], fmt: str) -> str:
    """Rows as JSON (the contract), CSV (domain columns first) or an aligned text table."""
    if fmt == "json":
        return json.dumps(rows, indent=2, default=str) + "\n"
    domain_cols: list[str] = []
    for row in rows:
        for key in row["domain"]:
            if key not in domain_cols:
                domain_cols.append(key)
    header = domain_cols + [f for f in FIELDS if any(f in r for r in rows)]
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
