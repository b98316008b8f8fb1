import copy
import json
import unicodedata

import pytest

from qnapp.catalog import (
    Catalog,
    Target,
    catalog_as_json,
    catalog_from_dict,
    load_catalog,
)
from qnapp.formula import parse
from qnapp.resources import resource_path

# Written by hand from section I.2 of Kế hoạch 82/KH-UBND (not from the catalog):
# code -> ((2025 op, value), (2030 op, value)).
PLAN_TARGETS = {
    "1.1": ((">=", 60), (">=", 75)),  # đạt 60% ... 75% trở lên
    "1.2": ((">=", 80), (">=", 90)),
    "2.1": ((">=", 50), (">=", 60)),
    "2.2": (("<", 30), ("<", 25)),  # xuống dưới 30% ... dưới 25%
    "2.3": ((">=", 27), (">=", 30)),  # ít nhất 27%
    "3.1": (("<=", 1.7), ("<=", 1.4)),  # giảm ... còn 1,7 lần ... 1,4 lần
    "3.2a": ((">=", 80), (">=", 90)),
    "3.2b": ((">=", 50), (">=", 70)),
    "3.3": (("=", 100), ("=", 100)),  # đảm bảo 100%
    "3.4": ((">=", 70), (">=", 100)),
    "4.1": (("<=", 111), ("<=", 109)),
    "4.2": (("<=", 25), ("<", 25)),  # giảm còn 25 ... xuống dưới 25
    "4.3": (("<=", 18), ("<", 18)),  # xuống 18 ... dưới 18
    "4.4": (("bool", True), ("bool", True)),
    "5.1": (("bool", True), ("bool", True)),
    "5.2a": ((">=", 99.6), (">", 99.6)),  # đạt 99,6% ... trên 99,6%
    "5.2b": ((">=", 85), (">=", 90)),
    "5.3": ((">", 30), (">", 40)),  # đạt trên 30% ... trên 40%
    "5.4a": ((">=", 50), (">=", 50)),  # từ năm 2025 đạt từ 50% trở lên
    "5.4b": ((">=", 30), (">=", 35)),  # từ 2025: từ 30%; từ 2030: từ 35%
    "6.1": ((">=", 60), (">=", 80)),
    "6.2": (("=", 100), ("=", 100)),
    "6.3": (("=", 100), ("=", 100)),
    "6.4": (("=", 100), ("=", 100)),
}

# "từ năm 2025 trở đi", "duy trì đến năm 2030", "từ năm 2030": targets that hold every year after.
FROM_YEAR = {
    ("4.4", 2025),
    ("5.1", 2025), ("5.1", 2030),
    ("5.4a", 2025), ("5.4a", 2030),
    ("5.4b", 2025), ("5.4b", 2030),
    ("6.2", 2025), ("6.2", 2030),
    ("6.3", 2025), ("6.3", 2030),
}

LDTBXH = "Sở Lao động - Thương binh và Xã hội"
# Section IV, items 1-17.
LEAD_AGENCY = {
    "1.1": "Sở Nội vụ", "1.2": "Ban Tổ chức Tỉnh ủy",
    "2.1": LDTBXH, "2.2": LDTBXH, "2.3": "Sở Kế hoạch và Đầu tư",
    "3.1": "Cục Thống kê tỉnh", "3.2a": "Sở Văn hóa và Thể thao", "3.2b": "Sở Văn hóa và Thể thao",
    "3.3": LDTBXH, "3.4": LDTBXH,
    "4.1": "Sở Y tế", "4.2": "Sở Y tế", "4.3": "Sở Y tế", "4.4": "Sở Y tế",
    "5.1": "Sở Giáo dục và Đào tạo", "5.2a": "Sở Giáo dục và Đào tạo", "5.2b": "Sở Giáo dục và Đào tạo",
    "5.3": LDTBXH, "5.4a": "Cục Thống kê tỉnh", "5.4b": "Cục Thống kê tỉnh",
    "6.1": LDTBXH, "6.2": LDTBXH,
    "6.3": "Sở Thông tin và Truyền thông", "6.4": "Sở Thông tin và Truyền thông",
}

