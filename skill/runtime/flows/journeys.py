"""Multi-night journeys: one step a night, each a question and then a short practice.

A journey (``content/en-US/journeys.json``) is a run of nights. A night's step is said in two
turns: its question, then talk time, then "ready for tonight's small practice?", then the
practice, a quiet stretch and a chime. Only the practice completes the night, so a couple who
stops after the question picks up the same night's step the next time, and a couple who asks
twice in one evening never moves on two nights: the second ask offers tonight's practice again
and says the next night comes tomorrow. A skipped night is never mentioned; the next step
simply waits, for as long as it takes.

Where a couple is lives in ``Household.kept["journeys"]`` as four ids and positions:
``[journey id, steps done, night the last step was done, night the next step's question was
heard]`` (nights as ISO dates, empty for never). Nothing anyone said is kept. A finished
journey stays there (steps done equals its length) so "where are we in our journey" can say
so; "let's stop the journey" removes it.

Tonight's question gives way: at launch, with a step waiting tonight, the journey is offered
instead of the question ("it's night three of the appreciation week, shall we?"), through the
launch offer the registry tries before home's own; asking for tonight's question (before it
has been drawn tonight) offers the step too (``Activity.instead_of_tonight``). Saying no, or
asking for the question at that offer, gets the question, with a word that the step will
keep, and the step isn't offered again in that session. Nothing here imports another
activity.
"""

from __future__ import annotations

from collections.abc import Mapping
from random import Random
from typing import Any

import msgspec

from skill.runtime import copying, intents
from skill.runtime.catalog import LocaleContent
from skill.runtime.flows.kit import journal, offers, places, talk
from skill.runtime.flows.kit.activity import Activity, Offered, Pass
from skill.runtime.flows.kit.context import Answer, FlowContext
from skill.runtime.flows.kit.events import Event
from skill.runtime.nights import night_of
from skill.runtime.reply import Display, Pause, Reply, Say, Segment, Silence, Sound
from skill.runtime.state import Household, State

NAME = "journeys"
#: Offers this activity makes (``Place.offer``) and answers with yes or no.
OFFER_STEP = "journey_step"
OFFER_PRACTICE = "journey_practice"
OFFER_AGAIN = "journey_again"
OFFER_LIST = "journey_list"
OFFER_CHOOSE = "journey_choose"
OFFER_STOP = "journey_stop"
OFFER_SWITCH = "journey_switch"
#: The quiet stretch for a practice: "a minute or two", well inside a response's 240 s.
PRACTICE_SECONDS = 60
#: Words that mean "go on" at this activity's offers.
GO_ON = frozenset({intents.YES, intents.CUE, intents.NEXT, intents.RESUME})


class Step(msgspec.Struct, frozen=True):
    """One night: a question, then a practice of a minute or two; ``title`` names it."""

    id: str
    title: str
    question: str
    practice: str


class Journey(msgspec.Struct, frozen=True):
    """A run of nights, named aloud by ``title`` ("the appreciation week")."""

    id: str
    title: str
    about: str
    steps: tuple[Step, ...]


class Position(msgspec.Struct, frozen=True):
    """Where a couple is in a journey: ``done`` steps completed, the night of the last one,
    and the night the next step's question was heard (its practice still to come)."""

    journey: str
    done: int = 0
    done_night: str = ""
    asked_night: str = ""


def journeys(content: LocaleContent) -> tuple[Journey, ...]:
    """Every journey in the locale's content, in the order they are listed."""
    try:
        data: Mapping[str, Any] = content.section(NAME)
    except KeyError:
        return ()
    return tuple(
        Journey(
            id=j["id"],
            title=j["title"],
            about=j["about"],
            steps=tuple(
                Step(id=s["id"], title=s["title"], question=s["question"], practice=s["practice"])
                for s in j["steps"]
            ),
        )
        for j in data["journeys"]
    )


def journey_by_id(content: LocaleContent, journey_id: str) -> Journey | None:
    return next((j for j in journeys(content) if j.id == journey_id), None)


