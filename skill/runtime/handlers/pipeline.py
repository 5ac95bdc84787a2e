"""The one path every spoken turn takes: facts -> event -> runner(flow) -> response."""

from __future__ import annotations

import logging
from random import Random
from typing import Any

import msgspec
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.runtime import apl, copying, effects, tasks
from skill.runtime.catalog import Catalog, LocaleContent
from skill.runtime.deadline import Deadline
from skill.runtime.effects import ForgetHousehold, ReminderCall
from skill.runtime.flows import dialog
from skill.runtime.flows.kit.events import EFFECT_DONE, Event
from skill.runtime.handlers.envelope import envelope_of
from skill.runtime.handlers.render import render_response
from skill.runtime.handlers.translate import event_for, facts, launch_task, session_attributes
from skill.runtime.nights import zone
from skill.runtime.progressive import ProgressiveClient
from skill.runtime.records import codec_for
from skill.runtime.reminders import KEEP_S, ReminderResult, RemindersClient
from skill.runtime.reply import Pause, Reply
from skill.runtime.settings import Settings
from skill.runtime.state import Household, State, session_from_json, to_dict
from skill.runtime.timezone import TimeZoneLookup
from skill.runtime.turn import TurnRunner, household_key
from skill.runtime.voices import reply_with_names, stored_voices, voice_key

log = logging.getLogger(__name__)

#: What a progressive line leaves of the deadline for the slow call after it and the save:
#: the Reminders API's own reserve plus half a second for the call itself.
PROGRESSIVE_KEEP_S = KEEP_S + 0.5
#: Content keys of the progressive lines said before each slow effect.
PROGRESSIVE_REMINDER = "progressive.reminder"
PROGRESSIVE_FORGET = "progressive.forget"


class Services(msgspec.Struct, frozen=True):
    """What handlers need, wired once in ``build_skill``."""

    settings: Settings
    catalog: Catalog
    runner: TurnRunner
    time_zones: TimeZoneLookup
    reminders: RemindersClient = msgspec.field(default_factory=RemindersClient)
    progressive: ProgressiveClient = msgspec.field(default_factory=ProgressiveClient)


