"""CSV for spreadsheets (``--excel``): UTF-8 with BOM, ``;``, Vietnamese header and
numbers, read back by the same imports; the machine contract stays as it was."""

import csv
import io
import shutil
import subprocess
import unicodedata

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from qnapp.catalog import load_catalog
from qnapp.cli import main

BOM = b"\xef\xbb\xbf"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

VALUES = (
    "period,element,category,value\n"
    "2025S1,GBV_VICTIMS,nam,1\n2025S1,GBV_VICTIMS,nu,6\n2025S1,GBV_VICTIMS,,8\n"
    "2025S1,MATERNAL_DEATHS,,0\n2025S1,LIVE_BIRTHS,nu,1234\n"
)
ACTIVITIES = (
    "date,type,title,place,participants_male,participants_female,cost,fund_source,objectives,note\n"
    "20/11/2025,truyen_thong,Mít tinh hưởng ứng Tháng hành động,Nhà văn hóa khu 3,40,85,5000000,ngan_sach,3;6,"
    "Có «phóng sự»\n"
    "2025-03-08,tap_huan,Tập huấn bình đẳng giới,UBND thị trấn,10,12,0,,1,\n"
)


@pytest.fixture
def run(db_path):
    runner = CliRunner()

    def invoke(*args, db=None):
        return runner.invoke(main, ["--db", str(db or db_path), *args], catch_exceptions=False)

    return invoke


def init(run, db=None, unit="06862"):
    assert run("init", "--tree", "2021", "--unit", unit, "--officer", "Nguyễn Thị Lan", db=db).exit_code == 0


@pytest.fixture
def seeded(run, tmp_path):
    init(run)
    (tmp_path / "v.csv").write_text(VALUES, "utf-8")
    (tmp_path / "a.csv").write_text(ACTIVITIES, "utf-8")
    assert run("values", "import", str(tmp_path / "v.csv")).exit_code == 0
    assert run("activities", "import", str(tmp_path / "a.csv")).exit_code == 0
    return run


def test_values_excel_export_has_bom_vietnamese_header_and_semicolons(seeded, tmp_path):
    out = tmp_path / "v_excel.csv"
    assert seeded("values", "export", "2025S1", "--excel", "-o", str(out)).exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(BOM)
    text = raw[len(BOM):].decode("utf-8")
    assert unicodedata.is_normalized("NFC", text)
    lines = text.split("\r\n")
    assert lines[0] == "Kỳ;Mã chỉ tiêu;Tên chỉ tiêu;Phân tổ;Giá trị"
    name = load_catalog().element("GBV_VICTIMS").name
    assert lines[1:4] == [
        f"2025S1;GBV_VICTIMS;{name};Nam;1",
        f"2025S1;GBV_VICTIMS;{name};Nữ;6",
        f"2025S1;GBV_VICTIMS;{name};Tổng;8",
    ]
    # The machine export is untouched: no BOM, commas, machine header.
    machine = seeded("values", "export", "2025S1").output
    assert machine.splitlines()[0] == "period,element,category,value"
    assert "2025S1,GBV_VICTIMS,nu,6" in machine and "\ufeff" not in machine


def test_values_excel_round_trip_into_another_database(seeded, run, tmp_path):
    out = tmp_path / "v_excel.csv"
    seeded("values", "export", "2025S1", "--excel", "-o", str(out))
    other = tmp_path / "other.sqlite"
    init(run, db=other)
    result = run("values", "import", str(out), db=other)
    assert result.exit_code == 0, result.output
    assert run("values", "export", "2025S1", db=other).output == seeded("values", "export", "2025S1").output


def test_decimal_comma_in_the_excel_variant(run, tmp_path):
    init(run, unit="22")  # the province records hours with decimals
    (tmp_path / "h.csv").write_text("period,element,category,value\n2025,UNPAID_CARE_HOURS,nu,2.5\n", "utf-8")
    assert run("values", "import", str(tmp_path / "h.csv")).exit_code == 0
    out = run("values", "export", "2025", "--excel").output
    assert out.splitlines()[1].endswith(";Nữ;2,5")


