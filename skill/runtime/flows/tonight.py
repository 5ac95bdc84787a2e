"""Tonight's question: one question a night, the same all evening, no repeats until spent.

The deck is filtered by the couple's preferences (depth and theme). Every question drawn
counts as heard, including skipped ones, so "another one" never circles back. When every
matching question has been heard, a new cycle starts and the skill says so.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from random import Random

from skill.runtime import draws, intents
from skill.runtime.catalog import LocaleContent, Question
from skill.runtime.flows import journal
from skill.runtime.flows.events import Event
from skill.runtime.nights import night_of, previous_night
from skill.runtime.reply import Display, Pause, Reply, Say, Segment
from skill.runtime.state import (
    HISTORY_NIGHTS,
    MAX_FAVOURITES,
    Household,
    NightEntry,
    State,
    Tonight,
)

#: Depths offered when the couple set no preference: light and personal, never pushed deep.
DEFAULT_DEPTHS = frozenset({1, 2})
DEPTH_BY_SLOT = {"light": 1, "personal": 2, "deep": 3}
CONTEXT = "question"


def allowed_depths(depth: int | None) -> frozenset[int]:
    return DEFAULT_DEPTHS if depth is None else frozenset({depth})


def candidates(household: Household, content: LocaleContent) -> list[Question]:
    """Questions matching the preferences, widening the filter rather than running dry."""
    prefs = household.prefs
    deck = content.questions
    depths = allowed_depths(prefs.depth)
    matching = [q for q in deck if q.depth in depths and prefs.theme in (None, q.theme)]
    if not matching and prefs.theme is not None:
        matching = [q for q in deck if q.theme == prefs.theme]
    return matching or list(deck)


def draw(
    household: Household, content: LocaleContent, rng: Random, avoid: str = ""
) -> tuple[Household, Question, bool]:
    """Pick an unheard matching question; start a new cycle when none is left.

    Returns the household with the question marked heard, the question, and whether a new
    cycle began (the skill tells the couple, so a familiar question isn't a surprise).
    """
    pool = candidates(household, content)
    heard = [qid for qid in household.heard if content.question(qid) is not None]
    heard_set = set(heard)
    fresh = [q for q in pool if q.id not in heard_set]
    cycle = household.cycle
    new_cycle = False
    if not fresh:
        pool_ids = {q.id for q in pool}
        heard = [qid for qid in heard if qid not in pool_ids]
        fresh = [q for q in pool if q.id != avoid] or pool
        cycle += 1
        new_cycle = True
    question = draws.next_fresh(fresh, household.seed, rng, lambda q: (q.depth, q.theme), _id)
    updated = dataclasses.replace(household, heard=[*heard, question.id], cycle=cycle)
    return updated, question, new_cycle


def _id(item: Question) -> str:
    return item.id


def record_tonight(household: Household, night: str, question_id: str) -> Household:
    """Make ``question_id`` tonight's question and remember it in the short history."""
    history = [e for e in household.history if e.night != night]
    history.append(NightEntry(night=night, question_id=question_id))
    history.sort(key=lambda e: e.night)
    household = journal.record(household, night, journal.QUESTION, question_id)
    return dataclasses.replace(
        household,
        tonight=Tonight(night=night, question_id=question_id),
        history=history[-HISTORY_NIGHTS:],
    )


def current_question(state: State, content: LocaleContent, now: datetime) -> Question | None:
    """The question in play: this session's, else tonight's if it is still tonight."""
    if state.session.question_id:
        found = content.question(state.session.question_id)
        if found:
            return found
    tonight = state.household.tonight
    if tonight.night == night_of(now):
        return content.question(tonight.question_id)
    return None


def present(
    state: State,
    question: Question,
    lead: tuple[Segment, ...],
    event: Event,
    content: LocaleContent,
    rng: Random,
) -> tuple[State, Reply]:
    """Speak a question; one-shot requests close the session, open sessions offer a next step."""
    session = dataclasses.replace(
        state.session,
        context=CONTEXT,
        question_id=question.id,
        offer="another",
    )
    speech: tuple[Segment, ...] = (*lead, Pause(400), Say(question.text))
    card = (content.phrase("card.tonight_title", rng), question.text)
    if event.new_session:
        reply = Reply.tell((*speech, Pause(600), content.say("tonight.one_shot_close", rng)))
    else:
        reply = Reply.ask(
            (*speech, Pause(900), content.say("tonight.next_step", rng)),
            (content.say("tonight.reprompt", rng),),
        )
    return State(state.household, session), reply.with_card(*card)


def screen(state: State, content: LocaleContent, rng: Random) -> Display | None:
    """While a question is in play the screen keeps showing it, as its card did."""
    question = content.question(state.session.question_id)
    if question is None:
        return None
    return Display(title=content.phrase("card.tonight_title", rng), text=question.text)


def ask_tonight(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """Tonight's question: the same one all evening; a fresh one once the night turns over."""
    night = night_of(now)
    household = state.household
    existing = content.question(household.tonight.question_id)
    if household.tonight.night == night and existing is not None:
        return present(state, existing, (content.say("tonight.still", rng),), event, content, rng)
    household, question, new_cycle = draw(household, content, rng)
    household = record_tonight(household, night, question.id)
    lead = (
        *journal.streak_note(state.household, household, night, content, rng),
        *_cycle_lead(new_cycle, content, rng),
        content.say("tonight.intro", rng),
    )
    return present(State(household, state.session), question, lead, event, content, rng)


def ask_another(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """A different question; the one skipped stays heard, and the new one becomes tonight's."""
    current = current_question(state, content, now)
    household, question, new_cycle = draw(
        state.household, content, rng, avoid=current.id if current else ""
    )
    household = record_tonight(household, night_of(now), question.id)
    lead = (*_cycle_lead(new_cycle, content, rng), content.say("another.intro", rng))
    return present(State(household, state.session), question, lead, event, content, rng)


def follow_up(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """The current question's follow-up, to keep a good conversation going."""
    question = current_question(state, content, now)
    if question is None:
        return _offer_tonight(state, "follow_up.nothing", content, rng)
    if question.follow_up:
        lead: tuple[Segment, ...] = (Say(question.follow_up),)
    else:
        lead = (content.say("follow_up.none", rng),)
    session = dataclasses.replace(state.session, context=CONTEXT, question_id=question.id)
    return State(state.household, session), Reply.ask(
        (*lead, Pause(900), content.say("tonight.next_step", rng)),
        (content.say("tonight.reprompt", rng),),
    )


def save_favourite(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """Keep the current question among the couple's favourites."""
    question = current_question(state, content, now)
    if question is None:
        return _offer_tonight(state, "favourite.nothing_to_save", content, rng)
    household = state.household
    if question.id in household.favourites:
        key = "favourite.already"
    else:
        key = "favourite.saved"
        favourites = [*household.favourites, question.id][-MAX_FAVOURITES:]
        household = dataclasses.replace(household, favourites=favourites)
    return _after(State(household, state.session), key, event, content, rng)


def play_favourite(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """Replay one of the saved questions (it doesn't change tonight's question)."""
    saved = [q for q in map(content.question, state.household.favourites) if q is not None]
    if not saved:
        return _offer_tonight(state, "favourite.none_yet", content, rng)
    current = state.session.question_id
    choice = rng.choice([q for q in saved if q.id != current] or saved)
    return present(state, choice, (content.say("favourite.intro", rng),), event, content, rng)


def last_night(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """Say the most recent question from a night before tonight."""
    tonight = night_of(now)
    earlier = [e for e in state.household.history if e.night < tonight]
    found = content.question(earlier[-1].question_id) if earlier else None
    if not earlier or found is None:
        return _offer_tonight(state, "last_night.none", content, rng)
    key = "last_night.was" if earlier[-1].night == previous_night(tonight) else "last_night.earlier"
    speech = (content.say(key, rng), Pause(300), Say(found.text))
    if event.new_session:
        return state, Reply.tell(speech)
    session = dataclasses.replace(state.session, offer="tonight", context="top")
    return State(state.household, session), Reply.ask(
        (*speech, Pause(700), content.say("offer.tonight", rng)),
        (content.say("offer.tonight", rng),),
    )


def set_depth(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """Remember "keep it light" or "go deeper", and ask a question at that depth right away."""
    depth = DEPTH_BY_SLOT.get(event.slots.get(intents.SLOT_DEPTH, ""))
    if depth is None:
        session = dataclasses.replace(state.session, offer="")
        return State(state.household, session), Reply.ask(
            (content.say("depth.unclear", rng),), (content.say("depth.unclear", rng),)
        )
    prefs = dataclasses.replace(state.household.prefs, depth=depth)
    household = dataclasses.replace(state.household, prefs=prefs)
    return _fresh_for_prefs(
        State(household, state.session), f"depth.set_{depth}", event, content, now, rng
    )


def question_about(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """Steer to a theme ("a question about dreams"), remembered for the nights after."""
    theme = event.slots.get(intents.SLOT_THEME, "")
    known = {q.theme for q in content.questions}
    if theme == intents.ANY_THEME:
        prefs = dataclasses.replace(state.household.prefs, theme=None)
        key = "theme.cleared"
    elif theme in known:
        prefs = dataclasses.replace(state.household.prefs, theme=theme)
        key = f"theme.set_{theme}"
    else:
        return state, Reply.ask(
            (content.say("theme.unclear", rng),), (content.say("theme.unclear", rng),)
        )
    household = dataclasses.replace(state.household, prefs=prefs)
    return _fresh_for_prefs(State(household, state.session), key, event, content, now, rng)


def _fresh_for_prefs(
    state: State, lead_key: str, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    household, question, new_cycle = draw(state.household, content, rng)
    household = record_tonight(household, night_of(now), question.id)
    lead = (content.say(lead_key, rng), *_cycle_lead(new_cycle, content, rng))
    return present(State(household, state.session), question, lead, event, content, rng)


def _cycle_lead(new_cycle: bool, content: LocaleContent, rng: Random) -> tuple[Segment, ...]:
    return (content.say("tonight.new_cycle", rng), Pause(300)) if new_cycle else ()


def _offer_tonight(
    state: State, key: str, content: LocaleContent, rng: Random
) -> tuple[State, Reply]:
    session = dataclasses.replace(state.session, offer="tonight")
    return State(state.household, session), Reply.ask(
        (content.say(key, rng), Pause(300), content.say("offer.tonight", rng)),
        (content.say("offer.tonight", rng),),
    )


def _after(
    state: State, key: str, event: Event, content: LocaleContent, rng: Random
) -> tuple[State, Reply]:
    if event.new_session:
        return state, Reply.tell((content.say(key, rng),))
    return state, Reply.ask(
        (content.say(key, rng), Pause(500), content.say("tonight.next_step", rng)),
        (content.say("tonight.reprompt", rng),),
    )
