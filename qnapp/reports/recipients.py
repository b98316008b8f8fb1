"""Who a report goes to («Kính gửi»): data in ``resources/recipients.json``, chosen by
the sender's unit tree, its level and the report's date.

The receiving bodies changed in 2025 (Sở LĐ-TB&XH merged into Sở Nội vụ; gender equality
moved to Bộ Nội vụ), so names are dated data, never code. A unit can override the table
with the store setting ``report.recipient`` (a name, or a list of names).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from qnapp.errors import QnappError
from qnapp.i18n import _
from qnapp.resources import resource_path
from qnapp.text import clean_text
from qnapp.units import Unit, load_tree

__all__ = ["RECIPIENT_SETTING", "RecipientRule", "load_rules", "recipient_for", "recipients_for"]

RECIPIENT_SETTING = "report.recipient"


@dataclass(frozen=True)
class RecipientRule:
    tree: str  # "2021", "2025" or "*"
    level: str  # level of the sending unit
    valid_from: date | None  # first day (inclusive), None: always before
    valid_to: date | None  # last day (inclusive), None: still in force
    recipient: str  # may hold {parent}
    source: str = ""

    def applies(self, unit: Unit, on: date) -> bool:
        return (
            self.tree in ("*", unit.tree)
            and self.level == unit.level
            and (self.valid_from is None or self.valid_from <= on)
            and (self.valid_to is None or on <= self.valid_to)
        )


def _date(value, where: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as err:
        raise QnappError(_("Tệp nơi nhận báo cáo: ngày «{value}» không hợp lệ ({where}).").format(
            value=value, where=where)) from err


@lru_cache(maxsize=4)
def load_rules(path: str | None = None) -> tuple[RecipientRule, ...]:
    """The rules of ``resources/recipients.json`` (or ``path``), in file order."""
    file = path or str(resource_path("recipients.json"))
    try:
        with open(file, encoding="utf-8") as f:
            data = json.load(f)
        raw_rules = data["rules"]
        rules = tuple(
            RecipientRule(
                tree=str(raw["tree"]),
                level=str(raw["level"]),
                valid_from=_date(raw.get("valid_from"), str(i + 1)),
                valid_to=_date(raw.get("valid_to"), str(i + 1)),
                recipient=clean_text(raw["recipient"]),
                source=raw.get("source", ""),
            )
            for i, raw in enumerate(raw_rules)
        )
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise QnappError(_("Không đọc được tệp nơi nhận báo cáo {path}: {error}").format(
            path=file, error=err)) from err
    return rules


def _parent_phrase(unit: Unit) -> str:
    """«huyện Tiên Yên»: the parent's type in lower case, then its name."""
    parent = load_tree(unit.tree).parent(unit.code)
    if parent is None:
        return ""
    return "{} {}".format(parent.type, parent.name).strip()


def recipient_for(unit: Unit, on: date, rules: tuple[RecipientRule, ...] | None = None) -> str | None:
    """The body a report of ``unit`` dated ``on`` goes to, from the table; None if no rule fits."""
    for rule in rules if rules is not None else load_rules():
        if rule.applies(unit, on):
            return rule.recipient.format(parent=_parent_phrase(unit))
    return None


def recipients_for(workspace, on: date) -> tuple[str, ...]:
    """«Kính gửi» of this workspace's unit: the setting ``report.recipient`` when set,
    else the dated table. Empty when neither names anyone."""
    override = workspace.store.get_setting(RECIPIENT_SETTING)
    if isinstance(override, str) and clean_text(override):
        return (clean_text(override),)
    if isinstance(override, (list, tuple)):
        names = tuple(clean_text(n) for n in override if isinstance(n, str) and clean_text(n))
        if names:
            return names
    found = recipient_for(workspace.unit, on)
    return (found,) if found else ()
