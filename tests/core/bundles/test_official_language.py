"""Official documents are Vietnamese whatever language the interface speaks: a bundle
is the same bytes, and its report the same words, in an English session."""

from datetime import date

import pytest

from qnapp import i18n
from qnapp.bundles import export_bundle
from qnapp.demo import DEMO_PASSPHRASE, fill_demo
from qnapp.reports.builder import build_report
from qnapp.workspace import Workspace


@pytest.fixture
def english():
    i18n.set_language("en")
    yield
    i18n.set_language("vi")


@pytest.fixture
def demo(db_path):
    ws = Workspace.open(db_path)
    fill_demo(ws)
    yield ws
    ws.close(backup_on_close=False)


def test_the_interface_really_speaks_english(english):
    assert i18n._("Gửi báo cáo") != "Gửi báo cáo"


def test_report_header_stays_vietnamese_in_an_english_session(demo, english):
    header = build_report(demo, "2025S1", today=date(2025, 6, 8)).header
    assert header.national_name == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert header.place_date.endswith("ngày 08 tháng 6 năm 2025")


def test_a_bundle_made_in_an_english_session_is_a_vietnamese_document(demo, tmp_path):
    import io
    import zipfile

    import openpyxl

    i18n.set_language("en")
    try:
        result = export_bundle(demo, "2025S1", DEMO_PASSPHRASE, tmp_path / "goi.zip")
    finally:
        i18n.set_language("vi")
    with zipfile.ZipFile(result.path) as bundle:
        book = openpyxl.load_workbook(io.BytesIO(bundle.read("data/report.xlsx")))
    texts = {c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)}
    assert "BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH 82/KH-UBND" in texts and "Kỳ báo cáo" in texts
    assert book.worksheets[0].title == "Số liệu"
