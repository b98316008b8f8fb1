"""Qt's own texts are Vietnamese in the Vietnamese interface: standard buttons, message
boxes, the About box, edit context menus, Qt's file dialog, the wizard's buttons; and
every text Qt asked the catalog for in those places had a translation."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QTreeView,
    QWizard,
    QWizardPage,
)

from qnapp import i18n
from ui import qt_translator
from ui.app import configure_application

SB = QDialogButtonBox.StandardButton
ENGLISH = re.compile(r"\b(OK|Cancel|Close|Yes|No|Save|Open|Apply|Help|Undo|Redo|Cut|Copy|Paste|Delete|Select|"
                     r"Look|File|Files|Back|Next|Finish|Detail|List|Name|Size|Type|Date|Show|Hide|Details)\b")


@pytest.fixture
def configured(qapp):
    """``configure_application`` as ``app.main`` calls it; the shared test application's
    font, style and locale come back afterwards."""
    font, style, locale = qapp.font(), qapp.style().name(), QLocale()

    def configure(language: str):
        i18n.set_language(language)
        configure_application(qapp)
        return qt_translator._installed

    yield configure
    i18n.set_language("vi")
    qt_translator.uninstall(qapp)
    qapp.setFont(font)
    qapp.setStyle(style)
    QLocale.setDefault(locale)


@pytest.fixture
def vietnamese(configured):
    """The Vietnamese interface; records every text Qt asked for and did not find."""
    translator = configured("vi")
    assert translator is not None
    translator.misses = set()
    return translator


def visible_texts(widget) -> list[str]:
    texts = [w.text() for w in widget.findChildren(QLabel) + widget.findChildren(QPushButton) if w.isVisible()]
    texts += [w.toolTip() for w in widget.findChildren(QToolButton) if w.isVisible()]
    return [t for t in texts if t]


def missed(translator) -> set[tuple[str, str]]:
    """What Qt asked for in the contexts our catalog covers and found no translation for
    (key names such as "Alt+Left" stay as they are printed on the keyboard)."""
    covered = {ctx for ctx, _src in _catalog_keys()}
    return {(c, s) for c, s in translator.misses if c in covered and not re.fullmatch(r"(Alt|Ctrl)\+\w+", s)}


def _catalog_keys():
    catalog = i18n.foreign("qt")
    return [tuple(key.split("\x04", 1)) for key in catalog._catalog if isinstance(key, str) and "\x04" in key]


def test_standard_buttons_are_vietnamese(qtbot, vietnamese):
    box = QDialogButtonBox(SB.Ok | SB.Cancel | SB.Close | SB.Yes | SB.No | SB.Save | SB.Apply | SB.Help
                           | SB.Open | SB.Discard | SB.Reset | SB.RestoreDefaults | SB.Retry | SB.Ignore
                           | SB.Abort | SB.SaveAll | SB.YesToAll | SB.NoToAll)
    qtbot.addWidget(box)
    texts = {button: box.button(button).text() for button in (
        SB.Ok, SB.Cancel, SB.Close, SB.Yes, SB.No, SB.Save, SB.Apply, SB.Help, SB.Open, SB.Discard, SB.Reset,
        SB.RestoreDefaults, SB.Retry, SB.Ignore, SB.Abort, SB.SaveAll, SB.YesToAll, SB.NoToAll)}
    assert texts == {
        SB.Ok: "Đồng ý", SB.Cancel: "Hủy", SB.Close: "Đóng", SB.Yes: "&Có", SB.No: "&Không", SB.Save: "Lưu",
        SB.Apply: "Áp dụng", SB.Help: "Trợ giúp", SB.Open: "Mở", SB.Discard: "Bỏ thay đổi", SB.Reset: "Đặt lại",
        SB.RestoreDefaults: "Khôi phục mặc định", SB.Retry: "Thử lại", SB.Ignore: "Bỏ qua", SB.Abort: "Hủy bỏ",
        SB.SaveAll: "Lưu tất cả", SB.YesToAll: "Có với &tất cả", SB.NoToAll: "K&hông với tất cả",
    }
    assert missed(vietnamese) == set()


def test_a_message_box_with_details_is_vietnamese(qtbot, vietnamese):
    box = QMessageBox(QMessageBox.Icon.Warning, "Thử", "Nội dung",
                      QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
    box.setDetailedText("Chi tiết lỗi")
    qtbot.addWidget(box)
    box.show()
    texts = visible_texts(box)
    assert {"Đồng ý", "Hủy", "Xem chi tiết..."} <= set(texts)
    details = next(b for b in box.findChildren(QPushButton) if b.text() == "Xem chi tiết...")
    qtbot.mouseClick(details, Qt.MouseButton.LeftButton)
    assert details.text() == "Ẩn chi tiết..."
    assert [t for t in visible_texts(box) if ENGLISH.search(t)] == []
    assert missed(vietnamese) == set()


def test_the_about_box_closes_in_vietnamese(qtbot, vietnamese, workspace):
    from ui.dialogs.about_dialog import AboutDialog

    dialog = AboutDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.show()
    buttons = dialog.findChild(QDialogButtonBox)
    assert sorted(b.text() for b in buttons.buttons()) == ["&Chép thông tin", "Đóng"]
    qtbot.mouseClick(buttons.button(SB.Close), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


@pytest.mark.parametrize("kind", [QLineEdit, QPlainTextEdit])
def test_edit_context_menus_are_vietnamese_and_keep_their_shortcuts(qtbot, vietnamese, kind):
    edit = kind()
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()  # what a right click shows
    items = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert items == ["&Hoàn tác\tCtrl+Z", "&Làm lại\tCtrl+Y", "&Cắt\tCtrl+X", "&Sao chép\tCtrl+C",
                     "&Dán\tCtrl+V", "Xóa", "Chọn tất cả\tCtrl+A"]
    assert missed(vietnamese) == set()


def test_texts_outside_the_catalog_are_left_whole(vietnamese):
    """A text Qt finds no translation for keeps Qt's own wording (not an empty string)."""
    assert QKeySequence("Ctrl+Shift+S").toString(QKeySequence.SequenceFormat.NativeText) == "Ctrl+Shift+S"


