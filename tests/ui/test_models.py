"""Every Qt item model of ``ui/`` passes Qt's model tester (``QAbstractItemModelTester``,
C++) and pytest-qt's Python one, filled from the core with realistic data: the demo
commune (figures for 2024–2025, activities) and Huyện Tiên Yên with its communes' signed
reports received on time, late, corrected, held, duplicated and refused. The testers stay
attached while each model then changes as the pages change it (new period, lock, a typed
value, a refused value, a filter, one import result at a time), so the signals are checked
too. A model added to ``ui/`` without a case here fails ``test_every_model_has_a_case``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt

import ui
from qnapp import keys
from qnapp.bundles.ledger import held_bundles, import_bundle
from qnapp.consolidation import children_of, completeness, consolidated_codes, consolidated_values, drill_down
from qnapp.demo import fill_demo
from qnapp.periods import parse_period
from qnapp.reports.progress import progress_table
from qnapp.workspace import ActivityFilter, Workspace
from tests.core.bundles.forge import Signer
from tests.core.bundles.parties import make_bundle, open_unit, trust_signer
from ui.models.activity_model import COL_DATE, COL_MALE, ActivitySortProxy, ActivityTableModel
from ui.models.completeness_model import CompletenessModel, ConsolidatedModel, DrillDownModel
from ui.models.entry_model import Col, EntryModel, RowKind
from ui.models.import_model import HeldModel, ImportResultModel, TrustedKeyModel
from ui.models.progress_model import FiguresModel, ReceiptsModel

PERIOD = "2025S1"
DISTRICT = "2021:199"  # Huyện Tiên Yên: 11 communes
TIEN_YEN, HA_LAU, DAI_DUC = "2021:06862", "2021:06865", "2021:06868"
PHONG_DU = "2021:06871"  # a commune whose key the district never trusted
BOARD = ("2025S1", "2025S2", "2025")


@pytest.fixture
def commune(tmp_path):
    ws = Workspace.open(tmp_path / "demo.sqlite")
    fill_demo(ws, passphrase=None)
    yield ws
    ws.close(backup_on_close=False)


@pytest.fixture(scope="module")
def signers() -> dict[str, Signer]:
    return {unit: Signer.new(unit) for unit in (TIEN_YEN, HA_LAU, DAI_DUC, PHONG_DU)}


def victims(total: int, supported: int) -> dict:
    return {("GBV_VICTIMS", "nam"): 1, ("GBV_VICTIMS", "nu"): total - 1, ("GBV_VICTIMS_SUPPORTED", "nu"): supported,
            ("BIRTHS_MOTHERS_15_19", ""): 2}


@dataclass
class District:
    ws: Workspace
    outcomes: list  # ledger.ImportOutcome of every file handed in, in order


@pytest.fixture
def district(tmp_path, signers):
    """2025S1 (due 10/6/2025): Tiên Yên on time, Hà Lâu late, Đại Dực corrected and then a
    revision 4 held (revision 3 never came); the same file twice; a file that is no bundle;
    Phong Dụ's report, signed by a key never trusted. 2025: Tiên Yên. Hà Lâu's key is
    revoked afterwards."""
    ws = open_unit(tmp_path, DISTRICT, "Lê Văn Huyện", with_key=False)
    for unit in (TIEN_YEN, HA_LAU, DAI_DUC):
        trust_signer(ws, signers[unit])
    first = make_bundle(signers[DAI_DUC], victims(3, 1))
    on_time = make_bundle(signers[TIEN_YEN], victims(5, 4))
    second = make_bundle(signers[DAI_DUC], victims(3, 3), revision=2, supersedes=first.digest)
    files = [
        ("tien-yen.zip", on_time.data, date(2025, 6, 5)),
        ("ha-lau.zip", make_bundle(signers[HA_LAU], victims(2, 2)).data, date(2025, 6, 20)),
        ("dai-duc-1.zip", first.data, date(2025, 6, 1)),
        ("dai-duc-2.zip", second.data, date(2025, 6, 25)),
        ("dai-duc-4.zip", make_bundle(signers[DAI_DUC], victims(4, 4), revision=4,
                                      supersedes=second.digest).data, date(2025, 6, 28)),
        ("tien-yen (1).zip", on_time.data, date(2025, 6, 28)),
        ("ghi-chu.zip", b"PK\x03\x04 not a bundle", date(2025, 6, 28)),
        ("phong-du.zip", make_bundle(signers[PHONG_DU], victims(1, 1)).data, date(2025, 6, 28)),
        ("tien-yen-2025.zip", make_bundle(signers[TIEN_YEN], victims(10, 8), period="2025").data,
         date(2025, 12, 5)),
    ]
    outcomes = [import_bundle(ws, data, file_name=name, today=day) for name, data, day in files]
    assert [o.status for o in outcomes] == ["accepted", "accepted", "accepted", "accepted", "held",
                                            "duplicate", "rejected", "rejected", "accepted"]
    keys.revoke_key(ws.store, signers[HA_LAU].public_key.fingerprint, date(2025, 7, 1),
                    "Cán bộ giữ khóa nghỉ việc", who=ws.officer)
    yield District(ws, outcomes)
    ws.close(backup_on_close=False)


# -- each model as its page fills it, and as its page changes it ----------------------


def first_entry_cell(model: EntryModel) -> QModelIndex:
    for row in range(model.rowCount()):
        for column in (Col.FEMALE, Col.TOTAL):
            if model.row_kind(row) is RowKind.ELEMENT and model.is_editable(row, column):
                return model.index(row, column)
    raise AssertionError("no editable cell")


def entry(ws: Workspace) -> EntryModel:
    return EntryModel(ws, PERIOD)


def change_entry(model: EntryModel, ws: Workspace, then: str = "2025") -> None:
    cell = first_entry_cell(model)
    assert model.setData(cell, "7")  # stored: the row and the indicators reading it change
    assert cell.data() == "7"
    assert not model.setData(cell, "-1")  # refused: the cell shows what was typed, in red
    assert model.discard_rejected(cell)
    model.set_locked(True)
    model.set_locked(False)
    model.reload()
    model.set_period(then)


def activities(ws: Workspace) -> ActivityTableModel:
    model = ActivityTableModel(ws)
    model.refresh()
    return model


def change_activities(model: ActivityTableModel, ws: Workspace) -> None:
    model.refresh(ActivityFilter(objective=1))
    model.refresh(ActivityFilter(text="không có hoạt động nào tên này"))
    model.refresh(ActivityFilter())


def sorted_activities(ws: Workspace) -> ActivitySortProxy:
    proxy = ActivitySortProxy()
    proxy.setSourceModel(activities(ws))
    proxy.sort(COL_DATE, Qt.SortOrder.DescendingOrder)
    return proxy


def change_sorted_activities(proxy: ActivitySortProxy, ws: Workspace) -> None:
    proxy.sort(COL_MALE)
    change_activities(proxy.sourceModel(), ws)


def figures(ws: Workspace) -> FiguresModel:
    model = FiguresModel()
    model.set_rows(progress_table(ws, period_type="half"))
    return model


def change_figures(model: FiguresModel, ws: Workspace) -> None:
    model.set_rows([])
    model.set_rows(progress_table(ws, period_type="year"))


def receipts(district: District) -> ReceiptsModel:
    model = ReceiptsModel()
    model.set_board([parse_period(p) for p in BOARD], completeness(district.ws, list(BOARD)))
    return model


def change_receipts(model: ReceiptsModel, district: District) -> None:
    model.set_board([parse_period(PERIOD)], completeness(district.ws, [PERIOD]))


def import_results(district: District) -> ImportResultModel:
    model = ImportResultModel()
    model.set_items(district.outcomes[:2])
    return model


def change_import_results(model: ImportResultModel, district: District) -> None:
    model.clear()
    for outcome in district.outcomes:  # one row at a time, as the background import reports
        model.append(outcome)
    model.extend_to(district.outcomes)


def held(district: District, model: HeldModel | None = None) -> HeldModel:
    model = model or HeldModel()
    model.set_items(held_bundles(district.ws))
    return model


def trusted_keys(district: District, model: TrustedKeyModel | None = None) -> TrustedKeyModel:
    model = model or TrustedKeyModel()
    model.set_items(keys.list_trusted(district.ws.store))
    return model


def board(district: District, model: CompletenessModel | None = None) -> CompletenessModel:
    model = model or CompletenessModel()
    model.set_board(children_of(district.ws), list(BOARD), completeness(district.ws, list(BOARD)))
    return model


def consolidated(district: District, model: ConsolidatedModel | None = None) -> ConsolidatedModel:
    ws, model = district.ws, model or ConsolidatedModel()
    codes = consolidated_codes(ws)
    model.set_values([e for e in ws.catalog.data_elements if e.code in codes], consolidated_values(ws, PERIOD))
    return model


def drilled(district: District, model: DrillDownModel | None = None) -> DrillDownModel:
    """GBV_VICTIMS at each child: Nam, Nữ, Tổng (most children never sent it)."""
    ws, model = district.ws, model or DrillDownModel()
    element = next(e for e in ws.catalog.data_elements if e.code == "GBV_VICTIMS")
    by_unit: dict = {}
    for category in ("nam", "nu", ""):
        for unit, value in drill_down(ws, PERIOD, element.code, category):
            by_unit.setdefault(unit, {})[category] = value
    model.set_rows(element, list(by_unit.items()))
    return model


def emptied_then(empty: Callable, fill: Callable) -> Callable:
    """The receive page empties these (nothing selected, nothing received), then fills them."""

    def change(model, district: District) -> None:
        empty(model)
        assert model.rowCount() == 0
        fill(district, model)

    return change


@dataclass(frozen=True)
class Case:
    model: type
    unit: str  # fixture: "commune" (the demo), "workspace" (a commune with nothing), "district"
    build: Callable
    change: Callable


CASES = [
    Case(EntryModel, "commune", entry, change_entry),
    Case(EntryModel, "workspace", entry, change_entry),
    # The district types its own yearly figures; its half-year grid is all children's sums.
    Case(EntryModel, "district", lambda d: EntryModel(d.ws, "2025"), lambda m, d: change_entry(m, d.ws, then=PERIOD)),
    Case(ActivityTableModel, "commune", activities, change_activities),
    Case(ActivitySortProxy, "commune", sorted_activities, change_sorted_activities),
    Case(FiguresModel, "commune", figures, change_figures),
    Case(FiguresModel, "district", lambda d: figures(d.ws), lambda m, d: change_figures(m, d.ws)),
    Case(ReceiptsModel, "district", receipts, change_receipts),
    Case(ImportResultModel, "district", import_results, change_import_results),
    Case(HeldModel, "district", held, emptied_then(HeldModel.clear, held)),
    Case(TrustedKeyModel, "district", trusted_keys, emptied_then(TrustedKeyModel.clear, trusted_keys)),
    Case(CompletenessModel, "district", board, emptied_then(lambda m: m.set_board([], [], []), board)),
    Case(ConsolidatedModel, "district", consolidated, emptied_then(lambda m: m.set_values([], {}), consolidated)),
    Case(DrillDownModel, "district", drilled, emptied_then(lambda m: m.set_rows(None, []), drilled)),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: "{}-{}".format(c.model.__name__, c.unit))
def test_model_passes_the_model_testers(request, qtmodeltester, case):
    data = request.getfixturevalue(case.unit)
    model = case.build(data)
    assert type(model) is case.model
    assert model.rowCount() > 0 and model.columnCount() > 0  # filled, not an empty table
    qtmodeltester.check(model)  # Qt's C++ tester: its FAIL! messages fail the test
    qtmodeltester.check(model, force_py=True)
    case.change(model, data)  # both testers watch every signal the changes emit


def ui_models() -> set[type]:
    """Every item model class defined in ``ui/`` (private bases left out)."""
    found = set()
    for info in pkgutil.walk_packages(ui.__path__, "ui."):
        module = importlib.import_module(info.name)
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, QAbstractItemModel) and obj.__module__ == module.__name__ and not name.startswith("_"):
                found.add(obj)
    return found


def test_every_model_has_a_case():
    assert ui_models() == {case.model for case in CASES}
