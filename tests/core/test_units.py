"""qnapp.units: the 2021 and 2025 unit trees of Quảng Ninh (no Qt)."""

import csv
import dataclasses
import unicodedata
from collections import Counter
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from qnapp.errors import QnappError
from qnapp.text import vi_sort_key
from qnapp.units import (
    Unit,
    UnitKeyError,
    UnitNotFound,
    get_unit,
    load_tree,
    load_trees,
    parse_unit_key,
    sorted_by_name,
    successors,
    tree_for_date,
    tree_ids,
)

T21 = load_tree("2021")
T25 = load_tree("2025")


def is_nfc(s: str) -> bool:
    return unicodedata.is_normalized("NFC", s)


# --- counts ----------------------------------------------------------------


def test_tree_ids_and_validity():
    assert tree_ids() == ("2021", "2025")
    assert set(load_trees()) == {"2021", "2025"}
    assert (T21.valid_from, T21.valid_to) == (date(2021, 2, 3), date(2025, 6, 30))
    assert (T25.valid_from, T25.valid_to) == (date(2025, 7, 1), None)
    assert load_tree("2021") is T21  # cached


def test_2021_counts():
    districts = T21.districts()
    communes = T21.communes()
    assert len(districts) == 13 and len(communes) == 177 and len(T21) == 1 + 13 + 177
    assert Counter(u.type for u in districts) == {"thành phố": 4, "thị xã": 2, "huyện": 7}
    assert Counter(u.type for u in communes) == {"phường": 72, "thị trấn": 7, "xã": 98}
    assert all(len(u.code) == 3 and u.parent_code == "22" for u in districts)
    assert all(len(u.code) == 5 and u.code.isdigit() for u in communes)
    assert {u.parent_code for u in communes} == {d.code for d in districts}
    assert [len(T21.children(d.code)) for d in districts] == [
        33, 17, 16, 10, 7, 11, 9, 11, 8, 12, 21, 19, 3,
    ]  # fmt: skip


def test_2025_counts():
    communes = T25.communes()
    assert len(communes) == 54 and len(T25) == 55
    assert T25.districts() == ()
    assert Counter(u.type for u in communes) == {"xã": 22, "phường": 30, "đặc khu": 2}
    assert all(u.parent_code == "22" and u.level == "commune" for u in communes)
    assert T25.children("22") == communes


def test_root():
    for tree in (T21, T25):
        root = tree.root
        assert (root.code, root.name, root.type, root.level) == ("22", "Quảng Ninh", "tỉnh", "province")
        assert root.full_name == "Tỉnh Quảng Ninh"
        assert tree.parent("22") is None


# --- units, names, parents -------------------------------------------------


@pytest.mark.parametrize(
    "key, full_name, level, parent",
    [
        ("2021:06649", "Phường Hà Khánh", "commune", "Thành phố Hạ Long"),
        ("2021:06862", "Thị trấn Tiên Yên", "commune", "Huyện Tiên Yên"),
        ("2021:07192", "Thị trấn Cô Tô", "commune", "Huyện Cô Tô"),
        ("2021:07012", "Xã Hạ Long", "commune", "Huyện Vân Đồn"),
        ("2021:07081", "Xã Bình Khê", "commune", "Thị xã Đông Triều"),
        ("2021:205", "Thị xã Đông Triều", "district", "Tỉnh Quảng Ninh"),
        ("2021:200", "Huyện Đầm Hà", "district", "Tỉnh Quảng Ninh"),
        ("2025:06994", "Đặc khu Vân Đồn", "commune", "Tỉnh Quảng Ninh"),
        ("2025:06709", "Phường Móng Cái 2", "commune", "Tỉnh Quảng Ninh"),
        ("2025:06799", "Xã Hải Hòa", "commune", "Tỉnh Quảng Ninh"),
    ],
)
def test_hand_checked_units(key, full_name, level, parent):
    unit = get_unit(key)
    assert unit.key == key
    assert unit.full_name == full_name and str(unit) == full_name
    assert unit.level == level
    tree = load_tree(unit.tree)
    assert tree.parent(unit.code).full_name == parent


def test_name_and_type_kept_apart():
    unit = get_unit("2021:06649")
    assert (unit.name, unit.type, unit.full_name) == ("Hà Khánh", "phường", "Phường Hà Khánh")
    prefixes = ("Phường ", "Xã ", "Thị trấn ", "Đặc khu ", "Huyện ", "Thành phố ", "Thị xã ", "Tỉnh ")
    for tree in (T21, T25):
        for u in tree:
            assert not u.name.startswith(prefixes), u
            assert u.type == u.type.lower()


def test_codes_reused_with_other_meaning():
    assert get_unit("2021:06652").full_name == "Phường Hà Phong"
    assert get_unit("2025:06652").full_name == "Phường Hà Tu"
    assert get_unit("2021:06664").full_name == "Phường Hà Tu"
    assert "06664" not in T25


