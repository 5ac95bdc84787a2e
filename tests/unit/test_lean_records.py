"""The Lambda entry stops filling log record fields Lambda's lines never print, and keeps
what they do print (the message, and an exception's traceback with its lines).

In a child process: the switches are process-wide, and this test must see them flip."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import importlib.util, io, json, logging, sys

    def emitted():
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        records = []
        handler.addFilter(lambda r: records.append(r) or True)
        log = logging.getLogger("lean-check")
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.info("turn %s", "ok")
        try:
            raise ValueError("boom")
        except ValueError:
            log.exception("failed")
        log.removeHandler(handler)
        first = records[0]
        return {
            "func": first.funcName, "line": first.lineno, "thread": first.threadName,
            "process": first.process, "message": first.getMessage(), "text": stream.getvalue(),
        }

    before = emitted()
    if sys.argv[1] == "entry":
        spec = importlib.util.spec_from_file_location("entry", sys.argv[2])
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    else:
        from skill.runtime.logs import lean_records
        lean_records()
    print(json.dumps({"before": before, "after": emitted()}))
    """
)


def _run(mode: str, tmp_path: Path) -> dict[str, dict[str, object]]:
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "HEART_STORE": f"sqlite:///{tmp_path / 'h.db'}",
        "HEART_KEY_SALT": "lean-records-salt",
    }
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(ROOT / "lambda" / "lambda_function.py")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_lean_records_drop_the_caller_walk_and_the_names(tmp_path: Path) -> None:
    seen = _run("direct", tmp_path)
    before, after = seen["before"], seen["after"]
    # Before, the record knew where it came from: the switches change something.
    assert before["func"] == "emitted" and before["line"] and before["thread"] == "MainThread"
    assert after["func"] == "(unknown function)" and after["line"] == 0
    assert after["thread"] is None and after["process"] is None
    assert after["message"] == before["message"] == "turn ok"
    # The traceback is the exception's own, lines and all.
    assert "line " in str(after["text"]) and "ValueError: boom" in str(after["text"])


def test_the_lambda_entry_applies_them(tmp_path: Path) -> None:
    seen = _run("entry", tmp_path)
    assert seen["before"]["thread"] == "MainThread"
    assert seen["after"]["func"] == "(unknown function)" and seen["after"]["thread"] is None
