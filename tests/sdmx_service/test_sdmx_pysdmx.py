"""pysdmx reads the service: the structures from their SDMX-ML 2.1 message, and a data query (generic
and SDMX-CSV) into pandas with the warehouse's values."""

from __future__ import annotations

import pytest

from tests.sdmx_service.test_sdmx_data import KEN_I99H, warehouse

pytestmark = pytest.mark.django_db


def test_pysdmx_reads_the_structures(server):
    from pysdmx.io import read_sdmx

    message = read_sdmx(f"{server}/dataflow/WSIS/ICT/1.0?references=descendants")
    (flow,) = message.get_dataflows()
    assert flow.id == "ICT" and flow.agency == "WSIS"
    (structure,) = message.get_data_structure_definitions()
    dimensions = [c.id for c in structure.components.dimensions]
    assert dimensions[:3] == ["FREQ", "REF_AREA", "INDICATOR"] and dimensions[-1] == "TIME_PERIOD"
    areas = {c.id: c.name for c in message.get_codelist("Codelist=WSIS:CL_AREA(1.0)").codes}
    assert areas["KEN"] == "Kenya"


@pytest.mark.parametrize("fmt", ["genericdata", "csv"])
def test_pysdmx_reads_data_into_pandas(server, fmt):
    from pysdmx.io import get_datasets

    (dataset,) = get_datasets(
        f"{server}/data/ICT/{KEN_I99H}?format={fmt}",
        f"{server}/dataflow/WSIS/ICT/1.0?references=descendants",
    )
    frame = dataset.data
    values = dict(zip(frame["TIME_PERIOD"].astype(str), frame["OBS_VALUE"].astype(float), strict=True))
    assert values == warehouse("i99H", "KEN")
    assert set(frame["REF_AREA"]) == {"KEN"}