def step_by_id(content: LocaleContent, step_id: str) -> tuple[Journey, int] | None:
    """The journey holding ``step_id`` and the step's index in it."""
    for journey in journeys(content):
        for index, step in enumerate(journey.steps):
            if step.id == step_id:
                return journey, index
    return None


# --- the kept position ------------------------------------------------------------------------


def position(household: Household) -> Position | None:
    """The kept position, or None when there is none (or it is malformed: a fresh start)."""
    kept = household.kept.get(NAME, [])
    if len(kept) != 4:
        return None
    journey, done, done_night, asked_night = kept
    if not (isinstance(journey, str) and isinstance(done, int)):
        return None
    if not (isinstance(done_night, str) and isinstance(asked_night, str)):
        return None
    return Position(journey, done, done_night, asked_night)


def keep(household: Household, where: Position | None) -> Household:
    """``household`` with ``where`` kept (None forgets the journey)."""
    kept = {k: v for k, v in household.kept.items() if k != NAME}
    if where is not None:
        kept[NAME] = [where.journey, where.done, where.done_night, where.asked_night]
    return copying.replace(household, kept=kept)


def current(household: Household, content: LocaleContent) -> tuple[Journey, Position] | None:
    """The journey the couple is on or has finished, with their position in it."""
    where = position(household)
    if where is None:
        return None
    journey = journey_by_id(content, where.journey)
    if journey is None:
        return None
    done = max(0, min(where.done, len(journey.steps)))
    return journey, copying.replace(where, done=done)


def active(household: Household, content: LocaleContent) -> tuple[Journey, Position] | None:
    """The journey in progress (not finished), with the position in it."""
    found = current(household, content)
    if found is None or found[1].done >= len(found[0].steps):
        return None
    return found


# --- saying a night ---------------------------------------------------------------------------


def _titles(journey: Journey, index: int, ctx: FlowContext) -> tuple[str, str]:
    """The screen's title for night ``index`` and the step's own title."""
    title = ctx.phrase(
        "journeys.screen_title", journey=journey.title, night=index + 1, total=len(journey.steps)
    )
    return title[:1].upper() + title[1:], journey.steps[index].title


def _shown(reply: Reply, journey: Journey, index: int, text: str, ctx: FlowContext) -> Reply:
    """``reply`` with a card, and a screen naming the journey, the night and the step."""
    title, step_title = _titles(journey, index, ctx)
    display = Display(title=title, text=text, footer=step_title)
    return reply.with_card(title, text).with_display(display)


def _placed(state: State, household: Household, offer: str) -> State:
    return places.at(State(household, state.session), NAME, offer)


def ask_question(
    state: State, journey: Journey, where: Position, lead: tuple[Segment, ...], ctx: FlowContext
) -> Answer:
    """Tonight's step, first half: its title and question, then talk time and the offer of
    the practice (or, for a couple who likes to be left to talk, a goodbye with the way back).
    Nothing is completed yet: the question being heard tonight is all that is kept."""
    night = night_of(ctx.now)
    step = journey.steps[where.done]
    household = keep(state.household, copying.replace(where, asked_night=night))
    speech = (*lead, Pause(300), Say(step.title + "."), Pause(400), Say(step.question))
    reply: Reply
    if talk.style(household) == talk.CLOSE:
        reply = Reply.tell((*speech, Pause(700), ctx.say("journeys.leave")))
    else:
        reply = Reply.ask(
            (
                *speech,
                Silence(talk.TALK_SECONDS),
                Sound("chime"),
                Pause(300),
                ctx.say("journeys.practice_offer"),
            ),
            (ctx.say("journeys.practice_reprompt"),),
        )
    placed = _placed(state, household, OFFER_PRACTICE)
    return placed, _shown(reply, journey, where.done, step.question, ctx)


