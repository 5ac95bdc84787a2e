"""When "tonight" is: a night runs from 4 a.m. to 4 a.m. in the couple's time zone.

A couple who asks at half past midnight is still in the same evening, so the night turns
over in the small hours rather than at midnight.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

NIGHT_TURNS_OVER_AT_HOUR = 4
#: A morning runs from this hour (earlier is still the night before) until noon.
MORNING_FROM_HOUR = 5
NOON = 12


def night_of(local_now: datetime) -> str:
    """The ISO date naming the night that ``local_now`` (already in local time) belongs to."""
    return (local_now - timedelta(hours=NIGHT_TURNS_OVER_AT_HOUR)).date().isoformat()


def is_morning(local_now: datetime) -> bool:
    """Whether ``local_now`` (already local) is morning: the parting ritual's time of day."""
    return MORNING_FROM_HOUR <= local_now.hour < NOON


def week_of(local_now: datetime) -> int:
    """The ISO week the night of ``local_now`` falls in, as one number (2026-W49 is 202649),
    so a check-in at half past midnight counts for the evening it belongs to."""
    year, week, _ = date.fromisoformat(night_of(local_now)).isocalendar()
    return year * 100 + week


def previous_night(night: str) -> str:
    """The night before ``night``."""
    return (date.fromisoformat(night) - timedelta(days=1)).isoformat()


def nights_between(earlier: str, later: str) -> int:
    """Whole nights from ``earlier`` to ``later`` (0 for the same night); ValueError for a
    night that isn't a date."""
    return _day_number(later) - _day_number(earlier)


@functools.lru_cache(maxsize=4096)
def _day_number(night: str) -> int:
    """A night's day number, remembered: a turn that notes something in the journal measures
    every entry's night against tonight (about thirty dates parsed a turn otherwise)."""
    return date.fromisoformat(night).toordinal()


@functools.lru_cache(maxsize=64)
def nights_up_to(night: str, count: int) -> frozenset[str]:
    """``night`` and the ``count - 1`` nights before it: the nights ``nights_between(n, night)``
    puts in ``range(count)``, as a set a journal's entries are tested against with no date
    worked out per entry (every turn that notes something keeps the last fortnight's)."""
    last = date.fromisoformat(night)
    return frozenset((last - timedelta(days=back)).isoformat() for back in range(count))


def zone(name: str | None, default: str) -> ZoneInfo:
    """The named zone, or the default when the name is empty or unknown."""
    for candidate in (name, default, "UTC"):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")
