"""The Lambda zip: built by the real command, holding only what the runtime needs, and
answering Alexa from a clean Python 3.12 environment (stdlib + boto3, as on Lambda) with its
state in dynalite.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pytest

from skill.runtime import catalog_snapshot
from skill.runtime.catalog import Catalog, LocaleContent
from skill.runtime.records import read_household
from skill.runtime.speech import ssml_to_text
from skill.runtime.state import to_dict
from skill.runtime.store.dynamodb import DATA_ATTR, PK_ATTR
from skill.runtime.turn import household_key
from skill.tools.deploy.lambda_zip import (
    REPO_ROOT,
    SIZE_BUDGET_BYTES,
    UNUSED_FILES,
    UNUSED_ON_LAMBDA,
    UNUSED_SUFFIXES,
    BuildError,
    canonical_name,
    write_snapshot,
)
from skill.tools.envelopes import LOCAL_SKILL_ID, Conversation
from tests.support.content import default_content
from tests.support.dialog import ROOT, TEST_KEY_SALT
from tests.support.dynalite import AWS_TEST_ENV, TEST_REGION
from tests.support.lambda_runtime import find_python312, lambda_like_venv

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
#: What the web service and speech synthesis need, and what the Lambda runtime provides.
NEVER_IN_ZIP = {"flask", "werkzeug", "gtts", "cryptography", "boto3", "botocore", "s3transfer"}

#: Runs inside the clean environment as a warm Lambda container: import once, then answer one
#: request envelope per stdin line with one response per stdout line.
DRIVER = r"""
import importlib.util, json, sys
report = {
    "python": list(sys.version_info[:2]),
    "absent": {n: importlib.util.find_spec(n) is None for n in ("flask", "gtts", "cryptography")},
}
import lambda_function
report["module"] = lambda_function.__file__
report["boto3"] = importlib.util.find_spec("boto3").origin
print(json.dumps(report), flush=True)
for line in sys.stdin:
    print(json.dumps(lambda_function.handler(json.loads(line), None)), flush=True)
heavy = {"flask", "gtts", "cryptography", "werkzeug"} & {m.split(".")[0] for m in sys.modules}
print(json.dumps({
    "loaded": sorted(heavy),
    # Compiled only when the catalog is validated: absent when the zip's snapshot was used.
    "schemas_compiled": "fastjsonschema" in sys.modules,
}), flush=True)
"""


def _python312() -> Path:
    python = find_python312()
    if python is None:
        reason = "no python3.12 on PATH or in ~/.pyenv/versions: the Lambda runtime's Python"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return python


@pytest.fixture(scope="module")
def built_zip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The zip built by the real command for this machine's architecture, and its output."""
    out = tmp_path_factory.mktemp("lambda") / "lambda.zip"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "skill.hosts.cli",
            "build-lambda",
            "--arch",
            "host",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert completed.returncode == 0, completed.stderr
    return out, completed.stdout


