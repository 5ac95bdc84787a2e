"""The production HTTP server: gunicorn with a gevent worker that slow clients cannot stall.

gunicorn's default sync worker serves one connection at a time, so a few clients that send
headers and then trickle (or never finish) a body hold every worker until its 30 s timeout:
a signed Alexa request behind them waited 31 s (Alexa gives up at 8 s) and then got a 500.
``HeartWorker`` is gunicorn's gevent worker (one greenlet per connection, so an idle
connection costs memory, never a turn) with two deadlines gunicorn lacks:

* **headers** must arrive within ``HEADER_TIMEOUT_S`` of the connection opening (or of the
  previous response on a kept-alive connection); otherwise the connection is closed quietly;
* **the body** must arrive within ``BODY_TIMEOUT_S`` of the headers, counted over the whole
  body, not per packet, so a trickle of one byte every few seconds cannot keep it open. The
  app sees the body read fail and answers 408; the connection then closes.

Requests are also bounded in size: the request line, header count and header size by
gunicorn's limits below, the body by the app (``HEART_MAX_BODY_BYTES``, 413). Malformed
HTTP (a bad request line, bad chunking) is answered 400 by gunicorn's parser or by the app.

Both ways to run the service use this: ``heart-to-heart serve`` starts gunicorn with these
settings in-process (``run``), and the production command loads them as a config module::

    gunicorn -c python:skill.hosts.web.server -b 0.0.0.0:8000 \\
        'skill.hosts.web.app:create_app_from_env()'
"""

from __future__ import annotations

import gc
import os
import socket
import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

import gevent
from gunicorn.app.base import BaseApplication
from gunicorn.workers.ggevent import GeventWorker

#: Seconds a client may take to send a request's headers.
HEADER_TIMEOUT_S = 5
#: Seconds a client may take to send a whole body once its headers are in. A real Alexa
#: request is about 2 KiB and arrives at once; Alexa itself gives up after 8 s.
BODY_TIMEOUT_S = 5
#: Seconds to finish the requests in hand when asked to stop.
GRACEFUL_TIMEOUT_S = 3
WORKER_CLASS = "skill.hosts.web.server.HeartWorker"


class BodyTimeout(TimeoutError):
    """The request body did not arrive within ``BODY_TIMEOUT_S`` of its headers."""


class _DeadlineSocket:
    """A client socket whose ``recv`` fails once the current body deadline has passed.

    After the deadline has fired once, the connection reads as closed, so gunicorn ends it
    quietly once the app has answered instead of waiting for the rest of the body.
    """

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self.deadline: float | None = None
        self.expired = False

    def recv(self, size: int, *flags: int) -> bytes:
        if self.expired:
            return b""
        if self.deadline is None:
            return self._sock.recv(size, *flags)
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            self.expired = True
            raise BodyTimeout("request body deadline passed")
        self._sock.settimeout(remaining)
        try:
            return self._sock.recv(size, *flags)
        except TimeoutError as exc:
            self.expired = True
            raise BodyTimeout("request body deadline passed") from exc
        finally:
            self._sock.settimeout(None)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class HeartWorker(GeventWorker):  # type: ignore[misc]
    """gunicorn's gevent worker with a header deadline and a whole-body deadline."""

    def timeout_ctx(self) -> gevent.Timeout:
        """Bounds reading each request's headers; expiring closes the connection quietly."""
        return gevent.Timeout(HEADER_TIMEOUT_S, False)

    def handle(self, listener: Any, client: socket.socket, addr: Any) -> None:
        client.setblocking(True)
        super().handle(listener, _DeadlineSocket(client), addr)

    def handle_request(self, listener_name: Any, req: Any, sock: Any, addr: Any) -> None:
        if isinstance(sock, _DeadlineSocket):
            sock.deadline = time.monotonic() + BODY_TIMEOUT_S
        try:
            super().handle_request(listener_name, req, sock, addr)
        finally:
            if isinstance(sock, _DeadlineSocket):
                sock.deadline = None


