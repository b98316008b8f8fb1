"""Vietnamese text: NFC, collation, search keys, locale numbers and dates.

Pure functions, no Qt, no ICU. Every text that enters the app (keyboard, paste, files)
goes through ``nfc``/``clean_text`` first: Unikey "tổ hợp" and old Windows tools produce
decomposed (NFD) text that looks identical but compares unequal.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any, TypeVar

from qnapp.errors import ValidationError
from qnapp.i18n import _

__all__ = [
    "LOCALE",
    "VN_TZ",
    "nfc",
    "clean_text",
    "vi_sort_key",
    "vi_sorted",
    "search_key",
    "fold_key",
    "matches",
    "Query",
    "SearchText",
    "parse_number",
    "format_number",
    "format_percent",
    "format_date",
    "parse_date",
    "format_nd30_date",
    "now_iso",
]

LOCALE = "vi_VN"
VN_TZ = timezone(timedelta(hours=7), "ICT")

T = TypeVar("T")

# ---------------------------------------------------------------------------
# Normalisation


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


_WS = re.compile(r"\s+")


def clean_text(s: str | None) -> str:
    """NFC, trimmed, inner whitespace (incl. NBSP, tabs, newlines) collapsed to one space."""
    if s is None:
        return ""
    return _WS.sub(" ", nfc(s)).strip()


# ---------------------------------------------------------------------------
# Letters: base letter + modifier (ă â ê ô ơ ư) + tone, read from NFD

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"  # Vietnamese order, f j w z in Latin places
_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}

_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"
_MODIFIED = {
    ("a", _BREVE): "ă",
    ("a", _CIRCUMFLEX): "â",
    ("e", _CIRCUMFLEX): "ê",
    ("o", _CIRCUMFLEX): "ô",
    ("o", _HORN): "ơ",
    ("u", _HORN): "ư",
}
# Tone marks → secondary weight in ICU vi order: ngang < huyền < hỏi < ngã < sắc < nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Legacy converters write Icelandic Ð (U+00D0) for Đ; it looks the same.
_ETH = {"\u00d0": "\u0110", "\u00f0": "\u0111"}
_VOWELS = set("aăâeêioôơuưy")


def _clusters(s: str) -> list[tuple[str, list[str]]]:
    """NFD clusters: (base character, its combining marks)."""
    out: list[tuple[str, list[str]]] = []
    for ch in unicodedata.normalize("NFD", s):
        if unicodedata.combining(ch) and out:
            out[-1][1].append(ch)
        else:
            out.append((_ETH.get(ch, ch), []))
    return out


def _letter(base: str, marks: list[str]) -> str:
    """Vietnamese letter (lower case) of a cluster, e.g. ('O', [horn, acute]) → 'ơ'."""
    low = base.lower()
    for mark in marks:
        if (low, mark) in _MODIFIED:
            return _MODIFIED[(low, mark)]
    return low


def _tone(marks: list[str]) -> int:
    for mark in marks:
        if mark in _TONES:
            return _TONES[mark]
    return 0


# ---------------------------------------------------------------------------
# Collation


def vi_sort_key(s: str) -> tuple:
    """Sort key giving Vietnamese dictionary order without ICU.

    Primary: letters (a < ă < â < b … d < đ …), spaces before punctuation before numbers
    (compared by value, so "Móng Cái 2" < "Móng Cái 10") before letters. Secondary: the
    tone of each syllable, wherever the mark sits (Hòa and Hoà weigh the same). Tertiary:
    lower case first. Last: the NFC text, so equal-looking inputs order deterministically.
    """
    text = clean_text(s)
    primary: list[tuple[int, int]] = []
    tertiary: list[int] = []
    tones: list[int] = []
    in_word = False
    digits = ""

    def flush_digits() -> None:
        nonlocal digits
        if digits:
            primary.append((2, int(digits)))
            tertiary.append(len(digits))  # "01" after "1"
            digits = ""

    for base, marks in _clusters(text):
        if "0" <= base <= "9":
            digits += base
            in_word = False
            continue
        flush_digits()
        if base.isalpha():
            letter = _letter(base, marks)
            rank = _RANK.get(letter)
            primary.append((3, rank) if rank is not None else (4, ord(letter)))
            tertiary.append(0 if base == base.lower() else 1)
            if not in_word:
                tones.append(0)
                in_word = True
            if not tones[-1]:
                tones[-1] = _tone(marks)
        else:
            in_word = False
            primary.append((0, 0) if base.isspace() else (1, ord(base)))
            tertiary.append(0)
    flush_digits()
    return (tuple(primary), tuple(tones), tuple(tertiary), text)


def vi_sorted(
    iterable: Iterable[T], key: Callable[[T], str] | None = None, reverse: bool = False
) -> list[T]:
    """``sorted`` in Vietnamese order; ``key`` extracts the text from each item."""
    if key is None:
        return sorted(iterable, key=vi_sort_key, reverse=reverse)  # type: ignore[arg-type]
    return sorted(iterable, key=lambda item: vi_sort_key(key(item)), reverse=reverse)


# ---------------------------------------------------------------------------
# Search keys


def _tone_slot(letters: list[str]) -> int | None:
    """Index of the letter that carries the tone (new-style placement: hoà, thuỷ)."""
    idx = [i for i, letter in enumerate(letters) if letter in _VOWELS]
    if not idx:
        return None
    # "qu" and "gi" + vowel: the u / i is part of the consonant (quý, già).
    first = idx[0]
    if len(idx) > 1 and first > 0 and letters[first - 1] + letters[first] in ("qu", "gi"):
        idx = idx[1:]
    modified = [i for i in idx if letters[i] in "ăâêôơư"]
    if modified:
        return modified[-1]  # ươ → ơ, uyê → ê
    if len(idx) == 1:
        return idx[0]
    if idx[-1] < len(letters) - 1:
        return idx[-1]  # closed syllable: hoàng, toán
    if len(idx) >= 3:
        return idx[1]  # oai, oay, uyu: ngoài
    pair = letters[idx[0]] + letters[idx[1]]
    return idx[1] if pair in ("oa", "oe", "uy") else idx[0]


def _canonical_tones(s: str) -> str:
    """Move each syllable's tone mark to one canonical letter; other marks stay."""
    clusters = _clusters(s)
    out: list[str] = []
    i = 0
    while i < len(clusters):
        if not clusters[i][0].isalpha():
            base, marks = clusters[i]
            out.append(base + "".join(marks))
            i += 1
            continue
        j = i
        while j < len(clusters) and clusters[j][0].isalpha():
            j += 1
        syllable = clusters[i:j]
        tone = next((m for _b, ms in syllable for m in ms if m in _TONES), None)
        slot = _tone_slot([_letter(b, ms) for b, ms in syllable]) if tone else None
        for k, (base, marks) in enumerate(syllable):
            if slot is None:
                kept = marks
            else:
                kept = [m for m in marks if m not in _TONES]
                if k == slot:
                    kept.append(tone)  # type: ignore[arg-type]
            out.append(base + "".join(kept))
        i = j
    return nfc("".join(out))


