"""Measurement: group aggregates, digital divides, progress towards targets, affordability, composite indices.

Everything here works on dataframes in one *tidy* shape (see :mod:`wsis.engine.measure.tidy`) and knows
nothing of where they came from: the warehouse, a CSV a ministry sends, or a test. Each result carries a
:class:`~wsis.engine.measure.provenance.Provenance` so that a stored figure can always be reproduced.
"""
