"""The routine offer: once, at the end of a good evening, Alexa offers to make Heart to Heart
part of the couple's routine (``AMAZON.OfferAutomation``).

**When.** After the couple's third evening together (``Household.together.total``, the nights
the journal counted), at the moment they close it themselves: they had tonight's question
and then say goodnight ("thanks, that was lovely") or no to "another one?". That is the
least intrusive moment there is. The evening has happened, nothing is interrupted, and the
offer is about the evenings to come. The launch menu was the other candidate, but there a
couple has just arrived wanting their question: an offer there stands between them and
what they came for, and Alexa's own offer dialog would make the wait longer. Stop and
Cancel are never taken as the moment. Certification requires them to exit, and a couple
who says "stop" wants quiet. Nothing is offered while anything else is going on: a
listening exercise or a game in progress (even paused), a one-shot, or a session Alexa
could not hand back.

**Once, and never after a no.** ``Household.kept["routine"]`` holds ``[status, attempts,
night]``: the status is one of the markers below, ``night`` the day number
(``date.toordinal``) of the last offer. An offer that got no answer counts as made. A no
(or a routine they already have) is final, and so is a device or account that can't take
routines. Only an error lets it be made once more, on a later evening.

**The offer.** A routine whose trigger is one of a few phrases (``content/<locale>/
routines.json``, in order of preference) and whose one action starts this skill's custom
task ``TonightsQuestion`` version 1 (its task file is exported with the skill package).
Alexa speaks the offer itself. The skill says nothing before handing over, so the couple
hears one voice asking one question, and it says goodbye when the session comes back.

**The answer.** Alexa hands the session back with a ``SessionResumedRequest``; its
``cause.status.code`` and, when no routine was made, ``cause.result`` reason say how it
went. Amazon's pages, as far as they could be read for this work, document the directive
and that the answer is a ``SessionResumedRequest``, not its codes. The codes are taken from
a public skill that uses the offer: 200 for a routine created, 204 with
``REJECTED_BY_CUSTOMER`` (they said no) or ``AUTOMATION_ALREADY_ENABLED``, anything else an
error. Assumed here: a 4xx (other than 429) means "this device or account can't do it" and
is never retried; anything else (5xx, 429, no code) is an error worth one more try another
night; an unknown 204 reason counts as a no, the less intrusive reading.
"""

from __future__ import annotations

from datetime import date

from skill.runtime import copying, intents
from skill.runtime.flows.kit import places, talk
from skill.runtime.flows.kit.activity import Activity
from skill.runtime.flows.kit.context import Answer, FlowContext
from skill.runtime.flows.kit.events import RESUMED, Event
from skill.runtime.nights import night_of
from skill.runtime.reply import Reply, RoutineOffer, Segment
from skill.runtime.state import HOME, Household, State

#: This activity's name, which is also its key in ``Household.kept``.
NAME = "routine"
#: The custom task the routine starts (defined in ``skill-package/tasks/TonightsQuestion.1.json``).
TASK = "TonightsQuestion"
TASK_VERSION = 1
#: Comes back unchanged in the ``SessionResumedRequest``.
TOKEN = f"heart-routine|{TASK}|{TASK_VERSION}"

#: ``kept["routine"][0]``: what happened to the offer.
OFFERED = 1
DECLINED = 2
ACCEPTED = 3
UNSUPPORTED = 4
FAILED = 5
#: Statuses after which the offer is never made again.
FINAL = frozenset({OFFERED, DECLINED, ACCEPTED, UNSUPPORTED})
#: Evenings together before the offer is worth making.
EVENINGS_BEFORE_OFFER = 3
#: Offers at most (a second only after an error).
MAX_ATTEMPTS = 2
#: The couple closing the evening themselves. Stop and Cancel are not among them.
CLOSING_INTENTS = (intents.GOODBYE, intents.NO)
#: Where the floor may be when the evening closes: nothing else is going on.
QUIET_PLACES = frozenset({HOME, places.TONIGHT})

#: ``cause.result`` reasons that aren't a "no".
ALREADY_ENABLED = "AUTOMATION_ALREADY_ENABLED"
CODE_CREATED = "200"
CODE_NOT_CREATED = "204"


