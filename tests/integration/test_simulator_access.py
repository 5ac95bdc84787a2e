"""The simulator runs the skill unsigned, so it is served only when asked, on this machine only.

Against ``heart-to-heart serve`` and the production gunicorn command as real processes: off
unless ``--simulator`` (or ``HEART_SIMULATOR``), refused on a non-loopback address, and its
POSTs refused without the page's CSRF token, from another origin, or under another Host
name (a DNS-rebinding page). Refused requests never create a household.
"""

from __future__ import annotations

import http.client
import json
import re
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.support.dialog import ROOT, TEST_KEY_SALT
from tests.support.web_server import (
    ServerProcess,
    gunicorn_command,
    running_server,
    serve_command,
)

pytestmark = pytest.mark.integration


def call(
    server: ServerProcess,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    parts = urlsplit(server.url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=20)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        raw = response.read()
    finally:
        conn.close()
    try:
        return response.status, json.loads(raw)
    except ValueError:
        return response.status, raw.decode("utf-8", "replace")


def households(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        (count,) = conn.execute("SELECT COUNT(*) FROM households").fetchone()
    return int(count)


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, Path]]:
    workdir = tmp_path_factory.mktemp("simulator-access")
    db = workdir / "heart.db"
    env = {"HEART_KEY_SALT": TEST_KEY_SALT, "HEART_TTS_CACHE": str(workdir / "tts")}
    with running_server(["--simulator", "--store", f"sqlite:///{db}"], env=env) as server:
        yield server, db
        assert "Traceback" not in server.log(), server.log()


def page_token(server: ServerProcess) -> str:
    status, html = call(server, "GET", "/")
    assert status == 200
    found = re.search(r'data-csrf="([^"]+)"', html)
    assert found
    return found.group(1)


def say(server: ServerProcess, token: str, *, csrf: str | None, **headers: str) -> tuple[int, Any]:
    body = json.dumps({"token": token, "text": "open heart to heart"}).encode()
    sent = {"Content-Type": "application/json", **headers}
    if csrf is not None:
        sent["X-Heart-CSRF"] = csrf
    return call(server, "POST", "/simulator/say", body, sent)


def test_an_unsigned_cross_origin_post_runs_nothing(
    simulator: tuple[ServerProcess, Path],
) -> None:
    server, db = simulator
    before = households(db)
    for n in range(100):
        status, answer = say(
            server, f"forged-token-{n:04d}-xxxxxx", csrf=None, Origin="http://evil.example"
        )
        assert status == 403, answer
    assert households(db) == before


@pytest.mark.parametrize(
    ("headers", "csrf", "error"),
    [
        ({}, None, "csrf_token"),
        ({}, "not-the-token", "csrf_token"),
        ({"Origin": "http://evil.example"}, "page", "forbidden_origin"),
        ({"Origin": "null"}, "page", "forbidden_origin"),
        ({"Host": "evil.example"}, "page", "forbidden"),
        ({"Host": "heart.attacker.example:8000"}, "page", "forbidden"),
    ],
    ids=["no token", "wrong token", "other origin", "null origin", "other host", "rebound"],
)
def test_a_post_without_the_pages_token_origin_and_host_is_refused(
    simulator: tuple[ServerProcess, Path], headers: dict[str, str], csrf: str | None, error: str
) -> None:
    server, db = simulator
    given = page_token(server) if csrf == "page" else csrf
    before = households(db)
    status, answer = say(server, "refused-token-0000000001", csrf=given, **headers)
    assert (status, answer) == (403, {"error": error})
    assert households(db) == before


def test_reads_under_another_host_name_are_refused(simulator: tuple[ServerProcess, Path]) -> None:
    server, _ = simulator
    for path in ("/", "/simulator/state?token=refused-token-0000000001"):
        assert call(server, "GET", path, headers={"Host": "evil.example"})[0] == 403


def test_the_page_talks_to_the_skill_with_its_token(simulator: tuple[ServerProcess, Path]) -> None:
    server, db = simulator
    before = households(db)
    origin = server.url.rstrip("/")
    status, answer = say(server, "page-token-000000000001", csrf=page_token(server), Origin=origin)
    assert status == 200, answer
    assert answer["speech"] and answer["session_open"] is True
    assert households(db) == before + 1


@pytest.mark.parametrize(
    "body",
    [b'{"token": ' + b"[" * 50_000 + b"]" * 50_000 + b"}", b"{oops", b"\xff\xfe"],
    ids=["deeply nested", "not json", "not utf-8"],
)
def test_an_unreadable_body_is_400(simulator: tuple[ServerProcess, Path], body: bytes) -> None:
    server, _ = simulator
    headers = {"Content-Type": "application/json", "X-Heart-CSRF": page_token(server)}
    status, _ = call(server, "POST", "/simulator/say", body, headers)
    assert status == 400


def test_the_simulator_is_off_unless_asked(tmp_path: Path) -> None:
    env = {"HEART_KEY_SALT": TEST_KEY_SALT}
    with running_server(["--store", f"sqlite:///{tmp_path / 'h.db'}"], env=env) as server:
        assert call(server, "GET", "/")[0] == 404
        assert say(server, "off-token-0000000000001", csrf=None)[0] == 404
        assert call(server, "GET", "/healthz")[0] == 200
    assert households(tmp_path / "h.db") == 0


def _refused(command: list[str], env: dict[str, str], tmp_path: Path) -> str:
    done = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path), **env},
    )
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert "listening" not in done.stdout.lower()
    return done.stderr


def test_serve_refuses_the_simulator_on_a_public_address(tmp_path: Path) -> None:
    salted = {"HEART_KEY_SALT": TEST_KEY_SALT}
    err = _refused(
        serve_command("--simulator", "--host", "0.0.0.0", "--port", "0"), salted, tmp_path
    )
    assert "--simulator" in err
    err = _refused(serve_command("--host", "0.0.0.0"), {**salted, "HEART_SIMULATOR": "1"}, tmp_path)
    assert "HEART_SIMULATOR" in err


def test_gunicorn_refuses_the_simulator_on_a_public_bind(tmp_path: Path) -> None:
    env = {"HEART_KEY_SALT": TEST_KEY_SALT, "HEART_SIMULATOR": "1"}
    command = gunicorn_command("-w", "1", "-b", "0.0.0.0:0")
    err = _refused(command, env, tmp_path)
    assert "simulator" in err and "0.0.0.0" in err
