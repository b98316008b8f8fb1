"""The plan as data: objectives, indicators with targets and formulas, data elements.

Everything comes from ``resources/catalog.json`` so that a later circular changes data,
not code. The file is checked on load; a broken file raises ValueError naming the problem.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from qnapp import formula
from qnapp.formula import Formula, Lookup
from qnapp.i18n import _
from qnapp.periods import PERIOD_TYPES
from qnapp.resources import resource_path

LEVELS = ("commune", "district", "province")
CATEGORIES = ("nam", "nu")
AGGREGATIONS = ("sum", "last")
VALUE_TYPES = ("count", "number", "bool")
OPS = (">=", ">", "<=", "<", "=", "bool")

# Computed ratios carry float noise (e.g. 0.1 * 3); compare at this many decimals.
_DECIMALS = 9


@dataclass(frozen=True)
class Objective:
    number: int
    code: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class Target:
    year: int
    op: str
    value: int | float | bool
    from_year: bool = False

    def is_met(self, value: float | None) -> bool | None:
        """Whether ``value`` reaches the target; None when there is no value."""
        if value is None:
            return None
        if self.op == "bool":
            return (value > 0) == bool(self.value)
        got, want = round(float(value), _DECIMALS), float(self.value)
        if self.op == ">=":
            return got >= want
        if self.op == ">":
            return got > want
        if self.op == "<=":
            return got <= want
        if self.op == "<":
            return got < want
        return math.isclose(got, want, rel_tol=0, abs_tol=10**-_DECIMALS)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    objective: int
    lead_agency: str
    co_agencies: tuple[str, ...]
    unit: str
    targets: tuple[Target, ...]
    numerator: str
    denominator: str | None
    factor: int | float
    levels: tuple[str, ...]
    note: str | None = None

    @property
    def is_bool(self) -> bool:
        """A yes/no indicator: numerator only, result 1.0 (yes) or 0.0 (no)."""
        return self.denominator is None

    @property
    def numerator_formula(self) -> Formula:
        return formula.parse(self.numerator)

    @property
    def denominator_formula(self) -> Formula | None:
        return formula.parse(self.denominator) if self.denominator is not None else None

    @property
    def references(self) -> frozenset[tuple[str, str]]:
        refs = set(self.numerator_formula.references)
        if self.denominator_formula is not None:
            refs |= self.denominator_formula.references
        return frozenset(refs)

    def target(self, year: int) -> Target | None:
        """The target in force in ``year``: the one set for that year, else the latest
        earlier target that holds every year from then on ("từ năm 2025 trở đi")."""
        in_force = None
        for target in sorted(self.targets, key=lambda t: t.year):
            if target.year == year:
                return target
            if target.year < year and target.from_year:
                in_force = target
        return in_force


@dataclass(frozen=True)
class DataElement:
    code: str
    name: str
    categories: tuple[str, ...]
    unit_of_count: str
    value_type: str
    levels: tuple[str, ...]
    period_type: str
    aggregation: str
    indicators: tuple[str, ...]
    subset_of: str | None = None
    note: str | None = None
    min_per_period: int | float | None = None  # the plan's minimum per period (6.3: 04 items a quarter)

    @property
    def disaggregated(self) -> bool:
        return bool(self.categories)


@dataclass(frozen=True)
class ActivityType:
    code: str
    name: str


@dataclass(frozen=True)
class FundSource:
    code: str
    name: str


class Catalog:
    """The loaded, checked catalog; tuples keep the file's order."""

    def __init__(
        self,
        objectives: Iterable[Objective],
        indicators: Iterable[Indicator],
        data_elements: Iterable[DataElement],
        activity_types: Iterable[ActivityType] = (),
        fund_sources: Iterable[FundSource] = (),
        source: dict[str, Any] | None = None,
        version: str = "",
    ):
        self.objectives = tuple(objectives)
        self.indicators = tuple(indicators)
        self.data_elements = tuple(data_elements)
        self.activity_types = tuple(activity_types)
        self.fund_sources = tuple(fund_sources)
        self.source = MappingProxyType(dict(source or {}))
        self.version = version
        self._objectives = {o.number: o for o in self.objectives}
        self._indicators = {i.code: i for i in self.indicators}
        self._elements = {e.code: e for e in self.data_elements}
        _validate(self)

    def objective(self, number: int) -> Objective:
        return self._objectives[number]

    def indicator(self, code: str) -> Indicator:
        return self._indicators[code]

    def element(self, code: str) -> DataElement:
        return self._elements[code]

    def elements_for(self, level: str, period_type: str | None = None) -> tuple[DataElement, ...]:
        _check_choice(level, LEVELS, _("cấp"))
        if period_type is not None:
            _check_choice(period_type, PERIOD_TYPES, _("loại kỳ"))
        return tuple(
            e
            for e in self.data_elements
            if level in e.levels and (period_type is None or e.period_type == period_type)
        )

    def indicators_for(self, level: str) -> tuple[Indicator, ...]:
        _check_choice(level, LEVELS, _("cấp"))
        return tuple(i for i in self.indicators if level in i.levels)

    def elements_of_indicator(self, code: str) -> tuple[DataElement, ...]:
        self.indicator(code)  # KeyError for an unknown code
        return tuple(e for e in self.data_elements if code in e.indicators)

    def compute(self, indicator_code: str, lookup: Lookup) -> float | None:
        """numerator × factor / denominator; yes/no indicators give 1.0 or 0.0.
        None when a value is missing or the denominator is zero."""
        indicator = self.indicator(indicator_code)
        numerator = indicator.numerator_formula.evaluate(lookup)
        if numerator is None:
            return None
        if indicator.is_bool:
            return 1.0 if numerator > 0 else 0.0
        denominator = indicator.denominator_formula.evaluate(lookup)
        if not denominator:
            return None
        # Factor before dividing: 111 * 100 / 100 is exactly 111, 111 / 100 * 100 is not.
        return numerator * indicator.factor / denominator