COMMUNE_INDICATORS = {"1.1", "3.2a", "3.2b", "3.3", "4.1", "4.2", "4.3", "5.2a", "5.2b", "6.1", "6.2", "6.3"}


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


def lookup_from(values):
    return lambda code, category: values.get((code, category))


# --- the plan's figures ----------------------------------------------------------------


@pytest.mark.parametrize("code", list(PLAN_TARGETS))
def test_targets_match_plan(cat, code):
    indicator = cat.indicator(code)
    got = tuple((t.year, t.op, t.value) for t in indicator.targets)
    (op25, v25), (op30, v30) = PLAN_TARGETS[code]
    assert got == ((2025, op25, v25), (2030, op30, v30))
    for target, expected in zip(indicator.targets, (v25, v30)):
        assert type(target.value) is type(expected)  # 60 stays int, 99.6 float, True bool


def test_from_year_flags(cat):
    flagged = {(i.code, t.year) for i in cat.indicators for t in i.targets if t.from_year}
    assert flagged == FROM_YEAR


def test_lead_agencies(cat):
    assert {i.code: i.lead_agency for i in cat.indicators} == LEAD_AGENCY
    assert cat.indicator("3.2a").co_agencies == (LDTBXH,)
    assert cat.indicator("3.2b").co_agencies == (LDTBXH,)


def test_units(cat):
    units = {i.code: i.unit for i in cat.indicators}
    assert units["3.1"] == "lần"
    assert units["4.1"] == "bé trai/100 bé gái"
    assert units["4.2"] == "/100.000 trẻ sinh sống"
    assert units["4.3"] == "/1.000"
    assert units["4.4"] == units["5.1"] == "có/không"
    not_percent = {"3.1", "4.1", "4.2", "4.3", "4.4", "5.1"}
    assert {c for c, u in units.items() if u == "%"} == set(PLAN_TARGETS) - not_percent


# --- structure -------------------------------------------------------------------------


def test_objectives(cat):
    assert [(o.number, o.code) for o in cat.objectives] == [(n, f"M{n}") for n in range(1, 7)]
    assert cat.objective(1).name == "Trong lĩnh vực chính trị"
    assert cat.objective(2).name == "Trong lĩnh vực kinh tế, lao động"
    with pytest.raises(KeyError):
        cat.objective(7)


def test_24_targets_from_21_indicators(cat):
    codes = [i.code for i in cat.indicators]
    assert codes == list(PLAN_TARGETS)
    assert len({c.rstrip("ab") for c in codes}) == 21
    for indicator in cat.indicators:
        assert indicator.objective == int(indicator.code.split(".")[0])


def test_every_formula_reference_resolves(cat):
    for indicator in cat.indicators:
        assert indicator.references, indicator.code
        for code, category in indicator.references:
            element = cat.element(code)
            assert category in element.categories + ("",)
            assert indicator.code in element.indicators


def test_every_element_feeds_an_indicator(cat):
    fed = {e.code for i in cat.indicators for e in cat.elements_of_indicator(i.code)}
    assert fed == {e.code for e in cat.data_elements}
    referenced = {code for i in cat.indicators for code, _ in i.references}
    # The two per-unit counts of 6.3 / 6.4 are checked against the plan's minimum instead.
    assert {e.code for e in cat.data_elements} - referenced == {"GE_NEWS_ITEMS", "GE_MEDIA_COLUMNS"}
    assert cat.element("GE_NEWS_ITEMS").min_per_period == 4
    assert cat.element("GE_MEDIA_COLUMNS").min_per_period == 1


def test_bool_indicators_have_numerator_only(cat):
    bools = [i for i in cat.indicators if i.is_bool]
    assert {i.code for i in bools} == {"4.4", "5.1"}
    assert all(i.denominator is None and i.factor == 1 for i in bools)


