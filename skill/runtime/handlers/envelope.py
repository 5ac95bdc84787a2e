"""Our own reader of Alexa's request envelope: the fields the skill uses, and nothing else.

ask-sdk-model's deserializer turns any enum value it doesn't know (a new ``dialogState``, a
viewport shape, an error code) into an exception and fails the whole envelope over fields
the skill never reads; it also spends most of a turn's envelope cost in dateutil. Alexa adds
fields and values over time, so a reader that breaks on novelty would break the skill on a
platform update. This one picks out what the skill uses by path, with a type check at each
step: a missing, unknown or wrongly typed part reads as absent, never as an error. Strings
are capped in length, so a giant id can neither be stored nor spoken back.

``read_envelope`` accepts any JSON value and never raises.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import msgspec

from skill.runtime.tasks import MALFORMED, TaskRequest

#: Longest id the skill accepts (user, device, person, request, session, application ids).
#: Real ids are a few hundred characters at most; anything longer reads as absent.
MAX_ID_CHARS = 512
#: Longest slot value kept: what one person says in one breath, with room to spare.
MAX_SLOT_CHARS = 500
#: Longest other short string (types, locales, names, codes, timestamps).
MAX_SHORT_CHARS = 200
#: Alexa's endpoint and token for its APIs: the token is a JWT, longer than an id.
MAX_TOKEN_CHARS = 8192
#: Most inputs a task launch may carry; a routine's tasks take one or two.
MAX_TASK_INPUTS = 16

APL_INTERFACE = "Alexa.Presentation.APL"
#: A personId the skill will use: Alexa's are ``amzn1.ask.person.`` and letters and digits.
#: Anything else (control characters, quotes, a megabyte) reads as no recognized speaker,
#: so it is neither stored nor spoken back.
PERSON_ID = re.compile(r"[A-Za-z0-9._:-]{1,256}")

_EMPTY: Mapping[str, Any] = {}


class Slot(msgspec.Struct, frozen=True):
    """What was heard for one slot, and the first id entity resolution matched ("" if none)."""

    value: str
    resolved: str = ""


class Envelope(msgspec.Struct, frozen=True):
    """The envelope's facts, each defaulted when it is absent or malformed."""

    request_type: str = ""
    request_id: str = ""
    timestamp: datetime | None = None
    locale: str = ""
    intent_name: str = ""
    slots: Mapping[str, Slot] = msgspec.field(default_factory=dict)
    #: ``SessionEndedRequest.reason``.
    reason: str = ""
    #: ``Connections.Response``: ``name``, ``token``, ``payload.status`` and ``status.code``.
    name: str = ""
    token: str = ""
    payload_status: str = ""
    status_code: str = ""
    #: Whether the envelope carries a session object at all (one-shot events may not).
    has_session: bool = False
    #: ``session.new``; None when absent.
    session_new: bool | None = None
    session_attributes: Mapping[str, Any] = msgspec.field(default_factory=dict)
    application_id: str | None = None
    user_id: str = ""
    device_id: str = ""
    person_id: str = ""
    api_endpoint: str = ""
    api_token: str = ""
    #: The device reports APL among its supported interfaces.
    screen: bool = False
    #: ``LaunchRequest.task``: a custom task started from a Routine; None when absent.
    task: TaskRequest | None = None
    #: The envelope names a device (``context.System.device`` with its interfaces): a real
    #: Echo, app or simulator, rather than a request from no device at all.
    has_device: bool = False
    #: ``SessionResumedRequest``: ``cause.type``, and why a connection didn't complete
    #: (``cause.result.reason``, or ``cause.result.offerAutomationResponse.reason``). Its
    #: ``cause.token`` and ``cause.status.code`` read as ``token`` and ``status_code``.
    cause_type: str = ""
    result_reason: str = ""