def test_vietnamese_header_variants_are_imported(run, tmp_path):
    init(run)
    # As Excel set to Vietnamese saves it: ";" and Vietnamese numbers ("1.234" = 1234).
    semicolons = tmp_path / "vi.csv"
    semicolons.write_bytes(BOM + (
        "Kỳ;Mã chỉ tiêu;Tên chỉ tiêu;Phân tổ;Giá trị\r\n"
        "2025S1;LIVE_BIRTHS;Số trẻ sinh ra sống;Nam;1.234\r\n"
        "2025S1;LIVE_BIRTHS;;nữ;1200\r\n"
        "2025S1;MATERNAL_DEATHS;;;0\r\n"
    ).encode("utf-8"))
    result = run("values", "import", str(semicolons))
    assert result.exit_code == 0, result.output
    values = run("values", "export", "2025S1").output
    assert "LIVE_BIRTHS,nam,1234" in values and "LIVE_BIRTHS,nu,1200" in values
    # The same header in another case and Unicode form, with commas and machine numbers.
    commas = tmp_path / "vi_commas.csv"
    commas.write_text(unicodedata.normalize("NFD", "KỲ,mã chỉ tiêu,Phân tổ,GIÁ TRỊ\n2025S1,GBV_VICTIMS,Tổng,3\n"),
                      "utf-8")
    result = run("values", "import", str(commas))
    assert result.exit_code == 0, result.output
    assert "GBV_VICTIMS,,3" in run("values", "export", "2025S1").output


def test_vietnamese_variant_errors_carry_line_numbers(run, tmp_path):
    init(run)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(BOM + (
        "Kỳ;Mã chỉ tiêu;Tên chỉ tiêu;Phân tổ;Giá trị\r\n"
        "2025S1;LIVE_BIRTHS;;Nam;12\r\n"
        "2025S1;LIVE_BIRTHS;;Nữ;2,5\r\n"
        "2025S1;GBV_VICTIMS;;Khác;1\r\n"
    ).encode("utf-8"))
    result = run("values", "import", str(bad))
    assert result.exit_code == 1
    assert "Dòng 3:" in result.output and "phải là số nguyên" in result.output
    assert "Dòng 4:" in result.output and "Dòng 2:" not in result.output
    assert run("values", "export", "2025S1").output.count("\n") == 1
    missing = tmp_path / "missing.csv"
    missing.write_text("Kỳ;Mã chỉ tiêu;Giá trị\n", "utf-8")
    result = run("values", "import", str(missing))
    assert result.exit_code == 1 and "thiếu cột: Phân tổ" in result.output


def test_csv_consistency_problems_now_name_their_line(run, tmp_path):
    init(run)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "period,element,category,value\n2025S1,GBV_VICTIMS,nu,3\n2025S1,GBV_VICTIMS_SUPPORTED,nu,5\n", "utf-8")
    result = run("values", "import", str(bad))
    assert result.exit_code == 1 and "Dòng 3:" in result.output and "lớn hơn" in result.output


def test_period_option_refuses_rows_of_another_period(run, tmp_path):
    init(run)
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("period,element,category,value\n2025S1,MATERNAL_DEATHS,,0\n2025S2,MATERNAL_DEATHS,,1\n",
                     "utf-8")
    result = run("values", "import", "--period", "2025S1", str(mixed))
    assert result.exit_code == 1 and "Dòng 3:" in result.output and "Dòng 2:" not in result.output


def test_activities_excel_export_and_reimport(seeded, run, tmp_path):
    out = tmp_path / "a_excel.csv"
    assert seeded("activities", "export", "--excel", "-o", str(out)).exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(BOM)
    lines = raw[len(BOM):].decode("utf-8").split("\r\n")
    assert lines[0] == ("Ngày;Loại hoạt động;Tên hoạt động;Địa điểm;Số người tham gia (nam);"
                        "Số người tham gia (nữ);Kinh phí (đồng);Nguồn kinh phí;Mục tiêu;Ghi chú")
    assert lines[1].startswith("08/03/2025;Tập huấn;Tập huấn bình đẳng giới;UBND thị trấn;10;12;0;;1;")
    assert lines[2].startswith("20/11/2025;Truyền thông;Mít tinh hưởng ứng Tháng hành động;")
    assert ";Ngân sách nhà nước;\"3; 6\";Có «phóng sự»" in lines[2]
    # Re-importing here skips both; into an empty database it gives the same log.
    again = seeded("activities", "import", str(out))
    assert again.exit_code == 0 and "bỏ qua 2" in again.output
    other = tmp_path / "other.sqlite"
    init(run, db=other)
    assert run("activities", "import", str(out), db=other).exit_code == 0
    assert run("activities", "export", db=other).output == seeded("activities", "export").output


