"""The Excel entry template: layout, protection, validation, metadata, the round trip of a
file edited as a user would (openpyxl, LibreOffice), and all-or-nothing import."""

import shutil
import subprocess

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from qnapp.cli import main

PERIOD = "2025S1"
FONT = "Times New Roman"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) not installed")


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def run(db_path, runner):
    def invoke(*args, db=None):
        return runner.invoke(main, ["--db", str(db or db_path), *args], catch_exceptions=False)

    return invoke


@pytest.fixture
def initialised(run, tmp_path):
    assert run("init", "--tree", "2021", "--unit", "06862", "--officer", "Nguyễn Thị Lan").exit_code == 0
    seed = tmp_path / "seed.csv"
    seed.write_text(
        "period,element,category,value\n2025S1,GBV_VICTIMS,nam,1\n2025S1,GBV_VICTIMS,nu,6\n"
        "2025S1,MATERNAL_DEATHS,,0\n",
        "utf-8",
    )
    assert run("values", "import", str(seed)).exit_code == 0
    return run


@pytest.fixture
def template(initialised, tmp_path):
    path = tmp_path / "bieu.xlsx"
    result = initialised("values", "template", PERIOD, "-o", str(path))
    assert result.exit_code == 0, result.output
    assert "9 dòng số liệu" in result.output
    return path


def stored(run, period=PERIOD):
    lines = run("values", "export", period).output.strip().splitlines()[1:]
    return {tuple(line.split(",")[1:3]): line.split(",")[3] for line in lines}


def rows_by_code(ws):
    return {ws.cell(row=r, column=1).value: r for r in range(7, ws.max_row + 1) if ws.cell(row=r, column=1).value}


def edit(path, out, changes):
    """Open the template as a user's program would, type into cells, save elsewhere."""
    wb = load_workbook(path)
    ws = wb["Nhập số liệu"]
    rows = rows_by_code(ws)
    for (code, column), value in changes.items():
        cell = ws[f"{column}{rows[code]}"]
        if isinstance(value, tuple):  # (text, font name): typed in a legacy font
            cell.value, cell.font = value[0], Font(name=value[1], size=12)
        else:
            cell.value = value
    wb.save(out)
    return rows


def validations(ws):
    """The data validation rule of each cell it covers."""
    covered = {}
    for dv in ws.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            for row in ws[cell_range.coord] if ":" in cell_range.coord else [[ws[cell_range.coord]]]:
                for cell in row:
                    covered[cell.coordinate] = dv
    return covered


def soffice_roundtrip(src, tmp_path, *, target="xlsx", infilter=None):
    """Open and save ``src`` with LibreOffice headless, as an officer's LibreOffice would."""
    out = tmp_path / "lo_out"
    out.mkdir(exist_ok=True)
    profile = tmp_path / "lo_profile"
    args = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless"]
    if infilter:
        args.append(f"--infilter={infilter}")
    args += ["--convert-to", target, "--outdir", str(out), str(src)]
    result = subprocess.run(args, capture_output=True, text=True, timeout=180)
    converted = out / (src.stem + "." + target.split(":")[0])
    assert result.returncode == 0 and converted.exists(), result.stderr
    return converted


# ---------------------------------------------------------------------------
# Layout


