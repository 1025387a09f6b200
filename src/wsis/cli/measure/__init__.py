"""Command-line access to the measurement engine, working from files (CSV or Parquet) or the warehouse.

Commands: ``index compute`` / ``index sensitivity`` / ``index structure``, ``aggregate``,
``divides gap`` / ``divides compare`` / ``divides inequality`` / ``divides convergence``, ``progress``
and ``affordability``. Every output carries its provenance (method and version, code version, the input
releases given with ``--release``). Without ``--values`` (``--prices`` for affordability) a command reads
the indicators warehouse and the reference groups in the database instead
(:mod:`wsis.apps.measure.domain`), stores the computation and prints it with its provenance: input
releases, methodology version, code version.

One module per command family, each registered by name in :mod:`wsis.cli` and imported only when used;
:mod:`.options` holds the options they share, :mod:`.output` the printing, :mod:`.files` the reading of
input files.
"""

from __future__ import annotations
