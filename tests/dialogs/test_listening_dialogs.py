"""Listening exercises through ``handler(event, context)``, hands-free, as a couple does them."""

from __future__ import annotations

import itertools
import json
from datetime import timedelta
from pathlib import Path
from random import Random

import pytest

from skill.hosts.chat import ChatTurn
from skill.runtime.catalog import LocaleContent
from skill.runtime.exercises import Exercise
from skill.runtime.flows.listening import library as listening_library
from skill.runtime.state import ListeningProgress
from tests.support.dialog import ROOT, Dialog, Handler
from tests.support.listening import positions, says, ssml_problems, stored_household

#: The only words a couple needs: the cue words (and "more time" inside a long turn).
CUES = ("ready", "next", "done", "we're finished")


def fast(handler: Handler, **kwargs: str) -> Dialog:
    dialog = Dialog(handler, **kwargs)
    dialog.chat.fast_clock = True
    return dialog


def within_limits(turn: ChatTurn) -> None:
    assert turn.response is not None
    body = turn.response["response"]
    for speech in (body.get("outputSpeech"), body.get("reprompt", {}).get("outputSpeech")):
        if speech:
            assert ssml_problems(speech["ssml"]) == [], speech["ssml"]


def between_parts(turn: ChatTurn, content: LocaleContent) -> bool:
    return turn.reprompt in content.variants("listening.reprompt_part")


def cue_on(
    dialog: Dialog, content: LocaleContent, turn: ChatTurn, cues: itertools.cycle[str]
) -> ChatTurn:
    """Answer with a cue word; inside a long turn, "more time" to hear all of it."""
    return dialog.say("more time" if between_parts(turn, content) else next(cues))


def run_to_the_end(dialog: Dialog, opening: str, content: LocaleContent) -> list[ChatTurn]:
    turns = [dialog.say(opening)]
    cues = itertools.cycle(CUES)
    while turns[-1].session_open:
        assert len(turns) < 60, "the exercise never ended"
        turns.append(cue_on(dialog, content, turns[-1], cues))
    for turn in turns:
        within_limits(turn)
    return turns


def finished(turns: list[ChatTurn], content: LocaleContent) -> str:
    (done,) = [
        e.id
        for e in listening_library.catalogue(content)
        if says(turns[-1].speech, e.steps[-1].narration)
    ]
    return done


def slot_names() -> dict[str, str]:
    model = json.loads((ROOT / "interaction_models" / "en-US.json").read_text())
    types = {t["name"]: t for t in model["interactionModel"]["languageModel"]["types"]}
    return {v["id"]: v["name"]["value"] for v in types["ExerciseType"]["values"]}


def test_every_exercise_completes_hands_free_from_a_listening_exercise(
    handler: Handler, content: LocaleContent, db_path: Path
) -> None:
    dialog = fast(handler)
    catalogue = listening_library.catalogue(content)
    done = []
    for _ in catalogue:
        started = dialog.clock.now
        turns = run_to_the_end(dialog, "ask heart to heart for a listening exercise", content)
        exercise_id = finished(turns, content)
        done.append(exercise_id)
        ex = listening_library.find(content, exercise_id)
        assert ex is not None
        assert dialog.clock.now - started >= timedelta(seconds=ex.timed_seconds)
        assert sum(t.speech.count("(chime)") for t in turns) >= sum(1 for s in ex.steps if s.turn)
        dialog.clock.advance(timedelta(hours=1))
    assert sorted(done) == sorted(e.id for e in catalogue)
    household = stored_household(db_path, "couple-1")
    assert household.listening == ListeningProgress()
    assert sorted(household.exercises_done) == sorted(done)


@pytest.mark.parametrize("exercise_id", sorted(slot_names()))
def test_each_exercise_by_name_with_only_cue_words(
    handler: Handler, content: LocaleContent, exercise_id: str
) -> None:
    name = slot_names()[exercise_id]
    turns = run_to_the_end(fast(handler), f"ask heart to heart for the {name} exercise", content)
    assert finished(turns, content) == exercise_id
    ex = listening_library.find(content, exercise_id)
    assert ex is not None and says(turns[0].speech, ex.intro)


@pytest.mark.parametrize(
    ("opening", "exercise_id"),
    [
        ("ask heart to heart for the five minute check in", "daily-check-in"),
        ("ask heart to heart for an exercise about dreams", "dreams-and-hopes"),
        ("ask heart to heart for an exercise for after a hard day", "after-a-hard-day"),
    ],
)
def test_asking_for_an_exercise_the_way_people_say_it(
    handler: Handler, content: LocaleContent, opening: str, exercise_id: str
) -> None:
    turns = run_to_the_end(fast(handler), opening, content)
    assert finished(turns, content) == exercise_id