def test_factors(cat):
    factors = {i.code: i.factor for i in cat.indicators}
    assert factors["3.1"] == 1 and factors["4.2"] == 100000 and factors["4.3"] == 1000 and factors["4.1"] == 100


def test_element_codes_and_fields(cat):
    for element in cat.data_elements:
        assert element.code.isascii() and element.code == element.code.upper()
        assert element.categories in ((), ("nam", "nu"))
        assert element.disaggregated == bool(element.categories)
        if element.subset_of:
            whole = cat.element(element.subset_of)
            assert whole.categories == element.categories
            assert whole.period_type == element.period_type


def test_period_types_and_aggregation(cat):
    for code in ("GBV_VICTIMS", "GBV_VICTIMS_SUPPORTED", "GBV_PERPETRATORS", "GBV_PERPETRATORS_COUNSELLED",
                 "TRAFFICKING_RETURNEES_NEEDING_SUPPORT", "TRAFFICKING_RETURNEES_SUPPORTED", "LIVE_BIRTHS"):
        assert (cat.element(code).period_type, cat.element(code).aggregation) == ("half", "sum")
        assert cat.element(code).categories == ("nam", "nu")
    assert cat.element("GE_NEWS_ITEMS").period_type == "quarter"
    assert cat.element("GE_MEDIA_COLUMNS").period_type == "month"
    for code in ("POP_6PLUS", "WOMEN_15_19", "GOV_BODIES", "PUBLIC_ORGS"):
        assert (cat.element(code).period_type, cat.element(code).aggregation) == ("year", "last")
    assert cat.element("GBV_VICTIMS_SUPPORTED").subset_of == "GBV_VICTIMS"
    assert cat.element("UNPAID_CARE_HOURS").value_type == "number"
    assert cat.element("GE_CURRICULUM_TEACHER_TRAINING").value_type == "bool"


def test_levels(cat):
    assert {i.code for i in cat.indicators_for("commune")} == COMMUNE_INDICATORS
    assert {i.code for i in cat.indicators_for("district")} == COMMUNE_INDICATORS | {"6.4"}
    assert [i.code for i in cat.indicators_for("province")] == list(PLAN_TARGETS)
    commune = {e.code for e in cat.elements_for("commune")}
    assert {"GBV_VICTIMS", "LIVE_BIRTHS", "POP_6PLUS", "GE_NEWS_ITEMS"} <= commune
    assert "EMPLOYED" not in commune and "COMMUNES" not in commune
    assert [e.code for e in cat.elements_for("commune", "quarter")] == ["GE_NEWS_ITEMS"]
    assert cat.elements_for("commune", "month") == ()
    # Only communes publish on the grassroots information system (6.3).
    province = {e.code for e in cat.elements_for("province")}
    assert province == {e.code for e in cat.data_elements} - {"GE_NEWS_ITEMS"}
    with pytest.raises(ValueError):
        cat.elements_for("xa")
    with pytest.raises(ValueError):
        cat.indicators_for("huyen")


def test_lookups(cat):
    assert cat.indicator("3.2a").objective == 3
    assert [e.code for e in cat.elements_of_indicator("4.2")] == ["LIVE_BIRTHS", "MATERNAL_DEATHS"]
    with pytest.raises(KeyError):
        cat.indicator("3.2")
    with pytest.raises(KeyError):
        cat.element("NOPE")
    with pytest.raises(KeyError):
        cat.elements_of_indicator("9.9")


def test_activity_types_and_fund_sources(cat):
    assert [a.code for a in cat.activity_types] == [
        "truyen_thong", "tap_huan", "doi_thoai", "thang_hanh_dong",
        "mo_hinh_clb", "kiem_tra_giam_sat", "dich_vu_ho_tro", "khac",
    ]
    assert {f.code: f.name for f in cat.fund_sources} == {
        "ngan_sach": "Ngân sách nhà nước", "vien_tro": "Viện trợ quốc tế",
        "xa_hoi_hoa": "Xã hội hóa", "khac": "Khác",
    }


