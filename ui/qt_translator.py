"""Qt's own texts in Vietnamese: standard buttons (OK, Cancel, Close…), the edit context
menus (Undo, Copy, Paste…), Qt's file dialog, the wizard's Back / Next / Finish.

PySide6 ships no Vietnamese Qt catalog, so ``resources/i18n/vi/LC_MESSAGES/qt.po`` holds
Qt's English source texts with their Qt context as msgctxt, and this translator answers
Qt from it. English needs nothing: Qt's source texts are English.
"""

from __future__ import annotations

import gettext

from PySide6.QtCore import QCoreApplication, QTranslator

from qnapp import i18n


class GettextTranslator(QTranslator):
    """A QTranslator over a gettext catalog whose msgctxt is Qt's context."""

    def __init__(self, catalog: gettext.NullTranslations, parent=None):
        super().__init__(parent)
        self.catalog = catalog
        self.misses: set[tuple[str, str]] | None = None  # a test sets a set to see what is missing

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: ARG002 - Qt's signature
        if not source_text:
            return None
        text = self.catalog.pgettext(context or "", source_text)
        if text == source_text:
            if self.misses is not None:
                self.misses.add((context, source_text))
            return None  # a null QString: Qt then asks the next catalog or keeps its own text
        return text

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return False


_installed: GettextTranslator | None = None  # kept here so Python keeps its overrides alive


def install(app: QCoreApplication) -> GettextTranslator | None:
    """Install the Qt catalog of the current language on ``app`` (none for English),
    replacing one installed before."""
    global _installed
    uninstall(app)
    if i18n.language() == "en":
        return None
    _installed = GettextTranslator(i18n.foreign("qt"), app)
    app.installTranslator(_installed)
    return _installed


def uninstall(app: QCoreApplication) -> None:
    global _installed
    if _installed is not None:
        app.removeTranslator(_installed)
        _installed = None
