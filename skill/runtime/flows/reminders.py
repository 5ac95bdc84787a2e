"""The nightly ritual: a daily Alexa reminder the couple asks for, moves and cancels by voice.

The dialog, all pure:

1. "Remind us every night at nine" -> the time is read (``AMAZON.TIME`` says ``09:00`` for
   "nine"; an evening ritual means 1-11 o'clock is p.m. unless they said "every morning") and
   the skill asks consent to that specific reminder: "shall I remind you both every night at
   nine p.m.?". A missing or impossible time gets a clear re-ask.
2. "Yes" -> the flow returns a ``ReminderCall`` effect (create, or update when one exists).
   The turn performs it against the Reminders API and reports back with an ``EFFECT_DONE``
   event; ``reminder_done`` then stores the reminder's ``alertToken`` and says it's set.
3. No permission yet (401/403) -> ``reminder_done`` answers with a ``Connections.SendRequest``
   AskFor directive; Alexa asks the couple and sends ``Connections.Response``, which the
   handler turns into a ``PERMISSION`` event for ``permission_answered``: accepted retries the
   call (the token carries what to do), denied and not answered get a kind, clear answer.
4. "Change our reminder to ten" updates it; "cancel our reminder" deletes it.

The API being down, slow or refusing gets a spoken answer, and the rest of the skill goes on.
"""

from __future__ import annotations

from random import Random
from typing import Any

from skill.runtime import copying, effects, intents
from skill.runtime.catalog import LocaleContent
from skill.runtime.effects import ReminderCall
from skill.runtime.flows.kit import cards, places
from skill.runtime.flows.kit.activity import Activity
from skill.runtime.flows.kit.context import FlowContext
from skill.runtime.flows.kit.events import PERMISSION, Event
from skill.runtime.reply import Pause, Reply, Segment
from skill.runtime.state import NightlyReminder, ReminderDraft, State
from skill.runtime.times import parse_slot

#: This activity's name, and the offers it answers while a reminder is being arranged.
NAME = "reminders"
OFFER_TIME = "reminder_time"
OFFER_CONFIRM = "reminder_confirm"
REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"
#: Alexa's vague parts of the day: too vague for a reminder, so the skill asks for a time.
VAGUE_TIMES = frozenset({"MO", "AF", "EV", "NI"})
TOKEN_PREFIX = "heart-reminder"
#: Hours from which a time is spoken as "every night" rather than "every day".
EVENING_FROM_HOUR = 17


def evening_hour(hour: int, day_part: str) -> int:
    """An evening ritual: 1-11 o'clock means p.m., unless the couple said "every morning"."""
    if 1 <= hour <= 11 and day_part != "morning":
        return hour + 12
    return hour


def read_time(value: str, day_part: str) -> tuple[int, int] | None:
    """The ``(hour, minute)`` to remind at, or None when the slot holds no usable time."""
    parsed = parse_slot(value)
    if parsed is None:
        return None
    hour, minute = parsed
    return evening_hour(hour, day_part), minute


def say_time(hour: int, minute: int, content: LocaleContent, rng: Random) -> str:
    """A clock time as a person of this locale says it ("9 p.m.", "9:30 p.m.", "midnight").

    The clock is the locale's content, not code: ``time.whole`` and ``time.minutes`` are
    given the 12-hour ``{hour}`` with its ``{half}`` ("p.m."), the 24-hour ``{hour24}`` and
    the two-digit ``{minute}``, and each locale's wording picks its clock ("{hour24}:{minute}
    Uhr" for a 24-hour one). A locale may word one hour of the 12-hour clock its own way
    (``time.whole.1``: Spanish says "la una" but "las dos")."""
    if (hour, minute) == (0, 0):
        return content.phrase("time.midnight", rng)
    if (hour, minute) == (12, 0):
        return content.phrase("time.noon", rng)
    half = content.phrase("time.pm" if hour >= 12 else "time.am", rng)
    clock: dict[str, str | int] = {
        "hour": hour % 12 or 12,
        "hour24": hour,
        "minute": f"{minute:02d}",
        "half": half,
    }
    key = "time.whole" if minute == 0 else "time.minutes"
    own_hour = f"{key}.{clock['hour']}"
    return content.phrase(own_hour if own_hour in content.phrases else key, rng, **clock)


