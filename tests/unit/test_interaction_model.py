"""The interaction model and the code agree, and the model follows Alexa's rules."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from skill.runtime.app import known_intents
from skill.runtime.intents import BUILT_INS
from skill.tools.nlu import launch_words
from tests.support.dialog import ROOT

MODEL_FILES = sorted((ROOT / "interaction_models").glob("*.json"))
#: English's words that open a skill; every other language names its own in its builtins.
LAUNCH_WORDS = (
    "ask",
    "tell",
    "open",
    "launch",
    "start",
    "begin",
    "load",
    "run",
    "use",
    "talk to",
    "resume",
)
FORBIDDEN_WORDS = ("alexa", "amazon", "echo", "skill", "app")


def language_model(path: Any) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    model: dict[str, Any] = json.loads(text)["interactionModel"]["languageModel"]
    model["locale"] = path.stem
    return model


def launching(model: dict[str, Any]) -> tuple[str, ...]:
    """The words that open a skill by name in this model's language (its launch and one-shot
    verbs), besides English's: a sample may start with none of them."""
    own = launch_words(model["locale"])
    return (*LAUNCH_WORDS, *own.launch, *own.one_shot)


@pytest.fixture(params=MODEL_FILES, ids=[p.stem for p in MODEL_FILES])
def model(request: pytest.FixtureRequest) -> dict[str, Any]:
    return language_model(request.param)


def test_there_is_an_english_model() -> None:
    assert any(p.stem == "en-US" for p in MODEL_FILES)


def test_every_model_intent_has_a_handler(model: dict[str, Any]) -> None:
    names = {i["name"] for i in model["intents"]}
    assert names - known_intents() == set()


def test_every_handled_intent_is_in_the_model(model: dict[str, Any]) -> None:
    names = {i["name"] for i in model["intents"]}
    assert known_intents() - names == set()


def test_all_standard_built_ins_are_present(model: dict[str, Any]) -> None:
    names = {i["name"] for i in model["intents"]}
    assert set(BUILT_INS) <= names


def test_invocation_name_rules(model: dict[str, Any]) -> None:
    name = model["invocationName"]
    assert name == name.lower()
    assert len(name.split()) >= 2
    assert not re.search(r"\d", name)
    assert not set(name.split()) & {"alexa", "amazon", "echo", "skill", "app", *launching(model)}


def test_custom_intents_have_fifteen_varied_samples(model: dict[str, Any]) -> None:
    for intent in model["intents"]:
        if intent["name"].startswith("AMAZON."):
            continue
        samples = intent.get("samples", [])
        assert len(samples) >= 15, intent["name"]
        assert len(set(samples)) == len(samples), f"duplicate samples in {intent['name']}"


def test_sample_utterances_follow_the_rules(model: dict[str, Any]) -> None:
    invocation = model["invocationName"]
    launch = launching(model)
    seen: dict[str, str] = {}
    for intent in model["intents"]:
        slot_names = {s["name"] for s in intent.get("slots", [])}
        for sample in intent.get("samples", []):
            where = f"{intent['name']}: {sample!r}"
            assert sample == sample.strip() and "  " not in sample, where
            # Letters of any script (German's ä and ß, Spanish ñ), apostrophes, slots.
            assert re.fullmatch(r"(?:[^\W\d_]|['{} ])+", sample), where
            assert not re.search(r"\d", sample), where
            words = re.sub(r"\{\w+\}", "", sample).lower()
            assert invocation not in words, where
            assert not set(words.split()) & set(FORBIDDEN_WORDS), where
            assert not any(re.match(rf"{re.escape(w)}\b", words) for w in launch), where
            for slot in re.findall(r"\{(\w+)\}", sample):
                assert slot in slot_names, f"{where} uses undeclared slot {slot}"
            assert seen.setdefault(sample, intent["name"]) == intent["name"], (
                f"{sample!r} belongs to both {seen[sample]} and {intent['name']}"
            )


def test_fallback_has_no_samples(model: dict[str, Any]) -> None:
    fallback = [i for i in model["intents"] if i["name"] == "AMAZON.FallbackIntent"]
    assert fallback and not fallback[0].get("samples")


def test_slot_types_exist_and_have_ids_and_synonyms(model: dict[str, Any]) -> None:
    custom = {t["name"]: t for t in model.get("types", [])}
    for intent in model["intents"]:
        for slot in intent.get("slots", []):
            if not slot["type"].startswith("AMAZON."):
                assert slot["type"] in custom, slot
    for slot_type in custom.values():
        ids = [v["id"] for v in slot_type["values"]]
        assert len(ids) == len(set(ids))
        assert any(v["name"].get("synonyms") for v in slot_type["values"])


def test_theme_values_match_the_question_deck(model: dict[str, Any], content: Any) -> None:
    types = {t["name"]: t for t in model.get("types", [])}
    themes = {v["id"] for v in types["ThemeType"]["values"]}
    assert {q.theme for q in content.questions} <= themes


def test_no_sample_is_a_bare_slot(model: dict[str, Any]) -> None:
    """A sample made only of slots ("{game}") lets its intent claim almost any short phrase:
    Alexa fills a custom slot with words that aren't listed, so nothing else could win."""
    for intent in model["intents"]:
        for sample in intent.get("samples", []):
            assert re.sub(r"\{\w+\}", " ", sample).strip(), f"{intent['name']}: {sample!r}"
