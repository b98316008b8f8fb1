"""A parent unit's view of its children: completeness board, consolidated values, drill-down.

The parent is the district in the 2021 tree and the province in either tree; its
children are its direct children in its own tree (``children_of``). Everything here is
computed from the import ledger (``qnapp.bundles.ledger``): a child's figures for a
period are those of its *current* bundle for that period — the latest accepted revision.

Consolidated values
    For the elements recorded both at the parent's level and at its children's level
    (``bundles.custody.consolidated_elements``), the parent's value is the sum of its
    children's (``custody.combine``: ``nam``/``nu`` add up; a ``""`` total exists when a
    child stored one, and is then the sum of every child's effective total). A child's
    bundle of period P carries every element of period type P or finer, already
    aggregated to P, so P's consolidation reads the children's bundles of P only; a
    coarser stock (``aggregation == "last"``, e.g. the year's population seen from a
    half-year) is read from the children's bundles of the enclosing period, as
    ``Workspace.period_values`` carries the unit's own stocks down. The parent never types
    these elements (``ElementRow.editable`` is False, ``set_cell`` refuses them);
    ``Workspace.period_values`` returns these sums plus the parent's own figures for the
    elements only its level records, so indicators are recomputed from the sums.

    ``COMMUNES_GE_NEWS_OK`` is *not* derived from the communes' quarterly news counts:
    report bundles carry half-year and year sums, not each quarter, so a district enters
    it (the 2021 province sums its districts').

Completeness board
    ``on_time``: the current bundle is revision 1 and was received (imported here — the
    ledger's ``received_at``, Vietnam time) before the period's «gửi trước ngày» date
    (``periods.due_date``, exclusive, as ``periods.is_overdue``), i.e. on or before the
    last day to send. ``late``: revision 1 received on or after that date. ``corrected``:
    the current revision is above 1 (whenever received). ``missing``: nothing accepted
    (a held bundle does not count until the clerk accepts it).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from qnapp.bundles.custody import (
    children_in_tree,
    combine,
    consolidated_elements,
)
from qnapp.bundles.layout import HEADER, REPORT_TYPE
from qnapp.catalog import DataElement
from qnapp.periods import due_date, finer_or_same, parse_period
from qnapp.units import Unit, get_unit, load_tree, sorted_by_name
from qnapp.validation import effective_total

if TYPE_CHECKING:
    from qnapp.workspace import Workspace

__all__ = [
    "ChildCell",
    "children_of",
    "completeness",
    "consolidated_codes",
    "consolidated_values",
    "drill_down",
    "export_custody",
    "outdated_children",
    "status",
]

Values = dict[tuple[str, str], float]


@dataclass(frozen=True)
class ChildCell:
    """One child × one period on the completeness board."""

    unit: str  # "tree:code"
    period: str
    state: str  # "on_time" | "late" | "missing" | "corrected"
    revision: int | None
    digest: str | None
    received_at: str | None


def children_of(workspace: Workspace) -> list[Unit]:
    """The importer's children in its tree, in Vietnamese name order (then code)."""
    return sorted_by_name(children_in_tree(workspace.unit))


def consolidated_codes(workspace: Workspace) -> frozenset[str]:
    """Codes of the elements this unit never types: sums of its children's figures."""
    return frozenset(e.code for e in consolidated_elements(workspace.catalog, workspace.unit))


# --- reading the ledger ----------------------------------------------------------------------------


def _rows(workspace: Workspace, sql: str, params: list[Any]) -> list[tuple]:
    store = workspace.store
    with store._reading():
        return store.conn.execute(sql, params).fetchall()


def _current_values(workspace: Workspace, period_id: str, *, via: str | None = None) -> dict[str, Values]:
    """unit → values of the current bundles of ``period_id``: each sender's own figures,
    or (``via`` = a child's key) the figures of that child's children its bundle carried."""
    if via is None:
        sql = ("SELECT v.unit, v.element, v.category, v.value FROM received_values v "
               "JOIN received_bundles b ON b.digest = v.digest "
               "WHERE b.status = 'accepted' AND b.period = ? AND b.report_type = ? AND v.unit = b.unit")
        params = [period_id, REPORT_TYPE]
    else:
        sql = ("SELECT v.unit, v.element, v.category, v.value FROM received_values v "
               "JOIN received_bundles b ON b.digest = v.digest "
               "WHERE b.status = 'accepted' AND b.period = ? AND b.report_type = ? AND b.unit = ? "
               "AND v.unit != b.unit")
        params = [period_id, REPORT_TYPE, via]
    out: dict[str, Values] = {}
    for unit, element, category, value in _rows(workspace, sql, params):
        out.setdefault(unit, {})[(element, category)] = value
    return out


