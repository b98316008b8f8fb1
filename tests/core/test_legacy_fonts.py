"""Legacy TCVN3 (.VnTime) and VNI-Windows text: tables, round trips, detection."""

import shutil
import subprocess
import unicodedata

import pytest

from qnapp.errors import ValidationError
from qnapp.legacy_fonts import (
    TCVN3,
    VIETNAMESE_LETTERS,
    VNI,
    LegacyTextError,
    convert_legacy,
    decode_tcvn3,
    decode_vni,
    encode_tcvn3,
    encode_vni,
    font_encoding,
    is_upper_font,
    looks_vietnamese,
    read_cell_text,
)

LOWER = [c for c in VIETNAMESE_LETTERS if c == c.lower()]
UPPER = [c for c in VIETNAMESE_LETTERS if c == c.upper()]
TCVN3_PLAIN_CAPITALS = "ĂÂÊÔƠƯĐ"


def test_the_134_letters():
    assert len(VIETNAMESE_LETTERS) == 134 and len(LOWER) == len(UPPER) == 67
    assert all(unicodedata.is_normalized("NFC", c) and len(c) == 1 for c in VIETNAMESE_LETTERS)
    assert {"ă", "ậ", "đ", "ỹ", "Ự", "Đ"} <= set(VIETNAMESE_LETTERS)


def test_fonts_are_recognised_by_name():
    for name in (".VnTime", ".VnTimeH", ".VnArial", ".VnArialH", ".VnCentury Schoolbook", " .vntime "):
        assert font_encoding(name) == TCVN3
    for name in ("VNI-Times", "VNI-Helve", "vni-aptima"):
        assert font_encoding(name) == VNI
    for name in ("Times New Roman", "Arial", "Calibri", "", None, "VNtimes new roman"):
        assert font_encoding(name) is None
    assert is_upper_font(".VnTimeH") and is_upper_font(".VnArialH")
    assert not is_upper_font(".VnTime") and not is_upper_font("VNI-Times")


def test_tcvn3_round_trip_of_every_letter():
    # .VnTime holds the 67 lower-case letters and 7 capitals without a tone.
    for letter in LOWER + list(TCVN3_PLAIN_CAPITALS):
        code = encode_tcvn3(letter)
        assert len(code) == 1 and 0xA0 < ord(code) <= 0xFF or code.isascii(), letter
        assert decode_tcvn3(code) == letter
    # Every capital through the "H" fonts, which draw the lower-case codes as capitals.
    for letter in UPPER:
        assert decode_tcvn3(encode_tcvn3(letter, upper=True), upper=True) == letter
    # 74 distinct byte values, none shared by two letters.
    codes = [encode_tcvn3(c) for c in LOWER + list(TCVN3_PLAIN_CAPITALS)]
    assert len(set(codes)) == len(codes) == 74


def test_tcvn3_capitals_with_tone_need_an_h_font():
    with pytest.raises(ValueError):
        encode_tcvn3("Ấ")


def test_tcvn3_table_agrees_with_glibc():
    """glibc's TCVN5712-1 is an independent source for the same byte values."""
    if shutil.which("iconv") is None:
        pytest.skip("iconv not installed")
    text = "".join(LOWER) + TCVN3_PLAIN_CAPITALS
    probe = subprocess.run(["iconv", "-f", "UTF-8", "-t", "TCVN5712-1"], input=text.encode(), capture_output=True)
    if probe.returncode != 0:
        pytest.skip("iconv without TCVN5712-1")
    # glibc writes a letter as base + combining tone where the two-byte form exists; decode
    # its bytes back instead, which is unambiguous for the precomposed codes we use.
    ours = encode_tcvn3(text).encode("latin-1")
    back = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=ours, capture_output=True, check=True)
    assert unicodedata.normalize("NFC", back.stdout.decode()) == text


def test_vni_round_trip_of_every_letter():
    codes = {}
    for letter in VIETNAMESE_LETTERS:
        code = encode_vni(letter)
        assert 1 <= len(code) <= 2, letter
        assert decode_vni(code) == letter
        codes[code] = letter
    assert len(codes) == 134  # no two letters share a code
    # Whole words: the decoder must take the longest match, left to right.
    for word in ("Đường", "người", "Nguyễn", "khuỷu", "ngoặc", "Quảng Ninh", "ƯỚC", "giường", "thuở", "hoạ"):
        assert decode_vni(encode_vni(word)) == word


