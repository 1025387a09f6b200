"""The progress bands of ITU's universal and meaningful connectivity (UMC) 2030 dashboard.

ITU shows each economy's attainment of a UMC target in four bands (Limited, Satisfactory, Advanced,
Target met) and counts a target met from 95 %, not only at 100 %. The bands are data, not constants:
``umc_bands.yaml`` beside the other reference files, validated like them, so that a change of ITU's
cut-offs is an edit of that file.
"""

from __future__ import annotations

import math
from pathlib import Path

from pydantic import Field, field_validator, model_validator

from wsis.reference import loader
from wsis.reference.schema import FileHeader, Names, Strict

#: The bands file, looked for in the same directory as the other reference files.
FILE = "umc_bands.yaml"


class Band(Strict):
    """Scores from ``lower`` (included) to ``upper`` (excluded, except 100 for the top band)."""

    code: str = Field(pattern=r"^[a-z][a-z_]*$")
    name: Names
    lower: float = Field(ge=0, le=100)
    upper: float = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _not_empty(self) -> Band:
        if self.upper <= self.lower:
            raise ValueError(f"upper {self.upper:g} is not above lower {self.lower:g}")
        return self


class BandsFile(FileHeader):
    met_at: float = Field(gt=0, le=100)
    bands: list[Band] = Field(min_length=1)

    @field_validator("bands")
    @classmethod
    def _cover_0_to_100(cls, bands: list[Band]) -> list[Band]:
        # Contiguous and complete, so that every score in [0, 100] lands in exactly one band.
        expected_lower = 0.0
        for i, band in enumerate(bands):
            if band.lower != expected_lower:
                raise ValueError(
                    f"bands[{i}] ({band.code}) starts at {band.lower:g}; expected {expected_lower:g}"
                    " (bands must follow each other from 0 to 100 without gap or overlap)"
                )
            expected_lower = band.upper
        if expected_lower != 100:
            raise ValueError(f"the last band ends at {expected_lower:g}; expected 100")
        return bands

    @model_validator(mode="after")
    def _met_is_the_top_band(self) -> BandsFile:
        if self.bands[-1].lower != self.met_at:
            raise ValueError(
                f"met_at {self.met_at:g} must be where the top band starts ({self.bands[-1].lower:g})"
            )
        return self


def load_bands(directory: Path | None = None) -> BandsFile:
    """Read and validate the bands file; :class:`~wsis.reference.loader.ReferenceDataError` if invalid."""
    problems: list[loader.Problem] = []
    parsed = loader._read((directory or loader.reference_dir()) / FILE, BandsFile, problems)
    if parsed is None:
        raise loader.ReferenceDataError(problems)
    return parsed


def band_for(score: float, bands: BandsFile) -> Band:
    """The band of an attainment score in [0, 100]; anything else is the caller's error."""
    if math.isnan(score) or not 0 <= score <= 100:
        raise ValueError(f"attainment score {score} is outside [0, 100]")
    for band in bands.bands:
        if band.lower <= score < band.upper:
            return band
    return bands.bands[-1]  # score == 100: the top band is closed at 100


def is_met(score: float, bands: BandsFile) -> bool:
    return band_for(score, bands).lower >= bands.met_at
