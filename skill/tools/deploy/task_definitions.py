"""Custom task definitions: ``skill-package/tasks/{TaskName}.{Version}.json``, from the task table.

Each entry of ``content/<locale>/tasks.json`` (``skill.runtime.tasks``) becomes one OpenAPI 3.0
document that Alexa reads to offer the task as a Routine action. Amazon's documented
restrictions on those documents ("Implement Custom Tasks in Your Skill") are checked by
``problems``, which the export runs on every file it writes:

1. the file is named ``{TaskName}.{TaskVersion}.json``; the version is a positive integer;
2. the task is the document's one path, ``/{TaskName}``;
3. its only operation is ``post``, whose ``requestBody`` and ``responses`` carry
   ``application/json`` only;
4. every ``$ref`` is inline (``#/...``);
5. ``info.x-amzn-alexa-access-scope`` is ``public`` or ``vendor-private``;
6. ``x-amzn-display-details`` (on ``info``, and on each input property) maps locales to a
   title, with an optional description.

Our own rules, stricter than Amazon's text, so the tasks suit Routines: ``info.version`` is the
file's version, every input is an optional string from a fixed ``enum`` (no free text, which a
couple would have to type into the Alexa app), and the input object allows nothing else.
What the docs leave open, and this module assumes, is said where it is used.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from skill.runtime.tasks import Task

OPENAPI_VERSION = "3.0.0"
#: Routines offer only tasks other skills' users may start: "public". (Amazon's default,
#: ``vendor-private``, keeps a task to the developer's own skills.)
ACCESS_SCOPE = "public"
ACCESS_SCOPES = ("public", "vendor-private")
JSON = "application/json"
INPUT_SCHEMA = "Input"
RESULT_SCHEMA = "SuccessfulResponse"
FILE_NAME = re.compile(r"(?P<name>[A-Za-z][A-Za-z0-9]*)\.(?P<version>[1-9][0-9]*)\.json")
LOCALE = re.compile(r"[a-z]{2}-[A-Z]{2}")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def file_name(task: Task) -> str:
    """``{TaskName}.{Version}.json``, as Amazon names task definition files."""
    return f"{task.name}.{task.version}.json"


def _display(texts: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    """``x-amzn-display-details``: locale -> title and description.

    Assumed shape: Amazon's text says the field holds "task titles in localized languages"; a
    locale-keyed object with ``title`` and ``description`` is how its examples read.
    """
    return {
        locale: {"title": text["title"], "description": text["description"]}
        for locale, text in sorted(texts.items())
    }


def definition(
    task: Task, texts: Mapping[str, Mapping[str, Any]], default_locale: str
) -> dict[str, Any]:
    """The OpenAPI document for ``task``; ``texts`` is each locale's entry for it (title,
    description, and inputs by name with their titles and descriptions)."""
    default = texts[default_locale]
    properties: dict[str, Any] = {}
    for spec in task.inputs:
        per_locale = {
            locale: next(i for i in entry["inputs"] if i["name"] == spec.name)
            for locale, entry in texts.items()
        }
        properties[spec.name] = {
            "type": "string",
            "enum": list(spec.values),
            "description": per_locale[default_locale]["description"],
            "x-amzn-display-details": _display(per_locale),
        }
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": default["title"],
            "description": default["description"],
            "version": str(task.version),
            "x-amzn-alexa-access-scope": ACCESS_SCOPE,
            "x-amzn-display-details": _display(texts),
        },
        "paths": {
            f"/{task.name}": {
                "summary": default["title"],
                "description": default["description"],
                "post": {
                    "requestBody": {
                        "content": {
                            JSON: {"schema": {"$ref": f"#/components/schemas/{INPUT_SCHEMA}"}}
                        }
                    },
                    "responses": {
                        "200": {
                            "description": "the activity started",
                            "content": {
                                JSON: {"schema": {"$ref": f"#/components/schemas/{RESULT_SCHEMA}"}}
                            },
                        },
                        "400": {"description": "an input this version of the task does not take"},
                    },
                },
            }
        },
        "components": {
            "schemas": {
                INPUT_SCHEMA: {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": properties,
                },
                RESULT_SCHEMA: {"type": "object", "properties": {}},
            }
        },
    }


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def _display_problems(where: str, details: Any) -> list[str]:
    if not isinstance(details, dict) or not details:
        return [f"{where}: x-amzn-display-details must map locales to a title"]
    problems = []
    for locale, text in details.items():
        if not LOCALE.fullmatch(str(locale)):
            problems.append(f"{where}: {locale!r} is not a locale")
        elif not isinstance(text, dict) or not isinstance(text.get("title"), str):
            problems.append(f"{where}: {locale} has no title")
        elif not text["title"].strip():
            problems.append(f"{where}: {locale} has an empty title")
        elif not isinstance(text.get("description", ""), str):
            problems.append(f"{where}: {locale} description is not text")
    return problems


def _media_problems(where: str, holder: Any) -> list[str]:
    content = holder.get("content") if isinstance(holder, dict) else None
    if content is None:
        return []
    if not isinstance(content, dict) or set(content) != {JSON}:
        return [f"{where}: only {JSON} is supported, found {sorted(content or {})}"]
    return []


def problems(name: str, doc: Any) -> list[str]:
    """Why the task definition file ``name`` holding ``doc`` breaks Amazon's restrictions or
    ours (empty when it keeps them all). Assumes ``doc`` is already valid OpenAPI 3.0."""
    found: list[str] = []
    shape = FILE_NAME.fullmatch(name)
    if shape is None:
        return [f"{name}: not named {{TaskName}}.{{TaskVersion}}.json with a positive version"]
    task, version = shape["name"], shape["version"]
    if not isinstance(doc, dict):
        return [f"{name}: not a JSON object"]
    info = _obj(doc.get("info"))
    if str(info.get("version")) != version:
        found.append(f"{name}: info.version {info.get('version')!r} is not {version!r}")
    scope = info.get("x-amzn-alexa-access-scope", "vendor-private")
    if scope not in ACCESS_SCOPES:
        found.append(f"{name}: x-amzn-alexa-access-scope {scope!r} is not one of {ACCESS_SCOPES}")
    if "x-amzn-display-details" in info:
        found += _display_problems(f"{name}: info", info["x-amzn-display-details"])
    paths = _obj(doc.get("paths"))
    if list(paths) != [f"/{task}"]:
        found.append(f"{name}: the one path must be /{task}, found {sorted(paths)}")
    for path, item in paths.items():
        item = _obj(item)
        methods = [m for m in HTTP_METHODS if m in item]
        if methods != ["post"]:
            found.append(f"{name}: {path} must have POST as its only method, found {methods}")
        post = _obj(item.get("post"))
        found += _media_problems(f"{name}: {path} requestBody", post.get("requestBody"))
        responses = _obj(post.get("responses"))
        for status, response in responses.items():
            found += _media_problems(f"{name}: {path} response {status}", response)
    for ref in _refs(doc):
        if not ref.startswith("#/"):
            found.append(f"{name}: $ref {ref!r} is not an inline reference")
    schema = _obj(_obj(_obj(doc.get("components")).get("schemas")).get(INPUT_SCHEMA))
    if not schema:
        return [*found, f"{name}: no components.schemas.{INPUT_SCHEMA}"]
    if schema.get("type") != "object" or schema.get("additionalProperties") is not False:
        found.append(f"{name}: {INPUT_SCHEMA} must be an object that allows no other inputs")
    if schema.get("required"):
        found.append(f"{name}: a routine's inputs are optional; {INPUT_SCHEMA} requires some")
    for key, prop in _obj(schema.get("properties")).items():
        where = f"{name}: input {key}"
        if not isinstance(prop, dict) or prop.get("type") != "string":
            found.append(f"{where} must be a string")
            continue
        values = prop.get("enum")
        if (
            not isinstance(values, list)
            or not values
            or not all(isinstance(v, str) for v in values)
        ):
            found.append(f"{where} must list the values it accepts (enum)")
        if "x-amzn-display-details" in prop:
            found += _display_problems(where, prop["x-amzn-display-details"])
        else:
            found.append(f"{where} has no x-amzn-display-details")
    return found