@pytest.fixture(scope="module")
def task_root(built_zip: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zip unpacked, as Lambda unpacks it into /var/task."""
    root = tmp_path_factory.mktemp("task")
    with zipfile.ZipFile(built_zip[0]) as archive:
        archive.extractall(root)
    return root


def test_the_command_prints_the_zip_size(built_zip: tuple[Path, str]) -> None:
    path, output = built_zip
    size_mb = f"{path.stat().st_size / (1024 * 1024):.2f} MB"
    assert str(path) in output and size_mb in output


def test_the_zip_holds_the_handler_skill_content_and_runtime_dependencies_only(
    built_zip: tuple[Path, str],
) -> None:
    with zipfile.ZipFile(built_zip[0]) as archive:
        names = set(archive.namelist())
    top = {name.split("/")[0] for name in names}
    top_packages = {t.split("-")[0].removesuffix(".py").lower() for t in top}
    assert "lambda_function.py" in names
    assert {
        "skill/runtime/app.pyc",
        "skill/runtime/store/dynamodb.pyc",
        f"content/{catalog_snapshot.SNAPSHOT_NAME}",
    } <= names
    assert {"ask_sdk_core", "ask_sdk_model", "fastjsonschema", "tzdata"} <= top
    assert not top_packages & NEVER_IN_ZIP
    assert not {canonical_name(t) for t in top_packages} & UNUSED_ON_LAMBDA
    skill_files = {n for n in names if n.startswith("skill/")}
    assert all(n.startswith("skill/runtime/") or n.startswith("skill/__") for n in skill_files)
    # Sourceless bytecode: every module once, as its .pyc; only the handler keeps its source
    # (with its cached bytecode, for this Python).
    sources = {n for n in names if n.endswith(".py")}
    assert sources == {"lambda_function.py"}, sorted(sources)[:10]
    cached = {n for n in names if "__pycache__/" in n}
    assert cached == {"__pycache__/lambda_function.cpython-312.pyc"}
    assert not any(n.endswith(UNUSED_SUFFIXES) for n in names)
    assert not any(n in names or n.replace(".py", ".pyc") in names for n in UNUSED_FILES)
    assert not any(n.startswith(("tests/", "interaction_models/")) for n in names)
    # The content ships once, sealed in the snapshot (test below), not beside it as JSON.
    assert [n for n in names if n.startswith("content/")] == [
        f"content/{catalog_snapshot.SNAPSHOT_NAME}"
    ]


def test_the_sealed_snapshot_is_every_locale_of_the_repos_content(
    built_zip: tuple[Path, str], tmp_path: Path
) -> None:
    with zipfile.ZipFile(built_zip[0]) as archive:
        archive.extract(f"content/{catalog_snapshot.SNAPSHOT_NAME}", tmp_path)
    shipped = Catalog.load(tmp_path / "content")
    source = Catalog.load_validated(ROOT / "content")
    assert shipped.locales == source.locales
    assert {"de-DE", "es-ES", "en-GB"} <= set(shipped.locales)
    for locale in source.locales:
        assert shipped.for_locale(locale).sections == source.for_locale(locale).sections


def test_the_zip_is_at_most_3_mb(built_zip: tuple[Path, str]) -> None:
    size = built_zip[0].stat().st_size
    assert size <= SIZE_BUDGET_BYTES, f"{size} bytes, over the {SIZE_BUDGET_BYTES}-byte budget"


class Container:
    """One warm Lambda container: the zip's handler in the clean Python 3.12 environment."""

    def __init__(self, python: Path, task_root: Path, env: dict[str, str], cwd: Path) -> None:
        self.process = subprocess.Popen(
            [str(python), "-c", DRIVER],
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.report = self._read()

    def _read(self) -> dict[str, Any]:
        stdout: IO[str] | None = self.process.stdout
        assert stdout is not None
        line = stdout.readline()
        if not line:
            _, errors = self.process.communicate(timeout=30)
            raise AssertionError(f"the handler process died:\n{errors}")
        result: dict[str, Any] = json.loads(line)
        return result

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write(json.dumps(event) + "\n")
        stdin.flush()
        return self._read()

    def close(self) -> dict[str, Any]:
        stdin = self.process.stdin
        assert stdin is not None
        stdin.close()
        final = self._read()
        self.process.wait(timeout=30)
        return final

    def errors(self) -> str:
        """What the container wrote to stderr (its warnings and errors), once closed."""
        stderr = self.process.stderr
        assert stderr is not None
        return stderr.read()


@pytest.fixture
def container_env(
    task_root: Path, dynalite_endpoint: str, dynamodb_table: str
) -> Iterator[dict[str, str]]:
    """The function's environment: the template's variables, pointed at dynalite."""
    yield {
        "PATH": "/usr/bin:/bin",
        "HOME": str(task_root.parent),
        "PYTHONPATH": str(task_root),
        "PYTHONDONTWRITEBYTECODE": "1",
        "HEART_STORE": (
            f"dynamodb://{dynamodb_table}?region={TEST_REGION}&endpoint={dynalite_endpoint}"
        ),
        "HEART_SKILL_ID": LOCAL_SKILL_ID,
        "HEART_KEY_SALT": TEST_KEY_SALT,
        **AWS_TEST_ENV,
    }


def _speech(response: dict[str, Any]) -> str:
    ssml = response["response"]["outputSpeech"]["ssml"]
    assert ssml.startswith("<speak>") and ssml.endswith("</speak>")
    return ssml_to_text(ssml)


def _stored(client: DynamoDBClient, table: str, user: str) -> dict[str, Any]:
    key = household_key(user, TEST_KEY_SALT)
    item = client.get_item(TableName=table, Key={PK_ATTR: {"S": key}}, ConsistentRead=True)
    assert "Item" in item, "nothing was stored for the household"
    # The record is compact; read it as the skill does, in the household's full shape.
    record = json.loads(item["Item"][DATA_ATTR]["S"])
    return to_dict(read_household(record, default_content(), key))


def test_the_zip_answers_alexa_in_a_clean_python312_with_state_in_dynalite(
    task_root: Path,
    container_env: dict[str, str],
    dynamodb_client: DynamoDBClient,
    dynamodb_table: str,
    content: LocaleContent,
    tmp_path: Path,
) -> None:
    python = lambda_like_venv(_python312())
    user = "amzn1.ask.account.ZIPTEST"
    conversation = Conversation(user_id=user)

    first = Container(python, task_root, container_env, cwd=tmp_path)
    try:
        report = first.report
        assert report["python"] == [3, 12]
        assert all(report["absent"].values()), report["absent"]
        assert Path(report["module"]).resolve() == (task_root / "lambda_function.py").resolve()
        assert not str(Path(report["boto3"]).resolve()).startswith(str(task_root.resolve()))

        launch = first.invoke(conversation.launch(NOW))
        greeting = _speech(launch)
        assert any(v in greeting for v in content.variants("launch.first")), greeting
        assert conversation.absorb(launch), "the launch must keep the session open"

        asked = first.invoke(
            conversation.intent("TonightQuestionIntent", NOW + timedelta(seconds=9))
        )
        spoken = _speech(asked)
        asked_ids = [q.id for q in content.questions if q.text in spoken]
        assert len(asked_ids) == 1, spoken
    finally:
        final = first.close()
    assert final["loaded"] == []

    stored = _stored(dynamodb_client, dynamodb_table, user)
    assert stored["visits"] == 1
    assert stored["tonight"]["question_id"] == asked_ids[0]

    # A second container (a cold start elsewhere) reads what the first one saved.
    second = Container(python, task_root, container_env, cwd=tmp_path)
    try:
        again = second.invoke(Conversation(user_id=user).launch(NOW + timedelta(minutes=5)))
        assert any(v in _speech(again) for v in content.variants("launch.returning"))
    finally:
        second.close()
    assert _stored(dynamodb_client, dynamodb_table, user)["visits"] == 2


def test_a_second_build_of_the_same_commit_gives_identical_bytes(
    built_zip: tuple[Path, str], tmp_path: Path
) -> None:
    again = tmp_path / "again.zip"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "skill.hosts.cli",
            "build-lambda",
            "--arch",
            "host",
            "--out",
            str(again),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert completed.returncode == 0, completed.stderr
    assert again.read_bytes() == built_zip[0].read_bytes()


def test_the_zip_installs_exactly_the_lambda_lock(built_zip: tuple[Path, str]) -> None:
    with zipfile.ZipFile(built_zip[0]) as archive:
        installed = {
            tuple(name.split("/")[0].removesuffix(".dist-info").rsplit("-", 1))
            for name in archive.namelist()
            if name.split("/")[0].endswith(".dist-info")
        }
    pinned = {
        tuple(line.split(";")[0].strip().split("=="))
        for line in (ROOT / "requirements" / "lambda.lock").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    }

    def canonical(pair: list[str] | tuple[str, ...]) -> tuple[str, str]:
        return (pair[0].lower().replace("_", "-"), pair[1])

    # Every pin, less what the Lambda path never imports (left out, metadata and all).
    expected = {canonical(p) for p in pinned if canonical(p)[0] not in UNUSED_ON_LAMBDA}
    assert {canonical(p) for p in installed} == expected
    assert {canonical(p)[0] for p in pinned} >= UNUSED_ON_LAMBDA, "a stale name in the list"


def _fixture_envelopes() -> list[tuple[str, dict[str, Any]]]:
    """Every captured request kind in tests/fixtures (launch, intents, session ends, APL user
    events, Connections.Response, CanFulfill, skill events, AudioPlayer, exceptions)."""
    envelopes = []
    for path in sorted((ROOT / "tests" / "fixtures").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "request" in data:
            envelopes.append((path.stem, data))
    return envelopes


def _intent_names() -> list[str]:
    model = json.loads((ROOT / "interaction_models" / "en-US.json").read_text(encoding="utf-8"))
    return [i["name"] for i in model["interactionModel"]["languageModel"]["intents"]]


def test_the_zip_answers_every_request_kind_and_every_intent_from_its_snapshot(
    task_root: Path,
    container_env: dict[str, str],
    content: LocaleContent,
    tmp_path: Path,
) -> None:
    """What was left out of the zip (unused packages, unreachable ask-sdk-model modules,
    sources) is proved unused here: every request kind and every intent of the interaction
    model, on a device with a screen, answered by the zip in a clean Python 3.12."""
    python = lambda_like_venv(_python312())
    container = Container(python, task_root, container_env, cwd=tmp_path)
    apology = set(content.variants("error.general"))
    answered: dict[str, dict[str, Any]] = {}
    try:
        for name, envelope in _fixture_envelopes():
            answered[name] = container.invoke(envelope)
        conversation = Conversation(user_id="amzn1.ask.account.EVERYKIND", screen="landscape")
        now = NOW
        answered["launch"] = container.invoke(conversation.launch(now))
        conversation.absorb(answered["launch"])
        for intent in _intent_names():
            now += timedelta(seconds=20)
            response = container.invoke(conversation.intent(intent, now))
            answered[intent] = response
            if not conversation.absorb(response):
                conversation.absorb(container.invoke(conversation.launch(now)))
    finally:
        final = container.close()
    errors = container.errors()
    assert "Traceback" not in errors and "turn_failed" not in errors, errors[-3000:]
    assert final["schemas_compiled"] is False, "the zip's catalog snapshot was not used"
    assert len(answered) > 50
    for name, response in answered.items():
        assert response.get("version") == "1.0", name
        speech = response.get("response", {}).get("outputSpeech")
        if name.startswith(("launch", "intent_")) or name in _intent_names():
            assert speech, f"{name}: no speech"
            assert _speech(response) not in apology, f"{name}: answered with the apology"


def test_broken_content_fails_the_build_with_the_catalogs_precise_error(tmp_path: Path) -> None:
    """The builder validates the content before snapshotting it: a broken file stops the zip,
    naming the file and the item, rather than shipping a snapshot of something else."""
    content = tmp_path / "content"
    shutil.copytree(REPO_ROOT / "content", content)
    (content / "catalog.snapshot").unlink(missing_ok=True)
    path = content / "en-US" / "questions.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["questions"][0]["depth"] = 9
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        write_snapshot(content)
    assert str(path) in str(caught.value)
    assert repr(data["questions"][0]["id"]) in str(caught.value)
    assert not (content / "catalog.snapshot").exists()
