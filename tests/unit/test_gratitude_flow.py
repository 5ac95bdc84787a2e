"""Pure tests of gratitude prompts: one prompt for both, "now swap", no repeats until spent."""

from __future__ import annotations

from datetime import datetime, timedelta
from random import Random
from zoneinfo import ZoneInfo

from skill.runtime import copying, intents
from skill.runtime.catalog import GratitudePrompt, LocaleContent
from skill.runtime.flows import dialog, gratitude
from skill.runtime.flows.kit.events import INTENT, Event
from skill.runtime.reply import PersonName, Reply, Say, Silence, Sound
from skill.runtime.speech import budget
from skill.runtime.state import GratitudeProgress, Household, Session, State

NY = ZoneInfo("America/New_York")
EVENING = datetime(2026, 12, 1, 20, 0, tzinfo=NY)


def ask(name: str, new: bool = False, person: str = "") -> Event:
    return Event(INTENT, intent=name, new_session=new, person_id=person)


def run(
    state: State, event: Event, content: LocaleContent, now: datetime = EVENING, seed: int = 1
) -> tuple[State, Reply]:
    return dialog.handle(state, event, content, now, Random(seed))


def fresh() -> State:
    return State(Household(), Session())


def said(reply: Reply) -> list[str]:
    return [s.text for s in reply.speech if isinstance(s, Say)]


def prompt_in(reply: Reply, content: LocaleContent) -> GratitudePrompt:
    texts = set(said(reply))
    (found,) = [p for p in gratitude.prompts(content) if p.text in texts]
    return found


def with_only(content: LocaleContent, swap: bool) -> GratitudeProgress:
    """Progress where every prompt but one kind (swap or not) has been heard."""
    heard = [p.id for p in gratitude.prompts(content) if p.swap != swap]
    return GratitudeProgress(heard=heard)


def test_two_hundred_and_fifty_prompts_or_more_of_every_kind(content: LocaleContent) -> None:
    every = gratitude.prompts(content)
    assert len(every) >= 250
    assert {p.kind for p in every} == {
        "today",
        "qualities",
        "memories",
        "growth",
        "looking_forward",
        "effort",
        "support",
        "small_things",
        "together",
    }
    assert any(p.swap for p in every) and any(not p.swap for p in every)


def test_a_prompt_is_said_to_both_and_marked_heard(content: LocaleContent) -> None:
    state, reply = run(fresh(), ask(intents.GRATITUDE), content)
    prompt = prompt_in(reply, content)
    assert state.household.gratitude.heard == [prompt.id]
    assert state.household.gratitude.prompt == prompt.id
    assert state.household.gratitude.night == "2026-12-01"
    assert reply.end_session is False and reply.reprompt
    assert state.session.place.activity == gratitude.NAME
    assert budget(reply.speech).violations() == []


def test_a_swap_prompt_gives_the_first_partner_a_quiet_turn_then_offers_to_swap(
    content: LocaleContent,
) -> None:
    state = State(Household(gratitude=with_only(content, swap=True)), Session())
    state, reply = run(state, ask(intents.GRATITUDE), content)
    assert prompt_in(reply, content).swap
    assert any(isinstance(s, Silence) and s.seconds >= 20 for s in reply.speech)
    assert Sound("chime") in reply.speech
    assert "partner one" in said(reply)
    assert set(said(reply)) & set(content.variants("gratitude.swap_offer"))
    assert state.session.place.offer == gratitude.OFFER_SWAP


def test_yes_to_swap_hands_the_same_prompt_to_the_other_partner(content: LocaleContent) -> None:
    state = State(Household(gratitude=with_only(content, swap=True)), Session())
    state, first = run(state, ask(intents.GRATITUDE), content)
    prompt = prompt_in(first, content)
    for answer in (intents.YES, intents.SWAP):
        _, swapped = run(state, ask(answer), content, seed=2)
        assert prompt.text in said(swapped)
        assert "partner two" in said(swapped)
        # The one who heard it says what it meant, in a quiet of its own, then a warm close.
        assert set(said(swapped)) & set(content.variants("gratitude.respond"))
        assert set(said(swapped)) & set(content.variants("gratitude.respond_done"))
        assert swapped.end_session is False


def test_no_to_swap_is_fine_and_offers_another(content: LocaleContent) -> None:
    state = State(Household(gratitude=with_only(content, swap=True)), Session())
    state, _ = run(state, ask(intents.GRATITUDE), content)
    state, reply = run(state, ask(intents.NO), content)
    assert set(said(reply)) & set(content.variants("gratitude.no_swap_ok"))
    assert state.session.place.offer == gratitude.OFFER_MORE
    heard = list(state.household.gratitude.heard)
    state, another = run(state, ask(intents.YES), content, seed=3)
    assert state.household.gratitude.heard == [*heard, prompt_in(another, content).id]