def test_official_spelling_kept():
    # 2021 list writes "Hoà", the 2025 table "Hòa": neither is "fixed".
    assert get_unit("2021:06742").name == "Hải Hoà"
    assert get_unit("2021:07165").name == "Nam Hoà"
    assert get_unit("2021:06799").name == "Cộng Hòa"
    assert get_unit("2025:07147").name == "Hiệp Hòa"


def test_nfc_everywhere():
    for tree in (T21, T25):
        assert is_nfc(tree.label)
        for u in tree:
            for text in (u.name, u.type, u.full_name):
                assert is_nfc(text) and text == text.strip(), u
            for p in u.predecessors:
                assert all(is_nfc(t) for t in (p.name, p.type, p.merge_kind, p.district))


def test_tree_navigation():
    assert [u.code for u in T21.children("207")] == ["07192", "07195", "07198"]
    assert T21.children("07192") == ()
    codes = [u.code for u in T21.children("193")]
    assert codes == sorted(codes) and len(codes) == 33
    assert T21.parent("06652").code == "193"
    assert [u.code for u in T21.ancestors("06652")] == ["193", "22"]
    below = T21.descendants("22")
    assert len(below) == 190 and below[0].code == "193" and below[1].code == "06649"
    assert set(T21.descendants("193")) == set(T21.children("193"))
    assert set(T21.communes()) == {u for u in T21 if not T21.children(u.code)}


def test_units_are_frozen_and_hashable():
    unit = get_unit("2021:06652")
    with pytest.raises(dataclasses.FrozenInstanceError):
        unit.name = "x"  # type: ignore[misc]
    assert len({unit, get_unit("2021:06652")}) == 1
    assert isinstance(unit, Unit)


# --- keys ------------------------------------------------------------------


def test_parse_unit_key():
    assert parse_unit_key("2021:06652") == ("2021", "06652")
    assert parse_unit_key("2025:22") == ("2025", "22")


def test_bare_code_rejected():
    with pytest.raises(UnitKeyError, match="thiếu danh mục") as err:
        get_unit("06652")
    assert isinstance(err.value, QnappError) and isinstance(err.value, ValueError)


@pytest.mark.parametrize("key", ["2030:06652", "2021-06652", "2021:", ":06652", "2021:6652x", ""])
def test_bad_keys_rejected(key):
    with pytest.raises(UnitKeyError) as err:
        parse_unit_key(key)
    assert is_nfc(str(err.value)) and "đơn vị" in str(err.value)


def test_unknown_tree_and_code():
    with pytest.raises(UnitKeyError, match="Không có danh mục"):
        load_tree("2019")
    with pytest.raises(UnitNotFound) as err:
        get_unit("2021:99999")
    # Catchable both ways; str() is the Vietnamese message (no KeyError quotes).
    assert isinstance(err.value, KeyError) and isinstance(err.value, QnappError)
    assert str(err.value) == "Không có đơn vị hành chính mã «99999» trong danh mục 2021."
    with pytest.raises(UnitNotFound):
        T25.get("06664")
    with pytest.raises(UnitNotFound):
        T21.children("99999")


def test_tree_for_date():
    assert tree_for_date(date(2021, 4, 8)) == "2021"
    assert tree_for_date(date(2019, 1, 1)) == "2021"  # no older tree shipped
    assert tree_for_date(date(2025, 6, 30)) == "2021"
    assert tree_for_date(date(2025, 7, 1)) == "2025"
    assert tree_for_date(datetime(2025, 6, 30, 18, 0, tzinfo=timezone.utc)) == "2025"  # 01:00 in VN
    assert tree_for_date(datetime(2025, 6, 30, 23, 59)) == "2021"
    assert T21.valid_on(date(2025, 6, 30)) and not T21.valid_on(date(2025, 7, 1))
    assert T25.valid_on(date(2030, 1, 1))


# --- search ----------------------------------------------------------------


@pytest.mark.parametrize("query", ["ha long", "hạ long", "HA LONG", "HẠ LONG", "  Hạ   Long "])
def test_search_finds_ha_long(query):
    assert [u.key for u in T21.search(query)] == ["2021:193", "2021:07012"]
    assert [u.key for u in T25.search(query)] == ["2025:06688"]


def test_search_by_code_prefix_and_type():
    assert [u.code for u in T21.search("0665")] == ["06658", "06655", "06652"]  # by name
    assert [u.code for u in T25.search("06652")] == ["06652"]
    assert {u.code for u in T25.search("đặc khu")} == {"06994", "07192"}
    assert T21.search("xyzzy") == []
    assert len(T25.search("")) == 55


def test_search_tone_placement():
    # "Hoà" in the 2021 data is found by either spelling.
    for query in ("hải hòa", "hải hoà", "hai hoa"):
        assert "2021:06742" in [u.key for u in T21.search(query)]


