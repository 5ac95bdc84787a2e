"""The household-key salt: required where it matters, generated and kept per install locally.

Lambda and a public server refuse to start without ``HEART_KEY_SALT`` and say why. The local
chat and a loopback ``serve`` make one salt on first use (``HEART_KEY_SALT_FILE``, by default
``var/key-salt``), owner-readable only, and keep using it, so a couple's household is found
again on the next run.
"""

from __future__ import annotations

import json
import sqlite3
import stat
import subprocess
import urllib.request
from pathlib import Path

import pytest

from skill.runtime.records import read_household
from skill.runtime.settings import MissingKeySalt
from skill.runtime.turn import household_key
from tests.support.chat_process import run_chat
from tests.support.content import default_content
from tests.support.dialog import ROOT, load_handler
from tests.support.web_server import gunicorn_command, running_server, serve_command

pytestmark = pytest.mark.integration


def test_lambda_refuses_to_start_without_a_salt(tmp_path: Path) -> None:
    with pytest.raises(MissingKeySalt, match="HEART_KEY_SALT is not set"):
        load_handler(f"sqlite:///{tmp_path / 'h.db'}", HEART_KEY_SALT="")


def _refused(command: list[str], tmp_path: Path) -> str:
    done = subprocess.run(
        command,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)},
    )
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "listening" not in done.stdout.lower()
    return done.stderr


def test_serve_on_a_public_address_refuses_to_start_without_a_salt(tmp_path: Path) -> None:
    err = _refused(serve_command("--host", "0.0.0.0", "--port", "0"), tmp_path)
    assert "HEART_KEY_SALT is not set" in err
    assert not (tmp_path / "var" / "key-salt").exists(), "no salt is made up for a public host"


def test_the_production_command_refuses_to_start_without_a_salt(tmp_path: Path) -> None:
    err = _refused(gunicorn_command("-w", "1", "-b", "127.0.0.1:0"), tmp_path)
    assert "HEART_KEY_SALT is not set" in err


def _visits(db: Path, user: str, salt: str) -> int:
    key = household_key(user, salt)
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT data FROM households WHERE key = ?", (key,)).fetchone()
    if not row:
        return 0
    return read_household(json.loads(row[0]), default_content(), key).visits


def test_local_hosts_make_one_salt_per_install_and_keep_it(tmp_path: Path) -> None:
    salt_file = tmp_path / "var" / "key-salt"
    db = tmp_path / "heart.db"
    env = {"HEART_KEY_SALT": "", "HEART_KEY_SALT_FILE": str(salt_file)}
    run_chat(["open heart to heart", "stop"], db, env=env)
    salt = salt_file.read_text().strip()
    assert len(salt) == 64 and int(salt, 16) >= 0
    assert stat.S_IMODE(salt_file.stat().st_mode) == 0o600
    run_chat(["open heart to heart", "stop"], db, env=env, now="2026-12-02T20:00:00Z")
    assert salt_file.read_text().strip() == salt
    assert _visits(db, "u1", salt) == 2, "the second run found the first run's household"

    with (
        running_server(["--store", f"sqlite:///{db}"], env=env) as server,
        urllib.request.urlopen(server.url + "/healthz", timeout=10) as answer,
    ):
        assert json.loads(answer.read())["status"] == "ok"
    assert salt_file.read_text().strip() == salt, "serve on loopback uses the same salt"
