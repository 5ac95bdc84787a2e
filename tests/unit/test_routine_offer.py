"""The routine offer's pieces: reading a ``SessionResumedRequest``, what each answer means,
the directive's shape, and a ``kept`` list that can't be trusted."""

from __future__ import annotations

import json
from typing import Any

import pytest

from skill.runtime.flows import routine
from skill.runtime.handlers.envelope import read_envelope
from skill.runtime.handlers.render import routine_directive, task_uri
from skill.runtime.handlers.translate import can_connect, resumed_event
from skill.runtime.reply import RoutineOffer
from skill.runtime.state import Household
from tests.support.dialog import ROOT


def resumed(cause: Any) -> dict[str, Any]:
    return {
        "session": {"new": False, "attributes": {}},
        "context": {"System": {"device": {"supportedInterfaces": {}}}},
        "request": {"type": "SessionResumedRequest", "requestId": "r", "cause": cause},
    }


def test_a_resumed_request_reads_its_code_reason_and_token() -> None:
    event = resumed_event(
        read_envelope(
            resumed(
                {
                    "type": "ConnectionCompleted",
                    "token": "heart-routine|TonightsQuestion|1",
                    "status": {"code": "204", "message": "No Content"},
                    "result": {"offerAutomationResponse": {"reason": "REJECTED_BY_CUSTOMER"}},
                }
            )
        )
    )
    assert dict(event.slots) == {
        "code": "204",
        "reason": "REJECTED_BY_CUSTOMER",
        "token": "heart-routine|TonightsQuestion|1",
    }
    flat = read_envelope(resumed({"status": {"code": 500}, "result": {"reason": "X"}}))
    assert (flat.status_code, flat.result_reason) == ("500", "X")


@pytest.mark.parametrize("cause", [None, "x", [], {"status": "200"}, {"status": {"code": True}}])
def test_a_malformed_cause_reads_as_no_answer(cause: Any) -> None:
    event = resumed_event(read_envelope(resumed(cause)))
    assert event.slots["code"] == "" and event.slots["token"] == ""
    assert routine.outcome(event.slots["code"], event.slots["reason"]) == routine.FAILED


@pytest.mark.parametrize(
    ("code", "reason", "status"),
    [
        ("200", "", routine.ACCEPTED),
        ("204", "AUTOMATION_ALREADY_ENABLED", routine.ACCEPTED),
        ("204", "REJECTED_BY_CUSTOMER", routine.DECLINED),
        ("204", "SOMETHING_NEW", routine.DECLINED),
        ("400", "", routine.UNSUPPORTED),
        ("403", "", routine.UNSUPPORTED),
        ("429", "", routine.FAILED),
        ("500", "", routine.FAILED),
        ("", "", routine.FAILED),
    ],
)
def test_what_each_answer_means(code: str, reason: str, status: int) -> None:
    assert routine.outcome(code, reason) == status


def test_only_a_session_on_a_device_of_a_known_skill_can_be_handed_over() -> None:
    base = {
        "session": {"new": False},
        "context": {
            "System": {
                "application": {"applicationId": "amzn1.ask.skill.x"},
                "device": {"deviceId": "d", "supportedInterfaces": {}},
            }
        },
        "request": {"type": "IntentRequest", "intent": {"name": "GoodbyeIntent"}},
    }
    assert can_connect(read_envelope(base))
    no_session = {k: v for k, v in base.items() if k != "session"}
    assert not can_connect(read_envelope(no_session))
    no_device = {**base, "context": {"System": {"application": {"applicationId": "a"}}}}
    assert not can_connect(read_envelope(no_device))
    no_app = {**base, "context": {"System": {"device": {"supportedInterfaces": {}}}}}
    assert not can_connect(read_envelope(no_app))
    ended = {**base, "request": {"type": "SessionEndedRequest"}}
    assert not can_connect(read_envelope(ended))


def test_the_directive_names_the_task_of_this_skill_and_at_most_five_phrases() -> None:
    offer = RoutineOffer(
        task="TonightsQuestion",
        version=1,
        utterances=tuple(f"phrase {n}" for n in range(7)),
        locale="en-US",
        description="ask tonight's question",
        token="t",
    )
    directive = routine_directive(offer, "amzn1.ask.skill.abc")
    assert directive["type"] == "Connections.StartConnection"
    assert directive["uri"] == "connection://AMAZON.OfferAutomation/1"
    assert directive["onCompletion"] == "RESUME_SESSION"
    assert directive["token"] == "t"
    trigger = directive["input"]["automation"]["trigger"]["payload"]
    assert trigger["utterances"] == [f"phrase {n}" for n in range(5)]
    assert task_uri("s", "TonightsQuestion", 1) == "connection://s.TonightsQuestion/1?provider=s"


@pytest.mark.parametrize("raw", [[], ["x"], [1], ["a", "b", "c", "d"], [3, "x", 9, 9]])
def test_kept_tolerates_whatever_was_stored(raw: list[int | str]) -> None:
    status, attempts, night = routine.kept(Household(kept={routine.NAME: raw}))
    assert all(isinstance(v, int) for v in (status, attempts, night))


def test_the_routine_starts_a_task_the_skill_package_exports() -> None:
    """The offered routine's action is one of the custom tasks in the task table, at its
    version: a routine that named a task the package doesn't export would start nothing."""
    table = json.loads((ROOT / "content" / "en-US" / "tasks.json").read_text(encoding="utf-8"))
    exported = {(t["name"], t["version"]) for t in table["tasks"]}
    assert (routine.TASK, routine.TASK_VERSION) in exported
