"""Translation catalogs with Babel. Vietnamese is the source language (the msgids);
English is a second language in ``resources/i18n/en/LC_MESSAGES/qnapp.po``.

    python tools/i18n.py extract   # qnapp/ and ui/ → resources/i18n/qnapp.pot
    python tools/i18n.py update    # merge the .pot into every language's .po
    python tools/i18n.py compile   # .po → .mo (what gettext loads at run time)
    python tools/i18n.py check     # exit 1 when a .mo is missing or older than its .po

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


def languages() -> list[str]:
    return sorted(p.name for p in I18N.iterdir() if (p / "LC_MESSAGES" / (DOMAIN + ".po")).exists())


def po_path(lang: str) -> Path:
    return I18N / lang / "LC_MESSAGES" / (DOMAIN + ".po")


def mo_path(lang: str) -> Path:
    return I18N / lang / "LC_MESSAGES" / (DOMAIN + ".mo")


def write_pot() -> Path:
    from babel.messages.pofile import write_po

    I18N.mkdir(parents=True, exist_ok=True)
    with open(POT, "wb") as out:
        write_po(out, extract(), width=100, omit_header=False, sort_output=False, include_lineno=False)
    return POT


def update() -> None:
    from babel.messages.pofile import read_po, write_po

    template = extract()
    for lang in languages():
        with open(po_path(lang), "rb") as f:
            catalog = read_po(f, locale=lang)
        catalog.update(template, no_fuzzy_matching=True)
        with open(po_path(lang), "wb") as out:
            write_po(out, catalog, width=100, include_lineno=False, ignore_obsolete=True)


def mo_bytes(lang: str) -> bytes:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(po_path(lang), "rb") as f:
        catalog = read_po(f, locale=lang)
    buf = BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def compile_all() -> list[Path]:
    written = []
    for lang in languages():
        mo_path(lang).write_bytes(mo_bytes(lang))
        written.append(mo_path(lang))
    return written


def stale() -> list[str]:
    return [lang for lang in languages() if not mo_path(lang).exists() or mo_path(lang).read_bytes() != mo_bytes(lang)]


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