def walk(dialog: Dialog, content: LocaleContent, opening: str, steps: int) -> ChatTurn:
    """Start an exercise, let the skill pick who goes first, and take ``steps`` cues."""
    dialog.say(opening)
    turn = dialog.say("ready")
    cues = itertools.cycle(CUES)
    for _ in range(steps):
        turn = cue_on(dialog, content, turn, cues)
    return turn


@pytest.mark.parametrize("exercise_id", ["daily-check-in", "deep-listening"])
def test_a_session_ended_at_any_step_resumes_there_within_a_day(
    handler: Handler, content: LocaleContent, db_path: Path, exercise_id: str
) -> None:
    ex = listening_library.find(content, exercise_id)
    assert ex is not None
    name = slot_names()[exercise_id]
    for steps in itertools.count():
        user = f"couple-{exercise_id}-{steps}"
        dialog = fast(handler, user=user)
        turn = walk(dialog, content, f"ask heart to heart for the {name} exercise", steps)
        if not turn.session_open:
            assert steps == len(list(positions(ex)))
            break
        place = stored_household(db_path, user).listening
        dialog.end("EXCEEDED_MAX_REPROMPTS")
        dialog.clock.advance(timedelta(hours=20))
        offer = dialog.say("open heart to heart")
        assert says(offer.speech, content.variants("listening.offer_resume")), steps
        assert ex.title in offer.speech
        resumed = dialog.say("yes")
        assert resumed.session_open
        now_at = stored_household(db_path, user).listening
        assert (now_at.step, now_at.part) == (place.step, place.part), steps
        step = ex.steps[place.step]
        assert says(resumed.speech, step.split if place.part else step.narration), steps


def test_after_a_day_the_place_is_not_offered(
    handler: Handler, content: LocaleContent, db_path: Path
) -> None:
    dialog = fast(handler)
    walk(dialog, content, "ask heart to heart for the five minute check in", 3)
    dialog.end("EXCEEDED_MAX_REPROMPTS")
    dialog.clock.advance(timedelta(hours=24, minutes=5))
    greeting = dialog.say("open heart to heart")
    assert not says(greeting.speech, content.variants("listening.offer_resume"))
    assert greeting.session_open


def test_pause_and_resume_the_next_day(
    handler: Handler, content: LocaleContent, db_path: Path
) -> None:
    dialog = fast(handler)
    walk(dialog, content, "ask heart to heart for an exercise about what's on your mind", 1)
    place = stored_household(db_path, "couple-1").listening
    paused = dialog.say("pause")
    assert "(silence 1:30)" in paused.speech and paused.session_open
    assert stored_household(db_path, "couple-1").listening.paused
    assert dialog.say("").session_open  # the reprompt
    assert not dialog.say("").session_open  # Alexa closes the session; the place is kept
    dialog.clock.advance(timedelta(hours=21))
    offer = dialog.say("open heart to heart")
    assert says(offer.speech, content.variants("listening.offer_resume"))
    resumed = dialog.say("yes")
    back = stored_household(db_path, "couple-1").listening
    assert (back.step, back.paused) == (place.step, False)
    assert resumed.session_open
    cues = itertools.cycle(CUES)
    turn = resumed
    while turn.session_open:
        turn = cue_on(dialog, content, turn, cues)
    assert finished([turn], content) == "on-your-mind"


def test_pause_then_resume_in_the_same_session(
    handler: Handler, content: LocaleContent, db_path: Path
) -> None:
    dialog = fast(handler)
    walk(dialog, content, "ask heart to heart for the five minute check in", 1)
    place = stored_household(db_path, "couple-1").listening.step
    dialog.say("pause")
    turn = dialog.say("resume")
    assert turn.session_open and says(turn.speech, content.variants("listening.resumed"))
    assert stored_household(db_path, "couple-1").listening.step == place


def test_go_back_a_step(handler: Handler, content: LocaleContent, db_path: Path) -> None:
    dialog = fast(handler)
    walk(dialog, content, "ask heart to heart for the five minute check in", 2)
    before = stored_household(db_path, "couple-1").listening.step
    turn = dialog.say("go back")
    after = stored_household(db_path, "couple-1").listening.step
    assert after < before and turn.session_open
    assert says(turn.speech, content.variants("listening.back"))


@pytest.mark.parametrize("words", ["skip this step", "repeat that", "start over", "more time"])
def test_the_other_cue_words_keep_the_exercise_going(
    handler: Handler, content: LocaleContent, db_path: Path, words: str
) -> None:
    dialog = fast(handler)
    walk(dialog, content, "ask heart to heart for the five minute check in", 1)
    turn = dialog.say(words)
    within_limits(turn)
    assert turn.session_open
    assert stored_household(db_path, "couple-1").listening.exercise == "daily-check-in"


