"""Real publishers' SDMX messages (ECB, Eurostat, INSEE, ISTAT, OECD, StatCan) into the warehouse.

Each data message imports through ``import_release`` (and ``wsis import``) with values checked against
three taken from the file, or is refused with one short line naming the file and the reason. The
publishers' structure messages are used where the shared folder has them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.warehouse.conftest import counts
from wsis.apps.warehouse.domain.importing import ImportRefused, import_release
from wsis.apps.warehouse.models import Observation
from wsis.cli import main
from wsis.engine.readers import ReadError, SdmxOptions, read

ECB = "ECB_sdmx-dl-format-xml_src_test_resources_tests_sdmxdl_format_xml_"
ECB_STRUCTURE = ECB + "ecb_EcbDataStructure.xml"


@pytest.fixture()
def publishers(shared: Path) -> Path:
    return shared / "sdmx/publishers"


def _options(folder: Path, structure: str | None = None, **kwargs: object) -> SdmxOptions:
    return SdmxOptions(structure=folder / structure if structure else None, **kwargs)  # type: ignore[arg-type]


# file, structure (or None), other options, observations, excluded, three (indicator, area, period,
# sex, value) taken from the file
CASES = [
    (
        ECB + "other_sdmx-GenericData21.xml",
        ECB_STRUCTURE,
        {},
        57,
        0,
        [
            ("1.0.0.0.OVGD", "BEL", "1960", "_T", 92.0142),
            ("1.0.0.0.OVGD", "BEL", "1961", "_T", 96.591),
            ("1.0.0.0.OVGD", "BEL", "1962", "_T", 101.5959),
        ],
    ),
    (
        ECB + "other_sdmx-compactData21.xml",
        ECB_STRUCTURE,
        {},
        57,
        0,
        [
            ("1.0.0.0.OVGD", "BEL", "1960", "_T", 92.0142),
            ("1.0.0.0.OVGD", "BEL", "1961", "_T", 96.591),
            ("1.0.0.0.OVGD", "BEL", "1962", "_T", 101.5959),
        ],
    ),
    (
        ECB + "ecb_EcbDataKeys.xml",
        ECB_STRUCTURE,
        {},
        25,
        0,
        [
            ("1.0.319.0.UBLGE", "DEU", "1991", "_T", -2.8574221),
            ("1.0.319.0.UBLGE", "DEU", "1992", "_T", -2.4466149),
            ("1.0.319.0.UBLGE", "DEU", "1993", "_T", -2.9742472),
        ],
    ),
    (
        "ESTAT_demography-xs.xml",
        "ESTAT_demography-structure.xml",
        {},
        55,
        5,
        [
            ("LEXPNSIT", "BEL", "2007", "F", 83.3),
            ("LBIRTHST", "BEL", "2007", "F", 60614.0),
            ("DEATHST", "BEL", "2007", "F", 50854.0),
        ],
    ),
    (
        "INSEE_IPI-2010-A21.xml",
        "INSEE_IPI-2010-A21-structure.xml",
        {},
        3230,
        0,
        [
            ("B.BRUT", "INSEE_FM", "2015-10", "_T", 105.61),
            ("B.BRUT", "INSEE_FM", "2015-09", "_T", 106.06),
            ("B.BRUT", "INSEE_FM", "2015-08", "_T", 71.25),
        ],
    ),
    (
        # No structure message: REF_AREA is a series attribute, IDBANK the one dimension; UNIT_MULT=3.
        "INSEE_bug-series-freq-data.xml",
        None,
        {},
        756,
        0,
        [
            ("001572432", "INSEE_FM", "2016-11", "_T", 3548500.0),
            ("001572432", "INSEE_FM", "2016-10", "_T", 3527400.0),
            ("001572432", "INSEE_FM", "2016-09", "_T", 3466800.0),
        ],
    ),
    (
        "ISTAT_recorded_b1957b05ba522041.xml",
        "ISTAT_recorded_2556f1775294929a.xml",
        {},
        22,
        0,
        [
            ("AUTP.ALL.ALL.1", "ISTAT_001001", "2013", "_T", 0.0),
            ("AUTP.ALL.ALL.1", "ISTAT_001001", "2014", "_T", 20.0),
            ("AUTP.ALL.ALL.1", "ISTAT_001001", "2015", "_T", 20.0),
        ],
    ),
    (
        # SDMX-JSON with no time dimension: the period is given.
        "OECD_data-PART2-all-all.json",
        None,
        {"indicator": ("IND", "PER", "GRD", "FLD", "MSR"), "period": "2016"},
        7,
        0,
        [
            ("5CLAT.INI.FOG.MAT.MN", "AUS", "2016", "_T", 11.963615756565),
            ("5CLAT.CHG.FOG.MAT.MN", "HUN", "2016", "_T", -2.13889095389401),
            ("5CLAT.INI.FOG.MAT.SE", "HUN", "2016", "_T", 0.840296698679152),
        ],
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "structure", "extra", "observations", "excluded", "values"), CASES)
def test_each_data_message_imports_with_the_files_values(
    publishers: Path,
    name: str,
    structure: str | None,
    extra: dict,
    observations: int,
    excluded: int,
    values: list[tuple],
) -> None:
    options = _options(publishers, structure, **extra)
    report = import_release([publishers / name], name=name, publisher="test", sdmx_options=options)
    assert report.written == observations == Observation.objects.count()
    assert len(report.files[0].exclusions) == excluded
    for indicator, area, period, sex, value in values:
        stored = Observation.objects.get(indicator=indicator, area=area, period=period, sex=sex)
        assert stored.value == pytest.approx(value, rel=1e-12)
    again = import_release([publishers / name], name=name, publisher="test", sdmx_options=options)
    assert again.written == 0 and again.unchanged == observations


@pytest.mark.django_db
def test_areas_that_are_not_economies_keep_the_publishers_prefix(publishers: Path) -> None:
    import_release(
        [publishers / "OECD_data-PART2-all-all.json"],
        name="oecd",
        publisher="OECD",
        sdmx_options=SdmxOptions(indicator=("IND", "PER", "GRD", "FLD", "MSR"), period="2016"),
    )
    kinds = dict(Observation.objects.values_list("area", "area_kind").distinct())
    assert kinds["OECD_OME"] == "group" and kinds["AUS"] == "economy"
    # INSEE's FM is metropolitan France, while ISO 3166 FM is Micronesia: never taken for an economy.
    import_release([publishers / "INSEE_bug-series-freq-data.xml"], name="insee", publisher="INSEE")
    assert not Observation.objects.filter(area="FSM").exists()
    assert set(Observation.objects.filter(area="INSEE_FM").values_list("area_kind", flat=True)) == {"group"}


def test_eurostat_codes_are_economies_only_when_the_code_list_names_them(publishers: Path) -> None:
    data = publishers / "ESTAT_demography-xs.xml"
    named = read(data, sdmx_options=_options(publishers, "ESTAT_demography-structure.xml"))
    assert set(named.frame["area"]) == {"BEL", "GRC"}  # EL is Greece by its code list's name
    unnamed = read(data, sdmx_options=SdmxOptions(indicator=("DEMO",)))
    assert set(unnamed.frame["area"]) == {"ESTAT_BE", "ESTAT_EL"}
    assert any("2-letter area codes" in p.message for p in unnamed.warnings)


@pytest.mark.parametrize(
    ("name", "options", "reason"),
    [
        ("ESTAT_footer.xml", {}, "holds no data set; the publisher's footer says: code 413"),
        (
            "StatCan_sdmx-dl-format-xml_src_test_resources_internal_sdmxdl_format_xml_10100139_187.xml",
            {},
            "holds no observations",
        ),
        ("INSEE_dataflow.xml", {}, "an SDMX structure message, not data"),
        (ECB_STRUCTURE, {}, "an SDMX structure message, not data"),
        (
            ECB + "other_sdmx-compactData21.xml",
            {},
            "cannot tell which dimension(s) make the indicator (dimensions found: TIME_PERIOD, FREQ, "
            "AME_REF_AREA",
        ),
        ("OECD_data-PART2-all-all.json", {}, "no time dimension (TIME_PERIOD)"),
        (
            "ESTAT_demography-xs.xml",
            {"indicator": ("DEMO",), "area": "SEX"},
            "dimension COUNTRY takes 2 values (BE, EL) and has no place in the warehouse",
        ),
        ("ESTAT_demography-xs.xml", {"area": "GEO"}, "no component GEO in this message"),
        (
            ECB + "other_sdmx-GenericData21.xml",
            {"indicator": ("AME_ITEM", "TITLE_COMPL")},
            "is longer than the 60 characters the warehouse holds (name fewer dimensions",
        ),
    ],
)
def test_refusals_are_one_short_line(publishers: Path, name: str, options: dict, reason: str) -> None:
    with pytest.raises(ReadError) as caught:
        read(publishers / name, sdmx_options=SdmxOptions(**options) if options else None)
    message = str(caught.value)
    assert reason in message and name in message
    assert "\n" not in message and "<" not in message and len(message) < 700


@pytest.mark.django_db
def test_wsis_import_with_structure_and_with_named_dimensions(publishers: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    data = publishers / (ECB + "other_sdmx-compactData21.xml")
    refused = runner.invoke(main, ["import", str(data), "--no-refresh"])
    assert refused.exit_code == 1 and "--sdmx-indicator" in refused.output
    assert "<" not in refused.output and counts()["Observation"] == 0
    named = runner.invoke(
        main,
        ["import", str(data), "--sdmx-indicator", "AME_ITEM", "--release", "ameco", "--no-refresh"],
    )
    assert named.exit_code == 0, named.output
    assert "57 observations written" in named.output
    assert Observation.objects.get(indicator="OVGD", area="BEL", period="1960").value == 92.0142
    structured = runner.invoke(
        main,
        [
            "import",
            str(publishers / "ESTAT_demography-xs.xml"),
            "--sdmx-structure",
            str(publishers / "ESTAT_demography-structure.xml"),
            "--release",
            "demo",
            "--no-refresh",
        ],
    )
    assert structured.exit_code == 0, structured.output
    assert "55 observations written" in structured.output and "excluded 5: no value" in structured.output
    # The same settings from a mapping file; options on the command line win over it.
    mapping = tmp_path / "ameco.yaml"
    mapping.write_text(f"sdmx:\n  structure: {publishers / ECB_STRUCTURE}\n  indicator: [AME_ITEM]\n")
    generic = publishers / (ECB + "other_sdmx-GenericData21.xml")
    mapped = runner.invoke(
        main, ["import", str(generic), "--sdmx-mapping", str(mapping), "--release", "m", "--no-refresh"]
    )
    assert mapped.exit_code == 0 and "57 observations written" in mapped.output, mapped.output
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("areas: geo\n")
    refused_mapping = runner.invoke(
        main, ["import", str(generic), "--sdmx-mapping", str(wrong), "--no-refresh"]
    )
    assert refused_mapping.exit_code == 2 and "unknown key(s) areas" in refused_mapping.output
    bad = runner.invoke(main, ["import", str(data), "--sdmx-dimension", "AME_UNIT=colour", "--no-refresh"])
    assert bad.exit_code == 2 and "unknown disaggregation(s) colour" in bad.output


HOSTILE = {
    "xxe.xml": '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    '<message:GenericData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message">'
    "&x;</message:GenericData>",
    "laughs.xml": '<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;'
    '&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n'
    '<message:GenericData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message">'
    "&c;</message:GenericData>",
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", [*HOSTILE, "huge.xml", "huge.json"])
def test_hostile_messages_are_refused_with_nothing_stored(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name in HOSTILE:
        path.write_text(HOSTILE[name], encoding="utf-8")
    else:
        # 100 MB of blanks after a valid start: refused from its size, before any parsing.
        with path.open("wb") as handle:
            handle.write(
                b'<?xml version="1.0"?><message:GenericData xmlns:message="sdmx">'
                if name.endswith("xml")
                else b'{"dataSets": ['
            )
            for _ in range(100):
                handle.write(b" " * 1024 * 1024)
    before = counts()
    with pytest.raises(ImportRefused) as caught:
        import_release([path], name="hostile", date=dt.date(2026, 1, 1), sdmx_options=SdmxOptions())
    assert counts() == before
    message = str(caught.value.problems[0])
    assert "refused" in message and "\n" not in message


GENERIC = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic}"


def test_unit_mult_scales_every_value_by_its_series_power_of_ten(publishers: Path) -> None:
    # INSEE gives job-seeker counts in thousands (UNIT_MULT=3 on each series): every stored value is the
    # file's ObsValue times 10**UNIT_MULT, computed here from the file itself.
    from lxml import etree

    name = "INSEE_bug-series-freq-data.xml"
    expected, powers = {}, set()
    for series in etree.parse(str(publishers / name)).iter(f"{GENERIC}Series"):
        key = series.find(f"{GENERIC}SeriesKey/{GENERIC}Value").get("value")
        attributes = {
            v.get("id"): v.get("value") for v in series.findall(f"{GENERIC}Attributes/{GENERIC}Value")
        }
        power = int(attributes["UNIT_MULT"])
        powers.add(power)
        for obs in series.iter(f"{GENERIC}Obs"):
            period = obs.find(f"{GENERIC}ObsDimension").get("value")
            expected[(key, period)] = float(obs.find(f"{GENERIC}ObsValue").get("value")) * 10**power
    assert powers == {3} and len(expected) == 756
    frame = read(publishers / name).frame
    got = {(row["indicator"], row["period"]): row["value"] for row in frame.iter_rows(named=True)}
    assert got.keys() == expected.keys()
    assert all(got[k] == pytest.approx(v, rel=1e-12) for k, v in expected.items())
    assert got[("001572432", "2016-11")] == pytest.approx(3548.5 * 1000)


@pytest.mark.django_db
def test_wsis_import_with_named_area_indicator_and_period(publishers: Path) -> None:
    # The OECD's SDMX-JSON has no structure message and no time dimension: every role is named.
    out = CliRunner().invoke(
        main,
        [
            "import",
            str(publishers / "OECD_data-PART2-all-all.json"),
            "--sdmx-area",
            "LOCATION",
            "--sdmx-indicator",
            "IND,PER,GRD,FLD,MSR",
            "--sdmx-period",
            "2016",
            "--release",
            "oecd",
            "--no-refresh",
        ],
    )
    assert out.exit_code == 0, out.output
    assert "7 observations written" in out.output
    for indicator, area, value in [
        ("5CLAT.INI.FOG.MAT.MN", "AUS", 11.963615756565),
        ("5CLAT.CHG.FOG.MAT.MN", "HUN", -2.13889095389401),
        ("5CLAT.INI.FOG.MAT.SE", "HUN", 0.840296698679152),
    ]:
        stored = Observation.objects.get(indicator=indicator, area=area, period="2016")
        assert stored.value == pytest.approx(value, rel=1e-12)
    wrong = CliRunner().invoke(
        main,
        ["import", str(publishers / "OECD_data-PART2-all-all.json"), "--sdmx-area", "COU", "--no-refresh"],
    )
    assert wrong.exit_code == 1 and "no component COU in this message" in wrong.output
    # One line naming the file, the element and the reason; nothing of the JSON echoed.
    problem, summary = wrong.output.strip().splitlines()
    assert problem.startswith("error: ") and "OECD_data-PART2-all-all.json: no component COU" in problem
    assert "nothing was written" in summary and "{" not in wrong.output


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("bomb.zip", "unknown format"),
        ("bomb.xml", "binary content"),  # a zipped message under an SDMX name
    ],
)
def test_a_zip_bomb_is_refused_unopened_with_nothing_stored(tmp_path: Path, name: str, reason: str) -> None:
    import io
    import time
    import zipfile

    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.xml", "<message:GenericData>" + "0" * (100 * 2**20) + "</message:GenericData>")
    path = tmp_path / name
    path.write_bytes(packed.getvalue())
    before = counts()
    started = time.monotonic()
    with pytest.raises(ImportRefused) as caught:
        import_release([path], name="bomb", date=dt.date(2026, 1, 1), sdmx_options=SdmxOptions())
    assert time.monotonic() - started < 5
    assert counts() == before
    message = str(caught.value.problems[0])
    assert reason in message and name in message and "\n" not in message
