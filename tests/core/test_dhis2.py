"""DHIS2 exchange: the dataValueSets JSON shape, ADX's namespace and attributes, the
mapping file as the only place DHIS2 identifiers live, and the command's contract."""

import json
import xml.etree.ElementTree as ET
from datetime import date, datetime

import pytest
from click.testing import CliRunner

from qnapp import dhis2
from qnapp.catalog import load_catalog
from qnapp.cli import main
from qnapp.dhis2 import (
    ADX_NAMESPACE,
    DEFAULT_COC,
    Dhis2MappingError,
    adx_document,
    data_value_set,
    dhis2_period_bounds,
    format_value,
    is_uid,
    load_mapping,
    placeholder_uid,
    prepare_export,
)
from qnapp.text import VN_TZ
from qnapp.units import load_trees
from qnapp.workspace import Workspace

NS = "{" + ADX_NAMESPACE + "}"
UNIT = "2021:06862"  # Thị trấn Tiên Yên (conftest's commune)
EXPORTED = datetime(2025, 6, 20, 9, 30, tzinfo=VN_TZ)
# What DHIS2's dataValueSets resource reads (Web API «Sending data values»).
SET_KEYS = {"dataSet", "completeDate", "period", "orgUnit", "attributeOptionCombo", "orgUnitIdScheme",
            "dataValues"}
VALUE_KEYS = {"dataElement", "categoryOptionCombo", "attributeOptionCombo", "period", "orgUnit", "value",
              "comment"}


def real_uid(tag: str) -> str:
    """A valid, non-placeholder UID for a test mapping."""
    return ("Ab" + tag + "0" * 9)[:11]


@pytest.fixture
def shipped():
    return load_mapping()


@pytest.fixture
def raw_mapping():
    return json.loads(dhis2.default_mapping_path().read_text(encoding="utf-8"))


@pytest.fixture
def write_mapping(tmp_path):
    def write(raw, name="tinh.json"):
        path = tmp_path / name
        path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
        return path

    return write


@pytest.fixture
def filled(workspace):
    """Half-year figures with a sex split, a plain count, quarterly items, a yearly stock."""
    workspace.apply_values({
        ("2025S1", "GBV_VICTIMS", "nam"): 1.0,
        ("2025S1", "GBV_VICTIMS", "nu"): 6.0,
        ("2025S1", "MATERNAL_DEATHS", ""): 0.0,
        ("2025S1", "BIRTHS_MOTHERS_15_19", ""): 2.0,
        ("2025Q1", "GE_NEWS_ITEMS", ""): 4.0,
        ("2025Q2", "GE_NEWS_ITEMS", ""): 5.0,
        ("2025", "WOMEN_15_19", ""): 405.0,
    })
    return workspace


def values_by(doc, mapping, code):
    uid = mapping.data_elements[code].data_element
    return {v["categoryOptionCombo"]: v["value"] for v in doc["dataValues"] if v["dataElement"] == uid}


# -- identifiers and the shipped mapping ---------------------------------------------------


def test_placeholder_uids_follow_dhis2_rules_and_are_stable():
    uid = placeholder_uid("dataElement", "GBV_VICTIMS")
    assert uid == placeholder_uid("dataElement", "GBV_VICTIMS") and is_uid(uid)
    assert len(uid) == 11 and uid[0].isalpha() and uid.isalnum() and uid.isascii()
    assert uid.startswith("PH")
    assert placeholder_uid("dataElement", "GBV_VICTIMS_SUPPORTED") != uid
    assert placeholder_uid("orgUnit", "GBV_VICTIMS") != uid
    assert is_uid(DEFAULT_COC)
    for bad in ("1bcdefghijk", "abcdefghij", "abcdefghijkl", "abc-efghijk", "ắbcdefghijk", None, 12345678901):
        assert not is_uid(bad)


