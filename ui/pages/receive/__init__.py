"""«Nhận và tổng hợp»: a parent unit receives its children's signed report bundles.

Four tabs, one module each, put together by ``page.py`` (``ReceivePage``):

* «Nhận báo cáo» — ``importing.py``: «Chọn tệp…» (several ``*.zip``) or «Chọn thư
  mục…» (a USB stick; the core scans it). The import runs on a worker thread
  (``ui.ops``) with a progress bar and «Dừng»; each file gets one line as soon as the
  core has handled it. Below, ``held.py``: the corrections the ledger holds, with
  «Chấp nhận» and «Từ chối…».
* «Tình hình gửi báo cáo» — ``board.py``: the completeness board, children × the last
  periods of the picked period's type.
* «Số liệu tổng hợp» — ``values.py``: the consolidated values of the period; selecting
  an element shows each child's value.
* «Khóa đơn vị cấp dưới» — ``child_keys.py``: the trust registry: trust a child's key
  (``TrustKeyDialog``), revoke one.

The tabs are mixins of the one page, not widgets of their own: they share its state
(the workspace, the period, whether an import runs) and act on each other (an import
refreshes the board and the values; trusting a key speaks of the refusals listed in the
first tab). ``tables.py`` holds the table set-up they all use.

Everything that decides (verification, ledger rules, states, sums, trust) is in the core:
``qnapp.bundles.ledger``, ``qnapp.consolidation``, ``qnapp.keys``. File and folder pickers,
dialogs and the importer are injectable so tests never block on a modal window.

Threading: the worker uses the page's workspace; its store serialises calls, so the GUI
thread may still read (it waits at most for one bundle's transaction). While an import
runs, the commands that write (held decisions, trust, revoke) are disabled.
"""

from ui.pages.receive.page import ReceivePage

__all__ = ["ReceivePage"]
