"""What a turn needs from the request envelope, as a flow event and per-turn facts.

Everything is read from our own ``Envelope`` (``skill.runtime.handlers.envelope``), which
defaults whatever is absent: a missing session, user or locale still gets a helpful spoken
answer. Handlers pass either that ``Envelope`` or the SDK object that carries it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec

from skill.runtime.flows.kit.events import (
    INTENT,
    LAUNCH,
    PERMISSION,
    RESUMED,
    SESSION_ENDED,
    SKILL_DISABLED,
    Event,
)
from skill.runtime.handlers.envelope import Envelope, envelope_of
from skill.runtime.tasks import Refused, Routed, Task, route


class RequestFacts(msgspec.Struct, frozen=True):
    """The envelope's facts that the turn uses besides the event itself."""

    request_type: str
    locale: str
    timestamp: datetime
    user_id: str
    device_id: str
    api_endpoint: str
    api_token: str
    request_id: str
    #: The device can show APL documents (``supportedInterfaces`` lists Alexa.Presentation.APL).
    screen: bool = False


def facts(envelope: Envelope | Any) -> RequestFacts:
    """Pull the per-turn facts, defaulting whatever is absent."""
    ours = envelope_of(envelope)
    return RequestFacts(
        request_type=ours.request_type,
        locale=ours.locale,
        timestamp=ours.timestamp or datetime.now(UTC),
        user_id=ours.user_id,
        device_id=ours.device_id,
        api_endpoint=ours.api_endpoint,
        api_token=ours.api_token,
        request_id=ours.request_id,
        screen=ours.screen,
    )


def is_new_session(envelope: Envelope | Any) -> bool:
    """A request with no session at all counts as new (a one-shot)."""
    new = envelope_of(envelope).session_new
    return True if new is None else new


def session_attributes(envelope: Envelope | Any) -> dict[str, Any]:
    return dict(envelope_of(envelope).session_attributes)


def launch_task(envelope: Envelope | Any, tasks: tuple[Task, ...]) -> Routed | Refused | None:
    """The custom task a LaunchRequest carries, routed through ``tasks``; None when it carries
    none (an ordinary launch)."""
    ours = envelope_of(envelope)
    if ours.request_type != "LaunchRequest" or ours.task is None:
        return None
    return route(ours.task, tasks)


def can_connect(envelope: Envelope | Any) -> bool:
    """Whether Alexa can take this session over for a skill connection and hand it back.

    A skill connection with ``RESUME_SESSION`` needs a session to resume, and a device to
    hold the conversation; the task it starts is named by this skill's id. A request
    without any of them (a one-shot with no session, no device, no application id) is never
    sent one. Amazon's pages read for this work name no device interface to check for, so
    what a device cannot do is learned from its answer (``routine.resumed``).
    """
    ours = envelope_of(envelope)
    return (
        ours.has_session
        and ours.has_device
        and bool(ours.application_id)
        and ours.request_type in ("LaunchRequest", "IntentRequest")
    )


def event_for(envelope: Envelope | Any, tasks: tuple[Task, ...] = ()) -> Event:
    """The flow event for a Launch, Intent, SessionEnded or skill-disabled request.

    A launch that starts one of ``tasks`` (from a Routine) becomes that task's intent with its
    inputs as resolved slots, as if the couple had asked for it in one breath; a task that
    can't run is an ordinary launch (``launch_task`` says why).
    """
    ours = envelope_of(envelope)
    kind = ours.request_type
    new_session = is_new_session(ours)
    if kind == "LaunchRequest":
        launched = launch_task(ours, tasks)
        if isinstance(launched, Routed):
            return Event(
                INTENT,
                intent=launched.intent,
                slots=dict(launched.slots),
                new_session=new_session,
                person_id=ours.person_id,
                can_connect=can_connect(ours),
            )
        return Event(
            LAUNCH,
            new_session=new_session,
            person_id=ours.person_id,
            can_connect=can_connect(ours),
        )
    if kind == "SessionEndedRequest":
        return Event(SESSION_ENDED, reason=ours.reason)
    if kind == "AlexaSkillEvent.SkillDisabled":
        return Event(SKILL_DISABLED)
    resolved = {name: slot.resolved for name, slot in ours.slots.items() if slot.resolved}
    spoken = {name: slot.value for name, slot in ours.slots.items()}
    return Event(
        INTENT,
        intent=ours.intent_name,
        slots=resolved,
        spoken=spoken,
        new_session=new_session,
        person_id=ours.person_id,
        can_connect=can_connect(ours),
    )


def resumed_event(envelope: Envelope | Any) -> Event:
    """A ``SessionResumedRequest`` (Alexa handing the session back after a connection) as a
    ``RESUMED`` event: ``slots`` holds the status ``code`` ("" when absent), the ``reason``
    a connection didn't complete and the ``token`` the skill sent with it."""
    ours = envelope_of(envelope)
    return Event(
        RESUMED,
        slots={"code": ours.status_code, "reason": ours.result_reason, "token": ours.token},
        new_session=is_new_session(ours),
        person_id=ours.person_id,
    )


def permission_event(envelope: Envelope | Any) -> Event:
    """A ``Connections.Response`` to an AskFor permission request, as a ``PERMISSION`` event.

    ``slots``: ``status`` is ACCEPTED, DENIED or NOT_ANSWERED (an error status from Alexa
    counts as not answered) and ``token`` is the token the skill sent with its request.
    """
    ours = envelope_of(envelope)
    code = ours.status_code or "200"
    status = ours.payload_status
    answered = status if status and code.startswith("2") else "NOT_ANSWERED"
    return Event(
        PERMISSION,
        intent=ours.name,
        slots={"status": answered, "token": ours.token},
        new_session=is_new_session(ours),
        person_id=ours.person_id,
    )