def test_shipped_mapping_covers_every_element_and_unit(shipped):
    assert set(shipped.data_elements) == {e.code for e in load_catalog().data_elements}
    assert all(m is not None and is_uid(m.data_element) for m in shipped.data_elements.values())
    assert set(shipped.org_units) == {u.key for t in load_trees().values() for u in t.units}
    assert all(is_uid(u) for u in shipped.org_units.values())
    assert set(shipped.data_sets) == {"year", "half", "quarter", "month"}
    assert shipped.categories["total"].category_option_combo == DEFAULT_COC
    assert shipped.categories["unknown"] is None
    assert shipped.adx_category == "SEX"
    assert (shipped.categories["nam"].adx_option, shipped.categories["nu"].adx_option) == ("nam", "nu")
    # the file documents itself
    raw = json.loads(dhis2.default_mapping_path().read_text(encoding="utf-8"))
    assert raw["_doc"] and raw["data_elements"]["_doc"] and raw["periods"]["_doc"]
    assert (dhis2.default_mapping_path().parent / "README.md").is_file()


@pytest.mark.parametrize("period_id, start, duration", [
    ("2025", date(2025, 1, 1), "P1Y"),
    ("2025S1", date(2025, 1, 1), "P6M"),
    ("2025S2", date(2025, 7, 1), "P6M"),
    ("2025Q3", date(2025, 7, 1), "P3M"),
    ("202512", date(2025, 12, 1), "P1M"),
    ("2025AprilS2", date(2025, 10, 1), "P6M"),
    ("2025NovS1", date(2024, 11, 1), "P6M"),  # SixMonthlyNov: Nov of the year before
    ("2025NovS2", date(2025, 5, 1), "P6M"),
    ("2025Nov", date(2024, 11, 1), "P1Y"),
    ("2025July", date(2025, 7, 1), "P1Y"),
])
def test_dhis2_period_ids(period_id, start, duration):
    assert dhis2_period_bounds(period_id) == (start, duration)


@pytest.mark.parametrize("bad", ["2025S3", "2025W1", "25", "2025-01", ""])
def test_unsupported_dhis2_period_ids(bad):
    with pytest.raises(ValueError):
        dhis2_period_bounds(bad)


@pytest.mark.parametrize("value, boolean, text", [
    (12.0, False, "12"), (0.0, False, "0"), (12.5, False, "12.5"), (0.1 + 0.2, False, "0.3"),
    (1e-05, False, "0.00001"), (1234567.0, False, "1234567"), (1.0, True, "1"), (0.0, True, "0"),
])
def test_values_are_plain_strings(value, boolean, text):
    assert format_value(value, boolean=boolean) == text


# -- dataValueSets JSON -----------------------------------------------------------------------


def test_json_has_the_data_value_sets_shape(filled, shipped):
    doc = data_value_set(filled, "2025S1", shipped)
    json.dumps(doc)  # plain JSON types only
    assert set(doc) <= SET_KEYS and {"period", "orgUnit", "dataValues"} <= set(doc)
    assert list(doc)[:3] == ["dataSet", "period", "orgUnit"]
    assert doc["dataSet"] == shipped.data_sets["half"]
    assert doc["period"] == "2025S1"
    assert doc["orgUnit"] == shipped.org_units[UNIT]
    assert "completeDate" not in doc and "orgUnitIdScheme" not in doc
    for value in doc["dataValues"]:
        assert set(value) <= VALUE_KEYS and {"dataElement", "categoryOptionCombo", "value"} <= set(value)
        assert isinstance(value["value"], str)
        assert is_uid(value["dataElement"]) and is_uid(value["categoryOptionCombo"])
    nam, nu = shipped.categories["nam"].category_option_combo, shipped.categories["nu"].category_option_combo
    assert values_by(doc, shipped, "GBV_VICTIMS") == {nam: "1", nu: "6"}
    assert values_by(doc, shipped, "MATERNAL_DEATHS") == {DEFAULT_COC: "0"}
    # quarterly items are summed into the half-year; the yearly stock is the year's
    assert values_by(doc, shipped, "GE_NEWS_ITEMS") == {DEFAULT_COC: "9"}
    assert values_by(doc, shipped, "WOMEN_15_19") == {}
    # catalog order, then nam before nu
    codes = [c for c in (e.code for e in filled.catalog.data_elements)
             if values_by(doc, shipped, c)]
    order = {shipped.data_elements[c].data_element: i for i, c in enumerate(codes)}
    keys = [(order[v["dataElement"]], v["categoryOptionCombo"] != nam) for v in doc["dataValues"]]
    assert keys == sorted(keys)
    assert data_value_set(filled, "2025S1", shipped) == doc  # deterministic