def _obj(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else _EMPTY


def _str(value: Any, limit: int = MAX_SHORT_CHARS) -> str:
    return value if isinstance(value, str) and len(value) <= limit else ""


def _code(value: Any) -> str:
    """A status code sent as a string ("200") or, tolerated, as a number."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 1000:
        return str(value)
    return _str(value, 8)


def _id(value: Any) -> str:
    return _str(value, MAX_ID_CHARS)


def _person_id(value: Any) -> str:
    return value if isinstance(value, str) and PERSON_ID.fullmatch(value) else ""


def _timestamp(value: Any) -> datetime | None:
    """Alexa's ``2026-12-01T20:00:00Z`` (fractions allowed); anything else is absent."""
    text = _str(value)
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _slots(raw: Any) -> dict[str, Slot]:
    """Heard values and entity resolution's first successful match, by slot name."""
    slots: dict[str, Slot] = {}
    for name, slot in _obj(raw).items():
        slot = _obj(slot)
        value = _str(slot.get("value"), MAX_SLOT_CHARS)
        if not value or not isinstance(name, str) or len(name) > MAX_SHORT_CHARS:
            continue
        resolved = ""
        authorities = _obj(slot.get("resolutions")).get("resolutionsPerAuthority")
        for authority in authorities if isinstance(authorities, list) else ():
            authority = _obj(authority)
            if _obj(authority.get("status")).get("code") != "ER_SUCCESS_MATCH":
                continue
            values = authority.get("values")
            if isinstance(values, list) and values:
                match = _obj(_obj(values[0]).get("value"))
                resolved = _id(match.get("id")) or _str(match.get("name"), MAX_SLOT_CHARS)
                break
        slots[name] = Slot(value, resolved)
    return slots


def _task(raw: Any) -> TaskRequest | None:
    """``request.task``: a name is required; a version may come as a string or a number.

    Input values that are strings are kept (capped), a null is an input left unset, and any
    other value is kept as ``MALFORMED`` so the launch is refused rather than run with an input
    silently dropped. Too many inputs read as one malformed input.
    """
    if not isinstance(raw, dict):
        return None
    name = _id(raw.get("name"))
    if not name:
        return None
    version = raw.get("version")
    if isinstance(version, bool):
        version = ""
    elif isinstance(version, int):
        version = str(version)
    given = raw.get("input")
    given = given if isinstance(given, dict) else {}
    inputs: dict[str, str] = {}
    for key, value in list(given.items())[:MAX_TASK_INPUTS]:
        if not isinstance(key, str) or len(key) > MAX_SHORT_CHARS or value is None:
            continue
        inputs[key] = (
            value if isinstance(value, str) and len(value) <= MAX_SHORT_CHARS else MALFORMED
        )
    if len(given) > MAX_TASK_INPUTS:
        inputs["\x00"] = MALFORMED
    return TaskRequest(name=name, version=_str(version), input=inputs)


def read_envelope(event: Any) -> Envelope:
    """Read ``event`` (parsed JSON of any shape); never raises."""
    event = _obj(event)
    request = _obj(event.get("request"))
    system = _obj(_obj(event.get("context")).get("System"))
    raw_session = event.get("session")
    session = _obj(raw_session)
    device = _obj(system.get("device"))
    interfaces = _obj(device.get("supportedInterfaces"))
    intent = _obj(request.get("intent"))
    cause = _obj(request.get("cause"))
    result = _obj(cause.get("result"))
    new = session.get("new")
    attributes = session.get("attributes")
    application_id = _id(_obj(system.get("application")).get("applicationId")) or _id(
        _obj(session.get("application")).get("applicationId")
    )
    return Envelope(
        request_type=_str(request.get("type")),
        request_id=_id(request.get("requestId")),
        timestamp=_timestamp(request.get("timestamp")),
        locale=_str(request.get("locale")),
        intent_name=_str(intent.get("name")),
        slots=_slots(intent.get("slots")),
        reason=_str(request.get("reason")),
        name=_str(request.get("name")),
        token=_str(request.get("token"), MAX_ID_CHARS) or _str(cause.get("token"), MAX_ID_CHARS),
        payload_status=_str(_obj(request.get("payload")).get("status")),
        status_code=_str(_obj(request.get("status")).get("code"))
        or _code(_obj(cause.get("status")).get("code")),
        has_session=isinstance(raw_session, dict),
        session_new=new if isinstance(new, bool) else None,
        session_attributes=dict(attributes) if isinstance(attributes, dict) else {},
        application_id=application_id or None,
        user_id=_id(_obj(system.get("user")).get("userId"))
        or _id(_obj(session.get("user")).get("userId")),
        device_id=_id(device.get("deviceId")),
        person_id=_person_id(_obj(system.get("person")).get("personId")),
        api_endpoint=_str(system.get("apiEndpoint"), MAX_ID_CHARS),
        api_token=_str(system.get("apiAccessToken"), MAX_TOKEN_CHARS),
        screen=APL_INTERFACE in interfaces,
        task=_task(request.get("task")),
        has_device=isinstance(device.get("supportedInterfaces"), dict),
        cause_type=_str(cause.get("type")),
        result_reason=_str(result.get("reason"))
        or _str(_obj(result.get("offerAutomationResponse")).get("reason")),
    )


class SharedAttributes(dict[str, Any]):
    """Session attributes the SDK's attributes manager shares instead of deep-copying.

    The manager deep-copies ``session.attributes`` on every turn (up to 20 us for a session
    in an activity) so that a handler editing them in place can't touch the request. Ours
    never edit them: the pipeline reads its own copy (``translate.session_attributes``) and
    replaces them whole (``attributes_manager.session_attributes = ...``). So the copy is
    this one shallow dict, and a turn that keeps the session as it came hands it back as it
    came, as before.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> SharedAttributes:
        return self


def sdk_envelope(envelope: Envelope) -> Any:
    """The least the SDK's dispatcher needs, built directly instead of deserialised.

    The SDK routes on ``request.object_type`` and keeps session attributes from
    ``session.attributes``; every handler reads the rest from ``heart``, our ``Envelope``,
    which rides along on the SDK object.
    """
    from ask_sdk_model import Request, RequestEnvelope, Session

    session = None
    if envelope.has_session:
        attributes = SharedAttributes(envelope.session_attributes)
        session = Session(new=envelope.session_new, attributes=attributes)
    request = Request(
        object_type=envelope.request_type or None,
        request_id=envelope.request_id or None,
        timestamp=envelope.timestamp,
        locale=envelope.locale or None,
    )
    sdk = RequestEnvelope(version="1.0", session=session, request=request)
    sdk.heart = envelope
    return sdk


def envelope_of(request_envelope: Any) -> Envelope:
    """Our ``Envelope`` from whatever a handler holds: ours, or the SDK object carrying it."""
    if isinstance(request_envelope, Envelope):
        return request_envelope
    carried = getattr(request_envelope, "heart", None)
    return carried if isinstance(carried, Envelope) else Envelope()