def test_layout_names_codes_and_prefilled_values(template):
    wb = load_workbook(template)
    assert wb.sheetnames == ["Nhập số liệu", "qnapp"]
    ws = wb["Nhập số liệu"]
    assert [ws.cell(row=6, column=c).value for c in range(1, 7)] == [
        "Mã", "Chỉ tiêu / số liệu", "Đơn vị tính", "Nam", "Nữ", "Tổng"]
    assert ws.column_dimensions["A"].hidden and not ws.column_dimensions["B"].hidden
    assert ws.column_dimensions["B"].width >= 60 and ws.freeze_panes == "A7"
    assert "Thị trấn Tiên Yên" in ws["B2"].value and "2025S1" in ws["B3"].value
    rows = rows_by_code(ws)
    assert list(rows) == [
        "GBV_VICTIMS", "GBV_VICTIMS_SUPPORTED", "GBV_PERPETRATORS", "GBV_PERPETRATORS_COUNSELLED",
        "TRAFFICKING_RETURNEES_NEEDING_SUPPORT", "TRAFFICKING_RETURNEES_SUPPORTED", "LIVE_BIRTHS",
        "MATERNAL_DEATHS", "BIRTHS_MOTHERS_15_19"]
    victims = rows["GBV_VICTIMS"]
    assert ws[f"B{victims}"].value.startswith("Số người bị bạo lực gia đình")
    assert (ws[f"D{victims}"].value, ws[f"E{victims}"].value, ws[f"F{victims}"].value) == (1, 6, None)
    assert ws[f"F{rows['MATERNAL_DEATHS']}"].value == 0
    # Grouped by objective and indicator, in Vietnamese, above their elements.
    names = [ws.cell(row=r, column=2).value for r in range(7, victims)]
    assert names[0].startswith("Mục tiêu 3:") and names[1].startswith("Chỉ tiêu 3.2a:")
    # Times New Roman throughout.
    fonts = {c.font.name for row in ws.iter_rows() for c in row if c.value is not None}
    assert fonts == {FONT}


def test_inputs_unlocked_everything_else_locked(template):
    wb = load_workbook(template)
    ws = wb["Nhập số liệu"]
    assert ws.protection.sheet and not ws.protection.password  # no password: saving is never blocked
    rows = rows_by_code(ws)
    split, whole = rows["GBV_VICTIMS"], rows["MATERNAL_DEATHS"]
    for coordinate in (f"D{split}", f"E{split}", f"F{split}", f"F{whole}"):
        assert ws[coordinate].protection.locked is False, coordinate
    for coordinate in (f"A{split}", f"B{split}", f"C{split}", f"D{whole}", f"E{whole}", "B1", "D6", "B7"):
        assert ws[coordinate].protection.locked is True, coordinate
    unlocked = {c.coordinate for row in ws.iter_rows() for c in row if c.protection.locked is False}
    assert len(unlocked) == 7 * 3 + 2  # seven split elements, two without a split
    meta = wb["qnapp"]
    assert meta.sheet_state == "hidden" and meta.protection.sheet


def test_data_validation_on_every_input(template):
    ws = load_workbook(template)["Nhập số liệu"]
    unlocked = {c.coordinate for row in ws.iter_rows() for c in row if c.protection.locked is False}
    covered = validations(ws)
    assert set(covered) == unlocked
    for dv in covered.values():
        assert (dv.type, dv.operator, dv.formula1) == ("whole", "greaterThanOrEqual", "0")
        assert dv.showErrorMessage and dv.error


def test_metadata_sheet_and_defined_names(template, tmp_path):
    resaved = tmp_path / "resaved.xlsx"
    load_workbook(template).save(resaved)  # survives a plain openpyxl load and save
    wb = load_workbook(resaved)
    assert wb["qnapp"].sheet_state == "hidden"
    meta = {r[0].value: r[1].value for r in wb["qnapp"].iter_rows(min_row=2, max_col=2) if r[0].value}
    assert meta["format"] == "qnapp-values-template" and meta["unit"] == "2021:06862" and meta["period"] == PERIOD
    names = {n: d.attr_text for n, d in wb.defined_names.items()}
    assert names["QNAPP_UNIT"] == '"2021:06862"' and names["QNAPP_PERIOD"] == '"2025S1"'
    assert names["QNAPP_FORMAT"] == '"qnapp-values-template"'