def search_key(s: str) -> str:
    """Key for matching: NFC, case-folded, whitespace cleaned, one tone placement.

    "Hòa" and "Hoà", "Thủy" and "Thuỷ" give the same key; diacritics are kept.
    """
    return _canonical_tones(clean_text(s).casefold())


def fold_key(s: str) -> str:
    """``search_key`` without any diacritics and with đ → d: "Hạ Long" → "ha long"."""
    bare = "".join(
        ch for ch in unicodedata.normalize("NFD", search_key(s)) if not unicodedata.combining(ch)
    )
    return bare.replace("đ", "d")


_WORD = re.compile(r"\w+")


def _words(s: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(s))


@dataclass(frozen=True)
class SearchText:
    """A text prepared for matching; build once per row of a list that is filtered often."""

    exact: tuple[str, ...]  # words of search_key(text)
    folded: tuple[str, ...]  # words of fold_key(text)

    @classmethod
    def of(cls, text: str) -> SearchText:
        return cls(_words(search_key(text)), _words(fold_key(text)))


class Query:
    """A user's search query, compiled once; ``Query(q).matches(text)``.

    Every query word must start a word of the text (``anywhere=True``: occur anywhere in
    it), after folding: "ha long", "HA LONG", "hạ long" all find "Hạ Long". A word typed
    with diacritics is compared with them ("hạ" does not find "Hà"), tone placement and
    NFC/NFD aside ("hoà" finds "Hòa"). Word-start by default so that "an" does not find
    "Thanh". A query without words matches everything.
    """

    def __init__(self, query: str, *, anywhere: bool = False):
        self.text = clean_text(query)
        self.anywhere = anywhere
        # (word, strict): strict words were typed with diacritics.
        self.terms = tuple((w, fold_key(w) != w) for w in _words(search_key(self.text)))

    def __bool__(self) -> bool:
        return bool(self.terms)

    def matches(self, text: str | SearchText) -> bool:
        if not self.terms:
            return True
        prepared = text if isinstance(text, SearchText) else SearchText.of(text)
        for word, strict in self.terms:
            pool = prepared.exact if strict else prepared.folded
            if self.anywhere:
                if word not in " ".join(pool):
                    return False
            elif not any(w.startswith(word) for w in pool):
                return False
        return True


