from __future__ import annotations

from datetime import date

import pytest

from qnapp.bundles.writer import build_bundle, make_header
from qnapp.catalog import load_catalog
from qnapp.periods import parse_period
from qnapp.units import get_unit
from tests.core.bundles.forge import Signer, registry

UNIT = "2021:06862"  # Thị trấn Tiên Yên
NEIGHBOUR = "2021:06865"
TODAY = date(2025, 7, 1)
CREATED_AT = "2025-06-05T09:00:00+07:00"
PASSPHRASE = "mật khẩu thử nghiệm"

AGGREGATES = [
    {"category": "", "element": "BIRTHS_MOTHERS_15_19", "value": 1},
    {"category": "nam", "element": "GBV_VICTIMS", "value": 1},
    {"category": "nu", "element": "GBV_VICTIMS", "value": 5},
    {"category": "", "element": "GE_NEWS_ITEMS", "value": 9},
]
ACTIVITIES = [
    {"action_month": False, "cost": 7000000, "date": "2025-02-20", "fund_source": "ngan_sach",
     "objectives": [1, 6], "participants": {"nam": 16, "nu": 19},
     "title": "Tập huấn lồng ghép giới cho cán bộ", "type": "tap_huan"},
    {"action_month": False, "cost": None, "date": "2025-05-22", "fund_source": "",
     "objectives": [3], "participants": {"nam": None, "nu": 3},
     "title": "Hỗ trợ sinh kế cho phụ nữ", "type": "khac"},
]


@pytest.fixture(scope="session")
def signer() -> Signer:
    return Signer.new(UNIT)


@pytest.fixture(scope="session")
def neighbour() -> Signer:
    return Signer.new(NEIGHBOUR)


@pytest.fixture(scope="session")
def lookup(signer, neighbour):
    return registry(signer, neighbour)


def header_for(signer: Signer, *, revision: int = 1, supersedes: str | None = None,
               reason: str | None = None, bundle_id: str = "0b6c1f52-8a43-4c3e-9f0a-2d8b7e6a5c41"):
    return make_header(
        unit=get_unit(UNIT), period=parse_period("2025S1"), bundle_id=bundle_id,
        revision=revision, supersedes=supersedes, reason=reason, created_at=CREATED_AT,
        signer_fingerprint=signer.public_key.fingerprint, signer_name="Hoàng Thị Mai",
        catalog_version="test",
    )


@pytest.fixture(scope="session")
def good(signer):
    """A valid bundle built without a database: BuiltBundle(data, digest, members)."""
    return build_bundle(header_for(signer), AGGREGATES, ACTIVITIES, signer.private_key,
                        signer.public_key, load_catalog())

