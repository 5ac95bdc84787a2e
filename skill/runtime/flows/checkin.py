"""The weekly check-in ("how are we doing?"): an appreciation each, one thing that went well,
a wish each for the coming week, and a closeness number from one to five from each partner.

Everything the couple says to each other happens in timed quiet, by name, and is never heard
by the skill. Only the two numbers are kept, with the week they belong to, in
``Household.kept["checkin"]``: a flat list of ``[week, first, second]`` triples (``week`` as
``nights.week_of`` gives it, a number 0 for one not given), the last ``MAX_WEEKS`` weeks. A
second check-in in the same week updates that week's numbers.

A check-in left halfway (the session ended, a "no" at the wishes) waits for the rest of its
week: ``Household.kept["checkin:waiting"]`` holds ``[week, stage]`` (stage 1 the wishes, 2 and 3
each partner's number), the launch offers it back, and "how are we doing" picks it up there.
It is gone once the check-in is done, declined at that offer, or the week is over.

"How have we been doing?" speaks the trend of the two numbers taken together, week by week,
so it never sets one partner against the other; a skipped week is simply not there.
"""

from __future__ import annotations

import re
from typing import Any

from skill.runtime import copying, intents
from skill.runtime.flows.kit import places, talk
from skill.runtime.flows.kit.activity import Activity, Offered
from skill.runtime.flows.kit.context import Answer, FlowContext
from skill.runtime.flows.kit.events import INTENT, Event
from skill.runtime.nights import week_of
from skill.runtime.reply import Pause, Reply, Segment, Silence
from skill.runtime.state import Household, State

NAME = "checkin"
#: After the appreciations and what went well: "ready for your wishes?"
OFFER_WISHES = "checkin_wishes"
#: Waiting for partner one's number, then partner two's.
OFFER_NUMBER = ("checkin_number_one", "checkin_number_two")
#: "Would you like to do this week's check-in now?" (after the trend).
OFFER_START = "checkin_start"
#: "Your check-in is waiting; shall we finish it?" (at launch, the same week).
OFFER_RESUME = "checkin_resume"
#: Where a check-in left halfway waits: ``[week, stage]``.
WAITING = f"{NAME}:waiting"
#: The stages a check-in can wait at: the wishes, then each partner's number.
AT_WISHES, AT_NUMBER = 1, (2, 3)

#: Quiet for each appreciation, for what went well (said together), and for each wish.
APPRECIATE_SECONDS = 40
WENT_WELL_SECONDS = 60
WISH_SECONDS = 30
#: Quiet for the closing question to each other.
LOVED_SECONDS = 60
#: Quiet when the couple is still talking as the microphone opens.
MORE_SECONDS = 60
#: Weeks of numbers kept: three months is enough for "lately" and "the month before".
MAX_WEEKS = 12
#: A closeness number is one of these.
LOWEST, HIGHEST = 1, 5
#: Answers in a row that were not a number from one to five before the skill lets it go.
NUMBER_TRIES = 3
#: From this many weeks the trend compares the last four weeks with the four before.
MONTHS_FROM_WEEKS = 8
MONTH_WEEKS = 4
#: How far apart (on the one-to-five scale) two stretches must be to count as a change.
CHANGE = 0.5

#: While a number is asked for, these are answers that aren't one ("pretty close" is heard
#: as a game's "close"): asked again kindly, never routed elsewhere or answered with "sorry".
NOT_A_NUMBER = (
    intents.FALLBACK,
    intents.CLOSE,
    intents.YES,
    intents.NEXT,
    intents.CUE,
    intents.MORE_TIME,
    intents.PREVIOUS,
    intents.RESUME,
)

_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "zero": 0}  # fmt: skip


# -- the numbers ---------------------------------------------------------------------------


def weeks(household: Household) -> list[tuple[int, int, int]]:
    """The kept weeks, oldest first, as ``(week, first, second)``; malformed items dropped."""
    raw = household.kept.get(NAME, [])
    found: dict[int, tuple[int, int, int]] = {}
    numbers = [v if isinstance(v, int) else -1 for v in raw]
    for i in range(0, len(numbers) - 2, 3):
        week, first, second = numbers[i : i + 3]
        if week > 0 and all(v == 0 or LOWEST <= v <= HIGHEST for v in (first, second)):
            found[week] = (week, first, second)
    return [found[w] for w in sorted(found)]


