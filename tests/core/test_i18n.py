"""Translations: Vietnamese is the complete source language, English a second catalog.

- every user-facing literal in ui/ goes through ``_()`` / ``N_()`` (AST scan);
- every msgid is Vietnamese (no English source strings);
- translations keep the msgid's ``{name}`` fields;
- the committed .mo files match their .po, and English loads through ``set_language``.
"""

from __future__ import annotations

import ast
import gettext
import importlib.util
import re
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from qnapp import i18n

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("qnapp_i18n_tool", ROOT / "tools" / "i18n.py")
tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tool)

# Qt calls whose string arguments are shown to the user.
TEXT_METHODS = {
    "setText", "setWindowTitle", "setToolTip", "setPlaceholderText", "addItem", "addItems",
    "setHorizontalHeaderLabels", "setVerticalHeaderLabels", "setHeaderLabels", "setHeaderLabel",
    "addTab", "setTabText", "setTitle", "addMenu", "addAction", "setStatusTip", "setWhatsThis",
    "showMessage", "setAccessibleName", "setAccessibleDescription", "setLabelText", "addRow",
    "setSpecialValueText", "setSuffix", "setPrefix", "setButtonText", "addButton", "insertItem",
    "setInformativeText", "setDetailedText", "setWindowIconText",
}
TEXT_CONSTRUCTORS = {
    "QLabel", "QPushButton", "QAction", "QCheckBox", "QGroupBox", "QRadioButton", "QToolButton",
    "QMenu", "QTreeWidgetItem", "QListWidgetItem", "QTableWidgetItem", "QStandardItem",
    "QCommandLinkButton",
}
MARKERS = {"_", "N_"}
# Words of Vietnamese text (or names) that happen to carry no diacritic.
ASCII_VIETNAMESE = {"nam", "trang", "byte", "qnapp", "minisign", "dhis2", "adx", "csv", "xlsx",
                    "pdf", "zip", "json", "excel", "sha256"}


def _letters(text: str) -> str:
    text = re.sub(r"\{[^}]*\}|<[^>]+>|&(?=\w)|&\w+;", "", text)
    return "".join(c for c in text if c.isalpha())


def _shown_literals(node: ast.Call):
    """String constants (also inside lists / tuples / conditionals) among the arguments."""
    stack = list(node.args)
    while stack:
        arg = stack.pop()
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            yield arg
        elif isinstance(arg, (ast.List, ast.Tuple)):
            stack.extend(arg.elts)
        elif isinstance(arg, ast.IfExp):
            stack.extend((arg.body, arg.orelse))
        elif isinstance(arg, ast.JoinedStr):
            yield arg


