"""A deterministic synthetic indicator dataset, so the platform shows something living without internet.

Every economy of the reference knowledge gets annual values for 2010-2024 of the indicators the
dashboards use (ITU codes from ``reference/data/indicators.yaml`` plus World Bank population so that
aggregates can be demonstrated). The numbers are made up, and every row says so: ``source`` is
:data:`SOURCE` and ``note`` is :data:`NOTE` (or :data:`ESTIMATE_NOTE`), so the mark travels with each
value into the database, pages, API answers and exports. Nothing here is, or imitates, a real figure of
a real economy: only the broad shape of the world is plausible.

How values are made (the drivers, because income groups are not shipped):

- a development level between 0 and 1 from the economy's M49 sub-region (or region), lowered for LDC
  and LLDC membership during the period, plus a per-economy jitter;
- adoption follows logistic curves whose ceiling, mid-point year and speed depend on that level;
- women's and rural use trail men's and urban use, by gaps that are wider at lower levels (and in
  LDCs) and narrow slowly over time; totals are the population-weighted mean of their parts, so a
  total always lies between its parts and urban never trails rural;
- surveys happen in some years only: breakdowns exist in survey years; other years' totals are
  publisher-style gap-filling estimates (nature ``estimate``); some years are missing altogether.

Determinism: each economy draws from its own generator seeded by a SHA-256 of its ISO3 code (never
Python's per-process randomised ``hash()``), and only ``random.Random.random()`` is used, the one
method whose sequence Python guarantees across versions. Same knowledge and years give byte-identical
output.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from wsis.engine.readers.observation import TOTAL, conform
from wsis.reference.loader import Knowledge, knowledge
from wsis.reference.schema import Economy

SOURCE = "SYNTHETIC DEMONSTRATION DATA (WSIS Observatory) - not official statistics"
NOTE = (
    "Synthetic value made up by the WSIS Observatory for demonstration (wsis.engine.synthetic); "
    "not an official statistic of any publisher or economy."
)
ESTIMATE_NOTE = NOTE + " Marked as a publisher-style estimate to demonstrate gap filling between surveys."
FIRST_YEAR = 2010
LAST_YEAR = 2024
# Bumping the label changes every draw: do it when the model changes, so old and new demos differ visibly.
SEED_LABEL = "wsis-synthetic-v1"
# ISO 3166 areas with no permanent population: an Internet-use rate for them would be nonsense.
NO_PERMANENT_POPULATION = frozenset({"ATA", "BVT", "HMD", "SGS"})
FIRST_PRICE_YEAR = 2018  # the ITU 5 GB fixed-broadband basket starts in 2018

# Indicator codes (as in indicators.yaml) and the observation-frame unit of each.
INTERNET_USE = "i99H"
HOUSEHOLDS_INTERNET = "xHH6_IDI"
MOBILE_OWNERSHIP = "xHH18_IDI"
MOBILE_BROADBAND = "i911mw"
COVERAGE_3G = "i271G"
COVERAGE_4G = "i271GA"
FIXED_BROADBAND = "i992b"
FIXED_BROADBAND_PRICE = "i154_FBB5_GNI"
POPULATION = "SP.POP.TOTL"
UNITS: dict[str, str] = {
    INTERNET_USE: "percent",
    HOUSEHOLDS_INTERNET: "percent",
    MOBILE_OWNERSHIP: "percent",
    MOBILE_BROADBAND: "per_100",
    COVERAGE_3G: "percent",
    COVERAGE_4G: "percent",
    FIXED_BROADBAND: "per_100",
    FIXED_BROADBAND_PRICE: "percent_gni_pc",
    POPULATION: "count",
}
INDICATORS: tuple[str, ...] = tuple(UNITS)

# Rough development level by M49 sub-region / intermediate region (0 = least, 1 = most connected).
LEVELS: dict[str, float] = {
    "154": 0.90,  # Northern Europe
    "155": 0.88,  # Western Europe
    "021": 0.88,  # Northern America
    "053": 0.87,  # Australia and New Zealand
    "039": 0.78,  # Southern Europe
    "030": 0.75,  # Eastern Asia
    "151": 0.70,  # Eastern Europe
    "145": 0.64,  # Western Asia
    "029": 0.58,  # Caribbean
    "005": 0.58,  # South America
    "013": 0.52,  # Central America
    "035": 0.55,  # South-eastern Asia
    "143": 0.50,  # Central Asia
    "015": 0.47,  # Northern Africa
    "061": 0.45,  # Polynesia
    "057": 0.42,  # Micronesia
    "034": 0.38,  # Southern Asia
    "018": 0.40,  # Southern Africa
    "054": 0.28,  # Melanesia
    "011": 0.26,  # Western Africa
    "014": 0.24,  # Eastern Africa
    "017": 0.22,  # Middle Africa
    "202": 0.25,  # Sub-Saharan Africa (no intermediate region)
    "419": 0.56,  # Latin America and the Caribbean (no intermediate region)
}
REGION_LEVELS = {"002": 0.3, "019": 0.56, "142": 0.55, "150": 0.8, "009": 0.5}
DEFAULT_LEVEL = 0.6  # economies in no M49 region (Taiwan)
LDC_PENALTY = 0.15
LLDC_PENALTY = 0.05


class Draws:
    """Uniform and normal draws built only on ``random()``, whose sequence Python keeps across versions."""

    def __init__(self, iso3: str):
        digest = hashlib.sha256(f"{SEED_LABEL}:{iso3}".encode()).digest()
        self._rng = random.Random(int.from_bytes(digest[:8], "big"))  # noqa: S311 - not a secret

    def uniform(self, low: float, high: float) -> float:
        return low + (high - low) * self._rng.random()

    def chance(self, probability: float) -> bool:
        return self._rng.random() < probability

    def normal(self, mean: float, sd: float) -> float:
        # Box-Muller: random.gauss's algorithm is not covered by Python's reproducibility promise.
        u1 = max(self._rng.random(), 1e-12)
        u2 = self._rng.random()
        return mean + sd * math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def logistic(year: int, ceiling: float, midpoint: float, rate: float) -> float:
    return ceiling / (1.0 + math.exp(-rate * (year - midpoint)))


def _share_of_years(kn: Knowledge, group: str, iso3: str, years: range) -> float:
    """Fraction of the period's mid-years the economy belonged to ``group`` (LDCs graduate)."""
    spans = [m for m in kn.memberships if m.group == group and m.economy == iso3]
    if not spans or not years:
        return 0.0
    covered = sum(1 for y in years if any(m.covers(dt.date(y, 7, 1)) for m in spans))
    return covered / len(years)