def test_json_for_the_year_and_complete_date(filled, shipped):
    doc = data_value_set(filled, "2025", shipped, complete_date=date(2025, 12, 8))
    assert doc["period"] == "2025" and doc["dataSet"] == shipped.data_sets["year"]
    assert doc["completeDate"] == "2025-12-08"
    assert values_by(doc, shipped, "WOMEN_15_19") == {DEFAULT_COC: "405"}
    assert values_by(doc, shipped, "GE_NEWS_ITEMS") == {DEFAULT_COC: "9"}


def test_empty_period_is_a_valid_document(workspace, shipped):
    doc = data_value_set(workspace, "2023", shipped)
    assert doc["dataValues"] == [] and doc["period"] == "2023"


def test_export_uses_the_workspace_period_values(workspace, shipped, monkeypatch):
    """A parent's consolidated values come through ``period_values``, whatever it holds."""
    monkeypatch.setattr(workspace, "period_values", lambda period_id: {
        ("GBV_VICTIMS", "nam"): 12.0, ("GBV_VICTIMS", "nu"): 40.0, ("MATERNAL_DEATHS", ""): 1.0})
    doc = data_value_set(workspace, "2025S1", shipped)
    assert sorted(v["value"] for v in doc["dataValues"]) == ["1", "12", "40"]


def test_stored_total_sends_only_the_unknown_sex_remainder(workspace, shipped, raw_mapping):
    workspace.apply_values({
        ("2025S1", "GBV_VICTIMS", "nam"): 1.0, ("2025S1", "GBV_VICTIMS", "nu"): 2.0,
        ("2025S1", "GBV_VICTIMS", ""): 5.0,
        ("2025S1", "LIVE_BIRTHS", "nam"): 3.0, ("2025S1", "LIVE_BIRTHS", "nu"): 4.0,
        ("2025S1", "LIVE_BIRTHS", ""): 7.0,
    })
    export = prepare_export(workspace, "2025S1", shipped)
    assert [(s.element, s.category) for s in export.skipped] == [("GBV_VICTIMS", "unknown")]
    assert "2 trường hợp chưa rõ giới tính" in export.warnings[0]
    assert {v.category for v in export.values} == {"nam", "nu"}  # a total is never sent as such

    raw_mapping["categories"]["unknown"] = {"categoryOptionCombo": real_uid("unk"), "adx": "khong_ro"}
    mapping = dhis2.parse_mapping(raw_mapping)
    doc = data_value_set(workspace, "2025S1", mapping)
    assert values_by(doc, mapping, "GBV_VICTIMS")[real_uid("unk")] == "2"
    assert real_uid("unk") not in values_by(doc, mapping, "LIVE_BIRTHS")
    root = ET.fromstring(adx_document(workspace, "2025S1", mapping, exported=EXPORTED))
    assert [d.get("SEX") for d in root.iter(NS + "dataValue")].count("khong_ro") == 1


# -- ADX ------------------------------------------------------------------------------------------


def test_adx_namespace_group_and_data_values(filled, shipped):
    data = adx_document(filled, "2025S1", shipped, exported=EXPORTED)
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(data)
    assert root.tag == NS + "adx"
    assert root.get("exported") == "2025-06-20T09:30:00+07:00"
    groups = root.findall(NS + "group")
    assert len(groups) == 1
    group = groups[0]
    assert group.get("orgUnit") == shipped.org_units[UNIT]
    assert group.get("period") == "2025-01-01/P6M"
    assert group.get("dataSet") == shipped.data_sets["half"]
    values = group.findall(NS + "dataValue")
    assert values and all(v.get("dataElement") and isinstance(v.get("value"), str) for v in values)
    gbv = shipped.data_elements["GBV_VICTIMS"].data_element
    assert {(v.get("SEX"), v.get("value")) for v in values if v.get("dataElement") == gbv} == {
        ("nam", "1"), ("nu", "6")}
    deaths = [v for v in values if v.get("dataElement") == shipped.data_elements["MATERNAL_DEATHS"].data_element]
    assert [dict(d.attrib) for d in deaths] == [
        {"dataElement": shipped.data_elements["MATERNAL_DEATHS"].data_element, "value": "0"}]
    json_doc = data_value_set(filled, "2025S1", shipped)
    assert len(values) == len(json_doc["dataValues"])
    assert [v.get("value") for v in values] == [v["value"] for v in json_doc["dataValues"]]
    assert adx_document(filled, "2025S1", shipped, exported=EXPORTED) == data  # deterministic