def _check_choice(value: str, allowed: tuple[str, ...], what: str) -> None:
    if value not in allowed:
        raise ValueError(
            _("Giá trị {what} không hợp lệ: «{value}» (chỉ nhận: {allowed})").format(
                what=what, value=value, allowed=", ".join(allowed)
            )
        )


# -- loading -------------------------------------------------------------------------


def _nfc(value):
    """Names typed on another machine may arrive decomposed; store them composed."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        return {k: _nfc(v) for k, v in value.items()}
    return value


def _number(value, where: str) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(_("Danh mục: {where}: cần một số, nhận «{value}»").format(where=where, value=value))
    # 60.0 in a hand-edited file means 60; keep ints ints so exports write 60, not 60.0.
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _fields(raw: dict, required: tuple[str, ...], optional: tuple[str, ...], where: str) -> dict:
    if not isinstance(raw, dict):
        raise ValueError(_("Danh mục: {where}: cần một đối tượng JSON").format(where=where))
    missing = [k for k in required if k not in raw]
    unknown = [k for k in raw if k not in required and k not in optional]
    # Unknown first: a misspelt key shows up as both, and its spelling is the useful clue.
    if unknown:
        raise ValueError(
            _("Danh mục: {where}: trường không xác định {keys}").format(where=where, keys=", ".join(unknown))
        )
    if missing:
        raise ValueError(_("Danh mục: {where}: thiếu trường {keys}").format(where=where, keys=", ".join(missing)))
    return raw


def _target(raw: dict, where: str) -> Target:
    raw = _fields(raw, ("year", "op", "value"), ("from_year",), where)
    op = raw["op"]
    if op not in OPS:
        raise ValueError(
            _("Danh mục: {where}: op «{op}» không hợp lệ (chỉ nhận: {allowed})").format(
                where=where, op=op, allowed=", ".join(OPS)
            )
        )
    if op == "bool":
        if raw["value"] is not True:
            raise ValueError(_("Danh mục: {where}: chỉ tiêu có/không phải có value true").format(where=where))
        value = True
    else:
        value = _number(raw["value"], where)
    return Target(int(raw["year"]), op, value, bool(raw.get("from_year", False)))


def _indicator(raw: dict) -> Indicator:
    where = _("chỉ tiêu {code}").format(code=raw.get("code", "?") if isinstance(raw, dict) else "?")
    raw = _fields(
        raw,
        ("code", "name", "objective", "lead_agency", "unit", "targets",
         "numerator", "denominator", "factor", "levels"),
        ("co_agencies", "note"),
        where,
    )
    return Indicator(
        code=raw["code"],
        name=raw["name"],
        objective=int(raw["objective"]),
        lead_agency=raw["lead_agency"],
        co_agencies=tuple(raw.get("co_agencies") or ()),
        unit=raw["unit"],
        targets=tuple(_target(t, where) for t in raw["targets"]),
        numerator=raw["numerator"],
        denominator=raw["denominator"],
        factor=_number(raw["factor"], where),
        levels=tuple(raw["levels"]),
        note=raw.get("note") or None,
    )


def _element(raw: dict) -> DataElement:
    where = _("phần tử dữ liệu {code}").format(code=raw.get("code", "?") if isinstance(raw, dict) else "?")
    raw = _fields(
        raw,
        ("code", "name", "categories", "unit_of_count", "value_type",
         "levels", "period_type", "aggregation", "indicators"),
        ("subset_of", "note", "min_per_period"),
        where,
    )
    minimum = raw.get("min_per_period")
    return DataElement(
        code=raw["code"],
        name=raw["name"],
        categories=tuple(raw["categories"]),
        unit_of_count=raw["unit_of_count"],
        value_type=raw["value_type"],
        levels=tuple(raw["levels"]),
        period_type=raw["period_type"],
        aggregation=raw["aggregation"],
        indicators=tuple(raw["indicators"]),
        subset_of=raw.get("subset_of") or None,
        note=raw.get("note") or None,
        min_per_period=None if minimum is None else _number(minimum, where),
    )


def catalog_from_dict(data: dict) -> Catalog:
    """Build and check a catalog from the JSON structure of ``catalog.json``."""
    data = _nfc(data)
    for key in ("objectives", "indicators", "data_elements"):
        if not isinstance(data.get(key), list):
            raise ValueError(_("Danh mục: thiếu danh sách «{key}»").format(key=key))
    objectives = []
    for raw in data["objectives"]:
        raw = _fields(raw, ("number", "code", "name"), ("description",), _("mục tiêu"))
        objectives.append(Objective(int(raw["number"]), raw["code"], raw["name"], raw.get("description", "")))
    return Catalog(
        objectives=objectives,
        indicators=[_indicator(raw) for raw in data["indicators"]],
        data_elements=[_element(raw) for raw in data["data_elements"]],
        activity_types=[ActivityType(a["code"], a["name"]) for a in data.get("activity_types", [])],
        fund_sources=[FundSource(f["code"], f["name"]) for f in data.get("fund_sources", [])],
        source=data.get("source"),
        version=str(data.get("version", "")),
    )


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Load and check the catalog; the shipped one (``path=None``) is read once."""
    if path is None:
        return _load_default(str(resource_path("catalog.json")))
    return _load(Path(path))


