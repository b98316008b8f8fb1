"""qnapp.text: NFC, Vietnamese collation, search keys, numbers and dates (no Qt)."""

import random
import re
import unicodedata
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from qnapp.errors import ValidationError
from qnapp.text import (
    Query,
    SearchText,
    clean_text,
    fold_key,
    format_date,
    format_nd30_date,
    format_number,
    format_percent,
    matches,
    nfc,
    now_iso,
    parse_date,
    parse_number,
    search_key,
    vi_sort_key,
    vi_sorted,
)


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


PLACES = [
    "An Sinh", "Ân Lạc", "Ba Chẽ", "Bình Liêu", "Cẩm Phả", "Cô Tô", "Dương Huy",
    "Đầm Hà", "Đông Triều", "Uông Bí", "Ứng Hòa", "Vân Đồn", "Zô",
]  # fmt: skip
TONES = ["ma", "mà", "mả", "mã", "má", "mạ", "mă", "mâ", "mb"]


def shuffled(items, seed=82):
    items = list(items)
    random.Random(seed).shuffle(items)
    return items


# --- normalisation ---------------------------------------------------------


def test_nfc_and_clean_text():
    assert nfc(nfd("Quảng Ninh")) == "Quảng Ninh"
    assert len(nfc(nfd("Việt"))) == 4
    assert clean_text("  Hạ \t Long\n\u00a0 ") == "Hạ Long"
    assert clean_text(nfd(" Đông  Triều ")) == "Đông Triều"
    assert clean_text(None) == ""


# --- collation -------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_vietnamese_order_of_place_names(seed):
    assert vi_sorted(shuffled(PLACES, seed)) == PLACES


def test_python_default_order_is_wrong_but_ours_is_not():
    # Why the key exists: code-point order puts Ân, Đ, Ứ after Z.
    assert sorted(PLACES) != PLACES


def test_tones_are_secondary_and_ordered_like_icu():
    assert vi_sorted(shuffled(TONES)) == TONES


def test_nfd_input_sorts_the_same():
    decomposed = [nfd(s) for s in shuffled(PLACES + TONES)]
    assert [nfc(s) for s in vi_sorted(decomposed)] == vi_sorted(PLACES + TONES)
    assert vi_sort_key(nfd("Đầm Hà")) == vi_sort_key("Đầm Hà")


def test_letters_before_tones_and_case_last():
    # Letter differences win over tone differences anywhere in the string.
    assert vi_sorted(["Đài Xuyên", "Đại Bình", "Đại Yên"]) == ["Đại Bình", "Đài Xuyên", "Đại Yên"]
    assert vi_sorted(["An", "an", "ăn", "Ăn"]) == ["an", "An", "ăn", "Ăn"]
    assert vi_sorted(["dê", "đa", "de", "da"]) == ["da", "de", "dê", "đa"]
    # f j w z sit in their Latin places.
    assert vi_sorted(["z", "y", "w", "v", "j", "i", "f", "g"]) == list("fgijvwyz")


def test_spaces_and_numbers():
    assert vi_sorted(["Hà Tu", "Hà  An", " Hàb"]) == ["Hà  An", "Hà Tu", " Hàb"]
    assert vi_sorted(["Móng Cái 10", "Móng Cái 2", "Móng Cái 1"]) == [
        "Móng Cái 1", "Móng Cái 2", "Móng Cái 10",
    ]  # fmt: skip


def test_tone_placement_does_not_change_order():
    key_a, key_b = vi_sort_key("Hòa Bình"), vi_sort_key("Hoà Bình")
    assert key_a[:3] == key_b[:3]  # only the final tie-break (raw text) differs
    assert vi_sorted(["Hoà Lạc", "Hòa Bình"]) == ["Hòa Bình", "Hoà Lạc"]


def test_vi_sorted_with_key_and_reverse():
    rows = [{"n": n} for n in shuffled(PLACES)]
    assert [r["n"] for r in vi_sorted(rows, key=lambda r: r["n"])] == PLACES
    assert vi_sorted(PLACES, reverse=True) == PLACES[::-1]


# --- search keys -----------------------------------------------------------


