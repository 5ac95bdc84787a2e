"""A flow's Reply -> an ask-sdk Response, rendered straight to the JSON the SDK's response
builder and serializer would give (``render_response``).

Why not the builder itself: building the SDK's model objects (an output speech, a reprompt, a
card, the response) and then walking them back to JSON was 25 us of every turn, more than a
tenth of a turn's own cost, for a result fixed by a few rules. ``render_response`` applies
those rules directly, key for key in the SDK's order, and a test holds its JSON identical to
the SDK's builder and serializer for every reply shape a flow gives (speech, reprompt, card,
directives, a routine offer, a screen, each way of ending;
``tests/support/sdk_response.py`` is that oracle). Directives still go through the SDK's
models, which normalise them (their keys' order, the fields the model knows), so what Alexa
receives for them is the same by construction.
"""

from __future__ import annotations

import decimal
import json
from datetime import date, datetime
from enum import Enum
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import Response
from ask_sdk_model.directive import Directive

from skill.runtime import apl
from skill.runtime.reply import CARD_MAX_CHARS, Card, Reply, RoutineOffer
from skill.runtime.speech import to_ssml

#: Alexa's managed task that offers a pre-built routine ("Pre-Built Routine API Reference").
OFFER_AUTOMATION_URI = "connection://AMAZON.OfferAutomation/1"
#: The routine's one action: start one of this skill's custom tasks (a skill connection).
START_TASK_OPERATION = "Alexa.Automation.Operation.Skill.StartConnection"
VOICE_TRIGGER = "Alexa.Automation.Trigger.Voice.CustomUtterance"
#: "You can provide up to five utterances in order of preference" (Pre-Built Routine
#: Primitives, custom utterance trigger).
MAX_UTTERANCES = 5


#: The SDK's video-app directive, which leaves ``shouldEndSession`` out whatever is asked.
VIDEO_APP_LAUNCH = "VideoApp.Launch"


class RenderedResponse(Response):  # type: ignore[misc]
    """A response already rendered to its JSON (``render_response``), handed through the
    SDK's dispatch as its Response; ``response_json`` gives the JSON back as it is."""

    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__()
        self.body = body


def render_response(reply: Reply, screen: dict[str, Any] | None = None, skill_id: str = "") -> Any:
    """The response for ``reply``, as the SDK's builder would build it and its serializer
    write it (see the module's docstring).

    ``screen`` is the APL document to show the reply's display with, given only when the
    device supports APL; a reply that says nothing shows nothing. ``skill_id`` (this skill's
    application id, from the request) names the custom task a routine offer starts; without
    one no offer is rendered.
    """
    speech = _speak(to_ssml(reply.speech)) if reply.speech else None
    directives: list[dict[str, Any]] = []
    display = reply.display if speech is not None and not hands_over(reply) else None
    if screen is not None and display is not None:
        directives.append(_directive_json(apl.render_directive(screen, display)))
    end: bool | None = None
    reprompt = None
    if reply.reprompt and reply.end_session is False:
        reprompt = {"outputSpeech": {"type": "SSML", "ssml": _speak(to_ssml(reply.reprompt))}}
        if not _video_app(directives):
            end = False
    for directive in reply.directives:
        directives.append(_directive_json(directive))
    if reply.routine is not None and skill_id:
        directives.append(_directive_json(routine_directive(reply.routine, skill_id)))
    if _video_app(directives):
        end = None
    elif reply.end_session is not None:
        end = reply.end_session
    body: dict[str, Any] = {}
    if speech is not None:
        body["outputSpeech"] = {"type": "SSML", "ssml": speech}
    if reply.card:
        title, text = card_fields(reply.card)
        body["card"] = {"type": "Simple", "title": title, "content": text}
    if reprompt is not None:
        body["reprompt"] = reprompt
    if directives:
        body["directives"] = directives
    if end is not None:
        body["shouldEndSession"] = end
    return RenderedResponse(body)


def _speak(ssml: str) -> str:
    """What the SDK's ``speak`` and ``ask`` make of an SSML document: trimmed, one outer
    ``<speak>`` kept."""
    speech = ssml.strip()
    if speech.startswith("<speak>") and speech.endswith("</speak>"):
        speech = speech[7:-8].strip()
    return f"<speak>{speech}</speak>"


def _video_app(directives: list[dict[str, Any]]) -> bool:
    return any(d.get("type") == VIDEO_APP_LAUNCH for d in directives)


def _directive_json(data: dict[str, Any]) -> Any:
    """A directive as the SDK's model has it, as JSON (normalised by the model)."""
    return response_json(sdk_directive(data))


