"""Several Echo devices of one home, each its own skill instance, launching together.

Each device is a thread with its own ``lambda_function.handler`` (its own store client or
SQLite connection, its own write-token writer), so their turns interleave for real on the
store: at every read, write and wait. ``over_http`` sends the same launches to a web server
instead, as Alexa would to a self-hosted endpoint.
"""

from __future__ import annotations

import gc
import json
import threading
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from skill.runtime.speech import ssml_to_text
from skill.tools.envelopes import Conversation
from tests.support.dialog import Handler, load_handler
from tests.support.launches import LaunchTally

Send = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Outcome:
    """Every device's tally, and how long the slowest launch took."""

    tallies: list[LaunchTally]
    slowest_s: float

    @property
    def saved(self) -> int:
        return sum(t.saved for t in self.tallies)

    @property
    def not_saved(self) -> int:
        return sum(t.not_saved for t in self.tallies)

    @property
    def problems(self) -> list[str]:
        return [p for t in self.tallies for p in t.problems]


def launch_together(
    senders: list[Send], user: str, turns: int, notices: tuple[str, ...]
) -> Outcome:
    """Each sender launches ``turns`` times for ``user``, all starting at one barrier."""
    import time

    start = threading.Barrier(len(senders))
    tallies: list[LaunchTally] = []
    slowest = [0.0]
    errors: list[BaseException] = []
    lock = threading.Lock()

    def device(index: int, send: Send) -> None:
        conversation = Conversation(user_id=user)
        now = datetime(2026, 12, 1, 20, 0, tzinfo=UTC) + timedelta(minutes=index)
        saved = not_saved = 0
        problems: list[str] = []
        try:
            start.wait(timeout=60)
            for turn in range(turns):
                began = time.monotonic()
                response = send(conversation.launch(now + timedelta(seconds=turn)))
                took = time.monotonic() - began
                body = response.get("response", {})
                ssml = body.get("outputSpeech", {}).get("ssml", "")
                if not ssml or body.get("shouldEndSession") is not False:
                    problems.append(f"device {index} turn {turn}: not an open launch reply")
                elif any(n in ssml_to_text(ssml) for n in notices):
                    not_saved += 1
                else:
                    saved += 1
                with lock:
                    slowest[0] = max(slowest[0], took)
        except BaseException as error:
            errors.append(error)
        with lock:
            tallies.append(LaunchTally(saved, not_saved, tuple(problems)))

    threads = [
        threading.Thread(target=device, args=(i, send), daemon=True)
        for i, send in enumerate(senders)
    ]
    with heap_out_of_the_race():
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    assert not errors, errors
    assert len(tallies) == len(senders), "a device did not finish"
    return Outcome(tallies, slowest[0])


@contextmanager
def heap_out_of_the_race() -> Iterator[None]:
    """Collect the test process's garbage, then keep what is left out of the collector's
    sight while the devices race, as each device's own container would.

    A container freezes its handler at init (``lambda/lambda_function.py``), so a full
    collection during a turn walks only that turn's garbage. A test process holds the whole
    suite's heap instead, and the devices' handlers were built unfrozen (``load_handler``).
    A full collection that came mid-race walked all of it with the GIL held, every device
    stalled at once: one pause of 3.3 s, and store calls of 1.2 to 4.8 s, in 3 of 20 rounds of
    sixteen devices (none in 25 rounds frozen), and one launch past its 2.5 s budget in CI.
    What the race itself allocates is still collected as usual."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def handlers(store_url: str, count: int, **env: str) -> list[Send]:
    """``count`` devices, each its own Lambda handler on ``store_url``."""
    built: list[Handler] = [load_handler(store_url, **env) for _ in range(count)]
    return [lambda event, h=h: h(event, None) for h in built]  # type: ignore[misc]


def over_http(url: str, count: int) -> list[Send]:
    """``count`` devices posting to ``url`` (``POST /alexa``, verification off)."""

    def send(event: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(
            url,
            data=json.dumps(event).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            answer: dict[str, Any] = json.loads(response.read())
            return answer

    return [send for _ in range(count)]
