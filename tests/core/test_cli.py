"""The command line is a contract other tools drive: names, JSON keys, exit codes."""

import json

import pytest
from click.testing import CliRunner

from qnapp.cli import main


@pytest.fixture
def run(db_path):
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(main, ["--db", str(db_path), *args], input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def initialised(run):
    result = run("init", "--tree", "2021", "--unit", "06862", "--officer", "Nguyễn Thị Lan")
    assert result.exit_code == 0, result.output
    return run


def write(path, text, bom=False):
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def test_init_names_the_unit_and_refuses_twice(run):
    first = run("init", "--tree", "2025", "--unit", "06652", "--officer", "Lê Văn An")
    assert first.exit_code == 0 and "Phường Hà Tu" in first.output and "2025:06652" in first.output
    again = run("init", "--tree", "2025", "--unit", "06652", "--officer", "Lê Văn An")
    assert again.exit_code == 1 and "đã được thiết lập" in again.output


def test_init_usage_errors_exit_2(run):
    assert run("init", "--tree", "2030", "--unit", "1", "--officer", "A").exit_code == 2
    assert run("init", "--unit", "06652", "--officer", "A").exit_code == 2
    unknown = run("init", "--tree", "2021", "--unit", "00000", "--officer", "A")
    assert unknown.exit_code == 1


def test_catalog_json_contract(run):
    result = run("catalog", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert len(data["objectives"]) == 6 and len(data["indicators"]) == 24
    ind = next(i for i in data["indicators"] if i["code"] == "3.2a")
    assert ind["objective"] == 3 and ind["lead_agency"]
    assert {"year": 2025, "op": ">=", "value": 80} in [
        {k: t[k] for k in ("year", "op", "value")} for t in ind["targets"]
    ]
    assert ind["numerator"] and ind["denominator"]
    yes_no = next(i for i in data["indicators"] if i["code"] == "4.4")
    assert yes_no["targets"][0]["op"] == "bool" and yes_no["targets"][0]["value"] is True
    element = next(e for e in data["data_elements"] if e["code"] == "GBV_VICTIMS")
    assert element["categories"] == ["nam", "nu"] and element["period_type"] == "half"
    news = next(e for e in data["data_elements"] if e["code"] == "GE_NEWS_ITEMS")
    assert news["categories"] == [] and news["period_type"] == "quarter"


def test_periods_lists_windows_and_due_dates(run):
    result = run("periods", "--year", "2025", "--json")
    rows = {r["id"]: r for r in json.loads(result.output)}
    assert rows["2025S1"]["start"] == "2024-12-15" and rows["2025S1"]["end"] == "2025-06-14"
    assert rows["2025S1"]["due"] == "2025-06-10" and rows["2025"]["due"] == "2025-12-10"
    assert {"202501", "2025Q4"} <= set(rows)
    text = run("periods", "--year", "2025").output
    assert "6 tháng đầu năm 2025" in text and "15/12/2024" in text


def test_values_round_trip_with_bom(initialised, tmp_path):
    csv_in = write(
        tmp_path / "in.csv",
        "period,element,category,value\n2025S1,GBV_VICTIMS,nam,1\n2025S1,GBV_VICTIMS,nu,6\n"
        "2025S1,MATERNAL_DEATHS,,0\n2025Q1,GE_NEWS_ITEMS,,4\n",
        bom=True,
    )
    result = initialised("values", "import", str(csv_in))
    assert result.exit_code == 0, result.output
    out = tmp_path / "out.csv"
    assert initialised("values", "export", "2025S1", "-o", str(out)).exit_code == 0
    assert out.read_text("utf-8").splitlines() == [
        "period,element,category,value",
        "2025S1,GBV_VICTIMS,nam,1",
        "2025S1,GBV_VICTIMS,nu,6",
        "2025S1,MATERNAL_DEATHS,,0",
    ]


def test_values_import_is_all_or_nothing_with_line_numbers(initialised, tmp_path, db_path):
    csv_in = write(
        tmp_path / "bad.csv",
        "period,element,category,value\n"
        "2025S1,GBV_VICTIMS,nu,6\n"  # line 2: fine
        "2025S1,GBV_VICTIMS,nam,-1\n"  # line 3: negative
        "2025S1,NO_SUCH,,1\n"  # line 4: unknown element
        "2025S1,MATERNAL_DEATHS,nu,1\n"  # line 5: no sex split
        "2025,GBV_VICTIMS,nu,1\n"  # line 6: wrong period type
        "2025S7,GBV_VICTIMS,nu,1\n"  # line 7: bad period
        "2025S1,GBV_VICTIMS,nu,2\n",  # line 8: duplicate of line 2
    )
    result = initialised("values", "import", str(csv_in))
    assert result.exit_code == 1
    for line in (3, 4, 5, 6, 7, 8):
        assert f"Dòng {line}:" in result.output
    assert "Dòng 2:" not in result.output
    exported = initialised("values", "export", "2025S1").output
    assert exported.strip() == "period,element,category,value"


def test_values_import_rejects_inconsistent_figures(initialised, tmp_path):
    csv_in = write(
        tmp_path / "bad.csv",
        "period,element,category,value\n2025S1,GBV_VICTIMS,nu,3\n2025S1,GBV_VICTIMS_SUPPORTED,nu,5\n",
    )
    result = initialised("values", "import", str(csv_in))
    assert result.exit_code == 1 and "lớn hơn" in result.output
    assert initialised("values", "export", "2025S1").output.count("\n") == 1


def test_values_import_rejects_wrong_header_and_non_utf8(initialised, tmp_path):
    wrong = write(tmp_path / "h.csv", "ky,ma,gia_tri\n2025S1,GBV_VICTIMS,1\n")
    result = initialised("values", "import", str(wrong))
    assert result.exit_code == 1 and "thiếu cột" in result.output
    latin = tmp_path / "l.csv"
    latin.write_bytes("period,element,category,value\n2025S1,GBV_VICTIMS,nữ,1\n".encode("cp1258", "replace"))
    assert initialised("values", "import", str(latin)).exit_code == 1


def test_values_before_init_is_refused(run, tmp_path):
    result = run("values", "export", "2025S1")
    assert result.exit_code == 1 and "qnapp init" in result.output


def test_activities_round_trip_and_no_duplicates(initialised, tmp_path):
    csv_in = write(
        tmp_path / "a.csv",
        "date,type,title,place,participants_male,participants_female,cost,fund_source,objectives,note\n"
        "20/11/2025,truyen_thong,Mít tinh Tháng hành động,Nhà văn hóa,40,85,5000000,ngan_sach,3;6,\n"
        "2025-03-08,tap_huan,Tập huấn bình đẳng giới,UBND,10,12,0,,1,\n",
    )
    assert initialised("activities", "import", str(csv_in)).exit_code == 0
    out = tmp_path / "out.csv"
    initialised("activities", "export", "-o", str(out))
    lines = out.read_text("utf-8").splitlines()
    assert lines[1].startswith("2025-03-08,tap_huan,Tập huấn bình đẳng giới")
    assert "3;6" in lines[2]
    again = initialised("activities", "import", str(out))
    assert again.exit_code == 0 and "bỏ qua 2" in again.output
    assert len(initialised("activities", "export").output.splitlines()) == 3


def test_activities_import_rejects_bad_rows(initialised, tmp_path):
    csv_in = write(
        tmp_path / "a.csv",
        "date,type,title,place,participants_male,participants_female,cost,fund_source,objectives,note\n"
        "20/11/2025,truyen_thong,Mít tinh,Nhà văn hóa,40,85,0,,3,\n"
        "31/02/2025,truyen_thong,Ngày sai,,1,1,0,,3,\n"
        "20/11/2025,khong_co,Loại sai,,1,1,0,,3,\n"
        "20/11/2025,tap_huan,Không mục tiêu,,1,1,0,,,\n",
    )
    result = initialised("activities", "import", str(csv_in))
    assert result.exit_code == 1
    assert all(f"Dòng {n}:" in result.output for n in (3, 4, 5))
    assert len(initialised("activities", "export").output.splitlines()) == 1


def test_demo_then_backup_and_restore(run, db_path, tmp_path):
    assert run("demo").exit_code == 0
    backup = run("backup")
    assert backup.exit_code == 0
    backup_file = backup.output.strip().split()[-1]
    # A change after the backup disappears on restore.
    change = write(tmp_path / "c.csv", "period,element,category,value\n2025S2,MATERNAL_DEATHS,,1\n")
    assert run("values", "import", str(change)).exit_code == 0
    restored = run("restore", backup_file)
    assert restored.exit_code == 0, restored.output
    assert run("values", "export", "2025S2").output.count("\n") == 1
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"not a database")
    assert run("restore", str(broken)).exit_code == 1


def test_demo_without_db_fills_the_separate_demo_database(tmp_path):
    from qnapp.demo import DEMO_PASSPHRASE
    from qnapp.paths import data_dir, default_db_path
    from qnapp.workspace import Workspace

    result = CliRunner().invoke(main, ["demo"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    demo_db = data_dir() / "demo.sqlite"
    assert str(demo_db) in result.output and DEMO_PASSPHRASE in result.output
    with Workspace.open(demo_db) as demo:
        assert demo.is_initialised and demo.stored_values("2025S1")
    # The officer's own database is not even created.
    assert not default_db_path().exists()
    again = CliRunner().invoke(main, ["demo"])
    assert again.exit_code == 1 and "Dữ liệu mẫu đã có trong" in again.output and str(demo_db) in again.output


def test_periods_of_a_unit_whose_tree_ended_stop_at_its_last_window(initialised):
    # Thị trấn Tiên Yên is a 2021 unit: its tree ended on 30/06/2025 (today is later).
    rows = json.loads(initialised("periods", "--json").output)
    ids = [r["id"] for r in rows]
    assert ids[0] == "2025" and {"2025S1", "2025Q2", "202506"} <= set(ids)
    assert not {"2025S2", "2025Q3", "202507"} & set(ids)
    later = initialised("periods", "--year", "2026")
    assert later.exit_code == 0 and "2026" not in later.stdout and "không có kỳ báo cáo nào" in later.output
