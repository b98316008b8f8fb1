"""The official report as xlsx: NĐ 30/2020 header texts, recipient by tree and date,
figures equal to the database's (numbers stay numbers), Times New Roman, A4 and NĐ 30
margins, print area, print titles, fit to width; a parent's completeness section."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from click.testing import CliRunner

from qnapp.cli import main
from qnapp.demo import fill_demo
from qnapp.errors import QnappError, ValidationError
from qnapp.reports import render
from qnapp.reports.builder import Signer, build_report
from qnapp.reports.model import Cell
from qnapp.reports.progress import progress_table
from qnapp.reports.recipients import RECIPIENT_SETTING, recipient_for
from qnapp.reports.xlsx import table_positions, workbook_bytes, write_xlsx
from qnapp.units import get_unit
from qnapp.validation import effective_total
from qnapp.workspace import Workspace
from tests.core.report_chain import build_chain

MM = 25.4


@pytest.fixture
def demo(db_path):
    ws = Workspace.open(db_path)
    fill_demo(ws, passphrase=None)
    yield ws
    ws.close(backup_on_close=False)


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    built = build_chain(tmp_path_factory.mktemp("chain"))
    yield built
    built.close()


def _book(tmp_path, report, name="r.xlsx"):
    path = write_xlsx(report, tmp_path / name)
    return openpyxl.load_workbook(path), path


# -- header ------------------------------------------------------------------------------


def test_header_follows_nd30_with_the_zero_rule(demo, tmp_path):
    report = build_report(demo, "2025S1", today=date(2025, 6, 8), number=5, signer="Nguyễn Văn Bình")
    wb, _ = _book(tmp_path, report)
    ws = wb["Báo cáo"]
    assert ws["A1"].value == "ỦY BAN NHÂN DÂN" and ws["A2"].value == "THỊ TRẤN TIÊN YÊN"
    assert ws["C1"].value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert ws["C2"].value == "Độc lập - Tự do - Hạnh phúc"
    assert ws["A4"].value == "Số: 05/BC-UBND"
    assert ws["C4"].value == "Tiên Yên, ngày 08 tháng 6 năm 2025"
    assert ws["A6"].value == "BÁO CÁO"
    assert ws["A7"].value == (
        "Kết quả thực hiện Kế hoạch số 82/KH-UBND ngày 08/4/2021 của Ủy ban nhân dân tỉnh Quảng Ninh "
        "về bình đẳng giới và phòng ngừa, ứng phó với bạo lực trên cơ sở giới 6 tháng đầu năm 2025")
    assert ws["A10"].value == "Kính gửi: Phòng Nội vụ huyện Tiên Yên."
    # NĐ 30 type: quốc hiệu 12–13 bold; tiêu ngữ 13–14 bold with its rule (the underline,
    # as long as the text); the place-date line italic 13–14; tên loại, trích yếu bold.
    assert (ws["C1"].font.sz, ws["C1"].font.b) == (13, True)
    assert (ws["C2"].font.sz, ws["C2"].font.b, ws["C2"].font.u) == (14, True, "single")
    assert ws["C4"].font.i and not ws["C4"].font.b and ws["C4"].font.sz == 14
    assert ws["A1"].font.b and ws["A2"].font.b and ws["A6"].font.b and ws["A7"].font.b
    # The rule under the issuer's name: short, underlined, nothing else in the cell.
    assert ws["A3"].font.u == "single" and set(ws["A3"].value) == {"\u00a0"}
    assert ws["A3"].value and len(ws["A3"].value) < 30
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:B1", "C1:G1", "A2:B2", "C2:G2", "A4:B4", "C4:G4", "A6:G6", "A7:G7"} <= merged


@pytest.mark.parametrize(("today", "period", "expected"), [
    (date(2021, 4, 8), "2021S1", "Tiên Yên, ngày 08 tháng 4 năm 2021"),
    (date(2026, 1, 15), "2025", "Tiên Yên, ngày 15 tháng 01 năm 2026"),
    (date(2025, 2, 5), "2025S1", "Tiên Yên, ngày 05 tháng 02 năm 2025"),
    (date(2025, 12, 10), "2025", "Tiên Yên, ngày 10 tháng 12 năm 2025"),
])
def test_place_date_line_zero_rule(demo, today, period, expected):
    assert build_report(demo, period, today=today).header.place_date == expected


def test_number_blank_dots_and_leading_zero(demo):
    assert build_report(demo, "2025", today=date(2025, 12, 8)).header.number == "Số: ......./BC-UBND"
    assert build_report(demo, "2025", today=date(2025, 12, 8), number="12").header.number == "Số: 12/BC-UBND"
    for bad in ("abc", "0", "-3", "1.5"):
        with pytest.raises(ValidationError, match="Số văn bản"):
            build_report(demo, "2025", number=bad)


def test_signature_block_and_receivers(demo, tmp_path):
    chair = build_report(demo, "2025S1", today=date(2025, 6, 8), signer="Nguyễn Văn Bình")
    assert chair.signature.authority == "TM. ỦY BAN NHÂN DÂN"
    assert chair.signature.titles == ("CHỦ TỊCH",) and chair.signature.name == "Nguyễn Văn Bình"
    deputy = build_report(demo, "2025S1", today=date(2025, 6, 8), signer=Signer("Lê Thị Hoa", deputy=True))
    assert deputy.signature.titles == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    assert deputy.recipients_block == ("Như trên;", "Lưu: VT.")
    wb, _ = _book(tmp_path, deputy)
    texts = [c.value for row in wb["Báo cáo"].iter_rows() for c in row if isinstance(c.value, str)]
    i = texts.index("Nơi nhận:")
    assert texts[i:i + 6] == ["Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", "- Như trên;", "KT. CHỦ TỊCH", "- Lưu: VT.",
                              "PHÓ CHỦ TỊCH"]
    assert texts[-1] == "Lê Thị Hoa"
    # A saved signer is used when none is given.
    demo.store.set_setting("report.signer", {"name": "Trần Văn Chủ", "deputy": False}, "test")
    assert build_report(demo, "2025S1").signature.name == "Trần Văn Chủ"
    assert build_report(demo, "2025S1", signer=Signer("", deputy=True)).signature == deputy.signature.__class__(
        "TM. ỦY BAN NHÂN DÂN", ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), "Trần Văn Chủ")


# -- recipient -----------------------------------------------------------------------------


@pytest.mark.parametrize(("unit", "day", "expected"), [
    ("2021:06862", date(2023, 6, 8), "Phòng Lao động - Thương binh và Xã hội huyện Tiên Yên"),
    ("2021:06652", date(2024, 12, 8), "Phòng Lao động - Thương binh và Xã hội thành phố Hạ Long"),
    ("2021:06862", date(2025, 6, 8), "Phòng Nội vụ huyện Tiên Yên"),
    ("2021:199", date(2024, 12, 8), "Sở Lao động - Thương binh và Xã hội tỉnh Quảng Ninh"),
    ("2021:199", date(2025, 2, 28), "Sở Lao động - Thương binh và Xã hội tỉnh Quảng Ninh"),
    ("2021:199", date(2025, 3, 1), "Sở Nội vụ tỉnh Quảng Ninh"),
    ("2025:06652", date(2025, 12, 8), "Sở Nội vụ tỉnh Quảng Ninh"),
    ("2021:22", date(2024, 12, 8), "Bộ Lao động - Thương binh và Xã hội"),
    ("2025:22", date(2026, 6, 8), "Bộ Nội vụ"),
])
def test_recipient_by_tree_and_date(unit, day, expected):
    assert recipient_for(get_unit(unit), day) == expected


def test_recipient_setting_overrides_the_table(demo, tmp_path):
    demo.store.set_setting(RECIPIENT_SETTING, "Ủy ban nhân dân huyện Tiên Yên", "test")
    report = build_report(demo, "2025S1", today=date(2025, 6, 8))
    assert report.header.recipient_lines == ("Kính gửi: Ủy ban nhân dân huyện Tiên Yên.",)
    demo.store.set_setting(RECIPIENT_SETTING, ["Ủy ban nhân dân huyện Tiên Yên", "Phòng Nội vụ huyện Tiên Yên"],
                           "test")
    report = build_report(demo, "2025S1", today=date(2025, 6, 8))
    assert report.header.recipient_lines == (
        "Kính gửi:", "- Ủy ban nhân dân huyện Tiên Yên;", "- Phòng Nội vụ huyện Tiên Yên.")
    wb, _ = _book(tmp_path, report)
    texts = [c.value for c in wb["Báo cáo"]["A"] if isinstance(c.value, str)]
    assert "- Phòng Nội vụ huyện Tiên Yên." in texts


# -- figures ---------------------------------------------------------------------------------


def _number_cells_equal_database(ws_path, report, workspace):
    """Every element table and indicator table on the sheet holds the database's numbers,
    as numbers with the right formats."""
    positions = table_positions(report)
    sheet = openpyxl.load_workbook(ws_path)["Báo cáo"]
    values = workspace.period_values(report.period_id)
    results = {r.indicator.code: r for r in workspace.indicator_results(report.period_id)}
    level = workspace.unit.level
    checked = 0
    for code, result in results.items():
        title_row, last_row = positions["indicator:" + code]
        assert last_row == title_row + 1
        row = sheet[last_row]
        value = row[0].value  # A..C: the result
        if result.value is None:
            assert value is None and row[6].value == "Chưa có số liệu"
        elif result.indicator.is_bool:
            assert value == ("Có" if result.value else "Không")
        elif result.indicator.unit == "%":
            assert isinstance(value, (int, float)) and value == pytest.approx(result.value / 100)
            assert row[0].number_format == "0.0%"
        else:
            assert isinstance(value, (int, float)) and value == pytest.approx(result.value)
            assert row[0].number_format == "#,##0.0"
        if result.met is not None:
            assert row[6].value == ("Đạt" if result.met else "Chưa đạt")
        elements = [e for e in workspace.catalog.elements_of_indicator(code) if level in e.levels]
        title_row, last_row = positions["elements:" + code]
        assert last_row - title_row == len(elements)
        for element, index in zip(elements, range(title_row + 1, last_row + 1)):
            cells = sheet[index]
            assert cells[0].value == element.name
            if element.disaggregated:
                expected = (values.get((element.code, "nam")), values.get((element.code, "nu")),
                            effective_total(values, element))
            else:
                expected = (None, None, values.get((element.code, "")))
            got = (cells[4].value, cells[5].value, cells[6].value)
            assert got == expected, (element.code, got, expected)
            for cell, want in zip(cells[4:7], expected):
                if want is not None:
                    assert isinstance(cell.value, (int, float)) and cell.number_format == "#,##0"
                    checked += 1
    return checked


def test_figures_equal_the_database_and_stay_numeric(demo, tmp_path):
    report = build_report(demo, "2025S1", today=date(2025, 6, 8))
    _, path = _book(tmp_path, report)
    assert _number_cells_equal_database(path, report, demo) > 10
    ws = openpyxl.load_workbook(path)["Báo cáo"]
    assert not [c.coordinate for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=")]  # no formulas
    # Activities: 4 in 2025S1 (the demo's), 68 men and 120 women, 21 400 000 đồng.
    first, last = table_positions(report)["activities:type"]
    total = ws[last]
    assert total[0].value == "Tổng cộng" and total[0].font.b
    assert [c.value for c in total[2:7]] == [4, 68, 120, 188, 21_400_000]
    assert total[6].number_format == "#,##0"
    first, last = table_positions(report)["spending:fund"]
    rows = {ws.cell(r, 1).value: [ws.cell(r, c).value for c in (5, 6, 7)] for r in range(first + 1, last + 1)}
    assert rows["Ngân sách nhà nước"] == [2, pytest.approx(9_400_000 / 21_400_000), 9_400_000]
    assert rows["Tổng cộng"] == [4, 1.0, 21_400_000]
    assert ws.cell(last, 6).number_format == "0.0%"


def test_targets_keep_their_sign_in_the_format_not_the_value(demo, tmp_path):
    report = build_report(demo, "2025S1", today=date(2025, 6, 8))
    _, path = _book(tmp_path, report)
    ws = openpyxl.load_workbook(path)["Báo cáo"]
    _, row = table_positions(report)["indicator:4.1"]  # sex ratio at birth ≤ 111, ≤ 109
    assert (ws.cell(row, 4).value, ws.cell(row, 5).value) == (111, 109)
    assert ws.cell(row, 4).number_format == '"≤ "#,##0'
    _, row = table_positions(report)["indicator:3.2a"]  # ≥ 80 %, ≥ 90 %
    assert ws.cell(row, 4).value == pytest.approx(0.8) and ws.cell(row, 4).number_format == '"≥ "0%'
    assert ws.cell(row, 6).value == pytest.approx((5 / 6 * 100) / 80)  # 104,2 % of the target
    assert Cell(0.8, "percent", prefix="≥ ", decimals=0).text == "≥ 80%"


def test_fonts_page_margins_print_area_titles_fit_to_width(demo, tmp_path):
    report = build_report(demo, "2025", today=date(2025, 12, 8))
    wb, _ = _book(tmp_path, report)
    assert wb.sheetnames == ["Báo cáo", "Phụ lục I - Chỉ tiêu", "Phụ lục II - Tiến độ"]
    for ws in wb:
        fonts = {c.font.name for row in ws.iter_rows() for c in row if c.value is not None}
        assert fonts == {"Times New Roman"}, ws.title
        setup = ws.page_setup
        assert int(setup.paperSize) == 9 and setup.orientation == "portrait"  # A4
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0) and ws.sheet_properties.pageSetUpPr.fitToPage
        m = ws.page_margins
        mm = {side: round(getattr(m, side) * MM, 2) for side in ("top", "bottom", "left", "right")}
        assert 20 <= mm["top"] <= 25 and 20 <= mm["bottom"] <= 25, mm
        assert 30 <= mm["left"] <= 35 and 15 <= mm["right"] <= 20, mm
        assert ws.print_area and ws.print_area.startswith("'{}'!$A$1:".format(ws.title))
        # Page numbers centred at the top from page 2 (none on the first page).
        assert ws.HeaderFooter.differentFirst and ws.oddHeader.center.text == "&P"
        assert not ws.firstHeader.center.text
    # The document's NĐ 30 header belongs on page 1 only; each Phụ lục repeats its
    # column titles on every page.
    assert wb["Báo cáo"].print_title_rows is None
    appendix = wb["Phụ lục I - Chỉ tiêu"]
    title_row = int(appendix.print_title_rows.split(":")[0].strip("$"))
    assert appendix.cell(title_row, 2).value == "Chỉ tiêu"
    assert appendix["A1"].value == "Phụ lục I" and appendix["A2"].value == "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NĂM 2025"
    assert appendix["A3"].value == ("(Kèm theo Báo cáo số ......./BC-UBND ngày 08 tháng 12 năm 2025 "
                                    "của Ủy ban nhân dân thị trấn Tiên Yên)")
    # The normal style too: whatever the officer types later is in Times New Roman.
    assert wb._fonts[0].name == "Times New Roman"


def test_appendix_i_and_progress_sheet_equal_the_database(demo, tmp_path):
    report = build_report(demo, "2025", today=date(2025, 12, 8))
    wb, _ = _book(tmp_path, report)
    sheet = wb["Phụ lục I - Chỉ tiêu"]
    title_row = int(sheet.print_title_rows.split(":")[0].strip("$"))
    results = demo.indicator_results("2025")
    for offset, result in enumerate(results, start=1):
        row = sheet[title_row + offset]
        assert row[0].value == result.indicator.code
        if result.value is not None and result.indicator.unit == "%":
            assert row[3].value == pytest.approx(result.value / 100)
    progress = wb["Phụ lục II - Tiến độ"]
    rows = progress_table(demo, up_to="2025")
    assert [p.period.id for p in rows[:4]] == ["2024S1", "2024", "2025S1", "2025"]
    title_row = int(progress.print_title_rows.split(":")[0].strip("$"))
    got = [(progress.cell(title_row + i, 1).value, progress.cell(title_row + i, 4).value)
           for i in range(1, len(rows) + 1)]
    want = [(r.indicator.code, None if r.value is None else pytest.approx(r.value / 100 if r.indicator.unit == "%"
                                                                          else r.value)) for r in rows]
    assert got == want
    # A half-year report has no progress sheet.
    half = build_report(demo, "2025S1", today=date(2025, 6, 8))
    assert [a.key for a in half.appendices] == ["summary"]


def test_same_report_same_bytes(demo):
    report = build_report(demo, "2025S1", today=date(2025, 6, 8), number=5)
    assert workbook_bytes(report) == workbook_bytes(build_report(demo, "2025S1", today=date(2025, 6, 8), number=5))


# -- a parent ------------------------------------------------------------------------------


def test_district_report_shows_its_children_and_consolidated_figures(chain, tmp_path):
    district = chain.district
    report = build_report(district, "2025S1", today=date(2025, 6, 8), number=3)
    assert report.header.issuer == ("ỦY BAN NHÂN DÂN", "HUYỆN TIÊN YÊN")
    assert report.header.recipients == ("Sở Nội vụ tỉnh Quảng Ninh",)
    wb, path = _book(tmp_path, report)
    ws = wb["Báo cáo"]
    first, last = table_positions(report)["children"]
    rows = {ws.cell(r, 1).value: (ws.cell(r, 5).value, ws.cell(r, 6).value, ws.cell(r, 7).value)
            for r in range(first + 1, last + 1)}
    assert len(rows) == 11  # the communes of Huyện Tiên Yên in the 2021 list
    assert rows["Thị trấn Tiên Yên"] == ("Đúng hạn", 1, "05/06/2025")
    assert rows["Xã Hà Lâu"] == ("Chưa gửi", None, None)
    titles = [s.title for s in report.sections if s.level == 1]
    assert titles[-1] == "IV. TÌNH HÌNH BÁO CÁO CỦA CÁC ĐƠN VỊ CẤP DƯỚI"
    assert "Đã nhận báo cáo của 1/11 đơn vị" in report.sections[-2].blocks[0].text
    # The district's figures are its consolidated values: the commune's, as received.
    assert district.period_values("2025S1")[("GBV_VICTIMS", "nu")] == 5
    assert _number_cells_equal_database(path, report, district) > 10


def test_a_commune_report_has_no_children_section(demo):
    report = build_report(demo, "2025S1", today=date(2025, 6, 8))
    assert "children" not in {s.key for s in report.sections}
    assert [s.key for s in report.sections if s.level == 1] == ["indicators", "activities", "spending"]


@pytest.mark.parametrize("period", ["2025S1", "2025"])
@pytest.mark.parametrize("who", ["commune", "district", "province"])
def test_every_level_writes_its_report_with_the_database_figures(chain, tmp_path, who, period):
    ws = chain.units()[who]
    report = build_report(ws, period, today=date(2025, 12, 8), number=7)
    _, path = _book(tmp_path, report, f"{who}_{period}.xlsx")
    assert _number_cells_equal_database(path, report, ws) > 0
    if who == "province":
        assert report.header.issuer[1] == "TỈNH QUẢNG NINH"
        assert report.header.place_date == "Quảng Ninh, ngày 08 tháng 12 năm 2025"
        assert report.header.recipients == ("Bộ Nội vụ",)


# -- the command line -----------------------------------------------------------------------


def test_cli_report_xlsx_and_exit_codes(demo, db_path, tmp_path):
    demo.close(backup_on_close=False)
    runner = CliRunner()

    def run(*args):
        return runner.invoke(main, ["--db", str(db_path), *args], catch_exceptions=False)

    out = tmp_path / "bao-cao.xlsx"
    ok = run("report", "2025S1", "-o", str(out), "--number", "5", "--signer", "Nguyễn Văn Bình",
             "--date", "08/06/2025")
    assert ok.exit_code == 0, ok.output
    assert "Đã xuất báo cáo 6 tháng đầu năm 2025 của Thị trấn Tiên Yên" in ok.output
    ws = openpyxl.load_workbook(out)["Báo cáo"]
    assert ws["A4"].value == "Số: 05/BC-UBND" and ws["C4"].value == "Tiên Yên, ngày 08 tháng 6 năm 2025"
    bad_period = run("report", "2025X", "-o", str(tmp_path / "x.xlsx"))
    assert bad_period.exit_code == 1 and "Kỳ báo cáo" in bad_period.output
    bad_suffix = run("report", "2025S1", "-o", str(tmp_path / "x.docx"))
    assert bad_suffix.exit_code == 1 and ".xlsx hoặc .pdf" in bad_suffix.output
    bad_number = run("report", "2025S1", "-o", str(tmp_path / "x.xlsx"), "--number", "năm")
    assert bad_number.exit_code == 1 and "Số văn bản" in bad_number.output
    bad_date = run("report", "2025S1", "-o", str(tmp_path / "x.xlsx"), "--date", "31/02/2025")
    assert bad_date.exit_code == 1 and "không có trên lịch" in bad_date.output
    assert run("report", "2025S1").exit_code == 2  # no -o
    assert not (tmp_path / "x.xlsx").exists()


def test_pdf_without_the_renderer_plugin_says_so_in_vietnamese(demo, tmp_path, monkeypatch):
    monkeypatch.setattr(render, "entry_points", lambda group: [])
    report = build_report(demo, "2025S1", today=date(2025, 6, 8))
    with pytest.raises(QnappError, match="không có bộ xuất PDF"):
        render.write_report(report, tmp_path / "r.pdf")
    assert render.write_report(report, tmp_path / "r.xlsx").exists()


def test_the_pdf_renderer_is_declared_as_a_plugin():
    from importlib.metadata import entry_points

    [plugin] = [ep for ep in entry_points(group=render.RENDERER_GROUP) if ep.name == "pdf"]
    assert plugin.value == "ui.report_pdf:render_pdf"


def test_formula_looking_signer_is_written_as_text(demo, tmp_path):
    """A typed signer name starting with «=» stays text in the workbook (no formula)."""
    text = '=HYPERLINK("http://x","y")'
    report = build_report(demo, "2025S1", today=date(2025, 6, 8), signer=text)
    wb, _ = _book(tmp_path, report)
    cells = [c for row in wb["Báo cáo"].iter_rows() for c in row if c.value == text]
    assert [c.data_type for c in cells] == ["s"]
    assert not [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
