"""The strict matcher understands a sample word for word and nothing else."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.exact_match import FALLBACK, ExactMatcher, simple_time

MODEL: dict[str, Any] = {
    "interactionModel": {
        "languageModel": {
            "invocationName": "test skill",
            "intents": [
                {"name": "AnotherIntent", "samples": ["another one", "give us another one"]},
                {
                    "name": "DepthIntent",
                    "slots": [{"name": "depth", "type": "DepthType"}],
                    "samples": ["keep it {depth}", "something {depth}"],
                },
                {
                    "name": "IntroIntent",
                    "slots": [{"name": "name", "type": "AMAZON.FirstName"}],
                    "samples": ["i'm {name}"],
                },
                {"name": "ReadyIntent", "samples": ["i'm ready"]},
                {
                    "name": "RemindIntent",
                    "slots": [{"name": "time", "type": "AMAZON.TIME"}],
                    "samples": ["remind us at {time}"],
                },
            ],
            "types": [
                {
                    "name": "DepthType",
                    "values": [
                        {"id": "light", "name": {"value": "light", "synonyms": ["easy"]}},
                        {"id": "deep", "name": {"value": "deep", "synonyms": ["more serious"]}},
                    ],
                }
            ],
        }
    }
}


@pytest.fixture(scope="module")
def matcher() -> ExactMatcher:
    return ExactMatcher(MODEL)


@pytest.mark.parametrize(
    ("said", "intent", "slots"),
    [
        ("Another one.", "AnotherIntent", {}),
        ("alexa, another one", "AnotherIntent", {}),
        ("another one, alexa", "AnotherIntent", {}),
        ("um, another one", "AnotherIntent", {}),
        ("another one please", FALLBACK, {}),
        ("okay another one", FALLBACK, {}),
        ("keep it easy", "DepthIntent", {"depth": "light"}),
        ("something more serious", "DepthIntent", {"depth": "deep"}),
        ("keep it spicy", FALLBACK, {}),
        ("i'm sam", "IntroIntent", {"name": "sam"}),
        ("i'm mary jane", "IntroIntent", {"name": "mary jane"}),
        ("i'm grateful for your patience", FALLBACK, {}),
        ("i'm ready", "ReadyIntent", {}),
        ("remind us at nine", "RemindIntent", {"time": "09:00"}),
        ("remind us at nine thirty pm", "RemindIntent", {"time": "21:30"}),
        ("remind us at ten o'clock", "RemindIntent", {"time": "10:00"}),
        ("remind us at half past nine", FALLBACK, {}),
        ("remind us at the purple hour", FALLBACK, {}),
    ],
)
def test_matches(matcher: ExactMatcher, said: str, intent: str, slots: dict[str, str]) -> None:
    found = matcher.match(said)
    assert (found.intent, found.slots) == (intent, slots)


def test_simple_times() -> None:
    assert simple_time(("nine", "p", "m")) == "21:00"
    assert simple_time(("twelve", "forty", "five")) == "12:45"
    assert simple_time(("thirteen",)) is None
    assert simple_time(("nine", "banana")) is None
