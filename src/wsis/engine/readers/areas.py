"""Reference areas: publisher codes and name variants -> ISO3 economies or publisher-prefixed groups.

ISO codes come from pycountry so the readers do not depend on the reference package. Names are matched
exactly after normalisation (case, accents, punctuation) against pycountry's names and the alias table
below; there is deliberately no fuzzy matching: pycountry's ``search_fuzzy("Kosovo")`` answers Serbia,
and a wrong economy is worse than a clear "unknown name" error.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pycountry

# Economies that publishers report but ISO 3166-1 does not (or no longer) list.
EXTRA_ECONOMIES: dict[str, str] = {
    "XKX": "Kosovo",  # user-assigned code used by the World Bank and the EU
    "CHI": "Channel Islands",  # World Bank economy (Guernsey + Jersey)
    "ASC": "Ascension",  # ITU reports it apart from Saint Helena
    "ANT": "Netherlands Antilles",  # ISO code withdrawn in 2010, still in historical ITU series
}

# Publisher codes that are not the ISO code of the same economy.
CODE_ALIASES: dict[str, str] = {
    "KSO": "XKX",  # ITU DataHub: Kosovo
    "AAA": "GGY",  # ITU DataHub: Guernsey
    "GBJ": "JEY",  # ITU DataHub: Jersey
}

# Name variants seen in publisher files that pycountry's names do not cover.
NAME_ALIASES: dict[str, str] = {
    "turkey": "TUR",
    "turkiye": "TUR",
    "korea rep of": "KOR",
    "korea rep": "KOR",
    "republic of korea": "KOR",
    "dem peoples rep of korea": "PRK",
    "hong kong china": "HKG",
    "macao china": "MAC",
    "macau china": "MAC",
    "dominican rep": "DOM",
    "palestine": "PSE",
    "state of palestine": "PSE",
    "kosovo": "XKX",
    "curacao": "CUW",
    "bolivia plurinational state of": "BOL",
    "iran islamic republic of": "IRN",
    "venezuela bolivarian republic of": "VEN",
    "moldova": "MDA",
    "russia": "RUS",
    "united states of america": "USA",
    "united kingdom of great britain and northern ireland": "GBR",
    "lao pdr": "LAO",
    "lao p d r": "LAO",
    "congo dem rep": "COD",
    "democratic republic of the congo": "COD",
    "congo rep": "COG",
    "egypt arab rep": "EGY",
    "gambia the": "GMB",
    "bahamas the": "BHS",
    "yemen rep": "YEM",
    "micronesia fed sts": "FSM",
    "st lucia": "LCA",
    "st kitts and nevis": "KNA",
    "st vincent and the grenadines": "VCT",
    "kyrgyz republic": "KGZ",
    "slovak republic": "SVK",
    "czechia": "CZE",
    "swaziland": "SWZ",
    "eswatini": "SWZ",
    "cape verde": "CPV",
    "ivory coast": "CIV",
    "west bank and gaza": "PSE",
    "hong kong sar china": "HKG",
    "macao sar china": "MAC",
    "channel islands": "CHI",
    "netherlands antilles": "ANT",
    "neth antilles": "ANT",
    "ascension": "ASC",
    "vietnam": "VNM",
    "taiwan": "TWN",
    "tanzania": "TZA",
    "syria": "SYR",
}

# World Bank aggregates (regions, income and lending groups, demographic groups); Metadata_Country files
# mark them by an empty Region, but the long CSV layout has no metadata, so they are listed here.
WORLD_BANK_AGGREGATES: frozenset[str] = frozenset(
    "AFE AFW ARB CAM CEB CSS EAP EAR EAS ECA ECS EMU EUU FCS HIC HPC IBD IBT IDA IDB IDX INX LAC LCN LDC LIC "
    "LMC LMY LTE MEA MIC MNA NAC OED OSS PRE PSS PST SAM SAS SSA SSF SST TEA TEC TLA TMN TSA TSS UMC "
    "WLD".split()
)

# UN M49 codes of regions and analytical groups used by the SDG Global Database (not economies).
M49_GROUPS: dict[int, str] = {
    1: "World",
    2: "Africa",
    5: "South America",
    9: "Oceania",
    11: "Western Africa",
    13: "Central America",
    14: "Eastern Africa",
    15: "Northern Africa",
    17: "Middle Africa",
    18: "Southern Africa",
    19: "Americas",
    21: "Northern America",
    29: "Caribbean",
    30: "Eastern Asia",
    34: "Southern Asia",
    35: "South-eastern Asia",
    39: "Southern Europe",
    53: "Australia and New Zealand",
    54: "Melanesia",
    57: "Micronesia",
    61: "Polynesia",
    62: "Central and Southern Asia",
    142: "Asia",
    143: "Central Asia",
    145: "Western Asia",
    150: "Europe",
    151: "Eastern Europe",
    154: "Northern Europe",
    155: "Western Europe",
    199: "Least Developed Countries",
    202: "Sub-Saharan Africa",
    419: "Latin America and the Caribbean",
    432: "Landlocked developing countries",
    513: "Europe and Northern America",
    514: "Developed regions",
    515: "Developing regions",
    543: "Oceania (exc. Australia and New Zealand)",
    722: "Small island developing States",
    747: "Northern Africa and Western Asia",
    753: "Eastern and South-Eastern Asia",
}
M49_EXTRA_ECONOMIES: dict[int, str] = {412: "XKX", 680: "GBR"}  # Kosovo; Sark is reported with the UK

# ITU region names (ITU/BDT classification and the DataHub's other classes) -> their DataHub codes.
ITU_REGION_NAMES: dict[str, str] = {
    "africa": "AFR",
    "arab states": "ARB",
    "asia pacific": "ASP",
    "asia and the pacific": "ASP",
    "cis": "CIS",
    "europe": "EUR",
    "the americas": "AMS",
    "americas": "AMS",
    "world": "World",
    "least developed countries ldc": "LDC",
    "land locked developing countries lldc": "LLDC",
    "small island developing states sids": "SIDS",
}


def normalise_name(name: str) -> str:
    """Lower case, no accents, punctuation and ``&`` as spaces: "Côte d'Ivoire" -> "cote d ivoire"."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    text = text.replace("&", " and ").replace("'", "").replace("\u2019", "")
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    table: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                table[normalise_name(value)] = country.alpha_3
    for code, name in EXTRA_ECONOMIES.items():
        table[normalise_name(name)] = code
    table.update(NAME_ALIASES)
    return table