@lru_cache(maxsize=4)
def _load_default(path: str) -> Catalog:
    return _load(Path(path))


def _load(path: Path) -> Catalog:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(_("Không đọc được danh mục {path}: {error}").format(path=path, error=err)) from err
    return catalog_from_dict(data)


# -- checks --------------------------------------------------------------------------


def _fail(message: str, **kw) -> None:
    raise ValueError(_("Danh mục không hợp lệ: ") + message.format(**kw))


def _unique(codes: Iterable, what: str) -> None:
    seen = set()
    for code in codes:
        if code in seen:
            _fail(_("{what} trùng mã «{code}»"), what=what, code=code)
        seen.add(code)


def _validate(cat: Catalog) -> None:
    _unique((o.number for o in cat.objectives), _("mục tiêu"))
    _unique((o.code for o in cat.objectives), _("mục tiêu"))
    _unique((i.code for i in cat.indicators), _("chỉ tiêu"))
    _unique((e.code for e in cat.data_elements), _("phần tử dữ liệu"))
    _unique((a.code for a in cat.activity_types), _("loại hoạt động"))
    _unique((f.code for f in cat.fund_sources), _("nguồn kinh phí"))
    for indicator in cat.indicators:
        _validate_indicator(cat, indicator)
    for element in cat.data_elements:
        _validate_element(cat, element)