def do_practice(
    state: State, journey: Journey, where: Position, lead: Segment, ctx: FlowContext
) -> Answer:
    """Tonight's step, second half: the practice, a quiet stretch, a chime, and the night is
    done (journaled, counted, the next step waiting for another night)."""
    night = night_of(ctx.now)
    step = journey.steps[where.done]
    done = where.done + 1
    before = state.household
    household = keep(before, Position(journey.id, done, night, ""))
    household = journal.record(household, night, journal.JOURNEY, step.id)
    streak = journal.streak_note(before, household, night, ctx.content, ctx.rng)
    if done >= len(journey.steps):
        closing = ctx.say("journeys.finished", journey=journey.title)
    else:
        closing = ctx.say("journeys.step_done", night=done)
    speech = (
        lead,
        Pause(300),
        Say(step.practice),
        Silence(PRACTICE_SECONDS),
        Sound("chime"),
        Pause(300),
        *streak,
        closing,
        Pause(300),
        ctx.say(talk.goodbye_key(ctx)),
    )
    placed = _placed(state, household, "")
    return placed, _shown(Reply.tell(speech), journey, where.done, step.practice, ctx)


def take_step(state: State, event: Event, ctx: FlowContext) -> Answer:
    """Tonight's step of the journey in progress: its question, or its practice when the
    question was heard tonight already; a second ask on a night that is done never moves on."""
    found = active(state.household, ctx.content)
    if found is None:
        finished = current(state.household, ctx.content)
        return status(state, event, ctx) if finished else list_journeys(state, event, ctx)
    journey, where = found
    night = night_of(ctx.now)
    if where.done_night == night and where.done == 0:  # started over tonight, after a step
        line = ctx.say("journeys.restarted_tomorrow", journey=journey.title)
        return _then_offer(state, (line,), event, ctx)
    if where.done_night == night:
        return _done_tonight(state, journey, where, ctx)
    if where.asked_night == night:
        # Just offered the practice, a "yes" needs no reminder that the question was heard.
        offered = state.session.place.offer in (OFFER_STEP, OFFER_PRACTICE)
        intro = ctx.say("journeys.practice_intro" if offered else "journeys.practice_next")
        return do_practice(state, journey, where, intro, ctx)
    key = "journeys.pick_up" if where.asked_night else "journeys.night"
    lead = (ctx.say(key, night=where.done + 1, journey=journey.title),)
    return ask_question(state, journey, where, lead, ctx)


def _done_tonight(state: State, journey: Journey, where: Position, ctx: FlowContext) -> Answer:
    """Tonight's step is done: say so kindly, say the next comes tomorrow, offer it again."""
    line = ctx.say("journeys.done_tonight", night=where.done, next=where.done + 1)
    return places.at(state, NAME, OFFER_AGAIN), Reply.ask(
        (line,), (ctx.say("journeys.done_tonight_reprompt"),)
    )


def practice_again(state: State, event: Event, ctx: FlowContext) -> Answer:
    """Tonight's practice once more, changing nothing (the night is already done)."""
    found = current(state.household, ctx.content)
    if found is None or found[1].done == 0:
        return list_journeys(state, event, ctx)
    journey, where = found
    step = journey.steps[where.done - 1]
    speech = (
        ctx.say("journeys.again"),
        Pause(300),
        Say(step.practice),
        Silence(PRACTICE_SECONDS),
        Sound("chime"),
        Pause(300),
        ctx.say(talk.goodbye_key(ctx)),
    )
    shown = _shown(Reply.tell(speech), journey, where.done - 1, step.practice, ctx)
    return places.at(state, NAME), shown


# --- starting, choosing, where we are, starting over, stopping --------------------------------


def begin(state: State, journey: Journey, ctx: FlowContext) -> Answer:
    """Night one of ``journey``, starting now (any other journey is let go)."""
    lead = (ctx.say("journeys.begin", journey=journey.title, about=journey.about),)
    household = keep(state.household, Position(journey.id))
    cleared = _pending(State(household, state.session), "")
    return ask_question(cleared, journey, Position(journey.id), lead, ctx)


