"""Formula injection: free text that looks like a formula (a title or a reopen reason
starting with ``=``) is written to the bundle's ``data/report.xlsx`` as text, so the
workbook parent staff open never runs it."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import zipfile

import openpyxl

from qnapp.bundles.layout import REPORT
from qnapp.bundles.writer import build_bundle
from qnapp.catalog import load_catalog
from tests.core.bundles.conftest import ACTIVITIES, AGGREGATES, header_for

FORMULA = '=HYPERLINK("http://x","y")'
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _report(signer) -> bytes:
    header = header_for(signer, revision=2, supersedes="a" * 64, reason=FORMULA)
    activities = [dict(ACTIVITIES[0], title=FORMULA), ACTIVITIES[1]]
    built = build_bundle(header, AGGREGATES, activities, signer.private_key, signer.public_key, load_catalog())
    again = build_bundle(header, AGGREGATES, activities, signer.private_key, signer.public_key, load_catalog())
    assert again.data == built.data  # still deterministic byte for byte
    return built.members[REPORT]


def test_formula_looking_title_is_read_back_as_a_string(signer, tmp_path):
    data = _report(signer)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == FORMULA]
    sheets = {c.parent.title for c in cells}
    assert sheets == {"Số liệu", "Hoạt động"}  # the reopen reason and the activity title
    assert all(c.data_type == "s" for c in cells)
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        for name in book.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in book.read(name) and b"<f " not in book.read(name), name
    if SOFFICE is None:  # the openpyxl checks above are the test; LibreOffice adds proof
        return
    path = tmp_path / "report.xlsx"
    path.write_bytes(data)
    subprocess.run(
        [SOFFICE, "-env:UserInstallation=" + (tmp_path / "lo").as_uri(), "--headless", "--norestore",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path), str(path)],
        capture_output=True, text=True, timeout=300, check=True)
    rows = list(csv.reader((tmp_path / "report.csv").read_text(encoding="utf-8").splitlines()))
    reason_row = next(r for r in rows if r and r[0] == "Lý do gửi lại")
    assert reason_row[1] == FORMULA  # the text itself, not «y» computed by HYPERLINK