def kept(household: Household) -> tuple[int, int, int]:
    """``(status, attempts, night)``; zeros for a household never offered one."""
    raw = household.kept.get(NAME, [])
    values = [v if isinstance(v, int) else 0 for v in raw[:3]]
    values += [0] * (3 - len(values))
    return values[0], values[1], values[2]


def _keep(household: Household, status: int, attempts: int, night: int) -> Household:
    return copying.replace(household, kept={**household.kept, NAME: [status, attempts, night]})


def _in_progress(household: Household) -> bool:
    """An exercise or a game left mid-way (even paused) is something still going on."""
    return bool(household.listening.exercise) or bool(
        household.game.game and not household.game.done
    )


def due(before: State, event: Event, ctx: FlowContext) -> bool:
    """Whether this close is the moment for the offer (see the module's docstring)."""
    household = before.household
    night = night_of(ctx.now)
    status, attempts, last = kept(household)
    if status in FINAL or attempts >= MAX_ATTEMPTS:
        return False
    if last and last >= date.fromisoformat(night).toordinal():
        return False
    return (
        event.can_connect
        and not event.new_session
        and event.is_intent(*CLOSING_INTENTS)
        and before.session.place.activity in QUIET_PLACES
        and not _in_progress(household)
        and household.tonight.night == night
        and household.together.last_night == night
        and household.together.total >= EVENINGS_BEFORE_OFFER
    )


def offer_for(ctx: FlowContext) -> RoutineOffer | None:
    """The routine to offer in this locale; None when its content has no routine."""
    try:
        offer = ctx.content.section("routines")["offer"]
    except (KeyError, TypeError):
        return None
    utterances = tuple(offer.get("utterances", ()))
    description = offer.get("description", "")
    if not utterances or not description:
        return None
    return RoutineOffer(
        task=TASK,
        version=TASK_VERSION,
        utterances=utterances,
        locale=ctx.content.locale,
        description=description,
        token=TOKEN,
    )


def close(
    before: State, after: State, event: Event, reply: Reply, ctx: FlowContext
) -> Answer | None:
    """At the evening's close, hand the session to Alexa to offer the routine, once."""
    if not due(before, event, ctx):
        return None
    offer = offer_for(ctx)
    if offer is None:
        return None
    _, attempts, _ = kept(after.household)
    night = date.fromisoformat(night_of(ctx.now)).toordinal()
    household = _keep(after.household, OFFERED, attempts + 1, night)
    return places.home(State(household, after.session)), Reply.silent().offering_routine(offer)


def outcome(code: str, reason: str) -> int:
    """The status a ``SessionResumedRequest``'s code and reason leave the offer in."""
    if code == CODE_CREATED:
        return ACCEPTED
    if code == CODE_NOT_CREATED:
        return ACCEPTED if reason == ALREADY_ENABLED else DECLINED
    if code.startswith("4") and code != "429":
        return UNSUPPORTED
    return FAILED


#: What the skill says first for each outcome (the goodbye follows); none when the device
#: simply can't take routines, since there is nothing for the couple to do about it.
LINES = {
    ACCEPTED: "routine.accepted",
    DECLINED: "routine.declined",
    FAILED: "routine.failed",
}


def resumed(state: State, event: Event, ctx: FlowContext) -> Answer:
    """Alexa handed the session back (``RESUMED``): remember the outcome and say goodbye."""
    goodbye: tuple[Segment, ...] = (ctx.say(talk.goodbye_key(ctx)),)
    if event.slots.get("token") != TOKEN:
        return places.home(state), Reply.tell(goodbye)
    code = event.slots.get("code", "")
    reason = event.slots.get("reason", "")
    status = outcome(code, reason)
    _, attempts, night = kept(state.household)
    household = _keep(state.household, status, attempts, night)
    key = LINES.get(status)
    if status == ACCEPTED and reason == ALREADY_ENABLED:
        key = "routine.already"
    lead: tuple[Segment, ...] = (ctx.say(key),) if key else ()
    return places.home(State(household, state.session)), Reply.tell((*lead, *goodbye))


ACTIVITY = Activity(name=NAME, closer=close, events={RESUMED: resumed})