def test_source(cat):
    assert cat.source["document"] == "Kế hoạch 82/KH-UBND"
    assert cat.source["date"] == "2021-04-08"
    assert cat.version


def test_text_is_nfc(cat):
    raw = resource_path("catalog.json").read_text(encoding="utf-8")
    assert unicodedata.normalize("NFC", raw) == raw
    texts = [o.name for o in cat.objectives] + [i.name for i in cat.indicators]
    texts += [i.lead_agency for i in cat.indicators] + [e.name for e in cat.data_elements]
    texts += [e.unit_of_count for e in cat.data_elements] + [a.name for a in cat.activity_types]
    for text in texts:
        assert text and unicodedata.normalize("NFC", text) == text


def test_decomposed_text_is_composed_on_load(cat):
    data = catalog_as_json(cat)
    data["objectives"][0]["name"] = unicodedata.normalize("NFD", "Trong lĩnh vực chính trị")
    assert catalog_from_dict(data).objective(1).name == "Trong lĩnh vực chính trị"


def test_default_catalog_is_cached():
    assert load_catalog() is load_catalog()


# --- JSON contract -----------------------------------------------------------------------


def test_catalog_as_json_contract(cat):
    data = catalog_as_json(cat)
    assert {"objectives", "indicators", "data_elements"} <= set(data)
    assert len(data["objectives"]) == 6 and len(data["indicators"]) == 24
    assert len(data["data_elements"]) == len(cat.data_elements)
    for item in data["objectives"]:
        assert {"number", "code", "name"} <= set(item)
    for item in data["indicators"]:
        assert {"code", "name", "objective", "lead_agency", "targets", "numerator", "denominator"} <= set(item)
        assert isinstance(item["objective"], int)
        for target in item["targets"]:
            assert {"year", "op", "value"} <= set(target)
    for item in data["data_elements"]:
        assert {"code", "name", "categories", "period_type"} <= set(item)
        assert item["categories"] in (["nam", "nu"], [])
        assert item["period_type"] in ("year", "half", "quarter", "month")
    by_code = {i["code"]: i for i in data["indicators"]}
    assert by_code["3.2a"]["targets"][0] == {"year": 2025, "op": ">=", "value": 80, "from_year": False}
    assert by_code["4.4"]["targets"][0]["op"] == "bool" and by_code["4.4"]["targets"][0]["value"] is True
    assert by_code["4.4"]["denominator"] is None


def test_json_keeps_ints_ints(cat):
    text = json.dumps(catalog_as_json(cat), ensure_ascii=False)
    assert '"value": 60,' in text and '"value": 99.6,' in text and '"value": 1.7,' in text
    assert "60.0" not in text and '"factor": 100,' in text


def test_json_round_trip(cat, tmp_path):
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(catalog_as_json(cat), ensure_ascii=False), encoding="utf-8")
    again = load_catalog(path)
    assert again is not cat
    assert catalog_as_json(again) == catalog_as_json(cat)
    assert again.indicators == cat.indicators and again.data_elements == cat.data_elements


def test_integral_float_in_file_becomes_int(cat):
    data = catalog_as_json(cat)
    data["indicators"][0]["targets"][0]["value"] = 60.0
    data["indicators"][0]["factor"] = 100.0
    again = catalog_as_json(catalog_from_dict(data))
    assert type(again["indicators"][0]["targets"][0]["value"]) is int
    assert type(again["indicators"][0]["factor"]) is int


# --- computing ---------------------------------------------------------------------------


def test_compute_victims_supported(cat):
    values = {("GBV_VICTIMS", ""): 50, ("GBV_VICTIMS_SUPPORTED", ""): 45}
    assert cat.compute("3.2a", lookup_from(values)) == 90.0


def test_compute_from_sex_split_uses_effective_total(cat):
    # The formula asks for the total; the lookup gives the effective total (nam + nu).
    values = {("GBV_PERPETRATORS", ""): 8 + 2, ("GBV_PERPETRATORS_COUNSELLED", ""): 4 + 1}
    assert cat.compute("3.2b", lookup_from(values)) == 50.0


