"""The weekly check-in through handler(event, context): eight weeks of numbers with a skipped
week, a number out of range and an answer that is no number; the trend with none, one, two
and eight weeks; and what the store holds afterwards (the numbers and their weeks, nothing
said). Every turn stays within the platform's limits and the breath budget."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from skill.runtime.catalog import LocaleContent
from skill.runtime.records import read_household
from skill.runtime.state import to_dict
from skill.runtime.turn import household_key
from tests.support.content import default_content
from tests.support.dialog import TEST_KEY_SALT, Dialog, Handler, load_handler
from tests.support.listening import says, stored_household
from tests.support.rituals import problems, raw_record

USER = "couple-1"
#: A Monday evening, local time (the skill runs on UTC here, so local is what the clock says).
FIRST_EVENING = "2026-10-05T20:00:00Z"


@pytest.fixture
def utc_handler(db_path: Path) -> Handler:
    return load_handler(f"sqlite:///{db_path}", HEART_TIME_ZONE="UTC")


def said(text: str, content: LocaleContent, key: str, **params: str | int) -> bool:
    """Whether ``text`` holds one wording of the phrase ``key``."""
    variants = tuple(v.format(**params) if params else v for v in content.variants(key))
    return says(text, variants)


def week_marker(day: date) -> int:
    """How a week is told apart in the record: its ISO year and week."""
    year, week, _ = day.isocalendar()
    return year * 100 + week


class Walk:
    """One couple's conversation, each turn checked against the limits as it is said."""

    def __init__(self, dialog: Dialog) -> None:
        self.dialog = dialog

    def say(self, line: str) -> str:
        turn = self.dialog.say(line)
        assert problems(turn) == [], (line, problems(turn))
        return turn.speech

    def turn(self, line: str) -> tuple[str, bool]:
        turn = self.dialog.say(line)
        assert problems(turn) == [], (line, problems(turn))
        return turn.speech, turn.session_open


def at_the_numbers(handler: Handler) -> Walk:
    """A couple on the first evening, through the appreciations and wishes, now asked for
    partner one's closeness number."""
    walk = Walk(Dialog(handler, now=FIRST_EVENING))
    walk.say("open heart to heart")
    walk.say("how are we doing")
    walk.say("ready")
    return walk


def check_in(walk: Walk, content: LocaleContent, first: list[str], second: list[str]) -> str:
    """A whole check-in: the appreciations and what went well, the wishes, then each
    partner's answers to "what's your number?" (the last of each list is the one kept)."""
    walk.say("open heart to heart")
    opening, open_ = walk.turn("how are we doing")
    assert open_ and "(silence" in opening and said(opening, content, "checkin.wishes_offer")
    wishes = walk.say("ready")
    assert said(wishes, content, "checkin.number_ask")
    speech = ""
    for line in [*first, *second]:
        speech, open_ = walk.turn(line)
    assert not open_, "the check-in closes after the second number"
    assert said(speech, content, "checkin.done")
    return speech


def test_eight_weeks_of_numbers_keep_only_the_numbers_and_their_weeks(
    utc_handler: Handler, db_path: Path, content: LocaleContent, tmp_path: Path
) -> None:
    walk = Walk(Dialog(utc_handler, now=FIRST_EVENING))
    control_db = tmp_path / "control.db"
    control = Walk(Dialog(load_handler(f"sqlite:///{control_db}", HEART_TIME_ZONE="UTC"),
                          now=FIRST_EVENING))  # fmt: skip
    # Nine weeks, the fourth skipped; the last answer of each list is the one that counts.
    weeks: list[tuple[list[str], list[str]] | None] = [
        (["a three"], ["three"]),
        (["seven", "a four"], ["a three"]),
        (["about a three"], ["four"]),
        None,
        (["i'd say a two"], ["somewhere in the middle", "about a three"]),
        (["four"], ["four out of five"]),
        (["a four"], ["five out of five"]),
        (["five"], ["a four"]),
        (["five"], ["five"]),
    ]
    expected: list[int] = []
    start = date(2026, 10, 5)
    for n, week in enumerate(weeks):
        if week is not None:
            check_in(walk, content, *week)
            control.say("open heart to heart")
            control.say("stop")
            first, second = (int(_digit(a[-1])) for a in week)
            expected += [week_marker(start + timedelta(weeks=n)), first, second]
        walk.dialog.next_night(7)
        control.dialog.next_night(7)
    kept = stored_household(db_path, USER).kept
    assert kept == {"checkin": expected}
    assert len(expected) == 8 * 3
    # Apart from the numbers, the record is exactly a household that only said hello.
    ours, theirs = raw_record(db_path, USER), raw_record(control_db, USER)
    assert ours is not None and theirs is not None
    token = "~"
    assert {k: v for k, v in ours.items() if k not in ("k", token)} == {
        k: v for k, v in theirs.items() if k != token
    }
    key = household_key(USER, TEST_KEY_SALT)
    decoded = to_dict(read_household(ours, default_content(), key))
    plain = to_dict(read_household(theirs, default_content(), key))
    assert {**decoded, "kept": {}} == plain
    for word in ("somewhere", "middle", "seven", "out of five"):
        assert word not in str(ours)


