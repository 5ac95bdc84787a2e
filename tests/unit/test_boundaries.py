"""The architecture's boundaries, checked: pure flows, thin handlers, privacy in the logs."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest

from tests.support.dialog import ROOT, Dialog, Handler

SKILL = ROOT / "skill" / "runtime"
FORBIDDEN_IN_FLOWS = (
    "ask_sdk_core",
    "ask_sdk_model",
    "ask_sdk_runtime",
    "boto3",
    "botocore",
    "flask",
    "sqlite3",
    "urllib",
    "requests",
    "socket",
    "gtts",
    "skill.runtime.store",
    "skill.runtime.handlers",
    "skill.hosts.web",
)


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize(
    "path",
    sorted((SKILL / "flows").rglob("*.py")),
    ids=lambda p: p.relative_to(SKILL / "flows").as_posix(),
)
def test_flows_are_pure(path: Path) -> None:
    bad = {
        m
        for m in imports_of(path)
        if m.split(".")[0] in FORBIDDEN_IN_FLOWS
        or any(m == f or m.startswith(f + ".") for f in FORBIDDEN_IN_FLOWS)
    }
    assert bad == set()


@pytest.mark.parametrize("path", sorted((SKILL / "handlers").glob("*.py")), ids=lambda p: p.name)
def test_handlers_never_touch_the_store(path: Path) -> None:
    bad = {
        m
        for m in imports_of(path)
        if m.startswith("skill.runtime.store") or m in ("boto3", "sqlite3")
    }
    assert bad == set()


def test_logs_hold_no_words_and_no_raw_user_id(
    handler: Handler, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    dialog = Dialog(handler, user="amzn1.ask.account.SECRETUSER")
    dialog.say("open heart to heart")
    dialog.say("call us zebulon and marigold")
    dialog.say("a question about moonbeams")
    dialog.say("the purple elephant sings")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert logged, "turns are logged"
    for secret in ("SECRETUSER", "zebulon", "Zebulon", "marigold", "moonbeams", "elephant"):
        assert secret not in logged
