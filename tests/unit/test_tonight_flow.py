"""Pure tests of tonight's question: stability, no repeats, cycles, steering, favourites."""

from __future__ import annotations

from datetime import datetime, timedelta
from random import Random
from zoneinfo import ZoneInfo

import pytest

from skill.runtime import copying, intents
from skill.runtime.catalog import LocaleContent
from skill.runtime.flows import dialog, tonight
from skill.runtime.flows.kit.events import INTENT, LAUNCH, Event
from skill.runtime.reply import Reply, Say
from skill.runtime.state import HISTORY_NIGHTS, Household, QuestionPrefs, Session, State

NY = ZoneInfo("America/New_York")
EVENING = datetime(2026, 12, 1, 20, 0, tzinfo=NY)


def ask(name: str, new: bool = False, **slots: str) -> Event:
    return Event(INTENT, intent=name, slots=slots, new_session=new)


def run(
    state: State, event: Event, content: LocaleContent, now: datetime = EVENING, seed: int = 1
) -> tuple[State, Reply]:
    return dialog.handle(state, event, content, now, Random(seed))


def spoken_question_ids(reply: Reply, content: LocaleContent) -> list[str]:
    texts = {seg.text for seg in reply.speech if isinstance(seg, Say)}
    return [q.id for q in content.questions if q.text in texts]


def fresh() -> State:
    return State(Household(), Session())


def test_tonight_speaks_a_deck_question_and_marks_it_heard(content: LocaleContent) -> None:
    state, reply = run(fresh(), ask(intents.TONIGHT), content)
    (qid,) = spoken_question_ids(reply, content)
    assert state.household.tonight.question_id == qid
    assert state.household.heard == [qid]
    assert reply.end_session is False and reply.reprompt


def test_same_evening_gives_the_same_question_even_after_midnight(content: LocaleContent) -> None:
    state, first = run(fresh(), ask(intents.TONIGHT), content)
    later = EVENING + timedelta(hours=6, minutes=30)  # 2:30 a.m., still the same night
    _, again = run(state, ask(intents.TONIGHT), content, now=later, seed=99)
    assert spoken_question_ids(again, content) == spoken_question_ids(first, content)


def test_night_turns_over_at_four_am(content: LocaleContent) -> None:
    state, first = run(fresh(), ask(intents.TONIGHT), content)
    after_four = EVENING.replace(day=2, hour=4, minute=1)
    _, next_night = run(state, ask(intents.TONIGHT), content, now=after_four, seed=1)
    assert spoken_question_ids(next_night, content) != spoken_question_ids(first, content)


def test_nights_never_repeat_until_the_matching_deck_is_spent(content: LocaleContent) -> None:
    state = fresh()
    pool = {q.id for q in tonight.candidates(state.household, content)}
    seen: list[str] = []
    for night in range(len(pool)):
        now = EVENING + timedelta(days=night)
        state, reply = run(state, ask(intents.TONIGHT), content, now=now, seed=night)
        seen.extend(spoken_question_ids(reply, content))
    assert len(seen) == len(set(seen)) == len(pool)
    assert set(seen) == pool
    cycle_before = state.household.cycle
    now = EVENING + timedelta(days=len(pool))
    state, reply = run(state, ask(intents.TONIGHT), content, now=now)
    assert state.household.cycle == cycle_before + 1
    cycle_notices = set(content.variants("tonight.new_cycle"))
    assert any(isinstance(s, Say) and s.text in cycle_notices for s in reply.speech)


def test_another_gives_a_different_question_and_the_skipped_one_stays_heard(
    content: LocaleContent,
) -> None:
    state, first = run(fresh(), ask(intents.TONIGHT), content)
    (first_id,) = spoken_question_ids(first, content)
    state, second = run(state, ask(intents.ANOTHER), content, seed=5)
    (second_id,) = spoken_question_ids(second, content)
    assert second_id != first_id
    assert {first_id, second_id} <= set(state.household.heard)
    assert state.household.tonight.question_id == second_id


