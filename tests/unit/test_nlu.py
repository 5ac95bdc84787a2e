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


@pytest.mark.parametrize(
    ("said", "intent"),
    [
        # Each of these once did something else (measured on the first release).
        ("we don't like that one", "AnotherQuestionIntent"),
        ("when is our reminder", "ReminderStatusIntent"),
        ("can we go back", "AMAZON.PreviousIntent"),
        ("unpause", "AMAZON.ResumeIntent"),
        ("what did we talk about yesterday", "LastNightQuestionIntent"),
        ("go on", "ReadyIntent"),
        ("keep going", "AMAZON.ResumeIntent"),
        ("thanks alexa", "GoodbyeIntent"),
        ("how do we play", "HowToPlayIntent"),
        ("let's play that again", "RematchIntent"),
    ],
)
def test_what_once_was_misheard(nlu: Resolver, said: str, intent: str) -> None:
    assert nlu.resolve(said).intent == intent


@pytest.mark.parametrize(
    "said",
    [
        "i'm grateful for your patience",
        "i'm so grateful",
        "i'm done now",
        "this is too much right now",
    ],
)
def test_a_sentence_is_not_a_name(nlu: Resolver, said: str) -> None:
    result = nlu.resolve(said)
    assert result.intent not in ("IntroduceIntent", "SetNamesIntent"), (said, result.intent)


def test_introductions_carry_the_name(nlu: Resolver) -> None:
    for said in ("this is sam", "it's sam speaking", "sam here", "hi, i'm Sam"):
        result = nlu.resolve(said)
        assert result.intent == "IntroduceIntent", said
        assert result.slots["name"].value_id == "sam", said


@pytest.mark.parametrize(
    "said",
    [
        "don't cancel the reminder",
        "please don't forget our names",
        "we don't want to save that",
        "i think mine would be lisbon",
        "what about you",
        "no way, really?",
        "i'd pick the beach",
        "that's a big one",
        "let's go to lisbon next year",
    ],
)
def test_negations_and_the_couples_own_talk_fall_back(nlu: Resolver, said: str) -> None:
    assert nlu.resolve(said).intent == FALLBACK, said


def test_fillers_digits_and_spellings_are_read_as_spoken(nlu: Resolver) -> None:
    assert nlu.resolve("um, okay so can we have another one?").intent == "AnotherQuestionIntent"
    assert nlu.resolve("we only have 5 minutes").intent == "ShortOnTimeIntent"
    assert nlu.resolve("play a favorite").intent == "PlayFavouriteIntent"
    assert nlu.resolve("we give up on this one").intent == "PassIntent"
    assert nlu.resolve("i'll go first if that's okay").intent == "MeFirstIntent"
    assert nlu.resolve("we're finished with this game").intent != "ReadyIntent"
    reminder = nlu.resolve("remind us every night at 9pm")
    assert reminder.intent == "SetReminderIntent" and reminder.slots["time"].value_id == "21:00"


def test_talk_time_styles(nlu: Resolver) -> None:
    held = nlu.resolve("please wait with us after the question")
    closed = nlu.resolve("from now on just leave us to talk")
    assert (held.intent, held.slots["style"].value_id) == ("TalkTimeIntent", "hold")
    assert (closed.intent, closed.slots["style"].value_id) == ("TalkTimeIntent", "close")
