"""`make skill-package` writes what `ask deploy` needs from a clean clone: the skill package
with its tasks, ask-resources.json for the ASK CLI v2, and a CloudFormation stack template that
keeps the cfn-deployer's contract (the ask-cli npm package ships no JSON schema for these
files, so their documented shape is checked here). Nothing reaches AWS or Amazon: the stack is
checked with cfn-lint and the SAM transform, offline, as tests/integration/test_deploy.py does
for lambda/template.yaml.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest

from skill.tools.deploy import ask_project
from skill.tools.deploy.skill_package import EVENT_SUBSCRIPTIONS
from tests.support.dialog import ROOT
from tests.support.dynalite import TEST_REGION

pytestmark = pytest.mark.integration

SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
#: What the cfn-deployer (ask-cli 2.30) passes to every stack it creates, and reads back.
DEPLOYER_PARAMETERS = ("SkillId", "LambdaRuntime", "LambdaHandler", "CodeBucket", "CodeKey")
#: Names it refuses in userConfig.cfn.parameters.
RESERVED = {*DEPLOYER_PARAMETERS, "CodeVersion", "SkillClientId", "SkillClientSecret"}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project folder as `make skill-package` leaves it (the package written into it)."""
    where = tmp_path_factory.mktemp("project")
    stamp = where / "installed"
    stamp.touch()  # the venv is there already: make needn't install anything
    made = subprocess.run(
        [
            "make",
            "-s",
            "skill-package",
            f"PACKAGE={where / 'skill-package'}",
            f"BIN={Path(sys.executable).parent}",
            f"STAMP={stamp}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    listed = made.stdout.split()
    for name in ("skill.json", "ask-resources.json", "skill-stack.json", "TonightsQuestion.1.json"):
        assert any(line.endswith(name) for line in listed), (name, listed)
    return where


@pytest.fixture(scope="module")
def resources(project: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((project / "ask-resources.json").read_text())
    return data


@pytest.fixture(scope="module")
def stack(project: Path, resources: dict[str, Any]) -> dict[str, Any]:
    config = resources["profiles"]["default"]["skillInfrastructure"]["userConfig"]
    data: dict[str, Any] = json.loads((project / config["templatePath"]).read_text())
    return data


def test_ask_resources_has_the_documented_shape(project: Path, resources: dict[str, Any]) -> None:
    assert resources["askcliResourcesVersion"] == "2020-03-31"
    assert list(resources["profiles"]) == ["default"]
    profile = resources["profiles"]["default"]
    assert set(profile) == {"skillMetadata", "code", "skillInfrastructure"}
    package = project / profile["skillMetadata"]["src"]
    assert (package / "skill.json").is_file()
    assert sorted(p.name for p in (package / "interactionModels" / "custom").iterdir()) == sorted(
        p.name for p in (ROOT / "interaction_models").glob("*.json")
    )
    # The code source is relative to the project root, which in use is the repository's.
    code = ROOT / profile["code"]["default"]["src"]
    assert (code / "lambda_function.py").is_file()
    infra = profile["skillInfrastructure"]
    assert infra["type"] == "@ask-cli/cfn-deployer"
    config = infra["userConfig"]
    assert config["runtime"] == "python3.12"
    module, function = config["handler"].split(".")
    assert f"def {function}(" in (code / f"{module}.py").read_text(encoding="utf-8")
    assert config["awsRegion"] == "us-east-1"
    assert "CAPABILITY_AUTO_EXPAND" in config["cfn"]["capabilities"], "the SAM transform needs it"
    assert not RESERVED & set(config["cfn"].get("parameters", {}))
    # The deployer writes the events endpoint and subscriptions into skill.json from here.
    assert config["skillEvents"]["subscriptions"] == list(EVENT_SUBSCRIPTIONS)


def test_the_package_leaves_the_endpoint_to_ask_deploy(
    project: Path, resources: dict[str, Any]
) -> None:
    package = project / resources["profiles"]["default"]["skillMetadata"]["src"]
    manifest = json.loads((package / "skill.json").read_text())["manifest"]
    assert "endpoint" not in manifest["apis"]["custom"]
    assert "events" not in manifest
    assert manifest["apis"]["custom"]["tasks"], "and lists the tasks"


def test_the_stack_takes_exactly_what_the_deployer_passes(stack: dict[str, Any]) -> None:
    parameters = stack["Parameters"]
    for name in (*DEPLOYER_PARAMETERS, "CodeVersion"):
        assert name in parameters, name
    # The deployer passes nothing else: every other parameter needs a default.
    others = set(parameters) - {*DEPLOYER_PARAMETERS, "CodeVersion"}
    assert all("Default" in parameters[name] for name in others), others
    assert "KeySalt" not in parameters, "no secret travels through ask-resources.json"
    assert stack["Outputs"]["SkillEndpoint"]["Value"] == {"Fn::GetAtt": ["SkillFunction", "Arn"]}


def test_cfn_lint_finds_nothing_in_the_stack(project: Path, resources: dict[str, Any]) -> None:
    from cfnlint.api import lint_file

    config = resources["profiles"]["default"]["skillInfrastructure"]["userConfig"]
    assert [f"{m.rule.id} {m.message}" for m in lint_file(project / config["templatePath"])] == []


def _transform(template: dict[str, Any]) -> dict[str, Any]:
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    def no_managed_policies() -> dict[str, str]:
        return {}

    translator = Translator(
        None, Parser(), boto_session=boto3.session.Session(region_name=TEST_REGION)
    )
    values = {"SkillId": SKILL_ID, "CodeBucket": "b", "CodeKey": "endpoint/build.zip"}
    transformed: dict[str, Any] = translator.translate(
        template,
        parameter_values={**values, "CodeVersion": "v1"},
        get_managed_policy_map=no_managed_policies,
    )
    found: dict[str, Any] = transformed["Resources"]
    return found


def test_the_stack_is_the_sam_template_with_the_deployers_code_and_a_kept_salt(
    stack: dict[str, Any],
) -> None:
    deployed = _transform(stack)
    sam = ask_project.load_sam_template(ROOT)
    sam["Resources"]["SkillFunction"]["Properties"]["CodeUri"] = "s3://artifacts/lambda.zip"
    original = _transform(sam)
    function = deployed["SkillFunction"]["Properties"]
    assert function["Code"] == {
        "S3Bucket": {"Ref": "CodeBucket"},
        "S3Key": {"Ref": "CodeKey"},
        "S3ObjectVersion": {"Ref": "CodeVersion"},
    }
    assert function["Runtime"] == {"Ref": "LambdaRuntime"}
    assert stack["Parameters"]["LambdaRuntime"]["Default"] == "python3.12"
    salt = function["Environment"]["Variables"]["HEART_KEY_SALT"]
    assert salt == {"Fn::Sub": "{{resolve:secretsmanager:${KeySaltSecret}:SecretString}}"}
    secret = deployed["KeySaltSecret"]
    assert secret["Type"] == "AWS::SecretsManager::Secret"
    assert secret["DeletionPolicy"] == "Retain" and secret["UpdateReplacePolicy"] == "Retain"
    assert secret["Properties"]["GenerateSecretString"]["PasswordLength"] >= 32
    # Everything else is lambda/template.yaml's: arm64, memory, timeout, table, least privilege.
    for key in ("Architectures", "MemorySize", "Timeout"):
        assert function[key] == original["SkillFunction"]["Properties"][key]
    for name in ("Households", "SkillFunctionRole", "SkillFunctionLogs"):
        assert deployed[name] == original[name], name
    permission = deployed["SkillFunctionAlexaSkillTriggerPermission"]["Properties"]
    assert permission["EventSourceToken"] == {"Ref": "SkillId"}


def test_the_build_hook_hands_ask_deploy_the_zip_make_builds(tmp_path: Path) -> None:
    """hooks/build.sh, as the ASK CLI's custom build flow runs it (`build.sh <zip> <debug>`),
    with a stand-in for `make` that writes the zip where `make lambda-zip` does."""
    hook = ROOT / ask_project.BUILD_HOOK
    assert hook.stat().st_mode & stat.S_IXUSR, "the ASK CLI runs it directly"
    project = tmp_path / "project"
    (project / "hooks").mkdir(parents=True)
    (project / "hooks" / "build.sh").write_bytes(hook.read_bytes())
    (project / "hooks" / "build.sh").chmod(0o755)
    tools = tmp_path / "bin"
    tools.mkdir()
    fake_make = tools / "make"
    fake_make.write_text(
        "#!/usr/bin/env bash\n"
        'echo "$@" > "$CALLS"\n'
        '[ "$1" = -C ] && [ "$3" = lambda-zip ] || exit 3\n'
        'mkdir -p "$2/build" && printf zip-made-by-make > "$2/build/lambda.zip"\n',
        encoding="utf-8",
    )
    fake_make.chmod(0o755)
    out = tmp_path / "ask" / "build.zip"
    out.parent.mkdir()
    calls = tmp_path / "calls"
    ran = subprocess.run(
        [str(project / "hooks" / "build.sh"), str(out), "false"],
        cwd=tmp_path,
        env={**os.environ, "PATH": f"{tools}:{os.environ['PATH']}", "CALLS": str(calls)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert calls.read_text().split() == ["-C", str(project), "lambda-zip"]
    assert out.read_bytes() == b"zip-made-by-make"


def test_gitignore_keeps_generated_deploy_files_out() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    for generated in ("/skill-package/", "/ask-resources.json", "/infrastructure/", "/.ask/"):
        assert generated in ignored
