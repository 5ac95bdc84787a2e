"""Start ``heart-to-heart serve`` as a real process on a free 127.0.0.1 port, and stop it.

The server is asked for port 0 and prints the URL it really got, so there is no window in
which another process could take a port picked in advance.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO

from tests.support.dialog import ROOT

_LISTENING = re.compile(r"listening on (http://\S+?)/?$")


@dataclass
class ServerProcess:
    url: str
    process: subprocess.Popen[str]
    stderr: list[str] = field(default_factory=list)

    def log(self) -> str:
        return "".join(self.stderr)


def _pump(stream: IO[str], sink: queue.Queue[str] | list[str]) -> None:
    for line in stream:
        if isinstance(sink, list):
            sink.append(line)
        else:
            sink.put(line)


def _await(
    process: subprocess.Popen[str],
    lines: queue.Queue[str],
    errors: list[str],
    startup_s: float,
    name: str,
    ready: Callable[[str], bool],
) -> None:
    """Read the server's output until ``ready`` says a line made it ready; fail with what it
    printed if it exits or takes longer than ``startup_s``."""
    deadline = time.monotonic() + startup_s
    while True:
        if process.poll() is not None:
            time.sleep(0.2)
            raise RuntimeError(f"{name} exited with {process.returncode}: {''.join(errors)}")
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            if time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"{name} did not start: {''.join(errors)}") from None
            continue
        if ready(line):
            return


@contextmanager
def _stopped(process: subprocess.Popen[str]) -> Iterator[None]:
    """Stop ``process`` on the way out: SIGTERM, then a kill if it lingers."""
    try:
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def serve_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "skill.hosts.cli", "serve", *args]


@contextmanager
def running_server(
    args: Sequence[str], env: dict[str, str] | None = None, startup_s: float = 30.0
) -> Iterator[ServerProcess]:
    """``serve --host 127.0.0.1 --port 0 <args>`` with ``env`` added to this environment."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    process = subprocess.Popen(
        serve_command("--host", "127.0.0.1", "--port", "0", *args),
        cwd=ROOT,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    lines: queue.Queue[str] = queue.Queue()
    errors: list[str] = []
    threading.Thread(target=_pump, args=(process.stdout, lines), daemon=True).start()
    threading.Thread(target=_pump, args=(process.stderr, errors), daemon=True).start()
    url = ""

    def heard(line: str) -> bool:
        nonlocal url
        found = _LISTENING.search(line.strip())
        url = found.group(1) if found else url
        return bool(url)

    _await(process, lines, errors, startup_s, "server", heard)
    with _stopped(process):
        yield ServerProcess(url=url, process=process, stderr=errors)


_GUNICORN_LISTENING = re.compile(r"Listening at: (http://\S+)")


#: The README's production app.
PRODUCTION_APP = "skill.hosts.web.app:create_app_from_env()"


def gunicorn_command(*args: str, app: str = PRODUCTION_APP) -> list[str]:
    """The README's production command, bound to a free loopback port."""
    return [sys.executable, "-m", "gunicorn", "-c", "python:skill.hosts.web.server", *args, app]


@contextmanager
def running_gunicorn(
    env: dict[str, str] | None = None,
    workers: int = 2,
    startup_s: float = 30.0,
    app: str = PRODUCTION_APP,
) -> Iterator[ServerProcess]:
    """``gunicorn -c python:skill.hosts.web.server -w N -b 127.0.0.1:0`` as a real process
    (serving ``app``, the production app unless a test needs one that tells it more)."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    process = subprocess.Popen(
        gunicorn_command("-w", str(workers), "-b", "127.0.0.1:0", app=app),
        cwd=ROOT,
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    lines: queue.Queue[str] = queue.Queue()
    errors: list[str] = []

    def pump(stream: IO[str]) -> None:
        for line in stream:
            errors.append(line)
            lines.put(line)

    threading.Thread(target=pump, args=(process.stderr,), daemon=True).start()
    url = ""
    booted = 0

    def heard(line: str) -> bool:
        nonlocal url, booted
        found = _GUNICORN_LISTENING.search(line)
        url = found.group(1).rstrip("/") if found else url
        booted += "Booting worker" in line
        return bool(url) and booted >= workers

    _await(process, lines, errors, startup_s, "gunicorn", heard)
    with _stopped(process):
        yield ServerProcess(url=url, process=process, stderr=errors)