def test_search_results_sorted_vietnamese_way():
    found = T21.search("d")
    names = [u.name for u in found]
    assert found == sorted_by_name(found)
    assert names == sorted(names, key=vi_sort_key)
    initials = [n[0] for n in names if n[0] in "DĐ"]
    assert initials.index("Đ") > len(initials) - 1 - initials[::-1].index("D")  # Đ after D
    assert "D" in initials and "Đ" in initials


def test_sorted_by_name_puts_higher_level_first_on_equal_names():
    same = [get_unit("2021:06916"), get_unit("2021:06895"), get_unit("2021:200")]
    assert [u.full_name for u in sorted_by_name(same)] == [
        "Huyện Đầm Hà", "Thị trấn Đầm Hà", "Xã Đầm Hà",
    ]  # fmt: skip
    assert T21.sorted_by_name(same) == sorted_by_name(same)


# --- predecessors (2025) ---------------------------------------------------


def test_every_2025_unit_has_predecessors():
    rows = [p for u in T25.communes() for p in u.predecessors]
    assert all(u.predecessors for u in T25.communes())
    assert len(rows) == 184 and len({p.code for p in rows}) == 171
    assert {p.merge_kind for p in rows} == {
        "Nhập toàn bộ",
        "Nhập một phần",
        "Nhập một phần diện tích",
        "Nhập một phần diện tích, toàn bộ dân số",
        "Giữ nguyên",
    }
    assert all(not u.predecessors for u in T21)


def test_predecessors_of_a_merged_unit():
    unit = get_unit("2025:06652")
    assert [(p.code, p.full_name, p.merge_kind, p.district) for p in unit.predecessors] == [
        ("06652", "Phường Hà Phong", "Nhập toàn bộ", "Thành phố Hạ Long"),
        ("06664", "Phường Hà Tu", "Nhập toàn bộ", "Thành phố Hạ Long"),
    ]
    assert unit.predecessors[0].district_code == "193"


def test_split_unit():
    # Phường Hà Khẩu (06655) was divided between Việt Hưng and Tuần Châu.
    assert [u.full_name for u in successors("06655")] == ["Phường Việt Hưng", "Phường Tuần Châu"]
    for unit in successors("06655"):
        (part,) = [p for p in unit.predecessors if p.code == "06655"]
        assert part.partial and part.merge_kind == "Nhập một phần" and part.name == "Hà Khẩu"
    split = {p.code for u in T25 for p in u.predecessors if len(successors(p.code)) > 1}
    assert len(split) == 12


def test_split_across_old_districts():
    unit = get_unit("2025:06799")  # Xã Hải Hòa: part of Cẩm Phả's Hải Hòa + part of Tiên Yên's Hải Lạng
    assert [(p.code, p.district_code, p.partial) for p in unit.predecessors] == [
        ("06799", "195", True),
        ("06886", "199", True),
    ]
    assert [u.code for u in successors("06886")] == ["06799", "06886", "06970"]
    assert successors("99999") == () and T21.successors("06655") == ()


def test_predecessor_names_are_data_not_2021_units():
    # Old names follow the 04/01/2025 list: 06799 was renamed Cộng Hòa → Hải Hòa in 2024.
    (pred,) = [p for p in get_unit("2025:06799").predecessors if p.code == "06799"]
    assert pred.full_name == "Xã Hải Hòa"
    assert get_unit("2021:06799").full_name == "Xã Cộng Hòa"
    kept = get_unit("2025:06967")
    assert [(p.merge_kind, p.partial) for p in kept.predecessors] == [("Giữ nguyên", False)]
    # "Thị Xã" (sic) in the source is written "Thị xã".
    assert {p.district for u in T25 for p in u.predecessors if p.district_code == "206"} == {
        "Thị xã Quảng Yên"
    }


# --- shipped data equals the source tables (docs/sources/units) ----

SOURCES = Path(__file__).resolve().parents[2] / "docs" / "sources" / "units"


def test_shipped_data_matches_sources():
    with open(SOURCES / "qn_2021-02-03_communes.csv", encoding="utf-8-sig", newline="") as f:
        rows21 = list(csv.DictReader(f))
    assert {r["commune_code"]: r["commune_name"] for r in rows21} == {
        u.code: u.full_name for u in T21.communes()
    }
    assert {r["district_code"]: r["district_name"] for r in rows21} == {
        u.code: u.full_name for u in T21.districts()
    }
    assert all(T21.get(r["commune_code"]).parent_code == r["district_code"] for r in rows21)
    with open(SOURCES / "qn_2025-07_conversion.csv", encoding="utf-8-sig", newline="") as f:
        rows25 = list(csv.DictReader(f))
    shipped = [
        (u.code, u.full_name, p.code, p.full_name, p.merge_kind, f"{p.district} ({p.district_code})")
        for u in T25.communes()
        for p in u.predecessors
    ]
    source = [
        (r["new_code"], r["new_name"], r["old_code"], r["old_name"], r["merge_kind"],
         r["old_district"].replace("Thị Xã", "Thị xã"))
        for r in rows25
    ]  # fmt: skip
    assert sorted(shipped) == sorted(source)