def test_province_template_has_decimal_and_yes_no_inputs(run, tmp_path):
    assert run("init", "--tree", "2021", "--unit", "22", "--officer", "Trần Văn Bình").exit_code == 0
    path = tmp_path / "tinh.xlsx"
    assert run("values", "template", "2025", "-o", str(path)).exit_code == 0
    ws = load_workbook(path)["Nhập số liệu"]
    rows = rows_by_code(ws)
    rules = validations(ws)
    hours, curriculum = rows["UNPAID_CARE_HOURS"], rows["GE_CURRICULUM_TEACHER_TRAINING"]
    assert (rules[f"D{hours}"].type, rules[f"D{hours}"].formula1) == ("decimal", "0")
    assert (rules[f"F{curriculum}"].type, rules[f"F{curriculum}"].formula1) == ("list", '"có,không"')
    assert rules[f"D{rows['VET_NEW_ENROLMENTS']}"].type == "whole"
    edit(path, path, {("UNPAID_CARE_HOURS", "D"): 2.5, ("UNPAID_CARE_HOURS", "E"): "4,5",
                      ("GE_CURRICULUM_TEACHER_TRAINING", "F"): "có"})
    result = run("values", "import", str(path))
    assert result.exit_code == 0, result.output
    values = stored(run, "2025")
    assert values[("UNPAID_CARE_HOURS", "nam")] == "2.5" and values[("UNPAID_CARE_HOURS", "nu")] == "4.5"
    assert values[("GE_CURRICULUM_TEACHER_TRAINING", "")] == "1"


# ---------------------------------------------------------------------------
# The round trip


def test_user_edit_round_trip(template, initialised, tmp_path):
    filled = tmp_path / "filled.xlsx"
    edit(template, filled, {
        ("GBV_VICTIMS", "D"): 2,  # a number over the prefilled 1
        ("LIVE_BIRTHS", "D"): "1.234",  # typed as text, Vietnamese thousands
        ("LIVE_BIRTHS", "E"): 1200.0,  # a float that is a whole number
        ("BIRTHS_MOTHERS_15_19", "F"): 3,
        ("GBV_PERPETRATORS", "E"): "  ",  # spaces only: blank
    })
    result = initialised("values", "import", str(filled))
    assert result.exit_code == 0, result.output
    assert "ghi 4 ô" in result.output  # GBV_VICTIMS nu (6) and MATERNAL_DEATHS (0) unchanged
    values = stored(initialised)
    assert values[("GBV_VICTIMS", "nam")] == "2" and values[("GBV_VICTIMS", "nu")] == "6"
    assert values[("LIVE_BIRTHS", "nam")] == "1234" and values[("LIVE_BIRTHS", "nu")] == "1200"
    assert values[("BIRTHS_MOTHERS_15_19", "")] == "3" and values[("MATERNAL_DEATHS", "")] == "0"
    assert ("GBV_PERPETRATORS", "nu") not in values


def test_untouched_template_writes_nothing(template, initialised):
    result = initialised("values", "import", str(template))
    assert result.exit_code == 0 and "Đã nhập 9 dòng, ghi 0 ô" in result.output


def test_unchanged_values_are_not_written_again_so_a_locked_period_is_no_obstacle(
        template, initialised, tmp_path, monkeypatch):
    from qnapp.errors import ValidationError
    from qnapp.workspace import Workspace

    def locked(self, changes):
        raise ValidationError("Kỳ 2025S1 đã gửi báo cáo và đang khóa.")

    monkeypatch.setattr(Workspace, "apply_values", locked)
    assert initialised("values", "import", str(template)).exit_code == 0  # nothing to write
    filled = tmp_path / "filled.xlsx"
    edit(template, filled, {("GBV_VICTIMS", "D"): 2})
    result = initialised("values", "import", str(filled))
    assert result.exit_code == 1 and "đang khóa" in result.output and "Dòng" not in result.output