def unmarked_literals(source: str) -> list[tuple[int, str, str]]:
    """(line, call, text) of literals with letters passed straight to a Qt text call."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name not in TEXT_METHODS and name not in TEXT_CONSTRUCTORS:
            continue
        for literal in _shown_literals(node):
            if isinstance(literal, ast.Constant):
                text = literal.value
            else:  # an f-string: its fixed parts
                text = "".join(v.value for v in literal.values if isinstance(v, ast.Constant))
            if _letters(text):
                found.append((literal.lineno, name, text))
    return found


def untranslated_ui_literals() -> list[str]:
    found = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        for line, name, text in unmarked_literals(path.read_text(encoding="utf-8")):
            found.append("{}:{}: {}({!r})".format(path.relative_to(ROOT), line, name, text))
    return found


def is_vietnamese(msgid: str) -> bool:
    letters = _letters(msgid)
    if not letters:
        return True  # a pure symbol / format string
    if any(not c.isascii() for c in letters):
        return True
    words = re.findall(r"[A-Za-z][A-Za-z0-9]*", re.sub(r"\{[^}]*\}|<[^>]+>|&(?=\w)", "", msgid))
    return all(w.lower() in ASCII_VIETNAMESE for w in words)


def test_every_shown_literal_in_ui_is_marked_for_translation():
    assert untranslated_ui_literals() == []


def test_the_scan_finds_an_unmarked_literal():
    code = (
        'QLabel("Hello")\nb.setText(_("Xin chào"))\nw.setToolTip("Chưa dịch")\nx.setText("")\n'
        'h.setHorizontalHeaderLabels([_("Mã"), "Tên"])\nm.addMenu(f"&Tệp {name}")\nQAction("…", self)\n'
    )
    assert unmarked_literals(code) == [
        (1, "QLabel", "Hello"), (3, "setToolTip", "Chưa dịch"), (5, "setHorizontalHeaderLabels", "Tên"),
        (6, "addMenu", "&Tệp "),
    ]


def test_every_msgid_is_vietnamese():
    english = [m.id for m in tool.extract() if m.id and not is_vietnamese(m.id)]
    assert english == []


@pytest.mark.parametrize(("msgid", "ok"), [
    ("Lưu", True), ("{a} – {b}", True), ("T&rang", True), ("Save", False),
    ("Open file {path}", False), ("<b>{title}</b>", True), ("Na&m:", True),
])
def test_vietnamese_rule(msgid, ok):
    assert is_vietnamese(msgid) is ok


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("lang", tool.languages())
def test_translations_keep_the_format_fields(lang):
    with open(tool.po_path(lang), "rb") as f:
        catalog = read_po(f, locale=lang)
    bad = [(m.id, m.string) for m in catalog if m.id and m.string and _fields(m.id) != _fields(m.string)]
    assert bad == []


def test_format_check_catches_a_renamed_field():
    assert _fields("Đã sao lưu vào {path}") != _fields("Backed up to {file}")


@pytest.mark.parametrize(("lang", "domain"), tool.catalogs())
def test_compiled_catalog_is_up_to_date(lang, domain):
    assert tool.mo_path(lang, domain).exists(), "run: python tools/i18n.py compile"
    assert tool.mo_path(lang, domain).read_bytes() == tool.mo_bytes(lang, domain), "run: python tools/i18n.py compile"


def test_the_catalogs_are_qnapp_in_english_and_the_libraries_texts_in_vietnamese():
    assert tool.catalogs() == [("en", "qnapp"), ("vi", "argparse"), ("vi", "click"), ("vi", "qt")]


def test_po_has_no_msgid_missing_from_the_sources():
    current = {m.id for m in tool.extract() if m.id}
    with open(tool.po_path("en"), "rb") as f:
        catalog = read_po(f, locale="en")
    translated = {m.id for m in catalog if m.id and m.string}
    assert len(translated) >= 150
    assert translated - current == set(), "run: python tools/i18n.py update"


def test_english_catalog_loads_and_vietnamese_stays_the_default():
    try:
        i18n.set_language("en")
        assert i18n._("Nhập số liệu") == "Data entry"
        assert i18n._("Một câu chưa dịch, giữ tiếng Việt") == "Một câu chưa dịch, giữ tiếng Việt"
    finally:
        i18n.set_language("vi")
    assert i18n._("Nhập số liệu") == "Nhập số liệu"
    assert isinstance(gettext.NullTranslations().gettext("x"), str)


# --- nothing is translated at import time ------------------------------------------------

def import_time_translations(source: str) -> list[int]:
    """Lines of ``_()`` calls that run when the module is imported: at module or class
    level, in a decorator's arguments, or in a default argument value."""
    found: list[int] = []

    def visit(node: ast.AST, in_body: bool) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            for expr in getattr(node, "decorator_list", []) + node.args.defaults + [
                d for d in node.args.kw_defaults if d is not None
            ]:
                visit(expr, in_body)
            for stmt in node.body if isinstance(node.body, list) else [node.body]:
                visit(stmt, True)
            return
        if (not in_body and isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "_"):
            found.append(node.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child, in_body)

    visit(ast.parse(source), False)
    return found


