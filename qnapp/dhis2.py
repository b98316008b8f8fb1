"""DHIS2 exchange: one unit's figures for one period as a DHIS2 ``dataValueSets`` JSON
document or an IHE ADX message (XML, namespace ``urn:ihe:qrph:adx:2015``).

Everything DHIS2-specific (data element, category option combo, org unit and data set
identifiers, how our periods are named in DHIS2) comes from a mapping file,
``resources/dhis2/mapping.json`` by default, so a province can point the export at its
own DHIS2 instance without code. ``resources/dhis2/README.md`` documents the file and the
period decision; in short:

- Period ids map *by label* through templates: report year ``2025`` → ``2025``, ``2025S1``
  → ``2025S1``, ``2025Q1`` → ``2025Q1``, ``202501`` → ``202501``. Our windows are NĐ 09
  cut-offs (15th → 14th) and start about half a month before DHIS2's calendar periods;
  of DHIS2's six-monthly types, calendar ``SixMonthly`` overlaps ours most (165 of 182
  days for S1), far more than ``SixMonthlyNov`` (``2025NovS1`` = 1/11/2024–30/4/2025)
  or ``SixMonthlyApril``.
- ADX periods are ISO 8601 ``start/duration``. DHIS2's ADX importer derives the period
  type from the duration and the start month and takes the DHIS2 period that *contains*
  the start date, so the honest NĐ 09 start ``2024-12-15/P1M`` would land in December
  2024 and ``2024-12-15/P6M`` is refused. By default (``"adx_period": "dhis2"``) the ADX
  period is therefore the start of the mapped DHIS2 period (``2025-01-01/P6M``);
  ``"window"`` writes the true window start (``2024-12-15/P6M``) for other consumers.
- A value belongs to the period it was collected for: an export holds the elements of
  the period's own type and, by default, finer ones aggregated into it (quarterly news
  items summed into a half-year); stocks of a coarser period are left to that period.
- Data elements without a mapping entry are skipped and reported, never silently.
"""

from __future__ import annotations

import hashlib
import json
import re
import string
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

from qnapp.errors import QnappError
from qnapp.i18n import _
from qnapp.periods import HALF, MONTH, PERIOD_TYPES, QUARTER, YEAR, Period, make_period, parse_period
from qnapp.resources import resource_path
from qnapp.text import VN_TZ

__all__ = [
    "ADX_NAMESPACE",
    "DEFAULT_COC",
    "MAPPING_ENV",
    "Dhis2Export",
    "Dhis2Mapping",
    "Dhis2MappingError",
    "ElementMapping",
    "ExportValue",
    "Skipped",
    "adx_document",
    "data_value_set",
    "default_mapping_path",
    "dhis2_period_bounds",
    "export_adx",
    "export_json",
    "format_value",
    "is_uid",
    "load_mapping",
    "parse_mapping",
    "placeholder_uid",
    "prepare_export",
    "skeleton_mapping",
]

ADX_NAMESPACE = "urn:ihe:qrph:adx:2015"
DEFAULT_COC = "HllvX50cXC0"  # DHIS2's built-in "default" category option combo
MAPPING_ENV = "QNAPP_DHIS2_MAPPING"
MAPPING_VERSION = 1

# DHIS2 CodeGenerator: 11 characters from [0-9a-zA-Z], the first one a letter.
UID_ALPHABET = string.digits + string.ascii_lowercase + string.ascii_uppercase
_UID = re.compile(r"[a-zA-Z][a-zA-Z0-9]{10}")
# An XML attribute name without a colon (ADX category codes become attribute names).
_XML_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_PLACEHOLDER_PREFIX = "PH"

ADX_PERIOD_MODES = ("dhis2", "window")
FINER_PERIOD_MODES = ("aggregate", "skip")
ID_SCHEMES = ("UID", "CODE")
# Our categories plus the two the export derives: "total" (an element without a sex
# split) and "unknown" (a stored total's remainder over nam + nu).
CATEGORY_KEYS = ("nam", "nu", "unknown", "total")
_TEMPLATE_FIELDS = {"year", "index", "mm"}
_SHOWN = 5  # placeholder entries named in a warning
_DECIMALS = 9  # sums of decimals carry float noise (0.1 + 0.2); round it away


