"""Mornings through handler(event, context), in the couple's own time zone (the default,
America/New_York, here): before noon the launch says good morning and offers the two-minute
parting ritual; in the evening it keeps the evening. The ritual runs end to end by name, in
timed quiet, within the platform's limits and the breath budget, and keeps nothing."""

from __future__ import annotations

import re
from pathlib import Path

from skill.runtime.catalog import LocaleContent
from skill.runtime.speech import parse_ssml, playing_seconds
from tests.support.dialog import Dialog, Handler
from tests.support.listening import says, stored_household
from tests.support.rituals import problems

USER = "couple-1"
#: The evening before, 8 p.m. in New York (EST, five hours behind UTC in December).
EVENING_BEFORE = "2026-12-01T01:00:00Z"
TWO_EVENINGS_BEFORE = "2026-11-30T01:00:00Z"
#: Half past seven in the morning, and half past seven in the evening, New York time.
MORNING = "2026-12-01T12:30:00Z"
EVENING = "2026-12-02T00:30:00Z"


def said(text: str, content: LocaleContent, key: str) -> bool:
    return says(text, tuple(content.variants(key)))


def returning(handler: Handler, now: str, names: bool = False) -> Dialog:
    """A couple who visited on the two evenings before (the second visit is where names are
    offered: given or declined), now opening the skill at ``now``."""
    dialog = Dialog(handler, now=TWO_EVENINGS_BEFORE)
    dialog.say("open heart to heart")
    dialog.say("stop")
    dialog = Dialog(handler, now=EVENING_BEFORE)
    dialog.say("open heart to heart")
    dialog.say("call us sam and alex" if names else "no thanks")
    dialog.say("stop")
    return Dialog(handler, now=now)


def test_the_morning_launch_greets_for_the_morning_and_offers_the_parting_ritual(
    handler: Handler, content: LocaleContent
) -> None:
    turn = returning(handler, MORNING).say("open heart to heart")
    assert problems(turn) == []
    assert turn.session_open
    assert said(turn.speech, content, "launch.returning_morning")
    assert said(turn.speech, content, "morning.offer")
    assert not said(turn.speech, content, "offer.tonight")
    assert not said(turn.speech, content, "launch.returning")


def test_the_evening_launch_keeps_the_evening(handler: Handler, content: LocaleContent) -> None:
    turn = returning(handler, EVENING).say("open heart to heart")
    assert turn.session_open
    assert not said(turn.speech, content, "morning.offer")
    assert not said(turn.speech, content, "launch.returning_morning")
    assert said(turn.speech, content, "offer.tonight") or said(
        turn.speech, content, "offer.gratitude"
    )


def test_a_first_visit_in_the_morning_is_welcomed_with_a_good_morning(
    handler: Handler, content: LocaleContent
) -> None:
    turn = Dialog(handler, now=MORNING).say("open heart to heart")
    assert said(turn.speech, content, "launch.first_morning")
    assert said(turn.speech, content, "morning.offer")


def test_the_parting_ritual_end_to_end(
    handler: Handler, db_path: Path, content: LocaleContent
) -> None:
    dialog = returning(handler, MORNING, names=True)
    dialog.say("open heart to heart")
    before = stored_household(db_path, USER)
    ritual = dialog.say("yes")
    assert problems(ritual) == []
    assert not ritual.session_open, "hands-free: the ritual closes by itself"
    assert said(ritual.speech, content, "morning.intro")
    assert said(ritual.speech, content, "morning.close")
    # Each partner has the floor twice, by name: their day, and a wish for the other's.
    turns = re.findall(r"(Sam|Alex),", ritual.speech)
    assert turns == ["Sam", "Alex", "Alex", "Sam"]
    assert ritual.speech.count("(silence") == 4 and ritual.speech.count("(chime)") == 4
    assert ritual.response is not None
    ssml = ritual.response["response"]["outputSpeech"]["ssml"]
    seconds = playing_seconds(parse_ssml(ssml))
    assert 90 <= seconds <= 150, f"about two minutes, not {seconds:.0f} s"
    after = stored_household(db_path, USER)
    assert after.kept == before.kept and "morning" not in after.kept


def test_the_phrases_start_the_ritual(handler: Handler, content: LocaleContent) -> None:
    for line in ("morning ritual", "before we head out", "we're leaving for work"):
        dialog = returning(handler, MORNING)
        dialog.say("open heart to heart")
        turn = dialog.say(line)
        assert said(turn.speech, content, "morning.intro"), line
    one_shot = returning(handler, MORNING).say("ask heart to heart for the morning ritual")
    assert said(one_shot.speech, content, "morning.intro")


def test_no_thanks_in_the_morning_says_goodbye_for_the_day(
    handler: Handler, content: LocaleContent
) -> None:
    dialog = returning(handler, MORNING)
    dialog.say("open heart to heart")
    turn = dialog.say("no thanks")
    assert not turn.session_open
    assert said(turn.speech, content, "goodbye.morning")
    assert not said(turn.speech, content, "no.goodbye"), "not 'enjoy your evening' at 7:30"


def test_tonights_question_is_still_there_in_the_morning(
    handler: Handler, content: LocaleContent
) -> None:
    dialog = returning(handler, MORNING)
    dialog.say("open heart to heart")
    turn = dialog.say("tonight's question")
    assert any(q.text in turn.speech for q in content.questions)


def test_good_morning_in_the_evening_does_something_sensible(
    handler: Handler, content: LocaleContent
) -> None:
    dialog = returning(handler, EVENING)
    dialog.say("open heart to heart")
    turn = dialog.say("good morning")
    assert problems(turn) == []
    assert turn.session_open
    assert said(turn.speech, content, "hello.evening"), "hello back for the hour it is"
    assert not said(turn.speech, content, "hello.morning")
    assert not said(turn.speech, content, "morning.intro")
    assert "(silence" not in turn.speech
    evening = dialog.say("yes")
    assert any(q.text in evening.speech for q in content.questions)


def test_good_morning_in_the_morning_offers_the_parting_ritual(
    handler: Handler, content: LocaleContent
) -> None:
    dialog = returning(handler, MORNING)
    dialog.say("open heart to heart")
    dialog.say("tonight's question")
    turn = dialog.say("good morning")
    assert said(turn.speech, content, "hello.morning")
    assert said(turn.speech, content, "morning.offer")
    assert said(dialog.say("yes").speech, content, "morning.intro")


def test_an_exercise_left_last_night_is_offered_back_with_a_good_morning(
    handler: Handler, content: LocaleContent
) -> None:
    evening = Dialog(handler, now=EVENING_BEFORE)
    evening.say("open heart to heart")
    evening.say("let's do the five minute check in")
    assert evening.say("you choose").session_open
    evening.end("EXCEEDED_MAX_REPROMPTS")
    morning = Dialog(handler, now=MORNING).say("open heart to heart")
    assert said(morning.speech, content, "listening.offer_resume")
    assert said(morning.speech, content, "launch.returning_morning") or said(
        morning.speech, content, "greet.person_morning"
    )
    assert not said(morning.speech, content, "morning.offer")
