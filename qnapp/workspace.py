"""The service the command line and the GUI call: one database, one unit, the plan.

It joins the store (persistence), the catalog (what is recorded), the unit trees and
the periods, and applies the validation rules, so no caller repeats a business rule.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from qnapp import backup, leftovers, periods
from qnapp.files import write_atomic
from qnapp.catalog import Catalog, DataElement, Indicator, load_catalog
from qnapp.errors import DatabaseError, NotInitialisedError, QnappError, ValidationError
from qnapp.i18n import N_, TranslatedNames, _
from qnapp.paths import backup_dir_for, default_db_path
from qnapp.periods import Period, parse_period
from qnapp.store import Activity, Store
from qnapp.text import clean_text, format_date, matches
from qnapp.units import Unit, get_unit, load_tree
from qnapp.validation import (
    CATEGORIES,
    check_category,
    check_consistency,
    effective_total,
    lookup_in,
    parse_value,
)

if TYPE_CHECKING:
    from qnapp.minisign import PublicKey

log = logging.getLogger(__name__)

PROFILE_KEY = "profile"
EXPORTS_KEY = "bundle_files"  # {"folder": last folder used, "periods": {period: file}}


@dataclass(frozen=True)
class Profile:
    tree: str
    unit_code: str
    officer: str

    @property
    def unit_key(self) -> str:
        return f"{self.tree}:{self.unit_code}"


@dataclass(frozen=True)
class ElementRow:
    """One data element in the entry grid for one period."""

    element: DataElement
    indicator: str
    editable: bool
    values: Mapping[str, float | None]  # category -> value ("" is the total)

    @property
    def total(self) -> float | None:
        return self.values.get("")


@dataclass(frozen=True)
class IndicatorResult:
    indicator: Indicator
    value: float | None
    met_2025: bool | None
    met_2030: bool | None
    milestone: int  # the target year this period is judged against

    @property
    def met(self) -> bool | None:
        return self.met_2025 if self.milestone == 2025 else self.met_2030


def milestone_for(period: Period) -> int:
    """Periods up to 2025 answer to the mid-term targets, later ones to 2030's."""
    return 2025 if period.year <= 2025 else 2030


@dataclass(frozen=True)
class IndicatorBlock:
    indicator: Indicator
    rows: tuple[ElementRow, ...]
    result: IndicatorResult


@dataclass(frozen=True)
class ObjectiveBlock:
    number: int
    name: str
    indicators: tuple[IndicatorBlock, ...]


@dataclass(frozen=True)
class Grid:
    period: Period
    objectives: tuple[ObjectiveBlock, ...]

    def rows(self) -> list[ElementRow]:
        return [r for o in self.objectives for i in o.indicators for r in i.rows]

    def completeness(self) -> tuple[int, int]:
        """(cells filled, cells expected) among editable cells; a sex split counts as two."""
        filled = expected = 0
        for row in self.rows():
            if not row.editable:
                continue
            cats = ("nam", "nu") if row.element.disaggregated else ("",)
            expected += len(cats)
            filled += sum(1 for c in cats if row.values.get(c) is not None)
        return filled, expected


@dataclass(frozen=True)
class ActivityFilter:
    date_from: date | None = None
    date_to: date | None = None
    objective: int | None = None
    type: str | None = None
    text: str = ""


@dataclass
class ActivityDraft:
    """What the activity form holds before it is validated."""

    date: date | None = None
    type: str = ""
    title: str = ""
    place: str = ""
    participants_male: int = 0
    participants_female: int = 0
    cost: int = 0
    fund_source: str = ""
    objectives: tuple[int, ...] = field(default_factory=tuple)
    note: str = ""


@dataclass(frozen=True)
class ExportState:
    """Where one period's report stands at this unit (the «Gửi báo cáo» page)."""

    period: str
    locked: bool  # sent and not reopened: figures and activities are read-only
    revision: int | None  # the last revision exported (None: never sent)
    next_revision: int  # the revision «export» writes now (the same one while locked)
    digest: str | None  # of the last revision
    exported_at: str | None  # ISO timestamp of the last revision
    file: str | None  # where this database last wrote the period's bundle, if known
    reopen_reason: str  # why it was reopened ("" unless reopened since the last export)
    file_name: str  # suggested name: "<unit code>_<period>_r<revision>.zip"


