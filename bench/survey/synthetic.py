"""Synthetic stratified cluster samples for the survey benchmark (written by us, no real data).

200 strata, 100 rows per PSU, PSU ids unique across strata, weights varying by stratum and PSU, 20
domains, a 0/1 outcome whose rate varies by stratum and domain, and optionally 80 replicate weights
(successive-difference style factors around the full weight).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

STRATA = 200
ROWS_PER_PSU = 100
DOMAINS = 20


def write_sample(path: Path, rows: int, replicates: int = 0, seed: int = 3) -> Path:
    if path.exists():
        return path
    rng = np.random.default_rng(seed)
    psus = rows // ROWS_PER_PSU
    psu = np.repeat(np.arange(psus, dtype=np.int64), ROWS_PER_PSU)
    stratum_of_psu = np.arange(psus) % STRATA
    stratum = stratum_of_psu[psu]
    weight = (50 + 10 * stratum_of_psu + rng.uniform(0, 20, psus))[psu] * rng.uniform(0.8, 1.2, rows)
    domain = rng.integers(0, DOMAINS, rows)
    rate = 0.2 + 0.5 * (stratum / STRATA) * (domain / DOMAINS)
    y = (rng.uniform(0, 1, rows) < rate).astype(np.int8)
    columns = {"stratum": stratum, "psu": psu, "weight": weight, "domain": domain, "y": y}
    for r in range(replicates):
        factor = 1 + 0.7071 * rng.choice([-1.0, 0.0, 1.0], psus)
        columns[f"repw{r + 1}"] = weight * factor[psu]
    tmp = path.with_suffix(".tmp")
    pq.write_table(pa.table(columns), tmp, row_group_size=1_000_000)
    tmp.rename(path)
    return path
