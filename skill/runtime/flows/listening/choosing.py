"""Starting an exercise: which one, and who goes first.

While nobody has the floor yet (``first`` is -1) the couple can pick who starts - "me", "Sam
goes first", "you choose" - ask for another exercise, give their names, or leave; the answer
to anything else is the same question again, since nothing else makes sense yet.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from random import Random

from skill.runtime import exercises, intents
from skill.runtime.catalog import LocaleContent
from skill.runtime.exercises import Exercise
from skill.runtime.flows import journal, people, top
from skill.runtime.flows.events import Event
from skill.runtime.flows.listening.library import catalogue, suggest
from skill.runtime.flows.listening.steps import present
from skill.runtime.flows.listening.turn import GO_ON, Turn, epoch
from skill.runtime.nights import night_of
from skill.runtime.reply import Pause, Reply, Say, Segment, Silence
from skill.runtime.state import ListeningProgress, State

#: Intents that mean "you pick who goes first" (or simply "let's start").
PICK_FOR_US = frozenset({intents.YOU_CHOOSE, intents.SURPRISE, *GO_ON})
STOPPING = frozenset({intents.STOP, intents.CANCEL})


def start(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """ "A listening exercise", "the five minute check in": introduce it, ask who goes first."""
    turn = Turn(state, content, now, rng)
    available = catalogue(content)
    if not available:
        return top.fallback(state, event, content, now, rng)
    wanted = event.slots.get(intents.SLOT_EXERCISE, "")
    chosen = next((e for e in available if e.id == wanted), None)
    lead: tuple[Segment, ...] = ()
    if chosen is None:
        chosen = suggest(state.household, available)
        if event.spoken.get(intents.SLOT_EXERCISE):
            lead = (*turn.line("listening.unknown_exercise"), Pause(300))
    return _introduce(turn, chosen, lead)


def _introduce(turn: Turn, ex: Exercise, lead: tuple[Segment, ...]) -> tuple[State, Reply]:
    progress = ListeningProgress(exercise=ex.id, first=-1, started=epoch(turn.now))
    question = _who_first(turn)
    speech = (*lead, Say(turn.rng.choice(ex.intro)), Pause(500), *question)
    return _choosing(turn, progress, speech)


def _who_first(turn: Turn) -> tuple[Segment, ...]:
    return turn.line("listening.who_first", **turn.pair())


def _choosing(
    turn: Turn, progress: ListeningProgress, speech: tuple[Segment, ...]
) -> tuple[State, Reply]:
    """Keep ``progress`` and say ``speech``; the reprompt asks again who goes first."""
    state = turn.keep(progress)
    return state, Reply.ask(speech, turn.line("listening.who_first_reprompt", **turn.pair()))


def route_choose(turn: Turn, ex: Exercise, event: Event) -> tuple[State, Reply]:
    """Every intent while the couple decides who goes first."""
    name = event.intent
    if name == intents.ME_FIRST:
        return _me_first(turn, ex, event)
    if name == intents.GOES_FIRST:
        return _named_first(turn, ex, event)
    if name in PICK_FOR_US:
        first = turn.rng.randrange(2)
        return _begin(turn, ex, first, turn.line("listening.chosen", person=turn.person(first)))
    if name in (intents.ANOTHER, intents.SKIP_STEP):
        other = suggest(turn.household, catalogue(turn.content), after=ex.id)
        return _introduce(turn, other, (*turn.line("listening.switch"), Pause(300)))
    if name == intents.LISTENING:
        return start(turn.state, event, turn.content, turn.now, turn.rng)
    if name == intents.REPEAT:
        return _introduce(turn, ex, ())
    if name == intents.SET_NAMES:
        return _names_then_choose(turn, event)
    if name == intents.HELP:
        pair = turn.pair()
        speech = (*turn.line("listening.help_choose", **pair), Pause(300))
        speech += turn.line("listening.who_first", **pair)
        return _choosing(turn, turn.progress, speech)
    if name in STOPPING or name in (intents.NO, intents.BREAK):
        key = "no.goodbye" if name == intents.NO else "goodbye"
        return turn.forget(), Reply.tell(turn.line(key))
    if name == intents.PAUSE:
        speech = (*turn.line("listening.pause"), Silence(exercises.PAUSE_S), Pause(300))
        speech += _who_first(turn)
        return _choosing(turn, turn.progress, speech)
    return _choosing(turn, turn.progress, turn.line("listening.remind_choose", **turn.pair()))


def _names_then_choose(turn: Turn, event: Event) -> tuple[State, Reply]:
    """ "Call us Sam and Alex" before anyone starts: keep the names, then ask who goes first."""
    named, reply = people.set_names(turn.state, event, turn.content, turn.now, turn.rng)
    if named.session.offer == "names":  # not two names: people's re-ask, still choosing here
        return State(named.household, turn.state.session), reply
    turn = turn.with_household(named.household)
    one, two = named.household.names
    lead = (turn.content.say("names.saved", turn.rng, one=one, two=two), Pause(300))
    return _choosing(turn, turn.progress, (*lead, *_who_first(turn)))


def _me_first(turn: Turn, ex: Exercise, event: Event) -> tuple[State, Reply]:
    """ "Me": a recognized voice says who; with no names at all, whoever said it is partner one."""
    household = turn.household
    voices = household.voices
    if event.person_id and len(voices) == 2 and event.person_id in voices:
        first = voices.index(event.person_id)
        return _begin(turn, ex, first, turn.line("listening.goes_first", person=turn.person(first)))
    if len(household.names) == 2:
        return _choosing(turn, turn.progress, turn.line("listening.me_ambiguous", **turn.pair()))
    return _begin(turn, ex, 0, turn.line("listening.me_first_unnamed"))


def _named_first(turn: Turn, ex: Exercise, event: Event) -> tuple[State, Reply]:
    """ "Sam goes first", "partner two goes first"."""
    slot = event.slots.get(intents.SLOT_SPEAKER, "")
    spoken = " ".join(event.spoken.get(intents.SLOT_SPEAKER, "").lower().split())
    first = {"one": 0, "two": 1}.get(slot)
    if first is None and spoken:
        names = [n.lower() for n in turn.household.names]
        labels = [people.partner_text(turn.household, i, turn.content, turn.rng) for i in (0, 1)]
        for index in (0, 1):
            if spoken in (labels[index].lower(), names[index] if len(names) == 2 else ""):
                first = index
    if first is None:
        return _choosing(turn, turn.progress, turn.line("listening.who_unclear", **turn.pair()))
    return _begin(turn, ex, first, turn.line("listening.goes_first", person=turn.person(first)))


def _begin(turn: Turn, ex: Exercise, first: int, lead: tuple[Segment, ...]) -> tuple[State, Reply]:
    """Someone has the floor: note tonight's exercise in the journal and say the first step."""
    progress = dataclasses.replace(turn.progress, first=first, step=0, part=0, paused=False)
    turn = turn.with_household(
        journal.record(turn.household, night_of(turn.now), journal.LISTENING, ex.id)
    )
    return present(turn, ex, progress, 0, (*lead, Pause(400)))