def envelope_json(envelope: Any) -> Any:
    """The SDK's ``ResponseEnvelope`` as JSON: ``response_json``'s, with a rendered response
    and the session attributes taken as they are (they are JSON already: read from the
    request, or ``state.to_dict``'s builtins), instead of copied node by node."""
    if not isinstance(envelope.response, RenderedResponse):
        return response_json(envelope)
    out: dict[str, Any] = {"version": envelope.version}
    if envelope.session_attributes is not None:
        out["sessionAttributes"] = envelope.session_attributes
    if envelope.user_agent is not None:
        out["userAgent"] = envelope.user_agent
    out["response"] = envelope.response.body
    return out


_SERIALIZER = DefaultSerializer()
_PRIMITIVES = (float, bool, bytes, str, int)
#: Each SDK model class's (attribute, JSON key) pairs, in the order the SDK writes them.
_FIELDS: dict[type, tuple[tuple[str, str], ...]] = {}


def response_json(obj: Any) -> Any:
    """The SDK's ``DefaultSerializer.serialize``, rule for rule and key for key, with each
    model class's keys worked out once instead of on every object of every response (it
    rebuilt, and rewrote, each class's attribute map for every object it met)."""
    if obj is None:
        return None
    if type(obj) is RenderedResponse:
        return obj.body
    if isinstance(obj, _PRIMITIVES):
        return obj
    if isinstance(obj, list):
        return [response_json(item) for item in obj]
    if isinstance(obj, tuple):
        return tuple(response_json(item) for item in obj)
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, decimal.Decimal):
        return int(obj) if obj % 1 == 0 else float(obj)
    if isinstance(obj, dict):
        return {key: response_json(value) for key, value in obj.items()}
    fields = _FIELDS.get(type(obj))
    if fields is None:
        names = dict(getattr(obj, "attribute_map", {}))
        fields = tuple((attr, names.get(attr, attr)) for attr in obj.deserialized_types)
        _FIELDS[type(obj)] = fields
    out: dict[str, Any] = {}
    for attr, key in fields:
        value = getattr(obj, attr)
        if value is not None:
            out[key] = response_json(value)
    return out


def sdk_directive(data: dict[str, Any]) -> Any:
    """A directive given as JSON (how flows state them) as the SDK's model object."""
    return _SERIALIZER.deserialize(json.dumps(data), Directive)


def hands_over(reply: Reply) -> bool:
    """A reply handing the session to Alexa (a permission dialog, a routine offer) carries
    nothing else."""
    return reply.routine is not None or any(
        str(d.get("type", "")).startswith("Connections.") for d in reply.directives
    )


def card_fields(card: Card) -> tuple[str, str]:
    """A card's title and content within Alexa's limit (together ``CARD_MAX_CHARS``): the
    content is clipped, never the title, and never to nothing."""
    title = card.title[: CARD_MAX_CHARS // 2]
    return title, card.text[: CARD_MAX_CHARS - len(title)]


def task_uri(skill_id: str, task: str, version: int) -> str:
    """The connection URI of one of this skill's own custom tasks, provided by itself."""
    return f"connection://{skill_id}.{task}/{version}?provider={skill_id}"


def routine_directive(offer: RoutineOffer, skill_id: str) -> dict[str, Any]:
    """The ``Connections.StartConnection`` directive for ``AMAZON.OfferAutomation``: a routine
    whose trigger is a phrase the couple says and whose one action starts ``offer.task``.

    From Amazon's reference: ``uri``, ``input.automation``, the optional ``renderingData``,
    ``onCompletion`` (which must be ``RESUME_SESSION``: Alexa hands the session back with a
    ``SessionResumedRequest`` carrying ``token``) and the custom-utterance trigger. The
    operation's type, its ``connectionRequest`` URI for a custom task and the
    ``renderingData.operations`` key by ``operationId`` follow a public skill that offers
    routines, since the reference's operation tables could not be read here.
    """
    operation_id = f"{offer.task}_{offer.version}"
    return {
        "type": "Connections.StartConnection",
        "uri": OFFER_AUTOMATION_URI,
        "input": {
            "automation": {
                "trigger": {
                    "type": VOICE_TRIGGER,
                    "version": "1.0",
                    "payload": {
                        "utterances": list(offer.utterances[:MAX_UTTERANCES]),
                        "locale": offer.locale,
                    },
                },
                "operations": {
                    "serial": [
                        {
                            "operation": {
                                "type": START_TASK_OPERATION,
                                "version": "1.0",
                                "operationId": operation_id,
                                "payload": {
                                    "connectionRequest": {
                                        "uri": task_uri(skill_id, offer.task, offer.version),
                                        "input": {},
                                    }
                                },
                            }
                        }
                    ]
                },
            },
            "renderingData": {
                "operations": {operation_id: {"descriptionPrompt": offer.description}}
            },
        },
        "onCompletion": "RESUME_SESSION",
        "token": offer.token,
    }
