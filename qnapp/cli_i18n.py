"""The command line in the interface language (the GUI's choice, saved in qnapp.ini).

- click's own messages (Usage:, Error:, Missing argument…) go through click's calls to
  ``gettext``; ``install()`` routes them to the ``click`` catalog
  (``resources/i18n/vi/LC_MESSAGES/click.po``: click's English source texts, hence a
  domain of its own; ``tools/i18n.py update`` extracts them from the installed click).
- qnapp's help texts are marked with ``N_()`` where the commands are declared (import
  time) and translated by ``translate_commands`` each time the command line runs.
"""

from __future__ import annotations

import gettext
import sys
from contextlib import contextmanager

import click

from qnapp import i18n
from qnapp.i18n import N_, _

# What click shows for a parameter with no metavar of its own (it would print the
# English type name: TEXT, INTEGER, PATH), by parameter name, then by type name.
PARAM_METAVARS = {
    "file": N_("TỆP"), "files": N_("TỆP"), "period": N_("KỲ"), "fingerprint": N_("DẤU_VÂN_TAY"),
    "from_date": N_("NGÀY"), "issued": N_("NGÀY"), "year": N_("NĂM"), "unit_code": N_("MÃ"),
    "unit_key": N_("ĐƠN_VỊ"), "officer": N_("HỌ_TÊN"), "signer": N_("HỌ_TÊN"), "reason": N_("LÝ_DO"),
    "number": N_("SỐ"), "place": N_("ĐỊA_DANH"),
}
TYPE_METAVARS = {"text": N_("CHỮ"), "integer": N_("SỐ"), "float": N_("SỐ")}
OPTIONS_METAVAR = N_("[TÙY_CHỌN]")
SUBCOMMAND_METAVAR = N_("LỆNH [ĐỐI_SỐ]...")
# Translated through a variable, so no extractor sees them.
DYNAMIC_MSGIDS = {"click": ("required",)}

_SOURCE = "_qnapp_source"  # attribute keeping a command's or parameter's untranslated texts


def click_gettext(message: str) -> str:
    return i18n.foreign("click").gettext(message)


def click_ngettext(singular: str, plural: str, n: int) -> str:
    return i18n.foreign("click").ngettext(singular, plural, n)


def install() -> None:
    """Point every loaded click module's ``_`` / ``ngettext`` at the click catalog."""
    for name, module in list(sys.modules.items()):
        if not (name == "click" or name.startswith("click.")) or module is None:
            continue
        if getattr(module, "_", None) is gettext.gettext:
            module._ = click_gettext
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = click_ngettext


def translate_commands(command: click.Command) -> None:
    """Give the command tree its texts in the current language (from the N_() sources)."""
    source = _sources(command, ("help", "short_help", "epilog", "options_metavar", "subcommand_metavar"))
    for attr in ("help", "short_help", "epilog"):
        setattr(command, attr, _(source[attr]) if source[attr] else source[attr])
    command.options_metavar = _(OPTIONS_METAVAR) if source["options_metavar"] == "[OPTIONS]" else source["options_metavar"]
    if isinstance(command, click.Group):
        command.subcommand_metavar = (_(SUBCOMMAND_METAVAR) if source["subcommand_metavar"] == "COMMAND [ARGS]..."
                                      else source["subcommand_metavar"])
    if getattr(command, "_help_option", None) is not None:
        command._help_option = None  # click keeps --help made (and worded) at an earlier run
    for param in command.params:
        _translate_param(param)
    for sub in getattr(command, "commands", {}).values():
        translate_commands(sub)


def _sources(obj, attrs) -> dict:
    if not hasattr(obj, _SOURCE):
        setattr(obj, _SOURCE, {attr: getattr(obj, attr, None) for attr in attrs})
    return getattr(obj, _SOURCE)


def _translate_param(param: click.Parameter) -> None:
    source = _sources(param, ("help", "metavar"))
    if isinstance(param.type, click.Path):
        # click names it («File 'x' does not exist.») when the type is made: at import.
        path = param.type
        path.name = click_gettext("file" if path.file_okay and not path.dir_okay
                                  else "directory" if path.dir_okay and not path.file_okay else "path")
    if isinstance(param, click.Option):
        param.help = _(source["help"]) if source["help"] else source["help"]
    if source["metavar"] is not None:
        param.metavar = _(source["metavar"])
        return
    if getattr(param, "is_flag", False) or isinstance(param.type, click.Choice):
        return  # no metavar, or click's own «[a|b]»
    base = PARAM_METAVARS.get(param.name or "") or (
        N_("TỆP") if isinstance(param.type, click.Path) else TYPE_METAVARS.get(param.type.name))
    if base is None:
        return
    metavar = _(base)
    if isinstance(param, click.Argument) and not param.required:
        metavar = "[{}]".format(metavar)
    if param.nargs != 1:
        metavar += "..."
    param.metavar = metavar


@contextmanager
def interface_language(command: click.Command):
    """Run ``command`` in the saved language; the language in force before comes back
    afterwards (tests run many commands in one process)."""
    before = i18n.language()
    i18n.set_language(i18n.saved_language())
    install()
    translate_commands(command)
    try:
        yield
    finally:
        i18n.set_language(before)
