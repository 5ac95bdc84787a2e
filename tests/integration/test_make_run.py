"""`make run`, the README's first command, serves a working simulator (the venv already exists)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.support.dialog import ROOT
from tests.support.dynalite import free_port


def test_make_run_serves_the_simulator_and_the_skill(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        ["make", "-s", "run", f"PORT={port}", f"STORE=sqlite:///{tmp_path / 'run.db'}"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        health = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:
                    health = json.loads(answer.read())
                break
            except OSError:
                time.sleep(0.2)
        assert health == {"status": "ok", "store": "ok"}, "make run did not start the server"
        with urllib.request.urlopen(f"{base}/", timeout=5) as page:
            html = page.read().decode()
            assert page.status == 200 and "Heart to Heart" in html
        found = re.search(r'data-csrf="([^"]+)"', html)
        assert found, "the page carries the simulator's CSRF token"
        request = urllib.request.Request(
            f"{base}/simulator/say",
            data=json.dumps(
                {"token": "make-run-test-token-0001", "text": "open heart to heart"}
            ).encode(),
            headers={"Content-Type": "application/json", "X-Heart-CSRF": found.group(1)},
        )
        with urllib.request.urlopen(request, timeout=10) as said:
            reply = json.loads(said.read())
        assert reply["speech"] and reply["session_open"] is True
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output, _ = process.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/" in output, "make run prints the URL to open"
