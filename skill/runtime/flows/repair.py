"""A repair talk for after a disagreement: one holds the floor, the other listens and says
back what they heard, then they swap, in two rounds, by name.

The speaker speaks for themselves, briefly, starting gently ("I feel... about... and I
need..."); the listener paraphrases without answering back. The first round is for
understanding only, and the skill says kindly that nothing gets fixed yet; the second may
add one small thing that would help. A closing appreciation ends it.

"We need a time-out" keeps the place and suggests coming back within a day ("back to our
talk", or "pick up where we left off" when the skill offers it at launch). After more than a
day the skill offers, kindly, to begin again. The first time ever, it says plainly that this
is for everyday friction and not for anyone who feels unsafe.

The place is kept in ``Household.kept["repair"]`` as ``[noted, next, updated, paused]``:
whether the safety note has been said (0/1), the next step to present (0 the start, 1-4 the
floor turns, 5 the closing; -1 when no talk is under way), when the couple last moved on
(epoch seconds) and whether they called a time-out. Numbers only, never what anyone said.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from skill.runtime import copying, intents
from skill.runtime.flows.kit import people, places, talk
from skill.runtime.flows.kit.activity import Activity, Offered, Pass
from skill.runtime.flows.kit.context import Answer, FlowContext
from skill.runtime.flows.kit.events import Event
from skill.runtime.reply import Display, Pause, Reply, Say, Segment, Silence, Sound
from skill.runtime.state import Household, State

NAME = "repair"
#: The first time: the safety note, then "shall we go on?".
OFFER_NOTE = "repair_note"
#: A talk under way, waiting for "next" (or "ready" at the start).
OFFER_TALK = "repair_talk"
#: A paused talk from within a day, offered back.
OFFER_RESUME = "repair_resume"
#: A talk paused more than a day ago: "shall we begin again, fresh?".
OFFER_AGAIN = "repair_again"

#: Steps: 0 the start (who speaks first), 1-4 the floor turns, 5 the closing.
START = 0
TURNS = 4
CLOSING = TURNS + 1
#: No talk under way.
IDLE = -1
#: How long the speaker holds the floor, and how long the listener has to say it back.
SPEAK_SECONDS = 60
PARAPHRASE_SECONDS = 30
#: "More time": this much more quiet.
MORE_SECONDS = 45
#: The closing appreciation.
APPRECIATE_SECONDS = 30
#: A paused talk is picked up within this long; after it, they are offered a fresh start.
RETURN_WINDOW_S = 24 * 3600

CUE = frozenset({intents.CUE, intents.NEXT, intents.YES, intents.SWAP, intents.RESUME})
TIME_OUT = frozenset({intents.BREAK, intents.PAUSE, intents.STOP, intents.CANCEL, intents.GOODBYE})


class Talk(msgspec.Struct, frozen=True):
    """The kept record: safety note said, next step, last moved (epoch s), time-out called."""

    noted: int = 0
    next: int = IDLE
    updated: int = 0
    paused: int = 0

    @property
    def under_way(self) -> bool:
        return START <= self.next <= CLOSING


def epoch(now: datetime) -> int:
    """``now`` as whole seconds, as the kept place stores times."""
    return int(now.timestamp())


def kept(household: Household) -> Talk:
    """The kept record (a fresh one when there is none or it no longer makes sense)."""
    values = household.kept.get(NAME, [])
    if len(values) != 4 or not all(isinstance(v, int) for v in values):
        return Talk()
    noted, step, updated, paused = (int(v) for v in values)
    if not IDLE <= step <= CLOSING:
        return Talk(noted=1 if noted else 0)
    return Talk(1 if noted else 0, step, updated, 1 if paused else 0)


def _keep(state: State, record: Talk) -> State:
    values: list[int | str] = [record.noted, record.next, record.updated, record.paused]
    held = {**state.household.kept, NAME: values}
    return State(copying.replace(state.household, kept=held), state.session)


def _fresh(record: Talk, now: datetime) -> bool:
    """A talk under way that was moved on within a day."""
    return record.under_way and epoch(now) - record.updated < RETURN_WINDOW_S


def start(state: State, event: Event, ctx: FlowContext) -> Answer:
    """ "We had a fight": back to a talk paused within a day, a kind offer to begin again
    after longer, or a new talk (with the safety note, the first time)."""
    record = kept(state.household)
    if _fresh(record, ctx.now):
        return pick_up(state, ctx)
    if record.under_way:
        speech = (ctx.say("repair.again_offer"),)
        return places.at(state, NAME, OFFER_AGAIN), Reply.ask(
            speech, (ctx.say("repair.again_reprompt"),)
        )
    return _begin(state, ctx)


def _begin(state: State, ctx: FlowContext) -> Answer:
    """A new talk: the safety note once ever, else straight to who speaks first."""
    record = kept(state.household)
    if not record.noted:
        noted = _keep(state, copying.replace(record, noted=1, next=IDLE))
        speech = (ctx.say("repair.welcome"), Pause(300), ctx.say("repair.safety"))
        return places.at(noted, NAME, OFFER_NOTE), Reply.ask(
            speech, (ctx.say("repair.safety_reprompt"),)
        )
    return present(state, ctx, START)


def present(state: State, ctx: FlowContext, step: int, lead: tuple[Segment, ...] = ()) -> Answer:
    """Say ``step`` (the start, a floor turn, or the closing) and keep the place after it."""
    record = kept(state.household)
    household = state.household
    if step == CLOSING:
        return closing(state, ctx, lead)
    after = copying.replace(record, next=step + 1, updated=epoch(ctx.now), paused=0)
    if step == START:
        speech = (
            *lead,
            ctx.say("repair.intro"),
            Pause(400),
            *_named(household, 0, "repair.first_speaker", ctx),
            Pause(200),
            *_named(household, 1, "repair.first_listener", ctx),
            Pause(300),
            ctx.say("repair.ready"),
        )
        return _waiting(_keep(state, after), speech, "repair.ready_reprompt", ctx)
    speaker = (step - 1) % 2
    listener = 1 - speaker
    first_round = step <= 2
    opening: tuple[Segment, ...] = ()
    if step == 1:
        opening = (ctx.say("repair.round_one"), Pause(400))
    elif step == 3:
        opening = (ctx.say("repair.round_two"), Pause(400))
    floor = "repair.speak" if first_round else "repair.speak_again"
    speech = (
        *lead,
        *opening,
        *_named(household, speaker, floor, ctx),
        Pause(300),
        *_named(household, listener, "repair.listen", ctx),
        Silence(SPEAK_SECONDS),
        Sound("chime"),
        Pause(300),
        *_named(household, listener, "repair.paraphrase", ctx),
        Silence(PARAPHRASE_SECONDS),
        Sound("chime"),
        Pause(300),
        ctx.say("repair.swap" if step < TURNS else "repair.last_turn"),
    )
    waiting, reply = _waiting(_keep(state, after), speech, "repair.reprompt", ctx)
    return waiting, reply.with_display(_floor_display(household, speaker, ctx))


def _floor_display(household: Household, speaker: int, ctx: FlowContext) -> Display:
    """Who has the floor and who listens, with the speaker's time for a countdown."""
    name = people.partner_text(household, speaker, ctx.content, ctx.rng)
    other = people.partner_text(household, 1 - speaker, ctx.content, ctx.rng)
    return Display(
        title=ctx.phrase("screen.repair.title"),
        text=ctx.phrase("screen.repair.floor", person=name[:1].upper() + name[1:]),
        footer=ctx.phrase("screen.repair.listens", person=other[:1].upper() + other[1:]),
        seconds=SPEAK_SECONDS,
    )


