"""What a published figure is, and how it is kept as JSON in a publication.

* :class:`ReleaseRef` - the warehouse release (vintage) a figure comes from;
* :class:`Computed` - a result of the measurement engine (a group aggregate, a dispersion measure) stored
  as a computation, so a page can name it and anyone can fetch it from ``/api/v1/measure/computations/<id>``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wsis.apps.warehouse.models import Release


@dataclass(frozen=True)
class ReleaseRef:
    """Where a figure was published: the warehouse release (vintage) it belongs to."""

    id: int
    publisher: str
    name: str
    date: dt.date
    synthetic: bool

    def __str__(self) -> str:
        return f"{self.publisher}: {self.name}"

    @classmethod
    def of(cls, release: Release) -> ReleaseRef:
        return cls(release.id, release.publisher, release.name, release.date, release.synthetic)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReleaseRef:
        """From a computation's provenance or a published figure (dates as ISO text)."""
        return cls(
            int(data["id"]),
            str(data["publisher"]),
            str(data["name"]),
            dt.date.fromisoformat(str(data["date"])),
            bool(data.get("synthetic", False)),
        )

    def to_json(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "date": self.date.isoformat()}


@dataclass(frozen=True)
class Computed:
    """A figure the measurement engine computed and stored, with what it rests on."""

    value: float | None
    period: int
    unit: str
    status: str  # "ok", or "refused" / "empty" with ``message`` saying why
    message: str
    computation: int
    methodology: str
    releases: tuple[ReleaseRef, ...]
    imputed_share: float | None = None  # of the group's weight: publisher estimates plus imputed here
    reported_share: float | None = None
    missing_share: float | None = None
    members: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def estimated(self) -> bool:
        """An aggregate is an estimate as soon as part of it is imputed."""
        return bool(self.imputed_share)

    @property
    def synthetic(self) -> bool:
        return any(r.synthetic for r in self.releases)

    def to_json(self) -> dict[str, Any]:
        return {
            **{f.name: getattr(self, f.name) for f in dataclasses.fields(self)},
            "releases": [r.to_json() for r in self.releases],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Computed:
        return cls(**{**data, "releases": tuple(ReleaseRef.from_dict(r) for r in data["releases"])})


def releases_to_json(value: dict[str, Any]) -> dict[str, Any]:
    """A progress assessment as kept: its ``releases`` as plain dicts."""
    return {**value, "releases": [r.to_json() for r in value["releases"]]}


def releases_from_json(value: dict[str, Any]) -> dict[str, Any]:
    return {**value, "releases": tuple(ReleaseRef.from_dict(r) for r in value["releases"])}