def test_one_shot_answers_and_closes(content: LocaleContent) -> None:
    _, reply = run(fresh(), ask(intents.TONIGHT, new=True), content)
    assert reply.end_session is True
    assert not reply.reprompt
    assert spoken_question_ids(reply, content)


def test_keep_it_light_is_honoured_and_remembered(content: LocaleContent) -> None:
    state, reply = run(fresh(), ask(intents.SET_DEPTH, depth="light"), content)
    assert state.household.prefs.depth == 1
    for night in range(1, 15):
        now = EVENING + timedelta(days=night)
        state, reply = run(state, ask(intents.TONIGHT), content, now=now, seed=night)
        (qid,) = spoken_question_ids(reply, content)
        question = content.question(qid)
        assert question is not None and question.depth == 1


def test_go_deeper_asks_deep_questions(content: LocaleContent) -> None:
    state, reply = run(fresh(), ask(intents.SET_DEPTH, depth="deep"), content)
    (qid,) = spoken_question_ids(reply, content)
    question = content.question(qid)
    assert question is not None and question.depth == 3
    assert state.household.prefs == QuestionPrefs(deeper_night="2026-12-01")


def test_go_deeper_is_for_tonight_and_the_next_night_starts_at_the_usual_level(
    content: LocaleContent,
) -> None:
    state, _ = run(fresh(), ask(intents.SET_DEPTH, depth="light"), content)
    state, deep = run(state, ask(intents.SET_DEPTH, depth="deep"), content)
    state, again = run(state, ask(intents.ANOTHER), content, seed=3)
    for reply in (deep, again):
        (qid,) = spoken_question_ids(reply, content)
        assert content.question(qid).depth == 3  # type: ignore[union-attr]
    state, tomorrow = run(state, ask(intents.TONIGHT), content, now=EVENING + timedelta(days=1))
    (qid,) = spoken_question_ids(tomorrow, content)
    assert content.question(qid).depth == 1  # type: ignore[union-attr]
    assert state.household.prefs.depth == 1, "keep it light is still their usual level"


def test_default_depth_never_pushes_deep(content: LocaleContent) -> None:
    depths = {q.depth for q in tonight.candidates(Household(), content)}
    assert depths == {1, 2}


def test_theme_steers_and_is_remembered_until_cleared(content: LocaleContent) -> None:
    state, reply = run(fresh(), ask(intents.QUESTION_ABOUT, theme="dreams"), content)
    (qid,) = spoken_question_ids(reply, content)
    assert content.question(qid).theme == "dreams"  # type: ignore[union-attr]
    state, reply = run(state, ask(intents.TONIGHT), content, now=EVENING + timedelta(days=1))
    (qid,) = spoken_question_ids(reply, content)
    assert content.question(qid).theme == "dreams"  # type: ignore[union-attr]
    state, _ = run(state, ask(intents.QUESTION_ABOUT, theme=intents.ANY_THEME), content)
    assert state.household.prefs.theme is None


def test_unknown_theme_reasks_without_changing_anything(content: LocaleContent) -> None:
    start = fresh()
    state, reply = run(start, ask(intents.QUESTION_ABOUT, theme=""), content)
    assert state.household == start.household
    assert reply.end_session is False and reply.reprompt


def test_missing_depth_reasks(content: LocaleContent) -> None:
    state, reply = run(fresh(), ask(intents.SET_DEPTH), content)
    assert state.household.prefs.depth is None
    assert reply.end_session is False


def test_save_and_play_favourite(content: LocaleContent) -> None:
    state, first = run(fresh(), ask(intents.TONIGHT), content)
    (qid,) = spoken_question_ids(first, content)
    state, _ = run(state, ask(intents.SAVE_FAVOURITE), content)
    assert state.household.favourites == [qid]
    state, _ = run(state, ask(intents.SAVE_FAVOURITE), content)
    assert state.household.favourites == [qid], "saving twice keeps one copy"
    state, played = run(state, ask(intents.PLAY_FAVOURITE), content)
    assert spoken_question_ids(played, content) == [qid]