def test_known_samples():
    assert decode_vni("Xin chaøo caùc baïn") == "Xin chào các bạn"  # vietnamese-conversion README
    assert decode_vni("Ñaø Naüng") == "Đà Nẵng"
    assert decode_vni("ÑÖÔØNG") == "ĐƯỜNG"
    assert decode_tcvn3("Qu¶ng Ninh") == "Quảng Ninh"
    assert decode_tcvn3("B¶o Th¾ng") == "Bảo Thắng"
    assert decode_tcvn3("M\xadêng Kh\xad¬ng") == "Mường Khương"
    assert decode_tcvn3("b¸o c¸o", upper=True) == "BÁO CÁO"


def test_decoders_refuse_characters_outside_their_table():
    with pytest.raises(LegacyTextError):
        decode_tcvn3("°C")  # 0xB0 is not a letter of the .Vn fonts
    with pytest.raises(LegacyTextError):
        decode_vni("ù")  # a mark with no letter under it
    assert isinstance(LegacyTextError("x"), ValidationError)


def test_results_are_nfc():
    for text, font in (("Qu¶ng Ninh", ".VnTime"), ("Ñaø Naüng", "VNI-Times")):
        out = convert_legacy(text, font)
        assert unicodedata.is_normalized("NFC", out)


def test_legacy_font_cells_are_converted():
    reading = read_cell_text("B¸o c¸o kÕt qu¶ thùc hiÖn", ".VnTime")
    assert reading.text == "Báo cáo kết quả thực hiện" and reading.encoding == TCVN3 and reading.converted
    assert read_cell_text("b¸o c¸o", ".VnTimeH").text == "BÁO CÁO"
    assert read_cell_text("Ñöôøng Nguyeãn Vaên Cöø", "VNI-Times").text == "Đường Nguyễn Văn Cừ"
    # Plain ASCII reads the same in any font (numbers typed in an old template).
    assert read_cell_text("1.234", ".VnTime").text == "1.234" and not read_cell_text("1.234", ".VnTime").converted


def test_unicode_typed_into_an_old_font_cell_is_kept():
    # Letters only Unicode has: the text was typed in Unicode.
    assert read_cell_text("Thị trấn Tiên Yên", ".VnTime").text == "Thị trấn Tiên Yên"
    assert not read_cell_text("Thị trấn Tiên Yên", "VNI-Times").converted
    # Latin-1 letters only: the TCVN3 reading ("Tiờn Yờn") is not Vietnamese, the text is.
    assert read_cell_text("Tiên Yên", ".VnTime").text == "Tiên Yên"


def test_mixed_or_unreadable_text_is_refused_not_stored_garbled():
    with pytest.raises(LegacyTextError) as err:
        read_cell_text("Quảng Ninh vµ", ".VnTime")
    assert "Unicode" in str(err.value)
    with pytest.raises(LegacyTextError) as err:
        read_cell_text("xyz¶", ".VnTime")
    assert "gõ lại bằng Unicode" in str(err.value)


def test_tell_tale_characters_without_the_font():
    # Copied out of an old document into a Times New Roman cell.
    assert read_cell_text("Qu¶ng Ninh", "Times New Roman").text == "Quảng Ninh"
    assert read_cell_text("Qu¶ng Ninh", "Times New Roman").encoding == TCVN3
    assert read_cell_text("Xin chaøo caùc baïn", "Arial").encoding == VNI
    assert convert_legacy("Ng\xadêi d©n") == "Người dân"
    assert convert_legacy("B¸o c¸o – 2025") == "Báo cáo – 2025"  # a Windows dash does not make it Unicode
    with pytest.raises(LegacyTextError):
        read_cell_text("Quảng Ninh vµ Qu¶ng", "Times New Roman")  # half Unicode, half TCVN3
    # Unicode Vietnamese and ordinary text are left alone.
    for text in ("Tiên Yên", "Cô Tô", "Hà Nội", "«Gửi báo cáo»", "Café © 2025", "GBV_VICTIMS", "1.234,5"):
        reading = read_cell_text(text, "Times New Roman")
        assert reading.text == unicodedata.normalize("NFC", text) and not reading.converted, text


def test_a_text_both_tables_read_as_vietnamese_is_refused():
    with pytest.raises(LegacyTextError) as err:
        read_cell_text("æn", "Arial")  # VNI «ỉn», TCVN3 «ổn»
    assert set(err.value.readings) == {"ỉn", "ổn"} and "không rõ bảng mã" in str(err.value)
    assert convert_legacy("æn", "VNI-Times") == "ỉn" and convert_legacy("æn", ".VnTime") == "ổn"


def test_looks_vietnamese():
    assert looks_vietnamese("Quảng Ninh, Đông Triều, khuỷu tay, người, giữa, quốc, thuở")
    assert looks_vietnamese("Report 2025")  # ASCII words are not judged
    assert not looks_vietnamese("Tiờn Yờn")
    assert not looks_vietnamese("Qu¶ng")
    assert not looks_vietnamese("chaøo")
