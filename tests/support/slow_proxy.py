"""A TCP proxy on 127.0.0.1 that holds back a server's answers: real slow responses.

Requests pass through at once (so a slow write is really applied); each answer to a request
naming one of the chosen DynamoDB operations (``X-Amz-Target``) is delayed, so the client's
socket read really times out.
"""

from __future__ import annotations

import random
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

_TARGET = re.compile(rb"x-amz-target:\s*DynamoDB_\d+\.(\w+)", re.IGNORECASE)


class SlowProxy:
    """Forward 127.0.0.1:<port> to ``upstream``; delay answers to ``operations``."""

    def __init__(self, upstream: tuple[str, int], delay_s: float, operations: frozenset[str]):
        self.upstream = upstream
        self.delay_s = delay_s
        self.operations = operations
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._server.getsockname()[1]
        #: How many more answers to delay (None: every one).
        self.remaining: int | None = None
        #: The share of answers delayed, drawn from a seeded generator (1.0: all of them).
        self.rate = 1.0
        self._rng = random.Random(0)
        #: Answers delayed so far.
        self.delayed = 0
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._spawn(self._accept)

    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _accept(self) -> None:
        self._server.settimeout(0.1)
        while not self._closed.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            upstream = socket.create_connection(self.upstream)
            slow = {"now": False}
            self._spawn(self._pump, client, upstream, slow, False)
            self._spawn(self._pump, upstream, client, slow, True)

    def _pump(
        self, source: socket.socket, sink: socket.socket, slow: dict[str, bool], answers: bool
    ) -> None:
        with suppress(OSError):
            while not self._closed.is_set():
                data = source.recv(65536)
                if not data:
                    break
                if answers:
                    if slow["now"] and self._take_delay():
                        time.sleep(self.delay_s)
                else:
                    target = _TARGET.search(data)
                    if target:
                        slow["now"] = target.group(1).decode() in self.operations
                sink.sendall(data)
        for sock in (source, sink):
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with suppress(OSError):
                sock.close()

    def _take_delay(self) -> bool:
        with self._lock:
            if self.rate < 1.0 and self._rng.random() >= self.rate:
                return False
            if self.remaining is not None:
                if self.remaining <= 0:
                    return False
                self.remaining -= 1
            self.delayed += 1
            return True

    def close(self) -> None:
        self._closed.set()
        with suppress(OSError):
            self._server.close()


@contextmanager
def slow_proxy(endpoint: str, delay_s: float, operations: frozenset[str]) -> Iterator[SlowProxy]:
    host, port = endpoint.removeprefix("http://").rsplit(":", 1)
    proxy = SlowProxy((host, int(port)), delay_s, operations)
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.close()
