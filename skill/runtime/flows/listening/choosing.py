"""Starting an exercise: which one, and who goes first.

While nobody has the floor yet (``first`` is -1) the couple can pick who starts - "me", "Sam
goes first", "you choose" - ask for another exercise, give their names, or leave; the answer
to anything else is the same question again, since nothing else makes sense yet.
"""

from __future__ import annotations

from skill.runtime import copying, exercises, intents
from skill.runtime.exercises import Exercise
from skill.runtime.flows.kit import cards, journal, people, places, talk
from skill.runtime.flows.kit.context import FlowContext
from skill.runtime.flows.kit.events import Event
from skill.runtime.flows.listening.context import GO_ON, Here, epoch
from skill.runtime.flows.listening.display import screen
from skill.runtime.flows.listening.library import catalogue, suggest
from skill.runtime.flows.listening.steps import present
from skill.runtime.nights import night_of
from skill.runtime.reply import Pause, Reply, Say, Segment, Silence
from skill.runtime.state import ListeningProgress, State

#: Intents that mean "you pick who goes first" (or simply "let's start").
PICK_FOR_US = frozenset({intents.YOU_CHOOSE, intents.SURPRISE, *GO_ON})
STOPPING = frozenset({intents.STOP, intents.CANCEL, intents.GOODBYE})


def start(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """ "A listening exercise", "the five minute check in": introduce it, ask who goes first."""
    here = Here(state, ctx)
    available = catalogue(ctx.content)
    if not available:
        return ctx.fallback(state, event)
    wanted = event.slots.get(intents.SLOT_EXERCISE, "")
    chosen = next((e for e in available if e.id == wanted), None)
    lead: tuple[Segment, ...] = ()
    if chosen is None:
        chosen = suggest(state.household, available)
        if event.spoken.get(intents.SLOT_EXERCISE):
            lead = (*here.line("listening.unknown_exercise"), Pause(300))
    return _introduce(here, chosen, lead)


def _introduce(here: Here, ex: Exercise, lead: tuple[Segment, ...]) -> tuple[State, Reply]:
    progress = ListeningProgress(exercise=ex.id, first=-1, started=epoch(here.now))
    question = _who_first(here)
    speech = (*lead, Say(here.rng.choice(ex.intro)), Pause(500), *question)
    state, reply = _choosing(here, progress, speech)
    # The card is for the Alexa app; a screen keeps showing where the exercise is.
    shown = screen(state, here.content, here.rng)
    carded = reply.with_card_of(cards.exercise(here.ctx, ex.title))
    return state, carded if shown is None else carded.with_display(shown)


def _who_first(here: Here) -> tuple[Segment, ...]:
    return here.line("listening.who_first", **here.pair())


def _choosing(
    here: Here, progress: ListeningProgress, speech: tuple[Segment, ...]
) -> tuple[State, Reply]:
    """Keep ``progress`` and say ``speech``; the reprompt asks again who goes first."""
    state = here.keep(progress)
    return state, Reply.ask(speech, here.line("listening.who_first_reprompt", **here.pair()))


def route_choose(here: Here, ex: Exercise, event: Event) -> tuple[State, Reply]:
    """Every intent while the couple decides who goes first."""
    name = event.intent
    if name == intents.ME_FIRST:
        return _me_first(here, ex, event)
    if name == intents.GOES_FIRST:
        return _named_first(here, ex, event)
    if name in PICK_FOR_US:
        if not people.known(here.household):
            # Nobody knows who "partner one" is yet: the choice has to say it.
            return _begin(here, ex, 0, here.line("listening.chosen_unnamed"))
        first = here.rng.randrange(2)
        return _begin(here, ex, first, here.line("listening.chosen", person=here.person(first)))
    if name in (intents.ANOTHER, intents.SKIP_STEP):
        other = suggest(here.household, catalogue(here.content), after=ex.id)
        return _introduce(here, other, (*here.line("listening.switch"), Pause(300)))
    if name == intents.LISTENING:
        return start(here.state, event, here.ctx)
    if name == intents.REPEAT:
        return _introduce(here, ex, ())
    if name == intents.SET_NAMES:
        return _names_then_choose(here, event)
    if name == intents.HELP:
        pair = here.pair()
        speech = (*here.line("listening.help_choose", **pair), Pause(300))
        speech += here.line("listening.who_first", **pair)
        return _choosing(here, here.progress, speech)
    if name in STOPPING or name in (intents.NO, intents.BREAK):
        key = "no.goodbye" if name == intents.NO else talk.goodbye_key(here.ctx)
        return here.forget(), Reply.tell(here.line(key))
    if name == intents.PAUSE:
        speech = (*here.line("listening.pause"), Silence(exercises.PAUSE_S), Pause(300))
        speech += _who_first(here)
        return _choosing(here, here.progress, speech)
    return _choosing(here, here.progress, here.line("listening.remind_choose", **here.pair()))


def _names_then_choose(here: Here, event: Event) -> tuple[State, Reply]:
    """ "Call us Sam and Alex" before anyone starts: keep the names, then ask who goes first."""
    named, reply = here.ctx.route(here.state, event)
    if named.session.place.offer == places.NAMES_OFFER:  # not two names: a re-ask; still here
        return State(named.household, here.state.session), reply
    here = here.with_household(named.household)
    one, two = named.household.names
    lead = (here.content.say("names.saved", here.rng, one=one, two=two), Pause(300))
    return _choosing(here, here.progress, (*lead, *_who_first(here)))


def _me_first(here: Here, ex: Exercise, event: Event) -> tuple[State, Reply]:
    """ "Me": a recognized voice says who; with no names at all, whoever said it is partner one."""
    household = here.household
    voices = household.voices
    if event.person_id and len(voices) == 2 and event.person_id in voices:
        first = voices.index(event.person_id)
        return _begin(here, ex, first, here.line("listening.goes_first", person=here.person(first)))
    if len(household.names) == 2:
        return _choosing(here, here.progress, here.line("listening.me_ambiguous", **here.pair()))
    return _begin(here, ex, 0, here.line("listening.me_first_unnamed"))


def _named_first(here: Here, ex: Exercise, event: Event) -> tuple[State, Reply]:
    """ "Sam goes first", "partner two goes first"."""
    slot = event.slots.get(intents.SLOT_SPEAKER, "")
    spoken = " ".join(event.spoken.get(intents.SLOT_SPEAKER, "").lower().split())
    first = {"one": 0, "two": 1}.get(slot)
    if first is None and spoken:
        names = [n.lower() for n in here.household.names]
        labels = [people.partner_text(here.household, i, here.content, here.rng) for i in (0, 1)]
        for index in (0, 1):
            if spoken in (labels[index].lower(), names[index] if len(names) == 2 else ""):
                first = index
    if first is None:
        return _choosing(here, here.progress, here.line("listening.who_unclear", **here.pair()))
    return _begin(here, ex, first, here.line("listening.goes_first", person=here.person(first)))


def _begin(here: Here, ex: Exercise, first: int, lead: tuple[Segment, ...]) -> tuple[State, Reply]:
    """Someone has the floor: note tonight's exercise in the journal and say the first step."""
    progress = copying.replace(here.progress, first=first, step=0, part=0, paused=False)
    here = here.with_household(
        journal.record(here.household, night_of(here.now), journal.LISTENING, ex.id)
    )
    return present(here, ex, progress, 0, (*lead, Pause(400)))