@pytest.mark.parametrize("period_id, dhis2_mode, window_mode", [
    ("2025", "2025-01-01/P1Y", "2024-12-15/P1Y"),
    ("2025S1", "2025-01-01/P6M", "2024-12-15/P6M"),
    ("2025S2", "2025-07-01/P6M", "2025-06-15/P6M"),
    ("2025Q1", "2025-01-01/P3M", "2024-12-15/P3M"),
    ("202503", "2025-03-01/P1M", "2025-02-15/P1M"),
])
def test_adx_periods_are_iso_intervals(workspace, raw_mapping, period_id, dhis2_mode, window_mode):
    for mode, expected in (("dhis2", dhis2_mode), ("window", window_mode)):
        raw_mapping["adx_period"] = mode
        root = ET.fromstring(adx_document(workspace, period_id, dhis2.parse_mapping(raw_mapping), exported=EXPORTED))
        assert root.find(NS + "group").get("period") == expected


def test_province_decimals_and_yes_no(tmp_path, shipped):
    ws = Workspace.open(tmp_path / "tinh.sqlite")
    try:
        ws.initialise("2021", "22", "Trần Văn Bình")
        ws.apply_values({
            ("2024", "UNPAID_CARE_HOURS", "nam"): 1.5, ("2024", "UNPAID_CARE_HOURS", "nu"): 3.25,
            ("2024", "GE_CURRICULUM_TEACHER_TRAINING", ""): 1.0,
        })
        doc = data_value_set(ws, "2024", shipped)
        assert doc["orgUnit"] == shipped.org_units["2021:22"]
        assert sorted(values_by(doc, shipped, "UNPAID_CARE_HOURS").values()) == ["1.5", "3.25"]
        assert values_by(doc, shipped, "GE_CURRICULUM_TEACHER_TRAINING") == {DEFAULT_COC: "1"}
        root = ET.fromstring(adx_document(ws, "2024", shipped, exported=EXPORTED))
        flag = [v for v in root.iter(NS + "dataValue")
                if v.get("dataElement") == shipped.data_elements["GE_CURRICULUM_TEACHER_TRAINING"].data_element]
        assert flag[0].get("value") == "1" and flag[0].find(NS + "annotation").text == "1"
    finally:
        ws.close(backup_on_close=False)


# -- the mapping decides, not the code ----------------------------------------------------------------


def test_unmapped_element_is_skipped_and_reported(filled, raw_mapping):
    del raw_mapping["data_elements"]["GBV_VICTIMS"]
    raw_mapping["data_elements"]["MATERNAL_DEATHS"] = None
    mapping = dhis2.parse_mapping(raw_mapping)
    export = prepare_export(filled, "2025S1", mapping)
    assert {s.element for s in export.skipped} == {"GBV_VICTIMS", "MATERNAL_DEATHS"}
    assert {v.element for v in export.values} == {"BIRTHS_MOTHERS_15_19", "GE_NEWS_ITEMS"}
    assert any("GBV_VICTIMS" in w and "chưa có mã phần tử dữ liệu DHIS2" in w for w in export.warnings)


