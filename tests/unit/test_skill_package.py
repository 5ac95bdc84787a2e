"""The exported ASK skill package: the manifest ``ask deploy`` needs, with example phrases that
are real sample utterances, the SKILL_DISABLED subscription, and the model copied verbatim."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from skill.hosts.cli import main
from skill.runtime.catalog import Catalog
from skill.runtime.flows.registry import REGISTRY
from skill.tools.deploy.skill_package import (
    PLACEHOLDER_ENDPOINT,
    ExportError,
    example_phrase_problem,
    export_skill_package,
)
from skill.tools.nlu import FALLBACK, launch_words
from tests.support.dialog import LOCALES, ROOT, resolver

ARN = "arn:aws:lambda:us-east-1:123456789012:function:heart-to-heart-SkillFunction-abc"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("package") / "skill-package"
    export_skill_package(out)
    return out


@pytest.fixture(scope="module")
def manifest(exported: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((exported / "skill.json").read_text(encoding="utf-8"))
    return data["manifest"]


def test_the_package_has_the_manifest_every_model_and_every_task(exported: Path) -> None:
    files = sorted(p.relative_to(exported).as_posix() for p in exported.rglob("*") if p.is_file())
    models = sorted((ROOT / "interaction_models").glob("*.json"))
    tasks = json.loads((ROOT / "content" / "en-US" / "tasks.json").read_text(encoding="utf-8"))
    assert files == sorted(
        [
            "skill.json",
            *(f"interactionModels/custom/{m.name}" for m in models),
            *(f"tasks/{t['name']}.{t['version']}.json" for t in tasks["tasks"]),
        ]
    )


def test_each_model_is_exported_as_written_plus_its_name_free_phrases(exported: Path) -> None:
    for model in sorted((ROOT / "interaction_models").glob("*.json")):
        source = json.loads(model.read_text(encoding="utf-8"))
        copied = json.loads((exported / "interactionModels" / "custom" / model.name).read_text())
        extra = copied["interactionModel"].pop("_nameFreeInteraction", None)
        assert copied == source, "the language model itself is exported unchanged"
        assert (extra is not None) == model.stem.startswith("en-"), model.name


@pytest.mark.parametrize("locale", LOCALES)
def test_the_store_text_comes_from_the_content_file(
    manifest: dict[str, Any], catalog: Catalog, locale: str
) -> None:
    listing = manifest["publishingInformation"]["locales"][locale]
    text = catalog.for_locale(locale).own["manifest"]
    assert text["locale"] == locale, "each market has store text of its own"
    for field in ("name", "summary", "description", "examplePhrases", "keywords"):
        assert listing[field] == text[field]
    if locale.startswith("en-"):
        assert listing["name"] == "Heart to Heart"
    assert resolver(locale).invocation == listing["name"].lower()
    countries = manifest["publishingInformation"]["distributionCountries"]
    assert countries == sorted(loc.split("-")[1] for loc in LOCALES)


def test_non_us_store_text_is_in_the_local_spelling(manifest: dict[str, Any]) -> None:
    listings = manifest["publishingInformation"]["locales"]
    assert "counseling" in listings["en-US"]["description"]
    for locale in ("en-GB", "en-CA", "en-AU", "en-IN"):
        assert "counselling" in listings[locale]["description"], locale
        assert "favourites" in listings[locale]["description"], locale


@pytest.mark.parametrize("locale", LOCALES)
def test_every_example_phrase_is_a_real_utterance_that_reaches_a_real_intent(
    manifest: dict[str, Any], locale: str
) -> None:
    phrases = manifest["publishingInformation"]["locales"][locale]["examplePhrases"]
    assert 1 <= len(phrases) <= 3
    nlu = resolver(locale)
    model = json.loads((ROOT / "interaction_models" / f"{locale}.json").read_text(encoding="utf-8"))
    reached = []
    for phrase in phrases:
        resolution = nlu.resolve(phrase)
        assert resolution.kind in ("launch", "intent"), phrase
        if resolution.kind == "intent":
            assert resolution.intent in REGISTRY.intent_flows and resolution.intent != FALLBACK
            assert all(v.value_id for v in resolution.slots.values()), phrase
        assert example_phrase_problem(model, phrase, launch_words(locale)) is None, phrase
        reached.append(resolution.intent or "launch")
    assert reached[0] == "launch", "the first example opens the skill"
    assert "TonightQuestionIntent" in reached


def test_the_manifest_subscribes_to_skill_disabled_at_the_skill_endpoint(
    manifest: dict[str, Any],
) -> None:
    events = manifest["events"]
    assert {"eventName": "SKILL_DISABLED"} in events["subscriptions"]
    assert events["endpoint"]["uri"] == manifest["apis"]["custom"]["endpoint"]["uri"]
    assert manifest["apis"]["custom"]["endpoint"]["uri"] == PLACEHOLDER_ENDPOINT


def test_the_manifest_asks_for_reminders_and_has_privacy_and_terms_placeholders(
    manifest: dict[str, Any],
) -> None:
    assert {"name": "alexa::alerts:reminders:skill:readwrite"} in manifest["permissions"]
    privacy = manifest["privacyAndCompliance"]
    urls = privacy["locales"]["en-US"]
    assert urls["privacyPolicyUrl"].startswith("https://")
    assert urls["termsOfUseUrl"].startswith("https://")
    assert privacy["usesPersonalInfo"] is True, "stored first names are personal information"
    assert privacy["allowsPurchases"] is False and privacy["containsAds"] is False


def test_the_endpoint_can_be_given_and_must_be_a_function_arn(tmp_path: Path) -> None:
    export_skill_package(tmp_path / "pkg", endpoint=ARN)
    manifest = json.loads((tmp_path / "pkg" / "skill.json").read_text())["manifest"]
    assert manifest["apis"]["custom"]["endpoint"]["uri"] == ARN
    assert manifest["events"]["endpoint"]["uri"] == ARN
    with pytest.raises(ExportError, match="ARN"):
        export_skill_package(tmp_path / "bad", endpoint="https://example.com/alexa")


def _checkout_with_phrase(tmp_path: Path, phrase: str) -> Path:
    root = tmp_path / "checkout"
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copytree(ROOT / "interaction_models", root / "interaction_models")
    path = root / "content" / "en-US" / "manifest.json"
    text = json.loads(path.read_text(encoding="utf-8"))
    text["examplePhrases"][-1] = phrase
    path.write_text(json.dumps(text), encoding="utf-8")
    return root


@pytest.mark.parametrize(
    "phrase",
    [
        "Alexa, ask heart to heart for a pony",
        "Alexa, ask heart to heart for tonights questions",  # the local NLU forgives this
        "Alexa, ask heart to heart for a question about the moon",  # unknown slot value
        "Alexa, ask love birds for tonight's question",
        "Alexa, tonight's question",
    ],
)
def test_the_export_refuses_an_example_phrase_that_is_not_a_sample(
    tmp_path: Path, phrase: str
) -> None:
    root = _checkout_with_phrase(tmp_path, phrase)
    with pytest.raises(ExportError, match=r"manifest\.json"):
        export_skill_package(tmp_path / "out", root=root)


def test_the_command_writes_the_package_and_ask_resources(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "skill-package"
    assert main(["export-skill-package", "--out", str(out), "--ask-resources"]) == 0
    printed = capsys.readouterr().out.split()
    assert str(out / "skill.json") in printed
    resources = json.loads((tmp_path / "ask-resources.json").read_text())
    source = resources["profiles"]["default"]["skillMetadata"]["src"]
    assert (tmp_path / source / "skill.json").is_file()
    config = resources["profiles"]["default"]["skillInfrastructure"]["userConfig"]
    assert (tmp_path / config["templatePath"]).is_file()
    assert str(tmp_path / "ask-resources.json") in printed
    # ask deploy fills in the endpoint: the package names none rather than a placeholder.
    manifest = json.loads((out / "skill.json").read_text())["manifest"]
    assert "endpoint" not in manifest["apis"]["custom"] and "events" not in manifest


def test_a_failed_export_says_why_and_exits_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["export-skill-package", "--out", str(tmp_path / "x"), "--endpoint", "nope"])
    assert code == 1
    assert "ARN" in capsys.readouterr().err
