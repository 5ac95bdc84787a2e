"""Export the ASK skill package that ``ask deploy`` uploads.

``skill-package/skill.json`` is assembled from each locale's ``content/<locale>/manifest.json``
(the store text: name, summary, description, example phrases, keywords, privacy policy and
terms of use URLs) and the settings below (category, permissions, the ``SKILL_DISABLED``
subscription, the endpoint). ``skill-package/interactionModels/custom/<locale>.json`` is a
copy of ``interaction_models/<locale>.json``, the single source of truth for the model.

Every example phrase must be a real sample utterance of its locale's model, spoken with the
wake word, a launch verb and the invocation name, as certification requires; the export
refuses the package otherwise.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skill.runtime.catalog import Catalog, ContentError
from skill.tools.nlu import (
    FALLBACK,
    LAUNCH_VERBS,
    ONE_SHOT_VERBS,
    Resolver,
    normalise,
    normalise_sample,
)

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_OUT = Path("skill-package")
MANIFEST_VERSION = "1.0"
#: The Alexa app's filter category.
CATEGORY = "FRIENDS_AND_FAMILY"
#: Reminders, for the nightly ritual a couple may ask to be reminded of.
PERMISSIONS = ("alexa::alerts:reminders:skill:readwrite",)
#: Screens: the skill sends APL (``skill/runtime/apl.py``) to these viewports, and Alexa rejects an
#: APL directive from a skill whose manifest doesn't declare the interface.
APL_VIEWPORTS = (
    {
        "mode": "HUB",
        "shape": "ROUND",
        "minWidth": 100,
        "maxWidth": 599,
        "minHeight": 100,
        "maxHeight": 599,
    },
    {
        "mode": "HUB",
        "shape": "RECTANGLE",
        "minWidth": 960,
        "maxWidth": 1279,
        "minHeight": 100,
        "maxHeight": 599,
    },
    {
        "mode": "HUB",
        "shape": "RECTANGLE",
        "minWidth": 960,
        "maxWidth": 1279,
        "minHeight": 600,
        "maxHeight": 959,
    },
    {
        "mode": "HUB",
        "shape": "RECTANGLE",
        "minWidth": 1280,
        "maxWidth": 1920,
        "minHeight": 600,
        "maxHeight": 1279,
    },
    {
        "mode": "TV",
        "shape": "RECTANGLE",
        "minWidth": 960,
        "maxWidth": 960,
        "minHeight": 540,
        "maxHeight": 540,
    },
)
INTERFACES = ({"type": "ALEXA_PRESENTATION_APL", "supportedViewports": list(APL_VIEWPORTS)},)
#: Disabling the skill erases the household (the SkillDisabled handler).
EVENT_SUBSCRIPTIONS = ("SKILL_DISABLED",)
#: Stands in for the function's ARN (the template's ``SkillFunctionArn`` output) until given.
PLACEHOLDER_ENDPOINT = "arn:aws:lambda:REGION:ACCOUNT_ID:function:FUNCTION_NAME"
ASK_RESOURCES_VERSION = "2020-03-31"
#: Words Alexa accepts between the invocation name and the utterance of a one-shot request.
CONNECTORS = ("and", "to", "for", "about", "if", "whether")
_ARN = re.compile(r"arn:aws[a-z-]*:lambda:[^:]+:[^:]+:function:[^:]+(:[^:]+)?")


class ExportError(Exception):
    """The skill package can't be exported; the message names the file and the problem."""


@dataclass(frozen=True)
class ExportResult:
    """Where the package went and what it holds."""

    path: Path
    locales: tuple[str, ...]
    files: tuple[Path, ...]


def _load_model(path: Path) -> dict[str, Any]:
    try:
        model: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(model["interactionModel"]["languageModel"]["invocationName"], str):
            raise TypeError("invocationName is not a string")
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ExportError(f"{path}: not a usable interaction model: {error}") from None
    return model


def _literal_samples(model: dict[str, Any]) -> dict[str, set[str]]:
    """Each intent's sample utterances without slots, normalised."""
    samples: dict[str, set[str]] = {}
    for intent in model["interactionModel"]["languageModel"]["intents"]:
        literal = {normalise_sample(s) for s in intent.get("samples", []) if "{" not in s}
        samples[intent["name"]] = literal
    return samples


def example_phrase_problem(model: dict[str, Any], phrase: str) -> str | None:
    """Why ``phrase`` can't be an example phrase for this model, or None when it can.

    It must start with the wake word, then a launch or one-shot verb and the invocation name;
    anything after that (an optional connector word, then the utterance) must be one of the
    model's sample utterances exactly, with any slot filled by one of the slot type's values.
    """
    if not phrase.startswith("Alexa, "):
        return "does not start with the wake word ('Alexa, ')"
    resolver = Resolver(model)
    said = normalise(phrase)
    verbs = "|".join(re.escape(v) for v in (*ONE_SHOT_VERBS, *LAUNCH_VERBS))
    shape = re.fullmatch(f"(?:{verbs}) {re.escape(resolver.invocation)}(?: (.+))?", said)
    if shape is None:
        return f"does not name the invocation name {resolver.invocation!r} after a launch verb"
    resolution = resolver.resolve(phrase)
    utterance = shape.group(1)
    if utterance is None:
        return None if resolution.kind == "launch" else "is not a launch phrase"
    if resolution.kind != "intent" or resolution.intent == FALLBACK:
        return "does not resolve to one of the skill's intents"
    if resolution.slots:
        unresolved = [name for name, value in resolution.slots.items() if value.value_id is None]
        return f"names an unknown value for slot(s) {unresolved}" if unresolved else None
    literal = _literal_samples(model).get(resolution.intent, set())
    words = utterance.split(" ", 1)
    candidates = {utterance}
    if len(words) == 2 and words[0] in CONNECTORS:
        candidates.add(words[1])
    if candidates & literal:
        return None
    return f"{utterance!r} is not a sample utterance of {resolution.intent}"


