"""Text meant for spreadsheets stays text, never a formula (formula / CSV injection).

openpyxl turns any string starting with ``=`` into a formula, so an activity title or a
reopen reason such as ``=HYPERLINK("http://…","…")`` would become live in the workbook
parent staff open (formula injection). Every writer (``reports/xlsx.py``, the bundle's
``data/report.xlsx``, the entry template) sets cells through :func:`put` or
:func:`append`, which store a string as a string (``t="inlineStr"``).

CSV has no cell types, so the spreadsheet variant of the CSV exports (``--excel``) leads
such text with ``'`` as OWASP recommends (:func:`for_spreadsheet`); its import takes the
``'`` off again (:func:`from_spreadsheet`). The machine CSV stays exactly as stored.
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


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def for_spreadsheet(text: str) -> str:
    """A text cell of the spreadsheet variant: ``'`` before a formula-looking text (and
    before one already led by ``'``, so :func:`from_spreadsheet` gives it back exactly)."""
    return "'" + text if text.lstrip("'").startswith(FORMULA_STARTS) else text


def from_spreadsheet(text: str) -> str:
    """The inverse of :func:`for_spreadsheet`."""
    if text.startswith("'") and text[1:].lstrip("'").startswith(FORMULA_STARTS):
        return text[1:]
    return text
