"""Export the ASK skill package that ``ask deploy`` uploads.

``skill-package/skill.json`` is assembled from each locale's ``content/<locale>/manifest.json``
(the store text: name, summary, description, example phrases, keywords, privacy policy and
terms of use URLs) and the settings below (category, permissions, the ``SKILL_DISABLED``
subscription, the endpoint), and lists the custom tasks in ``apis.custom.tasks``.
``skill-package/interactionModels/custom/<locale>.json`` is ``interaction_models/<locale>.json``,
the single source of truth for the model, with the locale's name-free phrases
(``content/<locale>/namefree.json``, en-* only) added as its ``_nameFreeInteraction``
container (``name_free``). ``skill-package/tasks/{TaskName}.{Version}.json`` holds one OpenAPI
document per entry of the task table (``content/<locale>/tasks.json``, ``task_definitions``).

Every example phrase must be a real sample utterance of its locale's model, spoken with the
wake word, a launch verb and the invocation name, as certification requires; name-free phrases
and task definitions are checked likewise; the export refuses the package otherwise.

With ``ask_resources`` the ASK CLI project is written beside the package (``ask_project``):
``ask-resources.json`` and the stack template the CloudFormation deployer creates. Without an
endpoint, skill.json then names none: ``ask deploy`` fills it in from the stack's output.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skill.runtime import tasks as task_table
from skill.runtime.catalog import Catalog, ContentError
from skill.runtime.flows.registry import REGISTRY
from skill.tools.deploy import ask_project, name_free, task_definitions
from skill.tools.nlu import (
    FALLBACK,
    LaunchWords,
    Resolver,
    launch_words,
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
ASK_RESOURCES_VERSION = ask_project.ASK_RESOURCES_VERSION
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


def example_phrase_problem(
    model: dict[str, Any], phrase: str, launch: LaunchWords | None = None
) -> str | None:
    """Why ``phrase`` can't be an example phrase for this model, or None when it can.

    It must start with the wake word, then a launch or one-shot verb and the invocation name;
    anything after that (an optional connector word, then the utterance) must be one of the
    model's sample utterances exactly, with any slot filled by one of the slot type's values.
    """
    if not phrase.startswith("Alexa, "):
        return "does not start with the wake word ('Alexa, ')"
    resolver = Resolver(model, launch)
    said = normalise(phrase)
    verbs = "|".join(re.escape(v) for v in (*resolver.launch.one_shot, *resolver.launch.launch))
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
    if len(words) == 2 and words[0] in resolver.launch.connectors:
        candidates.add(words[1])
    if candidates & literal:
        return None
    return f"{utterance!r} is not a sample utterance of {resolution.intent}"


def build_manifest(
    locales: dict[str, dict[str, Any]],
    endpoint: str | None,
    tasks: tuple[task_table.Task, ...] = (),
) -> dict[str, Any]:
    """skill.json for these locales' store text (locale -> manifest content) and tasks.

    Without an endpoint there is no ``apis.custom.endpoint`` and no ``events`` block: the ASK
    CLI's deployer writes both from the stack it deploys.
    """
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
    custom: dict[str, Any] = {"interfaces": list(INTERFACES)}
    events: dict[str, Any] = {}
    if endpoint is not None:
        custom = {"endpoint": {"uri": endpoint}, **custom}
        events["events"] = {
            "endpoint": {"uri": endpoint},
            "subscriptions": [{"eventName": name} for name in EVENT_SUBSCRIPTIONS],
        }
    if tasks:
        custom["tasks"] = [{"name": t.name, "version": str(t.version)} for t in tasks]
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
            "apis": {"custom": custom},
            "permissions": [{"name": name} for name in PERMISSIONS],
            **events,
        }
    }


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _raw_section(catalog: Catalog, locale: str, kind: str) -> Any:
    """A locale's own content file of this kind (no fallback to the default locale), or None."""
    if locale not in catalog.locales:
        return None
    return catalog.for_locale(locale).sections.get(kind)


def _own_section(catalog: Catalog, locale: str, kind: str) -> Any:
    """A locale's own file of this kind, with nothing from its language's default locale:
    store text must be written for its market, never borrowed."""
    if locale not in catalog.locales:
        return None
    return catalog.for_locale(locale).own.get(kind)


def _task_texts(
    catalog: Catalog, locales: list[str]
) -> tuple[tuple[task_table.Task, ...], dict[str, dict[str, dict[str, Any]]]]:
    """The task table and each task's text by locale. The default locale's table is the
    truth; another locale's table must name the same tasks, intents and inputs."""
    default = catalog.default
    section = _raw_section(catalog, default, task_table.SECTION)
    if section is None:
        return (), {}
    tasks = task_table.parse(section)
    texts: dict[str, dict[str, dict[str, Any]]] = {t.name: {} for t in tasks}
    for locale in sorted({default, *locales}):
        own = _raw_section(catalog, locale, task_table.SECTION)
        if own is None:
            continue
        if task_table.parse(own) != tasks:
            raise ExportError(
                f"content/{locale}/tasks.json: its tasks, versions, intents or inputs differ "
                f"from content/{default}/tasks.json"
            )
        for entry in own["tasks"]:
            texts[entry["name"]][locale] = entry
    names = [t.name for t in tasks]
    if len(set(names)) != len(names):
        raise ExportError(f"content/{default}/tasks.json: a task name appears twice")
    return tasks, texts