@pytest.mark.parametrize(
    "a, b",
    [
        ("Hòa", "Hoà"),
        ("Thủy", "Thuỷ"),
        ("HÒA BÌNH", "hoà bình"),
        ("Khỏe", "khoẻ"),
        ("ngòai", "ngoài"),
        (nfd("Hải Hòa"), "Hải Hoà"),
        ("  Quý  ", "quý"),
    ],
)
def test_search_key_canonical_tone_placement(a, b):
    assert search_key(a) == search_key(b)
    assert unicodedata.is_normalized("NFC", search_key(a))


def test_search_key_keeps_real_differences():
    assert search_key("Hà") != search_key("Hạ")
    assert search_key("già") != search_key("giầ")  # a vs â is another letter
    assert search_key("Đông") != search_key("Dông")


def test_fold_key():
    assert fold_key("Hạ Long") == "ha long"
    assert fold_key(nfd("ĐÔNG TRIỀU")) == "dong trieu"
    assert fold_key("Ðông") == "dong"  # Icelandic Ð from legacy converters
    assert fold_key("Ứng Hoà") == fold_key("ứng hòa") == "ung hoa"


@pytest.mark.parametrize("query", ["ha long", "hạ long", "HẠ LONG", "HA LONG", "Hạ", "lon", nfd("hạ long")])
def test_matches_with_and_without_diacritics(query):
    assert matches(query, "Phường Hạ Long")


def test_matches_tone_placement_and_strict_diacritics():
    assert matches("hoà", "Xã Hòa Bình")
    assert matches("Hòa", "Phường Hải Hoà")
    assert matches("thuy", "Phường Cẩm Thủy")
    assert matches("thuỷ", "Phường Cẩm Thủy")
    # A word typed with diacritics means those diacritics.
    assert not matches("hà", "Phường Hạ Long")
    assert not matches("đong", "Dong")
    assert matches("dong", "Đông Triều")


def test_matches_word_start_by_default():
    assert matches("tri", "Đông Triều")
    assert not matches("an", "Thanh Sơn")
    assert matches("an", "Thanh Sơn", anywhere=True)
    assert not matches("ha long", "Hà Phong")  # every word must match
    assert matches("", "anything") and matches("  ", "anything")


def test_query_object_reuses_prepared_text():
    q = Query("cam pha")
    prepared = SearchText.of("Thành phố Cẩm Phả")
    assert q and q.matches(prepared) and not Query("uong").matches(prepared)
    assert not Query("")


# --- numbers ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("1.234", 1234),
        ("1.234,5", 1234.5),
        ("12,5", 12.5),
        (" 7 ", 7),
        ("1234", 1234),
        ("0", 0),
        ("0,5", 0.5),
        ("1.234.567,89", 1234567.89),
        ("-3", -3),
        ("\u22123", -3),
        ("12,0", 12.0),
    ],
)
def test_parse_number(text, value):
    result = parse_number(text)
    assert result == value
    assert type(result) is type(value)  # int unless a decimal part was written


def test_parse_number_passes_numbers_through():
    assert parse_number(5) == 5 and parse_number(2.5) == 2.5
    assert parse_number(Decimal("3")) == 3 and parse_number(Decimal("3.5")) == 3.5


@pytest.mark.parametrize(
    "text",
    [
        "1.23.4",  # malformed grouping: refused, not read as 1234
        "1.5",  # English decimal point: refused, not read as 15
        "0.5",
        "12.34",
        "1..234",
        ",5",
        "5,",
        "1,2,3",
    ],
)
def test_parse_number_rejects_bad_separators(text):
    with pytest.raises(ValidationError) as err:
        parse_number(text)
    message = str(err.value)
    assert "viết chưa đúng" in message and "dấu phẩy" in message and text in message
    assert unicodedata.is_normalized("NFC", message)


@pytest.mark.parametrize("text", ["abc", "12a", "1e5", "NaN", "Infinity", "1_000", "١٢", "1 234"])
def test_parse_number_rejects_text(text):
    with pytest.raises(ValidationError, match="không phải là số"):
        parse_number(text)


