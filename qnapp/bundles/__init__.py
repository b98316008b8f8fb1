"""Signed report bundles: export (``writer``) and in-memory verification (``verifier``).

Format: ``docs/bundles.md``; reason codes: ``reasons``. Importing this package is cheap:
names are loaded on first use (the workspace imports ``qnapp.bundles.locks`` lazily).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "BundleRejected",
    "ExportResult",
    "Limits",
    "PeriodLockedError",
    "REASONS",
    "VerifiedBundle",
    "export_bundle",
    "reopen_period",
    "verify_bundle",
]

_WHERE = {
    "BundleRejected": "qnapp.bundles.reasons",
    "REASONS": "qnapp.bundles.reasons",
    "ExportResult": "qnapp.bundles.writer",
    "export_bundle": "qnapp.bundles.writer",
    "reopen_period": "qnapp.bundles.writer",
    "Limits": "qnapp.bundles.layout",
    "PeriodLockedError": "qnapp.bundles.locks",
    "VerifiedBundle": "qnapp.bundles.verifier",
    "verify_bundle": "qnapp.bundles.verifier",
}

if TYPE_CHECKING:
    from qnapp.bundles.layout import Limits
    from qnapp.bundles.locks import PeriodLockedError
    from qnapp.bundles.reasons import REASONS, BundleRejected
    from qnapp.bundles.verifier import VerifiedBundle, verify_bundle
    from qnapp.bundles.writer import ExportResult, export_bundle, reopen_period


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(name)
    import importlib

    return getattr(importlib.import_module(module), name)