def test_compute_sex_ratio_at_birth(cat):
    values = {("LIVE_BIRTHS", "nam"): 111, ("LIVE_BIRTHS", "nu"): 100}
    assert cat.compute("4.1", lookup_from(values)) == 111.0
    assert cat.indicator("4.1").target(2025).is_met(111.0) is True
    values = {("LIVE_BIRTHS", "nam"): 560, ("LIVE_BIRTHS", "nu"): 500}
    assert cat.compute("4.1", lookup_from(values)) == pytest.approx(112.0)


def test_compute_rates_with_factors(cat):
    values = {("MATERNAL_DEATHS", ""): 1, ("LIVE_BIRTHS", ""): 4000}
    assert cat.compute("4.2", lookup_from(values)) == 25.0
    values = {("BIRTHS_MOTHERS_15_19", ""): 9, ("WOMEN_15_19", ""): 500}
    assert cat.compute("4.3", lookup_from(values)) == 18.0
    values = {("UNPAID_CARE_HOURS", "nu"): 3.4, ("UNPAID_CARE_HOURS", "nam"): 2.0}
    assert cat.compute("3.1", lookup_from(values)) == pytest.approx(1.7)
    values = {("ENTERPRISE_HEADS", "nu"): 27, ("ENTERPRISE_HEADS", ""): 100}
    assert cat.compute("2.3", lookup_from(values)) == 27.0


def test_compute_bool_indicator(cat):
    assert cat.compute("4.4", lookup_from({("LGBT_HEALTH_FACILITIES", ""): 2})) == 1.0
    assert cat.compute("4.4", lookup_from({("LGBT_HEALTH_FACILITIES", ""): 0})) == 0.0
    assert cat.compute("4.4", lookup_from({})) is None
    assert cat.compute("5.1", lookup_from({("GE_CURRICULUM_TEACHER_TRAINING", ""): 1})) == 1.0


def test_compute_missing_or_zero_denominator(cat):
    assert cat.compute("3.2a", lookup_from({("GBV_VICTIMS", ""): 10})) is None
    assert cat.compute("3.2a", lookup_from({("GBV_VICTIMS", ""): 0, ("GBV_VICTIMS_SUPPORTED", ""): 0})) is None
    with pytest.raises(KeyError):
        cat.compute("7.1", lookup_from({}))


# --- targets -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "op, value, below, equal, above",
    [
        (">=", 60, False, True, True),
        (">", 30, False, False, True),
        ("<=", 111, True, True, False),
        ("<", 25, True, False, False),
        ("=", 100, False, True, False),
    ],
)
def test_is_met(op, value, below, equal, above):
    target = Target(2025, op, value)
    assert target.is_met(value - 0.5) is below
    assert target.is_met(float(value)) is equal
    assert target.is_met(value + 0.5) is above
    assert target.is_met(None) is None


def test_is_met_bool():
    target = Target(2025, "bool", True)
    assert target.is_met(1.0) is True
    assert target.is_met(0.0) is False
    assert target.is_met(None) is None


def test_is_met_ignores_float_noise():
    assert Target(2025, ">=", 60).is_met(3 / 5 * 100) is True  # 60.00000000000001
    assert Target(2030, "<=", 109).is_met(109 / 100 * 100) is True
    assert Target(2030, "=", 100).is_met(0.1 * 3 / 0.3 * 100) is True
    assert Target(2030, "=", 100).is_met(99.9) is False


def test_target_for_year(cat):
    assert cat.indicator("1.1").target(2025).value == 60
    assert cat.indicator("1.1").target(2030).value == 75
    assert cat.indicator("1.1").target(2027) is None  # a milestone, not a yearly target
    assert cat.indicator("5.4b").target(2024) is None
    assert cat.indicator("5.4b").target(2027).value == 30  # "từ năm 2025 ... từ 30%"
    assert cat.indicator("5.4b").target(2031).value == 35  # "từ năm 2030 ... từ 35%"
    assert cat.indicator("4.4").target(2028).op == "bool"  # "duy trì đến năm 2030"
    assert cat.indicator("6.3").target(2026).value == 100