def start(state: State, event: Event, ctx: FlowContext) -> Answer:
    """ "Let's start a journey", "the appreciation week", "tonight's step": the named journey
    (asking first before leaving one in progress), tonight's step of the one in progress, or
    the list of journeys to choose from."""
    chosen = journey_by_id(ctx.content, event.slots.get(intents.SLOT_JOURNEY, ""))
    going = active(state.household, ctx.content)
    if chosen is None or (going is not None and going[0].id == chosen.id):
        return take_step(state, event, ctx)
    if going is None:
        return begin(state, chosen, ctx)
    line = ctx.say("journeys.switch_confirm", current=going[0].title, journey=chosen.title)
    pending = places.at(_pending(state, chosen.id), NAME, OFFER_SWITCH)
    return pending, Reply.ask((line,), (ctx.say("journeys.switch_reprompt"),))


def list_journeys(state: State, event: Event, ctx: FlowContext) -> Answer:
    """ "Which journeys are there": their names, and which would they like."""
    found = journeys(ctx.content)
    titles = journal.say_list([j.title for j in found], ctx.content, ctx.rng).text
    line = ctx.say("journeys.list", count=len(found), titles=titles)
    return places.at(state, NAME, OFFER_CHOOSE), Reply.ask(
        (line,), (ctx.say("journeys.list_reprompt"),)
    )


def status(state: State, event: Event, ctx: FlowContext) -> Answer:
    """ "Where are we in our journey": the night reached, kindly, and what comes next. A night
    skipped is never mentioned: the next one is simply ready."""
    found = current(state.household, ctx.content)
    if found is None:
        return places.at(state, NAME, OFFER_LIST), Reply.ask(
            (ctx.say("journeys.status_none"),), (ctx.say("journeys.status_reprompt"),)
        )
    journey, where = found
    total = len(journey.steps)
    night = night_of(ctx.now)
    if where.done >= total:
        return places.at(state, NAME, OFFER_LIST), Reply.ask(
            (ctx.say("journeys.status_finished", journey=journey.title, total=total),),
            (ctx.say("journeys.status_reprompt"),),
        )
    if where.done_night == night:
        line = ctx.say(
            "journeys.status_done_tonight",
            journey=journey.title,
            night=where.done,
            total=total,
            next=where.done + 1,
        )
        return _then_offer(state, (line,), event, ctx)
    key = "journeys.status_partway" if where.asked_night == night else "journeys.status_waiting"
    line = ctx.say(key, journey=journey.title, night=where.done + 1, total=total)
    return places.at(state, NAME, OFFER_STEP), Reply.ask(
        (line,), (ctx.say("journeys.offer_reprompt"),)
    )


def restart(state: State, event: Event, ctx: FlowContext) -> Answer:
    """ "Start over": back to night one of the journey (finished or not). One step a night
    still holds: with a step done tonight, night one waits for tomorrow."""
    found = current(state.household, ctx.content)
    if found is None:
        return status(state, event, ctx)
    journey, where = found
    fresh = Position(journey.id, 0, where.done_night, "")
    restarted = State(keep(state.household, fresh), state.session)
    if where.done_night == night_of(ctx.now):
        line = ctx.say("journeys.restarted_tomorrow", journey=journey.title)
        return _then_offer(restarted, (line,), event, ctx)
    return places.at(restarted, NAME, OFFER_STEP), Reply.ask(
        (ctx.say("journeys.restarted", journey=journey.title),),
        (ctx.say("journeys.offer_reprompt"),),
    )


def stop(state: State, event: Event, ctx: FlowContext) -> Answer:
    """ "Let's stop the journey": asks first, since it lets go of the night they reached."""
    found = current(state.household, ctx.content)
    if found is None:
        return _then_offer(state, (ctx.say("journeys.nothing_to_stop"),), event, ctx)
    return places.at(state, NAME, OFFER_STOP), Reply.ask(
        (ctx.say("journeys.stop_confirm", journey=found[0].title),),
        (ctx.say("journeys.stop_reprompt"),),
    )


def _stopped(state: State, event: Event, ctx: FlowContext) -> Answer:
    found = current(state.household, ctx.content)
    title = found[0].title if found else ""
    forgotten = State(keep(state.household, None), state.session)
    line = ctx.say("journeys.stopped", journey=title)
    return _then_offer(forgotten, (line,), event, ctx)


