"""Custom tasks in the exported package: every task of the table is a valid OpenAPI 3.0 file
that keeps Amazon's documented restrictions, skill.json lists them all, and each one runs an
intent the skill answers with inputs the model knows. Name-free phrases are exported for the
en-* models and checked like example phrases.

Everything here iterates over the task table (``content/en-US/tasks.json``), so a new task is
checked as soon as it has its entry.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from skill.runtime import tasks
from skill.runtime.catalog import LocaleContent
from skill.runtime.flows.registry import REGISTRY
from skill.tools.deploy import name_free, task_definitions
from skill.tools.deploy.skill_package import ExportError, export_skill_package
from tests.support.dialog import ROOT

TABLE = json.loads((ROOT / "content" / "en-US" / "tasks.json").read_text(encoding="utf-8"))
ENTRIES = TABLE["tasks"]
MODEL = json.loads((ROOT / "interaction_models" / "en-US.json").read_text(encoding="utf-8"))
NAMES = [e["name"] for e in ENTRIES]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tasks") / "skill-package"
    export_skill_package(out)
    return out


def _task_file(exported: Path, entry: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    name = f"{entry['name']}.{entry['version']}.json"
    return name, json.loads((exported / "tasks" / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("entry", ENTRIES, ids=NAMES)
def test_every_task_file_is_valid_openapi_3(exported: Path, entry: dict[str, Any]) -> None:
    _, doc = _task_file(exported, entry)
    validate(doc)  # raises on anything that isn't OpenAPI 3.0
    assert doc["openapi"].startswith("3.0")


@pytest.mark.parametrize("entry", ENTRIES, ids=NAMES)
def test_every_task_file_keeps_amazons_restrictions(exported: Path, entry: dict[str, Any]) -> None:
    name, doc = _task_file(exported, entry)
    assert task_definitions.problems(name, doc) == []
    # The same restrictions, read straight from the document:
    assert list(doc["paths"]) == [f"/{entry['name']}"]
    (item,) = doc["paths"].values()
    assert [m for m in item if m in task_definitions.HTTP_METHODS] == ["post"]
    assert list(item["post"]["requestBody"]["content"]) == ["application/json"]
    assert doc["info"]["version"] == str(entry["version"])
    assert doc["info"]["x-amzn-alexa-access-scope"] == "public", "routines need a public task"
    assert doc["info"]["x-amzn-display-details"]["en-US"]["title"] == entry["title"]


@pytest.mark.parametrize("entry", ENTRIES, ids=NAMES)
def test_every_input_is_an_optional_choice_from_its_values(
    exported: Path, entry: dict[str, Any]
) -> None:
    _, doc = _task_file(exported, entry)
    schema = doc["components"]["schemas"]["Input"]
    assert schema["additionalProperties"] is False and not schema.get("required")
    assert sorted(schema["properties"]) == sorted(i["name"] for i in entry["inputs"])
    for spec in entry["inputs"]:
        prop = schema["properties"][spec["name"]]
        assert prop["type"] == "string" and prop["enum"] == spec["values"]
        assert prop["x-amzn-display-details"]["en-US"]["title"] == spec["title"]


@pytest.mark.parametrize("entry", ENTRIES, ids=NAMES)
def test_every_task_runs_an_intent_the_skill_answers_with_values_the_model_knows(
    entry: dict[str, Any],
) -> None:
    language = MODEL["interactionModel"]["languageModel"]
    assert entry["intent"] in {i["name"] for i in language["intents"]}
    assert entry["intent"] in REGISTRY.intent_flows
    slot_types = {s["name"]: s["type"] for i in language["intents"] for s in i.get("slots", [])}
    ids = {t["name"]: {v["id"] for v in t["values"]} for t in language["types"]}
    for spec in entry["inputs"]:
        assert set(spec["values"]) <= ids[slot_types[spec["slot"]]], spec["name"]


def test_the_theme_input_offers_exactly_the_question_themes(content: LocaleContent) -> None:
    (tonight,) = [e for e in ENTRIES if e["intent"] == "TonightQuestionIntent"]
    by_name = {i["name"]: i for i in tonight["inputs"]}
    assert set(by_name["theme"]["values"]) == {q.theme for q in content.questions}
    assert by_name["depth"]["values"] == ["light", "personal", "deep"]


def test_the_manifest_lists_every_task_with_its_version(exported: Path) -> None:
    manifest = json.loads((exported / "skill.json").read_text(encoding="utf-8"))["manifest"]
    listed = manifest["apis"]["custom"]["tasks"]
    assert listed == [{"name": e["name"], "version": str(e["version"])} for e in ENTRIES]
    for item in listed:
        assert (exported / "tasks" / f"{item['name']}.{item['version']}.json").is_file()


def test_the_runtime_and_the_export_read_one_table() -> None:
    table = tasks.parse(TABLE)
    assert [t.name for t in table] == NAMES
    assert [task_definitions.file_name(t) for t in table] == [
        f"{e['name']}.{e['version']}.json" for e in ENTRIES
    ]


# --- the restrictions catch what they name -------------------------------------------------


def _good(exported: Path) -> tuple[str, dict[str, Any]]:
    return _task_file(exported, ENTRIES[0])


def _break(doc: dict[str, Any], how: str) -> dict[str, Any]:
    broken = copy.deepcopy(doc)
    (path,) = broken["paths"]
    post = broken["paths"][path]["post"]
    if how == "two paths":
        broken["paths"]["/Other"] = broken["paths"][path]
    elif how == "get":
        broken["paths"][path]["get"] = {"responses": {"200": {"description": "ok"}}}
    elif how == "xml body":
        post["requestBody"]["content"] = {"application/xml": {"schema": {"type": "object"}}}
    elif how == "xml response":
        post["responses"]["200"]["content"] = {"text/plain": {"schema": {"type": "string"}}}
    elif how == "remote ref":
        post["requestBody"]["content"]["application/json"]["schema"] = {
            "$ref": "https://example.com/input.json"
        }
    elif how == "scope":
        broken["info"]["x-amzn-alexa-access-scope"] = "everyone"
    elif how == "no title":
        broken["info"]["x-amzn-display-details"] = {"en-US": {"description": "x"}}
    elif how == "bad locale":
        broken["info"]["x-amzn-display-details"] = {"english": {"title": "x"}}
    elif how == "version":
        broken["info"]["version"] = "7"
    elif how == "free text":
        schema = broken["components"]["schemas"]["Input"]
        schema["properties"]["note"] = {"type": "string", "x-amzn-display-details": {}}
    elif how == "number":
        schema = broken["components"]["schemas"]["Input"]
        schema["properties"]["count"] = {"type": "integer", "enum": [1, 2]}
    elif how == "open input":
        broken["components"]["schemas"]["Input"]["additionalProperties"] = True
    elif how == "required":
        schema = broken["components"]["schemas"]["Input"]
        schema["required"] = list(schema["properties"]) or ["x"]
    return broken


@pytest.mark.parametrize(
    "how",
    [
        "two paths",
        "get",
        "xml body",
        "xml response",
        "remote ref",
        "scope",
        "no title",
        "bad locale",
        "version",
        "free text",
        "number",
        "open input",
        "required",
    ],
)
def test_each_restriction_is_enforced(exported: Path, how: str) -> None:
    name, doc = _good(exported)
    assert task_definitions.problems(name, _break(doc, how)), how


@pytest.mark.parametrize("name", ["TonightsQuestion.json", "TonightsQuestion.0.json", "a b.1.json"])
def test_a_file_name_that_is_not_name_dot_positive_version_is_refused(
    exported: Path, name: str
) -> None:
    _, doc = _good(exported)
    assert task_definitions.problems(name, doc)


def test_a_file_whose_path_is_another_task_is_refused(exported: Path) -> None:
    _, doc = _good(exported)
    assert task_definitions.problems("Renamed.1.json", doc)


# --- the export refuses a table that doesn't fit the model ---------------------------------


def _checkout(tmp_path: Path) -> Path:
    root = tmp_path / "checkout"
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copytree(ROOT / "interaction_models", root / "interaction_models")
    return root


def _edit(root: Path, name: str, change: Any) -> None:
    path = root / "content" / "en-US" / name
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["tasks"][0].update(intent="NoSuchIntent"),
        lambda d: d["tasks"][0]["inputs"][0].update(values=["light", "medium"]),
        lambda d: d["tasks"][0]["inputs"][0].update(slot="nowhere"),
        lambda d: d["tasks"].append(copy.deepcopy(d["tasks"][0])),
    ],
    ids=["unknown intent", "unknown value", "unknown slot", "twice"],
)
def test_the_export_refuses_a_task_that_does_not_fit_the_model(tmp_path: Path, change: Any) -> None:
    root = _checkout(tmp_path)
    _edit(root, "tasks.json", change)
    with pytest.raises(ExportError, match=r"tasks\.json"):
        export_skill_package(tmp_path / "out", root=root)


def test_a_new_task_is_one_entry(tmp_path: Path) -> None:
    """The weekly check-in (or any task) needs only its entry: file, manifest and checks follow."""
    root = _checkout(tmp_path)

    def add(data: dict[str, Any]) -> None:
        data["tasks"].append(
            {
                "name": "SayThanks",
                "version": 2,
                "intent": "GratitudeIntent",
                "title": "Say thanks",
                "description": "A prompt for thanking each other.",
                "inputs": [],
            }
        )

    _edit(root, "tasks.json", add)
    # Every language with its own task titles lists the new task too (the same tasks in
    # every locale, a test above holds); its titles are that language's.
    for own in sorted((root / "content").glob("*/tasks.json")):
        if own.parent.name != "en-US":
            data = json.loads(own.read_text(encoding="utf-8"))
            add(data)
            own.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "out"
    export_skill_package(out, root=root)
    doc = json.loads((out / "tasks" / "SayThanks.2.json").read_text(encoding="utf-8"))
    validate(doc)
    assert task_definitions.problems("SayThanks.2.json", doc) == []
    listed = json.loads((out / "skill.json").read_text())["manifest"]["apis"]["custom"]["tasks"]
    assert {"name": "SayThanks", "version": "2"} in listed


# --- name-free interaction -----------------------------------------------------------------


def test_the_en_us_model_carries_the_name_free_phrases(
    exported: Path, content: LocaleContent
) -> None:
    model = json.loads((exported / "interactionModels" / "custom" / "en-US.json").read_text())
    points = model["interactionModel"]["_nameFreeInteraction"]["ingressPoints"]
    phrases = content.section("namefree")
    launch = [p for p in points if p["type"] == "LAUNCH"]
    assert len(launch) == 1 and "name" not in launch[0]
    assert [u["value"] for u in launch[0]["sampleUtterances"]] == phrases["launch"]
    assert 1 <= len(phrases["launch"]) <= 5
    intents = {p["name"]: p for p in points if p["type"] == "INTENT"}
    assert set(intents) == set(phrases["intents"])
    for point in points:
        assert 1 <= len(point["sampleUtterances"]) <= 5
        for utterance in point["sampleUtterances"]:
            assert utterance["format"] == "RAW_TEXT" and "{" not in utterance["value"]
    assert name_free.problems(MODEL, phrases, REGISTRY.intent_flows) == []


def test_every_intent_phrase_is_a_sample_of_its_intent(content: LocaleContent) -> None:
    language = MODEL["interactionModel"]["languageModel"]
    samples = {i["name"]: set(i.get("samples", [])) for i in language["intents"]}
    for intent, said in content.section("namefree")["intents"].items():
        assert intent in REGISTRY.intent_flows
        for phrase in said:
            assert phrase in samples[intent], phrase


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["launch"].append("tonight's question"),  # an intent's sample
        lambda d: d["launch"].extend(["one two", "three four"]),  # six launch phrases
        lambda d: d["intents"]["GratitudeIntent"].append("thanks a bunch pal"),  # not a sample
        lambda d: d["intents"].update(NoSuchIntent=["give us a question"]),
        lambda d: d["intents"].update({"AMAZON.HelpIntent": ["help"]}),
        lambda d: d["launch"].append("open heart to heart"),  # the invocation name
        lambda d: d["launch"].append("hello"),  # not a complete phrase
    ],
    ids=[
        "launch is a sample",
        "too many",
        "not a sample",
        "no such intent",
        "built-in",
        "invocation name",
        "one word",
    ],
)
def test_the_export_refuses_name_free_phrases_that_break_the_rules(
    tmp_path: Path, change: Any
) -> None:
    root = _checkout(tmp_path)
    _edit(root, "namefree.json", change)
    with pytest.raises(ExportError, match=r"namefree\.json"):
        export_skill_package(tmp_path / "out", root=root)


def test_name_free_phrases_are_for_english_locales_only(tmp_path: Path) -> None:
    root = _checkout(tmp_path)
    german = root / "content" / "de-DE"
    data = json.loads((root / "content" / "en-US" / "namefree.json").read_text(encoding="utf-8"))
    data["locale"] = "de-DE"
    (german / "namefree.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ExportError, match=r"de-DE.namefree\.json"):
        export_skill_package(tmp_path / "out", root=root)


# --- more locales drop in ------------------------------------------------------------------


def _with_locale(root: Path, locale: str, retitle: str) -> None:
    """Give ``root`` one more locale (one the skill doesn't ship): its model, store text and
    task titles."""
    shutil.copyfile(
        root / "interaction_models" / "en-US.json", root / "interaction_models" / f"{locale}.json"
    )
    folder = root / "content" / locale
    folder.mkdir()
    for name in ("manifest.json", "tasks.json"):
        data = json.loads((root / "content" / "en-US" / name).read_text(encoding="utf-8"))
        data["locale"] = locale
        if name == "tasks.json":
            for entry in data["tasks"]:
                entry["title"] = f"{retitle} {entry['title']}"
                for spec in entry["inputs"]:
                    spec["title"] = f"{retitle} {spec['title']}"
        (folder / name).write_text(json.dumps(data), encoding="utf-8")


def test_another_locales_titles_join_each_task_definition(tmp_path: Path) -> None:
    root = _checkout(tmp_path)
    _with_locale(root, "en-NZ", "British")
    out = tmp_path / "out"
    export_skill_package(out, root=root)
    for entry in ENTRIES:
        name = f"{entry['name']}.{entry['version']}.json"
        doc = json.loads((out / "tasks" / name).read_text(encoding="utf-8"))
        validate(doc)
        assert task_definitions.problems(name, doc) == []
        details = doc["info"]["x-amzn-display-details"]
        assert details["en-US"]["title"] == entry["title"]
        assert details["en-NZ"]["title"] == f"British {entry['title']}"
        for spec in entry["inputs"]:
            prop = doc["components"]["schemas"]["Input"]["properties"][spec["name"]]
            assert prop["x-amzn-display-details"]["en-NZ"]["title"] == f"British {spec['title']}"
    assert (out / "interactionModels" / "custom" / "en-NZ.json").is_file()


def test_another_locale_may_not_change_what_a_task_does(tmp_path: Path) -> None:
    root = _checkout(tmp_path)
    _with_locale(root, "en-NZ", "British")
    path = root / "content" / "en-NZ" / "tasks.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["tasks"][0]["version"] += 1
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ExportError, match=r"en-NZ/tasks\.json"):
        export_skill_package(tmp_path / "out", root=root)