def matches(query: str, text: str, *, anywhere: bool = False) -> bool:
    """Does ``text`` answer the user's ``query``? See ``Query``."""
    return Query(query, anywhere=anywhere).matches(text)


# ---------------------------------------------------------------------------
# Numbers (CLDR vi_VN: "." groups thousands, "," before decimals)

@cache
def _number_syntax() -> tuple[str, re.Pattern[str]]:
    """The decimal sign and the pattern of a number, from CLDR. Babel and its locale data
    load here, on the first number read, not at import: about 15 ms the window's first
    paint (which shows no number) does not wait for."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    dec, group = get_decimal_symbol(LOCALE), get_group_symbol(LOCALE)
    # ASCII digits only; groups of exactly 3 after a first group not starting with 0,
    # so "0.123" or "1.5" (English decimals) are refused rather than read as 123 / 15.
    pattern = re.compile(
        r"[+-]?(?:[1-9][0-9]{0,2}(?:%s[0-9]{3})+|[0-9]+)(?:%s[0-9]+)?" % (re.escape(group), re.escape(dec))
    )
    return dec, pattern


_NUMBERISH = re.compile(r"[+-]?[0-9.,]+")


def parse_number(text: Any) -> int | float:
    """Read a number typed the Vietnamese way: "1.234" → 1234, "1.234,5" → 1234.5.

    Returns an int when no decimal part was written. Raises ValidationError (Vietnamese
    message) for empty input, text, or a misplaced separator ("1.23.4", "1.5", "0.5").
    Numbers that are already int/float/Decimal (e.g. Excel cells) pass through.
    """
    if isinstance(text, bool):
        raise ValidationError(_("«{text}» không phải là số.").format(text=text))
    if isinstance(text, int):
        return text
    if isinstance(text, float):
        if not math.isfinite(text):
            raise ValidationError(_("Giá trị không hợp lệ."))
        return text
    if isinstance(text, Decimal):
        if not text.is_finite():
            raise ValidationError(_("Giá trị không hợp lệ."))
        return int(text) if text.as_tuple().exponent >= 0 else float(text)  # type: ignore[operator]
    if text is not None and not isinstance(text, str):
        raise ValidationError(_("«{text}» không phải là số.").format(text=text))
    raw = clean_text(text).replace("\u2212", "-")  # U+2212 minus from Word/Excel
    if not raw:
        raise ValidationError(_("Chưa nhập số."))
    dec, number = _number_syntax()
    if not number.fullmatch(raw):
        if _NUMBERISH.fullmatch(raw):
            raise ValidationError(
                _(
                    "Số «{text}» viết chưa đúng: dấu chấm (.) phân cách hàng nghìn, mỗi nhóm "
                    "đủ 3 chữ số; dấu phẩy (,) đứng trước phần thập phân. Ví dụ: 1.234 "
                    "hoặc 1.234,5 hoặc 0,5."
                ).format(text=raw)
            )
        raise ValidationError(_("«{text}» không phải là số.").format(text=raw))
    from babel.numbers import NumberFormatError, parse_decimal

    try:
        value = parse_decimal(raw, locale=LOCALE, strict=True)
    except (NumberFormatError, InvalidOperation) as exc:  # regex should have caught it
        raise ValidationError(_("«{text}» không phải là số.").format(text=raw)) from exc
    if dec in raw:
        return float(value)
    return int(value)


def _round(x: float | int | Decimal, decimals: int) -> Decimal:
    # Half-up as people round by hand (Babel alone rounds half-even: 0,125 → 0,12).
    value = Decimal(str(x)) if isinstance(x, float) else Decimal(x)
    with localcontext() as ctx:
        ctx.prec = 60  # quantize must not overflow on big but finite figures
        value = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return value.copy_abs() if value == 0 else value  # no "-0"


def format_number(x: float | int | Decimal | None, decimals: int | None = None) -> str:
    """1234 → "1.234", 1234.5 → "1.234,5"; ``decimals`` fixes the decimal places.

    Without ``decimals``: integers as such, fractions with up to 3 places. None → "".
    """
    if x is None:
        return ""
    if isinstance(x, bool):
        raise TypeError("format_number() needs a number, not bool")
    if isinstance(x, (float, Decimal)) and not math.isfinite(x):
        raise ValueError("format_number() needs a finite number")
    if decimals is None:
        value = _round(x, 3)
        places = len(format(value, "f").partition(".")[2].rstrip("0"))
    else:
        value, places = _round(x, decimals), decimals
    pattern = "#,##0" + ("." + "0" * places if places else "")
    from babel.numbers import format_decimal  # see _number_syntax

    with localcontext() as ctx:
        ctx.prec = 60  # Babel quantizes in the current context
        return format_decimal(value, format=pattern, locale=LOCALE)


def format_percent(x: float | int | Decimal | None, decimals: int = 1) -> str:
    """A number already in percent: 35.5 → "35,5%" (CLDR vi: no space before %)."""
    if x is None:
        return ""
    return format_number(x, decimals) + "%"


# ---------------------------------------------------------------------------
# Dates

_DMY = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_YEARS = range(1900, 2100)  # 4-digit typos like 0221 are refused, not stored


def _as_date(d: date | datetime) -> date:
    if isinstance(d, datetime):
        if d.tzinfo is not None:
            d = d.astimezone(VN_TZ)  # the calendar day in Vietnam
        return d.date()
    return d


def format_date(d: date | datetime | None) -> str:
    """08/04/2021 (dd/mm/yyyy, as in administrative tables; CLDR's "8/4/21" is not)."""
    if d is None:
        return ""
    d = _as_date(d)
    return "{:02d}/{:02d}/{:04d}".format(d.day, d.month, d.year)


def format_timestamp(iso: str | None) -> str:
    """An ISO timestamp as officers read it: "09:30 ngày 12/06/2025" (Vietnam time)."""
    if not iso:
        return ""
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is not None:
        moment = moment.astimezone(VN_TZ)
    return _("{time} ngày {date}").format(time=moment.strftime("%H:%M"), date=format_date(moment))


def in_sentence(label: str) -> str:
    """A label inside a sentence: "kỳ năm 2025", not "kỳ Năm 2025"."""
    return label[:1].lower() + label[1:]


def parse_date(text: Any) -> date:
    """"08/04/2021", "8/4/2021" (day first) or ISO "2021-04-08" → date; else ValidationError."""
    if isinstance(text, (date, datetime)):
        return _as_date(text)
    raw = clean_text(text if isinstance(text, str) else str(text or ""))
    if not raw:
        raise ValidationError(_("Chưa nhập ngày."))
    m = _DMY.fullmatch(raw)
    if m:
        day, month, year = (int(g) for g in m.groups())
    else:
        m = _ISO.fullmatch(raw)
        if not m:
            raise ValidationError(
                _("Ngày «{text}» không đúng dạng: viết ngày/tháng/năm, ví dụ 08/04/2021.").format(
                    text=raw
                )
            )
        year, month, day = (int(g) for g in m.groups())
    if year not in _YEARS:
        raise ValidationError(
            _("Năm {year} trong ngày «{text}» không hợp lệ.").format(year=year, text=raw)
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise ValidationError(
            _("Ngày «{text}» không có trên lịch.").format(text=raw)
        ) from None


def format_nd30_date(d: date | datetime) -> str:
    """Place-date wording of Nghị định 30/2020: "ngày 08 tháng 4 năm 2021".

    Day < 10 and months 1, 2 take a leading zero ("ngày 15 tháng 01 năm 2026").
    """
    d = _as_date(d)
    month = "{:02d}".format(d.month) if d.month <= 2 else str(d.month)
    return _("ngày {day} tháng {month} năm {year}").format(
        day="{:02d}".format(d.day), month=month, year=d.year
    )


def now_iso() -> str:
    """Current time, ISO 8601 with the Vietnam offset, seconds: 2025-07-01T08:30:00+07:00."""
    return datetime.now(VN_TZ).isoformat(timespec="seconds")