def _then_offer(
    state: State, speech: tuple[Segment, ...], event: Event, ctx: FlowContext
) -> Answer:
    """``speech``, then what to offer next in a session (a one-shot just closes)."""
    if event.new_session:
        return places.home(state), Reply.tell(speech)
    offered, offer = offers.next_offer(places.home(state), ctx)
    return offered, Reply.ask((*speech, Pause(400), offer), (offer,))


def _session(state: State) -> tuple[str, int]:
    """This session's two notes: the journey a "shall I start ... instead?" waits on, and
    whether tonight's step was declined for the question (1), so it isn't offered again."""
    kept = state.session.progress.get(NAME, [])
    pending = kept[0] if kept and isinstance(kept[0], str) else ""
    declined = kept[1] if len(kept) > 1 and isinstance(kept[1], int) else 0
    return pending, declined


def _noted(state: State, pending: str, declined: int) -> State:
    progress = {k: v for k, v in state.session.progress.items() if k != NAME}
    if pending or declined:
        progress[NAME] = [pending, declined]
    return State(state.household, copying.replace(state.session, progress=progress))


def _pending(state: State, journey_id: str) -> State:
    """``state`` with the journey a "shall I start ... instead?" waits on ("" for none)."""
    return _noted(state, journey_id, _session(state)[1])


def _pending_journey(state: State, ctx: FlowContext) -> Journey | None:
    pending, _ = _session(state)
    return journey_by_id(ctx.content, pending) if pending else None


def _declining(state: State) -> State:
    """``state`` noting that tonight's step was passed over for now, in this session."""
    return _noted(state, _session(state)[0], 1)


# --- the offers' answers ----------------------------------------------------------------------


def _tonight_instead(state: State, event: Event, ctx: FlowContext) -> Answer:
    """Tonight's question, asked for at the journey's offer: it is theirs, and the step keeps."""
    asked, reply = ctx.route(places.home(_declining(state)), event, intents.TONIGHT)
    lead = (ctx.say("journeys.question_instead"), Pause(300))
    return asked, copying.replace(reply, speech=(*lead, *reply.speech))


def _declined(state: State, event: Event, ctx: FlowContext) -> Answer:
    return _then_offer(_declining(state), (ctx.say("journeys.offer_declined"),), event, ctx)


def route(state: State, event: Event, ctx: FlowContext) -> Answer | Pass | None:
    """While a journey holds the floor: yes and no answer its offers, "start over" starts the
    journey over, help speaks about journeys, and the couple's own talk after a question gets
    more quiet. Anything else lets the offer lapse and is routed from the front door."""
    offer = state.session.place.offer
    yes, no = event.is_intent(*GO_ON), event.is_intent(intents.NO)
    if event.is_intent(intents.START_OVER):
        return restart(state, event, ctx)
    if event.is_intent(intents.HELP):
        return places.offering(state, offer), Reply.ask(
            (ctx.say("help.journeys"), Pause(300), ctx.say("help.ask")),
            (ctx.say("help.reprompt"),),
        )
    answered = _answer(state, event, ctx, offer, yes, no)
    if answered is not None:
        return answered
    # Something else chosen over the step just offered: it isn't offered again this session.
    return Pass(places.home(_declining(state) if offer == OFFER_STEP else state))


