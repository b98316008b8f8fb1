"""Text typed in the legacy 8-bit Vietnamese fonts: TCVN3 (ABC) and VNI-Windows.

Before Unicode, Vietnamese offices typed in fonts whose glyphs sit on Latin-1 code
points: in a cell formatted ``.VnTime`` the text ``Qu¶ng Ninh`` *shows* as "Quảng
Ninh"; in ``VNI-Times``, ``Xin chaøo`` shows as "Xin chào". Excel keeps the Latin-1
characters, so a file read without the font is garbled. Python has no codec for either
encoding (``docs/sources.md`` §5.3); the tables are here.

- **TCVN3 / ABC** (TCVN 5712:1993, the VN3 subset the ``.Vn*`` fonts use): one byte per
  letter, the 67 lower-case letters plus Ă Â Ê Ô Ơ Ư Đ. Upper-case letters with a tone
  exist only through the "H" fonts (``.VnTimeH``, ``.VnArialH`` …), which draw the
  lower-case codes (and ASCII) as capitals. The byte values agree with glibc's
  ``TCVN5712-1`` (the tests check it where ``iconv`` exists).
- **VNI-Windows** (``VNI-Times``, ``VNI-Helve`` …): a base letter followed by a mark
  character (``a`` + ``ù`` = á, ``a`` + ``â`` = â, ``a`` + ``á`` = ấ), with a few letters
  as single characters (``ñ`` = đ, ``ô`` = ơ, ``ö`` = ư, ``í ì æ ó ò`` = í ì ỉ ĩ ị,
  ``î`` = ỵ). Decoding takes the longest match first.

``read_cell_text`` decides, from the cell's font name *and* the characters, whether a
text is legacy and converts it to Unicode NFC; when the reading is not certain it raises
``LegacyTextError`` (a ``ValidationError`` with a Vietnamese message), so that no text is
ever stored garbled. ``convert_legacy(text, font_name)`` returns the Unicode text only.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from qnapp.errors import ValidationError
from qnapp.i18n import _

__all__ = [
    "TCVN3",
    "VNI",
    "LegacyTextError",
    "Reading",
    "font_encoding",
    "is_upper_font",
    "decode_tcvn3",
    "encode_tcvn3",
    "decode_vni",
    "encode_vni",
    "read_cell_text",
    "convert_legacy",
    "describe",
    "looks_vietnamese",
    "has_tell_tales",
    "VIETNAMESE_LETTERS",
]

TCVN3 = "tcvn3"
VNI = "vni"

ENCODING_NAMES = {TCVN3: "TCVN3 (ABC)", VNI: "VNI"}

# Tone order used by both tables below: none, sắc, huyền, hỏi, ngã, nặng.
_TONE_MARKS = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")


def _with_tones(letter: str) -> tuple[str, ...]:
    return tuple(unicodedata.normalize("NFC", letter + mark) for mark in _TONE_MARKS)


_VOWELS = "aăâeêioôơuưy"
# The 134 letters of Vietnamese beyond ASCII: 12 vowels × 6 tones less the 6 plain ASCII
# vowels, đ, and their capitals (NFC).
_LOWER = tuple(v for base in _VOWELS for v in _with_tones(base) if not v.isascii()) + ("đ",)
VIETNAMESE_LETTERS: tuple[str, ...] = _LOWER + tuple(c.upper() for c in _LOWER)
assert len(VIETNAMESE_LETTERS) == 134 and len(set(VIETNAMESE_LETTERS)) == 134

# ---------------------------------------------------------------------------
# TCVN3 (ABC): byte values, tones in the order none, sắc, huyền, hỏi, ngã, nặng.
# A str entry is the ASCII letter itself.

_TCVN3_ROWS: dict[str, tuple[int | str, ...]] = {
    "a": ("a", 0xB8, 0xB5, 0xB6, 0xB7, 0xB9),
    "ă": (0xA8, 0xBE, 0xBB, 0xBC, 0xBD, 0xC6),
    "â": (0xA9, 0xCA, 0xC7, 0xC8, 0xC9, 0xCB),
    "e": ("e", 0xD0, 0xCC, 0xCE, 0xCF, 0xD1),
    "ê": (0xAA, 0xD5, 0xD2, 0xD3, 0xD4, 0xD6),
    "i": ("i", 0xDD, 0xD7, 0xD8, 0xDC, 0xDE),
    "o": ("o", 0xE3, 0xDF, 0xE1, 0xE2, 0xE4),
    "ô": (0xAB, 0xE8, 0xE5, 0xE6, 0xE7, 0xE9),
    "ơ": (0xAC, 0xED, 0xEA, 0xEB, 0xEC, 0xEE),
    "u": ("u", 0xF3, 0xEF, 0xF1, 0xF2, 0xF4),
    "ư": (0xAD, 0xF8, 0xF5, 0xF6, 0xF7, 0xF9),
    "y": ("y", 0xFD, 0xFA, 0xFB, 0xFC, 0xFE),
}
_TCVN3_SINGLE = {"đ": 0xAE, "Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7}


def _build_tcvn3() -> tuple[dict[str, str], dict[str, str]]:
    decode: dict[str, str] = {}
    encode: dict[str, str] = {}
    for base, codes in _TCVN3_ROWS.items():
        for letter, code in zip(_with_tones(base), codes):
            char = code if isinstance(code, str) else chr(code)  # Latin-1 = the byte
            encode[letter] = char
            if not isinstance(code, str):
                decode[char] = letter
    for letter, code in _TCVN3_SINGLE.items():
        encode[letter] = chr(code)
        decode[chr(code)] = letter
    return decode, encode


_TCVN3_DECODE, _TCVN3_ENCODE = _build_tcvn3()
assert len(_TCVN3_DECODE) == 74  # 67 lower-case letters (all but a e i o u y) + 7 capitals

# ---------------------------------------------------------------------------
# VNI-Windows: base character(s) + mark, tones in the order none, sắc, huyền, hỏi, ngã, nặng.

_VNI_TONE = ("", "ù", "ø", "û", "õ", "ï")
_VNI_CIRCUMFLEX = ("â", "á", "à", "å", "ã", "ä")  # â, ấ, ầ, ẩ, ẫ, ậ
_VNI_BREVE = ("ê", "é", "è", "ú", "ü", "ë")  # ă, ắ, ằ, ẳ, ẵ, ặ

_VNI_ROWS: dict[str, tuple[str, ...]] = {
    "a": tuple("a" + m for m in _VNI_TONE),
    "â": tuple("a" + m for m in _VNI_CIRCUMFLEX),
    "ă": tuple("a" + m for m in _VNI_BREVE),
    "e": tuple("e" + m for m in _VNI_TONE),
    "ê": tuple("e" + m for m in _VNI_CIRCUMFLEX),
    "i": ("i", "í", "ì", "æ", "ó", "ò"),
    "o": tuple("o" + m for m in _VNI_TONE),
    "ô": tuple("o" + m for m in _VNI_CIRCUMFLEX),
    "ơ": tuple("ô" + m for m in _VNI_TONE),
    "u": tuple("u" + m for m in _VNI_TONE),
    "ư": tuple("ö" + m for m in _VNI_TONE),
    "y": ("y", "yù", "yø", "yû", "yõ", "î"),
}


def _build_vni() -> tuple[dict[str, str], dict[str, str]]:
    decode: dict[str, str] = {}
    encode: dict[str, str] = {}
    rows = [(_with_tones(base), codes) for base, codes in _VNI_ROWS.items()]
    rows.append((("đ",), ("ñ",)))
    for letters, codes in rows:
        for letter, code in zip(letters, codes):
            for case_letter, case_code in ((letter, code), (letter.upper(), code.upper())):
                encode[case_letter] = case_code
                if not case_code.isascii():  # plain ASCII letters decode to themselves
                    decode[case_code] = case_letter
    # Lenient reading of mixed case ("Aù" from a tool that forgot the capital mark) and
    # of "yï" for ỵ, which some converters write instead of "î".
    for code, letter in list(decode.items()):
        if len(code) == 2:
            decode.setdefault(code[0] + code[1].swapcase(), letter)
    decode.setdefault("yï", "ỵ")
    decode.setdefault("YÏ", "Ỵ")
    decode.setdefault("Yï", "Ỵ")
    decode.setdefault("yÏ", "ỵ")
    return decode, encode


_VNI_DECODE, _VNI_ENCODE = _build_vni()

# ---------------------------------------------------------------------------
# Fonts


def font_encoding(font_name: str | None) -> str | None:
    """TCVN3 for ``.VnTime``, ``.VnTimeH``, ``.VnArial`` … (any ``.Vn*``), VNI for
    ``VNI-Times``, ``VNI-Helve`` … (any ``VNI-*``); None for a Unicode font."""
    name = (font_name or "").strip()
    folded = name.casefold()
    if folded.startswith(".vn"):
        return TCVN3
    if folded.startswith("vni-") or folded.startswith("vni "):
        return VNI
    return None


def is_upper_font(font_name: str | None) -> bool:
    """The TCVN3 "H" fonts (``.VnTimeH``, ``.VnArialH``) draw every letter as a capital."""
    name = (font_name or "").strip()
    return font_encoding(name) == TCVN3 and name.endswith("H")


# ---------------------------------------------------------------------------
# Codecs


class LegacyTextError(ValidationError):
    """A text in a legacy font that cannot be read with certainty; the message says why."""

    def __init__(self, message: str, encoding: str | None = None, readings: tuple[str, ...] = ()):
        super().__init__(message)
        self.encoding = encoding
        self.readings = readings


def _unmapped(text: str, encoding: str, char: str) -> LegacyTextError:
    return LegacyTextError(
        _("Chữ «{text}» có ký tự «{char}» không thuộc bảng mã {encoding}.").format(
            text=text, char=char, encoding=ENCODING_NAMES[encoding]
        ),
        encoding,
    )


def _is_plain(char: str) -> bool:
    """Characters both encodings leave as they are: ASCII and what lies above Latin-1
    (dashes, curly quotes, … that Windows kept from its ANSI code page)."""
    return ord(char) < 0x80 or ord(char) > 0xFF


def decode_tcvn3(text: str, *, upper: bool = False) -> str:
    """TCVN3 (ABC) text as Excel keeps it (Latin-1 characters) → Unicode NFC.

    ``upper``: the text is in an "H" font, so it shows in capitals. Raises
    LegacyTextError for a Latin-1 character that the fonts do not use for a letter.
    """
    out = []
    for char in text:
        if char in _TCVN3_DECODE:
            out.append(_TCVN3_DECODE[char])
        elif char == "\u00a0":
            out.append(" ")
        elif _is_plain(char):
            out.append(char)
        else:
            raise _unmapped(text, TCVN3, char)
    result = unicodedata.normalize("NFC", "".join(out))
    return result.upper() if upper else result


def encode_tcvn3(text: str, *, upper: bool = False) -> str:
    """Unicode → TCVN3 as the Latin-1 characters a ``.VnTime`` cell holds (the inverse of
    ``decode_tcvn3``; used by the tests). ``upper``: for a ``.VnTimeH`` cell, where
    capitals are written with the lower-case codes. Capitals with a tone have no code in
    a plain font: ValueError."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        if upper and char.isalpha():
            lower = char.lower()
            out.append(_TCVN3_ENCODE.get(lower, lower))
        elif char in _TCVN3_ENCODE:
            out.append(_TCVN3_ENCODE[char])
        elif ord(char) < 0x80:
            out.append(char)
        else:
            raise ValueError(f"{char!r} has no TCVN3 code in a plain (non-H) font")
    return "".join(out)


