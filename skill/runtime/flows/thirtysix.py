"""The thirty-six: an evening of questions that climbs, light, then personal, then deep.

Three sets of twelve questions (``content/en-US/thirtysix.json``). The partners take turns,
by name: whoever the skill names asks the question and answers it first, then the other
answers. Each question is followed by talk time (a long quiet stretch and a soft chime), and
"next" moves on; words the skill can't place in between are the couple still talking, so
they get more quiet, never an apology. Between two sets the skill pauses and asks whether
to go on or stop for tonight; after the last question it closes with a timed minute of
quiet, just looking at each other, chimed at the end.

It can be done in one evening or as three shorter evenings, one set a night (the pace).
The place is kept in ``Household.kept["thirtysix"]`` as ``[next, pace]``: ``next`` is the
position (0-35) of the next question to ask (36: only the closing minute is left), ``pace``
0 for all three sets in an evening, 1 for one set a night; a third value, 1, once they said
no to carrying on, so the launch stops offering it (asking for the thirty-six still picks it
up). Positions only, never what anyone said; a finished evening forgets it.
"""

from __future__ import annotations

from collections.abc import Mapping
from random import Random
from typing import Any

import msgspec

from skill.runtime import copying, intents
from skill.runtime.catalog import LocaleContent
from skill.runtime.flows.kit import journal, people, places, talk
from skill.runtime.flows.kit.activity import Activity, Offered, Pass
from skill.runtime.flows.kit.context import Answer, FlowContext
from skill.runtime.flows.kit.events import Event
from skill.runtime.nights import night_of
from skill.runtime.reply import Display, Pause, Reply, Say, Segment, Silence, Sound
from skill.runtime.state import Household, State

NAME = "thirtysix"
#: The journal kind of an evening of the thirty-six (its item is the set's id).
JOURNAL_KIND = "thirtysix"
#: Waiting at a question for "next" (after its talk time).
OFFER_ASKING = "thirtysix_asking"
#: "All three sets tonight?" (no: one set a night).
OFFER_PACE = "thirtysix_pace"
#: The first question is ready ("ready for the first one?").
OFFER_READY = "thirtysix_ready"
#: Between two sets: "shall we go on, or stop here for tonight?".
OFFER_GO_ON = "thirtysix_go_on"
#: A kept place offered back ("shall we carry on from set two?").
OFFER_RESUME = "thirtysix_resume"
OFFERS = frozenset({OFFER_ASKING, OFFER_PACE, OFFER_READY, OFFER_GO_ON, OFFER_RESUME})

ALL_TONIGHT = 0
NIGHTLY = 1
#: Slot value ids of the ``pace`` slot, as the paces they choose.
PACES: Mapping[str, int] = {"all": ALL_TONIGHT, "nightly": NIGHTLY}
SET_SIZE = 12
SETS = 3
TOTAL = SET_SIZE * SETS
#: Quiet after a question, for the one who asks to answer and then the other: the skill's
#: usual talk time.
TALK_SECONDS = talk.TALK_SECONDS
#: The short pause between two sets, before the check-in.
BREATHER_SECONDS = 15
#: The closing minute of just looking at each other.
CLOSING_SECONDS = 60

GO_ON = frozenset({intents.YES, intents.NEXT, intents.CUE, intents.RESUME})
MOVE_ON = frozenset(
    {intents.NEXT, intents.CUE, intents.YES, intents.ANOTHER, intents.SKIP_STEP, intents.PASS}
)
STOP_HERE = frozenset(
    {
        intents.STOP,
        intents.CANCEL,
        intents.PAUSE,
        intents.BREAK,
        intents.GOODBYE,
        intents.END_GAME,
    }
)


class Question(msgspec.Struct, frozen=True):
    """One of the thirty-six: its id (for the kept place) and its words."""

    id: str
    text: str


def questions(content: LocaleContent) -> tuple[Question, ...]:
    """All thirty-six, in order: the light set, the personal set, then the deep set."""
    data: Mapping[str, Any] = content.section("thirtysix")
    return tuple(Question(q["id"], q["text"]) for s in data["sets"] for q in s["questions"])


class Place(msgspec.Struct, frozen=True):
    """Where a couple is in the thirty-six: the next question to ask, the pace, and whether
    the launch stays quiet about it (they said no to carrying on)."""

    next: int
    pace: int
    quiet: int = 0