def with_number(household: Household, week: int, index: int, number: int) -> Household:
    """``household`` with partner ``index``'s number for ``week`` (its entry made or updated),
    keeping only the last ``MAX_WEEKS`` weeks."""
    by_week = {w: [w, a, b] for w, a, b in weeks(household)}
    entry = by_week.setdefault(week, [week, 0, 0])
    entry[1 + index] = number
    kept: list[int | str] = [v for w in sorted(by_week)[-MAX_WEEKS:] for v in by_week[w]]
    return copying.replace(household, kept={**household.kept, NAME: kept})


def heard_number(event: Event) -> int | None:
    """The number said for the closeness slot (Alexa sends digits; typed words count too), or
    None when no number was heard. Never a guess: "a lot" is no number."""
    said = event.spoken.get(intents.SLOT_CLOSENESS) or event.slots.get(intents.SLOT_CLOSENESS, "")
    spoken = " ".join(said.lower().split())
    if re.fullmatch(r"\d{1,3}", spoken):
        return int(spoken)
    return _WORDS.get(spoken)


def together(first: int, second: int) -> float | None:
    """One week's closeness for the two of them: the mean of the numbers given."""
    given = [n for n in (first, second) if n]
    return sum(given) / len(given) if given else None


def waiting_at(household: Household, week: int) -> int:
    """The stage this week's unfinished check-in waits at, or 0 when none does."""
    raw = household.kept.get(WAITING, [])
    if len(raw) != 2 or not all(isinstance(v, int) for v in raw) or raw[0] != week:
        return 0
    stage = raw[1]
    return stage if isinstance(stage, int) and stage in (AT_WISHES, *AT_NUMBER) else 0


def _waiting(state: State, week: int, stage: int) -> State:
    """``state`` with the check-in waiting at ``stage`` of ``week``; 0 forgets it."""
    kept = {k: v for k, v in state.household.kept.items() if k != WAITING}
    if stage:
        kept[WAITING] = [week, stage]
    return State(copying.replace(state.household, kept=kept), state.session)


# -- the check-in --------------------------------------------------------------------------


def start(state: State, event: Event, ctx: FlowContext) -> Answer:
    """ "How are we doing?": the appreciations and what went well, in quiet, then "ready for
    your wishes?"; or, with one left halfway this week, the rest of it."""
    if waiting_at(state.household, week_of(ctx.now)):
        return resume(state, event, ctx)
    household = state.household
    speech: tuple[Segment, ...] = (
        ctx.say("checkin.intro"),
        Pause(400),
        *talk.floor(household, 0, "checkin.appreciate", ctx),
        Silence(APPRECIATE_SECONDS),
        *talk.chime(),
        *talk.floor(household, 1, "checkin.appreciate_turn", ctx),
        Silence(APPRECIATE_SECONDS),
        *talk.chime(),
        ctx.say("checkin.went_well"),
        Silence(WENT_WELL_SECONDS),
        *talk.chime(),
        ctx.say("checkin.wishes_offer"),
    )
    reply = Reply.ask(speech, (ctx.say("checkin.wishes_reprompt"),))
    waiting = _waiting(state, week_of(ctx.now), AT_WISHES)
    return places.at(waiting, NAME, OFFER_WISHES), reply.with_card(
        ctx.phrase("card.checkin_title"), ctx.phrase("checkin.card")
    )


def resume(state: State, event: Event, ctx: FlowContext) -> Answer:
    """This week's check-in, from the stage it was left at (the wishes, or a number)."""
    stage = waiting_at(state.household, week_of(ctx.now))
    if not stage:
        return start(state, event, ctx)
    lead: tuple[Segment, ...] = (ctx.say("checkin.resume"), Pause(300))
    if stage == AT_WISHES:
        speech = (*lead, ctx.say("checkin.wishes_offer"))
        reply = Reply.ask(speech, (ctx.say("checkin.wishes_reprompt"),))
        return places.at(state, NAME, OFFER_WISHES), reply
    return _ask_number(state, event, AT_NUMBER.index(stage), lead, ctx)


def offer_at_launch(state: State, event: Event, ctx: FlowContext) -> Offered | None:
    """At launch, a check-in left halfway this week is offered back."""
    if not waiting_at(state.household, week_of(ctx.now)):
        return None
    offered = places.at(state, NAME, OFFER_RESUME)
    return Offered(
        offered, (ctx.say("checkin.resume_offer"),), (ctx.say("checkin.resume_reprompt"),)
    )