@pytest.mark.parametrize("text", ["", "   ", None])
def test_parse_number_rejects_empty(text):
    with pytest.raises(ValidationError, match="Chưa nhập số"):
        parse_number(text)


def test_parse_number_rejects_non_finite_and_bool():
    with pytest.raises(ValidationError):
        parse_number(float("nan"))
    with pytest.raises(ValidationError):
        parse_number(True)


@pytest.mark.parametrize(
    "value, decimals, text",
    [
        (1234, None, "1.234"),
        (1234.5, None, "1.234,5"),
        (1234567.891, None, "1.234.567,891"),
        (2 / 3, None, "0,667"),
        (12.0, None, "12"),
        (0, None, "0"),
        (-1234.5, None, "-1.234,5"),
        (1234, 2, "1.234,00"),
        (0.125, 2, "0,13"),  # half up, as by hand
        (2.5, 0, "3"),
        (-0.0001, 2, "0,00"),  # no "-0,00"
        (Decimal("1234.5"), 1, "1.234,5"),
    ],
)
def test_format_number(value, decimals, text):
    assert format_number(value, decimals) == text


def test_format_number_refuses_non_numbers():
    for bad in (float("nan"), float("inf"), Decimal("NaN")):
        with pytest.raises(ValueError):
            format_number(bad)
    with pytest.raises(TypeError):
        format_number(True)
    assert format_number(1e30) == "1.000.000.000.000.000.000.000.000.000.000"


def test_format_number_round_trips():
    for value in (0, 7, 1234, 1234.5, 1234567.25):
        assert parse_number(format_number(value)) == value
    assert format_number(None) == ""


def test_format_percent():
    assert format_percent(35.5) == "35,5%"
    assert format_percent(35) == "35,0%"
    assert format_percent(100, 0) == "100%"
    assert format_percent(1234.56, 2) == "1.234,56%"


# --- dates -----------------------------------------------------------------


def test_format_date():
    assert format_date(date(2021, 4, 8)) == "08/04/2021"
    assert format_date(date(2025, 12, 31)) == "31/12/2025"
    # An aware timestamp counts by the calendar day in Vietnam.
    assert format_date(datetime(2025, 6, 30, 18, 0, tzinfo=timezone.utc)) == "01/07/2025"
    assert format_date(None) == ""


@pytest.mark.parametrize("text", ["08/04/2021", "8/4/2021", "2021-04-08", " 8/04/2021 "])
def test_parse_date(text):
    assert parse_date(text) == date(2021, 4, 8)


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("", "Chưa nhập ngày"),
        ("31/02/2021", "không có trên lịch"),
        ("2021-02-30", "không có trên lịch"),
        ("8/4/21", "không đúng dạng"),  # two-digit year: ambiguous, refused
        ("04-08-2021", "không đúng dạng"),
        ("2021/04/08", "không đúng dạng"),
        ("hôm nay", "không đúng dạng"),
        ("08/04/0221", "không hợp lệ"),
    ],
)
def test_parse_date_rejects(text, fragment):
    with pytest.raises(ValidationError, match=fragment):
        parse_date(text)


def test_parse_date_round_trip():
    d = date(2026, 1, 5)
    assert parse_date(format_date(d)) == d
    assert parse_date(d) == d


@pytest.mark.parametrize(
    "d, text",
    [
        (date(2021, 4, 8), "ngày 08 tháng 4 năm 2021"),
        (date(2026, 1, 15), "ngày 15 tháng 01 năm 2026"),
        (date(2020, 2, 5), "ngày 05 tháng 02 năm 2020"),
        (date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
        (date(2026, 10, 10), "ngày 10 tháng 10 năm 2026"),
        (date(2026, 12, 31), "ngày 31 tháng 12 năm 2026"),
    ],
)
def test_format_nd30_date(d, text):
    assert format_nd30_date(d) == text


def test_now_iso_has_vietnam_offset_and_seconds():
    stamp = now_iso()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", stamp)
    parsed = datetime.fromisoformat(stamp)
    assert parsed.utcoffset() == timedelta(hours=7)
    assert abs(parsed - datetime.now(timezone.utc)) < timedelta(minutes=1)