def decode_vni(text: str) -> str:
    """VNI-Windows text as Excel keeps it → Unicode NFC; longest match first (a base
    letter with its mark before the letter alone). Raises LegacyTextError for a mark
    without a letter to sit on, or another Latin-1 character."""
    out = []
    i = 0
    while i < len(text):
        pair = text[i : i + 2]
        if len(pair) == 2 and pair in _VNI_DECODE:
            out.append(_VNI_DECODE[pair])
            i += 2
            continue
        char = text[i]
        if char in _VNI_DECODE:
            out.append(_VNI_DECODE[char])
        elif char == "\u00a0":
            out.append(" ")
        elif _is_plain(char):
            out.append(char)
        else:
            raise _unmapped(text, VNI, char)
        i += 1
    return unicodedata.normalize("NFC", "".join(out))


def encode_vni(text: str) -> str:
    """Unicode → VNI-Windows as Latin-1 characters (the inverse of ``decode_vni``)."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        if char in _VNI_ENCODE:
            out.append(_VNI_ENCODE[char])
        elif ord(char) < 0x80:
            out.append(char)
        else:
            raise ValueError(f"{char!r} has no VNI code")
    return "".join(out)


_DECODERS = {TCVN3: decode_tcvn3, VNI: decode_vni}

# ---------------------------------------------------------------------------
# Is a text plausible Vietnamese?  (to tell a right reading from a garbled one)

_TONE_SET = frozenset(_TONE_MARKS[1:])
_MODIFIED = {
    ("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô", ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư",
}
_INITIALS = frozenset(
    "b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x".split()
) | {""}
_FINALS = frozenset("c ch m n ng nh p t".split()) | {""}
_NUCLEI = frozenset(
    """a ă â e ê i o ô ơ u ư y
    ai ao au ay âu ây eo êu ia iê iu oa oă oe oi oo ôi ơi ua uâ uê ui uô uơ uy
    ưa ưi ươ ưu yê
    iêu yêu oai oao oay oeo uây uôi uya uyê uyu ươi ươu""".split()
)
# Latin-1 symbols the legacy fonts use as letters; inside a word they betray legacy text.
_LEGACY_SYMBOLS = frozenset(
    chr(c) for c in range(0xA1, 0xC0) if chr(c) not in "«»"
) | frozenset("×÷")


# Nuclei that end in a glide (i y o u) take no final consonant and no tone on the glide;
# those with ă â iê yê uô ươ uyê oă uâ need a final consonant.
_GLIDE_END = frozenset(
    "ai ao au ay âu ây eo êu iu oi ôi ơi ui ưi ưu iêu yêu oai oao oay oeo uây uôi ươi ươu uyu".split()
)
_NEED_FINAL = frozenset("ă â iê yê uô ươ uyê oă uâ".split())
_MODIFIED_VOWELS = frozenset("ăâêôơư")


def _syllable_ok(word: str) -> bool:
    """One well-formed Vietnamese syllable (any case, old or new tone placement):
    initial + nucleus + final from the spelling rules, at most one tone, on a vowel that
    can carry it."""
    letters: list[str] = []
    toned: list[int] = []
    for char in unicodedata.normalize("NFD", word.lower()):
        if char in _TONE_SET:
            if not letters:
                return False
            toned.append(len(letters) - 1)
            continue
        if unicodedata.combining(char):
            if not letters or (letters[-1], char) not in _MODIFIED:
                return False
            letters[-1] = _MODIFIED[(letters[-1], char)]
            continue
        if char == "đ" or "a" <= char <= "z":
            letters.append(char)
        else:
            return False
    if len(toned) > 1 or any(c in "fjwz" for c in letters):
        return False
    vowel_at = [i for i, c in enumerate(letters) if c in _VOWELS]
    if not vowel_at:
        return False
    first, last = vowel_at[0], vowel_at[-1]
    if last - first + 1 != len(vowel_at):
        return False  # a consonant between vowels: two syllables run together
    initial = "".join(letters[:first])
    final = "".join(letters[last + 1 :])
    if final not in _FINALS:
        return False
    splits = [(initial, first)]
    if initial in ("q", "g") and last > first and letters[first] == ("u" if initial == "q" else "i"):
        splits.append((initial + letters[first], first + 1))  # qu-, gi- take their u / i
    for start_initial, start in splits:
        nucleus = "".join(letters[start : last + 1])
        if start_initial not in _INITIALS or nucleus not in _NUCLEI:
            continue
        if final and nucleus in _GLIDE_END:
            continue
        if not final and nucleus in _NEED_FINAL:
            continue
        if final in ("ch", "nh") and nucleus[-1] not in "aêiy":
            continue  # "anh", "ếch", "uynh"; never "ổch"
        if final in ("c", "ng") and nucleus[-1] in "iy":
            continue
        if toned:
            at = toned[0]
            if not start <= at <= last and not (start_initial == "gi" and at == start - 1 and start == last):
                continue  # the tone sits on the u of qu- or the i of gi- (allowed only in "gì")
            if nucleus in _GLIDE_END and at == last:
                continue  # "aỷ", "aù": the glide never carries the tone
            if any(c in _MODIFIED_VOWELS for c in nucleus) and letters[at] not in _MODIFIED_VOWELS:
                continue  # "uố", never "úô"
        return True
    return False


def _words(text: str) -> list[str]:
    """Runs of letters, legacy symbols counting as letters; « and » only between letters."""
    words: list[str] = []
    current: list[str] = []
    for i, char in enumerate(text):
        inside = char.isalpha() or char in _LEGACY_SYMBOLS or char == "\u00ad"
        if char in "«»":
            before = text[i - 1] if i else ""
            after = text[i + 1] if i + 1 < len(text) else ""
            inside = before.isalpha() and after.isalpha()
        if inside:
            current.append(char)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


_VIETNAMESE_LATIN1 = frozenset("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")


def _is_tell_tale(char: str) -> bool:
    """A Latin-1 character that no Vietnamese Unicode word holds but the legacy fonts
    use for a letter: ¶ µ ¸ ® … (TCVN3), ø ù ï ñ ö … (VNI and TCVN3), the soft hyphen."""
    return 0xA0 < ord(char) <= 0xFF and char not in _VIETNAMESE_LATIN1 and char not in "«»"


def has_tell_tales(text: str) -> bool:
    """A word (two characters or more, with a letter) holding a tell-tale character."""
    for word in _words(unicodedata.normalize("NFC", text)):
        if len(word) > 1 and any(c.isalpha() for c in word) and any(_is_tell_tale(c) for c in word):
            return True
    return False


def looks_vietnamese(text: str) -> bool:
    """Every word with a letter beyond ASCII is a well-formed Vietnamese syllable (words
    of plain ASCII letters, codes and numbers are not judged)."""
    for word in _words(unicodedata.normalize("NFC", text)):
        if word.isascii():
            continue
        if not _syllable_ok(word):
            return False
    return True


def _has_unicode_vietnamese(text: str) -> bool:
    """A letter that only Unicode can hold (ă đ ơ ư ĩ ũ, ạ … ỹ): the text is not legacy."""
    for char in unicodedata.normalize("NFC", text):
        if ord(char) > 0xFF and char.isalpha():
            return True
    return False


# ---------------------------------------------------------------------------
# Reading a cell


@dataclass(frozen=True)
class Reading:
    """What a cell's text says, in Unicode NFC."""

    text: str
    encoding: str | None  # TCVN3 / VNI when the text was converted, else None
    font: str = ""

    @property
    def converted(self) -> bool:
        return self.encoding is not None


