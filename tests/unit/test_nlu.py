"""The local resolver understands what the interaction model lists, and nothing more."""

from __future__ import annotations

import json

import pytest

from skill.tools.nlu import FALLBACK, Resolver, normalise
from tests.support.dialog import ROOT, resolver

MODEL = ROOT / "interaction_models" / "en-US.json"


@pytest.fixture(scope="module")
def nlu() -> Resolver:
    return resolver()


def test_every_sample_without_slots_resolves_to_its_own_intent(nlu: Resolver) -> None:
    model = json.loads(MODEL.read_text())["interactionModel"]["languageModel"]
    for intent in model["intents"]:
        for sample in intent.get("samples", []):
            if "{" in sample:
                continue
            assert nlu.resolve(sample).intent == intent["name"], sample


@pytest.mark.parametrize(
    ("said", "launch"),
    [
        ("open heart to heart", True),
        ("Alexa, open Heart to Heart.", True),
        ("talk to heart to heart", True),
        ("heart to heart", True),
    ],
)
def test_launch_phrases(nlu: Resolver, said: str, launch: bool) -> None:
    assert (nlu.resolve(said).kind == "launch") is launch


def test_one_shots_carry_the_intent(nlu: Resolver) -> None:
    result = nlu.resolve("ask heart to heart for tonight's question")
    assert (result.kind, result.intent, result.one_shot) == (
        "intent",
        "TonightQuestionIntent",
        True,
    )
    result = nlu.resolve("tell heart to heart to keep it light")
    assert result.intent == "SetDepthIntent" and result.slots["depth"].value_id == "light"


def test_slot_synonyms_resolve_to_ids(nlu: Resolver) -> None:
    result = nlu.resolve("a question about hopes and dreams")
    assert result.intent == "QuestionAboutIntent"
    assert result.slots["theme"].value_id == "dreams"
    assert result.slots["theme"].spoken == "hopes and dreams"


def test_unknown_slot_values_stay_unresolved(nlu: Resolver) -> None:
    result = nlu.resolve("a question about spaceships")
    assert result.intent == "QuestionAboutIntent"
    assert result.slots["theme"].value_id is None


def test_near_misses_and_nonsense(nlu: Resolver) -> None:
    assert nlu.resolve("tonights question please").intent == "TonightQuestionIntent"
    assert nlu.resolve("banana helicopter symphony").intent == FALLBACK


def test_empty_is_empty(nlu: Resolver) -> None:
    assert nlu.resolve("   ").kind == "empty"
    assert nlu.resolve("?!").kind == "empty"


def test_normalise() -> None:
    assert normalise("  Alexa,  WHAT’S tonight's   question?! ") == "what's tonight's question"