def test_edited_mapping_changes_the_output(filled, raw_mapping):
    raw_mapping["data_elements"]["GBV_VICTIMS"] = {
        "dataElement": real_uid("gbv"),
        "categories": {"nam": {"categoryOptionCombo": real_uid("male"), "adx": "M"}},
    }
    raw_mapping["periods"]["half"] = "{year}NovS{index}"
    raw_mapping["data_sets"]["half"] = None
    raw_mapping["categories"]["adx_attribute"] = "GIOI_TINH"
    mapping = dhis2.parse_mapping(raw_mapping)
    doc = data_value_set(filled, "2025S1", mapping)
    assert doc["period"] == "2025NovS1" and "dataSet" not in doc
    assert values_by(doc, mapping, "GBV_VICTIMS") == {
        real_uid("male"): "1", mapping.categories["nu"].category_option_combo: "6"}
    with pytest.raises(Dhis2MappingError, match="dataSet"):
        adx_document(filled, "2025S1", mapping)
    raw_mapping["data_sets"]["half"] = real_uid("ds")
    root = ET.fromstring(adx_document(filled, "2025S1", dhis2.parse_mapping(raw_mapping), exported=EXPORTED))
    assert root.find(NS + "group").get("period") == "2024-11-01/P6M"
    gbv = [v for v in root.iter(NS + "dataValue") if v.get("dataElement") == real_uid("gbv")]
    assert [v.get("GIOI_TINH") for v in gbv] == ["M", "nu"]


def test_org_units_by_code(filled, raw_mapping):
    raw_mapping["org_units"] = {"id_scheme": "CODE", "code_template": "VN22_{code}", "units": {}}
    doc = data_value_set(filled, "2025S1", dhis2.parse_mapping(raw_mapping))
    assert doc["orgUnit"] == "VN22_06862" and doc["orgUnitIdScheme"] == "CODE"
    raw_mapping["org_units"]["units"] = {UNIT: "TIEN_YEN_TT"}
    assert data_value_set(filled, "2025S1", dhis2.parse_mapping(raw_mapping))["orgUnit"] == "TIEN_YEN_TT"


def test_unit_missing_from_a_uid_mapping_is_refused(filled, raw_mapping):
    del raw_mapping["org_units"]["units"][UNIT]
    with pytest.raises(Dhis2MappingError, match="2021:06862"):
        data_value_set(filled, "2025S1", dhis2.parse_mapping(raw_mapping))


def test_placeholders_are_reported_and_real_uids_are_not(filled, shipped, raw_mapping):
    warnings = prepare_export(filled, "2025S1", shipped).warnings
    assert len(warnings) == 1 and "mã DHIS2 tạm" in warnings[0] and "org_units › units › 2021:06862" in warnings[0]
    raw_mapping["data_sets"]["half"] = real_uid("ds")
    raw_mapping["org_units"]["units"][UNIT] = real_uid("ou")
    for key in ("nam", "nu"):
        raw_mapping["categories"][key]["categoryOptionCombo"] = real_uid(key)
    for i, code in enumerate(raw_mapping["data_elements"]):
        if not code.startswith("_"):
            raw_mapping["data_elements"][code]["dataElement"] = real_uid(f"de{i}")
    assert prepare_export(filled, "2025S1", dhis2.parse_mapping(raw_mapping)).warnings == []


@pytest.mark.parametrize("edit, message", [
    (lambda m: m["data_elements"].__setitem__("GBV_VICTIMS", "1notAnUid0"), "UID"),
    (lambda m: m["data_sets"].__setitem__("half", "short"), "UID"),
    (lambda m: m.__setitem__("periods", {**m["periods"], "half": "{year}H{index}"}), "2025H1"),
    (lambda m: m.__setitem__("periods", {**m["periods"], "month": "{year}{month}"}), "{year}, {index}, {mm}"),
    (lambda m: m.__setitem__("adx_period", "calendar"), "dhis2, window"),
    (lambda m: m.__setitem__("extra_key", 1), "extra_key"),
    (lambda m: m["categories"].__setitem__("adx_attribute", "GIỚI TÍNH"), "XML"),
    (lambda m: m["org_units"].__setitem__("id_scheme", "NAME"), "UID, CODE"),
    (lambda m: m.__setitem__("format_version", 2), "phiên bản"),
])
def test_broken_mapping_is_refused_with_a_vietnamese_message(raw_mapping, edit, message):
    edit(raw_mapping)
    with pytest.raises(Dhis2MappingError, match="Tệp ánh xạ DHIS2") as caught:
        dhis2.parse_mapping(raw_mapping)
    assert message in str(caught.value)


def test_unreadable_mapping_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(Dhis2MappingError, match="JSON"):
        load_mapping(bad)


# -- the command ---------------------------------------------------------------------------------------