def test_blank_cell_keeps_the_stored_value(template, initialised, tmp_path):
    filled = tmp_path / "filled.xlsx"
    edit(template, filled, {("GBV_VICTIMS", "E"): None, ("GBV_VICTIMS", "D"): 4})
    assert initialised("values", "import", str(filled)).exit_code == 0
    values = stored(initialised)
    assert values[("GBV_VICTIMS", "nu")] == "6" and values[("GBV_VICTIMS", "nam")] == "4"


def test_bad_cells_reject_the_whole_file_with_sheet_rows(template, initialised, tmp_path):
    before = stored(initialised)
    filled = tmp_path / "bad.xlsx"
    rows = edit(template, filled, {
        ("GBV_PERPETRATORS", "D"): 3,  # fine on its own
        ("GBV_VICTIMS", "D"): -1,  # negative
        ("LIVE_BIRTHS", "E"): "mười",  # text
        ("MATERNAL_DEATHS", "F"): 2.5,  # not a whole count
        ("BIRTHS_MOTHERS_15_19", "F"): "2,5",  # the same typed as text
    })
    result = initialised("values", "import", str(filled))
    assert result.exit_code == 1
    assert "chưa ghi gì" in result.output
    assert f"Dòng {rows['GBV_VICTIMS']}: ô D{rows['GBV_VICTIMS']} (Nam): Số liệu không được âm." in result.output
    assert f"Dòng {rows['LIVE_BIRTHS']}: ô E{rows['LIVE_BIRTHS']} (Nữ)" in result.output
    assert f"Dòng {rows['MATERNAL_DEATHS']}: ô F{rows['MATERNAL_DEATHS']} (Tổng)" in result.output
    assert "phải là số nguyên" in result.output
    assert f"Dòng {rows['BIRTHS_MOTHERS_15_19']}:" in result.output
    assert f"Dòng {rows['GBV_PERPETRATORS']}:" not in result.output
    assert stored(initialised) == before


def test_parts_larger_than_total_or_whole_are_placed_on_their_row(template, initialised, tmp_path):
    before = stored(initialised)
    filled = tmp_path / "bad.xlsx"
    rows = edit(template, filled, {
        ("GBV_VICTIMS", "D"): 5, ("GBV_VICTIMS", "E"): 5, ("GBV_VICTIMS", "F"): 3,
        ("GBV_PERPETRATORS", "E"): 2, ("GBV_PERPETRATORS_COUNSELLED", "E"): 4,
    })
    result = initialised("values", "import", str(filled))
    assert result.exit_code == 1
    assert f"Dòng {rows['GBV_VICTIMS']}: Nam (5) cộng nữ (5) lớn hơn tổng số (3)." in result.output
    assert f"Dòng {rows['GBV_PERPETRATORS_COUNSELLED']}:" in result.output and "lớn hơn «Số người gây" in result.output
    assert stored(initialised) == before


def test_wrong_unit_is_refused(initialised, run, tmp_path):
    other_db = tmp_path / "other.sqlite"
    assert run("init", "--tree", "2021", "--unit", "06868", "--officer", "Lê Văn An", db=other_db).exit_code == 0
    other = tmp_path / "other.xlsx"
    assert run("values", "template", PERIOD, "-o", str(other), db=other_db).exit_code == 0
    edit(other, other, {("GBV_VICTIMS", "D"): 9})
    before = stored(initialised)
    result = initialised("values", "import", str(other))
    assert result.exit_code == 1
    assert "Xã Đại Dực (2021:06868)" in result.output and "Thị trấn Tiên Yên (2021:06862)" in result.output
    assert stored(initialised) == before


def test_wrong_period_is_refused(template, initialised):
    result = initialised("values", "import", "--period", "2025S2", str(template))
    assert result.exit_code == 1 and "Biểu này của kỳ 2025S1, không phải kỳ 2025S2" in result.output
    assert initialised("values", "import", "--period", "2025S1", str(template)).exit_code == 0


