"""The ASK CLI v2 project: ``ask-resources.json`` and the stack ``ask deploy`` creates.

``ask deploy``, run at the repository root, reads ``ask-resources.json`` (profile ``default``):

* ``skillMetadata.src``: the exported ``skill-package/``;
* ``code.default.src``: ``lambda/``. The ASK CLI builds it with its "custom" build flow, which
  runs ``hooks/build.sh <zip>`` when that file exists; ours makes ``build/lambda.zip`` with
  ``make lambda-zip`` (python3.12, arm64, the locked dependencies) and hands it over;
* ``skillInfrastructure``: ``@ask-cli/cfn-deployer``, which uploads the zip to an S3 bucket of
  its own, creates or updates a CloudFormation stack from ``userConfig.templatePath``, and
  writes the stack's ``SkillEndpoint`` output into skill.json (the custom endpoint, and with
  ``userConfig.skillEvents`` the events endpoint and subscriptions too).

The stack template is ``lambda/template.yaml`` (the SAM template ``sam deploy`` uses), adapted
to the deployer's contract, which its source in the ``ask-cli`` npm package (2.30) shows: it
always passes ``SkillId``, ``LambdaRuntime``, ``LambdaHandler``, ``CodeBucket``, ``CodeKey``
and ``CodeVersion`` (CloudFormation refuses a parameter the template doesn't declare), and reads
the ARN from the output ``SkillEndpoint``. It passes no other parameter unless
``userConfig.cfn.parameters`` names it, and that file is no place for a secret, so the
household-key salt is generated in the stack instead: a Secrets Manager secret, kept if the
stack is deleted, that CloudFormation resolves into the function's environment at deploy time.
The SAM transform needs ``CAPABILITY_AUTO_EXPAND``; the deployer adds ``CAPABILITY_IAM`` itself.

The ``ask-cli`` package ships no JSON schema for either file (its resources-config model reads
the fields by path); tests check the documented shape instead.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

ASK_RESOURCES_VERSION = "2020-03-31"
PROFILE = "default"
DEPLOYER = "@ask-cli/cfn-deployer"
#: The Alexa region ``default`` deploys to this AWS region (North America's skills: us-east-1).
AWS_REGION = "us-east-1"
RUNTIME = "python3.12"
HANDLER = "lambda_function.handler"
#: Where the stack template goes, under the project root (the ASK CLI's own layout).
STACK_TEMPLATE = Path("infrastructure") / "cfn-deployer" / "skill-stack.json"
SAM_TEMPLATE = Path("lambda") / "template.yaml"
CODE_SRC = "./lambda"
BUILD_HOOK = Path("hooks") / "build.sh"
FUNCTION = "SkillFunction"
SALT_SECRET = "KeySaltSecret"
CODE_VERSION = "CodeVersion"
#: The output the deployer reads the endpoint from.
ENDPOINT_OUTPUT = "SkillEndpoint"
CAPABILITIES = ("CAPABILITY_AUTO_EXPAND",)


class ProjectError(Exception):
    """The ASK CLI project can't be written; the message says why."""


def load_sam_template(root: Path) -> dict[str, Any]:
    """``lambda/template.yaml`` with its short-form tags (``!Ref``) read as intrinsics."""
    path = root / SAM_TEMPLATE
    try:
        from samtranslator.yaml_helper import yaml_parse
    except ImportError:  # pragma: no cover - aws-sam-translator is a dev dependency
        raise ProjectError(
            "reading the SAM template needs aws-sam-translator (pip install -e .[dev])"
        ) from None
    try:
        parsed: dict[str, Any] = yaml_parse(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ProjectError(f"{path}: {error}") from None
    return parsed


def stack_template(sam: dict[str, Any]) -> dict[str, Any]:
    """The SAM template adapted to the cfn-deployer (see the module docstring)."""
    stack = copy.deepcopy(sam)
    try:
        parameters = stack["Parameters"]
        function = stack["Resources"][FUNCTION]["Properties"]
        variables = function["Environment"]["Variables"]
    except (KeyError, TypeError) as error:
        raise ProjectError(f"{SAM_TEMPLATE}: no {FUNCTION} with an environment ({error})") from None
    parameters.pop("KeySalt", None)
    parameters["LambdaRuntime"] = {
        "Type": "String",
        "Default": RUNTIME,
        "Description": "the function's runtime (ask-resources.json userConfig.runtime)",
    }
    parameters["LambdaHandler"] = {
        "Type": "String",
        "Default": HANDLER,
        "Description": "the function's handler (ask-resources.json userConfig.handler)",
    }
    for name, what in (
        ("CodeBucket", "bucket"),
        ("CodeKey", "key"),
        (CODE_VERSION, "object version"),
    ):
        parameters[name] = {
            "Type": "String",
            "Description": f"the S3 {what} of the code zip ask deploy uploaded",
        }
    function["CodeUri"] = {
        "Bucket": {"Ref": "CodeBucket"},
        "Key": {"Ref": "CodeKey"},
        "Version": {"Ref": CODE_VERSION},
    }
    function["Runtime"] = {"Ref": "LambdaRuntime"}
    function["Handler"] = {"Ref": "LambdaHandler"}
    variables["HEART_KEY_SALT"] = {
        "Fn::Sub": f"{{{{resolve:secretsmanager:${{{SALT_SECRET}}}:SecretString}}}}"
    }
    stack["Resources"][SALT_SECRET] = {
        "Type": "AWS::SecretsManager::Secret",
        # A new salt makes every stored household unreachable: the secret outlives the stack.
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "Description": "salts the household keys and stored voice ids of Heart to Heart",
            "GenerateSecretString": {"PasswordLength": 64, "ExcludePunctuation": True},
        },
    }
    stack.setdefault("Outputs", {})[ENDPOINT_OUTPUT] = {
        "Description": "the skill endpoint: the cfn-deployer writes it into skill.json",
        "Value": {"Fn::GetAtt": [FUNCTION, "Arn"]},
    }
    return stack


def ask_resources(package_src: str, subscriptions: tuple[str, ...]) -> dict[str, Any]:
    """``ask-resources.json`` for ``ask deploy`` at the project root."""
    return {
        "askcliResourcesVersion": ASK_RESOURCES_VERSION,
        "profiles": {
            PROFILE: {
                "skillMetadata": {"src": package_src},
                "code": {"default": {"src": CODE_SRC}},
                "skillInfrastructure": {
                    "type": DEPLOYER,
                    "userConfig": {
                        "runtime": RUNTIME,
                        "handler": HANDLER,
                        "templatePath": f"./{STACK_TEMPLATE.as_posix()}",
                        "awsRegion": AWS_REGION,
                        "cfn": {"capabilities": list(CAPABILITIES)},
                        "skillEvents": {"subscriptions": list(subscriptions)},
                    },
                },
            }
        },
    }