def set_reminder(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """ "Remind us every night at nine": ask consent to that reminder (or for a usable time)."""
    action = effects.UPDATE if state.household.reminder.alert_token else effects.CREATE
    return _consent(state, event, action, ctx.content, ctx.rng)


def change_reminder(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """ "Change our reminder to ten": like setting one, but says so when there is none yet."""
    if state.household.reminder.alert_token:
        return _consent(state, event, effects.UPDATE, ctx.content, ctx.rng)
    return _consent(state, event, effects.CREATE, ctx.content, ctx.rng, ("reminder.none_yet",))


def cancel_reminder(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """ "Cancel our reminder": delete it through the API (a turn effect)."""
    token = state.household.reminder.alert_token
    if not token:
        return _finish(state, (ctx.say("reminder.none_to_cancel"),), event, ctx.content, ctx.rng)
    call = ReminderCall(action=effects.DELETE, alert_token=token)
    return state, Reply.silent().with_effect(call)


def route(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply] | None:
    """While a reminder is being arranged: yes/no answer the consent question, and a word
    that isn't a time gets a clear re-ask. Everything else routes as usual."""
    offer = state.session.place.offer
    if offer == OFFER_CONFIRM and event.is_intent(intents.YES):
        return _perform(state, ctx)
    if offer in (OFFER_CONFIRM, OFFER_TIME) and event.is_intent(intents.NO, intents.CANCEL):
        return _finish(_idle(state), (ctx.say("reminder.declined"),), event, ctx.content, ctx.rng)
    if offer == OFFER_TIME and event.is_intent(intents.YES, intents.FALLBACK):
        return _reask(state, "reminder.bad_time", ctx.content, ctx.rng)
    if offer == OFFER_CONFIRM and event.is_intent(intents.FALLBACK):
        return state, Reply.ask(
            (ctx.say("reminder.confirm_reprompt"),),
            (ctx.say("reminder.confirm_reprompt"),),
        )
    return None


def reminder_done(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """The Reminders API answered (``EFFECT_DONE``): store the reminder and say how it went."""
    outcome = event.slots.get("outcome", effects.UNAVAILABLE)
    action = event.slots.get("action", "")
    time = event.slots.get("time", "")
    household = state.household
    state = _idle(state)
    if action == effects.DELETE and outcome in (effects.OK, effects.MISSING):
        household = copying.replace(household, reminder=NightlyReminder())
        lines: tuple[Segment, ...] = (ctx.say("reminder.cancelled"),)
        return _finish(State(household, state.session), lines, event, ctx.content, ctx.rng)
    if outcome == effects.OK:
        token = event.slots.get("alert_token", "")
        reminder = NightlyReminder(alert_token=token, time=time)
        household = copying.replace(household, reminder=reminder)
        spoken = _spoken_slot_time(time, ctx.content, ctx.rng)
        key = "reminder.moved" if action == effects.UPDATE else "reminder.set"
        key += "_night" if _is_evening(time) else "_day"
        lines = (ctx.say(key, time=spoken),)
        done = _finish(State(household, state.session), lines, event, ctx.content, ctx.rng)
        return done[0], done[1].with_card_of(cards.reminder(ctx, spoken))
    if outcome == effects.FORBIDDEN and action != effects.DELETE:
        if event.slots.get("after_permission") != "yes":
            return state, ask_permission(action, time)
        return _finish(state, (ctx.say("reminder.no_permission"),), event, ctx.content, ctx.rng)
    if outcome == effects.FORBIDDEN:
        lines = (ctx.say("reminder.no_permission_cancel"),)
        return _finish(state, lines, event, ctx.content, ctx.rng)
    if outcome == effects.REJECTED:
        return _finish(state, (ctx.say("reminder.rejected"),), event, ctx.content, ctx.rng)
    return _finish(state, (ctx.say("reminder.unavailable"),), event, ctx.content, ctx.rng)


def ask_permission(action: str, time: str) -> Reply:
    """Alexa's own voice permission dialog. The token carries what to do once it's granted,
    so the answer can be acted on even in a new session. No speech and no reprompt: Alexa
    speaks the permission question itself."""
    directive: dict[str, Any] = {
        "type": "Connections.SendRequest",
        "name": "AskFor",
        "payload": {
            "@type": "AskForPermissionsConsentRequest",
            "@version": "2",
            "permissionScopes": [{"permissionScope": REMINDERS_SCOPE, "consentLevel": "ACCOUNT"}],
        },
        "token": f"{TOKEN_PREFIX}|{action}|{time}",
    }
    return Reply.silent().with_directive(directive)


def read_token(token: str) -> tuple[str, tuple[int, int]] | None:
    """``(action, (hour, minute))`` from a token this skill sent, else None."""
    parts = token.split("|")
    if (
        len(parts) != 3
        or parts[0] != TOKEN_PREFIX
        or parts[1] not in (effects.CREATE, effects.UPDATE)
    ):
        return None
    parsed = parse_slot(parts[2])
    return (parts[1], parsed) if parsed else None


def permission_answered(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """Alexa's permission dialog ended (``PERMISSION``): go ahead, or say kindly what's next."""
    status = event.slots.get("status", "")
    wanted = read_token(event.slots.get("token", ""))
    if status == "ACCEPTED" and wanted is not None:
        action, (hour, minute) = wanted
        if action == effects.UPDATE and not state.household.reminder.alert_token:
            action = effects.CREATE
        call = _call(state, action, hour, minute, ctx, after_permission=True)
        return state, Reply.silent().with_effect(call)
    key = {
        "ACCEPTED": "reminder.permission_thanks",
        "DENIED": "reminder.permission_denied",
    }.get(status, "reminder.permission_unanswered")
    return _finish(_idle(state), (ctx.say(key),), event, ctx.content, ctx.rng)


def _consent(
    state: State,
    event: Event,
    action: str,
    content: LocaleContent,
    rng: Random,
    lead_keys: tuple[str, ...] = (),
) -> tuple[State, Reply]:
    value = event.spoken.get(intents.SLOT_TIME, "").strip()
    day_part = event.slots.get(intents.SLOT_DAY_PART, "")
    lead = tuple(content.say(k, rng) for k in lead_keys)
    if not value or value in VAGUE_TIMES:
        waiting = places.at(state, NAME, OFFER_TIME, ReminderDraft(action=action))
        return waiting, Reply.ask(
            (*lead, content.say("reminder.which_time", rng)),
            (content.say("reminder.time_reprompt", rng),),
        )
    wanted = read_time(value, day_part)
    if wanted is None:
        return _reask(state, "reminder.bad_time", content, rng)
    hour, minute = wanted
    draft = ReminderDraft(action=action, time=f"{hour:02d}:{minute:02d}")
    waiting = places.at(state, NAME, OFFER_CONFIRM, draft)
    key = (
        "reminder.confirm_night"
        if hour >= EVENING_FROM_HOUR or hour < 4
        else "reminder.confirm_day"
    )
    spoken = say_time(hour, minute, content, rng)
    return waiting, Reply.ask(
        (*lead, content.say(key, rng, time=spoken)),
        (content.say("reminder.confirm_reprompt", rng),),
    )


def _perform(state: State, ctx: FlowContext) -> tuple[State, Reply] | None:
    draft = state.session.place.reminder
    action, parsed = draft.action, parse_slot(draft.time)
    if action not in (effects.CREATE, effects.UPDATE) or parsed is None:
        return None
    if action == effects.UPDATE and not state.household.reminder.alert_token:
        action = effects.CREATE
    call = _call(state, action, parsed[0], parsed[1], ctx)
    return state, Reply.silent().with_effect(call)


def _call(
    state: State,
    action: str,
    hour: int,
    minute: int,
    ctx: FlowContext,
    after_permission: bool = False,
) -> ReminderCall:
    zone = getattr(ctx.now.tzinfo, "key", "") or state.session.time_zone or "UTC"
    return ReminderCall(
        action=action,
        hour=hour,
        minute=minute,
        time_zone=zone,
        locale=ctx.content.locale,
        text=ctx.phrase("reminder.text"),
        alert_token=state.household.reminder.alert_token if action == effects.UPDATE else "",
        local_now=ctx.now.replace(tzinfo=None),
        after_permission=after_permission,
    )


def _reask(state: State, key: str, content: LocaleContent, rng: Random) -> tuple[State, Reply]:
    action = state.session.place.reminder.action or effects.CREATE
    waiting = places.at(state, NAME, OFFER_TIME, ReminderDraft(action=action))
    return waiting, Reply.ask(
        (content.say(key, rng),), (content.say("reminder.time_reprompt", rng),)
    )


def _idle(state: State) -> State:
    """Leave the reminder dialog: nothing pending, nothing offered."""
    return places.home(state)


def _finish(
    state: State, lines: tuple[Segment, ...], event: Event, content: LocaleContent, rng: Random
) -> tuple[State, Reply]:
    """Say how it went; a one-shot closes, an open session offers tonight's question."""
    if event.new_session:
        return state, Reply.tell(lines)
    return places.offer_tonight(state), Reply.ask(
        (*lines, Pause(400), content.say("offer.tonight", rng)),
        (content.say("offer.tonight", rng),),
    )


def _spoken_slot_time(time: str, content: LocaleContent, rng: Random) -> str:
    parsed = parse_slot(time)
    return say_time(parsed[0], parsed[1], content, rng) if parsed else time


def _is_evening(time: str) -> bool:
    parsed = parse_slot(time)
    return parsed is not None and (parsed[0] >= EVENING_FROM_HOUR or parsed[0] < 4)


def reminder_status(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """ "When is our reminder?": say it, or that there is none and how to set one. Asking
    never changes anything."""
    reminder = state.household.reminder
    parsed = parse_slot(reminder.time) if reminder.alert_token else None
    if parsed is None:
        lines: tuple[Segment, ...] = (ctx.say("reminder.status_none"),)
    else:
        spoken = say_time(parsed[0], parsed[1], ctx.content, ctx.rng)
        key = "reminder.status_night" if _is_evening(reminder.time) else "reminder.status_day"
        lines = (ctx.say(key, time=spoken),)
    return _finish(state, lines, event, ctx.content, ctx.rng)


ACTIVITY = Activity(
    name=NAME,
    intents={
        intents.REMINDER_STATUS: reminder_status,
        intents.SET_REMINDER: set_reminder,
        intents.CHANGE_REMINDER: change_reminder,
        intents.CANCEL_REMINDER: cancel_reminder,
    },
    router=route,
    effects={effects.REMINDER: reminder_done},
    events={PERMISSION: permission_answered},
)
