"""Name-free interaction: what a couple may say to Alexa without "heart to heart" in it.

``content/<locale>/namefree.json`` (en-* locales only: Amazon offers name-free interaction in
English) lists skill launch phrases and, per intent, intent launch phrases. The export puts
them in the locale's exported interaction model as the ``_nameFreeInteraction`` container,
beside ``languageModel``, which is where Amazon's "Use the Name-free Interaction Toolkit"
pages place it (inside the interaction model, not in skill.json):

    {"interactionModel": {"languageModel": {...}, "_nameFreeInteraction": {"ingressPoints": [
        {"type": "LAUNCH", "sampleUtterances": [{"format": "RAW_TEXT", "value": "..."}]},
        {"type": "INTENT", "name": "TonightQuestionIntent", "sampleUtterances": [...]}]}}}

Amazon's rules, checked here: at most five skill launch phrases, at most five phrases per
intent, no slots, complete phrases, an intent that the language model defines. The key
``ingressPoints`` is assumed from public skills that use it: Amazon's pages name the entries
"IngressPoint" without showing the key in text. Our own rules, checked like the store's
example phrases: an intent phrase must be one of that intent's sample utterances (so the
skill surely understands it), a launch phrase must be no intent's sample (else it belongs to
that intent), neither says the wake word or the invocation name, and every intent is one the
skill answers.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from skill.tools.nlu import normalise_sample

CONTAINER = "_nameFreeInteraction"
MAX_LAUNCH_PHRASES = 5
MAX_INTENT_PHRASES = 5
#: Name-free interaction is for English locales.
LANGUAGE = "en"


def applies_to(locale: str) -> bool:
    return locale.split("-")[0] == LANGUAGE


def _utterances(phrases: list[str]) -> list[dict[str, str]]:
    return [{"format": "RAW_TEXT", "value": phrase} for phrase in phrases]


def container(phrases: Mapping[str, Any]) -> dict[str, Any]:
    """``_nameFreeInteraction`` from a ``namefree`` content section."""
    points: list[dict[str, Any]] = []
    if phrases["launch"]:
        points.append({"type": "LAUNCH", "sampleUtterances": _utterances(phrases["launch"])})
    for intent, said in phrases["intents"].items():
        points.append({"type": "INTENT", "name": intent, "sampleUtterances": _utterances(said)})
    return {"ingressPoints": points}


def problems(
    model: Mapping[str, Any], phrases: Mapping[str, Any], answered: Collection[str]
) -> list[str]:
    """Why these phrases can't be this model's name-free phrases (empty when they can);
    ``answered`` names the intents the skill's dialog answers."""
    language = model["interactionModel"]["languageModel"]
    invocation = normalise_sample(language["invocationName"])
    samples = {
        intent["name"]: {normalise_sample(s) for s in intent.get("samples", []) if "{" not in s}
        for intent in language["intents"]
    }
    every_sample = {s for said in samples.values() for s in said}
    found: list[str] = []

    def spoken(phrase: str, where: str) -> None:
        said = normalise_sample(phrase)
        if "{" in phrase or "}" in phrase:
            found.append(f"{where}: {phrase!r} has a slot")
        if len(said.split()) < 2:
            found.append(f"{where}: {phrase!r} is not a complete phrase")
        if said.startswith("alexa") or invocation in said:
            found.append(f"{where}: {phrase!r} says the wake word or the invocation name")

    launch = phrases.get("launch", [])
    if len(launch) > MAX_LAUNCH_PHRASES:
        found.append(f"launch: {len(launch)} phrases; Amazon allows {MAX_LAUNCH_PHRASES}")
    for phrase in launch:
        spoken(phrase, "launch")
        if normalise_sample(phrase) in every_sample:
            found.append(f"launch: {phrase!r} is an intent's sample utterance")
    for intent, said in phrases.get("intents", {}).items():
        if intent not in samples:
            found.append(f"{intent}: not an intent of the interaction model")
            continue
        if intent not in answered or intent.startswith("AMAZON."):
            found.append(f"{intent}: not one of the skill's own intents")
        if not 1 <= len(said) <= MAX_INTENT_PHRASES:
            found.append(f"{intent}: {len(said)} phrases; Amazon allows 1 to {MAX_INTENT_PHRASES}")
        for phrase in said:
            spoken(phrase, intent)
            if normalise_sample(phrase) not in samples[intent]:
                found.append(f"{intent}: {phrase!r} is not one of its sample utterances")
    return found