@pytest.mark.parametrize(("mode", "accept"), [(QFileDialog.AcceptMode.AcceptOpen, "&Mở"),
                                              (QFileDialog.AcceptMode.AcceptSave, "&Lưu")])
def test_qts_own_file_dialog_is_vietnamese(qtbot, vietnamese, tmp_path, mode, accept):
    (tmp_path / "bao-cao.zip").write_bytes(b"x")
    dialog = QFileDialog(None, "Chọn tệp", str(tmp_path), "Gói báo cáo (*.zip)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)  # Qt's dialog, as on Linux
    dialog.setAcceptMode(mode)
    qtbot.addWidget(dialog)
    dialog.show()
    texts = visible_texts(dialog)
    assert {"&Tìm trong:", "&Tên tệp:", "&Loại tệp:", accept, "Hủy", "Dạng chi tiết", "Dạng danh sách",
            "Thư mục cha", "Tạo thư mục mới"} <= set(texts)
    detail = next(b for b in dialog.findChildren(QToolButton) if b.toolTip() == "Dạng chi tiết")
    qtbot.mouseClick(detail, Qt.MouseButton.LeftButton)
    view = next(v for v in dialog.findChildren(QTreeView) if v.isVisible())
    headers = [view.model().headerData(i, Qt.Orientation.Horizontal) for i in range(view.model().columnCount())]
    assert headers == ["Tên", "Kích thước", "Loại", "Ngày sửa"]
    assert [t for t in visible_texts(dialog) + headers if ENGLISH.search(t)] == []
    assert missed(vietnamese) == set()


def test_wizard_and_input_dialog_buttons_are_vietnamese(qtbot, vietnamese):
    wizard = QWizard()
    wizard.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
    wizard.addPage(QWizardPage())
    wizard.addPage(QWizardPage())
    qtbot.addWidget(wizard)
    W = QWizard.WizardButton
    assert [wizard.buttonText(b) for b in (W.BackButton, W.NextButton, W.FinishButton, W.CancelButton)] == [
        "< &Quay lại", "&Tiếp >", "&Hoàn tất", "Hủy"]
    dialog = QInputDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert {"Đồng ý", "Hủy", "Nhập giá trị:"} <= set(visible_texts(dialog))
    assert missed(vietnamese) == set()


def test_english_installs_no_qt_catalog(qtbot, configured):
    configured("vi")
    assert configured("en") is None  # the Vietnamese one is removed, none comes instead
    box = QDialogButtonBox(SB.Ok | SB.Cancel)
    qtbot.addWidget(box)
    assert [box.button(SB.Ok).text(), box.button(SB.Cancel).text()] == ["OK", "Cancel"]


def test_file_dialogs_stay_native_where_the_platform_has_them():
    """The static QFileDialog functions use the OS dialog (Windows: localised by Windows)
    and Qt's own, translated above, elsewhere; nothing in ui/ forces Qt's."""
    from pathlib import Path

    import ui

    root = Path(ui.__file__).parent
    sources = {p.name: p.read_text(encoding="utf-8") for p in root.rglob("*.py")}
    assert [n for n, s in sources.items() if "DontUseNativeDialog" in s or "AA_DontUseNativeDialogs" in s] == []
    calls = re.findall(r"QFileDialog\.(\w+)\(", "".join(sources.values()))
    assert calls and set(calls) <= {"getOpenFileName", "getOpenFileNames", "getSaveFileName", "getExistingDirectory"}


@pytest.mark.parametrize("demo", [False, True])
def test_the_window_title_names_qnapp_once(qtbot, configured, workspace, demo):
    """Qt appends the application display name («qnapp») to a title that does not already
    end with it (seen under Xvfb with xprop: «Thị trấn Tiên Yên — qnapp»)."""
    from ui.main_window import MainWindow

    configured("vi")
    window = MainWindow(workspace, demo=demo)
    qtbot.addWidget(window)
    title = window.windowTitle()
    assert title.count("qnapp") == 1 and title.endswith(" — " + qapp_display_name())
    assert title.startswith("Thị trấn Tiên Yên") and ("(dữ liệu mẫu)" in title) is demo


def qapp_display_name() -> str:
    from PySide6.QtWidgets import QApplication

    return QApplication.applicationDisplayName()


def test_the_command_line_reads_the_language_the_gui_saved():
    from ui import settings

    assert i18n.saved_language() == "vi"
    settings.set_language("en")  # «Cài đặt → Ngôn ngữ / Language → English»
    assert i18n.saved_language() == "en"
    assert dict(settings.LANGUAGES).keys() == set(i18n.LANGUAGES)


def test_the_gui_launchers_own_options_are_vietnamese(capsys):
    from ui.app import parse_args

    with pytest.raises(SystemExit) as bad:
        parse_args(["--khong-co"])
    assert bad.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("cách dùng: qnapp [-h] [--db TỆP]")
    assert "qnapp: lỗi: không hiểu các đối số: --khong-co" in error
    with pytest.raises(SystemExit) as helped:
        parse_args(["--help"])
    assert helped.value.code == 0
    text = capsys.readouterr().out
    assert "tùy chọn:" in text and "in hướng dẫn này rồi thoát" in text
    assert not re.search(r"\b(usage|options|error|show this help)\b", text + error)
