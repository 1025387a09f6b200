"""Benchmark: import every shared ITU DataHub CSV and compare with DuckDB's plain ``read_csv`` of the same
files, measured in the same run. Two of ours are timed: the readers alone (parse, codes, unit rules,
validation and quality checks) and the whole ``wsis import`` into a scratch database (the readers plus the
checks against the reference knowledge and the database, one transaction, the latest-release marks).
Prints the times and the ratios (aim: within 3x of the DuckDB floor).

Run: ``.venv/bin/python bench/import/run.py [--repeat N]``; the database is a scratch SQLite file unless
``WSIS_DATABASE_URL`` names another (it must be a scratch database: the bench creates and drops releases).
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import duckdb

from wsis.engine import readers
from wsis.paths import shared_data


def _ours(files: list[Path]) -> int:
    rows = 0
    for path in files:
        result = readers.read(path)
        if not result.ok:
            raise SystemExit(f"{path.name}: {result.errors[0]}")
        rows += result.frame.height
    return rows


def _duckdb(files: list[Path]) -> int:
    rows = 0
    con = duckdb.connect()
    for path in files:
        rows += con.sql(f"select * from read_csv('{path}')").to_arrow_table().num_rows
    con.close()
    return rows


def _database_import():
    """Set up a scratch database once; return a function that imports the files as a new release."""
    import os
    import tempfile

    os.environ.setdefault("WSIS_DATA_DIR", tempfile.mkdtemp(prefix="wsis-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wsis.site.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from wsis.apps.reference.sync import sync_reference
    from wsis.apps.warehouse.domain.importing import import_release
    from wsis.apps.warehouse.models import ImportedFile, Observation, QualityFlag, Release
    from wsis.reference.loader import knowledge

    call_command("migrate", verbosity=0)
    sync_reference(knowledge())

    def run(files: list[Path]) -> int:
        # Each run is a first import into an empty warehouse: clear the previous one (untimed share is
        # small next to the import, and the same for every run).
        for model in (Observation, ImportedFile, QualityFlag, Release):
            model.objects.all().delete()
        start = time.perf_counter()
        written = import_release(files, name="bench", publisher="bench").written
        run.elapsed = time.perf_counter() - start
        return written

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each (median reported)")
    args = parser.parse_args()
    files = sorted((shared_data() / "itu-datahub").glob("*.csv"))
    if not files:
        raise SystemExit(f"no ITU DataHub CSVs under {shared_data()}")
    database = _database_import()
    _ours(files), _duckdb(files), database(files)  # warm-up: imports, caches, file pages
    timings: dict[str, list[float]] = {"wsis readers": [], "wsis import (db)": [], "duckdb read_csv": []}
    counts: dict[str, int] = {}
    for _ in range(args.repeat):
        for name, run in (
            ("wsis readers", _ours),
            ("wsis import (db)", database),
            ("duckdb read_csv", _duckdb),
        ):
            start = time.perf_counter()
            counts[name] = run(files)
            timings[name].append(getattr(run, "elapsed", time.perf_counter() - start))
    ours, full, floor = (
        statistics.median(timings[k]) for k in ("wsis readers", "wsis import (db)", "duckdb read_csv")
    )
    size = sum(p.stat().st_size for p in files) / 1e6
    print(f"{len(files)} ITU DataHub CSV files, {size:.1f} MB, median of {args.repeat} runs")
    for name, values in timings.items():
        print(f"  {name:16s} {statistics.median(values) * 1000:8.1f} ms  ({counts[name]} rows)")
    print(f"  ratio readers / duckdb: {ours / floor:.2f}x (target <= 3x)")
    print(f"  ratio import into the database / duckdb: {full / floor:.2f}x (target <= 3x)")


if __name__ == "__main__":
    main()
