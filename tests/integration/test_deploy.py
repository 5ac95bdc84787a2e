"""The deployment template: valid for cfn-lint and for the SAM transform (run offline), and
saying exactly what the skill needs: python3.12 on arm64, 512 MB, 7 s, the Alexa trigger bound
to the skill id, an on-demand table with TTL and point-in-time recovery, and least privilege.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from skill.runtime.store import open_store
from skill.runtime.store.dynamodb import BILLING_MODE, DEFAULT_TABLE_NAME, PK_ATTR, TTL_ATTR
from tests.support.dialog import ROOT
from tests.support.dynalite import TEST_REGION

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

pytestmark = pytest.mark.integration

TEMPLATE = ROOT / "lambda" / "template.yaml"
SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
FUNCTION = "SkillFunction"
TABLE = "Households"
BASIC_EXECUTION_ROLE = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


def _yaml(text: str) -> dict[str, Any]:
    from samtranslator.yaml_helper import yaml_parse

    parsed: dict[str, Any] = yaml_parse(text)
    return parsed


@pytest.fixture(scope="module")
def sam_template() -> dict[str, Any]:
    return _yaml(TEMPLATE.read_text(encoding="utf-8"))


def transform(template: dict[str, Any]) -> dict[str, Any]:
    """The SAM transform as CloudFormation would run it, offline.

    ``sam deploy`` first uploads the local ``CodeUri`` and rewrites it to an S3 URI; the
    transform accepts only that, so it is replaced here. The managed-policy loader is a stub:
    the template names no managed policy, and nothing may reach IAM.
    """
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    template = copy.deepcopy(template)
    template["Resources"][FUNCTION]["Properties"]["CodeUri"] = "s3://artifacts/lambda.zip"

    def no_managed_policies() -> dict[str, str]:
        return {}

    translator = Translator(
        None, Parser(), boto_session=boto3.session.Session(region_name=TEST_REGION)
    )
    transformed: dict[str, Any] = translator.translate(
        template,
        parameter_values={"SkillId": SKILL_ID},
        get_managed_policy_map=no_managed_policies,
    )
    return transformed


@pytest.fixture(scope="module")
def resources(sam_template: dict[str, Any]) -> dict[str, Any]:
    transformed = transform(sam_template)
    assert "Transform" not in transformed
    found: dict[str, Any] = transformed["Resources"]
    return found


def _of_type(resources: dict[str, Any], kind: str) -> dict[str, Any]:
    return {name: r for name, r in resources.items() if r["Type"] == kind}


def _lint(path: Path) -> list[str]:
    from cfnlint.api import lint_file

    return [f"{m.rule.id} {m.message}" for m in lint_file(path)]


def test_cfn_lint_finds_nothing_in_the_template() -> None:
    assert _lint(TEMPLATE) == []


def test_cfn_lint_command_passes_the_template_and_fails_a_broken_one(tmp_path: Path) -> None:
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    assert cfn_lint.exists(), "cfn-lint is a dev dependency"
    passed = subprocess.run([str(cfn_lint), str(TEMPLATE)], capture_output=True, text=True)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    broken = tmp_path / "template.yaml"
    broken.write_text(
        TEMPLATE.read_text(encoding="utf-8").replace(
            "BillingMode: PAY_PER_REQUEST", "BillingMode: FREE"
        ),
        encoding="utf-8",
    )
    failed = subprocess.run([str(cfn_lint), str(broken)], capture_output=True, text=True)
    assert failed.returncode != 0 and "FREE" in failed.stdout


def test_the_function_is_python312_on_arm64_with_512_mb_and_7_seconds(
    resources: dict[str, Any],
) -> None:
    functions = _of_type(resources, "AWS::Lambda::Function")
    assert list(functions) == [FUNCTION]
    props = functions[FUNCTION]["Properties"]
    assert props["Runtime"] == "python3.12"
    assert props["Architectures"] == ["arm64"]
    assert props["MemorySize"] == 512
    assert props["Timeout"] == 7
    assert props["Handler"] == "lambda_function.handler"
    assert props["Code"] == {"S3Bucket": "artifacts", "S3Key": "lambda.zip"}


def test_the_function_finds_its_table_and_skill_id_in_its_environment(
    resources: dict[str, Any],
) -> None:
    variables = resources[FUNCTION]["Properties"]["Environment"]["Variables"]
    assert variables["HEART_STORE"] == {
        "Fn::Sub": f"dynamodb://${{{TABLE}}}?region=${{AWS::Region}}"
    }
    assert variables["HEART_SKILL_ID"] == {"Ref": "SkillId"}
    # Lambda refuses to start without a salt, so the template asks for one and hides it.
    assert variables["HEART_KEY_SALT"] == {"Ref": "KeySalt"}
    # The URL the template builds is one the store factory accepts.
    store = open_store(f"dynamodb://{DEFAULT_TABLE_NAME}?region={TEST_REGION}")
    assert store.table == DEFAULT_TABLE_NAME  # type: ignore[attr-defined]
    store.close()


def test_only_alexa_with_this_skill_id_may_invoke_the_function(
    resources: dict[str, Any],
) -> None:
    permissions = _of_type(resources, "AWS::Lambda::Permission")
    assert len(permissions) == 1
    (permission,) = permissions.values()
    props = permission["Properties"]
    assert props["Principal"] == "alexa-appkit.amazon.com"
    assert props["Action"] == "lambda:InvokeFunction"
    assert props["FunctionName"] == {"Ref": FUNCTION}
    assert props["EventSourceToken"] == {"Ref": "SkillId"}


def test_the_table_is_on_demand_keyed_by_pk_with_ttl_and_point_in_time_recovery(
    resources: dict[str, Any], sam_template: dict[str, Any]
) -> None:
    tables = _of_type(resources, "AWS::DynamoDB::Table")
    assert list(tables) == [TABLE]
    table = tables[TABLE]
    props = table["Properties"]
    assert props["BillingMode"] == BILLING_MODE == "PAY_PER_REQUEST"
    assert props["KeySchema"] == [{"AttributeName": PK_ATTR, "KeyType": "HASH"}]
    assert props["AttributeDefinitions"] == [{"AttributeName": PK_ATTR, "AttributeType": "S"}]
    assert props["TimeToLiveSpecification"] == {"AttributeName": TTL_ATTR, "Enabled": True}
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["DeletionPolicy"] == "Retain" and table["UpdateReplacePolicy"] == "Retain"
    assert props["TableName"] == {"Ref": "TableName"}
    assert sam_template["Parameters"]["TableName"]["Default"] == DEFAULT_TABLE_NAME


def test_the_role_may_only_get_put_and_delete_items_of_that_table(
    resources: dict[str, Any],
) -> None:
    roles = _of_type(resources, "AWS::IAM::Role")
    assert len(roles) == 1
    (role,) = roles.values()
    assert resources[FUNCTION]["Properties"]["Role"] == {"Fn::GetAtt": [next(iter(roles)), "Arn"]}
    # Logging is the only managed policy: nothing broad such as AmazonDynamoDBFullAccess.
    assert role["Properties"]["ManagedPolicyArns"] == [BASIC_EXECUTION_ROLE]
    statements = [
        statement
        for policy in role["Properties"]["Policies"]
        for statement in policy["PolicyDocument"]["Statement"]
    ]
    assert len(statements) == 1
    (statement,) = statements
    assert statement["Effect"] == "Allow"
    assert sorted(statement["Action"]) == [
        "dynamodb:DeleteItem",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
    ]
    assert statement["Resource"] == {"Fn::GetAtt": [TABLE, "Arn"]}
    assert "NotAction" not in statement and "NotResource" not in statement


def test_the_skill_id_parameter_refuses_anything_but_a_skill_id(
    sam_template: dict[str, Any],
) -> None:
    pattern = re.compile(sam_template["Parameters"]["SkillId"]["AllowedPattern"])
    assert pattern.fullmatch(SKILL_ID)
    for wrong in ("", "*", "amzn1.ask.account.X", "arn:aws:lambda:us-east-1:1:function:f"):
        assert not pattern.fullmatch(wrong)


def test_the_transform_fails_for_a_template_without_the_skill_id(
    sam_template: dict[str, Any],
) -> None:
    """The check above can fail: a trigger with no skill id would let any skill invoke."""
    broken = copy.deepcopy(sam_template)
    del broken["Resources"][FUNCTION]["Properties"]["Events"]["AlexaSkillTrigger"]["Properties"]
    permission = next(
        iter(_of_type(transform(broken)["Resources"], "AWS::Lambda::Permission").values())
    )
    assert "EventSourceToken" not in permission["Properties"]


def test_the_code_uri_is_the_zip_the_build_command_writes(sam_template: dict[str, Any]) -> None:
    from skill.tools.deploy.lambda_zip import DEFAULT_OUT

    code_uri = sam_template["Resources"][FUNCTION]["Properties"]["CodeUri"]
    assert (TEMPLATE.parent / code_uri).resolve() == (ROOT / DEFAULT_OUT).resolve()


@pytest.fixture
def table_from_template(
    sam_template: dict[str, Any], dynamodb_client: DynamoDBClient
) -> Iterator[str]:
    """A table created in dynalite from the template's own properties (dynalite has no TTL or
    point-in-time recovery API, so those two are left out)."""
    props = sam_template["Resources"][TABLE]["Properties"]
    name = f"template-{uuid.uuid4().hex[:10]}"
    dynamodb_client.create_table(
        TableName=name,
        BillingMode=props["BillingMode"],
        KeySchema=props["KeySchema"],
        AttributeDefinitions=props["AttributeDefinitions"],
    )
    deadline = time.monotonic() + 10
    while dynamodb_client.describe_table(TableName=name)["Table"].get("TableStatus") != "ACTIVE":
        assert time.monotonic() < deadline, "the table did not become ACTIVE"
        time.sleep(0.01)
    yield name
    dynamodb_client.delete_table(TableName=name)


def test_the_store_works_on_a_table_made_exactly_as_the_template_says(
    table_from_template: str, dynalite_endpoint: str
) -> None:
    url = f"dynamodb://{table_from_template}?region={TEST_REGION}&endpoint={dynalite_endpoint}"
    store = open_store(url)
    try:
        version = store.save("household", {"visits": 1}, 0, ttl=2_000_000_000)
        loaded = store.load("household")
        assert (loaded.data, loaded.version) == ({"visits": 1}, version)
        store.delete("household")
        assert store.load("household").data is None
    finally:
        store.close()
