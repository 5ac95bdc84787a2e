"""A local stand-in for Google's speech endpoint that gTTS talks to, on 127.0.0.1.

It answers gTTS's ``batchexecute`` POST the way Google does (a line holding the base64 MP3
after the ``jQ1olc`` RPC id), so the real gTTS code parses real-shaped answers. ``mode``
switches it to slow or failing answers for timeout and fallback tests. Requests are recorded
(the decoded text only), so tests can count what reached the "network".
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from tests.support.fake_http import serving

RPC_ID = "jQ1olc"


def make_mp3(path: Path, seconds: float = 0.3) -> Path:
    """A short, quiet tone as a valid MP3 (ffmpeg); a missing ffmpeg fails under CI."""
    binary = shutil.which("ffmpeg")
    if binary is None:
        reason = "ffmpeg is missing: run `bash scripts/install-system-packages.sh`"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    source = f"sine=frequency=523:duration={seconds}"
    subprocess.run(
        [
            binary,
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            source,
            "-af",
            "volume=0.2",
            "-ac",
            "1",
            "-ar",
            "22050",
            "-b:a",
            "32k",
            str(path),
        ],
        check=True,
        timeout=30,
    )
    return path


def _answer(mp3: bytes) -> bytes:
    compact = (",", ":")
    payload = json.dumps([base64.b64encode(mp3).decode("ascii")], separators=compact)
    line = json.dumps(
        [["wrb.fr", RPC_ID, payload, None, None, None, "generic"]], separators=compact
    )
    return b")]}'\n\n" + line.encode() + b"\n"


class FakeGtts:
    """The server's knobs and what it saw."""

    def __init__(self, mp3: bytes) -> None:
        self.mp3 = mp3
        self.mode = "ok"  # "ok", "slow", "error"
        self.delay_s = 5.0
        self.texts: list[str] = []
        self.base_url = ""
        self._lock = threading.Lock()

    def record(self, text: str) -> None:
        with self._lock:
            self.texts.append(text)


def _handler(fake: FakeGtts) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode())
            try:
                rpc = json.loads(form["f.req"][0])
                fake.record(json.loads(rpc[0][0][1])[0])
            except (KeyError, IndexError, ValueError):
                self.send_error(400)
                return
            if fake.mode == "error":
                self.send_error(500)
                return
            if fake.mode == "slow":
                time.sleep(fake.delay_s)
            body = _answer(fake.mp3)
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def fake_gtts(mp3: bytes) -> Iterator[FakeGtts]:
    """Run the fake on a free 127.0.0.1 port for the duration of the block."""
    fake = FakeGtts(mp3)
    with serving(_handler(fake)) as base_url:
        fake.base_url = base_url
        yield fake


def unreachable_base_url() -> str:
    """A 127.0.0.1 URL where nothing listens (the port was free a moment ago)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