def development_level(kn: Knowledge, economy: Economy, years: range, draws: Draws) -> float:
    for code in (economy.intermediate_region, economy.subregion):
        if code in LEVELS:
            base = LEVELS[code]
            break
    else:
        base = REGION_LEVELS.get(economy.region or "", DEFAULT_LEVEL)
    base -= LDC_PENALTY * _share_of_years(kn, "LDC", economy.iso3, years)
    base -= LLDC_PENALTY * _share_of_years(kn, "LLDC", economy.iso3, years)
    return min(0.97, max(0.03, base + draws.uniform(-0.08, 0.08)))


@dataclass(frozen=True)
class Profile:
    """The drawn parameters of one economy: everything its series are computed from."""

    level: float
    ldc: float  # share of the period spent on the LDC list
    sids: bool
    internet_ceiling: float
    internet_midpoint: float
    internet_rate: float
    gender_gap: float  # relative shortfall of women's rate against men's in the first year
    rural_gap: float  # relative shortfall of rural rate against urban in the first year
    urban_share: float
    household_ratio: float
    population: float
    growth: float
    survey_probability: float
    missing_probability: float


def profile(kn: Knowledge, economy: Economy, years: range, draws: Draws) -> Profile:
    level = development_level(kn, economy, years, draws)
    ldc = _share_of_years(kn, "LDC", economy.iso3, years)
    sids = _share_of_years(kn, "SIDS", economy.iso3, years) > 0
    gender_gap = (0.04 + 0.45 * (1 - level) ** 2) * draws.uniform(0.8, 1.2) + 0.08 * ldc
    rural_gap = (0.08 + 0.65 * (1 - level) ** 1.5) * draws.uniform(0.85, 1.15)
    population = math.exp(draws.normal(12.5 if sids else 15.8, 1.2 if sids else 1.6))
    return Profile(
        level=level,
        ldc=ldc,
        sids=sids,
        internet_ceiling=70.0 + 27.0 * level + draws.uniform(-2.0, 1.5),
        internet_midpoint=2027.0 - 26.0 * level + draws.uniform(-1.5, 1.5),
        internet_rate=draws.uniform(0.22, 0.32),
        gender_gap=min(0.6, gender_gap),
        rural_gap=min(0.8, rural_gap),
        urban_share=min(0.98, max(0.1, 0.2 + 0.65 * level + draws.uniform(-0.08, 0.08))),
        household_ratio=(0.78 + 0.2 * level) * draws.uniform(0.95, 1.05),
        population=min(1.4e9, max(1.0e3, population)),
        growth=0.003 + 0.027 * (1 - level) + draws.uniform(-0.004, 0.004),
        survey_probability=0.2 + 0.6 * level,
        missing_probability=0.06 + 0.12 * (1 - level),
    )


