"""One translation entry point for core and GUI.

Source strings are Vietnamese (the users' language); other languages are gettext
catalogs in resources/i18n. Mark text with ``_()``; never put f-strings inside it:
write ``_("Dòng {line}: {reason}").format(line=..., reason=...)``.
"""

import gettext as _gettext
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

from qnapp.resources import resource_path

LANGUAGES = ("vi", "en")
SETTINGS_FILE = "qnapp.ini"  # ui/settings.py writes it (QSettings, IniFormat)

_language = "vi"
_translation: _gettext.NullTranslations = _gettext.NullTranslations()
# Catalogs of other programs' English source texts (click, Qt), by domain.
_foreign: dict[str, _gettext.NullTranslations] = {}
_official = ContextVar("qnapp_official_vietnamese", default=False)


def set_language(language: str) -> None:
    """Switch the catalog; ``vi`` (the source language) uses the strings as written."""
    global _translation, _language
    _language = language
    _foreign.clear()
    if language == "vi":
        _translation = _gettext.NullTranslations()
        return
    _translation = _catalog("qnapp", language)


def language() -> str:
    return _language


def _catalog(domain: str, language: str) -> _gettext.NullTranslations:
    return _gettext.translation(domain, localedir=str(resource_path("i18n")), languages=[language], fallback=True)


def foreign(domain: str) -> _gettext.NullTranslations:
    """The current language's catalog for a program whose source texts are English
    (``click``, ``qt``): Vietnamese has one, English needs none."""
    if domain not in _foreign:
        _foreign[domain] = _gettext.NullTranslations() if _language == "en" else _catalog(domain, _language)
    return _foreign[domain]


def route_argparse() -> None:
    """argparse's own messages (usage:, error:, show this help message…) from the
    ``argparse`` catalog of the current language (the GUI's options, ``ui/app.py``)."""
    import argparse

    argparse._ = lambda message: foreign("argparse").gettext(message)
    argparse.ngettext = lambda singular, plural, n: foreign("argparse").ngettext(singular, plural, n)


def saved_language() -> str:
    """The language chosen in the GUI («Cài đặt → Ngôn ngữ»), read without Qt so the
    command line speaks it too; Vietnamese when none is saved."""
    import configparser  # lazy: the GUI reads its settings through Qt

    from qnapp.paths import data_dir  # lazy: keeps platformdirs off this module's import

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(data_dir() / SETTINGS_FILE, encoding="utf-8")
    except (OSError, configparser.Error, UnicodeDecodeError):
        return "vi"
    value = parser.get("General", "language", fallback="vi")
    return value if value in LANGUAGES else "vi"


def _(message: str) -> str:
    if _official.get():
        return message
    return _translation.gettext(message)


@contextmanager
def official_vietnamese():
    """Text made inside is Vietnamese whatever the interface language: official reports
    (NĐ 30/2020) and signed bundles are Vietnamese documents, and a bundle must be the
    same bytes whoever exports it. Usable as a decorator."""
    token = _official.set(True)
    try:
        yield
    finally:
        _official.reset(token)


def N_(message: str) -> str:
    """Mark for extraction only; translate where shown."""
    return message


class TranslatedNames(Mapping):
    """A module-level table of ``N_()`` texts, each translated when it is read (so in the
    language set at that moment, not the one in force when the module was imported)."""

    def __init__(self, texts: dict[str, str]):
        self._texts = dict(texts)

    def __getitem__(self, key: str) -> str:
        return _(self._texts[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)