def test_either_metadata_record_suffices_and_they_must_agree(template, initialised, tmp_path):
    no_sheet = tmp_path / "no_sheet.xlsx"
    wb = load_workbook(template)
    wb.remove(wb["qnapp"])
    wb.save(no_sheet)
    assert initialised("values", "import", str(no_sheet)).exit_code == 0
    no_names = tmp_path / "no_names.xlsx"
    wb = load_workbook(template)
    for name in ("QNAPP_FORMAT", "QNAPP_UNIT", "QNAPP_PERIOD"):
        del wb.defined_names[name]
    wb.save(no_names)
    assert initialised("values", "import", str(no_names)).exit_code == 0
    neither = tmp_path / "neither.xlsx"
    wb.remove(wb["qnapp"])
    wb.save(neither)
    result = initialised("values", "import", str(neither))
    assert result.exit_code == 1 and "không phải biểu nhập số liệu do qnapp tạo" in result.output
    tampered = tmp_path / "tampered.xlsx"
    wb = load_workbook(template)
    meta = wb["qnapp"]
    for row in meta.iter_rows(min_row=2, max_col=2):
        if row[0].value == "period":
            row[1].value = "2025S2"
    wb.save(tampered)
    result = initialised("values", "import", str(tampered))
    assert result.exit_code == 1 and "khác nhau" in result.output


def test_legacy_font_cells_are_reported_with_their_unicode_reading(template, initialised, tmp_path):
    before = stored(initialised)
    filled = tmp_path / "legacy.xlsx"
    rows = edit(template, filled, {
        ("LIVE_BIRTHS", "D"): ("mét tr¨m", ".VnTime"),  # TCVN3 «một trăm»
        ("LIVE_BIRTHS", "E"): ("hai möôi", "VNI-Times"),  # VNI «hai mươi»
        ("GBV_VICTIMS", "E"): ("n¨m", FONT),  # TCVN3 pasted into a Unicode cell: «năm»
        ("BIRTHS_MOTHERS_15_19", "F"): ("12", ".VnTime"),  # digits read the same in any font
        ("GBV_PERPETRATORS", "D"): ("Qu¶ng vµ Quảng", FONT),  # half and half: refused outright
    })
    result = initialised("values", "import", str(filled))
    assert result.exit_code == 1
    out = result.output
    births = rows["LIVE_BIRTHS"]
    assert f"Dòng {births}: ô D{births} (Nam): chữ gõ bằng phông cũ (TCVN3 (ABC), phông .VnTime) «mét tr¨m», " \
           "đọc ra là «một trăm»" in out
    assert "(VNI, phông VNI-Times) «hai möôi», đọc ra là «hai mươi»" in out
    assert f"Dòng {rows['GBV_VICTIMS']}: ô E{rows['GBV_VICTIMS']} (Nữ): chữ gõ bằng phông cũ (TCVN3 (ABC)) " \
           "«n¨m», đọc ra là «năm»" in out
    assert f"Dòng {rows['GBV_PERPETRATORS']}:" in out and "lẫn cả chữ Unicode" in out
    assert f"Dòng {rows['BIRTHS_MOTHERS_15_19']}:" not in out
    assert stored(initialised) == before
    # Once the bad cells are fixed, the digits typed in .VnTime are stored.
    edit(filled, filled, {("LIVE_BIRTHS", "D"): 100, ("LIVE_BIRTHS", "E"): 20, ("GBV_VICTIMS", "E"): 5,
                          ("GBV_PERPETRATORS", "D"): None})
    assert initialised("values", "import", str(filled)).exit_code == 0
    assert stored(initialised)[("BIRTHS_MOTHERS_15_19", "")] == "12"


def test_formula_without_a_computed_result_is_refused(template, initialised, tmp_path):
    filled = tmp_path / "formula.xlsx"
    rows = edit(template, filled, {("BIRTHS_MOTHERS_15_19", "F"): "=1+2"})
    result = initialised("values", "import", str(filled))
    assert result.exit_code == 1
    assert f"Dòng {rows['BIRTHS_MOTHERS_15_19']}:" in result.output and "công thức" in result.output