# One generated row: indicator, period, sex, urbanisation, value, nature.
Row = tuple[str, int, str, str, float, str]
CAP = 99.5  # no breakdown of a percentage reaches 100: someone always stays offline


def split_sex(total: float, parity: float) -> tuple[float, float]:
    """Women's and men's rates whose mean (equal halves of the population) is ``total``."""
    men = min(CAP, 2.0 * total / (1.0 + parity))
    return 2.0 * total - men, men


def split_urbanisation(total: float, ratio: float, urban_share: float) -> tuple[float, float]:
    """Urban and rural rates whose population-weighted mean is ``total``; rural = ratio x urban."""
    urban = min(CAP, total / (urban_share + (1.0 - urban_share) * ratio))
    rural = (total - urban_share * urban) / (1.0 - urban_share) if urban_share < 1.0 else urban
    return urban, max(0.0, rural)


def economy_rows(kn: Knowledge, economy: Economy, years: range) -> list[Row]:
    draws = Draws(economy.iso3)
    p = profile(kn, economy, years, draws)
    rows: list[Row] = []
    first = years.start
    for year in years:
        t = year - first
        survey = year >= first + 2 and draws.chance(p.survey_probability)
        # Survey indicators: missing some years; totals outside survey years are gap-filling estimates.
        nature = "reported" if survey else "estimate"
        parity = 1.0 - p.gender_gap * math.exp(-0.04 * t)
        rural_ratio = 1.0 - p.rural_gap * math.exp(-0.03 * t)
        urban_share = min(0.98, p.urban_share + 0.003 * t)

        internet = logistic(year, p.internet_ceiling, p.internet_midpoint, p.internet_rate)
        if survey or not draws.chance(p.missing_probability):
            rows.append((INTERNET_USE, year, TOTAL, TOTAL, internet, nature))
            if survey:
                women, men = split_sex(internet, parity)
                urban, rural = split_urbanisation(internet, rural_ratio, urban_share)
                rows += [
                    (INTERNET_USE, year, "F", TOTAL, women, nature),
                    (INTERNET_USE, year, "M", TOTAL, men, nature),
                    (INTERNET_USE, year, TOTAL, "U", urban, nature),
                    (INTERNET_USE, year, TOTAL, "R", rural, nature),
                ]

        households = min(99.0, internet * p.household_ratio)
        if survey or not draws.chance(p.missing_probability):
            rows.append((HOUSEHOLDS_INTERNET, year, TOTAL, TOTAL, households, nature))
            if survey:
                urban, rural = split_urbanisation(households, rural_ratio * 0.95, urban_share)
                rows += [
                    (HOUSEHOLDS_INTERNET, year, TOTAL, "U", urban, nature),
                    (HOUSEHOLDS_INTERNET, year, TOTAL, "R", rural, nature),
                ]

        ownership = logistic(year, 76.0 + 22.0 * p.level, p.internet_midpoint - 7.0, p.internet_rate)
        if survey or not draws.chance(p.missing_probability):
            rows.append((MOBILE_OWNERSHIP, year, TOTAL, TOTAL, ownership, nature))
            if survey:
                women, men = split_sex(ownership, 1.0 - 0.6 * p.gender_gap * math.exp(-0.04 * t))
                rows += [
                    (MOBILE_OWNERSHIP, year, "F", TOTAL, women, nature),
                    (MOBILE_OWNERSHIP, year, "M", TOTAL, men, nature),
                ]

        # Administrative series: reported by operators every year, with a few gaps and estimates.
        admin = "estimate" if draws.chance(0.1) else "reported"
        broadband = logistic(year, 45.0 + 100.0 * p.level, p.internet_midpoint + 1.0, p.internet_rate + 0.05)
        if not draws.chance(0.04):
            rows.append((MOBILE_BROADBAND, year, TOTAL, TOTAL, broadband, admin))
        coverage_3g = logistic(year, 99.8 - 12.0 * (1 - p.level), 2014.0 - 8.0 * p.level, 0.45)
        coverage_4g = min(
            coverage_3g, logistic(year, 99.5 - 15.0 * (1 - p.level), 2019.5 - 7.0 * p.level, 0.5)
        )
        if not draws.chance(0.04):
            rows.append((COVERAGE_3G, year, TOTAL, TOTAL, coverage_3g, admin))
            if coverage_4g >= 1.0:  # before launch there is no 4G network to cover anyone
                rows.append((COVERAGE_4G, year, TOTAL, TOTAL, coverage_4g, admin))
        fixed = logistic(year, 1.0 + 44.0 * p.level**1.5, p.internet_midpoint + 2.0, 0.25)
        if not draws.chance(0.04):
            rows.append((FIXED_BROADBAND, year, TOTAL, TOTAL, fixed, admin))
        if year >= FIRST_PRICE_YEAR:
            price = 0.9 * math.exp(3.8 * (1 - p.level)) * math.exp(-0.07 * (year - FIRST_PRICE_YEAR))
            rows.append(
                (FIXED_BROADBAND_PRICE, year, TOTAL, TOTAL, price * draws.uniform(0.9, 1.1), "reported")
            )
        rows.append((POPULATION, year, TOTAL, TOTAL, p.population * math.exp(p.growth * t), "reported"))
    return rows


