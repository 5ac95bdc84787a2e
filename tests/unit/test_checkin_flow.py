"""The check-in's own record: how the numbers are kept, bounded and read back."""

from __future__ import annotations

from datetime import datetime

from skill.runtime.flows import checkin
from skill.runtime.flows.kit.events import INTENT, Event
from skill.runtime.nights import is_morning, week_of
from skill.runtime.state import Household


def test_only_the_last_twelve_weeks_are_kept() -> None:
    household = Household()
    for week in range(202601, 202615):
        household = checkin.with_number(household, week, 0, 3)
        household = checkin.with_number(household, week, 1, 4)
    kept = household.kept["checkin"]
    assert len(kept) == 12 * 3
    assert kept[:3] == [202603, 3, 4] and kept[-3:] == [202614, 3, 4]


def test_a_second_number_the_same_week_replaces_the_first() -> None:
    household = checkin.with_number(Household(), 202649, 1, 2)
    household = checkin.with_number(household, 202649, 1, 5)
    assert household.kept["checkin"] == [202649, 0, 5]


def test_malformed_kept_items_are_dropped_when_read() -> None:
    household = Household(kept={"checkin": [202648, 3, 9, "x", 1, 2, 202649, 4, 4, 202650]})
    assert checkin.weeks(household) == [(202649, 4, 4)]


def test_a_number_is_heard_only_when_one_was_said() -> None:
    def heard(value: str) -> int | None:
        event = Event(INTENT, intent="ClosenessIntent", spoken={"closeness": value})
        return checkin.heard_number(event)

    assert heard("4") == 4 and heard("four") == 4 and heard("7") == 7
    assert heard("?") is None and heard("") is None and heard("a lot") is None


def test_weeks_and_mornings_follow_the_local_clock() -> None:
    assert week_of(datetime(2026, 12, 1, 20, 0)) == 202649
    # Half past midnight on a Monday still belongs to Sunday night, last week.
    assert week_of(datetime(2026, 12, 7, 0, 30)) == 202649
    assert is_morning(datetime(2026, 12, 1, 7, 30))
    assert not is_morning(datetime(2026, 12, 1, 19, 30))
    assert not is_morning(datetime(2026, 12, 1, 3, 0))
