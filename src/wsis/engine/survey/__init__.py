"""Design-based estimation from household-survey microdata, matching R's survey package.

Usage::

    from wsis.engine.survey import open_survey, TaylorDesign, Mean, estimate
    data = open_survey("apistrat.csv")
    design = TaylorDesign(strata="stype", weight="pw", fpc=("fpc",))
    rows = estimate(data, design, Mean("api00"), by=["awards"])

Calibration (``CalibratedDesign(design, (PostStratify(...), Rake(...), Calibrate(...), TrimWeights(...)))``),
quantiles (``svyquantile``), regression (``svyglm``) and tables and tests (``svytable``, ``svychisq``,
``svyttest``) follow R's functions of the same names.

The aggregation runs in DuckDB by default; pass ``PolarsBackend(frame)`` (Polars' SQL engine) or
``SparkBackend(spark_dataframe)`` (``pip install pyspark``, Java 17) instead of ``open_survey(...)`` to
run the same SQL elsewhere. Conventions where programs differ: docs/survey-conventions.md.
"""

from wsis.engine.survey.backend import PolarsBackend, SparkBackend
from wsis.engine.survey.calibrated import CalibratedWeights, calibrated_weights
from wsis.engine.survey.calibration import Calibrate, PopulationTable, PostStratify, Rake, TrimWeights
from wsis.engine.survey.design import BuiltReplicates, CalibratedDesign, ReplicateDesign, TaylorDesign
from wsis.engine.survey.errors import SurveyInputError
from wsis.engine.survey.estimands import AtMost, Mean, Proportion, Ratio, Total
from wsis.engine.survey.estimate import Estimate, estimate
from wsis.engine.survey.glm import Formula, GlmFit, svyglm
from wsis.engine.survey.quantiles import QuantileEstimate, svyquantile
from wsis.engine.survey.readers import SurveyData, open_survey, survey_from_frame
from wsis.engine.survey.reliability import ReliabilityThresholds
from wsis.engine.survey.replicate import match_replicate_columns
from wsis.engine.survey.tables import svychisq, svytable, svyttest

__all__ = [
    "AtMost",
    "BuiltReplicates",
    "Calibrate",
    "CalibratedDesign",
    "CalibratedWeights",
    "Estimate",
    "Formula",
    "GlmFit",
    "Mean",
    "PolarsBackend",
    "PopulationTable",
    "PostStratify",
    "Proportion",
    "QuantileEstimate",
    "Rake",
    "Ratio",
    "ReliabilityThresholds",
    "ReplicateDesign",
    "SparkBackend",
    "SurveyData",
    "SurveyInputError",
    "TaylorDesign",
    "Total",
    "TrimWeights",
    "calibrated_weights",
    "estimate",
    "match_replicate_columns",
    "open_survey",
    "survey_from_frame",
    "svychisq",
    "svyglm",
    "svyquantile",
    "svytable",
    "svyttest",
]
