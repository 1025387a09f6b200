"""Printing the measurement commands' results (JSON, CSV or a table) with their provenance."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

import click
import polars as pl

from wsis.engine.measure.index.methodology import MethodologyError
from wsis.engine.measure.provenance import Provenance
from wsis.engine.measure.tidy import MeasureInputError

if TYPE_CHECKING:
    from wsis.apps.measure.models import Computation


def fail(exc: Exception) -> NoReturn:
    raise click.ClickException(str(exc)) from exc


def emit(fmt: str, payload: dict[str, Any], table: pl.DataFrame, provenance: Provenance) -> None:
    """JSON: the whole payload; CSV: the table with provenance columns; table: the table then provenance."""
    if fmt == "json":
        click.echo(json.dumps({**payload, "provenance": provenance.to_dict()}, indent=2, default=str))
        return
    if fmt == "csv":
        prov = provenance.to_dict()
        out = table.with_columns(
            pl.lit(prov["method"]).alias("method"),
            pl.lit(prov["method_version"]).alias("method_version"),
            pl.lit(prov["code_version"]).alias("code_version"),
            pl.lit(";".join(prov["inputs"])).alias("inputs"),
        )
        click.echo(out.write_csv(), nl=False)
        return
    with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=200, fmt_str_lengths=80):
        click.echo(str(table))
    click.echo(f"provenance: {json.dumps(provenance.to_dict(), default=str)}")


def warehouse(fmt: str, compute: Callable[[], Computation], table_key: str) -> None:
    """Run a computation on the warehouse, store it, print its result with provenance; exit 3 if refused."""
    from wsis.cli.site import django_ready

    django_ready()
    from wsis.apps.measure.domain.inputs import UnknownInput
    from wsis.apps.measure.domain.results import answer
    from wsis.apps.measure.domain.store import save
    from wsis.apps.warehouse.domain.query import QueryError

    try:
        payload = answer(save(compute()))
    except (UnknownInput, QueryError, MeasureInputError, MethodologyError) as exc:
        fail(exc)
    provenance = payload["provenance"]
    rows = payload.get(table_key) or []
    # One row per item; a nested mapping (an economy's scores by node) becomes columns of its own, except
    # an item's own provenance: the computation's is printed with the table.
    flat = [
        {
            **plain(r),
            **{
                k: v
                for n, d in r.items()
                if isinstance(d, dict) and n != "provenance"
                for k, v in plain(d).items()
            },
        }
        for r in rows
    ]
    table = pl.DataFrame(flat, infer_schema_length=None) if flat else pl.DataFrame()
    if fmt == "json":
        click.echo(json.dumps(payload, indent=2, default=str))
    elif fmt == "csv":
        out = table.with_columns(
            pl.lit(provenance["computation"]).alias("computation"),
            pl.lit(provenance["methodology"]).alias("methodology"),
            pl.lit(provenance["methodology_version"]).alias("methodology_version"),
            pl.lit(provenance["code_version"]).alias("code_version"),
            pl.lit(";".join(provenance["inputs"])).alias("inputs"),
        )
        click.echo(out.write_csv(), nl=False)
    else:
        with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=200, fmt_str_lengths=80):
            click.echo(str(table))
        click.echo(
            f"computation {provenance['computation']}: {provenance['methodology']} "
            f"{provenance['methodology_version']}, code {provenance['code_version']}"
        )
        click.echo(f"input releases: {'; '.join(provenance['inputs']) or 'none'}")
        for item in payload.get("skipped", []):
            click.echo(f"not assessed: {item['code']}: {item['reason']}", err=True)
    refused = [r for r in payload.get("aggregates", []) if r.get("status") != "ok"]
    for r in refused:
        click.echo(f"refused: {r['message']}", err=True)
    if refused and table_key == "aggregates":
        sys.exit(3)


def plain(mapping: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if not isinstance(v, dict | list)}
