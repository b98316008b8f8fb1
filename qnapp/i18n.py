"""One translation entry point for core and GUI.

Source strings are Vietnamese (the users' language); other languages are gettext
catalogs in resources/i18n. Mark text with ``_()``; never put f-strings inside it:
write ``_("Dòng {line}: {reason}").format(line=..., reason=...)``.
"""

import gettext as _gettext
from contextlib import contextmanager
from contextvars import ContextVar

from qnapp.resources import resource_path

_translation: _gettext.NullTranslations = _gettext.NullTranslations()
_official = ContextVar("qnapp_official_vietnamese", default=False)


def set_language(language: str) -> None:
    """Switch the catalog; ``vi`` (the source language) uses the strings as written."""
    global _translation
    if language == "vi":
        _translation = _gettext.NullTranslations()
        return
    _translation = _gettext.translation(
        "qnapp", localedir=str(resource_path("i18n")), languages=[language], fallback=True
    )


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