@pytest.fixture
def cli(db_path):
    runner = CliRunner()

    def invoke(*args, env=None):
        return runner.invoke(main, ["--db", str(db_path), *args], env=env, catch_exceptions=False)

    return invoke


def test_cli_writes_json_and_adx(filled, cli, tmp_path, shipped):
    filled.close(backup_on_close=False)
    out = tmp_path / "kh82.json"
    result = cli("export-dhis2", "2025S1", "--format", "json", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "2025S1" in result.stdout and str(out) in result.stdout
    assert "mã DHIS2 tạm" in result.stderr  # the shipped placeholders are not the province's
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["period"] == "2025S1" and doc["orgUnit"] == shipped.org_units[UNIT]
    assert not list(tmp_path.glob("*.tmp"))

    xml_out = tmp_path / "kh82.xml"
    assert cli("export-dhis2", "2025S1", "--format", "adx", "-o", str(xml_out), "--complete").exit_code == 0
    group = ET.parse(xml_out).getroot().find(NS + "group")
    assert group.get("period") == "2025-01-01/P6M" and group.get("completeDate")

    default = cli("export-dhis2", "2025S1", "-o", str(tmp_path / "default.json"))
    assert default.exit_code == 0 and json.loads((tmp_path / "default.json").read_text())["dataValues"]


def test_cli_mapping_option_and_environment(filled, cli, tmp_path, raw_mapping, write_mapping):
    filled.close(backup_on_close=False)
    del raw_mapping["data_elements"]["GBV_VICTIMS"]
    raw_mapping["periods"]["half"] = "{year}NovS{index}"
    path = write_mapping(raw_mapping)
    out = tmp_path / "a.json"
    result = cli("export-dhis2", "2025S1", "-o", str(out), "--mapping", str(path))
    assert result.exit_code == 0
    assert "Cảnh báo: Bỏ qua GBV_VICTIMS" in result.stderr
    assert json.loads(out.read_text())["period"] == "2025NovS1"

    by_env = tmp_path / "b.json"
    assert cli("export-dhis2", "2025S1", "-o", str(by_env), env={dhis2.MAPPING_ENV: str(path)}).exit_code == 0
    assert json.loads(by_env.read_text())["period"] == "2025NovS1"


def test_cli_empty_period_is_written_with_a_notice(workspace, cli, tmp_path):
    workspace.close(backup_on_close=False)
    out = tmp_path / "empty.json"
    result = cli("export-dhis2", "2023", "-o", str(out))
    assert result.exit_code == 0 and "chưa có số liệu" in result.stdout
    assert json.loads(out.read_text())["dataValues"] == []


def test_cli_exit_codes(workspace, cli, tmp_path, raw_mapping, write_mapping):
    workspace.close(backup_on_close=False)
    out = str(tmp_path / "x.json")
    assert cli("export-dhis2", "2025S3", "-o", out).exit_code == 2  # unknown period
    assert cli("export-dhis2", "2025S1").exit_code == 2  # no -o
    assert cli("export-dhis2", "2025S1", "--format", "csv", "-o", out).exit_code == 2
    assert cli("export-dhis2", "2025S1", "-o", out, "--mapping", str(tmp_path / "none.json")).exit_code == 2
    raw_mapping["data_sets"]["half"] = "nope"
    broken = cli("export-dhis2", "2025S1", "-o", out, "--mapping", str(write_mapping(raw_mapping)))
    assert broken.exit_code == 1 and "Tệp ánh xạ DHIS2" in broken.output
    del raw_mapping["org_units"]["units"][UNIT]
    raw_mapping["data_sets"]["half"] = None
    missing = cli("export-dhis2", "2025S1", "-o", out, "--mapping", str(write_mapping(raw_mapping, "m2.json")))
    assert missing.exit_code == 1 and "2021:06862" in missing.output
    nowhere = cli("export-dhis2", "2025S1", "-o", str(tmp_path / "no" / "dir" / "x.json"))
    assert nowhere.exit_code == 1 and "Không ghi được" in nowhere.output
    assert not (tmp_path / "x.json").exists()


def test_cli_needs_an_initialised_database(cli, tmp_path):
    result = cli("export-dhis2", "2025S1", "-o", str(tmp_path / "x.json"))
    assert result.exit_code == 1 and "qnapp init" in result.output
