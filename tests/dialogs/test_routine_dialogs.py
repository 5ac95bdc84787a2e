"""The routine offer through ``handler(event, context)``: made once, after the third evening,
at the evening's close, and every ``SessionResumedRequest`` outcome answered.

Each evening is what a couple does: open the skill, hear tonight's question, say goodnight.
Alexa's side of the offer (its own dialog with the couple) is played by the test, which
sends the ``SessionResumedRequest`` Alexa would send back.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from skill.runtime.catalog import LocaleContent
from skill.tools.envelopes import LOCAL_SKILL_ID
from tests.support.dialog import Dialog, Handler

#: 9 p.m. in the default zone (America/New_York): an evening.
EVENING = "2026-12-02T02:00:00Z"
OFFER_URI = "connection://AMAZON.OfferAutomation/1"


@pytest.fixture
def couple(handler: Handler) -> Dialog:
    """A couple whose chat shows Alexa's hand-over as it is (the test answers for Alexa)."""
    couple = Dialog(handler, now=EVENING)
    couple.chat.routine_answer = None
    return couple


def directives(response: dict[str, Any] | None) -> list[dict[str, Any]]:
    assert response is not None
    found: list[dict[str, Any]] = response["response"].get("directives") or []
    return found


def offer_in(response: dict[str, Any] | None) -> dict[str, Any] | None:
    """The routine offer among a response's directives, if it makes one."""
    offers = [
        d
        for d in directives(response)
        if d.get("type") == "Connections.StartConnection" and d.get("uri") == OFFER_URI
    ]
    assert len(offers) <= 1
    return offers[0] if offers else None


def an_evening(couple: Dialog, close: str = "goodnight") -> dict[str, Any] | None:
    """Open, tonight's question, then close the evening; the closing turn's response."""
    couple.say("open heart to heart")
    couple.say("tonight's question")
    return couple.say(close).response


def evenings(couple: Dialog, count: int) -> None:
    """``count`` evenings with no offer expected, each followed by the next night."""
    for _ in range(count):
        assert offer_in(an_evening(couple)) is None
        couple.next_night()


def resume(couple: Dialog, token: str, code: str, reason: str = "") -> dict[str, Any]:
    """Alexa hands the session back, as it does once the couple answered its offer."""
    conversation = couple.conversation
    assert conversation.in_session, "the hand-over must keep the session"
    event = conversation.session_resumed(couple.clock.tick(), token, code, reason)
    response = couple.handler(event, None)
    conversation.absorb(response)
    return response


def speech(response: dict[str, Any]) -> str:
    ssml: str = response["response"].get("outputSpeech", {}).get("ssml", "")
    return ssml


def says_one_of(response: dict[str, Any], content: LocaleContent, key: str) -> bool:
    return any(variant in speech(response) for variant in content.variants(key))


def goodbye_said(response: dict[str, Any], content: LocaleContent) -> bool:
    keys = ("goodbye.night", "goodbye.evening", "goodbye.afternoon", "goodbye.morning")
    return any(says_one_of(response, content, key) for key in keys)


def offered_on_third(couple: Dialog) -> dict[str, Any]:
    evenings(couple, 2)
    response = an_evening(couple)
    offer = offer_in(response)
    assert offer is not None, "the third evening's goodnight makes the offer"
    return offer


def test_the_offer_comes_on_the_third_evening_and_asks_for_the_tonight_question_task(
    couple: Dialog, content: LocaleContent, locale: str
) -> None:
    evenings(couple, 2)
    response = an_evening(couple)
    offer = offer_in(response)
    assert offer is not None
    assert response is not None
    body = response["response"]
    # A hand-over: Alexa speaks the offer, so the skill says nothing and doesn't end.
    assert "outputSpeech" not in body and "reprompt" not in body
    assert "shouldEndSession" not in body
    assert offer["onCompletion"] == "RESUME_SESSION"
    automation = offer["input"]["automation"]
    routines = content.section("routines")["offer"]
    trigger = automation["trigger"]
    assert trigger["type"] == "Alexa.Automation.Trigger.Voice.CustomUtterance"
    assert trigger["payload"] == {"utterances": routines["utterances"], "locale": locale}
    (step,) = automation["operations"]["serial"]
    operation = step["operation"]
    assert operation["type"] == "Alexa.Automation.Operation.Skill.StartConnection"
    uri = operation["payload"]["connectionRequest"]["uri"]
    assert uri == f"connection://{LOCAL_SKILL_ID}.TonightsQuestion/1?provider={LOCAL_SKILL_ID}"
    described = offer["input"]["renderingData"]["operations"][operation["operationId"]]
    assert described == {"descriptionPrompt": routines["description"]}
    assert offer["token"]


def test_accepted_is_thanked_with_a_goodbye_and_never_offered_again(
    couple: Dialog, content: LocaleContent
) -> None:
    offer = offered_on_third(couple)
    answered = resume(couple, offer["token"], "200")
    assert says_one_of(answered, content, "routine.accepted")
    assert goodbye_said(answered, content)
    assert answered["response"]["shouldEndSession"] is True
    couple.next_night()
    evenings(couple, 3)


def test_declined_is_final(couple: Dialog, content: LocaleContent) -> None:
    offer = offered_on_third(couple)
    answered = resume(couple, offer["token"], "204", "REJECTED_BY_CUSTOMER")
    assert says_one_of(answered, content, "routine.declined")
    assert goodbye_said(answered, content)
    assert answered["response"]["shouldEndSession"] is True
    couple.next_night()
    evenings(couple, 4)


