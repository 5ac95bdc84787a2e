"""Section 5: the web endpoint. ``POST /alexa`` on one gunicorn worker, with request
verification on (test CA, chain cached after the first fetch) and off, driven by a
keep-alive load generator in another process on loopback. Runs alternate between the two
servers so drift on the machine affects both alike.
"""

from __future__ import annotations

import http.client
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.harness import ROOT
from bench.stats import Figure, Sample
from tests.support.dynalite import free_port

WINDOW_S = 0.5
MIN_RATIO = 0.8


def not_present() -> str:
    if importlib.util.find_spec("skill.hosts.web.app") is None:
        return "web service not present"
    if importlib.util.find_spec("gunicorn") is None:
        return "gunicorn not installed (make install)"
    return ""


def skeletons() -> list[Figure]:
    return list(_figures())


def _figures(reason: str = "") -> tuple[Figure, Figure]:
    rps = Figure(
        id="web.rps",
        section="5 web endpoint",
        label="POST /alexa req/s, verify on",
        unit="req/s",
        min_ratio=MIN_RATIO,
        target=f"cost <= {100 - MIN_RATIO * 100:.0f} % (>= {MIN_RATIO}x)",
        not_measured=reason,
    )
    latency = Figure(
        id="web.latency",
        section="5 web endpoint",
        label="POST /alexa latency, verify on",
        unit="ms",
        target="reported",
        not_measured=reason,
    )
    return rps, latency


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEART_")}
    env["PYTHONPATH"] = str(ROOT)
    return env


@contextmanager
def _server(directory: Path, mode: str) -> Iterator[int]:
    last_error = ""
    for _ in range(3):
        port = free_port()
        with (directory / f"server-{mode}.log").open("w") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "bench.web_server", str(port), str(directory), mode],
                cwd=ROOT,
                env=_env(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            if _wait_ready(port, process):
                yield port
                return
            last_error = (directory / f"server-{mode}.log").read_text()[-2000:]
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=5)
    raise RuntimeError(f"the web service ({mode}) did not start:\n{last_error}")


def _wait_ready(port: int, process: subprocess.Popen[bytes], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                connection.close()
                return True
        except OSError:
            time.sleep(0.05)
    return False


def _load(port: int, key: Path, seconds: float) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.web_client", str(port), str(key), str(seconds)],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the load generator failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    if result["failures"]:
        raise RuntimeError(f"the web service answered non-200: {result['statuses']}")
    return result


def _windows(done: list[float], seconds: float) -> list[float]:
    """Requests per second in each whole window of the run."""
    count = int(seconds // WINDOW_S)
    buckets = [0] * count
    for t in done:
        index = int(t // WINDOW_S)
        if index < count:
            buckets[index] += 1
    return [b / WINDOW_S for b in buckets]


def run(runs: int, seconds: float) -> tuple[list[Figure], dict[str, Any]]:
    rps, latency = _figures(not_present())
    if rps.not_measured:
        return [rps, latency], {}
    from bench.certs import make_ca

    windows: dict[str, list[float]] = {"verify": [], "noverify": []}
    latencies: dict[str, list[float]] = {"verify": [], "noverify": []}
    totals: dict[str, int] = {"verify": 0, "noverify": 0}
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        directory = Path(tmp)
        ca = make_ca(directory)
        with _server(directory, "verify") as on, _server(directory, "noverify") as off:
            ports = {"verify": on, "noverify": off}
            for port in ports.values():  # warm-up: first fetch, imports, SQLite file
                _load(port, ca.leaf_key, min(1.0, seconds))
            for _ in range(runs):
                for mode, port in ports.items():
                    result = _load(port, ca.leaf_key, seconds)
                    windows[mode].extend(_windows(result["done"], seconds))
                    latencies[mode].extend(x * 1000 for x in result["latency"])
                    totals[mode] += len(result["done"])
            fetches = directory / f"fetches-{on}"
            fetch_count = len(fetches.read_text().splitlines()) if fetches.exists() else 0
    rps.value = Sample.of("verification on", windows["verify"], higher_is_better=True)
    rps.baseline = Sample.of("verify off", windows["noverify"], higher_is_better=True)
    rps.detail = {
        "window_s": WINDOW_S,
        "requests": totals,
        "chain_fetches": fetch_count,
        "cost_percent": round((1 - (rps.ratio or 0)) * 100, 1),
        "p99_means": "the rate 99 % of windows reached (1st percentile)",
    }
    latency.value = Sample.of("verification on", latencies["verify"])
    latency.baseline = Sample.of("verify off", latencies["noverify"])
    return [rps, latency], {}