def test_other_files_are_refused_clearly(initialised, tmp_path):
    plain = tmp_path / "plain.xlsx"
    wb = Workbook()
    wb.active["A1"] = "period"
    wb.save(plain)
    result = initialised("values", "import", str(plain))
    assert result.exit_code == 1 and "không phải biểu nhập số liệu do qnapp tạo" in result.output
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    result = initialised("values", "import", str(old))
    assert result.exit_code == 1 and ".xls" in result.output
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"period,element\n")
    result = initialised("values", "import", str(broken))
    assert result.exit_code == 1 and "Không đọc được tệp Excel" in result.output


def test_cli_exit_codes(initialised, tmp_path):
    assert initialised("values", "template", PERIOD, "-o", str(tmp_path / "a.xlsx")).exit_code == 0
    # A month: nothing is entered monthly at a commune.
    nothing = initialised("values", "template", "202503", "-o", str(tmp_path / "b.xlsx"))
    assert nothing.exit_code == 1 and "không có số liệu nào" in nothing.output
    assert not (tmp_path / "b.xlsx").exists()
    assert initialised("values", "template", PERIOD, "-o", str(tmp_path / "c.csv")).exit_code == 2
    assert initialised("values", "template", PERIOD).exit_code == 2
    assert initialised("values", "template", "2025S9", "-o", str(tmp_path / "d.xlsx")).exit_code == 1
    assert initialised("values", "import", str(tmp_path / "missing.xlsx")).exit_code == 2


def test_template_before_init_is_refused(run, tmp_path):
    result = run("values", "template", PERIOD, "-o", str(tmp_path / "a.xlsx"))
    assert result.exit_code == 1 and "qnapp init" in result.output


# ---------------------------------------------------------------------------
# LibreOffice


@needs_soffice
def test_libreoffice_save_keeps_metadata_protection_and_values(template, initialised, tmp_path):
    filled = tmp_path / "filled.xlsx"
    rows = edit(template, filled, {
        ("LIVE_BIRTHS", "D"): 40, ("LIVE_BIRTHS", "E"): "1.234", ("BIRTHS_MOTHERS_15_19", "F"): "=1+2",
    })
    saved = soffice_roundtrip(filled, tmp_path)
    wb = load_workbook(saved)
    assert wb["qnapp"].sheet_state == "hidden"
    assert wb.defined_names["QNAPP_UNIT"].attr_text == '"2021:06862"'
    assert wb.defined_names["QNAPP_PERIOD"].attr_text == '"2025S1"'
    ws = wb["Nhập số liệu"]
    assert ws.protection.sheet and ws.column_dimensions["A"].hidden
    births = rows["LIVE_BIRTHS"]
    assert ws[f"D{births}"].protection.locked is False and ws[f"B{births}"].protection.locked is True
    assert any(dv.type == "whole" for dv in ws.data_validations.dataValidation)
    result = initialised("values", "import", str(saved))
    assert result.exit_code == 0, result.output
    values = stored(initialised)
    assert values[("LIVE_BIRTHS", "nam")] == "40" and values[("LIVE_BIRTHS", "nu")] == "1234"
    assert values[("BIRTHS_MOTHERS_15_19", "")] == "3"  # LibreOffice computed the formula


@needs_soffice
def test_libreoffice_keeps_legacy_font_names(template, initialised, tmp_path):
    filled = tmp_path / "legacy.xlsx"
    rows = edit(template, filled, {("LIVE_BIRTHS", "D"): ("mét tr¨m", ".VnTime")})
    saved = soffice_roundtrip(filled, tmp_path)
    result = initialised("values", "import", str(saved))
    assert result.exit_code == 1
    assert f"Dòng {rows['LIVE_BIRTHS']}:" in result.output and "«một trăm»" in result.output