def wishes(state: State, event: Event, ctx: FlowContext) -> Answer:
    """A wish each for the coming week, in quiet; then partner one's number."""
    household = state.household
    speech: tuple[Segment, ...] = (
        *talk.floor(household, 0, "checkin.wish", ctx),
        Silence(WISH_SECONDS),
        *talk.chime(),
        *talk.floor(household, 1, "checkin.wish_turn", ctx),
        Silence(WISH_SECONDS),
        *talk.chime(),
        ctx.say("checkin.number_intro"),
        Pause(300),
    )
    return _ask_number(state, event, 0, speech, ctx)


def number(state: State, event: Event, ctx: FlowContext) -> Answer:
    """A closeness number, while one is asked for: kept when it is one to five, asked again
    kindly when it is anything else; after a few tries the skill lets that number go."""
    offer = state.session.place.offer
    if offer not in OFFER_NUMBER:
        return _not_asked(state, event, ctx)
    index = OFFER_NUMBER.index(offer)
    said = heard_number(event) if event.is_intent(intents.CLOSENESS) else None
    if said is not None and LOWEST <= said <= HIGHEST:
        household = with_number(state.household, week_of(ctx.now), index, said)
        return _after_number(State(household, state.session), event, index, ctx)
    if state.session.place.retries + 1 >= NUMBER_TRIES:
        return _after_number(state, event, index, ctx, (ctx.say("checkin.number_let_go"),))
    key = "checkin.number_range" if said is not None else "checkin.number_unclear"
    retried = places.retried(state)
    speech = (
        ctx.say(key),
        Pause(300),
        *talk.floor(state.household, index, "checkin.number_ask", ctx),
    )
    reply = Reply.ask(speech, (ctx.say("checkin.number_reprompt"),))
    return retried, _eliciting(reply, event)


def _after_number(
    state: State,
    event: Event,
    index: int,
    ctx: FlowContext,
    lead: tuple[Segment, ...] = (),
) -> Answer:
    """After partner one's number, partner two's; after both, the closing question."""
    if index == 0:
        speech = (*lead, ctx.say("checkin.number_thanks"), Pause(300))
        return _ask_number(state, event, 1, speech, ctx)
    speech = (
        *lead,
        ctx.say("checkin.number_thanks"),
        Pause(400),
        ctx.say("checkin.loved"),
        Silence(LOVED_SECONDS),
        *talk.chime(),
        ctx.say("checkin.done"),
    )
    return places.home(_waiting(state, week_of(ctx.now), 0)), Reply.tell(speech)


def _ask_number(
    state: State, event: Event, index: int, lead: tuple[Segment, ...], ctx: FlowContext
) -> Answer:
    speech = (*lead, *talk.floor(state.household, index, "checkin.number_ask", ctx))
    reply = Reply.ask(speech, (ctx.say("checkin.number_reprompt"),))
    waiting = _waiting(state, week_of(ctx.now), AT_NUMBER[index])
    return places.at(waiting, NAME, OFFER_NUMBER[index]), _eliciting(reply, event)


def _eliciting(reply: Reply, event: Event) -> Reply:
    """Ask Alexa to hear the next words as a closeness number, so a bare "four" is one
    (Dialog.ElicitSlot; only in answer to an intent, as Alexa allows)."""
    if event.kind != INTENT:
        return reply
    directive: dict[str, Any] = {
        "type": "Dialog.ElicitSlot",
        "slotToElicit": intents.SLOT_CLOSENESS,
        "updatedIntent": {
            "name": intents.CLOSENESS,
            "confirmationStatus": "NONE",
            "slots": {
                intents.SLOT_CLOSENESS: {
                    "name": intents.SLOT_CLOSENESS,
                    "confirmationStatus": "NONE",
                }
            },
        },
    }
    return reply.with_directive(directive)


def _not_asked(state: State, event: Event, ctx: FlowContext) -> Answer:
    """A number when none was asked for ("five more minutes" is not one, but "a four" said
    out of the blue may be): say how the check-in starts, and offer it."""
    return places.at(state, NAME, OFFER_START), Reply.ask(
        (ctx.say("checkin.number_not_asked"),), (ctx.say("checkin.start_reprompt"),)
    )


# -- the trend -----------------------------------------------------------------------------