def _validate_indicator(cat: Catalog, ind: Indicator) -> None:
    code = ind.code
    if ind.objective not in cat._objectives:
        _fail(_("chỉ tiêu {code}: không có mục tiêu {number}"), code=code, number=ind.objective)
    if not ind.levels or any(level not in LEVELS for level in ind.levels):
        _fail(_("chỉ tiêu {code}: cấp không hợp lệ {levels}"), code=code, levels=list(ind.levels))
    if not ind.targets:
        _fail(_("chỉ tiêu {code}: không có mục tiêu năm"), code=code)
    _unique((t.year for t in ind.targets), _("chỉ tiêu {code}: năm mục tiêu").format(code=code))
    is_bool_target = {t.op == "bool" for t in ind.targets}
    if is_bool_target != {ind.is_bool}:
        _fail(_("chỉ tiêu {code}: chỉ tiêu có/không phải có op bool và không có mẫu số"), code=code)
    if ind.is_bool and ind.factor != 1:
        _fail(_("chỉ tiêu {code}: chỉ tiêu có/không phải có hệ số 1"), code=code)
    if not ind.factor or ind.factor < 0:
        _fail(_("chỉ tiêu {code}: hệ số phải là số dương"), code=code)
    try:
        refs = ind.references
    except ValueError as err:
        _fail(_("chỉ tiêu {code}: {error}"), code=code, error=err)
    for ref_code, category in sorted(refs):
        element = cat._elements.get(ref_code)
        if element is None:
            _fail(_("chỉ tiêu {code}: công thức dùng phần tử dữ liệu không có «{ref}»"), code=code, ref=ref_code)
        if category and category not in element.categories:
            _fail(
                _("chỉ tiêu {code}: phần tử {ref} không tách theo «{category}»"),
                code=code,
                ref=ref_code,
                category=category,
            )
        if code not in element.indicators:
            _fail(_("chỉ tiêu {code}: phần tử {ref} phải ghi {code} trong «indicators»"), code=code, ref=ref_code)
    feeding = [e for e in cat.data_elements if code in e.indicators]
    for level in ind.levels:
        if not any(level in e.levels for e in feeding):
            _fail(_("chỉ tiêu {code}: không có phần tử dữ liệu nào được ghi ở cấp {level}"),
                  code=code, level=level)


