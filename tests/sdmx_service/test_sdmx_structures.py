"""Structure queries: every message validates against the SDMX-ML 2.1 schemas, references and detail."""

from __future__ import annotations

import pytest
import requests

from tests.sdmx_service.conftest import assert_valid

pytestmark = pytest.mark.django_db

STRUCTURE = "application/vnd.sdmx.structure+xml;version=2.1"
NS = {
    "s": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure",
    "c": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common",
    "m": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message",
}


def get(url: str, accept: str = STRUCTURE) -> requests.Response:
    return requests.get(url, headers={"Accept": accept}, timeout=60)


@pytest.mark.parametrize(
    "path",
    [
        "dataflow",
        "dataflow/WSIS/ICT/latest?references=all",
        "dataflow/all/all/all?references=descendants&detail=referencestubs",
        "datastructure/WSIS/ICT_OBS/1.0?references=children",
        "datastructure/WSIS/ICT_OBS?references=parentsandsiblings&detail=allstubs",
        "codelist/WSIS/CL_AREA",
        "codelist/WSIS/all/latest?references=parents",
        "conceptscheme/WSIS/CS_ICT",
        "categoryscheme/WSIS/CAT_WSIS?references=parentsandsiblings",
        "contentconstraint/WSIS/CC_ICT?references=children",
        "dataflow/WSIS/ICT?references=datastructure&detail=referencepartial",
    ],
)
def test_structure_messages_validate(server, schema, path):
    response = get(f"{server}/{path}")
    assert response.status_code == 200, response.text[:500]
    assert response.headers["Content-Type"].startswith("application/vnd.sdmx.structure+xml")
    assert_valid(schema, response.content)


def test_references_follow_the_standard(server, schema):
    def kinds(path: str) -> set[str]:
        document = assert_valid(schema, get(f"{server}/{path}").content)
        structures = document.find("m:Structures", NS)
        return {child.tag.split("}")[1] for child in structures}

    assert kinds("dataflow/WSIS/ICT") == {"Dataflows"}
    assert kinds("dataflow/WSIS/ICT?references=children") == {"Dataflows", "DataStructures"}
    assert kinds("dataflow/WSIS/ICT?references=descendants") == {
        "Dataflows",
        "DataStructures",
        "Codelists",
        "Concepts",
    }
    assert kinds("dataflow/WSIS/ICT?references=parents") == {"Dataflows", "Categorisations", "Constraints"}
    assert kinds("codelist/WSIS/CL_SEX?references=parents") == {"Codelists", "DataStructures"}


def test_code_lists_carry_the_six_languages(server, schema):
    document = assert_valid(schema, get(f"{server}/codelist/WSIS/CL_AREA").content)
    kenya = document.find(".//s:Code[@id='KEN']", NS)
    names = {n.get("{http://www.w3.org/XML/1998/namespace}lang"): n.text for n in kenya.findall("c:Name", NS)}
    assert set(names) == {"en", "fr", "es", "ru", "zh", "ar"}
    assert names["en"] == "Kenya"
    # World Bank group codes the warehouse holds are codes too, and its dotted indicator is escaped.
    assert document.find(".//s:Code[@id='WB_WLD']", NS) is not None
    indicators = assert_valid(schema, get(f"{server}/codelist/WSIS/CL_INDICATOR").content)
    assert indicators.find(".//s:Code[@id='IT@NET@USER@ZS']", NS) is not None


def test_stubs_and_partial_code_lists(server, schema):
    stub = assert_valid(schema, get(f"{server}/codelist/WSIS/CL_AREA?detail=allstubs").content)
    codelist = stub.find(".//s:Codelist", NS)
    assert codelist.get("isExternalReference") == "true"
    assert codelist.find("s:Code", NS) is None
    partial = assert_valid(
        schema, get(f"{server}/dataflow/WSIS/ICT?references=descendants&detail=referencepartial").content
    )
    areas = partial.find(".//s:Codelist[@id='CL_AREA']", NS)
    full = assert_valid(schema, get(f"{server}/codelist/WSIS/CL_AREA").content).find(".//s:Codelist", NS)
    assert 0 < len(areas.findall("s:Code", NS)) < len(full.findall("s:Code", NS))


def test_actual_availability(server, schema):
    document = assert_valid(schema, get(f"{server}/contentconstraint/WSIS/CC_ICT").content)
    constraint = document.find(".//s:ContentConstraint", NS)
    assert constraint.get("type") == "Actual"
    areas = {v.text for v in constraint.findall(".//c:KeyValue[@id='REF_AREA']/c:Value", NS)}
    assert {"KEN", "FRA", "WB_WLD"} <= areas
    sexes = {v.text for v in constraint.findall(".//c:KeyValue[@id='SEX']/c:Value", NS)}
    assert sexes >= {"_T"}