@lru_cache(maxsize=4096)
def economy_code(code: str) -> str | None:
    """The ISO3 (or :data:`EXTRA_ECONOMIES`) code for a publisher's economy code, None when unknown."""
    code = code.strip().upper()
    code = CODE_ALIASES.get(code, code)
    if code in EXTRA_ECONOMIES:
        return code
    if len(code) == 3 and pycountry.countries.get(alpha_3=code) is not None:
        return code
    return None


@lru_cache(maxsize=4096)
def economy_from_name(name: str) -> str | None:
    """The economy code for a name variant ("Turkiye", "Korea (Rep. of)"), None when unknown."""
    return _names().get(normalise_name(name))


@lru_cache(maxsize=1024)
def economy_from_m49(code: int) -> str | None:
    if code in M49_EXTRA_ECONOMIES:
        return M49_EXTRA_ECONOMIES[code]
    country = pycountry.countries.get(numeric=f"{code:03d}")
    return country.alpha_3 if country is not None else None


def m49_group(code: int) -> str | None:
    return f"M49_{code:03d}" if code in M49_GROUPS else None


def world_bank_group(code: str) -> str | None:
    code = code.strip().upper()
    return f"WB_{code}" if code in WORLD_BANK_AGGREGATES else None


def itu_group(name_or_code: str) -> str | None:
    """The ``ITU_`` group code for a DataHub region name or code ("Arab States" or "ARB")."""
    key = normalise_name(name_or_code)
    if key in ITU_REGION_NAMES:
        return "ITU_" + ITU_REGION_NAMES[key]
    codes = {c.upper(): c for c in ITU_REGION_NAMES.values()}
    if name_or_code.strip().upper() in codes:
        return "ITU_" + codes[name_or_code.strip().upper()]
    return None


def is_known_area(area: str, kind: str) -> bool:
    """True for an economy code this module knows, or a group with a known publisher prefix."""
    if kind == "economy":
        return economy_code(area) == area
    prefix, _, rest = area.partition("_")
    return prefix in {"WB", "ITU", "M49", "SDG", "X"} and bool(rest)