class Dhis2MappingError(QnappError):
    """The mapping file is unreadable or inconsistent, or lacks what an export needs."""


def is_uid(value: object) -> bool:
    return isinstance(value, str) and _UID.fullmatch(value) is not None


def placeholder_uid(kind: str, key: str) -> str:
    """A stable, valid DHIS2 UID standing in for a real one until the province fills it
    in: ``PH`` + 9 characters from the SHA-256 of ``kind`` and ``key``. A UID equal to
    this for its own entry is known to be a placeholder; a real UID never is."""
    number = int.from_bytes(hashlib.sha256(f"qnapp/dhis2/{kind}/{key}".encode()).digest(), "big")
    chars = []
    for _i in range(11 - len(_PLACEHOLDER_PREFIX)):
        number, digit = divmod(number, len(UID_ALPHABET))
        chars.append(UID_ALPHABET[digit])
    return _PLACEHOLDER_PREFIX + "".join(chars)


# -- DHIS2 period ids --------------------------------------------------------------------

_DHIS2_PERIOD_PATTERNS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"(\d{4})"), "Yearly"),
    (re.compile(r"(\d{4})(0[1-9]|1[0-2])"), "Monthly"),
    (re.compile(r"(\d{4})Q([1-4])"), "Quarterly"),
    (re.compile(r"(\d{4})S([12])"), "SixMonthly"),
    (re.compile(r"(\d{4})AprilS([12])"), "SixMonthlyApril"),
    (re.compile(r"(\d{4})NovS([12])"), "SixMonthlyNov"),
    (re.compile(r"(\d{4})April"), "FinancialApril"),
    (re.compile(r"(\d{4})July"), "FinancialJuly"),
    (re.compile(r"(\d{4})Oct"), "FinancialOct"),
    (re.compile(r"(\d{4})Nov"), "FinancialNov"),
)


def dhis2_period_bounds(period_id: str) -> tuple[date, str]:
    """(first day, ISO 8601 duration) of a DHIS2 period id, per DHIS2's period types
    (``dhis-api/.../period/*PeriodType.java``): ``2025NovS1`` starts 1/11/2024 and
    ``2025Nov`` (financial year November) starts 1/11/2024. ValueError for other ids."""
    for pattern, type_ in _DHIS2_PERIOD_PATTERNS:
        m = pattern.fullmatch(period_id)
        if not m:
            continue
        year = int(m.group(1))
        n = int(m.group(2)) if m.lastindex and m.lastindex > 1 else 1
        if type_ == "Yearly":
            return date(year, 1, 1), "P1Y"
        if type_ == "Monthly":
            return date(year, n, 1), "P1M"
        if type_ == "Quarterly":
            return date(year, 3 * (n - 1) + 1, 1), "P3M"
        if type_ == "SixMonthly":
            return date(year, 1 if n == 1 else 7, 1), "P6M"
        if type_ == "SixMonthlyApril":
            return date(year, 4 if n == 1 else 10, 1), "P6M"
        if type_ == "SixMonthlyNov":
            return (date(year - 1, 11, 1) if n == 1 else date(year, 5, 1)), "P6M"
        if type_ == "FinancialNov":
            return date(year - 1, 11, 1), "P1Y"
        month = {"FinancialApril": 4, "FinancialJuly": 7, "FinancialOct": 10}[type_]
        return date(year, month, 1), "P1Y"
    raise ValueError(f"not a supported DHIS2 period id: {period_id!r}")


_OUR_DURATION = {YEAR: "P1Y", HALF: "P6M", QUARTER: "P3M", MONTH: "P1M"}


def _fill(template: str, period: Period) -> str:
    return (
        template.replace("{year}", str(period.year))
        .replace("{index}", str(period.index))
        .replace("{mm}", f"{period.index:02d}")
    )


# -- the mapping ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryTarget:
    """Where one category of a value goes: a COC (JSON) and a category option code (ADX)."""

    category_option_combo: str
    adx_option: str | None = None


