"""Write a report in the format its file name asks for.

xlsx is written here (openpyxl). PDF is drawn by Qt, which the core must not import: the
renderer is a plugin found at run time through the entry-point group ``qnapp.renderers``
(``pdf = "ui.report_pdf:render_pdf"`` in ``pyproject.toml``). A renderer is a callable
``render(report, path)``.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path

from qnapp.errors import QnappError
from qnapp.i18n import _
from qnapp.reports.model import Report

__all__ = ["RENDERER_GROUP", "FORMATS", "report_format", "load_renderer", "write_report"]

RENDERER_GROUP = "qnapp.renderers"
FORMATS = {".xlsx": "xlsx", ".pdf": "pdf"}


def report_format(path: str | Path) -> str:
    """``xlsx`` or ``pdf`` from the file name; anything else is refused in Vietnamese."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise QnappError(
            _("Không biết xuất báo cáo ra dạng «{suffix}»: tên tệp phải kết thúc bằng .xlsx hoặc .pdf.").format(
                suffix=suffix or Path(path).name))
    return FORMATS[suffix]


def load_renderer(name: str) -> Callable[[Report, Path], object]:
    """The renderer plugin ``name`` (e.g. ``pdf``) of the installed qnapp."""
    found = [ep for ep in entry_points(group=RENDERER_GROUP) if ep.name == name]
    if not found:
        raise QnappError(_(
            "Bản cài đặt này không có bộ xuất {name} (thiếu điểm mở rộng «{group}»). Hãy cài lại "
            "chương trình đầy đủ (pip install -e .) hoặc xuất báo cáo ra tệp .xlsx."
        ).format(name=name.upper(), group=RENDERER_GROUP))
    try:
        return found[0].load()
    except ImportError as err:
        raise QnappError(_(
            "Không nạp được bộ xuất {name} ({error}). Hãy kiểm tra bản cài đặt giao diện (PySide6) "
            "hoặc xuất báo cáo ra tệp .xlsx."
        ).format(name=name.upper(), error=err)) from err


def write_report(report: Report, path: str | Path) -> Path:
    """Write ``report`` to ``path``; the format comes from the extension."""
    path = Path(path)
    fmt = report_format(path)
    if fmt == "xlsx":
        from qnapp.reports.xlsx import write_xlsx

        return write_xlsx(report, path)
    load_renderer(fmt)(report, path)
    return path