def closing(state: State, ctx: FlowContext, lead: tuple[Segment, ...] = ()) -> Answer:
    """The end of the talk: thanks, one appreciation each in the quiet, a gentle goodbye."""
    speech = (
        *lead,
        ctx.say("repair.thanks"),
        Pause(300),
        ctx.say("repair.appreciate"),
        Silence(APPRECIATE_SECONDS),
        Sound("chime"),
        Pause(500),
        ctx.say("repair.goodbye"),
    )
    record = kept(state.household)
    done = _keep(state, Talk(noted=record.noted))
    return places.home(done), Reply.tell(speech)


def time_out(state: State, ctx: FlowContext) -> Answer:
    """ "We need a time-out": keep the place, suggest coming back within a day."""
    record = kept(state.household)
    paused = copying.replace(record, updated=epoch(ctx.now), paused=1)
    return places.home(_keep(state, paused)), Reply.tell((ctx.say("repair.time_out"),))


def pick_up(state: State, ctx: FlowContext) -> Answer:
    """Back to a paused talk, at the step that was next."""
    record = kept(state.household)
    lead = (ctx.say("repair.welcome_back"), Pause(400))
    return present(state, ctx, record.next, lead)


def offer_at_launch(state: State, event: Event, ctx: FlowContext) -> Offered | None:
    """At launch, a talk paused within a day is offered back."""
    if not _fresh(kept(state.household), ctx.now):
        return None
    offered = places.at(state, NAME, OFFER_RESUME)
    return Offered(offered, (ctx.say("repair.resume_offer"),), (ctx.say("repair.resume_reprompt"),))