def build_manifest(locales: dict[str, dict[str, Any]], endpoint: str) -> dict[str, Any]:
    """skill.json for these locales' store text (locale -> manifest content)."""
    default = locales.get("en-US") or locales[sorted(locales)[0]]
    publishing: dict[str, Any] = {
        "locales": {
            locale: {
                "name": text["name"],
                "summary": text["summary"],
                "description": text["description"],
                "examplePhrases": list(text["examplePhrases"]),
                "keywords": list(text["keywords"]),
            }
            for locale, text in sorted(locales.items())
        },
        "isAvailableWorldwide": False,
        "distributionCountries": sorted({locale.split("-")[1] for locale in locales}),
        "distributionMode": "PUBLIC",
        "category": CATEGORY,
    }
    if default.get("testingInstructions"):
        publishing["testingInstructions"] = default["testingInstructions"]
    return {
        "manifest": {
            "manifestVersion": MANIFEST_VERSION,
            "publishingInformation": publishing,
            "privacyAndCompliance": {
                "allowsPurchases": False,
                # First names a couple chooses to give are personal information.
                "usesPersonalInfo": True,
                "isChildDirected": False,
                "isExportCompliant": True,
                "containsAds": False,
                "locales": {
                    locale: {
                        "privacyPolicyUrl": text["privacyPolicyUrl"],
                        "termsOfUseUrl": text["termsOfUseUrl"],
                    }
                    for locale, text in sorted(locales.items())
                },
            },
            "apis": {"custom": {"endpoint": {"uri": endpoint}, "interfaces": list(INTERFACES)}},
            "permissions": [{"name": name} for name in PERMISSIONS],
            "events": {
                "endpoint": {"uri": endpoint},
                "subscriptions": [{"eventName": name} for name in EVENT_SUBSCRIPTIONS],
            },
        }
    }


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def export_skill_package(
    out: Path = DEFAULT_OUT,
    root: Path = REPO_ROOT,
    endpoint: str | None = None,
    ask_resources: bool = False,
) -> ExportResult:
    """Write ``out/skill.json`` and ``out/interactionModels/custom/<locale>.json``.

    Every locale with an interaction model is exported and must have store text. With
    ``ask_resources``, ``ask-resources.json`` is written beside ``out`` so that ``ask deploy``
    run there deploys the package (the code is deployed with the SAM template).
    """
    endpoint = endpoint or PLACEHOLDER_ENDPOINT
    if endpoint != PLACEHOLDER_ENDPOINT and not _ARN.fullmatch(endpoint):
        raise ExportError(f"endpoint {endpoint!r} is not a Lambda function ARN")
    try:
        catalog = Catalog.load(root / "content")
    except ContentError as error:
        raise ExportError(str(error)) from None
    models_dir = root / "interaction_models"
    model_paths = sorted(models_dir.glob("*.json"))
    if not model_paths:
        raise ExportError(f"{models_dir}: no interaction models")
    texts: dict[str, dict[str, Any]] = {}
    for path in model_paths:
        locale = path.stem
        model = _load_model(path)
        text = (
            catalog.for_locale(locale).sections.get("manifest")
            if locale in catalog.locales
            else None
        )
        if text is None:
            raise ExportError(f"content/{locale}/manifest.json is missing: {path} needs store text")
        for phrase in text["examplePhrases"]:
            problem = example_phrase_problem(model, phrase)
            if problem:
                raise ExportError(f"content/{locale}/manifest.json: {phrase!r} {problem}")
        texts[locale] = text
    written: list[Path] = []
    models_out = out / "interactionModels" / "custom"
    if models_out.is_dir():
        for stale in models_out.glob("*.json"):
            if stale.stem not in texts:
                stale.unlink()
    models_out.mkdir(parents=True, exist_ok=True)
    for path in model_paths:
        target = models_out / path.name
        shutil.copyfile(path, target)
        written.append(target)
    manifest_path = out / "skill.json"
    _write_json(manifest_path, build_manifest(texts, endpoint))
    written.insert(0, manifest_path)
    if ask_resources:
        resources = out.resolve().parent / "ask-resources.json"
        _write_json(
            resources,
            {
                "askcliResourcesVersion": ASK_RESOURCES_VERSION,
                "profiles": {"default": {"skillMetadata": {"src": f"./{out.resolve().name}"}}},
            },
        )
        written.append(resources)
    return ExportResult(out, tuple(sorted(texts)), tuple(written))