# --- a broken file is refused -------------------------------------------------------------


def _break(data, how):
    ind = {i["code"]: i for i in data["indicators"]}
    els = {e["code"]: e for e in data["data_elements"]}
    if how == "unknown reference":
        ind["3.2a"]["numerator"] = "#{GBV_VICTIMS_HELPED}"
    elif how == "unknown category":
        ind["4.2"]["numerator"] = "#{MATERNAL_DEATHS.nu}"
    elif how == "bad formula":
        ind["4.1"]["numerator"] = "#{LIVE_BIRTHS.nam} +"
    elif how == "unknown subset":
        els["GBV_VICTIMS_SUPPORTED"]["subset_of"] = "GBV_VICTIM"
    elif how == "subset categories":
        els["GBV_VICTIMS_SUPPORTED"]["categories"] = []
    elif how == "duplicate indicator":
        data["indicators"].append(copy.deepcopy(ind["1.1"]))
    elif how == "duplicate element":
        data["data_elements"].append(copy.deepcopy(els["LIVE_BIRTHS"]))
    elif how == "bad op":
        ind["2.2"]["targets"][0]["op"] = "=<"
    elif how == "bool with denominator":
        ind["4.4"]["denominator"] = "#{LGBT_HEALTH_FACILITIES}"
    elif how == "unknown objective":
        ind["6.4"]["objective"] = 7
    elif how == "bad level":
        els["POP_6PLUS"]["levels"] = ["xa"]
    elif how == "bad period type":
        els["GE_NEWS_ITEMS"]["period_type"] = "week"
    elif how == "element of unknown indicator":
        els["LIVE_BIRTHS"]["indicators"].append("4.9")
    elif how == "typo in key":
        ind["1.2"]["denominatr"] = ind["1.2"].pop("denominator")
    elif how == "unlinked element":
        els["MATERNAL_DEATHS"]["indicators"] = ["4.3"]
    return data


@pytest.mark.parametrize(
    "how, named",
    [
        ("unknown reference", "GBV_VICTIMS_HELPED"),
        ("unknown category", "MATERNAL_DEATHS"),
        ("bad formula", "4.1"),
        ("unknown subset", "GBV_VICTIM"),
        ("subset categories", "GBV_VICTIMS_SUPPORTED"),
        ("duplicate indicator", "1.1"),
        ("duplicate element", "LIVE_BIRTHS"),
        ("bad op", "=<"),
        ("bool with denominator", "4.4"),
        ("unknown objective", "6.4"),
        ("bad level", "POP_6PLUS"),
        ("bad period type", "week"),
        ("element of unknown indicator", "4.9"),
        ("typo in key", "denominatr"),
        ("unlinked element", "MATERNAL_DEATHS"),
    ],
)
def test_broken_catalog_is_rejected(cat, tmp_path, how, named):
    path = tmp_path / "catalog.json"
    data = _break(json.loads(resource_path("catalog.json").read_text(encoding="utf-8")), how)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError) as err:
        load_catalog(path)
    assert named in str(err.value)


def test_unreadable_catalog_is_rejected(tmp_path):
    path = tmp_path / "catalog.json"
    path.write_text("{ not json", encoding="utf-8")
    with pytest.raises(ValueError):
        load_catalog(path)
    with pytest.raises(ValueError):
        load_catalog(tmp_path / "missing.json")


def test_catalog_built_in_code_is_checked_too(cat):
    broken = cat.indicators[:1] + (cat.indicators[0],)
    with pytest.raises(ValueError):
        Catalog(cat.objectives, broken, cat.data_elements)


def test_formulas_parse(cat):
    for indicator in cat.indicators:
        parse(indicator.numerator)
        if indicator.denominator:
            parse(indicator.denominator)
