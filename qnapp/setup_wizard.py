"""The first-run welcome wizard as a Qt-free state machine (in the style of Electrum's
wizard): the GUI renders ``wizard.step`` and calls ``set_…``, ``advance()``, ``back()``
and ``finish()``; every rule and every message lives here and is tested without Qt.

Steps: the unit tree → the unit (searched Vietnamese-aware by the core) → the officer's
name → the key passphrase twice (with a strength hint) → where backups go → finish
(``Workspace.initialise``, the backup folder setting, ``keys.create_key``).
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path

from qnapp import keys
from qnapp.backup import set_backup_folder
from qnapp.errors import QnappError
from qnapp.i18n import N_, _
from qnapp.paths import backup_dir_for
from qnapp.text import clean_text
from qnapp.units import Unit, load_tree, tree_for_date
from qnapp.workspace import Profile, Workspace

TREE_CHOICES = (
    ("2021", N_("Trước 01/7/2025 (tỉnh – huyện – xã)")),
    ("2025", N_("Từ 01/7/2025 (tỉnh – xã)")),
)


class Step(Enum):
    TREE = "tree"
    UNIT = "unit"
    OFFICER = "officer"
    PASSPHRASE = "passphrase"
    BACKUP = "backup"
    FINISH = "finish"  # a summary; ``finish()`` does the work


STEPS = tuple(Step)
STEP_TITLES = {
    Step.TREE: N_("Danh mục đơn vị"),
    Step.UNIT: N_("Đơn vị của bạn"),
    Step.OFFICER: N_("Cán bộ phụ trách"),
    Step.PASSPHRASE: N_("Mật khẩu khóa ký"),
    Step.BACKUP: N_("Nơi lưu bản sao lưu"),
    Step.FINISH: N_("Hoàn tất"),
}


@dataclass(frozen=True)
class UnitChoice:
    code: str
    name: str  # full name, e.g. «Thị trấn Tiên Yên»
    parent: str  # the parent's full name, "" for the province

    @property
    def label(self) -> str:
        if not self.parent:
            return _("{name} (mã {code})").format(name=self.name, code=self.code)
        return _("{name}, {parent} (mã {code})").format(name=self.name, parent=self.parent, code=self.code)


@dataclass(frozen=True)
class Strength:
    score: int  # 0 unusable … 4 strong
    label: str  # Vietnamese, e.g. «Khá»
    hint: str  # what to do, or why it is fine


STRENGTH_LABELS = (N_("Không dùng được"), N_("Yếu"), N_("Trung bình"), N_("Khá"), N_("Mạnh"))
_COMMON = {"12345678", "123456789", "1234567890", "matkhau", "matkhau123", "password",
           "password1", "qwertyui", "11111111", "88888888", "abcd1234", "iloveyou", "qnapp123"}


def passphrase_strength(text: str) -> Strength:
    """The core's rule (``keys.check_passphrase``) first, then a simple estimate from the
    length and the kinds of characters; long phrases of several words score best."""
    try:
        keys.check_passphrase(text)
    except keys.KeysError as err:
        return Strength(0, _(STRENGTH_LABELS[0]), str(err))
    folded = text.lower().replace(" ", "")
    if folded in _COMMON or len(set(folded)) <= 2:
        return Strength(1, _(STRENGTH_LABELS[1]), _("Mật khẩu quá dễ đoán; hãy chọn một câu dài, khó đoán hơn."))
    kinds = sum((
        any(c.islower() for c in text),
        any(c.isupper() for c in text),
        any(c.isdigit() for c in text),
        any(c in string.punctuation or (not c.isascii() and not c.isalnum()) for c in text),
        any(not c.isascii() and c.isalpha() for c in text),  # letters with diacritics
    ))
    words = len(text.split())
    score = 1
    if len(text) >= 10 and kinds >= 2:
        score = 2
    if len(text) >= 12 and (kinds >= 3 or words >= 3):
        score = 3
    if len(text) >= 16 and (kinds >= 3 or words >= 4):
        score = 4
    hints = {
        1: _("Mật khẩu yếu: hãy dùng dài hơn, có cả chữ, số và dấu."),
        2: _("Tạm được; một câu ngắn dễ nhớ (ba, bốn từ) sẽ an toàn hơn."),
        3: _("Mật khẩu khá tốt. Hãy ghi nhớ, đừng ghi lên giấy dán cạnh máy."),
        4: _("Mật khẩu mạnh. Hãy ghi nhớ, đừng ghi lên giấy dán cạnh máy."),
    }
    return Strength(score, _(STRENGTH_LABELS[score]), hints[score])


@dataclass(frozen=True)
class SetupResult:
    profile: Profile
    fingerprint: str
    backup_folder: Path


class SetupWizard:
    """What the officer chose so far and which step is shown."""

    def __init__(self, db_path: str | Path, *, today: date | None = None):
        self.db_path = Path(db_path)
        self.step = Step.TREE
        self.tree = tree_for_date(today or date.today())
        self.unit_code: str | None = None
        self.officer = ""
        self._passphrase = ""
        self._confirm = ""
        self.backup_folder = self.default_backup_folder

    # -- choices ------------------------------------------------------------------
    @property
    def default_backup_folder(self) -> Path:
        return backup_dir_for(self.db_path)

    def set_tree(self, tree: str) -> None:
        if tree not in dict(TREE_CHOICES):
            raise ValueError(tree)
        if tree != self.tree:
            self.tree = tree
            self.unit_code = None  # a code means another unit in the other tree

    def search_units(self, query: str = "") -> list[UnitChoice]:
        """The tree's units matching ``query`` (name or code; case and diacritics
        ignored), in Vietnamese order."""
        tree = load_tree(self.tree)
        return [self._choice(unit) for unit in tree.search(query)]

    def _choice(self, unit: Unit) -> UnitChoice:
        parent = load_tree(self.tree).parent(unit.code)
        return UnitChoice(unit.code, unit.full_name, parent.full_name if parent else "")

    def set_unit(self, code: str | None) -> None:
        if code is not None:
            load_tree(self.tree).get(code)  # refuses an unknown code
        self.unit_code = code

    @property
    def unit(self) -> UnitChoice | None:
        if self.unit_code is None:
            return None
        return self._choice(load_tree(self.tree).get(self.unit_code))

    def set_officer(self, name: str) -> None:
        self.officer = clean_text(name)

    def set_passphrase(self, passphrase: str, confirm: str) -> None:
        self._passphrase, self._confirm = passphrase, confirm

    @property
    def strength(self) -> Strength:
        return passphrase_strength(self._passphrase)

    def set_backup_folder(self, folder: str | Path | None) -> None:
        """``None`` or "" goes back to the default (``backups`` beside the database)."""
        self.backup_folder = Path(folder) if folder else self.default_backup_folder

    # -- navigation ---------------------------------------------------------------
    def problem(self, step: Step | None = None) -> str | None:
        """What stops the officer leaving ``step`` (Vietnamese), or None."""
        step = step or self.step
        if step is Step.UNIT and self.unit_code is None:
            return _("Hãy chọn đơn vị của mình trong danh sách.")
        if step is Step.OFFICER and not self.officer:
            return _("Hãy nhập họ tên cán bộ.")
        if step is Step.PASSPHRASE:
            try:
                keys.check_passphrase(self._passphrase)
            except keys.KeysError as err:
                return str(err)
            if self._confirm != self._passphrase:
                return _("Hai lần nhập mật khẩu không khớp nhau.")
        if step is Step.BACKUP:
            folder = self.backup_folder
            if folder.exists() and not folder.is_dir():
                return _("«{path}» là một tệp, không phải thư mục.").format(path=folder)
        return None

    @property
    def can_advance(self) -> bool:
        return self.step is not Step.FINISH and self.problem() is None

    @property
    def can_go_back(self) -> bool:
        return self.step is not STEPS[0]

    @property
    def index(self) -> int:
        return STEPS.index(self.step)

    def advance(self) -> Step:
        problem = self.problem()
        if problem is not None:
            raise QnappError(problem)
        if self.step is Step.FINISH:
            raise QnappError(_("Đây là bước cuối."))
        self.step = STEPS[self.index + 1]
        return self.step

    def back(self) -> Step:
        if self.can_go_back:
            self.step = STEPS[self.index - 1]
        return self.step

    def summary(self) -> list[tuple[str, str]]:
        """(caption, value) rows for the last page."""
        unit = self.unit
        return [
            (_("Đơn vị"), unit.label if unit else ""),
            (_("Cán bộ"), self.officer),
            (_("Khóa ký"), _("sẽ được tạo, bảo vệ bằng mật khẩu vừa đặt")),
            (_("Bản sao lưu"), str(self.backup_folder)),
        ]

    # -- the work -----------------------------------------------------------------
    def finish(self, workspace: Workspace) -> SetupResult:
        """Set the workspace up. Every step's rule is checked before anything is
        written; the passphrase is forgotten afterwards (also on failure)."""
        for step in STEPS[:-1]:
            problem = self.problem(step)
            if problem is not None:
                raise QnappError(problem)
        try:
            profile = workspace.initialise(self.tree, self.unit_code, self.officer)
            if self.backup_folder != self.default_backup_folder:
                set_backup_folder(workspace.store, self.backup_folder, who=self.officer)
            public_key = keys.create_key(workspace.store, profile.unit_key, self._passphrase, who=self.officer)
        finally:
            self._passphrase = self._confirm = ""
        return SetupResult(profile=profile, fingerprint=public_key.fingerprint, backup_folder=self.backup_folder)
