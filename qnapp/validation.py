"""Rules a value must pass before it is stored.

Pure functions over the catalog and a period's values, shared by the entry grid, the
CSV import and (later) bundle import, so every path applies the same rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from qnapp.catalog import Catalog, DataElement
from qnapp.errors import ValidationError
from qnapp.i18n import _
from qnapp.text import format_number, parse_number

CATEGORIES = ("nam", "nu", "")
CATEGORY_LABELS = {"nam": "Nam", "nu": "Nữ", "": "Tổng"}  # the one set of column words (documents, CSV, template)

Values = Mapping[tuple[str, str], float]


@dataclass(frozen=True)
class Problem:
    element: str
    category: str
    message: str


def parse_value(element: DataElement, text: str | float | int) -> float:
    """Turn what the user typed (Vietnamese number format) into a value, or raise."""
    if isinstance(text, str):
        stripped = text.strip()
        if element.value_type == "bool":
            lowered = stripped.casefold()
            if lowered in ("có", "co", "1", "x"):
                return 1.0
            if lowered in ("không", "khong", "0"):
                return 0.0
            raise ValidationError(_("Chỉ nhập «có» hoặc «không» (1 hoặc 0)."))
        value = parse_number(stripped)
    else:
        value = text
    return check_value(element, float(value))


def check_value(element: DataElement, value: float) -> float:
    if value != value or value in (float("inf"), float("-inf")):
        raise ValidationError(_("Giá trị không hợp lệ."))
    if value < 0:
        raise ValidationError(_("Số liệu không được âm."))
    if element.value_type == "count" and value != int(value):
        raise ValidationError(
            _("«{name}» đếm theo {unit}: phải là số nguyên.").format(
                name=element.name, unit=element.unit_of_count
            )
        )
    if element.value_type == "bool" and value not in (0.0, 1.0):
        raise ValidationError(_("Chỉ nhập «có» hoặc «không» (1 hoặc 0)."))
    return float(value)


def check_category(element: DataElement, category: str) -> None:
    if category not in CATEGORIES:
        raise ValidationError(
            _("Phân tổ «{category}» không hợp lệ: dùng «nam», «nu» hoặc để trống.").format(
                category=category
            )
        )
    if category and not element.disaggregated:
        raise ValidationError(
            _("«{name}» không tách theo giới tính: để trống cột phân tổ.").format(
                name=element.name
            )
        )


def effective_total(values: Values, element: DataElement) -> float | None:
    """The stored total, else the sum of the sexes when both are known."""
    total = values.get((element.code, ""))
    if total is not None or not element.disaggregated:
        return total
    male, female = values.get((element.code, "nam")), values.get((element.code, "nu"))
    if male is None and female is None:
        return None
    return (male or 0.0) + (female or 0.0)


def lookup_in(values: Values, catalog: Catalog):
    """A formula lookup over one period's values: category "" means effective total."""

    def lookup(code: str, category: str) -> float | None:
        if category:
            return values.get((code, category))
        return effective_total(values, catalog.element(code))

    return lookup


def check_consistency(catalog: Catalog, values: Values, touched: set[str]) -> list[Problem]:
    """Cross-cell rules for the elements in ``touched`` and those tied to them."""
    problems: list[Problem] = []
    codes = set(touched)
    for element in catalog.data_elements:
        if element.subset_of in touched:
            codes.add(element.code)
    for code in sorted(codes):
        element = catalog.element(code)
        problems.extend(_parts_within_total(values, element))
        if element.subset_of:
            problems.extend(_subset_within_whole(catalog, values, element))
    return problems


def _parts_within_total(values: Values, element: DataElement) -> list[Problem]:
    if not element.disaggregated:
        return []
    total = values.get((element.code, ""))
    male = values.get((element.code, "nam")) or 0.0
    female = values.get((element.code, "nu")) or 0.0
    if total is None or male + female <= total:
        return []
    return [
        Problem(
            element.code,
            "",
            _("Nam ({male}) cộng nữ ({female}) lớn hơn tổng số ({total}).").format(
                male=format_number(male), female=format_number(female), total=format_number(total)
            ),
        )
    ]


def _subset_within_whole(catalog: Catalog, values: Values, part: DataElement) -> list[Problem]:
    whole = catalog.element(part.subset_of)
    categories = ("nam", "nu", "") if part.disaggregated else ("",)
    problems = []
    for category in categories:
        if category:
            part_value, whole_value = values.get((part.code, category)), values.get((whole.code, category))
        else:
            part_value, whole_value = effective_total(values, part), effective_total(values, whole)
        if part_value is None or whole_value is None or part_value <= whole_value:
            continue
        problems.append(
            Problem(
                part.code,
                category,
                _("«{part}» ({part_value}) lớn hơn «{whole}» ({whole_value}).").format(
                    part=part.name,
                    part_value=format_number(part_value),
                    whole=whole.name,
                    whole_value=format_number(whole_value),
                ),
            )
        )
    return problems
