"""Dated administrative-unit trees of Quảng Ninh, read from ``resources/units/``.

Two trees: ``2021`` (tỉnh → 13 huyện-level → 177 xã-level, GSO list of 03/02/2021, used
until 30/6/2025) and ``2025`` (tỉnh → 54 xã-level units, from 01/7/2025). Codes are
reused between them with other meanings (06652 is Hà Phong in 2021, Hà Tu in 2025), so a
unit is always named by its key ``"<tree>:<code>"``, never a bare code.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property, lru_cache

from qnapp.errors import QnappError
from qnapp.i18n import _
from qnapp.resources import resource_path
from qnapp.text import VN_TZ, Query, SearchText, nfc, vi_sort_key

__all__ = [
    "LEVELS",
    "REFORM_DATE",
    "Predecessor",
    "Unit",
    "UnitTree",
    "UnitNotFound",
    "UnitKeyError",
    "load_tree",
    "load_trees",
    "tree_ids",
    "parse_unit_key",
    "get_unit",
    "tree_for_date",
    "successors",
    "sorted_by_name",
]

LEVELS = ("province", "district", "commune")
REFORM_DATE = date(2025, 7, 1)  # two-level local government; tree "2025" starts


class UnitNotFound(QnappError, KeyError):
    """No unit with that code in the tree. Also a KeyError, for mapping-style callers."""

    def __str__(self) -> str:  # KeyError would show repr() with quotes
        return str(self.args[0]) if self.args else ""


class UnitKeyError(QnappError, ValueError):
    """A unit key that is malformed (e.g. a bare code) or names an unknown tree."""


@dataclass(frozen=True)
class Predecessor:
    """A pre-01/7/2025 unit (as of the GSO list of 04/01/2025) merged into a 2025 unit."""

    code: str
    name: str  # bare name, official spelling
    merge_kind: str  # verbatim: "Nhập toàn bộ", "Nhập một phần", … "Giữ nguyên"
    district: str  # full name of its old district, e.g. "Thành phố Hạ Long"
    type: str = ""
    district_code: str = ""

    @property
    def full_name(self) -> str:
        return _full_name(self.type, self.name)

    @property
    def partial(self) -> bool:
        """Only part of the old unit went into this new unit (it was split)."""
        return "một phần" in self.merge_kind.casefold()


@dataclass(frozen=True)
class Unit:
    tree: str
    code: str
    name: str  # bare name ("Hà Khánh"), NFC, official spelling
    type: str  # lower case: "phường", "xã", "thị trấn", "đặc khu", "huyện", …
    level: str  # "province" | "district" | "commune"
    parent_code: str | None
    predecessors: tuple[Predecessor, ...] = ()

    @property
    def key(self) -> str:
        return "{}:{}".format(self.tree, self.code)

    @property
    def full_name(self) -> str:
        """"Phường Hà Khánh": type with a capital first letter, then the name."""
        return _full_name(self.type, self.name)

    def __str__(self) -> str:
        return self.full_name


def _full_name(unit_type: str, name: str) -> str:
    if not unit_type:
        return name
    return "{}{} {}".format(unit_type[:1].upper(), unit_type[1:], name)


def _name_order(unit: Unit) -> tuple:
    # Same name at two levels (Thành phố Hạ Long, Xã Hạ Long): higher level first.
    return (vi_sort_key(unit.name), LEVELS.index(unit.level), vi_sort_key(unit.type), unit.code)


def sorted_by_name(units: Iterable[Unit]) -> list[Unit]:
    """Units in Vietnamese alphabetical order of their bare names (Đ after D)."""
    return sorted(units, key=_name_order)


@dataclass(frozen=True)
class UnitTree:
    id: str
    label: str
    valid_from: date
    valid_to: date | None  # last valid day; None = still valid
    units: tuple[Unit, ...]  # province, districts, communes; each by code
    _by_code: dict[str, Unit] = field(init=False, repr=False, compare=False, hash=False)
    _children: dict[str, tuple[Unit, ...]] = field(
        init=False, repr=False, compare=False, hash=False
    )
    _successors: dict[str, tuple[Unit, ...]] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        by_code: dict[str, Unit] = {}
        for unit in self.units:
            if unit.code in by_code:
                raise _bad_data(self.id, _("mã {code} lặp lại").format(code=unit.code))
            by_code[unit.code] = unit
        roots = [u for u in self.units if u.parent_code is None]
        if len(roots) != 1:
            raise _bad_data(self.id, _("cần đúng một đơn vị gốc (tỉnh)"))
        children: dict[str, list[Unit]] = {code: [] for code in by_code}
        successors: dict[str, list[Unit]] = {}
        for unit in self.units:
            if unit.parent_code is not None:
                parent = by_code.get(unit.parent_code)
                if parent is None or LEVELS.index(parent.level) >= LEVELS.index(unit.level):
                    raise _bad_data(
                        self.id, _("đơn vị {code} có cấp trên sai").format(code=unit.code)
                    )
                children[unit.parent_code].append(unit)
            for pred in unit.predecessors:
                successors.setdefault(pred.code, []).append(unit)
        by_key = lambda u: u.code  # noqa: E731
        object.__setattr__(self, "_by_code", by_code)
        object.__setattr__(
            self, "_children", {c: tuple(sorted(v, key=by_key)) for c, v in children.items()}
        )
        object.__setattr__(
            self, "_successors", {c: tuple(sorted(v, key=by_key)) for c, v in successors.items()}
        )

    @cached_property
    def _search(self) -> tuple[tuple[Unit, SearchText], ...]:
        # Word lists made once, on the first search (start-up needs none): search runs
        # on every keystroke of a filter box.
        return tuple((u, SearchText.of(u.full_name)) for u in self.units)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self):
        return iter(self.units)

    def __len__(self) -> int:
        return len(self.units)

    def valid_on(self, d: date) -> bool:
        return self.valid_from <= d and (self.valid_to is None or d <= self.valid_to)

    def get(self, code: str) -> Unit:
        unit = self._by_code.get(code) if isinstance(code, str) else None
        if unit is None:
            raise UnitNotFound(
                _("Không có đơn vị hành chính mã «{code}» trong danh mục {tree}.").format(
                    code=code, tree=self.id
                )
            )
        return unit

    @property
    def root(self) -> Unit:
        return self.units[0]

    def children(self, code: str) -> tuple[Unit, ...]:
        """Units directly under ``code``, by code."""
        return self._children[self.get(code).code]

    def parent(self, code: str) -> Unit | None:
        parent_code = self.get(code).parent_code
        return None if parent_code is None else self._by_code[parent_code]

    def ancestors(self, code: str) -> tuple[Unit, ...]:
        """Parent, grandparent … up to the province."""
        out = []
        parent = self.parent(code)
        while parent is not None:
            out.append(parent)
            parent = self.parent(parent.code)
        return tuple(out)

    def descendants(self, code: str) -> tuple[Unit, ...]:
        """Everything below ``code``, depth first, children by code."""
        out: list[Unit] = []
        stack = list(reversed(self.children(code)))
        while stack:
            unit = stack.pop()
            out.append(unit)
            stack.extend(reversed(self._children[unit.code]))
        return tuple(out)

    def communes(self) -> tuple[Unit, ...]:
        """All commune-level (leaf) units, by code."""
        return tuple(u for u in self.units if u.level == "commune")

    def districts(self) -> tuple[Unit, ...]:
        """District-level units by code; empty for the 2025 tree."""
        return tuple(u for u in self.units if u.level == "district")

    def search(self, query: str) -> list[Unit]:
        """Units whose name matches ``query`` (see ``text.matches``) or whose code starts
        with it, in Vietnamese order of name. An empty query gives every unit."""
        q = Query(query)
        code_prefix = q.text if q.text.isdigit() else None
        found = [
            unit
            for unit, prepared in self._search
            if (code_prefix is not None and unit.code.startswith(code_prefix))
            or (q.matches(prepared) if q else not q.text)
        ]
        return sorted_by_name(found)

    def successors(self, old_code: str) -> tuple[Unit, ...]:
        """Units of this tree made wholly or partly from the old unit ``old_code``."""
        return self._successors.get(old_code, ())

    sorted_by_name = staticmethod(sorted_by_name)


def _bad_data(tree: str, detail: str) -> QnappError:
    return QnappError(
        _("Dữ liệu đơn vị hành chính (danh mục {tree}) bị lỗi: {detail}.").format(
            tree=tree, detail=detail
        )
    )


# ---------------------------------------------------------------------------
# Loading


@lru_cache(maxsize=1)
def _manifest() -> dict[str, dict]:
    with open(resource_path("units", "trees.json"), encoding="utf-8") as f:
        data = json.load(f)
    return {entry["id"]: entry for entry in data["trees"]}


def _read_csv(filename: str) -> list[dict[str, str]]:
    # utf-8-sig: tolerate a BOM if someone re-saves the file in Excel.
    with open(resource_path("units", filename), encoding="utf-8-sig", newline="") as f:
        return [{k: nfc(v.strip()) for k, v in row.items()} for row in csv.DictReader(f)]


def tree_ids() -> tuple[str, ...]:
    return tuple(_manifest())


def _unknown_tree(tree_id: object) -> UnitKeyError:
    return UnitKeyError(
        _("Không có danh mục đơn vị hành chính «{tree}» (có: {known}).").format(
            tree=tree_id, known=", ".join(tree_ids())
        )
    )


@lru_cache(maxsize=None)
def _load(tree_id: str) -> UnitTree:
    entry = _manifest()[tree_id]
    preds: dict[str, list[Predecessor]] = {}
    if entry.get("predecessors"):
        for row in _read_csv(entry["predecessors"]):
            preds.setdefault(row["new_code"], []).append(
                Predecessor(
                    code=row["old_code"],
                    name=row["old_name"],
                    merge_kind=row["merge_kind"],
                    district=row["old_district"],
                    type=row["old_type"],
                    district_code=row["old_district_code"],
                )
            )
    units = tuple(
        Unit(
            tree=tree_id,
            code=row["code"],
            name=row["name"],
            type=row["type"],
            level=row["level"],
            parent_code=row["parent_code"] or None,
            predecessors=tuple(preds.get(row["code"], ())),
        )
        for row in _read_csv(entry["units"])
    )
    units = tuple(sorted(units, key=lambda u: (LEVELS.index(u.level), u.code)))
    valid_to = entry.get("valid_to")
    return UnitTree(
        id=tree_id,
        label=entry["label"],
        valid_from=date.fromisoformat(entry["valid_from"]),
        valid_to=date.fromisoformat(valid_to) if valid_to else None,
        units=units,
    )


def load_tree(tree_id: str) -> UnitTree:
    """The tree ``"2021"`` or ``"2025"`` (read once, then cached)."""
    if not isinstance(tree_id, str) or tree_id not in _manifest():
        raise _unknown_tree(tree_id)
    return _load(tree_id)


def load_trees() -> dict[str, UnitTree]:
    return {tree_id: load_tree(tree_id) for tree_id in tree_ids()}


_KEY = re.compile(r"([^:\s]+):([0-9]+)")


def parse_unit_key(key: str) -> tuple[str, str]:
    """``"2021:06652"`` → ``("2021", "06652")``. Bare codes and unknown trees are refused."""
    m = _KEY.fullmatch(key) if isinstance(key, str) else None
    if m is None:
        if isinstance(key, str) and key.strip().isdigit():
            raise UnitKeyError(
                _(
                    "Mã đơn vị «{key}» thiếu danh mục: cần dạng «2021:06652» "
                    "(danh mục:mã), vì cùng một mã có thể chỉ hai đơn vị khác nhau."
                ).format(key=key)
            )
        raise UnitKeyError(
            _("Mã đơn vị «{key}» không hợp lệ: cần dạng «2021:06652».").format(key=key)
        )
    tree_id, code = m.groups()
    if tree_id not in _manifest():
        raise _unknown_tree(tree_id)
    return tree_id, code


def get_unit(key: str) -> Unit:
    tree_id, code = parse_unit_key(key)
    return load_tree(tree_id).get(code)


def tree_for_date(d: date | datetime) -> str:
    """``"2021"`` before 01/7/2025 (also before the 2021 list: no older tree), else
    ``"2025"``. An aware datetime counts by its calendar day in Vietnam."""
    if isinstance(d, datetime):
        d = (d.astimezone(VN_TZ) if d.tzinfo is not None else d).date()
    return "2021" if d < REFORM_DATE else "2025"


def successors(old_code: str) -> tuple[Unit, ...]:
    """2025 units made wholly or partly from the pre-reform unit ``old_code``."""
    return load_tree("2025").successors(old_code)
