"""``nights_up_to`` is the set of nights ``nights_between`` counts within a span.

The journal keeps its last fortnight by testing each entry's night against that set; the
oracle is the arithmetic on dates it replaced, over nights across months, years and leap
days, and entries from before, inside and after the span."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from skill.runtime.nights import nights_between, nights_up_to


@given(
    last=st.dates(min_value=date(2001, 1, 1), max_value=date(2098, 12, 31)),
    offsets=st.lists(st.integers(-40, 40), max_size=30),
    count=st.integers(1, 31),
)
def test_the_set_holds_the_nights_the_count_reaches(
    last: date, offsets: list[int], count: int
) -> None:
    night = last.isoformat()
    kept = nights_up_to(night, count)
    assert len(kept) == count
    for offset in offsets:
        other = (last - timedelta(days=offset)).isoformat()
        assert (other in kept) == (0 <= nights_between(other, night) < count)


def test_a_leap_day_and_a_new_year_are_inside_the_fortnight() -> None:
    assert "2028-02-29" in nights_up_to("2028-03-05", 14)
    assert "2026-12-31" in nights_up_to("2027-01-02", 14)
    assert "2027-01-03" not in nights_up_to("2027-01-02", 14)
    assert "2026-12-19" in nights_up_to("2027-01-01", 14)
    assert "2026-12-18" not in nights_up_to("2027-01-01", 14)