def _digit(answer: str) -> str:
    words = {"two": "2", "three": "3", "four": "4", "five": "5"}
    found = [words[w] for w in answer.split() if w in words]
    return found[0]


def test_a_number_out_of_range_or_unclear_is_asked_again_kindly_never_guessed(
    utc_handler: Handler, db_path: Path, content: LocaleContent
) -> None:
    walk = at_the_numbers(utc_handler)
    out_of_range = walk.say("seven")
    assert said(out_of_range, content, "checkin.number_range")
    unclear = walk.say("pretty close i guess")
    assert said(unclear, content, "checkin.number_unclear")
    for sorry in content.variants("fallback.top"):
        assert sorry not in unclear
    assert "checkin" not in stored_household(db_path, USER).kept
    # After a third answer that is no number, that number is let go, gently.
    let_go = walk.say("somewhere in the middle")
    assert said(let_go, content, "checkin.number_let_go")
    assert said(let_go, content, "checkin.number_ask")
    walk.say("a four")
    week = week_marker(date(2026, 10, 5))
    assert stored_household(db_path, USER).kept == {"checkin": [week, 0, 4]}


def test_a_second_check_in_the_same_week_updates_its_numbers(
    utc_handler: Handler, db_path: Path, content: LocaleContent
) -> None:
    walk = Walk(Dialog(utc_handler, now=FIRST_EVENING))
    check_in(walk, content, ["a two"], ["a three"])
    walk.dialog.next_night(3)
    check_in(walk, content, ["a four"], ["five"])
    week = week_marker(date(2026, 10, 5))
    assert stored_household(db_path, USER).kept == {"checkin": [week, 4, 5]}


def test_skipping_a_number_is_fine_and_keeps_nothing_for_it(
    utc_handler: Handler, db_path: Path, content: LocaleContent
) -> None:
    walk = at_the_numbers(utc_handler)
    skipped = walk.say("skip")
    assert said(skipped, content, "checkin.number_skipped")
    speech, open_ = walk.turn("skip")
    assert not open_ and said(speech, content, "checkin.done")
    assert not stored_household(db_path, USER).kept.get("checkin")


def trend(walk: Walk) -> tuple[str, bool]:
    return walk.turn("ask heart to heart how have we been doing")


def test_the_trend_with_none_one_two_and_eight_weeks(
    utc_handler: Handler, content: LocaleContent
) -> None:
    walk = Walk(Dialog(utc_handler, now=FIRST_EVENING))
    walk.say("open heart to heart")
    walk.say("call us sam and alex")
    walk.say("stop")
    none, open_ = trend(walk)
    assert said(none, content, "checkin.trend_none") and not open_
    numbers = [("a three", "a three"), ("a four", "five")]
    numbers += [("a two", "a two")] * 2 + [("a four", "a four")] * 4
    for n, (first, second) in enumerate(numbers):
        check_in(walk, content, [first], [second])
        spoken, open_ = trend(walk)
        assert not open_
        assert "Sam" not in spoken and "Alex" not in spoken, "never one partner against the other"
        if n == 0:
            assert said(spoken, content, "checkin.trend_one")
        if n == 1:
            assert said(spoken, content, "checkin.trend_span", count=2)
            assert said(spoken, content, "checkin.trend_closer_weeks")
        walk.dialog.next_night(7)
    # Eight weeks: the last four (all fours) against the four before (3, 4.5, 2, 2).
    assert said(spoken, content, "checkin.trend_span", count=8)
    assert said(spoken, content, "checkin.trend_closer_month")


def test_a_harder_stretch_is_said_kindly(utc_handler: Handler, content: LocaleContent) -> None:
    walk = Walk(Dialog(utc_handler, now=FIRST_EVENING))
    for first, second in [("five", "a four"), ("a four", "five"), ("a two", "a three")]:
        check_in(walk, content, [first], [second])
        walk.dialog.next_night(7)
    spoken, _ = trend(walk)
    assert said(spoken, content, "checkin.trend_lower_weeks")
    for scolding in ("should", "must", "need to", "try harder", "worse"):
        assert scolding not in spoken.lower()