def _label(encoding: str, font: str) -> str:
    name = ENCODING_NAMES[encoding]
    return _("{encoding}, phông {font}").format(encoding=name, font=font) if font else name


def read_cell_text(text: str, font_name: str | None = None) -> Reading:
    """The Unicode NFC text of a cell, converting legacy TCVN3 / VNI text.

    - Font ``.Vn*`` / ``VNI-*``: the text is read with that font's table, unless it
      already holds letters only Unicode has (then it was typed in Unicode). A reading
      that is not Vietnamese while the raw text is (Unicode typed into an old cell) keeps
      the raw text; when neither is Vietnamese the text is refused.
    - Another font: a text of Latin-1 characters that is not Vietnamese as it stands but
      reads as Vietnamese in exactly one legacy table (tell-tale characters such as
      ``¶ µ ¸`` or ``ø ù ï``) is converted; when both tables or neither give Vietnamese,
      the text is refused rather than guessed.

    Raises LegacyTextError with a Vietnamese message.
    """
    raw = text
    nfc = unicodedata.normalize("NFC", raw)
    font = (font_name or "").strip()
    encoding = font_encoding(font)
    if encoding is not None:
        upper = is_upper_font(font)
        if _has_unicode_vietnamese(nfc):
            if has_tell_tales(nfc):
                raise LegacyTextError(
                    _("Chữ «{text}» (phông {font}) lẫn cả chữ Unicode và chữ mã cũ; hãy gõ lại bằng Unicode.").format(
                        text=raw, font=font
                    ),
                    encoding,
                )
            return Reading(nfc, None, font)
        decoded = _DECODERS[encoding](raw, upper=upper) if encoding == TCVN3 else _DECODERS[encoding](raw)
        if decoded == nfc or looks_vietnamese(decoded):
            return Reading(decoded, encoding if decoded != nfc else None, font)
        if looks_vietnamese(nfc) and not has_tell_tales(nfc):
            return Reading(nfc, None, font)  # Unicode typed into a cell of the old font
        raise LegacyTextError(
            _("Chữ «{text}» (phông {font}) đọc theo bảng mã {encoding} thành «{reading}», không phải tiếng Việt "
              "hợp lệ; hãy gõ lại bằng Unicode.").format(
                text=raw, font=font, encoding=ENCODING_NAMES[encoding], reading=decoded
            ),
            encoding,
            (decoded,),
        )
    if not has_tell_tales(nfc) or looks_vietnamese(nfc):
        return Reading(nfc, None, font)
    if _has_unicode_vietnamese(nfc):
        raise LegacyTextError(
            _("Chữ «{text}» lẫn cả chữ Unicode và chữ gõ bằng phông cũ; hãy gõ lại bằng Unicode.").format(text=raw)
        )
    readings: dict[str, str] = {}
    for candidate in (TCVN3, VNI):
        try:
            decoded = _DECODERS[candidate](raw)
        except LegacyTextError:
            continue
        if decoded != nfc and looks_vietnamese(decoded):
            readings[candidate] = decoded
    if len(readings) == 1:
        (candidate, decoded), = readings.items()
        return Reading(decoded, candidate, font)
    if len(readings) > 1:
        raise LegacyTextError(
            _("Chữ «{text}» có vẻ gõ bằng phông cũ nhưng không rõ bảng mã: TCVN3 đọc là «{tcvn3}», VNI đọc là "
              "«{vni}». Hãy chuyển sang Unicode (Unikey Toolkit) rồi nhập lại.").format(
                text=raw, tcvn3=readings[TCVN3], vni=readings[VNI]
            ),
            None,
            tuple(readings.values()),
        )
    raise LegacyTextError(
        _("Chữ «{text}» không đọc được thành tiếng Việt (có thể gõ bằng phông cũ). Hãy gõ lại bằng Unicode.").format(
            text=raw
        )
    )


def convert_legacy(text: str, font_name: str | None = None) -> str:
    """``text`` from a cell in font ``font_name`` as Unicode NFC; raises LegacyTextError
    when it cannot be read with certainty (see ``read_cell_text``)."""
    return read_cell_text(text, font_name).text


def describe(reading: Reading) -> str:
    """«TCVN3 (ABC), phông .VnTime» (or «VNI» when told by the characters) for messages."""
    if not reading.encoding:
        return ""
    return _label(reading.encoding, reading.font if font_encoding(reading.font) else "")