def trend(state: State, event: Event, ctx: FlowContext) -> Answer:
    """ "How have we been doing?": the weeks' closeness together, kindly; gently, when there
    are fewer than two weeks to compare."""
    kept = [(w, t) for w, a, b in weeks(state.household) if (t := together(a, b)) is not None]
    if len(kept) < 2:
        key = "checkin.trend_none" if not kept else "checkin.trend_one"
        speech: tuple[Segment, ...] = (ctx.say(key),)
    else:
        values = [t for _, t in kept]
        if len(values) >= MONTHS_FROM_WEEKS:
            recent = values[-MONTH_WEEKS:]
            earlier = values[-2 * MONTH_WEEKS : -MONTH_WEEKS]
            span = "month"
        else:
            recent, earlier, span = values[-1:], values[:-1], "weeks"
        change = sum(recent) / len(recent) - sum(earlier) / len(earlier)
        direction = "closer" if change >= CHANGE else "lower" if change <= -CHANGE else "steady"
        speech = (
            ctx.say("checkin.trend_span", count=len(kept)),
            Pause(200),
            ctx.say(f"checkin.trend_{direction}_{span}"),
        )
    if event.new_session:
        return state, Reply.tell((*speech, Pause(300), ctx.say("checkin.trend_close")))
    this_week = any(w == week_of(ctx.now) for w, _ in kept)
    if this_week:
        offered = places.offer_tonight(state)
        offer = ctx.say("offer.tonight")
        reprompt = ctx.say("launch.reprompt")
    else:
        offered = places.at(state, NAME, OFFER_START)
        offer = ctx.say("checkin.start_offer")
        reprompt = ctx.say("checkin.start_reprompt")
    return offered, Reply.ask((*speech, Pause(300), offer), (reprompt,))


# -- routing -------------------------------------------------------------------------------


def route(state: State, event: Event, ctx: FlowContext) -> Answer | None:
    """While the check-in holds the floor: "ready" moves on, a number answers the number
    asked for, and words the skill can't place are the couple talking (given more quiet),
    or, while a number is asked for, asked again kindly."""
    offer = state.session.place.offer
    if offer in OFFER_NUMBER:
        if event.is_intent(intents.CLOSENESS, *NOT_A_NUMBER):
            return number(state, event, ctx)
        if event.is_intent(intents.NO, intents.SKIP_STEP, intents.PASS, intents.ANOTHER):
            index = OFFER_NUMBER.index(offer)
            return _after_number(state, event, index, ctx, (ctx.say("checkin.number_skipped"),))
        if event.is_intent(intents.HELP):
            return _help(state, event, ctx, OFFER_NUMBER.index(offer))
        if event.is_intent(intents.REPEAT):
            index = OFFER_NUMBER.index(offer)
            return _ask_number(state, event, index, (ctx.say("checkin.number_intro"),), ctx)
        return None
    if offer == OFFER_WISHES:
        if event.is_intent(intents.YES, intents.NEXT, intents.CUE, intents.RESUME):
            return wishes(state, event, ctx)
        if event.is_intent(intents.NO):
            return state, Reply.tell((ctx.say("checkin.stopped"),))
        if event.is_intent(intents.MORE_TIME, intents.FALLBACK):
            return _more_time(state, event, ctx)
        if event.is_intent(intents.HELP):
            return _help(state, event, ctx, -1)
        return None
    if offer == OFFER_START and event.is_intent(intents.NO):
        return state, Reply.tell((ctx.say("checkin.start_declined"),))
    if offer == OFFER_RESUME and event.is_intent(intents.NO):
        forgotten = _waiting(state, week_of(ctx.now), 0)
        return places.home(forgotten), Reply.tell((ctx.say("checkin.resume_declined"),))
    return None


def _more_time(state: State, event: Event, ctx: FlowContext) -> Answer:
    """Still talking as the microphone opened: more quiet once, then leave them to it (the
    check-in starts again with "how are we doing")."""
    if state.session.misses >= 1 and event.is_intent(intents.FALLBACK):
        return state, Reply.tell((ctx.say("checkin.leave"),))
    speech = (
        ctx.say("talk.more"),
        Silence(MORE_SECONDS),
        *talk.chime(),
        ctx.say("checkin.wishes_offer"),
    )
    return state, Reply.ask(speech, (ctx.say("checkin.wishes_reprompt"),))


def _help(state: State, event: Event, ctx: FlowContext, index: int) -> Answer:
    """Help inside the check-in: what it is, then the question it was waiting on."""
    lead: tuple[Segment, ...] = (ctx.say("help.checkin"), Pause(300))
    if index < 0:
        speech = (*lead, ctx.say("checkin.wishes_offer"))
        return state, Reply.ask(speech, (ctx.say("checkin.wishes_reprompt"),))
    return _ask_number(state, event, index, lead, ctx)


ACTIVITY = Activity(
    name=NAME,
    intents={intents.CHECK_IN: start, intents.CHECK_IN_TREND: trend, intents.CLOSENESS: number},
    router=route,
    accepts={OFFER_START: start, OFFER_RESUME: resume},
    launch_offer=offer_at_launch,
)