def _child_values(workspace: Workspace, period_id: str, elements: tuple[DataElement, ...],
                  *, via: str | None = None) -> dict[str, Values]:
    """Each child's figures for ``period_id``: its bundle of the period, plus coarser
    stocks from its bundle of the enclosing period."""
    period = parse_period(period_id)
    out = _current_values(workspace, period.id, via=via)
    for element in elements:
        if finer_or_same(element.period_type, period.type) or element.aggregation != "last":
            continue
        outer = _current_values(workspace, period.enclosing(element.period_type).id, via=via)
        for unit, values in outer.items():
            carried = {k: v for k, v in values.items() if k[0] == element.code}
            if carried:
                out.setdefault(unit, {}).update(carried)
    return out


def consolidated_values(workspace: Workspace, period_id: str) -> dict[tuple[str, str], float]:
    """Sum of the children's latest accepted values per (element, category), for the
    elements recorded at both levels; empty for a commune."""
    elements = consolidated_elements(workspace.catalog, workspace.unit)
    if not elements:
        return {}
    mine = {u.key for u in children_in_tree(workspace.unit)}
    store = workspace.store
    with store._reading():
        per_child = _each_child_values(store.conn, period_id, elements)
        return combine(elements, (v for unit, v in per_child if unit in mine))


def _each_child_values(conn, period_id: str, elements: tuple[DataElement, ...]):
    """(unit, values) per child, one child at a time, as ``_child_values`` gives them:
    its bundle of the period plus coarser stocks from its bundle of the enclosing
    period. One query ordered by unit, so memory does not grow with the children."""
    period = parse_period(period_id)
    carried: list[tuple[str, str]] = []  # (element code, enclosing period id), in element order
    for element in elements:
        if not finer_or_same(element.period_type, period.type) and element.aggregation == "last":
            carried.append((element.code, period.enclosing(element.period_type).id))
    periods = sorted({period.id, *(p for _code, p in carried)})
    marks = ", ".join("?" * len(periods))
    rows = conn.execute(
        "SELECT v.unit, b.period, v.element, v.category, v.value FROM received_values v "
        "JOIN received_bundles b ON b.digest = v.digest "
        f"WHERE b.status = 'accepted' AND b.report_type = ? AND b.period IN ({marks}) "
        "AND v.unit = b.unit ORDER BY b.unit",  # the index received_bundles_current: no sort
        [REPORT_TYPE, *periods],
    )
    for unit, unit_rows in groupby(rows, key=itemgetter(0)):
        by_period: dict[str, Values] = {}
        for _unit, row_period, element, category, value in unit_rows:
            by_period.setdefault(row_period, {})[(element, category)] = value
        values = by_period.get(period.id, {})
        for code, outer in carried:
            values.update({k: v for k, v in by_period.get(outer, {}).items() if k[0] == code})
        if period.id in by_period or values:
            yield unit, values


def _value_of(values: Mapping[tuple[str, str], float] | None, element: DataElement, category: str) -> float | None:
    if not values:
        return None
    if category == "" and element.disaggregated:
        return effective_total(values, element)
    return values.get((element.code, category))


def drill_down(workspace: Workspace, period_id: str, element: str, category: str,
               *, within: str | None = None) -> list[tuple[Unit, float | None]]:
    """Each child's latest accepted value of one element and category (None: nothing
    received), in ``children_of`` order; ``category`` "" is the (effective) total.

    ``within`` = a child's key ("2021:199"): that child's own children, from the figures
    its current bundle carried (a province looking into a district's communes)."""
    el = workspace.catalog.element(element)
    period_id = parse_period(period_id).id
    if within is None:
        units = children_of(workspace)
    else:
        child = get_unit(within)
        units = sorted_by_name(load_tree(child.tree).children(child.code))
    per_child = _child_values(workspace, period_id, (el,), via=within)
    return [(u, _value_of(per_child.get(u.key), el, category)) for u in units]


# --- the completeness board ---------------------------------------------------------------------------


def _cells_for(workspace: Workspace, period_id: str, children: list[Unit]) -> list[ChildCell]:
    period = parse_period(period_id)
    rows = _rows(
        workspace,
        "SELECT unit, revision, digest, received_at FROM received_bundles "
        "WHERE status = 'accepted' AND period = ? AND report_type = ?",
        [period.id, REPORT_TYPE],
    )
    current = {r[0]: r[1:] for r in rows}
    due = due_date(period)
    cells = []
    for child in children:
        found = current.get(child.key)
        if found is None:
            cells.append(ChildCell(child.key, period.id, "missing", None, None, None))
            continue
        revision, digest, received_at = found
        if revision > 1:
            state = "corrected"
        else:
            state = "on_time" if date.fromisoformat(received_at[:10]) < due else "late"
        cells.append(ChildCell(child.key, period.id, state, revision, digest, received_at))
    return cells


