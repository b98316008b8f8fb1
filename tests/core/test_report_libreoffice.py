"""The xlsx report opens in LibreOffice: ``soffice --headless --convert-to pdf`` converts
each level's report without error, and the PDF it prints keeps the NĐ 30 header and the
Vietnamese text. CI installs ``libreoffice-calc`` (``.ci/run``); elsewhere the test runs
where ``soffice`` is on PATH (``apt-get install libreoffice-calc poppler-utils``)."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from datetime import date

import pytest

from qnapp.reports.builder import build_report
from qnapp.reports.xlsx import write_xlsx
from tests.core.report_chain import build_chain

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    built = build_chain(tmp_path_factory.mktemp("lo-chain"))
    yield built
    built.close()


def _convert(files, outdir, profile):
    result = subprocess.run(
        [SOFFICE, "-env:UserInstallation=" + profile.as_uri(), "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(outdir), *map(str, files)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result


def test_every_level_and_period_converts_in_libreoffice(chain, tmp_path):
    files = []
    for who, ws in chain.units().items():
        for period in ("2025S1", "2025"):
            report = build_report(ws, period, today=date(2025, 12, 8), number=7)
            files.append(write_xlsx(report, tmp_path / f"{who}_{period}.xlsx"))
    out = tmp_path / "pdf"
    _convert(files, out, tmp_path / "lo-profile")
    for xlsx in files:
        pdf = out / (xlsx.stem + ".pdf")
        assert pdf.exists() and pdf.stat().st_size > 5000, pdf
        assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", "-l", "1", str(out / "district_2025.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
        text = unicodedata.normalize("NFC", text)
        for line in ("ỦY BAN NHÂN DÂN", "HUYỆN TIÊN YÊN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc", "Số: 07/BC-UBND", "Tiên Yên, ngày 08 tháng 12 năm 2025",
                     "BÁO CÁO", "Kính gửi: Sở Nội vụ tỉnh Quảng Ninh."):
            assert line in text, line
