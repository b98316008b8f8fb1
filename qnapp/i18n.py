"""One translation entry point for core and GUI.

Source strings are Vietnamese (the users' language); other languages are gettext
catalogs in resources/i18n. Mark text with ``_()``; never put f-strings inside it:
write ``_("Dòng {line}: {reason}").format(line=..., reason=...)``.
"""

import gettext as _gettext

from qnapp.resources import resource_path

_translation: _gettext.NullTranslations = _gettext.NullTranslations()


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
    return _translation.gettext(message)


def N_(message: str) -> str:
    """Mark for extraction only; translate where shown."""
    return message