def _task_model_problems(task: task_table.Task, model: dict[str, Any]) -> list[str]:
    """A task must run an intent the model and the dialog know, and each input's values must be
    ids of the slot type the model gives a slot of that name."""
    language = model["interactionModel"]["languageModel"]
    intents = {i["name"] for i in language["intents"]}
    found = []
    if task.intent not in intents or task.intent not in REGISTRY.intent_flows:
        found.append(f"{task.name}: {task.intent} is not an intent the skill answers")
    slot_types = {
        slot["name"]: slot["type"] for i in language["intents"] for slot in i.get("slots", [])
    }
    ids = {
        t["name"]: {v.get("id") or v["name"]["value"] for v in t.get("values", [])}
        for t in language.get("types", [])
    }
    for spec in task.inputs:
        kind = slot_types.get(spec.slot)
        if kind is None:
            found.append(f"{task.name}: no intent of the model has a slot {spec.slot!r}")
            continue
        unknown = sorted(set(spec.values) - ids.get(kind, set()))
        if unknown:
            found.append(f"{task.name}: {spec.name} values {unknown} are not {kind} ids")
    return found


def _clear(folder: Path, keep: set[str]) -> None:
    """Remove files a previous export left in ``folder`` that this one doesn't write."""
    if folder.is_dir():
        for stale in folder.glob("*.json"):
            if stale.name not in keep:
                stale.unlink()


def export_skill_package(
    out: Path = DEFAULT_OUT,
    root: Path = REPO_ROOT,
    endpoint: str | None = None,
    ask_resources: bool = False,
) -> ExportResult:
    """Write ``out/skill.json``, ``out/interactionModels/custom/<locale>.json`` and
    ``out/tasks/{TaskName}.{Version}.json``.

    Every locale with an interaction model is exported and must have store text. With
    ``ask_resources``, ``ask-resources.json`` and the stack template are written beside
    ``out`` so that ``ask deploy`` run there deploys the skill, its code and its stack.
    """
    if endpoint is not None and not _ARN.fullmatch(endpoint):
        raise ExportError(f"endpoint {endpoint!r} is not a Lambda function ARN")
    if endpoint is None and not ask_resources:
        endpoint = PLACEHOLDER_ENDPOINT
    try:
        catalog = Catalog.load(root / "content")
    except ContentError as error:
        raise ExportError(str(error)) from None
    models_dir = root / "interaction_models"
    model_paths = sorted(models_dir.glob("*.json"))
    if not model_paths:
        raise ExportError(f"{models_dir}: no interaction models")
    texts: dict[str, dict[str, Any]] = {}
    models: dict[str, dict[str, Any]] = {}
    for path in model_paths:
        locale = path.stem
        model = _load_model(path)
        text = _own_section(catalog, locale, "manifest")
        if text is None:
            raise ExportError(f"content/{locale}/manifest.json is missing: {path} needs store text")
        for phrase in text["examplePhrases"]:
            problem = example_phrase_problem(model, phrase, launch_words(locale, models_dir))
            if problem:
                raise ExportError(f"content/{locale}/manifest.json: {phrase!r} {problem}")
        phrases = _raw_section(catalog, locale, "namefree")
        if phrases is not None:
            if not name_free.applies_to(locale):
                raise ExportError(f"content/{locale}/namefree.json: name-free is for en-* only")
            problems = name_free.problems(model, phrases, REGISTRY.intent_flows)
            if problems:
                raise ExportError(f"content/{locale}/namefree.json: {problems[0]}")
            model = {
                **model,
                "interactionModel": {
                    **model["interactionModel"],
                    name_free.CONTAINER: name_free.container(phrases),
                },
            }
        texts[locale] = text
        models[locale] = model
    tasks, task_texts = _task_texts(catalog, list(models))
    for task in tasks:
        for locale, model in models.items():
            problems = _task_model_problems(task, model)
            if problems:
                raise ExportError(f"content/{catalog.default}/tasks.json ({locale}): {problems[0]}")
    written: list[Path] = []
    models_out = out / "interactionModels" / "custom"
    _clear(models_out, {f"{locale}.json" for locale in models})
    for locale, model in models.items():
        target = models_out / f"{locale}.json"
        _write_json(target, model)
        written.append(target)
    tasks_out = out / "tasks"
    _clear(tasks_out, {task_definitions.file_name(t) for t in tasks})
    for task in tasks:
        name = task_definitions.file_name(task)
        document = task_definitions.definition(task, task_texts[task.name], catalog.default)
        problems = task_definitions.problems(name, document)
        if problems:
            raise ExportError(f"tasks/{name}: {problems[0]}")
        _write_json(tasks_out / name, document)
        written.append(tasks_out / name)
    manifest_path = out / "skill.json"
    _write_json(manifest_path, build_manifest(texts, endpoint, tasks))
    written.insert(0, manifest_path)
    if ask_resources:
        written += _write_ask_project(out, root)
    return ExportResult(out, tuple(sorted(texts)), tuple(written))


def _write_ask_project(out: Path, root: Path) -> list[Path]:
    """``ask-resources.json`` and the deployer's stack template, beside ``out``."""
    project = out.resolve().parent
    try:
        stack = ask_project.stack_template(ask_project.load_sam_template(root))
    except ask_project.ProjectError as error:
        raise ExportError(str(error)) from None
    template = project / ask_project.STACK_TEMPLATE
    _write_json(template, stack)
    resources = project / "ask-resources.json"
    _write_json(
        resources, ask_project.ask_resources(f"./{out.resolve().name}", EVENT_SUBSCRIPTIONS)
    )
    return [resources, template]