def completeness(workspace: Workspace, period_ids: list[str]) -> list[list[ChildCell]]:
    """Rows = children (``children_of`` order), columns = ``period_ids``."""
    children = children_of(workspace)
    columns = [_cells_for(workspace, p, children) for p in period_ids]
    return [[column[i] for column in columns] for i in range(len(children))]


# --- status -------------------------------------------------------------------------------------------------


def _json_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def status(workspace: Workspace, period_id: str) -> dict:
    """``{"period", "children": [{"unit", "state", "revision", "digest"}],
    "values": [{"element", "category", "value"}]}`` — the ``status --json`` shape.

    ``values`` are ``Workspace.period_values``: consolidated plus own, for the elements
    of this unit's level recorded for the period's type or finer (what ``export`` sends),
    sorted by element then category; "" is the category of totals; integral values are
    integers."""
    period = parse_period(period_id)
    children = [
        {"unit": c.unit, "state": c.state, "revision": c.revision, "digest": c.digest}
        for c in _cells_for(workspace, period.id, children_of(workspace))
    ]
    wanted = {e.code for e in workspace.catalog.elements_for(workspace.unit.level)
              if finer_or_same(e.period_type, period.type)}
    values = [
        {"element": code, "category": category, "value": _json_number(value)}
        for (code, category), value in sorted(workspace.period_values(period.id).items())
        if code in wanted
    ]
    return {"period": period.id, "children": children, "values": values}


# --- what a parent's export carries ------------------------------------------------------------------------


def export_custody(workspace: Workspace, period_id: str) -> tuple[list[dict], list[str], dict[str, bytes]]:
    """For a parent's bundle of ``period_id``: the ``consolidates`` entries (every child
    with a current bundle), the ``missing`` children, and the ``data/children/…`` files
    (each child's attestation subset and the key this unit trusted for it)."""
    from qnapp.bundles.custody import attestation_files
    from qnapp.bundles.layout import CHILD_SOURCES, child_dir
    from qnapp.bundles.zipscan import open_archive
    from qnapp.minisign import parse_public_key

    period = parse_period(period_id)
    children = sorted(children_in_tree(workspace.unit), key=lambda u: u.key)
    rows = _rows(
        workspace,
        "SELECT unit, bundle_id, revision, digest, signer_fingerprint, signer_public_key, content "
        "FROM received_bundles WHERE status = 'accepted' AND period = ? AND report_type = ?",
        [period.id, REPORT_TYPE],
    )
    current = {r[0]: r[1:] for r in rows}
    entries: list[dict] = []
    missing: list[str] = []
    files: dict[str, bytes] = {}
    for child in children:
        found = current.get(child.key)
        if found is None:
            missing.append(child.key)
            continue
        bundle_id, revision, digest, fingerprint, public_b64, content = found
        archive = open_archive(bytes(content))
        attestation = {source: archive.read(source, 16 * 1024 * 1024) for source in CHILD_SOURCES.values()}
        public_key = parse_public_key(public_b64)
        for name, data in attestation_files(attestation, public_key, child.key).items():
            files[child_dir(digest) + name] = data
        entries.append({"unit": child.key, "bundle_id": bundle_id, "revision": revision,
                        "digest": digest, "key_fingerprint": fingerprint})
    return entries, missing, files


def outdated_children(workspace: Workspace, period_id: str) -> list[str]:
    """Children whose current bundle differs from what this unit's last export of the
    period consolidated (a correction or a late report arrived since): the export needs a
    new revision (reopen, then export). Empty when never exported."""
    from qnapp.bundles.locks import latest_export

    period = parse_period(period_id)
    last = latest_export(workspace.store, workspace.require_profile().unit_key, period.id)
    if last is None:
        return []
    with zipfile.ZipFile(io.BytesIO(last.content)) as archive:
        header = json.loads(archive.read(HEADER))
    sent = {e["unit"]: e["digest"] for e in header.get("consolidates", [])}
    rows = _rows(
        workspace,
        "SELECT unit, digest FROM received_bundles WHERE status = 'accepted' AND period = ? "
        "AND report_type = ?",
        [period.id, REPORT_TYPE],
    )
    mine = {u.key for u in children_in_tree(workspace.unit)}
    now = {unit: digest for unit, digest in rows if unit in mine}
    return sorted(u for u in set(sent) | set(now) if sent.get(u) != now.get(u))