def _validate_element(cat: Catalog, el: DataElement) -> None:
    code = el.code
    if not code.isascii() or not code.replace("_", "").isalnum() or code.upper() != code or not code[0].isalpha():
        _fail(_("mã phần tử dữ liệu phải viết HOA không dấu: «{code}»"), code=code)
    if any(c not in CATEGORIES for c in el.categories) or len(set(el.categories)) != len(el.categories):
        _fail(_("phần tử {code}: phân tổ không hợp lệ {categories}"), code=code, categories=list(el.categories))
    _check_element_choice(code, el.value_type, VALUE_TYPES, "value_type")
    _check_element_choice(code, el.period_type, PERIOD_TYPES, "period_type")
    _check_element_choice(code, el.aggregation, AGGREGATIONS, "aggregation")
    if not el.levels or any(level not in LEVELS for level in el.levels):
        _fail(_("phần tử {code}: cấp không hợp lệ {levels}"), code=code, levels=list(el.levels))
    if not el.indicators and not el.note:
        _fail(_("phần tử {code}: không dùng cho chỉ tiêu nào và không có ghi chú lý do"), code=code)
    indicator_levels = set()
    for ind_code in el.indicators:
        indicator = cat._indicators.get(ind_code)
        if indicator is None:
            _fail(_("phần tử {code}: không có chỉ tiêu «{indicator}»"), code=code, indicator=ind_code)
        indicator_levels.update(indicator.levels)
    if el.indicators and not set(el.levels) <= indicator_levels:
        _fail(_("phần tử {code}: được ghi ở cấp mà chỉ tiêu của nó không có"), code=code)
    if el.subset_of is not None:
        whole = cat._elements.get(el.subset_of)
        if whole is None:
            _fail(_("phần tử {code}: subset_of trỏ tới phần tử không có «{whole}»"),
                  code=code, whole=el.subset_of)
        if whole.code == code:
            _fail(_("phần tử {code}: không thể là tập con của chính nó"), code=code)
        if whole.categories != el.categories:
            _fail(_("phần tử {code}: phân tổ khác với {whole}"), code=code, whole=whole.code)
        if whole.period_type != el.period_type:
            _fail(_("phần tử {code}: loại kỳ khác với {whole}"), code=code, whole=whole.code)
        seen = {code}
        while whole is not None and whole.subset_of is not None:
            if whole.code in seen:
                _fail(_("phần tử {code}: subset_of tạo thành vòng"), code=code)
            seen.add(whole.code)
            whole = cat._elements.get(whole.subset_of)


def _check_element_choice(code: str, value: str, allowed: tuple[str, ...], key: str) -> None:
    if value not in allowed:
        _fail(
            _("phần tử {code}: {key} «{value}» không hợp lệ (chỉ nhận: {allowed})"),
            code=code,
            key=key,
            value=value,
            allowed=", ".join(allowed),
        )


# -- export --------------------------------------------------------------------------


def catalog_as_json(cat: Catalog) -> dict:
    """The catalog as plain JSON data (the contract other tools read); loadable again."""
    return {
        "version": cat.version,
        "source": dict(cat.source),
        "objectives": [
            {"number": o.number, "code": o.code, "name": o.name, "description": o.description}
            for o in cat.objectives
        ],
        "indicators": [
            {
                "code": i.code,
                "name": i.name,
                "objective": i.objective,
                "lead_agency": i.lead_agency,
                "co_agencies": list(i.co_agencies),
                "unit": i.unit,
                "targets": [
                    {"year": t.year, "op": t.op, "value": t.value, "from_year": t.from_year} for t in i.targets
                ],
                "numerator": i.numerator,
                "denominator": i.denominator,
                "factor": i.factor,
                "levels": list(i.levels),
                "note": i.note,
            }
            for i in cat.indicators
        ],
        "data_elements": [
            {
                "code": e.code,
                "name": e.name,
                "categories": list(e.categories),
                "unit_of_count": e.unit_of_count,
                "value_type": e.value_type,
                "levels": list(e.levels),
                "period_type": e.period_type,
                "aggregation": e.aggregation,
                "indicators": list(e.indicators),
                "subset_of": e.subset_of,
                "min_per_period": e.min_per_period,
                "note": e.note,
            }
            for e in cat.data_elements
        ],
        "activity_types": [{"code": a.code, "name": a.name} for a in cat.activity_types],
        "fund_sources": [{"code": f.code, "name": f.name} for f in cat.fund_sources],
    }
