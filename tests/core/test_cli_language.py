"""The command line speaks the interface language: click's own messages (usage errors,
help) included, Vietnamese by default, English when the GUI's language is English."""

from __future__ import annotations

import importlib.util
import os
import re
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from qnapp import i18n
from qnapp.cli import main

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("qnapp_i18n_tool", ROOT / "tools" / "i18n.py")
tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tool)

CLICK_ENGLISH = ("Usage:", "Options:", "Error:", "Missing", "No such", "Invalid value", "is not one of",
                 "Show this message", "Try '", "for help", "does not exist", "Commands:", "[OPTIONS]",
                 "required", "COMMAND")


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def english_in(text: str) -> list[str]:
    return [phrase for phrase in CLICK_ENGLISH if phrase in text]


@pytest.fixture
def english_saved():
    """What «Cài đặt → Ngôn ngữ → English» leaves in qnapp.ini (QSettings' IniFormat)."""
    home = Path(os.environ["QNAPP_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "qnapp.ini").write_text("[General]\nlanguage=en\n", encoding="utf-8")


def test_a_missing_argument_is_told_in_vietnamese():
    result = run("values", "import")
    assert result.exit_code == 2
    assert "Cách dùng: main values import [TÙY_CHỌN] TỆP" in result.output
    assert "Lỗi: Thiếu đối số 'TỆP'." in result.output
    assert "Gõ 'main values import --help' để xem hướng dẫn." in result.output
    assert english_in(result.output) == []


def test_an_unknown_option_is_told_in_vietnamese():
    result = run("periods", "--nam", "2025")
    assert result.exit_code == 2
    assert "Lỗi: Không có tùy chọn '--nam'." in result.output
    assert english_in(result.output) == []


def test_a_bad_choice_is_told_in_vietnamese():
    result = run("init", "--tree", "2022", "--unit", "06862", "--officer", "Lan")
    assert result.exit_code == 2
    assert ("Lỗi: Giá trị không hợp lệ cho '--tree': '2022' không phải là một trong các giá trị "
            "'2021', '2025'.") in result.output
    assert english_in(result.output) == []


def test_a_missing_file_and_a_bad_number_are_told_in_vietnamese(tmp_path):
    missing = run("values", "import", str(tmp_path / "khong-co.csv"))
    assert missing.exit_code == 2
    assert "Tệp '{}' không tồn tại.".format(tmp_path / "khong-co.csv") in missing.output
    number = run("periods", "--year", "hai")
    assert number.exit_code == 2 and "'hai' không phải là số hợp lệ." in number.output
    assert english_in(missing.output + number.output) == []


def test_help_is_vietnamese_throughout():
    top = run("--help")
    sub = run("init", "--help")
    assert top.exit_code == 0 and sub.exit_code == 0
    assert "Cách dùng: main [TÙY_CHỌN] LỆNH [ĐỐI_SỐ]..." in top.output
    assert "Lệnh:" in top.output and "In hướng dẫn này rồi thoát." in top.output
    assert "--officer HỌ_TÊN" in sub.output and "[bắt buộc]" in sub.output
    assert english_in(top.output + sub.output) == []
    assert run("--version").output.startswith("qnapp, phiên bản ")


def test_english_when_english_is_the_saved_language(english_saved):
    result = run("values", "import")
    assert result.exit_code == 2
    assert "Usage: main values import [OPTIONS] FILE" in result.output
    assert "Error: Missing argument 'FILE'." in result.output
    helped = run("init", "--help")
    assert "Set up the unit and officer" in helped.output
    assert "--officer NAME" in helped.output and "Show this message and exit." in helped.output
    assert not any(c in helped.output for c in "ạảãáàăâđêếệọộơớờưứự")
    assert i18n.language() == "vi"  # the process's language is left as it was


def test_the_language_comes_back_after_an_english_run(english_saved):
    run("--help")
    Path(os.environ["QNAPP_HOME"], "qnapp.ini").unlink()
    assert "Cách dùng:" in run("--help").output


@pytest.mark.parametrize("domain", ["click", "argparse"])
def test_every_parser_message_has_a_vietnamese_translation_with_its_fields(domain):
    with open(tool.po_path("vi", domain), "rb") as f:
        catalog = read_po(f, locale="vi")
    translated = {m.id: m.string for m in catalog if m.id}
    current = {m.id for m in tool.foreign_template(domain) if m.id}
    assert current - set(translated) == set(), "run: python tools/i18n.py update, then translate"
    untranslated = [m for m, s in translated.items() if not (all(s) if isinstance(s, tuple) else s)]
    assert untranslated == []

    def fields(text) -> set[str]:  # {name} for click, %(name)s / %s / %r for argparse
        texts = text if isinstance(text, tuple) else (text,)
        return {f for t in texts for _lit, f, _spec, _conv in string.Formatter().parse(t) if f} | {
            m for t in texts for m in re.findall(r"%(?:\(\w+\))?[sr]", t)}

    assert [m for m, s in translated.items() if not fields(s) <= fields(m)] == []