def freeze_after_load(worker: Any) -> None:
    """gunicorn's ``post_worker_init``: once a worker has built the app, move what it built
    (modules, content, the store's client) out of the cyclic collector's sight, as the
    Lambda handler does at init. They live as long as the worker, and a full collection
    walked them every time, every connection of the gevent worker waiting: 6 ms a pass with
    today's content, next to nothing frozen."""
    gc.freeze()


def thaw_before_exit(server: Any, worker: Any) -> None:
    """gunicorn's ``worker_exit``, in the worker as it ends: give what ``freeze_after_load``
    froze back to the collector, so the interpreter's shutdown collects it while the modules
    it needs are still there (frozen, the logging handlers' weak references were called after
    gevent was torn down, and printed a traceback on every worker's exit)."""
    gc.unfreeze()


def settings(workers: int = 1) -> dict[str, Any]:
    """gunicorn settings shared by ``serve`` and the production config module."""
    return {
        "post_worker_init": freeze_after_load,
        "worker_exit": thaw_before_exit,
        "worker_class": WORKER_CLASS,
        "workers": workers,
        "worker_connections": 1000,
        "keepalive": HEADER_TIMEOUT_S,
        "graceful_timeout": GRACEFUL_TIMEOUT_S,
        "limit_request_line": 4094,
        "limit_request_fields": 50,
        "limit_request_field_size": 8190,
        "accesslog": None,
        # gunicorn 27's control socket is one path per user: two servers would fight over it.
        "control_socket_disable": True,
    }


def refuse_simulator_on_public_bind(binds: list[str], simulator: bool) -> str | None:
    """Why these binds can't serve the simulator (it is for this machine only), or None."""
    from skill.hosts.web.app import is_loopback

    if not simulator:
        return None
    for bind in binds:
        host = bind.rsplit(":", 1)[0] if not bind.startswith("unix:") else "localhost"
        if not is_loopback(host):
            return f"the simulator is for this machine only; refusing to serve it on {bind}"
    return None


class _Embedded(BaseApplication):  # type: ignore[misc]
    """gunicorn run from our own command instead of from its command line."""

    def __init__(self, load: Callable[[], Any], options: dict[str, Any]) -> None:
        self._load = load
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self._options.items():
            self.cfg.set(name, value)

    def load(self) -> Any:
        return self._load()


def run(
    load: Callable[[], Any],
    host: str,
    port: int,
    *,
    announce: Callable[[str], None],
    err: TextIO = sys.stderr,
) -> int:
    """Serve ``load()``'s WSGI app with ``HeartWorker`` until SIGTERM or Ctrl-C.

    The app is built in the worker, after gevent has patched the standard library.
    ``announce`` gets the URL once the socket is listening (port 0 picks a free one).
    """
    shown = f"[{host}]" if ":" in host else host

    def when_ready(server: Any) -> None:
        bound = server.LISTENERS[0].sock.getsockname()[1]
        announce(f"http://{shown}:{bound}/")

    options = {
        **settings(workers=1),
        "bind": [f"{shown}:{port}"],
        "when_ready": when_ready,
        "loglevel": os.environ.get("HEART_SERVER_LOG_LEVEL", "warning"),
        "errorlog": "-",
    }
    try:
        _Embedded(load, options).run()
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 0
    return 0


# --- the config module: ``gunicorn -c python:skill.hosts.web.server`` ---------------------

worker_class = WORKER_CLASS
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_connections = settings()["worker_connections"]
keepalive = HEADER_TIMEOUT_S
graceful_timeout = GRACEFUL_TIMEOUT_S
limit_request_line = settings()["limit_request_line"]
limit_request_fields = settings()["limit_request_fields"]
limit_request_field_size = settings()["limit_request_field_size"]
control_socket_disable = True
post_worker_init = freeze_after_load
worker_exit = thaw_before_exit


def on_starting(server: Any) -> None:
    """Refuse to start what must not run on the open internet, before any worker forks."""
    from skill.hosts.web.app import WebOptions, check_key_salt

    options = WebOptions.from_env()
    reason = refuse_simulator_on_public_bind(list(server.cfg.bind), options.simulator)
    reason = reason or check_key_salt(os.environ, required=True)
    if reason:
        print(f"configuration error: {reason}", file=sys.stderr)
        sys.exit(2)
