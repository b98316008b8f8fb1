"""Helpers for import / consolidation tests: units with databases, keys, and bundles built
without a database (``build_bundle`` with a forge ``Signer``)."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from qnapp import keys
from qnapp.bundles.writer import build_bundle, make_header
from qnapp.catalog import load_catalog
from qnapp.periods import parse_period
from qnapp.units import get_unit
from qnapp.workspace import Workspace
from tests.core.bundles.conftest import CREATED_AT, PASSPHRASE
from tests.core.bundles.forge import Signer

TRUSTED_ON = date(2025, 1, 2)


def open_unit(folder: Path, unit_key: str, officer: str = "Cán bộ thử nghiệm", *, with_key: bool = True) -> Workspace:
    """A fresh database initialised for ``unit_key`` (and its signing key)."""
    tree, code = unit_key.split(":")
    ws = Workspace.open(Path(folder) / f"{tree}-{code}.sqlite")
    ws.initialise(tree, code, officer)
    if with_key:
        keys.create_key(ws.store, ws.require_profile().unit_key, PASSPHRASE, who=officer)
    return ws


def trust_unit(parent: Workspace, child: Workspace, today: date = TRUSTED_ON) -> None:
    """The parent registers the child's key after «reading back» its fingerprint."""
    text = keys.export_public_key(child.store)
    fingerprint = keys.own_public_key(child.store).fingerprint
    keys.trust_key(parent.store, text, fingerprint=fingerprint, who=parent.officer, today=today)


def trust_signer(parent: Workspace, signer: Signer, today: date = TRUSTED_ON) -> None:
    keys.trust_key(parent.store, signer.public_key.to_file_text("test key"),
                   fingerprint=signer.public_key.fingerprint, unit_key=signer.unit,
                   who=parent.officer, today=today)


def rows_of(values: dict[tuple[str, str], int]) -> list[dict]:
    return sorted(({"element": e, "category": c, "value": v} for (e, c), v in values.items()),
                  key=lambda r: (r["element"], r["category"]))


# Not a real workbook (building one per bundle is slow), but it has a workbook's type:
# the verifier refuses a report.xlsx that is not a zip.
FAKE_XLSX = b"PK\x03\x04report"


def make_bundle(signer: Signer, values: dict[tuple[str, str], int], *, period: str = "2025S1",
                revision: int = 1, supersedes: str | None = None, bundle_id: str | None = None,
                consolidates=None, missing=None, children=None, catalog_version: str | None = None,
                unit_name: str | None = None):
    """A signed bundle of ``signer``'s unit (BuiltBundle: data, digest, members)."""
    header = make_header(
        unit=get_unit(signer.unit), period=parse_period(period),
        bundle_id=bundle_id or str(uuid.uuid4()), revision=revision, supersedes=supersedes,
        reason=None if revision == 1 else "Sửa số liệu sau khi rà soát", created_at=CREATED_AT,
        signer_fingerprint=signer.public_key.fingerprint, signer_name="Cán bộ xã",
        catalog_version=catalog_version or load_catalog().version, consolidates=consolidates, missing=missing,
    )
    if unit_name is not None:
        header["unit"]["name"] = unit_name
    return build_bundle(header, rows_of(values), [], signer.private_key, signer.public_key,
                        load_catalog(), report_xlsx=FAKE_XLSX, children=children)


def dump(ws: Workspace, skip: tuple[str, ...] = ("audit", "import_rejections", "sqlite_sequence")) -> dict[str, list[str]]:
    """Every table's rows (sorted reprs), except the append-only logs (and their id
    counters) in ``skip``."""
    conn = ws.store.conn
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {t: sorted(repr(row) for row in conn.execute(f"SELECT * FROM [{t}]"))
            for t in tables if t not in skip}


def count(ws: Workspace, table: str) -> int:
    return ws.store.conn.execute(f"SELECT COUNT(*) FROM [{table}]").fetchone()[0]