def kept(household: Household) -> Place | None:
    """The kept place, or None when there is none (or it no longer makes sense)."""
    values = household.kept.get(NAME, [])
    if len(values) not in (2, 3) or not all(isinstance(v, int) for v in values):
        return None
    position, pace = int(values[0]), int(values[1])
    if not 0 <= position <= TOTAL or pace not in (ALL_TONIGHT, NIGHTLY):
        return None
    return Place(position, pace, 1 if values[2:] == [1] else 0)


def _keep(state: State, place: Place | None) -> State:
    """``state`` with the place kept (or forgotten, for None)."""
    held = {k: v for k, v in state.household.kept.items() if k != NAME}
    if place is not None:
        values: list[int | str] = [place.next, place.pace]
        held[NAME] = [*values, 1] if place.quiet else values
    return State(copying.replace(state.household, kept=held), state.session)


def start(state: State, event: Event, ctx: FlowContext) -> Answer:
    """ "The thirty-six questions": carry on from a kept place, or begin (asking the pace
    unless they said it)."""
    place = kept(state.household)
    pace = PACES.get(event.slots.get(intents.SLOT_PACE, ""))
    if place is not None:
        if pace is not None and pace != place.pace:
            state = _keep(state, copying.replace(place, pace=pace))
        return _offer_resume(state, ctx)
    intro = ctx.say("thirtysix.intro")
    if pace is None:
        speech = (intro, Pause(400), ctx.say("thirtysix.pace_offer"))
        reprompt = (ctx.say("thirtysix.pace_reprompt"),)
        return places.at(state, NAME, OFFER_PACE), Reply.ask(speech, reprompt)
    ready = _keep(state, Place(0, pace))
    speech = (intro, Pause(400), ctx.say("thirtysix.ready"))
    return places.at(ready, NAME, OFFER_READY), Reply.ask(
        speech, (ctx.say("thirtysix.ready_reprompt"),)
    )


def _offer_resume(state: State, ctx: FlowContext) -> Answer:
    """ "Welcome back: shall we carry on from set two, question five?"."""
    place = kept(state.household)
    if place is None:
        raise RuntimeError("place is unexpectedly missing")
    if place.next == TOTAL:
        speech = (ctx.say("thirtysix.resume_closing_offer"),)
    else:
        speech = (ctx.say("thirtysix.resume_offer", **_numbers(place.next)),)
    reprompt = (ctx.say("thirtysix.resume_reprompt"),)
    return places.at(state, NAME, OFFER_RESUME), Reply.ask(speech, reprompt)


def offer_at_launch(state: State, event: Event, ctx: FlowContext) -> Offered | None:
    """At launch, a kept place is offered back (until they once say no to it)."""
    place = kept(state.household)
    if place is None or place.quiet:
        return None
    offered, reply = _offer_resume(state, ctx)
    return Offered(offered, reply.speech, reply.reprompt)


