"""Synthetic stratified cluster samples for the survey benchmark (written by us, no real data).

200 strata, 100 rows per PSU, PSU ids unique across strata, weights varying by stratum and PSU, 20
domains, a 0/1 outcome whose rate varies by stratum and domain, and optionally 80 replicate weights
(successive-difference style factors around the full weight).

``write_people`` adds what the second-half workloads need: three raking margins (sex, five age groups,
urban) with census totals beside the file (``<name>.margins.json``, the sample's weighted counts tilted
so that raking has work to do), household spending for the median, and a 0/1 ``online`` driven by six
numeric covariates for the logistic regression.

Large samples are written PSU block by PSU block, so generating 100M rows never holds them in memory.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

STRATA = 200
ROWS_PER_PSU = 100
DOMAINS = 20
BLOCK_PSUS = 10_000  # one million rows per block (and per Parquet row group)
COVARIATES = ("female", "age", "urban", "educ", "log_income", "hhsize")
MARGINS = ("sex", "agegroup", "urban")


def _block(rng: np.random.Generator, first_psu: int, psus: int, replicates: int, people: bool) -> pa.Table:
    rows = psus * ROWS_PER_PSU
    psu_ids = np.arange(first_psu, first_psu + psus, dtype=np.int64)
    psu = np.repeat(psu_ids, ROWS_PER_PSU)
    stratum_of_psu = psu_ids % STRATA
    stratum = np.repeat(stratum_of_psu, ROWS_PER_PSU)
    weight = np.repeat(50 + 10 * stratum_of_psu + rng.uniform(0, 20, psus), ROWS_PER_PSU)
    weight = weight * rng.uniform(0.8, 1.2, rows)
    domain = rng.integers(0, DOMAINS, rows)
    rate = 0.2 + 0.5 * (stratum / STRATA) * (domain / DOMAINS)
    y = (rng.uniform(0, 1, rows) < rate).astype(np.int8)
    columns: dict[str, np.ndarray] = {
        "stratum": stratum,
        "psu": psu,
        "weight": weight,
        "domain": domain,
        "y": y,
    }
    for r in range(replicates):
        factor = 1 + 0.7071 * rng.choice([-1.0, 0.0, 1.0], psus)
        columns[f"repw{r + 1}"] = weight * np.repeat(factor, ROWS_PER_PSU)
    if people:
        columns |= _people(rng, rows, stratum, domain)
    return pa.table(columns)


def _people(
    rng: np.random.Generator, rows: int, stratum: np.ndarray, domain: np.ndarray
) -> dict[str, np.ndarray]:
    female = (rng.uniform(0, 1, rows) < 0.52).astype(np.int8)
    age = rng.integers(15, 80, rows).astype(np.int16)
    urban = (rng.uniform(0, 1, rows) < 0.3 + 0.4 * stratum / STRATA).astype(np.int8)
    educ = np.clip(rng.normal(9 + 3 * urban, 3.5, rows).round(), 0, 20).astype(np.int8)
    log_income = rng.normal(7 + 0.08 * educ + 0.3 * urban, 0.6, rows)
    hhsize = rng.integers(1, 9, rows).astype(np.int8)
    eta = -4 + 0.3 * (1 - female) - 0.03 * age + 0.6 * urban + 0.15 * educ + 0.35 * log_income - 0.05 * hhsize
    online = (rng.uniform(0, 1, rows) < 1 / (1 + np.exp(-eta))).astype(np.int8)
    spend = np.exp(log_income - 2.5 + 0.02 * domain + rng.normal(0, 0.5, rows)).round(2)
    return {
        "sex": (1 + female).astype(np.int8),
        "agegroup": np.minimum((age - 15) // 13, 4).astype(np.int8),
        "female": female,
        "age": age,
        "urban": urban,
        "educ": educ,
        "log_income": log_income,
        "hhsize": hhsize,
        "online": online,
        "spend": spend,
    }


def write_sample(path: Path, rows: int, replicates: int = 0, seed: int = 3, people: bool = False) -> Path:
    if path.exists():
        return path
    rng = np.random.default_rng(seed)
    psus = rows // ROWS_PER_PSU
    tmp = path.with_suffix(".tmp")
    writer: pq.ParquetWriter | None = None
    counts: dict[str, dict[int, float]] = {m: {} for m in MARGINS}
    try:
        for first in range(0, psus, BLOCK_PSUS):
            block = _block(rng, first, min(BLOCK_PSUS, psus - first), replicates, people)
            if writer is None:
                writer = pq.ParquetWriter(tmp, block.schema)
            writer.write_table(block, row_group_size=1_000_000)
            if people:
                _count_margins(block, counts)
    finally:
        if writer is not None:
            writer.close()
    if people:
        margins_path(path).write_text(json.dumps(_census_totals(counts), indent=1))
    tmp.rename(path)
    return path


def write_people(path: Path, rows: int) -> Path:
    return write_sample(path, rows, people=True)


def margins_path(path: Path) -> Path:
    return path.with_suffix(".margins.json")


def _count_margins(block: pa.Table, counts: dict[str, dict[int, float]]) -> None:
    weight = block["weight"].to_numpy()
    for margin in MARGINS:
        values = block[margin].to_numpy()
        for level in np.unique(values):
            counts[margin][int(level)] = counts[margin].get(int(level), 0.0) + float(
                weight[values == level].sum()
            )


def _census_totals(counts: dict[str, dict[int, float]]) -> dict[str, dict[str, float]]:
    """The sample's weighted counts tilted by up to +-15% per category, each margin scaled back to one
    grand total (10% above the sample's): margins that agree, which raking must reach in a few cycles."""
    grand = 1.1 * sum(counts[MARGINS[0]].values())
    out: dict[str, dict[str, float]] = {}
    for k, margin in enumerate(MARGINS):
        levels = sorted(counts[margin])
        tilted = {lv: counts[margin][lv] * (1 + 0.15 * np.sin(1 + k + 2 * i)) for i, lv in enumerate(levels)}
        scale = grand / sum(tilted.values())
        out[margin] = {str(lv): round(v * scale, 3) for lv, v in tilted.items()}
    # Rounding must not make the margins disagree: the last category of each takes the remainder.
    for margin in MARGINS:
        levels = list(out[margin])
        out[margin][levels[-1]] = round(grand - sum(out[margin][lv] for lv in levels[:-1]), 6)
    return out
