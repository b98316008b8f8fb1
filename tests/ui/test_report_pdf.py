"""The report as PDF through Qt: A4 pages, no number on page 1 and numbers centred at the
top after it, each «Phụ lục» numbered anew, the signature block kept with its name, the
Vietnamese text extractable with its diacritics, and the same figures as the database.
Page count and text via poppler-utils (``pdfinfo``, ``pdftotext``; ``.ci/run`` installs them)."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from datetime import date

import pytest
from click.testing import CliRunner

from qnapp.cli import main
from qnapp.demo import fill_demo
from qnapp.reports.builder import build_report
from qnapp.reports.render import write_report
from qnapp.workspace import Workspace
from tests.core.report_chain import build_chain
from ui.report_pdf import export_report, render_pdf, report_font_family

PDFTOTEXT = shutil.which("pdftotext")
needs_pdftotext = pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")


@pytest.fixture
def demo(db_path):
    ws = Workspace.open(db_path)
    fill_demo(ws, passphrase=None)
    yield ws
    ws.close(backup_on_close=False)


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    built = build_chain(tmp_path_factory.mktemp("pdf-chain"))
    yield built
    built.close()


def page_count(path) -> int:
    """Pages as the PDF's page tree counts them (pdfinfo where present)."""
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", path.read_bytes()))


def pages(path) -> list[str]:
    text = subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1]


def lines(page: str) -> list[str]:
    return [" ".join(line.split()) for line in page.splitlines() if line.strip()]


def test_report_font_is_times_new_roman_or_a_vietnamese_serif(qapp):
    from PySide6.QtGui import QFontDatabase

    family = report_font_family()
    assert family in {"Times New Roman", "Liberation Serif", "Tinos", "TeX Gyre Termes", "Noto Serif",
                      "DejaVu Serif"}
    if "Times New Roman" in QFontDatabase.families():
        assert family == "Times New Roman"


@needs_pdftotext
def test_pdf_pages_header_numbers_and_diacritics(qapp, demo, tmp_path):
    report = build_report(demo, "2025", today=date(2025, 12, 8), number=5, signer="Nguyễn Văn Bình")
    path = render_pdf(report, tmp_path / "bao-cao.pdf")
    text_pages = pages(path)
    assert len(text_pages) == page_count(path) >= 4
    first = lines(text_pages[0])
    raw = "\n".join(text_pages)
    assert raw == unicodedata.normalize("NFC", raw)  # composed Vietnamese, no stray marks
    assert first[0] == "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert first[1] == "THỊ TRẤN TIÊN YÊN Độc lập - Tự do - Hạnh phúc"
    assert first[2] == "Số: 05/BC-UBND Tiên Yên, ngày 08 tháng 12 năm 2025"
    assert first[3] == "BÁO CÁO"
    assert "Kính gửi: Phòng Nội vụ huyện Tiên Yên." in first
    # NĐ 30: no number on page 1; then 2, 3, … centred at the top.
    assert not first[0].isdigit()
    main_pages = [p for p in text_pages if "Phụ lục" not in lines(p)[0:2]]
    appendix_starts = [i for i, p in enumerate(text_pages) if lines(p)[0] in ("Phụ lục I", "Phụ lục II")]
    assert [lines(text_pages[i])[0] for i in appendix_starts] == ["Phụ lục I", "Phụ lục II"]
    for number, page in enumerate(text_pages[1:appendix_starts[0]], start=2):
        assert lines(page)[0] == str(number)
    # Each Phụ lục starts unnumbered and counts from 2 on its next page.
    for start in appendix_starts:
        following = text_pages[start + 1] if start + 1 < len(text_pages) else ""
        if following and lines(following)[0] not in ("Phụ lục I", "Phụ lục II"):
            assert lines(following)[0] == "2"
    # The signature block stays together: authority, title and name on one page.
    [sign_page] = [p for p in main_pages if "TM. ỦY BAN NHÂN DÂN" in p]
    assert "CHỦ TỊCH" in sign_page and "Nguyễn Văn Bình" in sign_page and "Nơi nhận:" in sign_page
    # Figures as in the database (Vietnamese number format).
    flat = " ".join(" ".join(lines(p)) for p in text_pages)
    result = {r.indicator.code: r for r in demo.indicator_results("2025")}["6.1"]
    assert round(result.value, 1) == 63.5
    assert "Kết quả kỳ báo cáo: 63,5% (mục tiêu năm 2025: ≥ 60%; năm 2030: ≥ 80%)" in flat
    assert "tổng kinh phí 21.400.000 đồng" in flat


def test_cli_writes_pdf_through_the_renderer_plugin(qapp, demo, db_path, tmp_path):
    demo.close(backup_on_close=False)
    out = tmp_path / "bao-cao.pdf"
    result = CliRunner().invoke(main, ["--db", str(db_path), "report", "2025S1", "-o", str(out), "--number", "5",
                                       "--signer", "Lê Thị Hoa", "--deputy", "--date", "08/06/2025"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF") and page_count(out) >= 2
    assert list(out.parent.glob(out.name + "*.tmp")) == []
    if PDFTOTEXT:
        text = "\n".join(pages(out))
        assert "KT. CHỦ TỊCH" in text and "PHÓ CHỦ TỊCH" in text and "Lê Thị Hoa" in text


def test_export_report_for_the_send_page(qapp, demo, tmp_path):
    pdf = export_report(demo, "2025S1", tmp_path / "r.pdf", today=date(2025, 6, 8))
    xlsx = export_report(demo, "2025S1", tmp_path / "r.xlsx", today=date(2025, 6, 8))
    assert pdf.read_bytes().startswith(b"%PDF") and xlsx.read_bytes().startswith(b"PK")


@needs_pdftotext
@pytest.mark.parametrize("period", ["2025S1", "2025"])
@pytest.mark.parametrize("who", ["commune", "district", "province"])
def test_every_level_prints_its_figures(qapp, chain, tmp_path, who, period):
    ws = chain.units()[who]
    report = build_report(ws, period, today=date(2025, 12, 8), number=7)
    path = write_report(report, tmp_path / f"{who}_{period}.pdf")
    text = " ".join(" ".join(lines(p)) for p in pages(path))
    # Every indicator's result sentence carries the table's Vietnamese figure.
    for section in report.sections:
        if section.key.startswith("indicator:"):
            assert " ".join(section.title.split()) in text
            value = section.blocks[1].rows[0][0]
            if value.value is not None:
                assert value.text in text, (section.key, value.text)
    if who != "commune":
        assert "TÌNH HÌNH BÁO CÁO CỦA CÁC ĐƠN VỊ CẤP DƯỚI" in text
    assert page_count(path) == len(pages(path))
