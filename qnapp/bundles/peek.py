"""What a refused bundle says about itself: the unit, period and revision its header
names, read without trusting it, so a refusal can say which report it was.

Only for messages: nothing read here is verified, stored as fact, or used for a decision.
The zip goes through the same checked reader as the verifier (``zipscan``), so a hostile
file costs no more here than there; any problem simply means "unknown".
"""

from __future__ import annotations

from dataclasses import dataclass

from qnapp.bundles.layout import DEFAULT_LIMITS, HEADER, strict_loads
from qnapp.bundles.zipscan import open_archive
from qnapp.periods import is_period_id, parse_period
from qnapp.units import get_unit


@dataclass(frozen=True)
class Declared:
    """The identity a bundle's header claims (unverified)."""

    unit: str  # "tree:code", a unit of the shipped lists
    period: str | None
    revision: int | None


def declared_identity(data: bytes) -> Declared | None:
    """The unit (and period, revision) ``bundle.json`` names, or None when the zip or its
    header cannot be read or names no known unit."""
    limits = DEFAULT_LIMITS
    try:
        archive = open_archive(data, limits)
        if HEADER not in archive:
            return None
        header = strict_loads(archive.read(HEADER, limits.max_header_bytes), max_bytes=limits.max_header_bytes,
                              max_depth=4, max_string=limits.max_string_chars)
        unit = header["unit"]
        unit_key = get_unit("{tree}:{code}".format(tree=unit["tree"], code=unit["code"])).key
    except Exception:  # noqa: BLE001 - unreadable means unknown, never a second failure
        return None
    period = header.get("period")
    period = parse_period(period).id if isinstance(period, str) and is_period_id(period) else None
    revision = header.get("revision")
    revision = revision if isinstance(revision, int) and not isinstance(revision, bool) else None
    return Declared(unit_key, period, revision)