def test_nothing_is_translated_at_import_time():
    found = [
        "{}:{}".format(path.relative_to(ROOT), line)
        for package in ("qnapp", "ui")
        for path in sorted((ROOT / package).rglob("*.py"))
        for line in import_time_translations(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "use N_() at module level and _() where the text is shown"


def test_the_import_time_scan_sees_module_class_decorator_and_default_calls():
    code = (
        'A = _("một")\n'                                   # 1: module level
        'class B:\n    t = _("hai")\n'                      # 3: class body
        '@click.command(help=_("ba"))\n'                    # 4: decorator
        'def f(x=_("bốn")):\n    return _("năm")\n'         # 5: default; 6 is fine
        'g = lambda: _("sáu")\n'                            # 7: fine (runs when called)
        'C = N_("bảy")\n'
    )
    assert import_time_translations(code) == [1, 3, 4, 5]


def test_a_period_type_name_follows_the_language_set_after_every_import(workspace):
    import pkgutil

    import qnapp
    from qnapp.errors import ValidationError

    for module in pkgutil.walk_packages(qnapp.__path__, "qnapp."):
        importlib.import_module(module.name)
    element = next(e for e in workspace.catalog.data_elements
                   if e.period_type == "year" and workspace.unit.level in e.levels)
    category = element.categories[0] if element.categories else ""
    i18n.set_language("en")
    try:
        with pytest.raises(ValidationError) as refused:
            workspace.set_cell("202503", element.code, category, "1")
    finally:
        i18n.set_language("vi")
    assert "is entered per year," in str(refused.value) and "năm" not in str(refused.value)


# --- one spelling per word ----------------------------------------------------------------

# New-style tone placement at the end of a syllable («hoà», «xoá», «huỷ»); the project
# writes the traditional one («hòa», «xóa», «hủy»). After «q» the mark is on the last
# vowel in both styles («quý», «quỹ»).
NEW_STYLE = re.compile(r"(?<![qQ])(?:[oO][àáảãạèéẻẽẹÀÁẢÃẠÈÉẺẼẸ]|[uU][ỳýỷỹỵỲÝỶỸỴ])(?!\w)")


def new_style_words(text: str) -> list[str]:
    import unicodedata

    text = unicodedata.normalize("NFC", text)
    return [re.search(r"\w*$", text[:m.end()]).group(0) for m in NEW_STYLE.finditer(text)]


@pytest.mark.parametrize(("text", "found"), [
    ("Huỷ", ["Huỷ"]), ("Đã xoá «{name}»", ["xoá"]), ("CỘNG HOÀ", ["HOÀ"]), ("khoá ký", ["khoá"]),
    ("thuỷ lợi, thoả thuận", ["thuỷ", "thoả"]), ("khoẻ", ["khoẻ"]),
    ("Hủy, xóa, hòa, khóa, thủy, thỏa, khỏe", []), ("quý, quỹ, Quý", []),
    ("hoàn thành, khoảng, toán, huỳnh, khuya", []),
])
def test_new_style_placement_rule(text, found):
    assert new_style_words(text) == found


def _vietnamese_texts():
    """Every Vietnamese text a user reads: msgids, the Vietnamese catalogs of click and Qt,
    the README and docs, the JSON resources (not the official unit lists in units/, nor
    the sources quoted in docs/sources.md and docs/sources/, which keep their spelling)."""
    for message in tool.extract():
        for msgid in (message.id if isinstance(message.id, tuple) else (message.id,)):
            if msgid:
                yield "msgid " + str(message.locations[0][0]), msgid
    for domain in ("argparse", "click", "qt"):
        with open(tool.po_path("vi", domain), "rb") as f:
            for message in read_po(f, locale="vi"):
                for text in (message.string if isinstance(message.string, tuple) else (message.string,)):
                    if text:
                        yield "vi/{}.po".format(domain), text
    quoted = {ROOT / "docs" / "sources.md", ROOT / "docs" / "sources"}
    paths = [ROOT / "README.md",
             *(p for p in sorted((ROOT / "docs").rglob("*.md")) if not quoted & {p, *p.parents}),
             *(p for p in sorted((ROOT / "resources").rglob("*.json")) if "units" not in p.relative_to(ROOT).parts)]
    for path in paths:
        yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")


def test_one_spelling_per_word_traditional_tone_placement():
    found = [(where, word) for where, text in _vietnamese_texts() for word in new_style_words(text)]
    assert found == [], "write «hòa, xóa, hủy, khóa, thủy, thỏa» (traditional placement)"