def _numbers(position: int) -> dict[str, str | int]:
    """Set and question numbers (from one) for a position, as a person says them."""
    return {"set": position // SET_SIZE + 1, "question": position % SET_SIZE + 1}


def ask(state: State, ctx: FlowContext, position: int, lead: tuple[Segment, ...] = ()) -> Answer:
    """Ask question ``position``: who asks (and answers first), the question, then talk time
    in the quiet, a chime, and "say next when you're ready"."""
    place = kept(state.household)
    pace = place.pace if place is not None else ALL_TONIGHT
    question = questions(ctx.content)[position]
    household = state.household
    asker, answers_second = position % 2, 1 - position % 2
    speech: tuple[Segment, ...] = lead
    if position % SET_SIZE == 0:
        speech += (ctx.say(f"thirtysix.set_{position // SET_SIZE + 1}"), Pause(400))
    speech += (
        people.partner(household, asker, ctx.content, ctx.rng),
        Say(","),
        ctx.say("thirtysix.asker"),
        Pause(500),
        Say(question.text),
        Pause(700),
        ctx.say("thirtysix.then"),
        people.partner(household, answers_second, ctx.content, ctx.rng),
        Say("."),
        Silence(TALK_SECONDS),
        Sound("chime"),
        Pause(300),
        ctx.say("thirtysix.check_in"),
    )
    # The evening counts as a night together; the journal keeps only the set's id.
    set_id = question.id.split("-")[0]
    recorded = journal.record(household, night_of(ctx.now), JOURNAL_KIND, set_id)
    moved = _keep(State(recorded, state.session), Place(position + 1, pace))
    asked = places.at(moved, NAME, OFFER_ASKING)
    title = ctx.phrase("card.thirtysix_title")
    reply = Reply.ask(speech, (ctx.say("thirtysix.reprompt"),)).with_card(title, question.text)
    shown = _question_display(ctx.content, ctx.rng, position)
    return asked, reply.with_display(copying.replace(shown, seconds=TALK_SECONDS))


def _question_display(content: LocaleContent, rng: Random, position: int) -> Display:
    """The question being talked over, and where it sits in the evening."""
    return Display(
        title=content.phrase("card.thirtysix_title", rng),
        text=questions(content)[position].text,
        footer=content.phrase("screen.thirtysix.footer", rng, **_numbers(position)),
    )


def screen(state: State, content: LocaleContent, rng: Random) -> Display | None:
    """Between responses at a question (after help, say), the screen keeps showing it."""
    place = kept(state.household)
    if state.session.place.offer != OFFER_ASKING or place is None or place.next == 0:
        return None
    return _question_display(content, rng, place.next - 1)


def move_on(state: State, ctx: FlowContext) -> Answer:
    """ "Next" after a question: the next one, the check-in between sets, one set a night's
    goodnight, or (after the thirty-sixth) the closing minute."""
    place = kept(state.household)
    if place is None:  # the router passes when nothing is kept
        raise RuntimeError("place is unexpectedly missing")
    if place.next == TOTAL:
        return closing(state, ctx)
    if place.next % SET_SIZE != 0:
        return ask(state, ctx, place.next)
    done = place.next // SET_SIZE
    if place.pace == NIGHTLY:
        goodnight = (
            ctx.say("thirtysix.set_done_nightly", set=done, next=done + 1),
            Pause(300),
            ctx.say(talk.goodbye_key(ctx)),
        )
        return places.home(state), Reply.tell(goodnight)
    speech = (
        ctx.say("thirtysix.set_done", set=done),
        Pause(300),
        ctx.say("thirtysix.breather"),
        Silence(BREATHER_SECONDS),
        Sound("chime"),
        Pause(300),
        ctx.say("thirtysix.go_on", next=done + 1),
    )
    return places.at(state, NAME, OFFER_GO_ON), Reply.ask(
        speech, (ctx.say("thirtysix.go_on_reprompt"),)
    )


def closing(state: State, ctx: FlowContext) -> Answer:
    """After the thirty-sixth: one quiet minute of just looking at each other, chimed; then
    a warm goodnight. The evening is done, so its place is forgotten."""
    speech = (
        ctx.say("thirtysix.all_done"),
        Pause(400),
        ctx.say("thirtysix.closing"),
        Silence(CLOSING_SECONDS),
        Sound("chime"),
        Pause(500),
        ctx.say("thirtysix.goodnight"),
    )
    return places.home(_keep(state, None)), Reply.tell(speech)


def stop_here(state: State, ctx: FlowContext) -> Answer:
    """ "Stop", "let's leave it there": the place is kept, and said, for another night."""
    place = kept(state.household)
    goodbye = (Pause(300), ctx.say(talk.goodbye_key(ctx)))
    if place is None or place.next == TOTAL:
        return places.home(state), Reply.tell((ctx.say("thirtysix.stopped_end"), *goodbye))
    speech = (ctx.say("thirtysix.stopped", **_numbers(place.next)), *goodbye)
    return places.home(state), Reply.tell(speech)


def route(state: State, event: Event, ctx: FlowContext) -> Answer | Pass | None:
    """While the thirty-six holds the floor: what each answer means at the current offer."""
    offer = state.session.place.offer
    name = event.intent
    if offer == OFFER_PACE:
        if name == intents.YES:
            return _begin(state, ctx, ALL_TONIGHT)
        if name == intents.NO:
            return _begin(state, ctx, NIGHTLY, (ctx.say("thirtysix.nightly_ok"), Pause(300)))
        if name == intents.THIRTY_SIX and event.slots.get(intents.SLOT_PACE) in PACES:
            return _begin(state, ctx, PACES[event.slots[intents.SLOT_PACE]])
        return _common(state, event, ctx)
    if kept(state.household) is None:
        return Pass(places.home(state))
    if offer == OFFER_RESUME:
        if name in GO_ON:
            place = kept(state.household)
            if place is None:
                raise RuntimeError("place is unexpectedly missing")
            if place.next == TOTAL:
                return closing(state, ctx)
            return _carry_on(state, ctx, place.next)
        if name == intents.START_OVER:
            return ask(state, ctx, 0, (ctx.say("thirtysix.start_over"), Pause(300)))
        return _not_now(state, event, ctx)
    if offer in (OFFER_READY, OFFER_GO_ON) and name in GO_ON:
        place = kept(state.household)
        if place is None:
            raise RuntimeError("place is unexpectedly missing")
        return ask(state, ctx, place.next)
    if offer == OFFER_READY and name == intents.NO:
        return _not_now(state, event, ctx)
    if offer == OFFER_GO_ON and name in (intents.NO, *STOP_HERE):
        return stop_here(state, ctx)
    if offer == OFFER_ASKING and name in MOVE_ON:
        return move_on(state, ctx)
    if offer == OFFER_ASKING and name == intents.NO:
        # "Not yet": more quiet, then the same short question.
        return state, talk.still_talking(
            0, ctx, ctx.say("thirtysix.check_in"), ctx.say("thirtysix.reprompt")
        )
    return _common(state, event, ctx)


def _not_now(state: State, event: Event, ctx: FlowContext) -> Answer | Pass:
    """No to an offer to carry on: kindly, another night, and tonight's question instead.
    The place stays kept, but the launch stops offering it (no nagging); anything else lets
    the offer lapse and is heard from the front door."""
    if event.intent != intents.NO:
        return Pass(places.home(state))
    place = kept(state.household)
    if place is not None:
        state = _keep(state, copying.replace(place, quiet=1))
    speech = (ctx.say("thirtysix.resume_declined"), Pause(300), ctx.say("offer.tonight"))
    offered = places.home(state, places.TONIGHT_OFFER)
    return offered, Reply.ask(speech, (ctx.say("launch.reprompt"),))


def _carry_on(state: State, ctx: FlowContext, position: int) -> Answer:
    lead = (ctx.say("thirtysix.welcome_back"), Pause(300))
    return ask(state, ctx, position, lead)


def _begin(state: State, ctx: FlowContext, pace: int, lead: tuple[Segment, ...] = ()) -> Answer:
    return ask(_keep(state, Place(0, pace)), ctx, 0, lead)


def _common(state: State, event: Event, ctx: FlowContext) -> Answer | Pass | None:
    """Answers that mean the same at every point: stop, start over, help, and talk."""
    name = event.intent
    if name in STOP_HERE:
        if state.session.place.offer == OFFER_PACE:
            return places.home(state), Reply.tell((ctx.say("thirtysix.not_now"),))
        return stop_here(state, ctx)
    if name == intents.START_OVER and kept(state.household) is not None:
        return ask(state, ctx, 0, (ctx.say("thirtysix.start_over"), Pause(300)))
    if name == intents.HELP:
        return state, Reply.ask((ctx.say("help.thirtysix"),), (ctx.say("thirtysix.reprompt"),))
    if name == intents.FALLBACK:
        check, again = _check_for(state, ctx)
        if state.session.place.offer != OFFER_ASKING:
            return state, Reply.ask((check,), (again,))
        # Words the skill can't place, after a question: the two of them still talking.
        # More quiet once, never an apology; the next time, leave them to it (place kept).
        if state.session.misses >= talk.LEAVE_AFTER:
            return places.home(state), Reply.tell((ctx.say("thirtysix.leave"),))
        return state, talk.still_talking(0, ctx, check, again)
    if name == intents.THIRTY_SIX:
        return start(state, event, ctx)
    return None


def _check_for(state: State, ctx: FlowContext) -> tuple[Segment, Segment]:
    """The short question (and its reprompt) that fits the current offer."""
    offer = state.session.place.offer
    if offer == OFFER_PACE:
        return ctx.say("thirtysix.pace_reprompt"), ctx.say("thirtysix.pace_reprompt")
    if offer == OFFER_GO_ON:
        return ctx.say("thirtysix.go_on_reprompt"), ctx.say("thirtysix.go_on_reprompt")
    if offer in (OFFER_READY, OFFER_RESUME):
        return ctx.say("thirtysix.ready_reprompt"), ctx.say("thirtysix.ready_reprompt")
    return ctx.say("thirtysix.check_in"), ctx.say("thirtysix.reprompt")


ACTIVITY = Activity(
    name=NAME,
    intents={intents.THIRTY_SIX: start},
    router=route,
    screen=screen,
    launch_offer=offer_at_launch,
)