def test_favourite_with_nothing_saved_offers_tonight(content: LocaleContent) -> None:
    state, reply = run(fresh(), ask(intents.PLAY_FAVOURITE), content)
    assert state.session.place.offer == "tonight"
    assert reply.end_session is False


def test_save_with_no_question_in_play_changes_nothing(content: LocaleContent) -> None:
    start = fresh()
    state, reply = run(start, ask(intents.SAVE_FAVOURITE), content)
    assert state.household.favourites == []
    assert reply.end_session is False


def test_last_nights_question(content: LocaleContent) -> None:
    state, first = run(fresh(), ask(intents.TONIGHT), content)
    (yesterday_id,) = spoken_question_ids(first, content)
    tomorrow = EVENING + timedelta(days=1)
    state, _ = run(state, ask(intents.TONIGHT), content, now=tomorrow)
    _, reply = run(state, ask(intents.LAST_NIGHT), content, now=tomorrow)
    assert spoken_question_ids(reply, content) == [yesterday_id]
    assert any(
        s.text in content.variants("last_night.was") for s in reply.speech if isinstance(s, Say)
    )


def test_last_night_with_a_gap_says_it_was_earlier(content: LocaleContent) -> None:
    state, _ = run(fresh(), ask(intents.TONIGHT), content)
    later = EVENING + timedelta(days=3)
    _, reply = run(state, ask(intents.LAST_NIGHT), content, now=later)
    said = {s.text for s in reply.speech if isinstance(s, Say)}
    assert said & set(content.variants("last_night.earlier"))


def test_last_night_with_no_history(content: LocaleContent) -> None:
    state, reply = run(fresh(), ask(intents.LAST_NIGHT), content)
    assert state.session.place.offer == "tonight"
    assert reply.end_session is False


def test_history_is_bounded(content: LocaleContent) -> None:
    state = fresh()
    for night in range(HISTORY_NIGHTS + 10):
        state, _ = run(state, ask(intents.TONIGHT), content, now=EVENING + timedelta(days=night))
    assert len(state.household.history) == HISTORY_NIGHTS


def test_follow_up_speaks_the_questions_follow_up(content: LocaleContent) -> None:
    state, first = run(fresh(), ask(intents.TONIGHT), content)
    (qid,) = spoken_question_ids(first, content)
    _, reply = run(state, ask(intents.FOLLOW_UP), content)
    question = content.question(qid)
    assert question is not None
    said = [s.text for s in reply.speech if isinstance(s, Say)]
    if question.follow_up:
        assert question.follow_up in said
    else:
        assert set(said) & set(content.variants("follow_up.none"))


def test_a_question_removed_from_the_deck_is_not_asked_again(content: LocaleContent) -> None:
    household = Household(heard=["gone-01"])
    household = copying.replace(
        household,
        tonight=copying.replace(household.tonight, night="2026-12-01", question_id="gone-01"),
    )
    state, reply = run(State(household, Session()), ask(intents.TONIGHT), content)
    assert "gone-01" not in state.household.heard
    assert spoken_question_ids(reply, content)


def test_launch_counts_visits_and_greets_returning_couples_differently(
    content: LocaleContent,
) -> None:
    state, first = run(fresh(), Event(LAUNCH, new_session=True), content)
    state, second = run(state, Event(LAUNCH, new_session=True), content)
    assert state.household.visits == 2
    first_said = {s.text for s in first.speech if isinstance(s, Say)}
    second_said = {s.text for s in second.speech if isinstance(s, Say)}
    assert first_said & set(content.variants("launch.first"))
    assert second_said & set(content.variants("launch.returning"))
    assert first.end_session is False and second.end_session is False


@pytest.mark.parametrize("seed", range(5))
def test_flows_are_deterministic(content: LocaleContent, seed: int) -> None:
    a = run(fresh(), ask(intents.TONIGHT), content, seed=seed)
    b = run(fresh(), ask(intents.TONIGHT), content, seed=seed)
    assert a == b
