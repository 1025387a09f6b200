"""wsis.reference.sdg_texts: the official SDG texts from IATI code lists and the UN SDG API."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from wsis.reference import sdg_texts
from wsis.reference.loader import ReferenceDataError
from wsis.reference.schema import SdgFile

FIXTURE = Path(__file__).parent / "fixtures" / "un_sdg_api_goal_list.json"


@pytest.fixture(scope="module")
def codelists(shared: Path) -> Path:
    return shared / "iati" / "codelists"


@pytest.fixture(scope="module")
def official(codelists: Path) -> sdg_texts.OfficialSdg:
    return sdg_texts.load_iati_folder(codelists)


@pytest.fixture()
def lists_copy(codelists: Path, tmp_path: Path) -> Path:
    for name in (sdg_texts.IATI_GOALS, sdg_texts.IATI_TARGETS):
        shutil.copy(codelists / name, tmp_path / name)
    return tmp_path


# --- IATI code lists on the real files ------------------------------------------------------------


def test_iati_lists_give_17_goals_and_169_targets_in_english_and_french(
    official: sdg_texts.OfficialSdg,
) -> None:
    assert list(official.goals) == [str(n) for n in range(1, 18)]
    assert len(official.targets) == 169
    assert all(set(t.titles) == {"en", "fr"} for t in official.targets.values())
    assert all(t.goal in official.goals for t in official.targets.values())
    assert official.goals["9"].title.startswith("Goal 9. ")
    assert official.goals["9"].titles["fr"].startswith("Objectif 9. ")
    # The texts the platform is about: 9.c asks for Internet access in LDCs, 5.b for ICT use by women.
    assert "Internet" in official.targets["9.c"].title and "least developed" in official.targets["9.c"].title
    assert "information and communications technology" in official.targets["5.b"].title
    assert official.indicators == {}  # IATI lists stop at targets


def test_whitespace_inside_narratives_is_collapsed(official: sdg_texts.OfficialSdg) -> None:
    texts = [t for target in official.targets.values() for t in target.titles.values()]
    assert all(t == " ".join(t.split()) for t in texts)


def test_shipped_sdg_yaml_agrees_with_the_iati_lists(official: sdg_texts.OfficialSdg) -> None:
    differences = sdg_texts.compare(official, sdg_texts.shipped_sdg())
    assert differences.same, differences.report()
    assert differences.report().startswith("sdg.yaml agrees with IATI code lists")


def test_compare_names_each_difference(official: sdg_texts.OfficialSdg) -> None:
    ours = sdg_texts.shipped_sdg()
    extra = ours.targets[0].model_copy(update={"code": "1.z"})
    changed = ours.model_copy(
        update={"targets": [t for t in ours.targets if t.code not in ("1.10", "9.c", "16.10")] + [extra]}
    )
    differences = sdg_texts.compare(official, changed)
    assert differences.missing_targets == ["9.c", "16.10"]
    assert differences.unknown_targets == ["1.z"]
    assert not differences.same
    assert "targets missing from sdg.yaml: 9.c, 16.10" in differences.report()
    assert "targets not in the official list: 1.z" in differences.report()


def test_shipped_sdg_problem_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "sdg.yaml").write_text(
        "title: x\nversion: '1'\nsource: y\ngoals: []\ntargets: 3\n", encoding="utf-8"
    )
    with pytest.raises(ReferenceDataError, match="sdg.yaml: header, field 'targets'"):
        sdg_texts.shipped_sdg(tmp_path)


# --- malformed or hostile XML -----------------------------------------------------------------------


def test_truncated_xml_names_file_and_position(lists_copy: Path) -> None:
    path = lists_copy / sdg_texts.IATI_TARGETS
    path.write_text(path.read_text(encoding="utf-8")[:5000], encoding="utf-8")
    with pytest.raises(sdg_texts.SdgTextError) as err:
        sdg_texts.load_iati_folder(lists_copy)
    assert err.value.file == str(path)
    assert err.value.element.startswith("line ")
    assert "not well-formed XML" in err.value.problem


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "UNSDG-Goals.xml"
    bomb.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE codelist [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
        '<codelist name="UNSDG-Goals"><codelist-items><codelist-item><code>1</code>'
        "<name><narrative>&b;</narrative></name></codelist-item></codelist-items></codelist>",
        encoding="utf-8",
    )
    with pytest.raises(sdg_texts.SdgTextError, match=r"UNSDG-Goals.xml: document: forbidden XML construct"):
        sdg_texts.read_iati_codelist(bomb, "UNSDG-Goals")


def _codelist(path: Path, name: str, items: str) -> Path:
    path.write_text(
        f'<codelist name="{name}" xml:lang="en"><codelist-items>{items}</codelist-items></codelist>',
        encoding="utf-8",
    )
    return path


def test_item_without_code_names_the_item(tmp_path: Path) -> None:
    path = _codelist(
        tmp_path / "g.xml",
        "UNSDG-Goals",
        "<codelist-item><code>1</code><name><narrative>One</narrative></name></codelist-item>"
        "<codelist-item><name><narrative>Two</narrative></name></codelist-item>",
    )
    with pytest.raises(sdg_texts.SdgTextError) as err:
        sdg_texts.read_iati_codelist(path, "UNSDG-Goals")
    assert (err.value.element, err.value.problem) == ("codelist-item[2]", "missing or empty <code>")
    assert str(err.value).startswith(str(path))


def test_item_without_english_text_is_refused(tmp_path: Path) -> None:
    path = _codelist(
        tmp_path / "g.xml",
        "UNSDG-Goals",
        '<codelist-item><code>4</code><name><narrative xml:lang="fr">Quatre</narrative></name>'
        "</codelist-item>",
    )
    with pytest.raises(
        sdg_texts.SdgTextError, match=r"codelist-item\[1\] \(code 4\)/name/narrative: no English"
    ):
        sdg_texts.read_iati_codelist(path, "UNSDG-Goals")


def test_duplicate_code_is_refused_and_withdrawn_items_are_left_out(tmp_path: Path) -> None:
    item = "<codelist-item{attr}><code>2</code><name><narrative>Two</narrative></name></codelist-item>"
    path = _codelist(tmp_path / "g.xml", "UNSDG-Goals", item.format(attr="") * 2)
    with pytest.raises(sdg_texts.SdgTextError, match="duplicate code"):
        sdg_texts.read_iati_codelist(path, "UNSDG-Goals")
    path = _codelist(
        tmp_path / "g.xml", "UNSDG-Goals", item.format(attr=' status="withdrawn"') + item.format(attr="")
    )
    assert sdg_texts.read_iati_codelist(path, "UNSDG-Goals") == {"2": {"en": "Two"}}


def test_swapped_files_are_recognised(codelists: Path) -> None:
    with pytest.raises(sdg_texts.SdgTextError, match="name is 'UNSDG-Targets', expected 'UNSDG-Goals'"):
        sdg_texts.load_iati(codelists / sdg_texts.IATI_TARGETS, codelists / sdg_texts.IATI_GOALS)


def test_wrong_root_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_text("<iati-activities/>", encoding="utf-8")
    with pytest.raises(sdg_texts.SdgTextError, match="<iati-activities>: root element must be <codelist>"):
        sdg_texts.read_iati_codelist(path, "UNSDG-Goals")
    with pytest.raises(sdg_texts.SdgTextError, match="nowhere.xml: file: not found"):
        sdg_texts.read_iati_codelist(tmp_path / "nowhere.xml", "UNSDG-Goals")


def test_target_of_an_unknown_goal_is_refused(lists_copy: Path) -> None:
    goals = lists_copy / sdg_texts.IATI_GOALS
    text = goals.read_text(encoding="utf-8")
    start = text.index("<codelist-item>", text.index("<code>17</code>") - 200)
    end = text.index("</codelist-item>", start) + len("</codelist-item>")
    goals.write_text(text[:start] + text[end:], encoding="utf-8")  # goal 17 removed
    with pytest.raises(sdg_texts.SdgTextError, match=r"code 17\.1\): goal 17 is not in UNSDG-Goals.xml"):
        sdg_texts.load_iati_folder(lists_copy)


def test_bad_code_is_refused(tmp_path: Path) -> None:
    goals = _codelist(
        tmp_path / "g.xml",
        "UNSDG-Goals",
        "<codelist-item><code>1</code><name><narrative>One</narrative></name></codelist-item>",
    )
    targets = _codelist(
        tmp_path / "t.xml",
        "UNSDG-Targets",
        "<codelist-item><code>1-1</code><name><narrative>One one</narrative></name></codelist-item>",
    )
    with pytest.raises(sdg_texts.SdgTextError, match="'1-1' is not an SDG target code"):
        sdg_texts.load_iati(goals, targets)


# --- UN SDG API JSON ----------------------------------------------------------------------------------


def test_un_api_answer_gives_goals_targets_indicators_and_series() -> None:
    api = sdg_texts.load_un_api(FIXTURE)
    assert list(api.goals) == ["5", "9", "17"]
    assert list(api.targets) == ["5.b", "9.1", "9.c", "17.8", "17.10"]
    assert api.targets["9.1"].indicators == ("9.1.1", "9.1.2")
    assert api.targets["17.10"].indicators == ()
    assert api.indicators["9.c.1"].series == (
        "IT_MOB_2GNTWK",
        "IT_MOB_3GNTWK",
        "IT_MOB_4GNTWK",
        "IT_MOB_5GNTWK",
    )
    assert api.indicators["9.c.1"].title == "Fixture text for indicator 9.c.1"
    assert api.indicators["17.8.1"].target == "17.8"
    assert api.goals["17"].title == "Fixture text for goal 17"


def test_compare_with_un_api_reports_indicators_and_series() -> None:
    differences = sdg_texts.compare(sdg_texts.load_un_api(FIXTURE), sdg_texts.shipped_sdg())
    assert differences.unknown_goals[:3] == ["1", "2", "3"] and len(differences.unknown_goals) == 14
    assert differences.missing_targets == []
    assert len(differences.unknown_targets) == 169 - 5
    # sdg.yaml has indicators the small answer lacks, and the older 9.c.1 series the answer dropped.
    assert differences.unknown_indicators == ["4.4.1", "4.a.1", "8.10.2", "17.6.1"]
    assert differences.unknown_series == ["9.c.1: IT_MOB_NTWK"]


def _api_error(tmp_path: Path, data: object) -> sdg_texts.SdgTextError:
    path = tmp_path / "goals.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(sdg_texts.SdgTextError) as err:
        sdg_texts.load_un_api(path)
    assert err.value.file == str(path)
    return err.value


def test_un_api_errors_name_the_element(tmp_path: Path) -> None:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    del data[1]["targets"][1]["title"]
    err = _api_error(tmp_path, data)
    assert (err.element, err.problem) == (
        "goals[1].targets[1]",
        "'title' must be a non-empty string, got None",
    )

    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    data[2]["targets"][0]["code"] = "9.8"
    err = _api_error(tmp_path, data)
    assert (err.element, err.problem) == ("goals[2].targets[0] (target 9.8)", "listed under goal 17")

    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    data[1]["targets"][0]["indicators"][1]["code"] = "9.1.1"
    err = _api_error(tmp_path, data)
    assert err.element == "goals[1].targets[0].indicators[1] (9.1.1)" and err.problem == "duplicate code"

    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    data[0]["targets"] = {"5.b": {}}
    err = _api_error(tmp_path, data)
    assert err.element == "goals[0]" and err.problem.startswith("'targets' must be a list")

    err = _api_error(tmp_path, {"goals": []})
    assert (err.element, err.problem) == ("document", "expected a JSON list of goals")


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "goals.json"
    path.write_text('[\n  {"code": "1",\n  "title": }\n]', encoding="utf-8")
    with pytest.raises(sdg_texts.SdgTextError, match=r"goals.json: line 3, column 12: not valid JSON"):
        sdg_texts.load_un_api(path)


def test_compare_ignores_texts(official: sdg_texts.OfficialSdg) -> None:
    ours = sdg_texts.shipped_sdg()
    retitled = SdgFile.model_validate(
        ours.model_dump()
        | {"targets": [t.model_dump() | {"title": {"en": "anything"}} for t in ours.targets]}
    )
    assert sdg_texts.compare(official, retitled).same
