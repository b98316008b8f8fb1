"""Typed text, told apart from keys that move or command."""

from __future__ import annotations

from PySide6.QtCore import Qt

_COMMAND = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


def typed_text(event) -> str:
    """The printable text a key event types ("" for arrows, Enter, Ctrl/Alt shortcuts)."""
    text = event.text()
    if event.modifiers() & _COMMAND or not text or not text.isprintable():
        return ""
    return text