def _answer(
    state: State, event: Event, ctx: FlowContext, offer: str, yes: bool, no: bool
) -> Answer | None:
    """The answer to one of this activity's offers, or None when it is not one."""
    if offer in (OFFER_STEP, OFFER_PRACTICE) and event.is_intent(intents.TONIGHT):
        return _tonight_instead(state, event, ctx)
    if offer == OFFER_STEP:
        return take_step(state, event, ctx) if yes else _declined(state, event, ctx) if no else None
    if offer == OFFER_PRACTICE:
        if yes:
            return take_step(state, event, ctx)
        if no:
            return places.at(state, NAME), Reply.tell((ctx.say("journeys.practice_later"),))
        if event.is_intent(intents.FALLBACK):
            # Words the skill can't place after a question are the two of them talking: more
            # quiet once, then leave them to it with the way back to tonight's practice.
            if state.session.misses >= talk.LEAVE_AFTER:
                return places.at(state, NAME), Reply.tell((ctx.say("journeys.leave"),))
            check = (ctx.say("journeys.practice_offer"), ctx.say("journeys.practice_reprompt"))
            return state, talk.still_talking(state.session.misses, ctx, *check)
        return None
    if offer == OFFER_AGAIN and (yes or no):
        if yes:
            return practice_again(state, event, ctx)
        return places.at(state, NAME), Reply.tell((ctx.say(talk.goodbye_key(ctx)),))
    if offer == OFFER_STOP and (yes or no):
        if yes:
            return _stopped(state, event, ctx)
        return _then_offer(state, (ctx.say("journeys.kept"),), event, ctx)
    if offer == OFFER_SWITCH and (yes or no):
        pending = _pending_journey(state, ctx)
        if yes and pending is not None:
            return begin(state, pending, ctx)
        return _then_offer(_pending(state, ""), (ctx.say("journeys.kept"),), event, ctx)
    if offer in (OFFER_LIST, OFFER_CHOOSE) and (yes or no):
        if yes:
            return list_journeys(state, event, ctx)
        return places.at(state, NAME), Reply.tell((ctx.say("journeys.list_declined"),))
    return None


# --- launch, screen and recap -----------------------------------------------------------------


def offer_step(state: State, event: Event, ctx: FlowContext) -> Offered | None:
    """At launch, with a journey's step waiting tonight: offer it in place of tonight's
    question ("it's night three of the appreciation week, shall we?")."""
    found = active(state.household, ctx.content)
    night = night_of(ctx.now)
    if found is None or found[1].done_night == night:
        return None
    journey, where = found
    key = "journeys.offer_practice" if where.asked_night == night else "journeys.offer_step"
    line = ctx.say(key, night=where.done + 1, journey=journey.title)
    placed = places.at(state, NAME, OFFER_STEP)
    return Offered(placed, (line,), (ctx.say("journeys.offer_reprompt"),))


def offer_instead(state: State, event: Event, ctx: FlowContext) -> Offered | None:
    """Asked for tonight's question with tonight's step waiting: offer the step first, unless
    it was already passed over for the question in this session."""
    if _session(state)[1] or state.session.place.offer == OFFER_STEP:
        return None
    return offer_step(state, event, ctx)


def screen(state: State, content: LocaleContent, rng: Random) -> Display | None:
    """While a journey holds the floor: the journey, the night in play (the next one, or the
    last once finished) and that step's title. A reply saying a step shows its own."""
    found = current(state.household, content)
    if found is None:
        return None
    journey, where = found
    index = min(where.done, len(journey.steps) - 1)
    title = content.phrase(
        "journeys.screen_title",
        rng,
        journey=journey.title,
        night=index + 1,
        total=len(journey.steps),
    )
    step = journey.steps[index]
    return Display(title=title[:1].upper() + title[1:], text=step.title)


def title_of(content: LocaleContent, item: str) -> str | None:
    """How the recap names a night of a journey: "night 3 of the appreciation week, a
    shared memory". The step's title comes as ``{title}`` (first letter lowered, to sit
    inside an English sentence) and as ``{step}``, as written (German nouns keep their
    capital): each language's phrase picks one."""
    found = step_by_id(content, item)
    if found is None:
        return None
    journey, index = found
    step_title = journey.steps[index].title
    return content.phrase(
        "journeys.step_title",
        Random(0),
        night=index + 1,
        journey=journey.title,
        title=step_title[:1].lower() + step_title[1:],
        step=step_title,
    )


ACTIVITY = Activity(
    name=NAME,
    intents={
        intents.START_JOURNEY: start,
        intents.LIST_JOURNEYS: list_journeys,
        intents.JOURNEY_STATUS: status,
        intents.RESTART_JOURNEY: restart,
        intents.STOP_JOURNEY: stop,
    },
    router=route,
    screen=screen,
    launch_offer=offer_step,
    instead_of_tonight=offer_instead,
    journal_kind=journal.JOURNEY,
    title=title_of,
)
