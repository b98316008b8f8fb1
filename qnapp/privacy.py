"""Personal data in Vietnamese free text: a first, rule-based scan.

GBV data is sensitive: no person's name or identifier may leave the machine, free text
included (a reopen reason «Bổ sung chị Nguyễn Thị Hoa, 0912 345 678» names a victim).
``scan(text)`` finds what looks like one: a name after a kinship or honorific word
(«chị Hoa», «bà Nguyễn Thị Hoa»), a full name led by a common family name, a phone
number, a CCCD/CMND number, a birth date, a house address, an e-mail address. Names
typed without diacritics («chi Nguyen Thi Hoa») are caught too.

It errs on the side of refusing, but leaves alone what reports legitimately name: the
units of ``resources/units`` («Xã Hà Lâu», «huyện Cô Tô»), famous people that schools and
streets are named after («Bác Hồ», «trường THCS Nguyễn Văn Cừ»), amounts of money.

Findings carry a span of ``nfc(text)`` and a kind, never the text: callers must not
log or echo what was found (the message would carry the very name it refuses).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property

from qnapp.errors import ValidationError
from qnapp.i18n import N_, TranslatedNames, _
from qnapp.text import fold_key, nfc, search_key

NAME, PHONE, ID_NUMBER, BIRTH_DATE, ADDRESS, EMAIL = (
    "name", "phone", "id_number", "birth_date", "address", "email")
KINDS = (NAME, PHONE, ID_NUMBER, BIRTH_DATE, ADDRESS, EMAIL)

KIND_NAMES = TranslatedNames({
    NAME: N_("họ tên người"),
    PHONE: N_("số điện thoại"),
    ID_NUMBER: N_("số CCCD/CMND"),
    BIRTH_DATE: N_("ngày sinh"),
    ADDRESS: N_("địa chỉ nhà"),
    EMAIL: N_("địa chỉ thư điện tử"),
})
EXPLANATIONS = TranslatedNames({
    NAME: N_("Có vẻ là họ tên một người: chữ viết hoa sau «chị», «bà», «em»… hoặc bắt đầu "
             "bằng một họ phổ biến (Nguyễn, Trần, Lê…)."),
    PHONE: N_("Có vẻ là số điện thoại (di động hoặc cố định, cả dạng +84)."),
    ID_NUMBER: N_("Có vẻ là số căn cước công dân (12 chữ số) hoặc chứng minh nhân dân (9 chữ số)."),
    BIRTH_DATE: N_("Có vẻ là ngày hoặc năm sinh của một người."),
    ADDRESS: N_("Có vẻ là địa chỉ nhà (số nhà, ngõ, ngách)."),
    EMAIL: N_("Có vẻ là địa chỉ thư điện tử."),
})
HINTS = TranslatedNames({
    NAME: N_("thay họ tên bằng cách nói chung, ví dụ «một người bị bạo lực gia đình»"),
    PHONE: N_("bỏ số điện thoại"),
    ID_NUMBER: N_("bỏ số giấy tờ tùy thân"),
    BIRTH_DATE: N_("ghi độ tuổi thay cho ngày sinh, ví dụ «một phụ nữ ngoài 30 tuổi»"),
    ADDRESS: N_("ghi khu, thôn hoặc xã thay cho địa chỉ nhà"),
    EMAIL: N_("bỏ địa chỉ thư điện tử"),
})


@dataclass(frozen=True)
class Finding:
    """What was found, where (``nfc(text)[start:end]``): never the text itself."""

    start: int
    end: int
    kind: str

    @property
    def explanation(self) -> str:
        return EXPLANATIONS[self.kind]


# --- word lists (traditional tone placement; compared through search_key / fold_key) -----

HONORIFICS = tuple("anh chị em ông bà cô chú bác cháu cụ bé dì cậu mợ thím".split())
# Written without diacritics they are common words («ba» three, «co» to have): honoured
# only in a text typed entirely without diacritics.
FAMILY_NAMES = tuple((
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đoàn Đinh "
    "Trịnh Trương Lương Lưu Vương Triệu Mai Hà Tô Lâm Phùng Cao Chu Tạ Đàm Nông Lục Bế"
).split())
# Without diacritics these read as other words («do» because, «ho» cough): they lead a
# name only before «Thi» / «Van».
AMBIGUOUS_BARE_FAMILY = frozenset("do ho ly ha mai to lam cao chu ta dam nong luc be".split())
MIDDLE_MARKERS = frozenset(["thi", "van"])
# Capitalised words after an honorific that are not a name: titles, kin, common nouns.
NOT_A_NAME = frozenset((
    "anh chị em ông bà cô chú bác cháu cụ bé dì cậu mợ thím mẹ bố cha con chồng vợ nội ngoại "
    "già trẻ chủ phó trưởng bí giám hiệu cán hội đoàn ủy ban xã phường thị huyện tỉnh thôn "
    "xóm khu bản ấp tổ nhà trường trạm bệnh phụ nữ giáo sĩ công gia tổng thủ thư đồng"
).split())
# Honorific + word pairs that are ordinary words when both are written alike
# («Anh hùng», «Cụ thể», «Chú ý» in a title).
COMMON_PAIRS = frozenset((
    "anh hùng", "cụ thể", "chú ý", "bác sĩ", "bác bỏ", "cô giáo", "cô dâu", "cô đơn", "cô lập",
    "em bé", "bé gái", "bé trai", "chú rể", "cháu ngoan", "ông già", "bà con", "anh em",
))
# Family name + word pairs that are ordinary words («Đoàn Thanh niên», «Hồ sơ», «Lý do»).
COMMON_FAMILY_PAIRS = frozenset((
    "hồ sơ", "hồ chứa", "đoàn thanh", "đoàn thể", "đoàn viên", "đoàn kết", "đoàn công",
    "đoàn kiểm", "đoàn giám", "đào tạo", "dương tính", "dương lịch", "phạm vi", "phạm tội",
    "phạm pháp", "vũ trụ", "vũ khí", "vũ lực", "võ thuật", "lương thực", "lương hưu",
    "lương tâm", "trần nhà", "hoàng hôn", "lý do", "lý lịch", "lý luận", "lý thuyết",
    "mai táng", "cao tuổi", "cao điểm", "chu đáo", "lâm nghiệp", "lưu trú", "lưu ý", "lưu động",
))
# A name right after one of these is a school, a street or a place («trường Trần Phú»).
PLACE_WORDS = frozenset((
    "trường đường phố phường xã quận huyện tỉnh cầu chợ đền lăng chùa học non tàng đài "
    "thcs thpt mn th kđt tp"
).split())
# People schools, streets and wards are named after; public, never a victim.
FAMOUS = (
    "Hồ Chí Minh", "Bác Hồ", "Bác Tôn", "Bà Triệu", "Bà Trưng", "Kim Đồng", "Võ Nguyên Giáp",
    "Trần Hưng Đạo", "Lê Lợi", "Nguyễn Trãi", "Nguyễn Du", "Lý Thường Kiệt", "Lý Công Uẩn",
    "Lê Thánh Tông", "Lê Quý Đôn", "Nguyễn Văn Cừ", "Nguyễn Thị Minh Khai", "Võ Thị Sáu",
    "Trần Phú", "Lê Hồng Phong", "Nguyễn Ái Quốc", "Phan Bội Châu", "Phan Chu Trinh",
    "Hoàng Hoa Thám", "Đinh Tiên Hoàng", "Ngô Quyền", "Lý Tự Trọng", "Trần Quốc Toản",
    "Nguyễn Huệ", "Phan Đình Phùng", "Lê Duẩn", "Nguyễn Văn Linh", "Phạm Văn Đồng",
    "Tôn Đức Thắng", "Nguyễn Thị Định", "Hà Huy Tập", "Lê Văn Tám", "Vũ Văn Hiếu",
    "Hoàng Quốc Việt", "Nguyễn Bình", "Trần Quốc Nghiễn",
)

_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ng|nh|ch|[cmnpt])?")
_WORD = re.compile(r"[A-Za-z]+")


@cache
def _keys(words: tuple[str, ...] | frozenset[str]) -> frozenset[str]:
    return frozenset(search_key(w) for w in words)


@cache
def _bare(words: tuple[str, ...] | frozenset[str]) -> frozenset[str]:
    return frozenset(fold_key(w) for w in words)


@cache
def _public_names() -> tuple[re.Pattern, frozenset[str]]:
    """One pattern over the folded, lower-case text for every unit name and famous name
    (longest first), and the famous ones (public even after an honorific)."""
    from qnapp.units import load_trees

    famous = frozenset(fold_key(n) for n in FAMOUS)
    names = famous | {fold_key(u.name) for tree in load_trees().values() for u in tree.units}
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(r"(?<![a-z0-9])(?:" + alternatives + r")(?![a-z0-9])"), famous


def _fold_chars(text: str) -> str:
    """Each character without its diacritics, đ → d, same length (spans stay valid)."""
    out = []
    for ch in text:
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        out.append({"đ": "d", "Đ": "D"}.get(ch, base if len(base) == 1 else ch))
    return "".join(out)


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str  # as typed (NFC)
    bare: str  # lower case, no diacritics

    @cached_property
    def key(self) -> str:
        return search_key(self.text)

    @cached_property
    def accented(self) -> bool:
        return fold_key(self.text) != self.text.lower()

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


class _Scan:
    def __init__(self, text: str):
        self.text = text
        self.folded = _fold_chars(text)
        self.plain = self.folded == text  # typed without any diacritic
        self.tokens = [_Token(m.start(), m.end(), text[m.start():m.end()], m.group().lower())
                       for m in _WORD.finditer(self.folded)]
        self.public = self._public_spans()

    def _adjacent(self, i: int, j: int) -> bool:
        return self.folded[self.tokens[i].end:self.tokens[j].start].isspace()

    def is_honorific(self, t: _Token) -> bool:
        return t.key in _keys(HONORIFICS) or (
            self.plain and t.bare in _bare(HONORIFICS))

    def is_family(self, i: int) -> bool:
        t = self.tokens[i]
        if not t.capitalised:
            return False
        if t.key in _keys(FAMILY_NAMES):
            return True
        if t.accented or t.bare not in _bare(FAMILY_NAMES):
            return False
        following = self.tokens[i + 1].bare if i + 1 < len(self.tokens) else ""
        return t.bare not in AMBIGUOUS_BARE_FAMILY or following in MIDDLE_MARKERS

    def _public_spans(self) -> list[tuple[int, int]]:
        """Spans of famous names, and of unit names unless an honorific or a family name
        stands right before them («chị Thanh Lâm» is a person)."""
        lowered = self.folded.lower()
        starts = {t.start: i for i, t in enumerate(self.tokens)}
        spans: list[tuple[int, int]] = []
        pattern, famous = _public_names()
        for m in pattern.finditer(lowered):
            i = starts.get(m.start())
            if i is None:
                continue
            before = self.tokens[i - 1] if i > 0 and self._adjacent(i - 1, i) else None
            if m.group() not in famous and before is not None and (
                    self.is_honorific(before) or self.is_family(i - 1)):
                continue
            spans.append((m.start(), m.end()))
        return spans

    def is_public(self, t: _Token) -> bool:
        return any(s <= t.start < e for s, e in self.public)

    def name_syllable(self, t: _Token) -> bool:
        return (t.capitalised and len(t.bare) <= 7 and _SYLLABLE.fullmatch(t.bare) is not None
                and not self.is_public(t) and not self.is_honorific(t))

    def chain(self, i: int, most: int) -> int:
        """How many name syllables follow token ``i`` directly (at most ``most``)."""
        n = 0
        while n < most and i + n + 1 < len(self.tokens) and self._adjacent(i + n, i + n + 1) \
                and self.name_syllable(self.tokens[i + n + 1]):
            n += 1
        return n

    def names(self) -> list[Finding]:
        found: list[Finding] = []
        toks = self.tokens
        for i, t in enumerate(toks):
            if self.is_public(t) or (found and t.start < found[-1].end):
                continue
            if self.is_honorific(t) and i + 1 < len(toks):
                nxt = toks[i + 1]
                pair = "{} {}".format(t.key, nxt.key)
                # «chị Hoa» is a name; «Anh Hùng», «Chú Ý» written alike are words.
                ordinary = t.capitalised and (pair in _keys(COMMON_PAIRS) or (
                    self.plain and fold_key(pair) in _bare(COMMON_PAIRS)))
                first_ok = nxt.key not in _keys(NOT_A_NAME) and not (
                    self.plain and nxt.bare in _bare(NOT_A_NAME))
                n = self.chain(i, 4) if first_ok and not ordinary else 0
                if n:
                    found.append(Finding(t.start, toks[i + n].end, NAME))
                    continue
            if self.is_family(i):
                before = toks[i - 1] if i > 0 else None
                if before is not None and (before.key in _keys(PLACE_WORDS) or (
                        self.plain and before.bare in _bare(PLACE_WORDS))):
                    continue  # «trường Trần Phú»; but «trưởng thôn Trần Văn Nam» is a person
                n = self.chain(i, 3)
                if n >= 2:  # «Trần Hoa» alone is too weak a sign; «chị Hoa» is caught above
                    pair = "{} {}".format(t.key, toks[i + 1].key)
                    if pair in _keys(COMMON_FAMILY_PAIRS) or (
                            self.plain and fold_key(pair) in _bare(COMMON_FAMILY_PAIRS)):
                        continue
                    found.append(Finding(t.start, toks[i + n].end, NAME))
        return found


# --- numbers, dates, addresses (on the folded, lower-case text) ---------------------------

_DIGITS = re.compile(r"(?<![\w+])\+?\d(?:[ .\-]?\d){7,13}(?![\w])")
_THOUSANDS = re.compile(r"\d{1,3}(?:[.,]\d{3})+")
_MONEY_AFTER = re.compile(r"\s*(?:d\b|dong|vnd|trieu|nghin|ngan|ty|%)")
_ID_WORDS = re.compile(r"(?:cccd|cmnd|can cuoc|chung minh|dinh danh)[^0-9]{0,20}$")
_BIRTH = re.compile(
    r"(?<![a-z])(?:(\w+)\s+)?(?:sinh|s\.?n)\s*(?:nam|ngay(?:\s+thang\s+nam)?)?\s*:?\s*"
    r"(?:\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*(?:19|20)\d{2}|(?:19|20)\d{2})(?!\d)")
# «học sinh», «vệ sinh»…; «trẻ sinh năm 2025» counts births, it names nobody
_NOT_BIRTH_BEFORE = frozenset(["hoc", "ve", "hoi", "phat", "san", "sinh", "thu", "tre"])
_ADDRESSES = (
    re.compile(r"(?<![a-z])(?:so\s+nha|nha\s+so)\s*:?\s*\d+"),
    re.compile(r"(?<![a-z])so\s+\d+[a-z]?(?:/\d+)*\s*,?\s+(?:duong|pho|ngo|ngach|hem|kiet)(?![a-z])"),
    re.compile(r"(?<![a-z])(?:ngo|ngach|hem|kiet)\s+(?:so\s+)?\d+"),
)
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")


def _numbers(lowered: str) -> list[Finding]:
    found = []
    for m in _DIGITS.finditer(lowered):
        raw = m.group()
        digits = re.sub(r"\D", "", raw)
        if digits.startswith("84") and (raw.startswith("+") or len(digits) == 11):
            digits = "0" + digits[2:]
        mobile = len(digits) == 10 and digits[0] == "0" and digits[1] in "35789"
        landline = len(digits) == 11 and digits.startswith("02")
        if mobile or landline:
            found.append(Finding(m.start(), m.end(), PHONE))
            continue
        if _THOUSANDS.fullmatch(raw) or _MONEY_AFTER.match(lowered, m.end()):
            continue  # an amount: 150.000.000 đồng
        named = _ID_WORDS.search(lowered, 0, m.start()) is not None
        if (len(digits) == 12 and digits[0] == "0") or len(digits) == 9 or (
                named and 9 <= len(digits) <= 12):
            found.append(Finding(m.start(), m.end(), ID_NUMBER))
    return found


def _patterns(lowered: str) -> list[Finding]:
    found = []
    for m in _BIRTH.finditer(lowered):
        if m.group(1) not in _NOT_BIRTH_BEFORE:
            found.append(Finding(m.end(1) + 1 if m.group(1) else m.start(), m.end(), BIRTH_DATE))
    for pattern in _ADDRESSES:
        found += [Finding(m.start(), m.end(), ADDRESS) for m in pattern.finditer(lowered)]
    found += [Finding(m.start(), m.end(), EMAIL) for m in _EMAIL.finditer(lowered)]
    return found


def scan(text: str | None) -> list[Finding]:
    """What looks like personal data in ``text``, sorted, spans of ``nfc(text)``."""
    text = nfc(text or "")
    if not text.strip():
        return []
    s = _Scan(text)
    lowered = s.folded.lower()
    found = _patterns(lowered) + _numbers(lowered)
    found += [f for f in s.names() if not any(g.start <= f.start < g.end for g in found)]
    return sorted(set(found), key=lambda f: (f.start, f.end, f.kind))


def kinds_found(text: str | None) -> list[str]:
    kinds = {f.kind for f in scan(text)}
    return [k for k in KINDS if k in kinds]


def what_found(kinds: list[str]) -> str:
    """«họ tên người, số điện thoại»: the kinds found, never the text."""
    return ", ".join(KIND_NAMES[k] for k in kinds)


def how_to_word(kinds: list[str]) -> str:
    return "; ".join(HINTS[k] for k in kinds)


def personal_data_problem(text: str | None, field: str, why: str) -> str | None:
    """The Vietnamese refusal when ``text`` (the field labelled ``field``) names a person
    or carries an identifier, else None: what kind was found and how to word it
    instead, never the text. ``why``: one sentence, where the field goes."""
    kinds = kinds_found(text)
    if not kinds:
        return None
    return _(
        "{field} có {what}. {why} Không ghi thông tin cá nhân của người dân: hãy {how}."
    ).format(field=field, what=what_found(kinds), why=why, how=how_to_word(kinds))


def refuse_personal_data(text: str | None, field: str, why: str) -> None:
    """:func:`personal_data_problem` as a ValidationError."""
    problem = personal_data_problem(text, field, why)
    if problem:
        raise ValidationError(problem)
