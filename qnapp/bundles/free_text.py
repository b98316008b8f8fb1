"""Free text a bundle carries beyond the unit: the reopening reason and the activity
titles (``docs/bundles.md``, «Free text that leaves the unit»). Both are checked with
:mod:`qnapp.privacy` when typed (here and in ``Workspace.validate_activity``) and again
at export, so text stored before the check, or imported, never leaves."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from qnapp import privacy
from qnapp.errors import ValidationError
from qnapp.i18n import _
from qnapp.periods import Period
from qnapp.text import clean_text, format_date

if TYPE_CHECKING:
    from qnapp.workspace import Workspace

MAX_REASON_CHARS = 500


def reopen_reason_problem(reason: str | None) -> str | None:
    """Why ``reason`` cannot be a reopening reason (blank, too long, names a person or
    carries an identifier: it travels in the bundle), or None. The GUI asks it while
    the reason dialog is open; ``reopen_period`` enforces it."""
    reason = clean_text(reason)
    if not reason:
        return _("Hãy nêu lý do mở lại kỳ (lý do được gửi kèm báo cáo sửa).")
    if len(reason) > MAX_REASON_CHARS:
        return _("Lý do mở lại kỳ quá dài (tối đa {n} ký tự).").format(n=MAX_REASON_CHARS)
    return privacy.personal_data_problem(
        reason, _("Lý do mở lại kỳ"),
        _("Lý do được gửi kèm báo cáo sửa lên đơn vị cấp trên."))


def reason_to_reword(reason: str | None) -> bool:
    """A period reopened with this stored reason (by a qnapp before the check) must be
    given a new one before it is exported again (``reopen_period`` takes it)."""
    return bool(privacy.kinds_found(reason))


def refuse_personal_data(workspace: Workspace, period: Period, reason: str | None,
                         activities: Sequence[Mapping[str, Any]]) -> None:
    """The export-time safety net over the free text a bundle carries (the reason, the
    activity titles): data typed before the entry-time check, or imported, never leaves.
    Names the activity by date and type, never by the text that was found."""
    problems = []
    kinds = privacy.kinds_found(reason)
    if kinds:
        problems.append(_("Lý do mở lại kỳ (ghi từ trước): có {what}. Hãy nêu lại lý do (nút «Mở "
                          "lại để sửa» ở trang «Gửi báo cáo» hoặc lệnh «qnapp reopen {period} "
                          "--reason \"…\"»): {how}.").format(
            what=privacy.what_found(kinds), period=period.id, how=privacy.how_to_word(kinds)))
    types = {t.code: t.name for t in workspace.catalog.activity_types}
    for activity in activities:
        kinds = privacy.kinds_found(activity["title"])
        if kinds:
            problems.append(_("Hoạt động ngày {date} ({type}), ô «Tên hoạt động»: có {what}. "
                              "Hãy sửa tên hoạt động: {how}.").format(
                date=format_date(datetime.strptime(activity["date"], "%Y-%m-%d").date()),
                type=types.get(activity["type"], activity["type"]),
                what=privacy.what_found(kinds), how=privacy.how_to_word(kinds)))
    if problems:
        raise ValidationError("\n".join([_(
            "Chưa gửi được báo cáo kỳ {period}: thông tin cá nhân của người dân không được "
            "gửi lên đơn vị cấp trên.").format(period=period.id)] + problems))