@dataclass(frozen=True)
class ElementMapping:
    data_element: str
    categories: Mapping[str, CategoryTarget | None] = field(default_factory=dict)  # overrides


@dataclass(frozen=True)
class Dhis2Mapping:
    data_sets: Mapping[str, str | None]  # our period type -> dataSet id
    periods: Mapping[str, str]  # our period type -> DHIS2 period id template
    adx_period: str
    finer_periods: str
    adx_category: str  # the ADX attribute carrying the sex split, e.g. "SEX"
    categories: Mapping[str, CategoryTarget | None]
    org_unit_id_scheme: str
    org_unit_code_template: str
    org_units: Mapping[str, str]  # unit key -> DHIS2 org unit id (or code)
    data_elements: Mapping[str, ElementMapping | None]
    source: str = ""

    # -- look-ups ------------------------------------------------------------------------
    def dhis2_period(self, period: Period) -> str:
        return _fill(self.periods[period.type], period)

    def adx_period_of(self, period: Period) -> str:
        if self.adx_period == "window":
            return f"{period.start.isoformat()}/{_OUR_DURATION[period.type]}"
        start, duration = dhis2_period_bounds(self.dhis2_period(period))
        return f"{start.isoformat()}/{duration}"

    def org_unit(self, unit) -> str:
        found = self.org_units.get(unit.key)
        if found:
            return found
        if self.org_unit_id_scheme == "CODE" and self.org_unit_code_template:
            return self.org_unit_code_template.replace("{code}", unit.code).replace("{tree}", unit.tree)
        raise Dhis2MappingError(
            _(
                "Tệp ánh xạ DHIS2 chưa có mã đơn vị tổ chức (orgUnit) cho {unit} ({key}). "
                "Hãy thêm vào mục «org_units» › «units» của tệp {path}."
            ).format(unit=unit.full_name, key=unit.key, path=self.source or _("ánh xạ"))
        )

    def target(self, element_code: str, category: str) -> CategoryTarget | None:
        element = self.data_elements.get(element_code)
        if element is not None and category in element.categories:
            return element.categories[category]
        return self.categories.get(category)


def default_mapping_path() -> Path:
    return resource_path("dhis2", "mapping.json")


