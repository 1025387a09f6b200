"""Survey designs, named as in R's survey package so that a statistician recognises every option.

A design is only a description (which columns carry strata, clusters, weights and fpc, and which rules
apply). Nothing here touches the data: the estimators aggregate the data once per request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from wsis.engine.survey.calibration import Step
from wsis.engine.survey.errors import SurveyInputError

LonelyPsu = Literal["fail", "remove", "adjust", "adjust-4.1", "average", "certainty"]
# "adjust" follows survey >= 4.4 (a lonely PSU deviates from the grand mean PSU total); "adjust-4.1"
# keeps survey 4.1-1's rule (deviation from zero). docs/survey-conventions.md gives the evidence.
LONELY_PSU_RULES: tuple[str, ...] = ("fail", "remove", "adjust", "adjust-4.1", "average", "certainty")

ReplicateType = Literal["BRR", "Fay", "JK1", "JKn", "bootstrap", "SDR", "other"]
REPLICATE_TYPES: tuple[str, ...] = ("BRR", "Fay", "JK1", "JKn", "bootstrap", "SDR", "other")


@dataclass(frozen=True)
class TaylorDesign:
    """``svydesign(ids=, strata=, weights=, fpc=, nest=)`` with ``options(survey.lonely.psu=)``.

    ``clusters`` lists one column per sampling stage (empty: elements are sampled directly, R's
    ``id=~1``). ``fpc`` lists one column per stage, each either population sizes (all > 1) or sampling
    fractions (all <= 1). Without ``weight``, weights come from the fpc (population / sample size per
    stage) as R does, or are 1. With fpc at every stage of a multi-stage design the later stages add
    their variance (R's default); otherwise the first stage alone is used (the ultimate-cluster
    approximation, R's ``survey.ultimate.cluster``), which is also what ``ultimate_cluster=True`` forces.
    """

    strata: str | None = None
    clusters: tuple[str, ...] = ()
    weight: str | None = None
    fpc: tuple[str, ...] = ()
    nest: bool = False
    lonely_psu: LonelyPsu = "fail"
    ultimate_cluster: bool = False

    def __post_init__(self) -> None:
        if self.lonely_psu not in LONELY_PSU_RULES:
            raise SurveyInputError(f"lonely-PSU rule must be one of {', '.join(LONELY_PSU_RULES)}")
        if self.fpc and self.clusters and len(self.fpc) > len(self.clusters):
            raise SurveyInputError(
                f"{len(self.fpc)} fpc columns for {len(self.clusters)} sampling stages", column=self.fpc[-1]
            )
        if self.fpc and not self.clusters and len(self.fpc) != 1:
            raise SurveyInputError("an element (id=~1) design takes one fpc column", column=self.fpc[-1])

    @property
    def stages(self) -> int:
        """Sampling stages whose variance is computed (1 unless fpc is given at every stage)."""
        if self.ultimate_cluster or len(self.clusters) <= 1 or len(self.fpc) != len(self.clusters):
            return 1
        return len(self.clusters)


@dataclass(frozen=True)
class ReplicateDesign:
    """``svrepdesign(weights=, repweights=, type=, rho=, scale=, rscales=, mse=)`` on a file's own weights.

    ``replicate_weights`` are column names (resolve a regular expression with
    :func:`wsis.engine.survey.replicate.match_replicate_columns`). As in R 4.x, replicate weights are
    combined (already multiplied by the sampling weight) unless ``combined_weights`` is False.
    ``scale`` and ``rscales`` default as in R: BRR 1/R, Fay 1/(R(1-rho)^2), bootstrap 1/(R-1), JK1
    (R-1)/R, SDR 4/R, other 1; rscales 1 (JKn needs them given).
    """

    weight: str | None
    replicate_weights: tuple[str, ...]
    type: ReplicateType
    rho: float | None = None
    scale: float | None = None
    rscales: tuple[float, ...] | float | None = None
    mse: bool = False
    combined_weights: bool = True

    def __post_init__(self) -> None:
        if self.type not in REPLICATE_TYPES:
            raise SurveyInputError(f"replicate type must be one of {', '.join(REPLICATE_TYPES)}")
        if not self.replicate_weights:
            raise SurveyInputError("no replicate-weight columns")
        if self.type == "Fay" and self.rho is None:
            raise SurveyInputError("type Fay needs rho (e.g. --rho 0.5)")
        if self.rho is not None and not 0 <= self.rho < 1:
            raise SurveyInputError(f"rho must be in [0, 1), got {self.rho}")
        if self.type == "JKn" and self.rscales is None:
            raise SurveyInputError("type JKn needs rscales ((n_h-1)/n_h per replicate, or one number)")


@dataclass(frozen=True)
class BuiltReplicates:
    """``as.svrepdesign(design, type=, fay.rho=, mse=)``: replicates built from a Taylor design.

    The replicate factors depend only on the PSU, so they are applied to the PSU totals of the one
    aggregation pass; no replicate-weight columns are ever materialised.
    """

    base: TaylorDesign
    type: ReplicateType
    rho: float = 0.0
    mse: bool = False
    replicates: int | None = None  # bootstrap and SDR only
    seed: int = 20251128  # bootstrap only

    def __post_init__(self) -> None:
        if self.type not in ("BRR", "Fay", "JK1", "JKn", "bootstrap", "SDR"):
            raise SurveyInputError(f"cannot build {self.type} replicates from a design")
        if self.type == "JK1" and self.base.strata:
            raise SurveyInputError("JK1 is for unstratified designs (R: use JKn)", column=self.base.strata)
        if self.type in ("JKn", "BRR", "Fay") and not self.base.strata:
            raise SurveyInputError(f"{self.type} needs strata (R: use JK1 or bootstrap)")
        if not self.base.clusters and self.type in ("BRR", "Fay"):
            raise SurveyInputError(f"{self.type} needs PSUs")


@dataclass(frozen=True)
class CalibratedDesign:
    """A design whose weights are calibrated by ``steps`` in order (R's ``postStratify``, ``rake``,
    ``calibrate``, ``trimWeights`` applied one after the other). Replicate designs are calibrated
    replicate by replicate; Taylor designs carry each step's residualisation into the variance."""

    base: TaylorDesign | ReplicateDesign | BuiltReplicates
    steps: tuple[Step, ...]

    def __post_init__(self) -> None:
        if not self.steps:
            raise SurveyInputError("a calibrated design needs at least one calibration step")
        if isinstance(self.base, CalibratedDesign):
            raise SurveyInputError("calibrate the base design once, with all steps in one list")


Design = TaylorDesign | ReplicateDesign | BuiltReplicates | CalibratedDesign