@dataclass(frozen=True)
class CellUpdate:
    """What one stored cell changes in the grid: its element's row (the derived total
    included) and the results of the indicators that read it."""

    element: str
    values: Mapping[str, float | None]  # the element's row: category -> value ("" the total)
    results: Mapping[str, IndicatorResult]  # indicator code -> result


@dataclass(frozen=True)
class PeriodLock:
    """A sent period whose lock covers the figures of another (or the same) period."""

    period: Period  # the period that was sent
    revision: int
    sent_at: str = ""  # ISO timestamp of the export that locked it
    sent_by: str = ""  # the officer who exported it


class Workspace:
    def __init__(self, store: Store, catalog: Catalog | None = None):
        self.store = store
        self.backup_failure: DatabaseError | None = None  # the daily backup's, when it failed
        self.catalog = catalog or load_catalog()
        self._profile: Profile | None = None  # set once, never changed: cached when read

    # -- life cycle ---------------------------------------------------------------
    @classmethod
    def open(
        cls, db_path: str | Path | None = None, *, deferred_checks: bool = False, daily_backup: bool = True
    ) -> Workspace:
        """Open the database, check its pages (``quick_check``), clean crash leftovers and
        make the daily backup (``daily_backup=False``: not now).

        ``deferred_checks=True`` (the GUI, so its window paints first) skips all but the
        opening; the caller then runs ``backup.startup_checks`` itself, e.g. on a worker
        thread. A failed backup does not stop the opening: ``backup_failure`` says why.
        """
        store = Store.open(Path(db_path) if db_path else default_db_path(), check=not deferred_checks)
        workspace = cls(store)
        if not deferred_checks:
            workspace.clean_leftovers()
            if daily_backup and workspace.is_initialised:
                try:
                    backup.backup_if_due(store)
                except DatabaseError as err:  # e.g. the USB stick holding the backups is not plugged in
                    log.info("daily backup failed: %s", err)
                    workspace.backup_failure = err
        return workspace

    def close(self, *, backup_on_close: bool = True) -> DatabaseError | None:
        """Close, after a rotating backup when ``backup_on_close``. A failed backup is
        returned (and logged), never raised: the work is saved in the database."""
        failure = None
        try:
            if backup_on_close and self.is_initialised:
                try:
                    backup.make_backup(self.store)
                except DatabaseError as err:
                    log.info("backup on close failed: %s", err)
                    failure = err
        finally:
            self.store.close()
        return failure

    def clean_leftovers(self) -> list[Path]:
        """Delete stale crash leftovers (``qnapp.leftovers``) where this database writes:
        its folder, its backup folders and the folders its reports were exported to."""
        folders = {self.store.path.parent, backup_dir_for(self.store.path)}
        legacy: list[Path] = []
        try:
            folders.add(backup.backup_folder(self.store))
            exports = self.store.get_setting(EXPORTS_KEY) or {}
        except DatabaseError:
            exports = {}
        if isinstance(exports.get("folder"), str):
            folders.add(Path(exports["folder"]))
        for file in (exports.get("periods") or {}).values():
            if not isinstance(file, str):
                continue
            folders.add(Path(file).parent)
            legacy.append(Path(file + ".tmp"))  # the name older versions wrote to
        return leftovers.clean(folders, extra=legacy)

    def backup_now(self) -> Path:
        """A rotating backup of the database now; safe from a worker thread (the store
        serialises its connection), so the GUI runs it in the background."""
        return backup.make_backup(self.store)

    @property
    def backup_folder(self) -> Path:
        """Where the rotating backups go (chosen at set-up, else beside the database)."""
        return backup.backup_folder(self.store)

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- profile ------------------------------------------------------------------
    @property
    def profile(self) -> Profile | None:
        # ``initialise`` refuses a second profile, so once read it stays valid (an import
        # asks for it several times per bundle).
        if self._profile is None:
            raw = self.store.get_setting(PROFILE_KEY)
            self._profile = Profile(**raw) if raw else None
        return self._profile

    @property
    def is_initialised(self) -> bool:
        return self.profile is not None

    def require_profile(self) -> Profile:
        profile = self.profile
        if profile is None:
            raise NotInitialisedError(
                _("Chưa thiết lập đơn vị và cán bộ. Hãy chạy «qnapp init» hoặc mở chương trình để thiết lập.")
            )
        return profile

    def initialise(self, tree: str, unit_code: str, officer: str) -> Profile:
        if self.is_initialised:
            raise QnappError(_("Cơ sở dữ liệu này đã được thiết lập cho một đơn vị."))
        unit = load_tree(tree).get(unit_code)
        officer = clean_text(officer)
        if not officer:
            raise ValidationError(_("Hãy nhập họ tên cán bộ."))
        profile = Profile(tree=tree, unit_code=unit.code, officer=officer)
        self.store.set_setting(PROFILE_KEY, profile.__dict__, officer)
        return profile

    @property
    def unit(self) -> Unit:
        return get_unit(self.require_profile().unit_key)

    @property
    def officer(self) -> str:
        return self.require_profile().officer

    # -- periods ------------------------------------------------------------------
    def period_types(self) -> list[str]:
        """Period types for which this unit records something, finest first."""
        level = self.unit.level
        types = {e.period_type for e in self.catalog.elements_for(level)}
        return [t for t in periods.FINE_TO_COARSE if t in types]

    def current_period(self, today: date | None = None, period_type: str = "half") -> Period:
        """The period to work on today; a unit of a past tree stays on the last period
        whose report fell due while the unit still existed."""
        today = today or date.today()
        tree = load_tree(self.require_profile().tree)
        last_day = last_report_day(tree.valid_to)
        if not tree.valid_to:
            return periods.period_for(today, period_type)
        if today <= tree.valid_to:  # never a period that starts after the unit's last window
            return periods.period_for(min(today, last_day), period_type)
        period = periods.period_for(tree.valid_to, period_type)
        while periods.due_date(period) > tree.valid_to:
            period = period.previous()
        return period

    def tree_ended(self, today: date | None = None) -> date | None:
        """The last day of the unit's tree when that day has passed (a 2021 unit after
        the 2025 reform), else None: its reports are history, not overdue."""
        valid_to = load_tree(self.require_profile().tree).valid_to
        return valid_to if valid_to and (today or date.today()) > valid_to else None

    def offers_period(self, period: Period) -> bool:
        """The unit can hold figures for ``period``: not before its tree, and not after the
        last month window that closed while the tree was in force (a 2021 unit: nothing
        from 15/06/2025, so 2025S2, 2025Q3 and 202507 are not offered; year 2025 is)."""
        tree = load_tree(self.require_profile().tree)
        if tree.valid_from and period.end < tree.valid_from:
            return False
        last_day = last_report_day(tree.valid_to)
        return last_day is None or period.start <= last_day

    def recent_periods(self, period_type: str, count: int, today: date | None = None) -> list[Period]:
        """Periods the unit can hold figures for, newest first: from the one under way
        (or the last one of a past tree) back ``count`` periods, none outside the tree
        (``offers_period``)."""
        today = today or date.today()
        last_day = last_report_day(load_tree(self.require_profile().tree).valid_to)
        period = periods.period_for(min(today, last_day) if last_day else today, period_type)
        found = []
        while len(found) < count and self.offers_period(period):
            found.append(period)
            period = period.previous()
        return found

    # -- values -------------------------------------------------------------------
    def stored_values(self, period_id: str) -> dict[tuple[str, str], float]:
        return self.store.get_values(self.require_profile().unit_key, parse_period(period_id).id)

    def has_children(self) -> bool:
        """The unit receives its children's reports (a 2021 district, the province)."""
        unit = self.unit
        return bool(load_tree(unit.tree).children(unit.code))

    def consolidated_codes(self) -> frozenset[str]:
        """Elements this unit never types: at a parent unit (a 2021 district, the province)
        those its children's level also records are the sum of its children's latest
        accepted reports (``qnapp.consolidation``); empty for a commune."""
        if not self.has_children():
            return frozenset()  # a leaf unit: nothing to consolidate (and no ledger to load)
        from qnapp.consolidation import consolidated_codes  # lazy: keeps start-up light

        return consolidated_codes(self)

    def period_values(self, period_id: str) -> dict[tuple[str, str], float]:
        """Values as of a period: own entries, finer ones aggregated, coarser stocks carried.
        At a parent unit, the consolidated elements are its children's sums instead."""
        period = parse_period(period_id)
        unit_key = self.require_profile().unit_key
        own = self.store.get_values(unit_key, period.id)
        result: dict[tuple[str, str], float] = {}
        by_type: dict[str, list[DataElement]] = {}
        consolidated = self.consolidated_codes()
        for element in self.catalog.elements_for(self.unit.level):
            if element.code in consolidated:
                continue
            by_type.setdefault(element.period_type, []).append(element)
        for period_type, elements in by_type.items():
            codes = {e.code for e in elements}
            if period_type == period.type:
                result.update({k: v for k, v in own.items() if k[0] in codes})
            elif periods.finer(period_type, period.type):
                subs = [p.id for p in period.sub_periods(period_type)]
                per_sub = self.store.get_values_many(unit_key, subs)
                for element in elements:
                    result.update(_aggregate(element, [per_sub.get(s, {}) for s in subs]))
            else:
                enclosing = period.enclosing(period_type).id
                outer = self.store.get_values(unit_key, enclosing)
                for element in elements:
                    if element.aggregation == "last":
                        result.update({k: v for k, v in outer.items() if k[0] == element.code})
        if consolidated:
            from qnapp.consolidation import consolidated_values

            result.update(consolidated_values(self, period.id))
        return result

    def grid(self, period_id: str) -> Grid:
        period = parse_period(period_id)
        values = self.period_values(period.id)
        level = self.unit.level
        shown = {
            e.code
            for e in self.catalog.elements_for(level)
            if e.period_type == period.type or periods.finer(e.period_type, period.type)
        }
        consolidated = self.consolidated_codes()
        placed: set[str] = set()
        objectives = []
        for objective in self.catalog.objectives:
            blocks = []
            for indicator in self.catalog.indicators_for(level):
                if indicator.objective != objective.number:
                    continue
                rows = []
                for element in self.catalog.elements_of_indicator(indicator.code):
                    if element.code not in shown or element.code in placed:
                        continue
                    placed.add(element.code)
                    rows.append(
                        ElementRow(
                            element=element,
                            indicator=indicator.code,
                            editable=element.period_type == period.type and element.code not in consolidated,
                            values=_row_values(element, values),
                        )
                    )
                if rows:
                    blocks.append(IndicatorBlock(indicator, tuple(rows), self._result(indicator, values, period)))
            if blocks:
                objectives.append(ObjectiveBlock(objective.number, objective.name, tuple(blocks)))
        return Grid(period, tuple(objectives))

    def cell_update(self, period_id: str, element_code: str) -> CellUpdate:
        """The grid rows one stored cell touches, so a view refreshes them and not the
        whole grid (``grid`` builds every block)."""
        period = parse_period(period_id)
        values = self.period_values(period.id)
        element = self.catalog.element(element_code)
        results = {
            i.code: self._result(i, values, period)
            for i in self.catalog.indicators_for(self.unit.level)
            if i.code in element.indicators or any(code == element_code for code, _c in i.references)
        }
        return CellUpdate(element_code, _row_values(element, values), results)

    def indicator_results(self, period_id: str) -> list[IndicatorResult]:
        period = parse_period(period_id)
        values = self.period_values(period.id)
        return [self._result(i, values, period) for i in self.catalog.indicators_for(self.unit.level)]

    def _result(self, indicator: Indicator, values, period: Period) -> IndicatorResult:
        value = self.catalog.compute(indicator.code, lookup_in(values, self.catalog))
        if value is None:
            value = self._own_minimum_share(indicator, period)
        return IndicatorResult(
            indicator,
            value,
            _met(indicator, 2025, value),
            _met(indicator, 2030, value),
            milestone_for(period),
        )

    def _own_minimum_share(self, indicator: Indicator, period: Period) -> float | None:
        """A share-of-units indicator (6.3: communes with ≥ 4 news items each quarter) seen
        from one unit: 100 when it met the minimum in every sub-period, else 0."""
        unit_key = self.require_profile().unit_key
        for element in self.catalog.elements_of_indicator(indicator.code):
            if not element.min_per_period or self.unit.level not in element.levels:
                continue
            if element.period_type != period.type and not periods.finer(element.period_type, period.type):
                continue
            subs = [p.id for p in period.sub_periods(element.period_type)]
            per_sub = self.store.get_values_many(unit_key, subs)
            counts = [per_sub[s].get((element.code, "")) for s in subs]
            if any(c is None for c in counts):
                return None
            return 100.0 if all(c >= element.min_per_period for c in counts) else 0.0
        return None

    def set_cell(self, period_id: str, element_code: str, category: str, text: str | float | None) -> float | None:
        """Validate and store one cell; ``None`` or blank text clears it. Returns the value stored."""
        element = self.catalog.element(element_code)
        check_category(element, category)
        period = parse_period(period_id)
        _check_period_type(element, period)
        if text is None or (isinstance(text, str) and not text.strip()):
            value = None
        else:
            value = parse_value(element, text)
        self.apply_values({(period.id, element.code, category): value})
        return value

    def apply_values(self, changes: Mapping[tuple[str, str, str], float | None]) -> int:
        """Check a batch of (period, element, category) -> value against every rule, then store it
        in one transaction. Raises ValidationError with every problem; nothing is written then."""
        unit_key = self.require_profile().unit_key
        by_period: dict[str, dict[tuple[str, str], float | None]] = {}
        for (period_id, code, category), value in changes.items():
            by_period.setdefault(period_id, {})[(code, category)] = value
        self._refuse_locked(periods=by_period)
        problems = [self._outside_unit_life(p) for p in by_period]
        problems = [p for p in problems if p]
        consolidated = self.consolidated_codes()
        for code in sorted({code for _p, code, _c in changes} & consolidated):
            problems.append(
                _("«{name}» là số tổng hợp từ báo cáo của các đơn vị trực thuộc (trang «Nhận và tổng hợp»); "
                  "không nhập trực tiếp tại {unit}.").format(
                    name=self.catalog.element(code).name, unit=self.unit.full_name))
        for period_id, period_changes in by_period.items():
            merged = dict(self.store.get_values(unit_key, period_id))
            for key, value in period_changes.items():
                if value is None:
                    merged.pop(key, None)
                else:
                    merged[key] = value
            touched = {code for code, _category in period_changes}
            for problem in check_consistency(self.catalog, merged, touched):
                problems.append(problem.message)
        if problems:
            raise ValidationError("\n".join(dict.fromkeys(problems)))
        written = 0
        with self.store.transaction():
            for period_id, period_changes in by_period.items():
                written += self.store.set_values(unit_key, period_id, period_changes, self.officer)
        return written

    def _outside_unit_life(self, period_id: str) -> str | None:
        """A unit exists only while its tree is in force (districts ended on 01/7/2025)."""
        period = parse_period(period_id)
        tree = load_tree(self.require_profile().tree)
        if tree.valid_to and period.start > tree.valid_to:
            return _("Kỳ {period} bắt đầu sau ngày {end}, khi danh mục đơn vị {tree} đã hết hiệu lực.").format(
                period=period.id, end=format_date(tree.valid_to), tree=tree.id)
        if tree.valid_from and period.end < tree.valid_from:
            return _("Kỳ {period} kết thúc trước ngày {start}, khi danh mục đơn vị {tree} chưa có hiệu lực.").format(
                period=period.id, start=format_date(tree.valid_from), tree=tree.id)
        return None

    def _refuse_locked(self, *, periods: Iterable[str] = (), dates: Iterable[date] = ()) -> None:
        """Figures and activities of a period already sent up are locked until it is
        reopened (``qnapp.bundles.locks``); raises PeriodLockedError (a ValidationError)."""
        from qnapp.bundles.locks import refuse_if_locked  # lazy: keeps start-up light

        refuse_if_locked(self.store, self.require_profile().unit_key, periods=periods, dates=dates)

    # -- sending reports ----------------------------------------------------------
    def period_lock(self, period_id: str) -> PeriodLock | None:
        """The sent period that makes ``period_id``'s figures read-only (itself, or a
        period containing it), or None when they may be changed."""
        from qnapp.bundles.locks import covering_lock  # lazy: keeps start-up light

        from qnapp.bundles.locks import export_sender

        unit_key = self.require_profile().unit_key
        lock = covering_lock(self.store, unit_key, parse_period(period_id).id)
        if lock is None:
            return None
        sent_by = export_sender(self.store, unit_key, lock.period, lock.revision)
        return PeriodLock(parse_period(lock.period), lock.revision, lock.locked_at, sent_by)

    def export_state(self, period_id: str) -> ExportState:
        from qnapp.bundles.locks import is_locked, latest_export, latest_lock

        period = parse_period(period_id)
        profile = self.require_profile()
        last = latest_export(self.store, profile.unit_key, period.id)
        locked = last is not None and is_locked(self.store, profile.unit_key, period.id)
        lock = latest_lock(self.store, profile.unit_key, period.id) if last is not None else None
        revision = last.revision if last is not None else None
        next_revision = 1 if last is None else last.revision + (0 if locked else 1)
        files = (self.store.get_setting(EXPORTS_KEY) or {}).get("periods", {})
        return ExportState(
            period=period.id,
            locked=locked,
            revision=revision,
            next_revision=next_revision,
            digest=last.digest if last is not None else None,
            exported_at=last.created_at if last is not None else None,
            file=files.get(period.id) if last is not None else None,
            reopen_reason=lock.reason if lock is not None and not locked else "",
            file_name="{code}_{period}_r{revision}.zip".format(
                code=profile.unit_code, period=period.id, revision=next_revision),
        )

    def export_folder(self) -> Path | None:
        """The folder a bundle or key file was last written to, if it is still there (a
        USB stick may be gone)."""
        folder = (self.store.get_setting(EXPORTS_KEY) or {}).get("folder")
        return Path(folder) if folder and Path(folder).is_dir() else None

    def remember_export(self, path: str | Path, period_id: str | None = None) -> None:
        """Remember the folder of ``path`` for the next file, and (with ``period_id``) that
        the period's bundle was written there."""
        path = Path(path).absolute()
        saved = dict(self.store.get_setting(EXPORTS_KEY) or {})
        saved["folder"] = str(path.parent)
        if period_id is not None:
            saved["periods"] = {**saved.get("periods", {}), parse_period(period_id).id: str(path)}
        self.store.set_setting(EXPORTS_KEY, saved, self.officer)

    def write_public_key(self, path: str | Path) -> PublicKey:
        """Write the unit's public key (minisign ``.pub`` naming the unit) for the parent
        unit; returns the key. Raises ``KeysError`` (``no_own_key``) before a key exists."""
        from qnapp import keys  # lazy: pulls in the KDF

        text = keys.export_public_key(self.store)
        path = Path(path)
        write_atomic(path, text.encode("utf-8"))
        self.remember_export(path)
        return keys.own_public_key(self.store)

    # -- activities ---------------------------------------------------------------
    def validate_activity(self, draft: ActivityDraft) -> Activity:
        errors = []
        if draft.date is None:
            errors.append(_("Hãy nhập ngày của hoạt động."))
        title = clean_text(draft.title)
        if not title:
            errors.append(_("Hãy nhập tên hoạt động."))
        if draft.type not in {t.code for t in self.catalog.activity_types}:
            errors.append(_("Hãy chọn loại hoạt động."))
        if draft.fund_source and draft.fund_source not in {f.code for f in self.catalog.fund_sources}:
            errors.append(_("Nguồn kinh phí không hợp lệ."))
        for number, label in (
            (draft.participants_male, _("Số người tham gia (nam)")),
            (draft.participants_female, _("Số người tham gia (nữ)")),
            (draft.cost, _("Kinh phí")),
        ):
            if number is None or number < 0 or int(number) != number:
                errors.append(_("{label} phải là số nguyên không âm.").format(label=label))
        if draft.cost and not draft.fund_source:
            errors.append(_("Có kinh phí thì phải chọn nguồn kinh phí."))
        valid_objectives = {o.number for o in self.catalog.objectives}
        objectives = tuple(sorted(set(draft.objectives)))
        if not objectives:
            errors.append(_("Hãy chọn ít nhất một mục tiêu mà hoạt động phục vụ."))
        elif not set(objectives) <= valid_objectives:
            errors.append(_("Mục tiêu không hợp lệ."))
        errors += self._personal_data_problems(title, draft.place, draft.note)
        if errors:
            raise ValidationError("\n".join(errors))
        return Activity(
            id=None,
            unit=self.require_profile().unit_key,
            date=draft.date,
            type=draft.type,
            title=title,
            place=clean_text(draft.place),
            participants_male=int(draft.participants_male),
            participants_female=int(draft.participants_female),
            cost=int(draft.cost),
            fund_source=draft.fund_source,
            objectives=objectives,
            note=clean_text(draft.note),
        )

    @staticmethod
    def _personal_data_problems(title: str, place: str | None, note: str | None) -> list[str]:
        """The title travels in the bundle; place and note stay here but sit in backups
        and CSV exports: none may name a person or carry an identifier (docs/bundles.md)."""
        from qnapp.privacy import personal_data_problem

        stays = _("Địa điểm và ghi chú nằm trong sổ hoạt động, các bản sao lưu và tệp CSV xuất ra.")
        found = [
            personal_data_problem(title, _("Tên hoạt động"),
                                  _("Tên hoạt động được gửi kèm báo cáo lên đơn vị cấp trên.")),
            personal_data_problem(place, _("Địa điểm"), stays),
            personal_data_problem(note, _("Ghi chú"), stays),
        ]
        return [problem for problem in found if problem]

    def add_activity(self, draft: ActivityDraft) -> Activity:
        activity = self.validate_activity(draft)
        self._refuse_locked(dates=[activity.date])
        return self.store.add_activity(activity, self.officer)

    def add_activities(self, activities: Iterable[Activity]) -> list[Activity]:
        """Store already validated activities in one transaction."""
        activities = list(activities)
        self._refuse_locked(dates=[a.date for a in activities])
        with self.store.transaction():
            return [self.store.add_activity(a, self.officer) for a in activities]

    def update_activity(self, activity_id: int, draft: ActivityDraft) -> Activity:
        activity = replace(self.validate_activity(draft), id=activity_id)
        old = self.store.get_activity(activity_id)
        self._refuse_locked(dates=[activity.date] + ([old.date] if old else []))
        self.store.update_activity(activity, self.officer)
        return activity

    def delete_activity(self, activity_id: int) -> None:
        old = self.store.get_activity(activity_id)
        if old is not None:
            self._refuse_locked(dates=[old.date])
        self.store.delete_activity(activity_id, self.officer)

    def activities(self, flt: ActivityFilter | None = None) -> list[Activity]:
        flt = flt or ActivityFilter()
        found = self.store.list_activities(
            self.require_profile().unit_key,
            date_from=flt.date_from,
            date_to=flt.date_to,
            objective=flt.objective,
            type=flt.type,
        )
        if flt.text.strip():
            found = [a for a in found if matches(flt.text, f"{a.title} {a.place} {a.note}")]
        return found

    def activity_type_name(self, code: str) -> str:
        return {t.code: t.name for t in self.catalog.activity_types}.get(code, code)

    def fund_source_name(self, code: str) -> str:
        return {f.code: f.name for f in self.catalog.fund_sources}.get(code, code)