def _rounded(indicator: str, value: float) -> float:
    # Rounding is monotonic, so totals stay between their parts and 4G stays within 3G after it.
    if indicator == POPULATION:
        return float(round(value))
    if indicator == FIXED_BROADBAND_PRICE:
        return round(value, 2)
    return round(value, 1)


def generate(
    kn: Knowledge | None = None,
    first_year: int = FIRST_YEAR,
    last_year: int = LAST_YEAR,
    economies: Iterable[str] | None = None,
) -> pl.DataFrame:
    """The synthetic observations as a canonical frame, one row per indicator x economy x year x breakdown.

    ``economies`` restricts the output to those ISO3 codes (each must be in the knowledge); by default
    every economy with a permanent population. Rows are in a fixed order (economy, then generation order).
    """
    kn = kn or knowledge()
    if first_year > last_year:
        raise ValueError(f"first_year {first_year} is after last_year {last_year}")
    if economies is None:
        chosen = sorted(code for code in kn.economies if code not in NO_PERMANENT_POPULATION)
    else:
        chosen = sorted(set(economies))
        unknown = [code for code in chosen if code not in kn.economies]
        if unknown:
            raise ValueError(f"economies not in the reference knowledge: {', '.join(unknown)}")
    years = range(first_year, last_year + 1)
    columns: dict[str, list[object]] = {
        name: [] for name in ("indicator", "area", "period", "sex", "urbanisation", "value", "nature")
    }
    for iso3 in chosen:
        for indicator, year, sex, urbanisation, value, nature in economy_rows(kn, kn.economies[iso3], years):
            columns["indicator"].append(indicator)
            columns["area"].append(iso3)
            columns["period"].append(str(year))
            columns["sex"].append(sex)
            columns["urbanisation"].append(urbanisation)
            columns["value"].append(_rounded(indicator, value))
            columns["nature"].append(nature)
    frame = pl.DataFrame(
        columns,
        schema={
            "indicator": pl.String,
            "area": pl.String,
            "period": pl.String,
            "sex": pl.String,
            "urbanisation": pl.String,
            "value": pl.Float64,
            "nature": pl.String,
        },
    )
    frame = frame.with_columns(
        pl.lit("economy").alias("area_kind"),
        pl.col("indicator").replace_strict(UNITS, return_dtype=pl.String).alias("unit"),
        pl.lit(SOURCE).alias("source"),
        pl.when(pl.col("nature") == "estimate")
        .then(pl.lit(ESTIMATE_NOTE))
        .otherwise(pl.lit(NOTE))
        .alias("note"),
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("source_row"),
    )
    return conform(frame)


def is_synthetic(frame: pl.DataFrame) -> pl.Series:
    """Per row: whether it carries the synthetic mark (for checks that no demo value passes as real)."""
    return frame.get_column("source") == SOURCE


__all__ = [
    "ESTIMATE_NOTE",
    "INDICATORS",
    "NOTE",
    "SOURCE",
    "UNITS",
    "generate",
    "is_synthetic",
]
