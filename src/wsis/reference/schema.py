"""The shape of every reference data file, as pydantic models.

Each file under ``wsis/reference/data`` is validated against one of these models at load time, so a
typo in a data file is an error naming the file, the entry and the field, never a half-loaded
platform. Cross-file rules (a matrix link must name an existing target, memberships must not overlap)
live in :mod:`wsis.reference.checks`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

#: The six official UN languages, by the codes used in the data files.
UN_LANGUAGES: tuple[str, ...] = ("ar", "zh", "en", "fr", "ru", "es")


class Strict(BaseModel):
    """Unknown keys are errors: a misspelt field must not vanish silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Names(Strict):
    """A text in the UN languages; English is required, the others fall back to it when absent."""

    en: str = Field(min_length=1)
    ar: str | None = None
    zh: str | None = None
    fr: str | None = None
    ru: str | None = None
    es: str | None = None

    def get(self, language: str) -> str:
        value = getattr(self, _short_language(language), None)
        return value or self.en

    def complete(self) -> bool:
        return all(getattr(self, lang) for lang in UN_LANGUAGES)


def _short_language(language: str) -> str:
    """``zh-hans`` -> ``zh``; Django's language codes to the data files' codes."""
    return language.split("-")[0].split("_")[0].lower()


#: The UN languages our own English texts (matrix rationales, indicator definitions) are translated into.
TRANSLATION_LANGUAGES: tuple[str, ...] = tuple(lang for lang in UN_LANGUAGES if lang != "en")

#: Translations of one English text of ours, by language; a key outside the five languages is an error.
Translations = dict[Literal["ar", "zh", "fr", "ru", "es"], Annotated[str, Field(min_length=2)]]


class FileHeader(Strict):
    """Every data file says what it is, which version it is, and where its facts come from."""

    title: str
    version: str
    source: str


# --- WSIS action lines -----------------------------------------------------------------------------


class ActionLine(Strict):
    code: str = Field(pattern=r"^C([1-9]|1[01])(\.[a-h])?$")
    name: Names
    # None only for a line split into sub-lines (C7): its sub-lines are the prize categories, and its
    # facilitation is that of its sub-lines. checks.py enforces "no category <=> has sub-lines".
    prize_category: int | None = Field(default=None, ge=1, le=18)
    parent: str | None = None
    lead_facilitators: list[str] = []
    co_facilitators: list[str] = []
    verified: bool = True
    source: str

    @model_validator(mode="after")
    def _sub_line_has_parent(self) -> ActionLine:
        if "." in self.code and self.parent != self.code.split(".")[0]:
            raise ValueError(f"sub-line {self.code} must have parent {self.code.split('.')[0]}")
        return self

    @model_validator(mode="after")
    def _category_line_has_lead(self) -> ActionLine:
        if self.prize_category is not None and not self.lead_facilitators:
            raise ValueError(f"line {self.code} is a prize category and needs at least one lead facilitator")
        return self


class ActionLinesFile(FileHeader):
    lines: list[ActionLine]


# --- SDGs ------------------------------------------------------------------------------------------


class SdgGoal(Strict):
    code: str = Field(pattern=r"^([1-9]|1[0-7])$")
    title: Names


class SdgTarget(Strict):
    code: str = Field(pattern=r"^([1-9]|1[0-7])\.([1-9][0-9]?|[a-z])$")
    title: Names

    @property
    def goal(self) -> str:
        return self.code.split(".")[0]


class SdgIndicator(Strict):
    code: str = Field(pattern=r"^([1-9]|1[0-7])\.([1-9][0-9]?|[a-z])\.[1-9]$")
    title: Names
    series: list[str] = []
    ict: bool = True

    @property
    def target(self) -> str:
        return self.code.rsplit(".", 1)[0]


class SdgFile(FileHeader):
    goals: list[SdgGoal]
    targets: list[SdgTarget]
    indicators: list[SdgIndicator]


# --- WSIS-SDG matrix -------------------------------------------------------------------------------


class MatrixLink(Strict):
    line: str
    target: str
    rationale: str = Field(min_length=10)  # English, the text facilitators review
    facilitator: str
    #: The rationale in the other UN languages (the project's own, pending facilitator review).
    rationale_translations: Translations = {}


class MatrixChange(Strict):
    version: str
    date: dt.date
    summary: str


class MatrixFile(FileHeader):
    #: Who translated the rationales and whether they are reviewed (shown with them).
    translation_note: str | None = None
    changelog: list[MatrixChange] = Field(min_length=1)
    links: list[MatrixLink] = Field(min_length=1)


# --- Economies, regions and groups -----------------------------------------------------------------


class Region(Strict):
    """A UN M49 region, sub-region or intermediate region."""

    m49: str = Field(pattern=r"^[0-9]{3}$")
    level: Literal["region", "subregion", "intermediate"]
    parent: str | None = None
    name: Names | None = None  # None: the name comes from CLDR (Babel)