def load_mapping(path: str | Path | None = None) -> Dhis2Mapping:
    """Read and check a mapping file (default: the shipped one). Keys starting with "_"
    are comments. Raises :class:`Dhis2MappingError` with a Vietnamese message."""
    path = Path(path) if path is not None else default_mapping_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as err:
        raise Dhis2MappingError(
            _("Không đọc được tệp ánh xạ DHIS2 {path}: {error}").format(path=path, error=err.strerror or err)
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise Dhis2MappingError(
            _("Tệp ánh xạ DHIS2 {path} không phải JSON hợp lệ (UTF-8): {error}").format(path=path, error=err)
        ) from None
    return parse_mapping(raw, source=str(path))


def parse_mapping(raw: Any, source: str = "") -> Dhis2Mapping:
    where = source or _("ánh xạ DHIS2")

    def fail(place: str, message: str) -> Dhis2MappingError:
        return Dhis2MappingError(
            _("Tệp ánh xạ DHIS2 {path}, mục «{place}»: {message}").format(path=where, place=place, message=message)
        )

    def obj(value: Any, place: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict:
        if not isinstance(value, dict):
            raise fail(place, _("cần một đối tượng JSON {…}"))
        fields = {k: v for k, v in value.items() if not k.startswith("_")}
        unknown = sorted(k for k in fields if k not in required and k not in optional)
        if unknown:
            raise fail(place, _("khóa không biết: {keys}").format(keys=", ".join(unknown)))
        missing = [k for k in required if k not in fields]
        if missing:
            raise fail(place, _("thiếu khóa: {keys}").format(keys=", ".join(missing)))
        return fields

    def uid(value: Any, place: str, *, nullable: bool = False) -> str | None:
        if value is None and nullable:
            return None
        if not is_uid(value):
            raise fail(
                place,
                _("«{value}» không phải mã UID DHIS2 (11 ký tự chữ hoặc số, ký tự đầu là chữ)").format(value=value),
            )
        return value

    def choice(value: Any, place: str, allowed: tuple[str, ...]) -> str:
        if value not in allowed:
            raise fail(place, _("«{value}» không hợp lệ (chỉ nhận: {allowed})").format(
                value=value, allowed=", ".join(allowed)))
        return value

    def target(value: Any, place: str) -> CategoryTarget | None:
        if value is None:
            return None
        fields = obj(value, place, ("categoryOptionCombo",), ("adx",))
        adx = fields.get("adx")
        if adx is not None and (not isinstance(adx, str) or not adx.strip()):
            raise fail(place + " › adx", _("cần mã phương án phân tổ (chuỗi) hoặc null"))
        return CategoryTarget(uid(fields["categoryOptionCombo"], place + " › categoryOptionCombo"), adx)

    def category_block(value: Any, place: str, required: tuple[str, ...]) -> dict[str, CategoryTarget | None]:
        fields = obj(value, place, required, tuple(k for k in CATEGORY_KEYS if k not in required))
        return {k: target(v, f"{place} › {k}") for k, v in fields.items()}

    top = obj(raw, "/", (
        "format_version", "data_sets", "periods", "adx_period", "finer_periods",
        "categories", "org_units", "data_elements",
    ))
    if top["format_version"] != MAPPING_VERSION:
        raise fail("format_version", _("chỉ hỗ trợ phiên bản {version}").format(version=MAPPING_VERSION))

    data_sets = {
        k: uid(v, f"data_sets › {k}", nullable=True)
        for k, v in obj(top["data_sets"], "data_sets", (), PERIOD_TYPES).items()
    }

    periods = obj(top["periods"], "periods", PERIOD_TYPES)
    for type_, template in periods.items():
        if not isinstance(template, str):
            raise fail(f"periods › {type_}", _("cần một mẫu dạng chuỗi, ví dụ «{year}S{index}»"))
        names = set(re.findall(r"\{([^{}]*)\}", template))
        if names - _TEMPLATE_FIELDS:
            raise fail(f"periods › {type_}", _("chỉ dùng được {year}, {index}, {mm}"))
        for sample in (1, 2):  # every template must give a period id DHIS2 knows
            probe = _probe_period(type_, sample)
            try:
                dhis2_period_bounds(_fill(template, probe))
            except ValueError:
                raise fail(
                    f"periods › {type_}",
                    _("«{result}» (từ kỳ {period}) không phải mã kỳ DHIS2 được hỗ trợ").format(
                        result=_fill(template, probe), period=probe.id),
                ) from None

    adx_period = choice(top["adx_period"], "adx_period", ADX_PERIOD_MODES)
    finer_periods = choice(top["finer_periods"], "finer_periods", FINER_PERIOD_MODES)

    cats = obj(top["categories"], "categories", ("adx_attribute", "nam", "nu", "total"), ("unknown",))
    adx_category = cats.pop("adx_attribute")
    if not isinstance(adx_category, str) or not _XML_NAME.fullmatch(adx_category):
        raise fail("categories › adx_attribute", _("cần mã danh mục phân tổ dùng được làm tên thuộc tính XML, ví dụ SEX"))
    categories = category_block(cats, "categories", ("nam", "nu", "total"))
    for key in ("nam", "nu"):
        if categories[key] is not None and not categories[key].adx_option:
            raise fail(f"categories › {key} › adx", _("cần mã phương án phân tổ cho ADX"))

    units = obj(top["org_units"], "org_units", ("id_scheme", "units"), ("code_template",))
    scheme = choice(units["id_scheme"], "org_units › id_scheme", ID_SCHEMES)
    code_template = units.get("code_template") or ""
    if not isinstance(code_template, str):
        raise fail("org_units › code_template", _("cần một chuỗi, ví dụ «{code}»"))
    if not isinstance(units["units"], dict):
        raise fail("org_units › units", _("cần một đối tượng JSON {…}"))
    org_units: dict[str, str] = {}
    for key, value in units["units"].items():
        if key.startswith("_"):
            continue
        place = f"org_units › units › {key}"
        if scheme == "UID":
            org_units[key] = uid(value, place)
        elif value is not None:
            if not isinstance(value, str) or not value.strip():
                raise fail(place, _("cần mã đơn vị (chuỗi) hoặc null"))
            org_units[key] = value.strip()

    if not isinstance(top["data_elements"], dict):
        raise fail("data_elements", _("cần một đối tượng JSON {…}"))
    data_elements: dict[str, ElementMapping | None] = {}
    for code, value in top["data_elements"].items():
        if code.startswith("_"):
            continue
        place = f"data_elements › {code}"
        if value is None:
            data_elements[code] = None
            continue
        if isinstance(value, str):
            data_elements[code] = ElementMapping(uid(value, place))
            continue
        fields = obj(value, place, ("dataElement",), ("categories",))
        overrides = category_block(fields.get("categories") or {}, place + " › categories", ())
        data_elements[code] = ElementMapping(uid(fields["dataElement"], place + " › dataElement"),
                                             MappingProxyType(overrides))

    return Dhis2Mapping(
        data_sets=MappingProxyType(data_sets),
        periods=MappingProxyType(dict(periods)),
        adx_period=adx_period,
        finer_periods=finer_periods,
        adx_category=adx_category,
        categories=MappingProxyType(categories),
        org_unit_id_scheme=scheme,
        org_unit_code_template=code_template,
        org_units=MappingProxyType(org_units),
        data_elements=MappingProxyType(data_elements),
        source=source,
    )


def _probe_period(type_: str, index: int) -> Period:
    return make_period(type_, 2025, index if type_ != YEAR else 1)


# -- the export -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportValue:
    element: str  # our code
    category: str  # "nam" | "nu" | "unknown" | "total"
    data_element: str
    category_option_combo: str
    adx_option: str | None  # the ADX category option code; None: no disaggregation
    value: str
    boolean: bool = False


@dataclass(frozen=True)
class Skipped:
    element: str
    category: str
    reason: str  # Vietnamese


@dataclass(frozen=True)
class Dhis2Export:
    period: Period
    dhis2_period: str
    adx_period: str
    org_unit: str
    org_unit_id_scheme: str
    data_set: str | None
    adx_category: str
    values: tuple[ExportValue, ...]
    skipped: tuple[Skipped, ...]
    placeholders: tuple[str, ...]  # mapping entries used that still hold placeholder UIDs

    @property
    def warnings(self) -> list[str]:
        """Vietnamese lines for the command output."""
        lines = [
            _("Bỏ qua {element}{category}: {reason}").format(
                element=s.element, category=f" ({s.category})" if s.category else "", reason=s.reason)
            for s in self.skipped
        ]
        if self.placeholders:
            shown = ", ".join(self.placeholders[:_SHOWN]) + (", …" if len(self.placeholders) > _SHOWN else "")
            lines.append(
                _(
                    "tệp ánh xạ còn {count} mã DHIS2 tạm (placeholder, bắt đầu bằng «PH»), hãy thay bằng "
                    "mã thật của hệ thống DHIS2 của tỉnh trước khi nạp: {entries}"
                ).format(count=len(self.placeholders), entries=shown)
            )
        return lines


def format_value(value: float, *, boolean: bool = False) -> str:
    """A value as DHIS2 expects it: a string; integers without a decimal point, other
    numbers in plain decimal notation with ".", yes/no as "1"/"0" (DHIS2 BOOLEAN accepts
    1 | 0, numeric data elements take them as numbers)."""
    if boolean:
        return "1" if value > 0 else "0"
    value = round(float(value), _DECIMALS)
    if value == int(value):
        return str(int(value))
    text = format(Decimal(repr(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def prepare_export(workspace, period_id: str, mapping: Dhis2Mapping) -> Dhis2Export:
    """What an export of ``period_id`` holds for the workspace's unit (its own values, or
    at a parent the consolidated ones, as ``workspace.period_values`` gives them)."""
    period = parse_period(period_id)
    unit = workspace.unit
    values = workspace.period_values(period.id)
    org_unit = mapping.org_unit(unit)
    data_set = mapping.data_sets.get(period.type)
    placeholders: list[str] = []
    if data_set is not None and data_set == placeholder_uid("dataSet", period.type):
        placeholders.append(f"data_sets › {period.type}")
    if mapping.org_unit_id_scheme == "UID" and org_unit == placeholder_uid("orgUnit", unit.key):
        placeholders.append(f"org_units › units › {unit.key}")

    out: list[ExportValue] = []
    skipped: list[Skipped] = []
    used_placeholders: set[str] = set()

    def emit(element, category: str, number: float, mapped: ElementMapping) -> None:
        tgt = mapping.target(element.code, category)
        if tgt is None:
            skipped.append(Skipped(element.code, category, _(
                "tệp ánh xạ không có phương án phân tổ (categoryOptionCombo) cho «{category}»").format(
                    category=category)))
            return
        if mapped.data_element == placeholder_uid("dataElement", element.code):
            used_placeholders.add(f"data_elements › {element.code}")
        if tgt.category_option_combo == placeholder_uid("categoryOptionCombo", category):
            used_placeholders.add(f"categories › {category}")
        out.append(ExportValue(
            element=element.code,
            category=category,
            data_element=mapped.data_element,
            category_option_combo=tgt.category_option_combo,
            adx_option=tgt.adx_option,
            value=format_value(number, boolean=element.value_type == "bool"),
            boolean=element.value_type == "bool",
        ))

    for element in workspace.catalog.data_elements:
        own = element.period_type == period.type
        finer = PERIOD_TYPES.index(element.period_type) > PERIOD_TYPES.index(period.type)
        if not own and not (finer and mapping.finer_periods == "aggregate"):
            continue  # a coarser period's stock belongs to that period's export
        present = {c: values[(element.code, c)] for c in ("nam", "nu", "") if (element.code, c) in values}
        if not present:
            continue
        mapped = mapping.data_elements.get(element.code)
        if mapped is None:
            skipped.append(Skipped(element.code, "", _("chưa có mã phần tử dữ liệu DHIS2 trong tệp ánh xạ")))
            continue
        if not element.disaggregated:
            if "" in present:
                emit(element, "total", present[""], mapped)
            continue
        for category in ("nam", "nu"):
            if category in present:
                emit(element, category, present[category], mapped)
        if "" in present:
            # DHIS2 sums the disaggregations into the total; only the people whose sex is
            # not known (stored total minus nam and nu) are still to be sent.
            remainder = round(present[""] - present.get("nam", 0.0) - present.get("nu", 0.0), _DECIMALS)
            if remainder > 0:
                if mapping.target(element.code, "unknown") is None:
                    skipped.append(Skipped(element.code, "unknown", _(
                        "{count} trường hợp chưa rõ giới tính (tổng trừ nam, nữ) không được gửi: tệp ánh xạ "
                        "chưa có phương án «unknown»; DHIS2 sẽ tính tổng = nam + nữ").format(
                            count=format_value(remainder))))
                else:
                    emit(element, "unknown", remainder, mapped)

    placeholders.extend(sorted(used_placeholders))
    return Dhis2Export(
        period=period,
        dhis2_period=mapping.dhis2_period(period),
        adx_period=mapping.adx_period_of(period),
        org_unit=org_unit,
        org_unit_id_scheme=mapping.org_unit_id_scheme,
        data_set=data_set,
        adx_category=mapping.adx_category,
        values=tuple(out),
        skipped=tuple(skipped),
        placeholders=tuple(placeholders),
    )


def export_json(export: Dhis2Export, *, complete_date: date | None = None) -> dict:
    """The DHIS2 ``dataValueSets`` JSON document (Web API «Sending data values»)."""
    doc: dict[str, Any] = {}
    if export.data_set is not None:
        doc["dataSet"] = export.data_set
    if complete_date is not None:
        doc["completeDate"] = complete_date.isoformat()
    doc["period"] = export.dhis2_period
    doc["orgUnit"] = export.org_unit
    if export.org_unit_id_scheme != "UID":
        doc["orgUnitIdScheme"] = export.org_unit_id_scheme  # payload schemes beat URL ones
    doc["dataValues"] = [
        {"dataElement": v.data_element, "categoryOptionCombo": v.category_option_combo, "value": v.value}
        for v in export.values
    ]
    return doc


def export_adx(export: Dhis2Export, *, exported: datetime | None = None,
               complete_date: date | None = None) -> bytes:
    """The ADX message: ``<adx exported>`` › ``<group orgUnit period dataSet>`` ›
    ``<dataValue dataElement value [SEX]>``. The sex split is an attribute named by the
    category code with the category option code as its value; a value without an ADX
    option carries its ``categoryOptionCombo`` instead (DHIS2 reads it in preference),
    or nothing for the default combo (an element without split). Yes/no
    values also carry an ``<annotation>``, which DHIS2 reads for non-numeric elements."""
    if export.data_set is None:
        raise Dhis2MappingError(
            _("ADX cần mã bộ dữ liệu (dataSet) cho kỳ {type}: hãy điền mục «data_sets» › «{type}» "
              "trong tệp ánh xạ.").format(type=export.period.type)
        )
    exported = exported or datetime.now(VN_TZ)
    # Unqualified names under an explicit default namespace: ElementTree's own
    # default_namespace refuses the (rightly) unqualified attribute names.
    root = ET.Element("adx", {"xmlns": ADX_NAMESPACE, "exported": exported.isoformat(timespec="seconds")})
    group_attrs = {"orgUnit": export.org_unit, "period": export.adx_period, "dataSet": export.data_set}
    if complete_date is not None:
        group_attrs["completeDate"] = complete_date.isoformat()
    group = ET.SubElement(root, "group", group_attrs)
    for v in export.values:
        attrs = {"dataElement": v.data_element, "value": v.value}
        if v.adx_option is not None:
            attrs[export.adx_category] = v.adx_option
        elif v.category_option_combo != DEFAULT_COC:
            attrs["categoryOptionCombo"] = v.category_option_combo  # DHIS2 prefers it to categories
        node = ET.SubElement(group, "dataValue", attrs)
        if v.boolean:
            ET.SubElement(node, "annotation").text = v.value
    ET.indent(root)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n").encode("utf-8")


def data_value_set(workspace, period_id: str, mapping: Dhis2Mapping | None = None, *,
                   complete_date: date | None = None) -> dict:
    """The period's values as a DHIS2 dataValueSets JSON document (a dict)."""
    return export_json(prepare_export(workspace, period_id, mapping or load_mapping()),
                       complete_date=complete_date)


def adx_document(workspace, period_id: str, mapping: Dhis2Mapping | None = None, *,
                 exported: datetime | None = None, complete_date: date | None = None) -> bytes:
    """The period's values as an ADX XML message (UTF-8 bytes)."""
    return export_adx(prepare_export(workspace, period_id, mapping or load_mapping()),
                      exported=exported, complete_date=complete_date)


# -- the shipped skeleton ---------------------------------------------------------------------


def skeleton_mapping(catalog, trees) -> dict:
    """A complete mapping with placeholder UIDs for every data element, data set, sex
    COC and unit of ``trees``; ``resources/dhis2/mapping.json`` was written from it."""
    return {
        "format_version": MAPPING_VERSION,
        "data_sets": {t: placeholder_uid("dataSet", t) for t in PERIOD_TYPES},
        "periods": {YEAR: "{year}", HALF: "{year}S{index}", QUARTER: "{year}Q{index}", MONTH: "{year}{mm}"},
        "adx_period": "dhis2",
        "finer_periods": "aggregate",
        "categories": {
            "adx_attribute": "SEX",
            "nam": {"categoryOptionCombo": placeholder_uid("categoryOptionCombo", "nam"), "adx": "nam"},
            "nu": {"categoryOptionCombo": placeholder_uid("categoryOptionCombo", "nu"), "adx": "nu"},
            "unknown": None,
            "total": {"categoryOptionCombo": DEFAULT_COC},
        },
        "org_units": {
            "id_scheme": "UID",
            "code_template": "{code}",
            "units": {
                u.key: placeholder_uid("orgUnit", u.key)
                for tree in trees for u in tree.units
            },
        },
        "data_elements": {
            e.code: {"_name": e.name, "dataElement": placeholder_uid("dataElement", e.code)}
            for e in catalog.data_elements
        },
    }