def route(state: State, event: Event, ctx: FlowContext) -> Answer | Pass | None:
    """While a repair talk holds the floor: what each answer means at the current offer."""
    offer = state.session.place.offer
    name = event.intent
    record = kept(state.household)
    if offer == OFFER_NOTE:
        if name in (*CUE, intents.REPAIR):
            return present(state, ctx, START)
        if name in (intents.NO, *TIME_OUT):
            return places.home(state), Reply.tell((ctx.say("repair.not_now"),))
        return _unplaced(state, event, ctx, "repair.safety_reprompt")
    if offer == OFFER_AGAIN:
        if name in (intents.YES, intents.REPAIR, intents.START_OVER):
            return present(state, ctx, START, (ctx.say("repair.again_begin"), Pause(300)))
        if name == intents.NO:
            forgotten = _keep(state, Talk(noted=record.noted))
            return places.home(forgotten), Reply.tell((ctx.say("repair.again_declined"),))
        return Pass(places.home(state))
    if not record.under_way:
        return Pass(places.home(state))
    if offer == OFFER_RESUME:
        if name in (*CUE, intents.REPAIR):
            return pick_up(state, ctx)
        if name == intents.START_OVER:
            return present(state, ctx, START, (ctx.say("repair.start_over"), Pause(300)))
        if name == intents.NO:
            return places.home(state), Reply.tell((ctx.say("repair.resume_declined"),))
        return Pass(places.home(state))
    if name in CUE:
        return present(state, ctx, record.next)
    if name in TIME_OUT:
        return time_out(state, ctx)
    if name in (intents.MORE_TIME, intents.NO):
        return _more_time(state, ctx)
    if name == intents.START_OVER:
        return present(state, ctx, START, (ctx.say("repair.start_over"), Pause(300)))
    if name == intents.HELP:
        return state, Reply.ask((ctx.say("help.repair"),), (ctx.say("repair.reprompt"),))
    if name == intents.REPAIR:
        return state, Reply.ask((ctx.say("repair.reprompt"),), (ctx.say("repair.reprompt"),))
    if name == intents.FALLBACK:
        # Words the skill can't place are the two of them talking: more quiet, never an
        # apology; the second time, leave them to it (the place is kept).
        if state.session.misses >= talk.LEAVE_AFTER:
            return places.home(state), Reply.tell((ctx.say("repair.leave"),))
        return _more_time(state, ctx)
    return None


def _more_time(state: State, ctx: FlowContext) -> Answer:
    speech = (
        ctx.say("talk.more"),
        Silence(MORE_SECONDS),
        Sound("chime"),
        Pause(300),
        ctx.say("repair.reprompt"),
    )
    return state, Reply.ask(speech, (ctx.say("repair.reprompt"),))


def _unplaced(state: State, event: Event, ctx: FlowContext, key: str) -> Answer | Pass:
    """Help and stray words at an offer: say the offer again; anything else lapses it."""
    if event.intent in (intents.FALLBACK, intents.HELP):
        return state, Reply.ask((ctx.say(key),), (ctx.say(key),))
    return Pass(places.home(state))


def _waiting(state: State, speech: tuple[Segment, ...], reprompt: str, ctx: FlowContext) -> Answer:
    return places.at(state, NAME, OFFER_TALK), Reply.ask(speech, (ctx.say(reprompt),))


def _named(household: Household, index: int, key: str, ctx: FlowContext) -> tuple[Segment, ...]:
    """A partner's name (or voice), a breath, then what they do now."""
    return (people.partner(household, index, ctx.content, ctx.rng), Say(","), ctx.say(key))


ACTIVITY = Activity(
    name=NAME,
    intents={intents.REPAIR: start},
    router=route,
    launch_offer=offer_at_launch,
)