def test_we_need_a_break(handler: Handler, content: LocaleContent, db_path: Path) -> None:
    dialog = fast(handler)
    walk(dialog, content, "ask heart to heart for the deep listening exercise", 3)
    place = stored_household(db_path, "couple-1").listening
    turn = dialog.say("we need a break")
    assert not turn.session_open
    assert says(turn.speech, content.variants("listening.break"))
    kept = stored_household(db_path, "couple-1").listening
    assert (kept.step, kept.part, kept.paused) == (place.step, place.part, True)
    dialog.clock.advance(timedelta(hours=5))
    assert says(
        dialog.say("open heart to heart").speech, content.variants("listening.offer_resume")
    )
    dialog.say("no thanks")
    assert stored_household(db_path, "couple-1").listening == ListeningProgress()


def test_stop_then_ask_to_resume(handler: Handler, content: LocaleContent, db_path: Path) -> None:
    dialog = fast(handler)
    walk(dialog, content, "ask heart to heart for the appreciation exercise", 2)
    place = stored_household(db_path, "couple-1").listening.step
    stopped = dialog.say("stop")
    title = listening_library.find(content, "appreciation-exchange").title
    assert not stopped.session_open and title in stopped.speech
    dialog.clock.advance(timedelta(hours=2))
    turn = dialog.say("ask heart to heart to resume")
    assert turn.session_open
    assert says(turn.speech, content.variants("listening.welcome_back"))
    assert stored_household(db_path, "couple-1").listening.step == place


@pytest.mark.parametrize("words", ["tonight's question", "the purple elephant sings", "me"])
def test_unexpected_words_mid_exercise_get_a_reminder(
    handler: Handler, content: LocaleContent, db_path: Path, words: str
) -> None:
    dialog = fast(handler)
    walk(dialog, content, "ask heart to heart for the five minute check in", 2)
    place = stored_household(db_path, "couple-1").listening
    turn = dialog.say(words)
    assert turn.session_open
    assert says(turn.speech, content.variants("listening.remind_step"))
    assert stored_household(db_path, "couple-1").listening.step == place.step
    assert dialog.say("next").session_open


def test_names_say_who_has_the_floor(handler: Handler, content: LocaleContent) -> None:
    dialog = fast(handler)
    dialog.say("open heart to heart")
    dialog.say("call us sam and alex")
    asked = dialog.say("a listening exercise")
    assert "Sam" in asked.speech and "Alex" in asked.speech
    chosen = dialog.say("alex goes first")
    assert says(chosen.speech, content.variants("listening.goes_first"))
    assert chosen.speech.index("Alex") < chosen.speech.index("Sam")
    turn = dialog.say("ready")
    assert turn.speech.startswith("Alex")


def test_recognized_voices_are_told_apart(handler: Handler, content: LocaleContent) -> None:
    one, two = "amzn1.ask.person.ONE", "amzn1.ask.person.TWO"
    dialog = fast(handler, person_id=one)
    dialog.say("open heart to heart")
    dialog.say("help")
    dialog.conversation.person_id = two
    dialog.say("help")
    asked = dialog.say("a listening exercise")
    assert asked.response is not None
    ssml = asked.response["response"]["outputSpeech"]["ssml"]
    # Only the voice speaking now can be named by Alexa; the other is "partner one".
    assert f'personId="{two}"' in ssml and one not in ssml
    assert content.phrase("partner.one", Random(0)) in ssml
    chosen = dialog.say("me")
    assert chosen.response is not None
    ssml = chosen.response["response"]["outputSpeech"]["ssml"]
    first_named = ssml.split('personId="', 1)[1].split('"', 1)[0]
    assert first_named == two, "whoever said me goes first, named by their own voice"


def _exercise(content: LocaleContent, exercise_id: str) -> Exercise:
    found = listening_library.find(content, exercise_id)
    assert found is not None
    return found


def test_the_fast_clock_runs_twenty_minutes_in_seconds(
    handler: Handler, content: LocaleContent
) -> None:
    import time

    dialog = fast(handler)
    started_at = time.monotonic()
    simulated = dialog.clock.now
    turns = run_to_the_end(dialog, "ask heart to heart for the deep listening exercise", content)
    assert finished(turns, content) == "deep-listening"
    assert dialog.clock.now - simulated >= timedelta(minutes=19)
    assert time.monotonic() - started_at < 20
    assert _exercise(content, "deep-listening").minutes == 20


def test_next_during_a_timed_silence_ends_that_turn_early(
    handler: Handler, content: LocaleContent, db_path: Path
) -> None:
    dialog = Dialog(handler)  # a real-time clock: the next words come while the silence plays
    dialog.say("ask heart to heart for the five minute check in")
    dialog.say("ready")
    timed = dialog.say("ready")
    assert "(silence 1:00) (chime)" in timed.speech
    waiting = stored_household(db_path, "couple-1").listening.step
    early = dialog.say("next")
    assert says(early.speech, content.variants("listening.cut_short"))
    assert "(silence" not in early.speech
    assert stored_household(db_path, "couple-1").listening.step == waiting
    dialog.say("next")
    assert stored_household(db_path, "couple-1").listening.step > waiting
