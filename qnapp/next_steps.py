"""What to do next, for the home page: the next report due, how far its figures and
activities are, which children have not sent it and which corrections wait for a decision.

Qt-free: ``next_steps(workspace, today)`` returns a :class:`Guidance` whose steps carry
their Vietnamese text and the page that acts on them (``ENTRY``, ``ACTIVITIES``,
``SEND``, ``RECEIVE``, or None); ``ui/pages/home.py`` only renders them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from qnapp.i18n import _
from qnapp.periods import Period, days_left, due_date
from qnapp.text import format_date
from qnapp.units import get_unit
from qnapp.workspace import ActivityFilter, Workspace

ENTRY, ACTIVITIES, SEND, RECEIVE = "entry", "activities", "send", "receive"
REPORT_TYPES = ("half", "year")  # the plan's reports are 6-monthly and annual
NAMES_SHOWN = 5  # missing children named on the home page; the rest are counted


@dataclass(frozen=True)
class NextStep:
    text: str  # Vietnamese, one or two sentences
    page: str | None = None  # where the officer acts on it
    urgent: bool = False  # overdue, or a decision waiting
    done: bool = False  # nothing left to do for this step


@dataclass(frozen=True)
class Guidance:
    period: Period  # the report this guidance is about
    steps: tuple[NextStep, ...]


def days_left_text(days: int) -> str:
    """``days`` as ``periods.days_left`` counts them: 1 = today is the last day to send."""
    if days > 1:
        return _("Còn {days} ngày").format(days=days)
    if days == 1:
        return _("Hôm nay là ngày cuối để gửi")
    return _("Đã quá hạn {days} ngày").format(days=1 - days)


def next_report(workspace: Workspace, today: date) -> Period:
    """The report to work on: of the current half-year and year (or the next one once it
    is sent), the one due first, the half-year on a tie. A unit whose tree has ended
    stays on its last half-year."""
    if workspace.tree_ended(today):
        return workspace.current_period(today, "half")
    types = [t for t in REPORT_TYPES if t in workspace.period_types()] or ["half"]
    candidates = []
    for rank, period_type in enumerate(types):
        period = workspace.current_period(today, period_type)
        if workspace.export_state(period.id).revision is not None and workspace.offers_period(period.next()):
            period = period.next()
        candidates.append((due_date(period), rank, period))
    return min(candidates)[2]


def next_steps(workspace: Workspace, today: date) -> Guidance:
    period = next_report(workspace, today)
    steps: list[NextStep] = []
    ended = workspace.tree_ended(today)
    if ended:
        steps.append(NextStep(_(
            "Danh mục đơn vị {tree} đã hết hiệu lực sau ngày {date}: danh sách đơn vị này đã kết thúc. "
            "Ở đây chỉ còn số liệu của các kỳ đã qua; các kỳ sau đó do đơn vị theo danh mục mới báo cáo."
        ).format(tree=workspace.require_profile().tree, date=format_date(ended))))
    state = workspace.export_state(period.id)
    steps.append(_due_step(period, state, today, ended is not None))
    if not state.locked:
        steps.extend(_preparation_steps(workspace, period, today))
    if workspace.has_children():
        steps.extend(_children_steps(workspace, period))
    return Guidance(period, tuple(steps))


def _due_step(period: Period, state, today: date, ended: bool) -> NextStep:
    due = format_date(due_date(period))
    if state.locked:
        return NextStep(_("Đã gửi báo cáo {period} (lần {revision}).").format(
            period=period.label, revision=state.revision), SEND, done=True)
    if ended:
        return NextStep(_("Báo cáo cuối của đơn vị: {period} (hạn gửi trước {due}), chưa gửi.").format(
            period=period.label, due=due), SEND)
    days = days_left(period, today)
    if state.revision is not None:
        text = _("Kỳ {period} đã mở lại để sửa: hãy gửi bản sửa (lần {revision}), hạn gửi trước {due}. {left}.")
    else:
        text = _("Báo cáo cần gửi tiếp theo: {period}, hạn gửi trước {due}. {left}.")
    return NextStep(text.format(period=period.label, revision=state.next_revision, due=due,
                                left=days_left_text(days)), SEND, urgent=days <= 3)


def _preparation_steps(workspace: Workspace, period: Period, today: date) -> list[NextStep]:
    steps = []
    filled, expected = workspace.grid(period.id).completeness()
    if expected:
        if filled < expected:
            steps.append(NextStep(_("Nhập số liệu: đã nhập {filled}/{expected} ô của {period}.").format(
                filled=filled, expected=expected, period=_in_sentence(period.label)), ENTRY))
        else:
            steps.append(NextStep(_("Đã nhập đủ {expected} ô số liệu của {period}.").format(
                expected=expected, period=_in_sentence(period.label)), ENTRY, done=True))
    recorded = len(workspace.activities(ActivityFilter(date_from=period.start, date_to=min(period.end, today))))
    if recorded:
        steps.append(NextStep(_("Đã ghi {count} hoạt động trong kỳ (từ {start}).").format(
            count=recorded, start=format_date(period.start)), ACTIVITIES, done=True))
    else:
        steps.append(NextStep(_("Chưa ghi hoạt động nào trong kỳ (từ {start}): hãy ghi các hoạt động đã làm.").format(
            start=format_date(period.start)), ACTIVITIES))
    from qnapp import keys  # lazy: the key store pulls in the cryptography library

    if keys.own_public_key(workspace.store) is None:
        steps.append(NextStep(_("Đơn vị chưa có khóa ký: hãy tạo khóa trước khi gửi báo cáo lần đầu."), SEND))
    return steps


def _children_steps(workspace: Workspace, period: Period) -> list[NextStep]:
    from qnapp.bundles.ledger import held_bundles  # lazy: only a parent unit reads its ledger
    from qnapp.consolidation import completeness

    steps = []
    cells = [row[0] for row in completeness(workspace, [period.id])]
    missing = [get_unit(c.unit).full_name for c in cells if c.state == "missing"]
    if missing:
        names = ", ".join(missing[:NAMES_SHOWN])
        if len(missing) > NAMES_SHOWN:
            names = _("{names} và {count} đơn vị khác").format(names=names, count=len(missing) - NAMES_SHOWN)
        steps.append(NextStep(_("{missing}/{total} đơn vị trực thuộc chưa gửi báo cáo {period}: {names}.").format(
            missing=len(missing), total=len(cells), period=_in_sentence(period.label), names=names), RECEIVE))
    elif cells:
        steps.append(NextStep(_("Đã nhận báo cáo {period} của cả {total} đơn vị trực thuộc.").format(
            period=_in_sentence(period.label), total=len(cells)), RECEIVE, done=True))
    held = held_bundles(workspace)
    if held:
        names = ", ".join(dict.fromkeys(get_unit(h.unit).full_name for h in held[:NAMES_SHOWN]))
        steps.append(NextStep(_("{count} gói báo cáo sửa đang chờ anh/chị quyết định nhận hay không ({names}).").format(
            count=len(held), names=names), RECEIVE, urgent=True))
    return steps


def _in_sentence(label: str) -> str:
    """A period label inside a sentence: "kỳ năm 2025", "6 tháng đầu năm 2025"."""
    return _("kỳ {label}").format(label=label[:1].lower() + label[1:])