def test_the_trend_in_a_session_offers_this_weeks_check_in(
    utc_handler: Handler, content: LocaleContent
) -> None:
    walk = Walk(Dialog(utc_handler, now=FIRST_EVENING))
    check_in(walk, content, ["a three"], ["a four"])
    walk.dialog.next_night(7)
    walk.say("open heart to heart")
    spoken, open_ = walk.turn("how have the last few weeks been")
    assert open_ and said(spoken, content, "checkin.trend_one")
    assert said(spoken, content, "checkin.start_offer")
    started = walk.say("yes")
    assert said(started, content, "checkin.wishes_offer")


def test_a_number_outside_the_check_in_is_not_kept(
    utc_handler: Handler, db_path: Path, content: LocaleContent
) -> None:
    walk = Walk(Dialog(utc_handler, now=FIRST_EVENING))
    walk.say("open heart to heart")
    more_time = walk.say("five more minutes")
    assert not said(more_time, content, "checkin.number_thanks")
    out_of_the_blue = walk.say("about a four")
    assert said(out_of_the_blue, content, "checkin.number_not_asked")
    assert not stored_household(db_path, USER).kept.get("checkin")


def test_still_talking_after_what_went_well_gets_more_quiet_not_an_apology(
    utc_handler: Handler, content: LocaleContent
) -> None:
    walk = Walk(Dialog(utc_handler, now=FIRST_EVENING))
    walk.say("open heart to heart")
    walk.say("how are we doing")
    more = walk.say("and then we went to the lake with your sister")
    assert "(silence" in more and said(more, content, "checkin.wishes_offer")
    for sorry in content.variants("fallback.top"):
        assert sorry not in more
    left, open_ = walk.turn("it was such a good day honestly")
    assert not open_ and said(left, content, "checkin.leave")


def test_mid_game_how_are_we_doing_is_still_the_score(
    handler: Handler, content: LocaleContent
) -> None:
    dialog = Dialog(handler, now=datetime(2026, 12, 1, 1, 0).isoformat() + "Z")
    dialog.say("open heart to heart")
    dialog.say("let's play how well do you know me")
    dialog.say("yes")
    turn = dialog.say("how are we doing")
    assert turn.session_open
    assert said(turn.speech, content, "game.score.round", round=1, rounds=5)
    assert not said(turn.speech, content, "checkin.intro")


def test_a_check_in_left_halfway_is_offered_back_that_week_and_only_that_week(
    utc_handler: Handler, db_path: Path, content: LocaleContent
) -> None:
    walk = at_the_numbers(utc_handler)
    first_number = walk.say("a four")
    assert said(first_number, content, "checkin.number_ask")
    walk.dialog.end()  # the evening ends before partner two's number
    assert stored_household(db_path, USER).kept["checkin:waiting"] == [
        week_marker(date(2026, 10, 5)),
        3,
    ]
    # Two nights later, the same week: the launch offers the rest, and yes asks for the number.
    walk.dialog.next_night(2)
    offered, open_ = walk.turn("open heart to heart")
    assert open_ and said(offered, content, "checkin.resume_offer"), offered
    asked = walk.say("yes")
    assert said(asked, content, "checkin.resume") and said(asked, content, "checkin.number_ask")
    done, open_ = walk.turn("about a three")
    assert not open_ and said(done, content, "checkin.done")
    kept = stored_household(db_path, USER).kept
    assert kept == {"checkin": [week_marker(date(2026, 10, 5)), 4, 3]}, "nothing left waiting"


def test_a_check_in_left_halfway_lapses_with_its_week_or_a_no(
    utc_handler: Handler, db_path: Path, content: LocaleContent
) -> None:
    walk = Walk(Dialog(utc_handler, now=FIRST_EVENING))
    walk.say("open heart to heart")
    walk.say("how are we doing")
    walk.dialog.end()  # left at the wishes
    # "How are we doing" the same week picks it up at the wishes, not from the beginning.
    walk.dialog.next_night(1)
    walk.say("open heart to heart")
    picked = walk.say("how are we doing")
    assert said(picked, content, "checkin.resume") and "(silence" not in picked
    assert said(picked, content, "checkin.wishes_offer")
    walk.dialog.end()
    # A no at the launch's offer lets it go.
    walk.dialog.next_night(1)
    assert said(walk.say("open heart to heart"), content, "checkin.resume_offer")
    assert said(walk.say("no"), content, "checkin.resume_declined")
    assert "checkin:waiting" not in stored_household(db_path, USER).kept
    # Left halfway again, then a week later: nothing is offered, and it starts afresh.
    walk.say("open heart to heart")
    walk.say("how are we doing")
    walk.dialog.end()
    walk.dialog.next_night(7)
    greeting = walk.say("open heart to heart")
    assert not said(greeting, content, "checkin.resume_offer")
    fresh = walk.say("how are we doing")
    assert not said(fresh, content, "checkin.resume") and "(silence" in fresh
