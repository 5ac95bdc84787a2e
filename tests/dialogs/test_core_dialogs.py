"""Conversations through ``handler(event, context)`` on a real SQLite file, as a couple has them.

Every market has the same conversations: each test runs once per locale (tests/dialogs/
conftest.py), with that locale's request locale, interaction model, content and phrasebook."""

from __future__ import annotations

import pytest

from skill.runtime.catalog import LocaleContent
from tests.support.dialog import Dialog, Handler


@pytest.fixture
def dialog(handler: Handler, locale: str) -> Dialog:
    return Dialog(handler, locale=locale)


#: How help says it is not counselling, in each market's own spelling and language.
COUNSELLING = {"en-US": "counseling", "de": "beratung", "es": "terapia"}


def question_in(text: str, content: LocaleContent) -> str:
    found = [q.id for q in content.questions if q.text in text]
    assert len(found) == 1, f"expected exactly one deck question in: {text!r}"
    return found[0]


def test_open_then_tonights_question(dialog: Dialog, content: LocaleContent) -> None:
    greeting = dialog.say("open heart to heart")
    assert greeting.session_open
    assert any(v in greeting.speech for v in content.variants("launch.first"))
    turn = dialog.say("tonight's question")
    question_in(turn.speech, content)
    assert turn.session_open


def test_same_night_same_question_next_night_different(
    dialog: Dialog, content: LocaleContent
) -> None:
    first = question_in(dialog.say("ask heart to heart for tonight's question").speech, content)
    again = question_in(dialog.say("ask heart to heart for tonight's question").speech, content)
    assert again == first
    dialog.next_night()
    following = question_in(dialog.say("ask heart to heart for tonight's question").speech, content)
    assert following != first


def test_a_week_of_nights_never_repeats(dialog: Dialog, content: LocaleContent) -> None:
    seen = []
    for _ in range(10):
        seen.append(
            question_in(dialog.say("ask heart to heart for tonight's question").speech, content)
        )
        dialog.next_night()
    assert len(set(seen)) == len(seen)


def test_one_shot_closes_the_session(dialog: Dialog, content: LocaleContent) -> None:
    turn = dialog.say("ask heart to heart for tonight's question")
    assert not turn.session_open
    assert turn.response is not None
    assert turn.response["response"]["shouldEndSession"] is True
    assert "reprompt" not in turn.response["response"]


def test_inside_a_session_the_skill_offers_a_next_step(dialog: Dialog) -> None:
    dialog.say("open heart to heart")
    turn = dialog.say("tonight's question")
    assert turn.session_open and turn.reprompt


def test_yes_to_the_launch_offer_gives_tonights_question(
    dialog: Dialog, content: LocaleContent
) -> None:
    dialog.say("open heart to heart")
    question_in(dialog.say("yes please").speech, content)


def test_no_to_the_launch_offer_closes_kindly(dialog: Dialog) -> None:
    dialog.say("open heart to heart")
    turn = dialog.say("no thanks")
    assert not turn.session_open and turn.speech


def test_preferences_survive_across_sessions(dialog: Dialog, content: LocaleContent) -> None:
    dialog.say("ask heart to heart to keep it light")
    dialog.next_night()
    qid = question_in(dialog.say("ask heart to heart for tonight's question").speech, content)
    question = content.question(qid)
    assert question is not None and question.depth == 1


def test_favourites_across_nights(dialog: Dialog, content: LocaleContent) -> None:
    dialog.say("open heart to heart")
    saved = question_in(dialog.say("tonight's question").speech, content)
    dialog.say("save that one")
    dialog.next_night()
    dialog.say("open heart to heart")
    assert question_in(dialog.say("play a favourite").speech, content) == saved


def test_last_nights_question_through_the_handler(dialog: Dialog, content: LocaleContent) -> None:
    first = question_in(dialog.say("ask heart to heart for tonight's question").speech, content)
    dialog.next_night()
    dialog.say("open heart to heart")
    assert question_in(dialog.say("what was last night's question").speech, content) == first


def test_repeat_says_the_last_thing_again(dialog: Dialog) -> None:
    dialog.say("open heart to heart")
    asked = dialog.say("tonight's question")
    repeated = dialog.say("repeat that")
    assert repeated.speech == asked.speech
    assert repeated.session_open


def test_repeat_with_nothing_said_yet_still_answers(handler: Handler, locale: str) -> None:
    dialog = Dialog(handler, locale=locale)
    turn = dialog.say("ask heart to heart to repeat")
    assert turn.speech and turn.session_open


def test_help_ends_with_a_question_and_stays_open(
    dialog: Dialog, content: LocaleContent, locale: str
) -> None:
    dialog.say("open heart to heart")
    turn = dialog.say("help")
    assert turn.session_open and turn.reprompt
    assert turn.speech.rstrip().endswith("?")
    said = COUNSELLING.get(locale, COUNSELLING.get(locale.split("-")[0], "counselling"))
    assert said in " ".join(content.variants("help.top")).casefold(), "in the market's words"


def test_stop_and_cancel_exit_warmly(handler: Handler, content: LocaleContent, locale: str) -> None:
    for word in ("stop", "cancel"):
        dialog = Dialog(handler, locale=locale)
        dialog.say("open heart to heart")
        turn = dialog.say(word)
        assert not turn.session_open
        # 20:00 UTC is mid-afternoon in the default time zone (New York).
        assert turn.speech in content.variants("goodbye.afternoon")


def test_fallback_says_what_works_and_stays_open(dialog: Dialog, content: LocaleContent) -> None:
    dialog.say("open heart to heart")
    turn = dialog.say("the purple elephant sings at dawn")
    assert turn.session_open and turn.reprompt
    assert turn.speech in content.variants("fallback.top")


def test_navigate_home_and_start_over_go_to_the_top(dialog: Dialog, content: LocaleContent) -> None:
    dialog.say("open heart to heart")
    dialog.say("tonight's question")
    for phrase in ("go home", "start over"):
        turn = dialog.say(phrase)
        assert turn.session_open
        assert any(v in turn.speech for v in content.variants("home.intro"))


def test_silence_reprompts_once_then_the_session_ends_quietly(dialog: Dialog) -> None:
    opened = dialog.say("open heart to heart")
    first_silence = dialog.say("")
    assert first_silence.speech == opened.reprompt
    second_silence = dialog.say("")
    assert not second_silence.session_open
    assert second_silence.response is not None
    assert "outputSpeech" not in second_silence.response["response"]


def test_names_setup_is_stored_and_forgotten(dialog: Dialog, db_path: object) -> None:
    dialog.say("open heart to heart")
    saved = dialog.say("call us sam and alex")
    assert "Sam" in saved.speech and "Alex" in saved.speech
    forgotten = dialog.say("forget our names")
    assert "Sam" not in forgotten.speech


def test_a_name_that_is_not_a_name_is_reasked(dialog: Dialog) -> None:
    dialog.say("open heart to heart")
    turn = dialog.say("call us 42 and alex")
    assert turn.session_open and "42" not in turn.speech


def test_a_household_that_stops_coming_is_forgotten(db_path: object) -> None:
    """Retention: the stored row carries an expiry about HEART_RETENTION_DAYS ahead."""
    import sqlite3
    import time

    from tests.support.dialog import load_handler

    handler = load_handler(f"sqlite:///{db_path}", HEART_RETENTION_DAYS="30")
    Dialog(handler).say("ask heart to heart for tonight's question")
    with sqlite3.connect(str(db_path)) as db:
        (expires,) = db.execute("SELECT expires_at FROM households").fetchone()
    assert abs(expires - (time.time() + 30 * 86_400)) < 120
