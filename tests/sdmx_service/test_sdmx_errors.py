"""Bad queries answer the SDMX 2.1 REST standard's status codes with a valid SDMX error message."""

from __future__ import annotations

import pytest
import requests

from tests.sdmx_service.conftest import assert_valid
from tests.sdmx_service.test_sdmx_data import GENERIC, KEN_I99H

pytestmark = pytest.mark.django_db

M = {"m": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"}
C = {"c": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"}


@pytest.mark.parametrize(
    ("path", "params", "status", "code", "says"),
    [
        ("data/NOFLOW/all", {}, 404, "100", "No results found"),
        ("data/OTHER,ICT,1.0/all", {}, 404, "100", "No results found"),
        (f"data/ICT/{KEN_I99H}/NOBODY", {}, 404, "100", "provider"),
        ("data/ICT/A.KEN.i99H", {}, 400, "140", "has 3 positions"),
        ("data/ICT/A.ZZZ.i99H._T._T._T._T._T._T._T._T._T", {}, 404, "100", "No results found"),
        ("data/ICT/A.<script>.i99H._T._T._T._T._T._T._T._T._T", {}, 400, "140", "is not a code"),
        ("data/ICT/A.KEN'--.i99H._T._T._T._T._T._T._T._T._T", {}, 400, "140", "is not a code"),
        (f"data/ICT/{KEN_I99H}", {"startPeriod": "20x0"}, 400, "140", "startPeriod"),
        (f"data/ICT/{KEN_I99H}", {"startPeriod": "2020-13"}, 400, "140", "startPeriod"),
        (f"data/ICT/{KEN_I99H}", {"startPeriod": "2021", "endPeriod": "2019"}, 400, "140", "after"),
        (f"data/ICT/{KEN_I99H}", {"lastNObservations": "-1"}, 400, "140", "lastNObservations"),
        (f"data/ICT/{KEN_I99H}", {"updatedAfter": "yesterday"}, 400, "140", "updatedAfter"),
        (f"data/ICT/{KEN_I99H}", {"detail": "everything"}, 400, "140", "detail"),
        (f"data/ICT/{KEN_I99H}", {"dimensionAtObservation": "COLOUR"}, 400, "140", "dimensionAtObservation"),
        (f"data/ICT/{KEN_I99H}", {"release": "999999"}, 404, "100", "release"),
        (f"data/ICT/{KEN_I99H}", {"release": "1 OR 1=1"}, 400, "140", "release"),
        (f"data/ICT/{KEN_I99H}", {"colour": "red"}, 400, "140", "unknown parameter"),
        (f"data/ICT/{KEN_I99H}", {"startPeriod": "2090"}, 404, "100", "No results found"),
        ("dataflow/WSIS/NOPE", {}, 404, "100", "No results found"),
        ("dataflow/WSIS/ICT/9.9", {}, 404, "100", "No results found"),
        ("dataflow/WSIS/ICT", {"references": "cousins"}, 400, "140", "references"),
        ("dataflow/WSIS/ICT", {"detail": "most"}, 400, "140", "detail"),
        ("metadatastructure/WSIS/ALL", {}, 501, "501", "Not implemented"),
        ("nothing/here", {}, 404, "100", "No results found"),
    ],
)
def test_bad_queries_answer_the_standard_error(server, schema, path, params, status, code, says):
    response = requests.get(
        f"{server}/{path}", params=params, headers={"Accept": "application/xml"}, timeout=60
    )
    assert response.status_code == status, response.text[:300]
    document = assert_valid(schema, response.content)
    error = document.find("m:ErrorMessage", M)
    assert error.get("code") == code
    text = error.find("c:Text", C).text
    assert says in text
    assert "<script>" not in response.text


def test_unacceptable_formats_are_406(server, schema):
    for url, accept in (
        (f"{server}/data/ICT/{KEN_I99H}", "application/pdf"),
        (f"{server}/data/ICT/{KEN_I99H}", "application/vnd.sdmx.genericdata+xml;version=3.0.0"),
        (f"{server}/dataflow/WSIS/ICT", "application/vnd.sdmx.data+csv;version=1.0.0"),
    ):
        response = requests.get(url, headers={"Accept": accept}, timeout=60)
        assert response.status_code == 406, (url, accept)
        assert assert_valid(schema, response.content).find("m:ErrorMessage", M).get("code") == "406"
    by_parameter = requests.get(f"{server}/data/ICT/{KEN_I99H}", params={"format": "pdf"}, timeout=60)
    assert by_parameter.status_code == 406


def test_answers_are_cached_per_format(server):
    first = requests.get(f"{server}/data/ICT/{KEN_I99H}", headers={"Accept": GENERIC}, timeout=60)
    again = requests.get(f"{server}/data/ICT/{KEN_I99H}", headers={"Accept": GENERIC}, timeout=60)
    other = requests.get(
        f"{server}/data/ICT/{KEN_I99H}",
        headers={"Accept": "application/vnd.sdmx.data+csv;version=1.0.0"},
        timeout=60,
    )
    assert again.headers["X-Page-Cache"] == "hit"
    assert first.content.split(b"<message:DataSet")[1] == again.content.split(b"<message:DataSet")[1]
    assert other.headers["Content-Type"].startswith("application/vnd.sdmx.data+csv")
