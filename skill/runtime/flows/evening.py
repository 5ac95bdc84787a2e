"""Shaping an evening: "we only have five minutes", "surprise us", and the weekly recap.

"Surprise us" picks across every activity in ``SURPRISES`` (kind -> entry flow), preferring
one they haven't done tonight. Adding an activity is one line there. "Five minutes" offers
what fits: tonight's question if they haven't had it, else one gratitude round each.
"What did we talk about this week" names the week's questions, exercises and games by their
text or title from the journal, never anything anyone said.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from random import Random

from skill.runtime import intents
from skill.runtime.catalog import LocaleContent
from skill.runtime.flows import games, gratitude, journal, listening, tonight
from skill.runtime.flows.events import Event
from skill.runtime.nights import night_of
from skill.runtime.reply import Pause, Reply, Say, Segment
from skill.runtime.state import JournalEntry, State

Flow = Callable[[State, Event, LocaleContent, datetime, Random], tuple[State, Reply]]


def _a_game(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """A game picked at random and started at once (a surprise shouldn't ask "which one?")."""
    every = games.games_of(content)
    if every:
        picked = {**event.slots, intents.SLOT_GAME: rng.choice(every).id}
        event = dataclasses.replace(event, slots=picked)
    return games.play(state, event, content, now, rng)


#: Everything "surprise us" can pick, by journal kind. One line per activity.
SURPRISES: dict[str, Flow] = {
    journal.QUESTION: tonight.ask_tonight,
    journal.GRATITUDE: gratitude.ask_gratitude,
    journal.LISTENING: listening.start,
    journal.GAME: _a_game,
}

#: How many of the week's questions the recap reads out (the rest are counted).
RECAP_QUESTIONS = 3


def surprise(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """Pick an activity, preferring one not done tonight, and start it."""
    night = night_of(now)
    done = {e.kind for e in state.household.journal if e.night == night}
    kinds = sorted(SURPRISES)
    fresh = [k for k in kinds if k not in done]
    kind = rng.choice(fresh or kinds)
    new_state, reply = SURPRISES[kind](state, event, content, now, rng)
    lead = (content.say("surprise.lead", rng), Pause(300))
    return new_state, dataclasses.replace(reply, speech=lead + reply.speech)


def five_minutes(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """Offer something that fits in a few minutes: one question, or one gratitude round each."""
    night = night_of(now)
    if state.household.tonight.night != night:
        session = dataclasses.replace(state.session, context="top", offer="tonight")
        return State(state.household, session), Reply.ask(
            (content.say("quick.question", rng),), (content.say("offer.tonight", rng),)
        )
    session = dataclasses.replace(
        state.session, context=gratitude.CONTEXT, offer=gratitude.OFFER_ROUND
    )
    return State(state.household, session), Reply.ask(
        (content.say("quick.gratitude", rng),), (content.say("gratitude.prompt_reprompt", rng),)
    )


def recap(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """Name what they did this week, by question text and activity title only."""
    night = night_of(now)
    entries = journal.week(state.household, night)
    if not entries:
        lines: tuple[Segment, ...] = (content.say("recap.none", rng),)
    else:
        lines = _recap_lines(
            entries, journal.nights_this_week(state.household, night), content, rng
        )
    if event.new_session:
        return state, Reply.tell(lines)
    session = dataclasses.replace(state.session, context="top", offer="tonight")
    return State(state.household, session), Reply.ask(
        (*lines, Pause(500), content.say("offer.tonight", rng)),
        (content.say("offer.tonight", rng),),
    )


def _recap_lines(
    entries: list[JournalEntry], nights: int, content: LocaleContent, rng: Random
) -> tuple[Segment, ...]:
    key = "recap.nights_one" if nights == 1 else "recap.nights"
    lines: list[Segment] = [content.say(key, rng, count=nights), Pause(300)]
    questions = journal.titles(entries, journal.QUESTION, content)
    if questions:
        lines += [content.say("recap.questions", rng), Pause(300)]
        for text in questions[:RECAP_QUESTIONS]:
            lines += [Say(text), Pause(500)]
        if len(questions) > RECAP_QUESTIONS:
            more = len(questions) - RECAP_QUESTIONS
            key = "recap.more_one" if more == 1 else "recap.more"
            lines += [content.say(key, rng, count=more), Pause(300)]
    thanks = sum(1 for e in entries if e.kind == journal.GRATITUDE)
    if thanks:
        key = "recap.gratitude_one" if thanks == 1 else "recap.gratitude"
        lines += [content.say(key, rng, count=thanks), Pause(300)]
    for kind, key in ((journal.LISTENING, "recap.listening"), (journal.GAME, "recap.games")):
        names = journal.titles(entries, kind, content)
        if names:
            lines += [content.say(key, rng, titles=journal.say_list(names, content, rng).text)]
            lines += [Pause(300)]
    return tuple(lines[:-1] if isinstance(lines[-1], Pause) else lines)
