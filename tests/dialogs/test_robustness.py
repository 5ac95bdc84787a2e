"""Every request gets a valid answer: odd request types, partial envelopes, forced failures."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from skill.runtime.app import SkillIdMismatch
from skill.runtime.catalog import LocaleContent
from skill.runtime.flows import dialog as dialog_module
from skill.runtime.handlers.errors import SpeakingExceptionHandler
from tests.support.dialog import Handler, load_handler

Envelope = Callable[[str], dict[str, Any]]


def speech_of(response: dict[str, Any]) -> str:
    return str(response["response"].get("outputSpeech", {}).get("ssml", ""))


def assert_valid_spoken(response: dict[str, Any]) -> None:
    body = response["response"]
    assert response["version"] == "1.0"
    assert body["outputSpeech"]["type"] == "SSML"
    assert body["outputSpeech"]["ssml"].startswith("<speak>")
    assert len(body["outputSpeech"]["ssml"]) > len("<speak></speak>")
    if body.get("shouldEndSession") is False:
        assert body["reprompt"]["outputSpeech"]["ssml"].startswith("<speak>")


def test_launch_fixture(handler: Handler, envelope: Envelope) -> None:
    response = handler(envelope("launch"), None)
    assert_valid_spoken(response)
    assert response["response"]["shouldEndSession"] is False


def test_session_ended_gets_an_empty_response(handler: Handler, envelope: Envelope) -> None:
    for name in ("session_ended_max_reprompts", "session_ended_error"):
        response = handler(envelope(name), None)
        assert "outputSpeech" not in response["response"]
        assert "reprompt" not in response["response"]


@pytest.mark.parametrize(
    "name",
    [
        "apl_user_event",
        "exception_encountered",
        "audioplayer_started",
        "skill_enabled",
    ],
)
def test_unspoken_request_types_never_crash_and_stay_silent(
    handler: Handler, envelope: Envelope, name: str
) -> None:
    response = handler(envelope(name), None)
    assert response["version"] == "1.0"
    assert "outputSpeech" not in response.get("response", {})


def test_a_request_type_nobody_has_heard_of(handler: Handler, envelope: Envelope) -> None:
    event = envelope("audioplayer_started")
    event["request"]["type"] = "Alexa.Brand.NewThing"
    response = handler(event, None)
    assert response["version"] == "1.0"
    assert "outputSpeech" not in response.get("response", {})


def test_can_fulfill_says_yes_to_our_intents_only(handler: Handler, envelope: Envelope) -> None:
    event = envelope("can_fulfill")
    response = handler(event, None)
    assert response["response"]["canFulfillIntent"]["canFulfill"] == "YES"
    event["request"]["intent"]["name"] = "OrderPizzaIntent"
    response = handler(event, None)
    assert response["response"]["canFulfillIntent"]["canFulfill"] == "NO"


def test_slot_with_no_match_gets_a_helpful_reask(handler: Handler, envelope: Envelope) -> None:
    response = handler(envelope("intent_theme_no_match"), None)
    assert_valid_spoken(response)
    assert response["response"]["shouldEndSession"] is False


def test_resolved_slot_from_a_real_shaped_request(
    handler: Handler, envelope: Envelope, content: LocaleContent
) -> None:
    response = handler(envelope("intent_set_depth_deep"), None)
    text = speech_of(response)
    asked = [
        q for q in content.questions if q.text.replace("'", "&apos;") in text or q.text in text
    ]
    assert asked and asked[0].depth == 3


def _without(event: dict[str, Any], *path: str) -> dict[str, Any]:
    event = copy.deepcopy(event)
    node = event
    for part in path[:-1]:
        node = node[part]
    node.pop(path[-1], None)
    return event


@pytest.mark.parametrize(
    "path",
    [
        ("session",),
        ("context",),
        ("context", "System", "user"),
        ("session", "user"),
        ("request", "locale"),
        ("request", "timestamp"),
        ("request", "intent", "slots"),
    ],
)
def test_partial_envelopes_still_get_spoken_answers(
    handler: Handler, envelope: Envelope, path: tuple[str, ...]
) -> None:
    event = _without(envelope("intent_tonight_one_shot"), *path)
    assert_valid_spoken(handler(event, None))


def test_no_user_at_all_answers_without_storing(
    handler: Handler, envelope: Envelope, db_path: Path
) -> None:
    event = _without(_without(envelope("intent_tonight_one_shot"), "session"), "context")
    assert_valid_spoken(handler(event, None))


def test_unknown_locale_falls_back_to_english(handler: Handler, envelope: Envelope) -> None:
    event = envelope("launch")
    event["request"]["locale"] = "xx-YY"
    assert_valid_spoken(handler(event, None))


def test_unknown_intent_name_is_answered_as_fallback(
    handler: Handler, envelope: Envelope, content: LocaleContent
) -> None:
    event = envelope("intent_tonight_one_shot")
    event["request"]["intent"]["name"] = "SomethingNewIntent"
    response = handler(event, None)
    assert_valid_spoken(response)
    assert response["response"]["shouldEndSession"] is False


@pytest.mark.parametrize(
    "event",
    [
        {},
        {"request": "nonsense"},
        {"version": "1.0", "request": {"type": "IntentRequest", "intent": "not an object"}},
        {"version": "1.0", "request": {"type": "LaunchRequest", "timestamp": "yesterday"}},
        {"version": "1.0", "session": [], "request": {"type": "LaunchRequest"}},
    ],
)
def test_malformed_envelopes_never_raise(handler: Handler, event: dict[str, Any]) -> None:
    response = handler(event, None)
    assert response["version"] == "1.0"
    request = event.get("request")
    if isinstance(request, dict) and request.get("type") in ("LaunchRequest", "IntentRequest"):
        assert_valid_spoken(response)


def test_a_failing_flow_still_speaks(
    handler: Handler, envelope: Envelope, monkeypatch: pytest.MonkeyPatch, content: LocaleContent
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("forced")

    monkeypatch.setattr(dialog_module, "handle", broken)
    response = handler(envelope("intent_tonight_one_shot"), None)
    assert_valid_spoken(response)
    spoken = speech_of(response).replace("&apos;", "'")
    assert any(v in spoken for v in content.variants("error.general"))


def test_a_failing_exception_handler_still_speaks(
    handler: Handler, envelope: Envelope, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("forced")

    monkeypatch.setattr(dialog_module, "handle", broken)
    monkeypatch.setattr(SpeakingExceptionHandler, "handle", broken)
    for name in ("intent_tonight_one_shot", "launch"):
        assert_valid_spoken(handler(envelope(name), None))
    silent = handler(envelope("session_ended_error"), None)
    assert "outputSpeech" not in silent["response"]


def test_skill_id_check_when_configured(db_path: Path, envelope: Envelope) -> None:
    guarded = load_handler(f"sqlite:///{db_path}", HEART_SKILL_ID="amzn1.ask.skill.the-real-one")
    with pytest.raises(SkillIdMismatch):
        guarded(envelope("launch"), None)
    event = envelope("launch")
    event["context"]["System"]["application"]["applicationId"] = "amzn1.ask.skill.the-real-one"
    event["session"]["application"]["applicationId"] = "amzn1.ask.skill.the-real-one"
    assert_valid_spoken(guarded(event, None))


def test_ssml_is_escaped(handler: Handler, envelope: Envelope) -> None:
    response = handler(envelope("launch"), None)
    ssml = speech_of(response)
    inner = ssml.removeprefix("<speak>").removesuffix("</speak>")
    import xml.dom.minidom

    xml.dom.minidom.parseString(f"<speak xmlns:alexa='x'>{inner}</speak>")
    json.dumps(response)