class Economy(Strict):
    iso3: str = Field(pattern=r"^[A-Z]{3}$")
    iso2: str = Field(pattern=r"^[A-Z]{2}$")
    m49: str = Field(pattern=r"^[0-9]{3}$")
    region: str | None = Field(default=None, pattern=r"^[0-9]{3}$")
    subregion: str | None = Field(default=None, pattern=r"^[0-9]{3}$")
    intermediate_region: str | None = Field(default=None, pattern=r"^[0-9]{3}$")
    names: Names | None = None  # None: names come from CLDR (Babel) by ISO alpha-2
    note: str | None = None


class EconomiesFile(FileHeader):
    regions: list[Region]
    economies: list[Economy]


class Group(Strict):
    code: str = Field(pattern=r"^[A-Z0-9_]{2,12}$")
    name: Names
    kind: Literal["development", "income", "itu_region", "other"]
    list_source: str
    verified: bool = True  # false: defined by a stated rule, not checked against the publisher's list


class Membership(Strict):
    group: str
    economy: str = Field(pattern=r"^[A-Z]{3}$")
    valid_from: dt.date
    valid_to: dt.date | None = None  # exclusive; None while the membership lasts
    source: str
    note: str | None = None

    @model_validator(mode="after")
    def _period_is_forward(self) -> Membership:
        if self.valid_to is not None and self.valid_to <= self.valid_from:
            raise ValueError(f"valid_to {self.valid_to} is not after valid_from {self.valid_from}")
        return self

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


class GroupsFile(FileHeader):
    groups: list[Group]
    memberships: list[Membership]


# --- Indicators and targets ------------------------------------------------------------------------

Disaggregation = Literal[
    "sex",
    "age",
    "urbanisation",
    "income_quintile",
    "education",
    "disability",
    "skill_type",
    "technology",
    "speed_tier",
    "labour_force_status",
]


class Indicator(Strict):
    code: str = Field(min_length=2)
    name: Names
    unit: Literal["percent", "per_100", "number", "usd", "ppp", "percent_gni", "gb_per_sub", "score"]
    population_base: Literal["individuals", "households", "subscriptions", "economy", "none"]
    definition: str = Field(min_length=10)  # English
    #: The definition in the other UN languages (the project's own translations).
    definition_translations: Translations = {}
    custodian: str
    sdg_indicator: str | None = None
    un_series: list[str] = []
    disaggregations: list[Disaggregation] = []
    higher_is_better: bool = True
    source: str


class IndicatorsFile(FileHeader):
    translation_note: str | None = None
    indicators: list[Indicator]


class Target(Strict):
    code: str = Field(pattern=r"^[A-Z0-9][A-Za-z0-9_.-]+$")
    framework: Literal["BBC2025", "SDG", "UMC2030", "CONNECT2030", "A4AI"]
    title: Names
    indicator: str | None = None  # an indicator code of the catalogue; None for qualitative targets
    threshold: float | None = None
    direction: Literal["at_least", "at_most", "parity"]
    base_year: int | None = None
    target_year: int
    group: str  # "WLD" or a group code of groups.yaml, "DEVELOPING", ...
    source: str
    verified: bool

    @field_validator("target_year")
    @classmethod
    def _plausible_year(cls, year: int) -> int:
        if not 2000 <= year <= 2050:
            raise ValueError(f"target year {year} is outside 2000-2050")
        return year


class TargetsFile(FileHeader):
    targets: list[Target]


# --- Crosswalk: DAC sectors and SDG targets to action lines (IATI import) ---------------------------

#: A DAC/CRS purpose code (5 digits) or a DAC category (its first 3 digits).
DAC_CODE = r"^[0-9]{3}([0-9]{2})?$"


class SectorSuggestion(Strict):
    """Action lines an activity classified under a DAC purpose code or category serves, and why."""

    code: str = Field(pattern=DAC_CODE)
    name: str = Field(min_length=3)
    lines: list[str] = Field(min_length=1)
    source: str = Field(min_length=10)


class TargetSuggestion(Strict):
    """Action lines an activity tagged with an SDG target serves (the target's links in the matrix)."""

    code: str = Field(pattern=r"^([1-9]|1[0-7])\.([1-9][0-9]?|[a-z])$")
    lines: list[str] = Field(min_length=1)
    source: str = Field(min_length=10)


class CrosswalkFile(FileHeader):
    """``action_line_crosswalk.yaml``: what suggests action lines for a publisher's IATI activity."""

    sectors: list[SectorSuggestion] = Field(min_length=1)
    targets: list[TargetSuggestion] = Field(min_length=1)
    #: DAC codes that are ICT-related only together with one of ``targets`` (education + SDG 4.4).
    with_ict_tag: list[SectorSuggestion] = []
