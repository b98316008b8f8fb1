"""«Gửi báo cáo»: export the chosen period as a signed bundle for the parent unit.

``page.py`` (``SendPage``) puts together three sections, each a mixin of its own module
that shares the page's state (the period, its export state, the unit's key, whether work
runs in the background):

* ``export_section.py`` — whether the period was sent (and so is locked), with
  revision, digest, time and file; export the bundle, reopen the period for a correction.
* ``print_section.py`` — the official report of the period as Excel or PDF, to print.
* ``key_section.py`` — the unit's key fingerprint in groups to read over the phone;
  create the signing key, replace it, write the public key file for the parent.

Signing and key creation run off the GUI thread (scrypt takes about half a second).
``save_path.py`` chooses where files go.

Every prompt is injectable so tests never block on a modal dialog:
``ask_save_path(parent, caption, suggested_path, file_filter) -> str | None``,
``ask_passphrase(parent, creating, **options) -> str | None`` (the export passes ``intro``
and ``check``: a wrong passphrase is asked again in the same dialog, the chosen file
kept), ``ask_reason(parent, period_label) -> str | None``, and the ``DialogService`` for
the confirmation and errors.
"""

from ui.pages.send.page import SendPage

__all__ = ["SendPage"]