def answer(services: Services, handler_input: HandlerInput, event: Event | None = None) -> Response:
    """Run one turn through the dialog and render its reply."""
    envelope = handler_input.request_envelope
    deadline = services.runner.deadline()
    request = facts(envelope)
    content = services.catalog.for_locale(request.locale)
    table = _task_table(content) if envelope_of(envelope).task else ()
    event = event or event_for(envelope, table)
    # Flows see a recognized voice only as its salted key; the raw id stays here, to be
    # spoken for this speaker alone (``voices.speak_names``).
    person_id = event.person_id
    speaker = voice_key(person_id, services.settings.key_salt) if person_id else ""
    event = copying.replace(event, person_id=speaker)
    session = session_from_json(session_attributes(envelope))
    if not session.time_zone:
        looked_up = services.time_zones.lookup(
            request.api_endpoint, request.device_id, request.api_token, deadline
        )
        session.time_zone = looked_up or services.settings.default_time_zone
    local_now = request.timestamp.astimezone(zone(session.time_zone, "UTC"))
    key = household_key(request.user_id, services.settings.key_salt) if request.user_id else None
    seed = f"{key}|{request.timestamp.isoformat()}|{event.kind}|{event.intent}"
    outcome: dict[str, Any] = {}
    performed: dict[ReminderCall, ReminderResult] = {}

    def progress(key: str) -> None:
        """Say ``key``'s line now, once a turn, before a call that can take a while."""
        if outcome.get("progressive"):
            return
        outcome["progressive"] = True
        services.progressive.send(
            content.phrase(key, Random(f"{seed}|progressive")),
            request.request_type,
            request.request_id,
            request.api_endpoint,
            request.api_token,
            deadline,
            keep=PROGRESSIVE_KEEP_S,
        )

    def apply(household: Household) -> tuple[Household, Reply]:
        if household.voices or household.voice_names:
            salt = services.settings.key_salt
            household = copying.replace(
                household,
                voices=stored_voices(household.voices, salt),
                voice_names=dict(
                    zip(
                        stored_voices(list(household.voice_names), salt),
                        household.voice_names.values(),
                        strict=True,
                    )
                ),
            )
        new_state, reply = dialog.handle(
            State(household, session), event, content, local_now, Random(seed)
        )
        if isinstance(reply.effect, ForgetHousehold):
            # Nothing is saved: the household is erased once the turn is over.
            outcome["forget"] = reply.effect
            outcome["session"] = new_state.session
            return household, reply
        if isinstance(reply.effect, ReminderCall):
            # Performed once; a turn re-applied after a storage conflict reuses the result.
            call = reply.effect
            if call not in performed:
                progress(PROGRESSIVE_REMINDER)
                performed[call] = services.reminders.perform(
                    call, request.api_endpoint, request.api_token, deadline
                )
            done = _reminder_done(call, performed[call], event)
            new_state, reply = dialog.handle(
                new_state, done, content, local_now, Random(f"{seed}|done")
            )
        outcome["session"] = new_state.session
        return new_state.household, reply

    result = services.runner.run(key, apply, codec_for(content), deadline)
    reply = result.reply
    forget = outcome.get("forget")
    if isinstance(forget, ForgetHousehold):
        progress(PROGRESSIVE_FORGET)
        reply = _forget(services, request, key, forget, reply, deadline)
        if not reply.speech:
            failed = Event(
                EFFECT_DONE, intent=effects.FORGET, slots={"outcome": effects.UNAVAILABLE}
            )
            _, reply = dialog.handle(
                State(Household(), session), failed, content, local_now, Random(seed)
            )
    elif result.notice and reply.speech:
        notice = content.say(result.notice, Random(seed))
        reply = copying.replace(reply, speech=(notice, Pause(300), *reply.speech), effect=None)
    refused = launch_task(envelope, table)
    if isinstance(refused, tasks.Refused) and reply.speech:
        # A routine's task this skill can't run: say so kindly, then the ordinary launch.
        log.info("task_refused key=%s reason=%s", key, refused.reason)
        why = content.say(f"task.{refused.reason}", Random(seed))
        reply = copying.replace(reply, speech=(why, Pause(300), *reply.speech))
    log.info(
        "turn key=%s type=%s intent=%s degraded=%s reads=%d writes=%d",
        key,
        request.request_type,
        event.intent,
        result.degraded,
        result.reads,
        result.writes,
    )
    # A session paused for Alexa's permission dialog (a directive, no end) keeps its place too.
    paused = reply.end_session is None and (bool(reply.directives) or reply.routine is not None)
    # Without a session in the request (a one-shot event) there is nothing to keep it in.
    in_session = envelope_of(envelope).has_session
    if (reply.end_session is False or paused) and "session" in outcome and in_session:
        handler_input.attributes_manager.session_attributes = to_dict(outcome["session"])
    screen = apl.document(content) if request.screen else None
    reply = reply_with_names(reply, speaker, person_id)
    skill_id = envelope_of(envelope).application_id or ""
    response: Response = render_response(reply, screen, skill_id)
    return response


def _task_table(content: LocaleContent) -> tuple[tasks.Task, ...]:
    """The locale's custom tasks (none when its content has no task table)."""
    try:
        section = content.section(tasks.SECTION)
    except KeyError:
        return ()
    return tasks.parse(section)


def _reminder_done(call: ReminderCall, result: ReminderResult, cause: Event) -> Event:
    """Tell the dialog how the Reminders API call went."""
    time = "" if call.action == effects.DELETE else f"{call.hour:02d}:{call.minute:02d}"
    return Event(
        EFFECT_DONE,
        intent=effects.REMINDER,
        slots={
            "outcome": result.outcome,
            "action": call.action,
            "time": time,
            "alert_token": result.alert_token,
            "after_permission": "yes" if call.after_permission else "no",
        },
        new_session=cause.new_session,
        person_id=cause.person_id,
    )


def _forget(
    services: Services,
    request: Any,
    key: str | None,
    forget: ForgetHousehold,
    reply: Reply,
    deadline: Deadline,
) -> Reply:
    """Erase the household (cancelling its reminder first, best effort). The flow's reply
    when it worked; an empty one when storage could not be reached."""
    if forget.cancel_reminder:
        services.reminders.delete(
            forget.cancel_reminder, request.api_endpoint, request.api_token, deadline
        )
    if key is None or services.runner.forget(key, deadline):
        log.info("household_forgotten key=%s", key)
        return reply
    return Reply.silent()
