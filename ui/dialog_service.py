"""Prompts shown to the user, behind one injectable service.

Pages and windows receive a ``DialogService`` (a default one when none is given) and ask
it instead of calling ``QMessageBox`` themselves, so tests pass a fake service and never
block on a modal box.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from qnapp.i18n import _


class DialogService:
    """Modal message boxes with Vietnamese buttons."""

    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        """Ask a yes/no question; «Không» is the default, so Enter never destroys by accident."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
        yes = box.addButton(_("Có"), QMessageBox.ButtonRole.YesRole)
        no = box.addButton(_("Không"), QMessageBox.ButtonRole.NoRole)
        box.setDefaultButton(no)
        box.setEscapeButton(no)
        box.exec()
        return box.clickedButton() is yes

    def inform(self, parent: QWidget | None, title: str, text: str) -> None:
        self._show(QMessageBox.Icon.Information, parent, title, text)

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        self._show(QMessageBox.Icon.Critical, parent, title, text)

    def warning(self, parent: QWidget | None, title: str, text: str) -> None:
        self._show(QMessageBox.Icon.Warning, parent, title, text)

    @staticmethod
    def _show(icon: QMessageBox.Icon, parent: QWidget | None, title: str, text: str) -> None:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
        close = box.addButton(_("Đóng"), QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(close)
        box.setEscapeButton(close)
        box.exec()


class RecordingDialogService(DialogService):
    """A non-blocking service for tests: records every prompt, answers ``confirm`` with
    ``answer`` (or the next item of ``answers``)."""

    def __init__(self, answer: bool = False, answers: list[bool] | None = None):
        self.answer = answer
        self.answers = list(answers or [])
        self.calls: list[tuple[str, str, str]] = []  # (kind, title, text)

    def confirm(self, parent, title, text) -> bool:
        self.calls.append(("confirm", title, text))
        return self.answers.pop(0) if self.answers else self.answer

    def inform(self, parent, title, text) -> None:
        self.calls.append(("inform", title, text))

    def error(self, parent, title, text) -> None:
        self.calls.append(("error", title, text))

    def warning(self, parent, title, text) -> None:
        self.calls.append(("warning", title, text))
