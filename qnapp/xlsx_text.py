"""Cells of the workbooks qnapp writes: text stays text, never a formula.

openpyxl turns any string starting with ``=`` into a formula, so an activity title or a
reopen reason such as ``=HYPERLINK("http://…","…")`` would become live in the workbook
parent staff open (formula injection). Every writer (``reports/xlsx.py``, the bundle's
``data/report.xlsx``, the entry template) sets cells through :func:`put` or
:func:`append`, which store a string as a string (``t="inlineStr"``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def put(cell: Any, value: Any) -> Any:
    """``cell.value = value``; a string is kept as a string even when it starts with
    ``=``. Returns the cell."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def append(ws: Any, values: Iterable[Any]) -> None:
    """``ws.append(values)`` with every string stored as a string."""
    values = list(values)
    ws.append(values)
    if values:
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
