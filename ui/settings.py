"""Per-PC preferences of the GUI (language, window geometry) in ``qnapp.ini`` inside the
data folder, so a test's ``QNAPP_HOME`` or a portable ``data`` folder carries them and
nothing goes to the Windows registry."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from qnapp.paths import data_dir

LANGUAGES = (("vi", "Tiếng Việt"), ("en", "English"))  # each in its own language
LANGUAGE_KEY = "language"
GEOMETRY_KEY = "main_window/geometry"


def app_settings() -> QSettings:
    return QSettings(str(data_dir() / "qnapp.ini"), QSettings.Format.IniFormat)


def language() -> str:
    value = app_settings().value(LANGUAGE_KEY, "vi")
    return value if value in dict(LANGUAGES) else "vi"


def set_language(code: str) -> None:
    if code not in dict(LANGUAGES):
        raise ValueError(code)
    settings = app_settings()
    settings.setValue(LANGUAGE_KEY, code)
    settings.sync()
