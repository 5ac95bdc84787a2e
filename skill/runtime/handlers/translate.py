"""Read what a turn needs out of an ask-sdk request envelope, tolerating partial envelopes.

Alexa's envelopes are trusted in shape, but simulators, tests and odd devices send partial
ones: every accessor here returns a default instead of raising, so a missing session, user
or locale still gets a helpful spoken answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from skill.runtime.flows.kit.events import (
    INTENT,
    LAUNCH,
    PERMISSION,
    SESSION_ENDED,
    SKILL_DISABLED,
    Event,
)


def _get(obj: Any, *path: str) -> Any:
    for name in path:
        if obj is None:
            return None
        obj = getattr(obj, name, None)
    return obj


@dataclass(frozen=True)
class RequestFacts:
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


def facts(envelope: Any) -> RequestFacts:
    """Pull the per-turn facts, defaulting whatever is absent."""
    request = _get(envelope, "request")
    system = _get(envelope, "context", "system")
    user_id = _get(system, "user", "user_id") or _get(envelope, "session", "user", "user_id")
    timestamp = _get(request, "timestamp")
    if not isinstance(timestamp, datetime):
        timestamp = datetime.now(UTC)
    elif timestamp.tzinfo is None:
        timestamp = timestamp.replace(tzinfo=UTC)
    return RequestFacts(
        request_type=str(_get(request, "object_type") or ""),
        locale=str(_get(request, "locale") or ""),
        timestamp=timestamp,
        user_id=str(user_id or ""),
        device_id=str(_get(system, "device", "device_id") or ""),
        api_endpoint=str(_get(system, "api_endpoint") or ""),
        api_token=str(_get(system, "api_access_token") or ""),
        request_id=str(_get(request, "request_id") or ""),
        screen=_get(system, "device", "supported_interfaces", "alexa_presentation_apl") is not None,
    )


def is_new_session(envelope: Any) -> bool:
    """A request with no session at all counts as new (a one-shot)."""
    new = _get(envelope, "session", "new")
    return True if new is None else bool(new)


def session_attributes(envelope: Any) -> dict[str, Any]:
    attrs = _get(envelope, "session", "attributes")
    return dict(attrs) if isinstance(attrs, dict) else {}


def event_for(envelope: Any) -> Event:
    """The flow event for a Launch, Intent, SessionEnded or skill-disabled request."""
    request = _get(envelope, "request")
    kind = str(_get(request, "object_type") or "")
    new_session = is_new_session(envelope)
    person_id = str(_get(envelope, "context", "system", "person", "person_id") or "")
    if kind == "LaunchRequest":
        return Event(LAUNCH, new_session=new_session, person_id=person_id)
    if kind == "SessionEndedRequest":
        reason = _get(request, "reason")
        return Event(SESSION_ENDED, reason=str(getattr(reason, "value", reason) or ""))
    if kind == "AlexaSkillEvent.SkillDisabled":
        return Event(SKILL_DISABLED)
    intent = _get(request, "intent")
    slots, spoken = _slots(_get(intent, "slots"))
    return Event(
        INTENT,
        intent=str(_get(intent, "name") or ""),
        slots=slots,
        spoken=spoken,
        new_session=new_session,
        person_id=person_id,
    )


def permission_event(envelope: Any) -> Event:
    """A ``Connections.Response`` to an AskFor permission request, as a ``PERMISSION`` event.

    ``slots``: ``status`` is ACCEPTED, DENIED or NOT_ANSWERED (an error status from Alexa
    counts as not answered) and ``token`` is the token the skill sent with its request.
    """
    request = _get(envelope, "request")
    payload = _get(request, "payload")
    status = payload.get("status") if isinstance(payload, dict) else None
    code = str(_get(request, "status", "code") or "200")
    answered = str(status) if isinstance(status, str) and code.startswith("2") else "NOT_ANSWERED"
    return Event(
        PERMISSION,
        intent=str(_get(request, "name") or ""),
        slots={"status": answered, "token": str(_get(request, "token") or "")},
        new_session=is_new_session(envelope),
        person_id=str(_get(envelope, "context", "system", "person", "person_id") or ""),
    )


def _slots(raw: Any) -> tuple[dict[str, str], dict[str, str]]:
    """Resolved ids (entity resolution's first match) and the words actually heard."""
    resolved: dict[str, str] = {}
    spoken: dict[str, str] = {}
    if not isinstance(raw, dict):
        return resolved, spoken
    for name, slot in raw.items():
        value = _get(slot, "value")
        if not value:
            continue
        spoken[name] = str(value)
        for authority in _get(slot, "resolutions", "resolutions_per_authority") or []:
            code = _get(authority, "status", "code")
            if str(getattr(code, "value", code)) != "ER_SUCCESS_MATCH":
                continue
            values = _get(authority, "values") or []
            if values:
                match = _get(values[0], "value")
                resolved[name] = str(_get(match, "id") or _get(match, "name") or "")
                break
    return resolved, spoken
