"""Translation catalogs with Babel. Vietnamese is the source language (the msgids);
English is a second language in ``resources/i18n/en/LC_MESSAGES/qnapp.po``.

    python tools/i18n.py extract   # qnapp/ and ui/ → resources/i18n/qnapp.pot
    python tools/i18n.py update    # merge the .pot into every language's .po (click's, argparse's texts too)
    python tools/i18n.py compile   # every .po → .mo (what gettext loads at run time)
    python tools/i18n.py check     # exit 1 when a .mo is missing or older than its .po

Three more domains hold other programs' English source texts in Vietnamese (English needs
none): ``vi/LC_MESSAGES/click.po`` and ``argparse.po`` (the command-line parsers'
messages, extracted from the installed click and argparse) and ``vi/LC_MESSAGES/qt.po`` (Qt's standard buttons, dialogs and menus, msgctxt = Qt's
context; ``ui/qt_translator.py`` loads it and ``tests/ui/test_qt_vietnamese.py`` lists
what Qt asked for and found no translation).

The compiled ``.mo`` files are committed (they are small) so a clone runs in English
without Babel; ``tests/core/test_i18n.py`` fails when one is stale, and the packaging
build runs ``compile`` before freezing.
"""

from __future__ import annotations

import sys
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "resources" / "i18n"
POT = I18N / "qnapp.pot"
DOMAIN = "qnapp"
SOURCES = ("qnapp", "ui")
KEYWORDS = {"_": None, "N_": None}


def extract():
    """The catalog of every ``_()`` / ``N_()`` string in qnapp/ and ui/."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(project="qnapp", domain=DOMAIN, charset="utf-8", fuzzy=False)
    for source in SOURCES:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / source, method_map=[("**.py", "python")], keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",), strip_comment_tags=True,
        ):
            catalog.add(message, None, [("{}/{}".format(source, filename), lineno)],
                        auto_comments=comments, context=context)
    return catalog


def foreign_template(domain: str):
    """The English messages another library marks with ``_()`` / ``ngettext``, as
    installed: ``click`` (the qnapp command line) or ``argparse`` (the GUI's options)."""
    import argparse

    import click
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir, extract_from_file

    sys.path.insert(0, str(ROOT))
    from qnapp.cli_i18n import DYNAMIC_MSGIDS

    keywords = {"_": None, "ngettext": (1, 2)}
    catalog = Catalog(project=domain, domain=domain, charset="utf-8", fuzzy=False)
    if domain == "click":
        found = [("click/" + filename, lineno, message, context) for filename, lineno, message, _c, context in
                 extract_from_dir(Path(click.__file__).parent, method_map=[("**.py", "python")], keywords=keywords)]
    else:
        found = [("argparse.py", lineno, message, context) for lineno, message, _c, context in
                 extract_from_file("python", argparse.__file__, keywords=keywords)]
    for where, lineno, message, context in found:
        catalog.add(message, None, [(where, lineno)], context=context)
    for message in DYNAMIC_MSGIDS.get(domain, ()):
        catalog.add(message, None, [(domain, 0)])
    return catalog


def languages(domain: str = DOMAIN) -> list[str]:
    return sorted(p.name for p in I18N.iterdir() if (p / "LC_MESSAGES" / (domain + ".po")).exists())


def catalogs() -> list[tuple[str, str]]:
    """Every (language, domain) with a .po."""
    return sorted((p.parent.parent.name, p.stem) for p in I18N.glob("*/LC_MESSAGES/*.po"))


def po_path(lang: str, domain: str = DOMAIN) -> Path:
    return I18N / lang / "LC_MESSAGES" / (domain + ".po")


def mo_path(lang: str, domain: str = DOMAIN) -> Path:
    return I18N / lang / "LC_MESSAGES" / (domain + ".mo")


def write_pot() -> Path:
    from babel.messages.pofile import write_po

    I18N.mkdir(parents=True, exist_ok=True)
    with open(POT, "wb") as out:
        write_po(out, extract(), width=100, omit_header=False, sort_output=False, include_lineno=False)
    return POT


def update() -> None:
    from babel.messages.pofile import read_po, write_po

    for domain, template in ((DOMAIN, extract()), ("click", foreign_template("click")),
                             ("argparse", foreign_template("argparse"))):
        for lang in languages(domain):
            with open(po_path(lang, domain), "rb") as f:
                catalog = read_po(f, locale=lang, domain=domain)
            catalog.update(template, no_fuzzy_matching=True)
            with open(po_path(lang, domain), "wb") as out:
                write_po(out, catalog, width=100, include_lineno=False, ignore_obsolete=True)


def mo_bytes(lang: str, domain: str = DOMAIN) -> bytes:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(po_path(lang, domain), "rb") as f:
        catalog = read_po(f, locale=lang, domain=domain)
    buf = BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def compile_all() -> list[Path]:
    written = []
    for lang, domain in catalogs():
        mo_path(lang, domain).write_bytes(mo_bytes(lang, domain))
        written.append(mo_path(lang, domain))
    return written


def stale() -> list[str]:
    return ["{}/{}".format(lang, domain) for lang, domain in catalogs()
            if not mo_path(lang, domain).exists() or mo_path(lang, domain).read_bytes() != mo_bytes(lang, domain)]


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "extract":
        print(write_pot())
    elif command == "update":
        write_pot()
        update()
    elif command == "compile":
        for path in compile_all():
            print(path)
    elif command == "check":
        bad = stale()
        if bad:
            print("stale or missing .mo: " + ", ".join(bad), file=sys.stderr)
            return 1
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