def test_activities_vietnamese_numbers_in_the_excel_variant(run, tmp_path):
    init(run)
    typed = tmp_path / "a.csv"
    typed.write_bytes(BOM + (
        "Ngày;Loại hoạt động;Tên hoạt động;Địa điểm;Số người tham gia (nam);Số người tham gia (nữ);"
        "Kinh phí (đồng);Nguồn kinh phí;Mục tiêu;Ghi chú\r\n"
        "15/11/2025;tháng hành động;Diễu hành;Trung tâm;1.200;1.500;5.000.000;ngân sách nhà nước;3;\r\n"
        "16/11/2025;Truyền thông;Sai số;;-1;2;0;;3;\r\n"
    ).encode("utf-8"))
    result = run("activities", "import", str(typed))
    assert result.exit_code == 1 and "Dòng 3:" in result.output and "Dòng 2:" not in result.output
    typed.write_bytes(typed.read_bytes().rsplit(b"16/11/2025", 1)[0])
    result = run("activities", "import", str(typed))
    assert result.exit_code == 0, result.output
    assert "2025-11-15,thang_hanh_dong,Diễu hành,Trung tâm,1200,1500,5000000,ngan_sach,3," in run(
        "activities", "export").output


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_opens_the_excel_csv_with_intact_diacritics(seeded, tmp_path):
    src = tmp_path / "so_lieu.csv"
    seeded("values", "export", "2025S1", "--excel", "-o", str(src))
    out = tmp_path / "lo"
    profile = tmp_path / "lo_profile"
    # CSV filter: separator ";" (59), quote '"' (34), UTF-8 (76), from line 1, default
    # column types, language vi-VN (1066) so that "2,5" is a number.
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--infilter=CSV:59,34,76,1,,1066",
         "--convert-to", "xlsx", "--outdir", str(out), str(src)],
        capture_output=True, text=True, timeout=180,
    )
    converted = out / "so_lieu.xlsx"
    assert result.returncode == 0 and converted.exists(), result.stderr
    ws = load_workbook(converted).active
    assert [c.value for c in ws[1]] == ["Kỳ", "Mã chỉ tiêu", "Tên chỉ tiêu", "Phân tổ", "Giá trị"]
    assert ws["C2"].value == load_catalog().element("GBV_VICTIMS").name
    assert ws["D3"].value == "Nữ"
    assert ws["E3"].value == 6 and isinstance(ws["E3"].value, (int, float))


def test_csv_for_spreadsheets_neutralises_formulas_and_plain_csv_stays_faithful(run, tmp_path):
    """OWASP «CSV injection»: ``--excel`` (meant for spreadsheets) leads a text starting
    with = + - @ with «'», so Excel or LibreOffice shows it instead of running it; numbers
    stay numbers. The machine CSV keeps every text exactly, and both read back the same."""
    init(run)
    titles = ['=HYPERLINK("http://x","y")', "+84 tập huấn", "-5 người", "@SUM(A1)", "'=đã có dấu nháy",
              "Tập huấn bình đẳng giới"]
    source = tmp_path / "a.csv"
    with open(source, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["date", "type", "title", "place", "participants_male", "participants_female", "cost",
                         "fund_source", "objectives", "note"])
        for day, title in enumerate(titles, start=1):
            writer.writerow([f"2025-03-{day:02d}", "tap_huan", title, "=1+1", 5, 7, 1000, "ngan_sach", "1", "-ghi chú"])
    assert run("activities", "import", str(source)).exit_code == 0
    plain = run("activities", "export").output
    rows = list(csv.DictReader(io.StringIO(plain)))
    assert [r["title"] for r in rows] == titles  # faithful
    assert {r["place"] for r in rows} == {"=1+1"} and {r["note"] for r in rows} == {"-ghi chú"}

    sheet = tmp_path / "a_excel.csv"
    assert run("activities", "export", "--excel", "-o", str(sheet)).exit_code == 0
    cells = list(csv.reader(io.StringIO(sheet.read_bytes()[len(BOM):].decode("utf-8"), newline=""), delimiter=";"))
    assert [r[2] for r in cells[1:]] == ["'" + t for t in titles[:5]] + [titles[5]]
    assert {r[3] for r in cells[1:]} == {"'=1+1"} and {r[9] for r in cells[1:]} == {"'-ghi chú"}
    assert {(r[4], r[5], r[6]) for r in cells[1:]} == {("5", "7", "1000")}  # numbers untouched

    # Both files read back, into another database, as the same activities.
    for name, path in (("plain", source), ("excel", sheet)):
        other = tmp_path / f"{name}.sqlite"
        init(run, db=other)
        assert run("activities", "import", str(path), db=other).exit_code == 0
        assert run("activities", "export", db=other).output == plain, name

    if SOFFICE is None:
        return
    out = tmp_path / "lo"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp_path / 'lo_profile').as_uri()}", "--headless",
         "--infilter=CSV:59,34,76,1,,1066", "--convert-to", "xlsx", "--outdir", str(out), str(sheet)],
        capture_output=True, text=True, timeout=180, check=True)
    ws = load_workbook(out / "a_excel.xlsx").active
    shown = [ws.cell(row=r, column=3).value for r in range(2, len(titles) + 2)]
    assert all(isinstance(v, str) for v in shown) and not any(
        c.data_type == "f" for row in ws.iter_rows() for c in row)
    assert shown[0].endswith(titles[0]) and shown[2].endswith("-5 người")