def test_a_together_prompt_has_nothing_to_swap(content: LocaleContent) -> None:
    state = State(Household(gratitude=with_only(content, swap=False)), Session())
    state, reply = run(state, ask(intents.GRATITUDE), content)
    assert not prompt_in(reply, content).swap
    assert state.session.place.offer == gratitude.OFFER_MORE
    assert not set(said(reply)) & set(content.variants("gratitude.swap_offer"))
    _, swapped = run(state, ask(intents.SWAP), content)
    assert set(said(swapped)) & set(content.variants("gratitude.no_swap"))


def test_one_shot_says_the_prompt_and_who_starts_then_closes(content: LocaleContent) -> None:
    state = State(Household(gratitude=with_only(content, swap=True)), Session())
    state, reply = run(state, ask(intents.GRATITUDE, new=True), content)
    prompt_in(reply, content)
    assert reply.end_session is True and not reply.reprompt
    assert not any(isinstance(s, Silence) for s in reply.speech)
    assert "partner one" in said(reply)
    _, swapped = run(state, ask(intents.SWAP, new=True), content)
    assert swapped.end_session is True and "partner two" in said(swapped)


def test_swap_with_no_prompt_tonight_offers_one(content: LocaleContent) -> None:
    state, reply = run(fresh(), ask(intents.SWAP), content)
    assert set(said(reply)) & set(content.variants("gratitude.nothing_to_swap"))
    state, given = run(state, ask(intents.YES), content)
    prompt_in(given, content)
    yesterday = copying.replace(state.household.gratitude, night="2026-11-30")
    stale = State(copying.replace(state.household, gratitude=yesterday), state.session)
    _, reply = run(stale, ask(intents.SWAP), content)
    assert set(said(reply)) & set(content.variants("gratitude.nothing_to_swap"))


def test_no_repeats_until_every_prompt_is_heard_then_a_new_cycle(content: LocaleContent) -> None:
    every = gratitude.prompts(content)
    state = fresh()
    seen: list[str] = []
    for night in range(len(every)):
        now = EVENING + timedelta(days=night)
        state, reply = run(state, ask(intents.GRATITUDE, new=True), content, now=now, seed=night)
        seen.append(prompt_in(reply, content).id)
        assert len(state.household.gratitude.heard) <= len(every)
    assert len(set(seen)) == len(every)
    now = EVENING + timedelta(days=len(every))
    state, reply = run(state, ask(intents.GRATITUDE, new=True), content, now=now)
    assert state.household.gratitude.cycle == 2
    assert set(said(reply)) & set(content.variants("gratitude.new_cycle"))
    assert prompt_in(reply, content).id != seen[-1]
    assert len(state.household.gratitude.heard) == 1


def test_recognized_voices_are_named_by_alexa(content: LocaleContent) -> None:
    household = Household(voices=["amzn1.ask.person.A", "amzn1.ask.person.B"])
    household.gratitude = with_only(content, swap=True)
    state, reply = run(State(household, Session()), ask(intents.GRATITUDE), content)
    assert PersonName("amzn1.ask.person.A") in reply.speech
    _, swapped = run(state, ask(intents.SWAP), content)
    assert PersonName("amzn1.ask.person.B") in swapped.speech


def test_given_names_are_used(content: LocaleContent) -> None:
    household = Household(names=["Sam", "Alex"], gratitude=with_only(content, swap=True))
    state, reply = run(State(household, Session()), ask(intents.GRATITUDE), content)
    assert "Sam" in said(reply)
    _, swapped = run(state, ask(intents.YES), content)
    assert "Alex" in said(swapped)


def test_help_and_fallback_inside_gratitude_stay_with_gratitude(content: LocaleContent) -> None:
    state, _ = run(fresh(), ask(intents.GRATITUDE), content)
    _, helped = run(state, ask(intents.HELP), content)
    assert set(said(helped)) & set(content.variants("help.gratitude"))
    assert helped.end_session is False
    _, missed = run(state, ask(intents.FALLBACK), content)
    # Words after a turn are the couple still talking: more quiet, never "I didn't catch that".
    assert said(missed)[0] in content.variants("talk.more")
    assert not set(said(missed)) & set(content.variants("fallback.top"))
    _, question = run(state, ask(intents.TONIGHT), content)
    assert {q.text for q in content.questions} & set(said(question))
