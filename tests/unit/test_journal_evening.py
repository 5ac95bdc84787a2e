"""Pure tests of the journal (streak, recap), "five minutes" and "surprise us"."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from random import Random
from zoneinfo import ZoneInfo

import pytest

from skill.runtime import copying, intents
from skill.runtime.catalog import LocaleContent
from skill.runtime.flows import dialog, evening, games, gratitude, tonight
from skill.runtime.flows.kit import journal
from skill.runtime.flows.kit.activity import Activity
from skill.runtime.flows.kit.context import Flow, FlowContext
from skill.runtime.flows.kit.events import INTENT, Event
from skill.runtime.flows.registry import ACTIVITIES, REGISTRY, Registry
from skill.runtime.reply import Reply, Say
from skill.runtime.state import Household, JournalEntry, Session, State, Together

NY = ZoneInfo("America/New_York")
EVENING = datetime(2026, 12, 1, 20, 0, tzinfo=NY)


def ask(name: str, new: bool = False) -> Event:
    return Event(INTENT, intent=name, new_session=new)


def run(
    state: State, event: Event, content: LocaleContent, now: datetime = EVENING, seed: int = 1
) -> tuple[State, Reply]:
    return dialog.handle(state, event, content, now, Random(seed))


def said(reply: Reply) -> list[str]:
    return [s.text for s in reply.speech if isinstance(s, Say)]


def night(offset: int) -> str:
    return (date(2026, 12, 1) + timedelta(days=offset)).isoformat()


def streak_lines(content: LocaleContent) -> set[str]:
    return {v.format(count=n) for v in content.variants("streak.milestone") for n in range(400)}


def test_record_counts_each_night_once_and_keeps_the_run(content: LocaleContent) -> None:
    household = Household()
    household = journal.record(household, night(0), journal.QUESTION, "q1")
    household = journal.record(household, night(0), journal.GRATITUDE, "g1")
    assert household.together == Together(last_night=night(0), run=1, total=1)
    household = journal.record(household, night(1), journal.GRATITUDE, "g2")
    assert household.together == Together(last_night=night(1), run=2, total=2)
    household = journal.record(household, night(4), journal.GRATITUDE, "g3")
    assert household.together == Together(last_night=night(4), run=1, total=3)


def test_one_question_per_night_is_kept_and_the_journal_is_bounded() -> None:
    household = Household()
    household = journal.record(household, night(0), journal.QUESTION, "q1")
    household = journal.record(household, night(0), journal.QUESTION, "q2")
    assert [(e.kind, e.item) for e in household.journal] == [(journal.QUESTION, "q2")]
    for n in range(40):
        for k in range(5):
            household = journal.record(household, night(n), journal.GRATITUDE, f"g{n}-{k}")
    assert len(household.journal) <= journal.MAX_ENTRIES
    oldest = min(e.night for e in household.journal)
    assert (date.fromisoformat(night(39)) - date.fromisoformat(oldest)).days < 14


def test_the_streak_is_mentioned_only_at_milestones(content: LocaleContent) -> None:
    """3, 7, 30, 100 and 365 evenings together get a word; the nights between get none, so
    it never becomes a line before every question."""
    household = Household()
    noted = []
    for n in range(40):
        before = household
        household = journal.record(household, night(n), journal.GRATITUDE, f"g{n}")
        if journal.streak_note(before, household, night(n), content, Random(n)):
            noted.append(n + 1)
    assert noted == [3, 7, 30]
    two = Household(together=Together(night(0), 2, 2))
    third = journal.streak_note(
        two, journal.record(two, night(1), "g", "x"), night(1), content, Random(1)
    )
    assert next(s.text for s in third if isinstance(s, Say)) in {
        v.format(count=3) for v in content.variants("streak.milestone")
    }


def test_the_streak_is_said_once_a_night_and_never_after_a_gap(content: LocaleContent) -> None:
    household = Household()
    for n in range(3):
        household = journal.record(household, night(n), journal.GRATITUDE, f"g{n}")
    before = household
    household = journal.record(household, night(2), journal.QUESTION, "q")
    assert journal.streak_note(before, household, night(2), content, Random(1)) == ()
    before = household
    household = journal.record(household, night(9), journal.GRATITUDE, "late")
    assert journal.streak_note(before, household, night(9), content, Random(1)) == ()
    assert journal.nights_this_week(household, night(9)) == 1


def test_tonights_question_records_the_night_and_mentions_the_streak(
    content: LocaleContent,
) -> None:
    state = State(Household(), Session())
    replies = []
    for n in range(3):
        now = EVENING + timedelta(days=n)
        state, reply = run(state, ask(intents.TONIGHT, new=True), content, now=now, seed=n)
        replies.append(reply)
    assert [e.kind for e in state.household.journal] == [journal.QUESTION] * 3
    assert not set(said(replies[1])) & streak_lines(content)
    assert set(said(replies[2])) & streak_lines(content)
    _, again = run(state, ask(intents.TONIGHT, new=True), content, now=EVENING + timedelta(2))
    assert not set(said(again)) & streak_lines(content), "said once a night"


def test_recap_names_the_weeks_questions_and_counts_gratitude(content: LocaleContent) -> None:
    state = State(Household(), Session())
    asked = []
    for n in range(5):
        now = EVENING + timedelta(days=n)
        state, reply = run(state, ask(intents.TONIGHT, new=True), content, now=now, seed=n)
        asked.append(state.household.tonight.question_id)
        state, _ = run(state, ask(intents.GRATITUDE, new=True), content, now=now, seed=n)
    later = EVENING + timedelta(days=4, hours=1)
    state, reply = run(state, ask(intents.WEEK_RECAP), content, now=later)
    texts = said(reply)
    spoken_questions = [q.id for q in content.questions if q.text in texts]
    assert set(spoken_questions) == set(asked[-evening.RECAP_QUESTIONS :])
    assert any(t in texts for t in (v.format(count=2) for v in content.variants("recap.more")))
    assert any(t in texts for t in (v.format(count=5) for v in content.variants("recap.gratitude")))
    prompts = {p.text for p in gratitude.prompts(content)}
    assert not prompts & set(texts), "the recap names, it doesn't replay prompts"
    # Tonight's question was asked tonight: what comes next is a gratitude prompt, not it again.
    assert reply.end_session is False and state.session.place.offer == "gratitude"


def test_recap_of_an_empty_week_and_as_a_one_shot(content: LocaleContent) -> None:
    _, reply = run(State(Household(), Session()), ask(intents.WEEK_RECAP, new=True), content)
    assert said(reply)[0] in content.variants("recap.none")
    assert reply.end_session is True


def test_recap_uses_registered_titles_for_other_activities(
    content: LocaleContent, monkeypatch: pytest.MonkeyPatch
) -> None:
    titled = copying.replace(games.ACTIVITY, title=lambda c, item: f"the {item} game")
    household = Household(
        journal=[
            JournalEntry(night(0), journal.GAME, "riddle"),
            JournalEntry(night(1), journal.GAME, "mirror"),
        ]
    )
    _, reply = dialog.handle(
        State(household, Session()),
        ask(intents.WEEK_RECAP),
        content,
        EVENING + timedelta(1),
        Random(1),
        dialog=with_activities(titled),
    )
    expected = {
        v.format(titles="the mirror game and the riddle game")
        for v in content.variants("recap.games")
    }
    assert expected & set(said(reply))


def test_five_minutes_offers_a_question_first_then_a_gratitude_round(
    content: LocaleContent,
) -> None:
    state, reply = run(State(Household(), Session()), ask(intents.SHORT_ON_TIME), content)
    assert said(reply)[0] in content.variants("quick.question")
    state, _question = run(state, ask(intents.YES), content)
    assert state.household.tonight.question_id
    state, reply = run(state, ask(intents.SHORT_ON_TIME), content)
    assert said(reply)[0] in content.variants("quick.gratitude")
    state, round_ = run(state, ask(intents.YES), content)
    (prompt,) = [p for p in gratitude.prompts(content) if p.text in said(round_)]
    assert prompt.swap, "one round each means a prompt with a swap"
    assert state.session.place.offer == gratitude.OFFER_SWAP


def with_activities(*changed: Activity) -> dialog.Dialog:
    """The skill's dialog with some activities' declarations swapped for ``changed``."""
    by_name = {a.name: a for a in changed}
    return dialog.Dialog(Registry(tuple(by_name.get(a.name, a) for a in ACTIVITIES)))


def test_surprise_prefers_what_they_havent_done_tonight(content: LocaleContent) -> None:
    called: list[str] = []

    def stub(kind: str) -> Flow:
        def flow(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
            called.append(kind)
            return state, Reply.ask((Say(kind),), (Say(kind),))

        return flow

    stubbed = with_activities(
        *(copying.replace(a, surprise=stub(a.journal_kind)) for a in ACTIVITIES if a.surprise)
    )
    kinds = sorted(REGISTRY.surprises)

    def surprise(household: Household, seed: int) -> Reply:
        event = ask(intents.SURPRISE)
        _, reply = dialog.handle(
            State(household, Session()), event, content, EVENING, Random(seed), dialog=stubbed
        )
        return reply

    for seed in range(40):
        surprise(Household(), seed)
    assert set(called) == set(kinds), "every activity can be the surprise"
    done_tonight = Household(
        journal=[JournalEntry("2026-12-01", k, "x") for k in kinds if k != journal.GRATITUDE]
    )
    called.clear()
    for seed in range(10):
        reply = surprise(done_tonight, seed)
        assert said(reply)[0] in content.variants("surprise.lead")
    assert set(called) == {journal.GRATITUDE}


def test_surprise_starts_each_real_activity(content: LocaleContent) -> None:
    for kind in REGISTRY.surprises:
        done_tonight = Household(
            journal=[JournalEntry("2026-12-01", k, "x") for k in REGISTRY.surprises if k != kind]
        )
        state, reply = run(State(done_tonight, Session()), ask(intents.SURPRISE), content)
        assert said(reply)[0] in content.variants("surprise.lead")
        assert len(said(reply)) > 1 and reply.end_session is False, kind
        assert state != State(done_tonight, Session()), kind


def test_surprise_covers_every_activity_the_dialog_offers() -> None:
    entries = set(REGISTRY.intent_flows.values())
    assert tonight.ask_tonight in REGISTRY.surprises.values()
    assert gratitude.ask_gratitude in REGISTRY.surprises.values()
    assert set(REGISTRY.surprises) == {
        journal.QUESTION,
        journal.GRATITUDE,
        journal.LISTENING,
        journal.GAME,
    }
    assert {f for k, f in REGISTRY.surprises.items() if k != journal.GAME} <= entries