def last_report_day(valid_to: date | None) -> date | None:
    """The end of the last month window (NĐ 09/2019: 15th to 14th) that closed on or
    before a tree's last day ``valid_to``: 14/06/2025 for the 2021 tree. None: no end."""
    if valid_to is None:
        return None
    month = periods.period_for(valid_to, "month")
    return month.end if month.end <= valid_to else month.previous().end


def in_action_month(activity: Activity) -> bool:
    return periods.in_action_month(activity.date)


def _check_period_type(element: DataElement, period: Period) -> None:
    if element.period_type != period.type:
        raise ValidationError(
            _("«{name}» được nhập theo {expected}, không nhập cho kỳ {period}.").format(
                name=element.name, expected=PERIOD_TYPE_NAMES[element.period_type], period=period.id
            )
        )


PERIOD_TYPE_NAMES = TranslatedNames({
    "year": N_("năm"),
    "half": N_("6 tháng"),
    "quarter": N_("quý"),
    "month": N_("tháng"),
})


def _aggregate(element: DataElement, per_period: Iterable[Mapping[tuple[str, str], float]]):
    """Derive a coarser period's values from its sub-periods, in time order."""
    result: dict[tuple[str, str], float] = {}
    for values in per_period:
        for (code, category), value in values.items():
            if code != element.code:
                continue
            if element.aggregation == "sum":
                result[(code, category)] = result.get((code, category), 0.0) + value
            else:
                result[(code, category)] = value
    return result


def _row_values(element: DataElement, values) -> dict[str, float | None]:
    row = {c: values.get((element.code, c)) for c in CATEGORIES}
    if element.disaggregated:
        row[""] = effective_total(values, element)
    return row


def _met(indicator: Indicator, year: int, value: float | None) -> bool | None:
    target = indicator.target(year)
    if target is None or value is None:
        return None
    return target.is_met(value)