def test_a_routine_they_already_have_counts_as_accepted(
    couple: Dialog, content: LocaleContent
) -> None:
    offer = offered_on_third(couple)
    answered = resume(couple, offer["token"], "204", "AUTOMATION_ALREADY_ENABLED")
    assert says_one_of(answered, content, "routine.already")
    couple.next_night()
    evenings(couple, 2)


def test_an_error_allows_one_more_offer_on_a_later_evening_only(
    couple: Dialog, content: LocaleContent
) -> None:
    offer = offered_on_third(couple)
    answered = resume(couple, offer["token"], "500")
    assert says_one_of(answered, content, "routine.failed")
    assert goodbye_said(answered, content)
    assert answered["response"]["shouldEndSession"] is True
    # Not again the same evening.
    couple.say("open heart to heart")
    assert offer_in(couple.say("goodnight").response) is None
    couple.next_night()
    again = offer_in(an_evening(couple))
    assert again is not None, "an error is not a no: one more try on a later evening"
    resume(couple, again["token"], "503")
    couple.next_night()
    evenings(couple, 3)


def test_a_device_that_cannot_take_routines_hears_only_goodbye_and_no_more_offers(
    couple: Dialog, content: LocaleContent
) -> None:
    offer = offered_on_third(couple)
    answered = resume(couple, offer["token"], "400")
    assert goodbye_said(answered, content)
    for key in ("routine.accepted", "routine.declined", "routine.failed"):
        assert not says_one_of(answered, content, key)
    couple.next_night()
    evenings(couple, 3)


def test_an_offer_with_no_answer_counts_as_made(couple: Dialog) -> None:
    offered_on_third(couple)
    couple.end()  # the session closes while Alexa has it: no SessionResumedRequest comes
    couple.next_night()
    evenings(couple, 3)


def test_a_resumed_session_with_a_stranger_token_just_says_goodbye(
    couple: Dialog, content: LocaleContent
) -> None:
    offered_on_third(couple)
    answered = resume(couple, "someone-else", "200")
    assert goodbye_said(answered, content)
    assert not says_one_of(answered, content, "routine.accepted")
    couple.next_night()
    # The offer still awaits its own answer: it was made, so it isn't made again.
    evenings(couple, 1)


def test_no_to_another_one_is_a_close_too(couple: Dialog) -> None:
    evenings(couple, 2)
    couple.say("open heart to heart")
    couple.say("tonight's question")
    assert offer_in(couple.say("no").response) is not None


def test_stop_never_carries_the_offer(couple: Dialog) -> None:
    evenings(couple, 2)
    assert offer_in(an_evening(couple, close="stop")) is None
    assert offer_in(an_evening(couple, close="cancel")) is None
    couple.next_night()
    # A later evening's goodnight still can.
    assert offer_in(an_evening(couple)) is not None


def test_never_in_the_middle_of_an_exercise(couple: Dialog) -> None:
    evenings(couple, 2)
    couple.say("open heart to heart")
    couple.say("tonight's question")
    couple.say("a listening exercise")
    assert offer_in(couple.say("goodnight").response) is None


def test_never_before_tonights_question(couple: Dialog) -> None:
    evenings(couple, 2)
    couple.say("open heart to heart")
    couple.say("a gratitude prompt")
    assert offer_in(couple.say("goodnight").response) is None
    assert offer_in(an_evening(couple)) is not None


def test_a_one_shot_is_never_handed_over(couple: Dialog) -> None:
    evenings(couple, 2)
    one_shot = couple.say("ask heart to heart for tonight's question")
    assert not one_shot.session_open
    assert offer_in(one_shot.response) is None
    assert offer_in(couple.say("ask heart to heart goodnight").response) is None


def test_a_request_from_no_device_is_never_sent_the_offer(
    couple: Dialog, content: LocaleContent
) -> None:
    evenings(couple, 2)
    couple.say("open heart to heart")
    couple.say("tonight's question")
    conversation = couple.conversation
    event = conversation.intent("GoodbyeIntent", couple.clock.tick())
    del event["context"]["System"]["device"]
    response = couple.handler(event, None)
    assert offer_in(response) is None
    assert goodbye_said(response, content)
    # The same close from the device makes it.
    couple.next_night()
    assert offer_in(an_evening(couple)) is not None


def test_the_local_chat_plays_alexas_side_of_the_offer(
    handler: Handler, content: LocaleContent
) -> None:
    couple = Dialog(handler, now=EVENING)
    for _ in range(2):
        an_evening(couple)
        couple.next_night()
    couple.say("open heart to heart")
    couple.say("tonight's question")
    closed = couple.say("goodnight")
    assert any(v in closed.speech for v in content.variants("routine.accepted"))
    assert not closed.session_open
    couple.chat.routine_answer = "204"
    couple.next_night()
    assert offer_in(an_evening(couple)) is None


def test_the_offer_and_its_answer_carry_nothing_anyone_said(couple: Dialog) -> None:
    couple.say("open heart to heart")
    couple.say("call us Zephyrine and Quillon")
    couple.next_night()
    offer = offered_on_third(couple)
    text = json.dumps(offer)
    assert "Zephyrine" not in text and "Quillon" not in text
