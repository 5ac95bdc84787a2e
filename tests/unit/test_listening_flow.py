"""The listening runner as a pure flow: every transition, every limit, every resume."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from random import Random

import pytest

from skill.runtime import copying, exercises, intents
from skill.runtime.catalog import LocaleContent
from skill.runtime.exercises import CUE, END, TIMER, Exercise
from skill.runtime.flows import dialog, listening
from skill.runtime.flows.kit.events import INTENT, LAUNCH, SESSION_ENDED, Event
from skill.runtime.flows.listening import context as listening_context
from skill.runtime.flows.listening import library as listening_library
from skill.runtime.flows.listening.context import running
from skill.runtime.reply import PersonName, Reply, Say, Silence, Sound
from skill.runtime.speech import budget, to_ssml, to_text
from skill.runtime.state import HOME, Household, ListeningProgress, Place, Session, State
from tests.support.listening import positions, says, ssml_problems

NOW = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
T0 = int(NOW.timestamp())


def ask(
    state: State,
    content: LocaleContent,
    intent: str,
    now: datetime = NOW,
    slots: dict[str, str] | None = None,
    spoken: dict[str, str] | None = None,
    person_id: str = "",
    seed: int = 7,
) -> tuple[State, Reply]:
    event = Event(
        INTENT, intent=intent, slots=slots or {}, spoken=spoken or {}, person_id=person_id
    )
    return dialog.handle(state, event, content, now, Random(seed))


def launch(state: State, content: LocaleContent, now: datetime) -> tuple[State, Reply]:
    return dialog.handle(state, Event(LAUNCH, new_session=True), content, now, Random(3))


def end_session(state: State, content: LocaleContent, now: datetime) -> State:
    event = Event(SESSION_ENDED, reason="EXCEEDED_MAX_REPROMPTS")
    new_state, reply = dialog.handle(state, event, content, now, Random(5))
    assert reply.speech == () and reply.end_session is None
    return State(new_state.household, Session())


def by_id(content: LocaleContent, exercise_id: str) -> Exercise:
    found = listening_library.find(content, exercise_id)
    assert found is not None
    return found


def at(
    ex: Exercise,
    step: int,
    part: int = 0,
    first: int = 0,
    household: Household | None = None,
    updated: int = T0,
    **more: object,
) -> State:
    """A couple waiting at ``step`` (and ``part``) of ``ex``, in a listening session."""
    progress = ListeningProgress(
        exercise=ex.id, step=step, part=part, first=first, started=updated, updated=updated
    )
    progress = copying.replace(progress, **more)  # type: ignore[arg-type]
    base = household or Household()
    return State(
        copying.replace(base, listening=progress), Session(place=Place(activity=listening.NAME))
    )


def text(reply: Reply) -> str:
    return to_text(reply.speech)


def silences(reply: Reply) -> list[int]:
    return [s.seconds for s in reply.speech if isinstance(s, Silence)]


def first_cue_after_timer(ex: Exercise) -> int:
    return next(
        i for i, s in enumerate(ex.steps) if s.advance == CUE and ex.steps[i - 1].advance == TIMER
    )


@pytest.fixture
def checkin(content: LocaleContent) -> Exercise:
    return by_id(content, "daily-check-in")


@pytest.fixture
def deep(content: LocaleContent) -> Exercise:
    return by_id(content, "deep-listening")


# --- starting and choosing who goes first ----------------------------------------------------


def test_a_listening_exercise_introduces_one_and_asks_who_goes_first(
    content: LocaleContent,
) -> None:
    state, reply = ask(State(Household(), Session()), content, intents.LISTENING)
    first = listening_library.catalogue(content)[0]
    progress = state.household.listening
    assert progress.exercise == first.id and progress.first == -1 and progress.started == T0
    assert running(state)
    assert reply.end_session is False and reply.reprompt
    assert says(text(reply), first.intro)
    assert says(text(reply), content.variants("listening.who_first"))


def test_an_exercise_by_name(content: LocaleContent) -> None:
    state, reply = ask(
        State(Household(), Session()),
        content,
        intents.LISTENING,
        slots={"exercise": "a-worry-shared"},
    )
    assert state.household.listening.exercise == "a-worry-shared"
    assert says(text(reply), by_id(content, "a-worry-shared").intro)


def test_words_for_an_unknown_exercise_get_a_suggestion(content: LocaleContent) -> None:
    state, reply = ask(
        State(Household(), Session()),
        content,
        intents.LISTENING,
        spoken={"exercise": "juggling"},
    )
    assert state.household.listening.exercise == listening_library.catalogue(content)[0].id
    assert says(text(reply), content.variants("listening.unknown_exercise"))


def test_suggestions_visit_every_exercise_before_repeating(content: LocaleContent) -> None:
    catalogue = listening_library.catalogue(content)
    household = Household()
    seen = []
    for _ in catalogue:
        chosen = listening_library.suggest(household, catalogue)
        seen.append(chosen.id)
        household = copying.replace(
            household, exercises_done=[*household.exercises_done, chosen.id]
        )
    assert sorted(seen) == sorted(e.id for e in catalogue)
    assert listening_library.suggest(household, catalogue).id == seen[0]


@pytest.mark.parametrize(
    "intent", [intents.YOU_CHOOSE, intents.SURPRISE, intents.CUE, intents.NEXT]
)
def test_you_choose_or_a_cue_picks_who_goes_first(content: LocaleContent, intent: str) -> None:
    named = Household(names=["Sam", "Alex"])
    state, _ = ask(State(named, Session()), content, intents.LISTENING)
    ex = by_id(content, state.household.listening.exercise)
    chosen = set()
    for seed in range(12):
        after, reply = ask(state, content, intent, seed=seed)
        progress = after.household.listening
        chosen.add(progress.first)
        assert progress.step == 0 and reply.end_session is False
        assert says(text(reply), ex.steps[0].narration)
        assert [e.item for e in after.household.journal] == [ex.id]
    assert chosen == {0, 1}


def test_with_no_names_the_choice_says_who_partner_one_is(content: LocaleContent) -> None:
    """ "Let's have partner one go first" means nothing when nobody knows who that is."""
    state, _ = ask(State(Household(), Session()), content, intents.LISTENING)
    after, reply = ask(state, content, intents.YOU_CHOOSE)
    assert after.household.listening.first == 0
    assert says(text(reply), content.variants("listening.chosen_unnamed"))


def test_me_with_recognized_voices_tells_the_two_apart(content: LocaleContent) -> None:
    household = Household(voices=["amzn1.ask.person.A", "amzn1.ask.person.B"])
    state, _ = ask(State(household, Session()), content, intents.LISTENING)
    after, reply = ask(state, content, intents.ME_FIRST, person_id="amzn1.ask.person.B")
    assert after.household.listening.first == 1
    assert reply.speech[0] == PersonName("amzn1.ask.person.B")
    assert 'personId="amzn1.ask.person.B"' in to_ssml(reply.speech)


def test_me_with_names_but_no_voices_asks_which_of_them(content: LocaleContent) -> None:
    household = Household(names=["Sam", "Alex"])
    state, _ = ask(State(household, Session()), content, intents.LISTENING)
    after, reply = ask(state, content, intents.ME_FIRST)
    assert after.household.listening.first == -1 and reply.end_session is False
    assert "Sam" in text(reply) and "Alex" in text(reply)


def test_me_with_no_names_makes_the_speaker_partner_one(content: LocaleContent) -> None:
    state, _ = ask(State(Household(), Session()), content, intents.LISTENING)
    after, reply = ask(state, content, intents.ME_FIRST)
    assert after.household.listening.first == 0
    assert says(text(reply), content.variants("listening.me_first_unnamed"))


@pytest.mark.parametrize(
    ("slots", "spoken", "expected"),
    [
        ({"speaker": "two"}, {"speaker": "partner two"}, 1),
        ({"speaker": "one"}, {"speaker": "the first partner"}, 0),
        ({}, {"speaker": "alex"}, 1),
        ({}, {"speaker": "Sam"}, 0),
    ],
)
def test_someone_goes_first_by_name_or_number(
    content: LocaleContent, slots: dict[str, str], spoken: dict[str, str], expected: int
) -> None:
    state, _ = ask(State(Household(names=["Sam", "Alex"]), Session()), content, intents.LISTENING)
    after, reply = ask(state, content, intents.GOES_FIRST, slots=slots, spoken=spoken)
    assert after.household.listening.first == expected
    name = ["Sam", "Alex"][expected]
    assert text(reply).startswith(name) or f" {name}" in text(reply).split(".")[0]


def test_a_name_nobody_has_gets_a_clear_re_ask(content: LocaleContent) -> None:
    state, _ = ask(State(Household(names=["Sam", "Alex"]), Session()), content, intents.LISTENING)
    after, reply = ask(state, content, intents.GOES_FIRST, spoken={"speaker": "zebulon"})
    assert after.household.listening.first == -1 and reply.end_session is False
    assert says(text(reply), content.variants("listening.who_unclear"))


def test_another_one_while_choosing_switches_exercise(content: LocaleContent) -> None:
    state, _ = ask(State(Household(), Session()), content, intents.LISTENING)
    after, reply = ask(state, content, intents.ANOTHER)
    second = listening_library.catalogue(content)[1]
    assert after.household.listening.exercise == second.id
    assert says(text(reply), second.intro)


def test_unexpected_words_while_choosing_get_a_reminder(content: LocaleContent) -> None:
    state, _ = ask(State(Household(), Session()), content, intents.LISTENING)
    after, reply = ask(state, content, intents.TONIGHT)
    assert after.household.listening.exercise == state.household.listening.exercise
    assert reply.end_session is False
    assert says(text(reply), content.variants("listening.remind_choose"))


def test_stop_while_choosing_forgets_the_unstarted_exercise(content: LocaleContent) -> None:
    state, _ = ask(State(Household(), Session()), content, intents.LISTENING)
    after, reply = ask(state, content, intents.STOP)
    assert after.household.listening == ListeningProgress()
    assert reply.end_session is True


# --- moving through the steps ----------------------------------------------------------------


def test_a_cue_runs_the_timed_turn_in_one_response(
    content: LocaleContent, checkin: Exercise
) -> None:
    state = at(checkin, 0)
    after, reply = ask(state, content, intents.CUE)
    timed = checkin.steps[1]
    assert timed.advance == TIMER
    segs = reply.speech
    silence_at = next(i for i, s in enumerate(segs) if isinstance(s, Silence))
    assert segs[silence_at] == Silence(timed.turn)
    assert segs[silence_at + 1] == Sound("chime")
    assert says(to_text(segs[:silence_at]), timed.narration)
    assert says(to_text(segs[silence_at:]), checkin.steps[2].narration)
    progress = after.household.listening
    assert (progress.step, progress.part) == (2, 0)
    assert progress.turn_ends > T0 + timed.turn
    assert reply.end_session is False and reply.reprompt


@pytest.mark.parametrize("intent", [intents.NEXT, intents.CUE, intents.YES, intents.SWAP])
def test_every_go_on_word_moves_to_the_next_step(
    content: LocaleContent, checkin: Exercise, intent: str
) -> None:
    index = first_cue_after_timer(checkin)
    after, reply = ask(at(checkin, index), content, intent)
    assert after.household.listening.step > index
    assert says(text(reply), checkin.steps[index + 1].narration)


def test_the_last_timed_turn_closes_with_the_ending(
    content: LocaleContent, checkin: Exercise
) -> None:
    last_cue = max(i for i, s in enumerate(checkin.steps) if s.advance == CUE)
    household = Household(exercises_done=["dreams-and-hopes", checkin.id])
    after, reply = ask(at(checkin, last_cue, household=household), content, intents.CUE)
    assert reply.end_session is True
    assert says(text(reply), checkin.steps[-1].narration)
    assert checkin.steps[-1].advance == END
    assert after.household.listening == ListeningProgress()
    assert after.household.exercises_done == ["dreams-and-hopes", checkin.id]


def test_a_cue_during_the_silence_ends_that_turn_early(
    content: LocaleContent, checkin: Exercise
) -> None:
    _, first = ask(at(checkin, 0), content, intents.CUE)
    state, _ = ask(at(checkin, 0), content, intents.CUE)
    soon = NOW + timedelta(seconds=20)
    early, reply = ask(state, content, intents.NEXT, now=soon)
    assert early.household.listening.step == 2 and early.household.listening.turn_ends == 0
    assert says(text(reply), content.variants("listening.cut_short"))
    assert says(text(reply), checkin.steps[2].narration)
    assert silences(reply) == []
    later, reply = ask(early, content, intents.NEXT, now=soon + timedelta(seconds=5))
    assert later.household.listening.step == 4
    assert first.speech  # the turn itself was offered in full before


def test_after_the_silence_a_cue_is_not_an_interruption(
    content: LocaleContent, checkin: Exercise
) -> None:
    state, reply = ask(at(checkin, 0), content, intents.CUE)
    after = NOW + timedelta(seconds=exercises.response_seconds(reply.speech))
    moved, _ = ask(state, content, intents.NEXT, now=after)
    assert moved.household.listening.step == 4


def test_skip_this_step_passes_over_the_turn_it_sets_up(
    content: LocaleContent, checkin: Exercise
) -> None:
    index = first_cue_after_timer(checkin)
    assert checkin.steps[index + 1].advance == TIMER
    after, reply = ask(at(checkin, index), content, intents.SKIP_STEP)
    assert after.household.listening.step == index + 2
    assert silences(reply) == []
    assert says(text(reply), content.variants("listening.skip"))


def test_go_back_returns_to_the_previous_step_that_waited(
    content: LocaleContent, checkin: Exercise
) -> None:
    index = first_cue_after_timer(checkin)
    after, reply = ask(at(checkin, index), content, intents.PREVIOUS)
    previous = max(i for i in range(index) if checkin.steps[i].advance == CUE)
    assert after.household.listening.step == previous
    assert says(text(reply), content.variants("listening.back"))
    assert says(text(reply), checkin.steps[previous].narration)


def test_go_back_at_the_very_first_step_stays_there(
    content: LocaleContent, checkin: Exercise
) -> None:
    after, reply = ask(at(checkin, 0), content, intents.PREVIOUS)
    assert after.household.listening.step == 0
    assert says(text(reply), content.variants("listening.back_first"))


def test_repeat_says_the_step_again_without_the_silence(
    content: LocaleContent, checkin: Exercise
) -> None:
    index = first_cue_after_timer(checkin)
    after, reply = ask(at(checkin, index), content, intents.REPEAT)
    assert after.household.listening.step == index
    assert says(text(reply), checkin.steps[index].narration)
    assert silences(reply) == []


def test_more_time_gives_the_same_person_another_minute(
    content: LocaleContent, checkin: Exercise
) -> None:
    household = Household(names=["Sam", "Alex"])
    index = first_cue_after_timer(checkin)
    timed = checkin.steps[index - 1]
    assert timed.who == exercises.SPEAKER
    after, reply = ask(at(checkin, index, first=1, household=household), content, intents.MORE_TIME)
    assert silences(reply) == [exercises.MORE_TIME_S]
    assert Sound("chime") in reply.speech
    lead = to_text(reply.speech[: reply.speech.index(Silence(exercises.MORE_TIME_S))])
    assert "Alex" in lead and "Sam" not in lead
    assert says(text(reply), checkin.steps[index].narration)
    assert after.household.listening.step == index


def test_more_time_after_a_step_with_no_turn_is_a_quiet_minute(
    content: LocaleContent, checkin: Exercise
) -> None:
    after, reply = ask(at(checkin, 0), content, intents.MORE_TIME)
    assert silences(reply) == [exercises.MORE_TIME_S]
    assert says(text(reply), content.variants("listening.more_time_free"))
    assert after.household.listening.step == 0


def test_start_over_goes_back_to_the_first_step(content: LocaleContent, checkin: Exercise) -> None:
    after, reply = ask(at(checkin, 6, first=1), content, intents.START_OVER)
    assert after.household.listening.step == 0 and after.household.listening.first == 1
    assert says(text(reply), checkin.steps[0].narration)


def test_pause_waits_quietly_and_resume_picks_up(content: LocaleContent, checkin: Exercise) -> None:
    paused, reply = ask(at(checkin, 2), content, intents.PAUSE)
    assert paused.household.listening.paused and paused.household.listening.step == 2
    assert silences(reply) == [exercises.PAUSE_S] and reply.end_session is False
    again, reply = ask(paused, content, intents.PAUSE)
    assert again.household.listening.paused and silences(reply) == [exercises.PAUSE_S]
    resumed, reply = ask(paused, content, intents.RESUME)
    assert not resumed.household.listening.paused and resumed.household.listening.step == 2
    assert says(text(reply), checkin.steps[2].narration)


def test_words_while_paused_get_a_reminder(content: LocaleContent, checkin: Exercise) -> None:
    paused, _ = ask(at(checkin, 2), content, intents.PAUSE)
    after, reply = ask(paused, content, intents.FALLBACK)
    assert after.household.listening.paused
    assert says(text(reply), content.variants("listening.remind_paused"))


def test_we_need_a_break_keeps_the_place_and_closes(
    content: LocaleContent, checkin: Exercise
) -> None:
    after, reply = ask(at(checkin, 4), content, intents.BREAK)
    progress = after.household.listening
    assert progress.exercise == checkin.id and progress.step == 4 and progress.paused
    assert reply.end_session is True
    assert checkin.title in text(reply)


@pytest.mark.parametrize("intent", [intents.STOP, intents.CANCEL])
def test_stop_keeps_the_place_and_says_goodbye_warmly(
    content: LocaleContent, checkin: Exercise, intent: str
) -> None:
    after, reply = ask(at(checkin, 4), content, intent)
    assert after.household.listening.step == 4 and after.household.listening.exercise
    assert reply.end_session is True
    assert says(text(reply), content.variants("listening.stop"))


def test_help_says_what_works_and_keeps_the_place(
    content: LocaleContent, checkin: Exercise
) -> None:
    after, reply = ask(at(checkin, 4), content, intents.HELP)
    assert after.household.listening.step == 4 and reply.end_session is False
    assert says(text(reply), content.variants("listening.help"))


def test_no_at_a_step_means_no_rush(content: LocaleContent, checkin: Exercise) -> None:
    after, reply = ask(at(checkin, 4), content, intents.NO)
    assert after.household.listening.step == 4 and reply.end_session is False
    assert says(text(reply), content.variants("listening.no_rush"))


@pytest.mark.parametrize(
    "intent",
    [intents.FALLBACK, intents.TONIGHT, intents.PLAY_GAME, intents.ME_FIRST, intents.ANOTHER],
)
def test_unexpected_words_mid_exercise_get_a_reminder_never_a_lost_place(
    content: LocaleContent, checkin: Exercise, intent: str
) -> None:
    state = at(checkin, 4)
    after, reply = ask(state, content, intent)
    assert after.household.listening.step == 4
    assert running(after)
    assert reply.end_session is False and reply.reprompt
    assert says(text(reply), content.variants("listening.remind_step"))


def test_go_home_leaves_the_exercise_but_keeps_its_place(
    content: LocaleContent, checkin: Exercise
) -> None:
    after, reply = ask(at(checkin, 4), content, intents.NAVIGATE_HOME)
    assert after.session.place.activity == HOME
    assert after.household.listening.step == 4 and reply.end_session is False


# --- long turns in parts --------------------------------------------------------------------


def split_step(ex: Exercise) -> int:
    return next(i for i, s in enumerate(ex.steps) if len(s.parts) > 1)


def test_a_long_turn_runs_in_parts(content: LocaleContent, deep: Exercise) -> None:
    index = split_step(deep)
    parts = deep.steps[index].parts
    assert sum(parts) == deep.steps[index].turn and len(parts) == 2
    state, reply = ask(at(deep, index - 1), content, intents.CUE)
    assert silences(reply) == [parts[0]]
    assert says(text(reply), deep.steps[index].split)
    assert (state.household.listening.step, state.household.listening.part) == (index, 1)
    late = NOW + timedelta(seconds=exercises.response_seconds(reply.speech))
    state, reply = ask(state, content, intents.MORE_TIME, now=late)
    assert silences(reply) == [parts[1]]
    assert says(text(reply), content.variants("listening.keep_going"))
    assert says(text(reply), deep.steps[index + 1].narration)
    assert (state.household.listening.step, state.household.listening.part) == (index + 1, 0)


@pytest.mark.parametrize("intent", [intents.NEXT, intents.CUE, intents.NO, intents.SKIP_STEP])
def test_next_between_parts_ends_the_turn(
    content: LocaleContent, deep: Exercise, intent: str
) -> None:
    index = split_step(deep)
    after, reply = ask(at(deep, index, part=1), content, intent)
    assert silences(reply) == []
    assert says(text(reply), deep.steps[index + 1].narration)
    assert (after.household.listening.step, after.household.listening.part) == (index + 1, 0)


def test_repeat_and_go_back_between_parts(content: LocaleContent, deep: Exercise) -> None:
    index = split_step(deep)
    same, reply = ask(at(deep, index, part=1), content, intents.REPEAT)
    assert (same.household.listening.step, same.household.listening.part) == (index, 1)
    assert says(text(reply), deep.steps[index].split)
    back, _ = ask(at(deep, index, part=1), content, intents.PREVIOUS)
    assert back.household.listening.step == index - 1
    assert back.household.listening.part == 0


def test_words_between_parts_get_the_parts_reminder(content: LocaleContent, deep: Exercise) -> None:
    index = split_step(deep)
    after, reply = ask(at(deep, index, part=1), content, intents.FALLBACK)
    assert (after.household.listening.step, after.household.listening.part) == (index, 1)
    assert says(text(reply), content.variants("listening.remind_part"))


# --- ending a session, launching again ------------------------------------------------------


def test_a_session_end_keeps_the_place(content: LocaleContent, deep: Exercise) -> None:
    state = at(deep, 4, turn_ends=T0 + 100)
    later = NOW + timedelta(minutes=3)
    kept = end_session(state, content, later)
    assert kept.household.listening.step == 4
    assert kept.household.listening.turn_ends == 0
    assert kept.household.listening.updated == int(later.timestamp())


def test_a_session_end_while_choosing_drops_the_unstarted_exercise(
    content: LocaleContent,
) -> None:
    state, _ = ask(State(Household(), Session()), content, intents.LISTENING)
    assert end_session(state, content, NOW).household.listening == ListeningProgress()


def test_a_session_end_elsewhere_leaves_a_saved_place_alone(
    content: LocaleContent, deep: Exercise
) -> None:
    state = at(deep, 4)
    elsewhere = State(state.household, Session(place=Place(activity="tonight")))
    new_state, _ = dialog.handle(
        elsewhere, Event(SESSION_ENDED), content, NOW + timedelta(hours=1), Random(1)
    )
    assert new_state.household == state.household


def _resume_at(
    content: LocaleContent, ex: Exercise, step: int, part: int, hours: float
) -> tuple[State, Reply, Reply | None]:
    state = end_session(at(ex, step, part), content, NOW)
    offered, reply = launch(state, content, NOW + timedelta(hours=hours))
    if offered.session.place.offer not in listening_context.OFFERS:
        return offered, reply, None
    resumed, answer = ask(
        offered, content, intents.YES, now=NOW + timedelta(hours=hours, minutes=1)
    )
    return resumed, reply, answer


def test_a_session_ended_at_any_place_resumes_there_within_a_day(content: LocaleContent) -> None:
    for ex in listening_library.catalogue(content):
        for step, part in positions(ex):
            resumed, offer, answer = _resume_at(content, ex, step, part, hours=23)
            where = f"{ex.id} step {step} part {part}"
            assert answer is not None, where
            assert ex.title in text(offer), where
            progress = resumed.household.listening
            assert (progress.step, progress.part) == (step, part), where
            assert running(resumed), where
            expected = ex.steps[step].split if part else ex.steps[step].narration
            assert says(text(answer), expected), where
            assert says(text(answer), content.variants("listening.welcome_back")), where


def test_after_a_day_the_launch_is_the_normal_greeting(content: LocaleContent) -> None:
    for ex in listening_library.catalogue(content):
        for step, part in positions(ex):
            state, reply, answer = _resume_at(content, ex, step, part, hours=24.5)
            assert answer is None
            assert not says(text(reply), content.variants("listening.offer_resume"))
            assert state.session.place.offer not in listening_context.OFFERS


def test_no_to_the_resume_offer_clears_it_and_goes_on(
    content: LocaleContent, deep: Exercise
) -> None:
    state = end_session(at(deep, 4), content, NOW)
    offered, _ = launch(state, content, NOW + timedelta(hours=2))
    after, reply = ask(offered, content, intents.NO, now=NOW + timedelta(hours=2))
    assert after.household.listening == ListeningProgress()
    assert reply.end_session is False
    assert says(text(reply), content.variants("offer.tonight"))
    again, reply = launch(after, content, NOW + timedelta(hours=3))
    assert again.session.place.offer not in listening_context.OFFERS


def test_something_else_at_the_resume_offer_is_answered_and_keeps_the_place(
    content: LocaleContent, deep: Exercise
) -> None:
    state = end_session(at(deep, 4), content, NOW)
    offered, _ = launch(state, content, NOW + timedelta(hours=2))
    after, reply = ask(offered, content, intents.TONIGHT, now=NOW + timedelta(hours=2))
    assert after.session.place.activity == "tonight"
    assert after.household.listening.step == 4
    assert reply.speech


def test_resume_outside_picks_up_a_saved_exercise(content: LocaleContent, deep: Exercise) -> None:
    state = end_session(at(deep, 4), content, NOW)
    after, reply = ask(state, content, intents.RESUME, now=NOW + timedelta(hours=1))
    assert running(after) and after.household.listening.step == 4
    assert says(text(reply), deep.steps[4].narration)


def test_resume_with_nothing_saved_is_tonights_question(content: LocaleContent) -> None:
    after, reply = ask(State(Household(), Session()), content, intents.RESUME)
    assert after.session.place.activity == "tonight" and reply.speech


def test_exercise_words_outside_an_exercise_offer_one(content: LocaleContent) -> None:
    offered, reply = ask(State(Household(), Session()), content, intents.CUE)
    assert offered.session.place.offer in listening_context.OFFERS and reply.end_session is False
    started, reply = ask(offered, content, intents.YES)
    assert running(started)
    assert started.household.listening.exercise
    declined, reply = ask(offered, content, intents.NO)
    assert reply.end_session is True and declined.household.listening.exercise == ""


# --- names, voices and limits ---------------------------------------------------------------


def test_names_are_capitalised_at_the_start_of_a_sentence(
    content: LocaleContent, checkin: Exercise
) -> None:
    _, reply = ask(at(checkin, 4), content, intents.CUE)
    sentences = text(reply).split(". ")
    assert any("partner" in s for s in sentences)
    assert not any(s.startswith("partner") for s in sentences)


def test_recognized_voices_are_named_with_alexa_name(
    content: LocaleContent, checkin: Exercise
) -> None:
    household = Household(voices=["amzn1.ask.person.A", "amzn1.ask.person.B"])
    _, reply = ask(at(checkin, 0, first=1, household=household), content, intents.CUE)
    ssml = to_ssml(reply.speech)
    assert '<alexa:name type="first" personId="amzn1.ask.person.B"/>' in ssml
    assert all(not (isinstance(s, Say) and "partner" in s.text) for s in reply.speech)


HOUSEHOLDS = [
    Household(),
    Household(names=["Maximiliana Josephine", "Bartholomew-Alexander"]),
    Household(voices=["amzn1.ask.person." + "A" * 80, "amzn1.ask.person." + "B" * 80]),
]
EVERY_INTENT = [
    intents.CUE,
    intents.NEXT,
    intents.YES,
    intents.NO,
    intents.RESUME,
    intents.SKIP_STEP,
    intents.MORE_TIME,
    intents.PREVIOUS,
    intents.REPEAT,
    intents.START_OVER,
    intents.PAUSE,
    intents.BREAK,
    intents.STOP,
    intents.HELP,
    intents.FALLBACK,
]


def test_every_response_of_every_exercise_is_within_the_platform_limits(
    content: LocaleContent,
) -> None:
    checked = 0
    for ex in listening_library.catalogue(content):
        for household in HOUSEHOLDS:
            for first in (0, 1):
                for step, part in positions(ex):
                    for intent in EVERY_INTENT:
                        for early in (False, True):
                            state = at(ex, step, part, first=first, household=household)
                            if early:
                                state = at(
                                    ex,
                                    step,
                                    part,
                                    first=first,
                                    household=household,
                                    turn_ends=T0 + 600,
                                )
                            _, reply = ask(state, content, intent)
                            where = f"{ex.id} {step}/{part} {intent}"
                            for speech in (reply.speech, reply.reprompt):
                                assert budget(speech).violations() == [], where
                                assert ssml_problems(to_ssml(speech)) == [], where
                                assert exercises.response_seconds(speech) <= 240, where
                            assert exercises.response_seconds(reply.reprompt) <= 90, where
                            assert reply.end_session is not None, where
                            assert reply.end_session or reply.reprompt, where
                            checked += 1
    assert checked > 1000


def test_names_given_while_choosing_are_kept_and_used(content: LocaleContent) -> None:
    state, _ = ask(State(Household(), Session()), content, intents.LISTENING)
    named, reply = ask(
        state, content, intents.SET_NAMES, spoken={"nameOne": "sam", "nameTwo": "alex"}
    )
    assert named.household.names == ["Sam", "Alex"]
    assert named.household.listening.first == -1 and reply.end_session is False
    assert running(named)
    assert "Sam" in text(reply) and "Alex" in text(reply)
    assert says(text(reply), content.variants("listening.who_first"))
    again, reply = ask(state, content, intents.SET_NAMES, spoken={"nameOne": "sam"})
    assert running(again) and reply.end_session is False
    assert again.household.names == []
