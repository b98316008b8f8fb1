"""How the entry grid shows things: colours, values as typed, results and targets."""

from __future__ import annotations

from PySide6.QtGui import QColor

from qnapp.catalog import DataElement, Indicator, Target
from qnapp.i18n import _
from qnapp.text import format_number

OP_SIGNS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "="}


class Palette:
    OBJECTIVE_BG = QColor("#d6e4f0")
    INDICATOR_BG = QColor("#edf3f9")
    DERIVED_BG = QColor("#efefef")
    NOT_APPLICABLE_BG = QColor("#f6f6f6")
    DERIVED_FG = QColor("#555555")
    ERROR_BG = QColor("#ffcdd2")
    ERROR_FG = QColor("#8e0000")
    MET_BG = QColor("#d7f0d8")
    MET_FG = QColor("#1b5e20")
    UNMET_BG = QColor("#fde0dc")
    UNMET_FG = QColor("#b71c1c")
    UNKNOWN_FG = QColor("#6b6b6b")
    LOCKED_BG = QColor("#eceff1")
    LOCKED_FG = QColor("#37474f")


def value_text(element: DataElement, value: float | None) -> str:
    """A stored value as typed: "1.234", "12,5", or có / không."""
    if value is None:
        return ""
    if element.value_type == "bool":
        return _("có") if value else _("không")
    return format_number(value)


def format_indicator_value(indicator: Indicator, value: float | None, decimals: int | None = 1) -> str:
    """A result (one decimal) or a target value (as written): "90,0%", "1,7", "Có"."""
    if value is None:
        return ""
    if indicator.is_bool:
        return _("Có") if value else _("Chưa")
    if indicator.unit == "%":
        return format_number(value, decimals) + "%"
    return format_number(value, decimals)


def format_target(indicator: Indicator, target: Target | None) -> str:
    if target is None:
        return ""
    if target.op == "bool":
        return _("Có") if target.value else _("Không")
    sign = OP_SIGNS.get(target.op, target.op)
    return "{} {}".format(sign, format_indicator_value(indicator, target.value, None))


def indicator_title(indicator: Indicator) -> str:
    if indicator.unit in ("%", "") or indicator.is_bool:
        return _("Chỉ tiêu {code}: {name}").format(code=indicator.code, name=indicator.name)
    return _("Chỉ tiêu {code}: {name} (đơn vị: {unit})").format(
        code=indicator.code, name=indicator.name, unit=indicator.unit
    )


def met_text(met: bool | None, value: float | None) -> str:
    if value is None:
        return _("Chưa đủ số liệu")
    if met is None:
        return "—"
    return _("Đạt") if met else _("Chưa đạt")
