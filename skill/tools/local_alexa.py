"""Alexa's service APIs, played locally for the chat: reminders and the device time zone.

A device request carries ``apiEndpoint`` and an ``apiAccessToken``; the skill calls Amazon's
Settings and Reminders APIs there. ``heart-to-heart chat`` points its requests at this small
server on 127.0.0.1 instead, so a nightly reminder can be set, moved and cancelled locally.
Like Alexa's, a token only works for reminders once the couple granted that permission: the
chat's tokens name the scopes they carry (``token_with``), and the chat grants the reminders
scope when it answers Alexa's permission question for the couple.
"""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"
_REMINDERS = "/v1/alerts/reminders"


def token_with(base: str, scopes: set[str]) -> str:
    """A local access token carrying ``scopes``."""
    return "|".join([base, *sorted(scopes)]) if scopes else base


def scopes_in(token: str) -> set[str]:
    return set(token.split("|")[1:])


class LocalAlexaApi:
    """The Settings API's time zone and an in-memory Reminders API, on 127.0.0.1."""

    def __init__(self, time_zone: str = "") -> None:
        self.time_zone = time_zone
        self.reminders: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            return ""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> str:
        """Serve in a daemon thread; returns the base URL."""
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                status, reply = api.answer(self.command, self.path, token, body)
                payload = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self.url

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def answer(self, method: str, path: str, token: str, body: bytes) -> tuple[int, Any]:
        """One API call: (HTTP status, JSON reply)."""
        if method == "GET" and path.endswith("/settings/System.timeZone"):
            return (200, self.time_zone) if self.time_zone else (404, {"message": "not set"})
        if not path.startswith(_REMINDERS):
            return 404, {"message": "no such API here"}
        if REMINDERS_SCOPE not in scopes_in(token):
            return 401, {"code": "UNAUTHORIZED", "message": "reminders permission not granted"}
        item = path[len(_REMINDERS) :].strip("/")
        with self._lock:
            if method == "GET" and not item:
                return 200, {"alerts": list(self.reminders.values())}
            if method == "DELETE":
                found = self.reminders.pop(item, None)
                return (200, {}) if found else (404, {"code": "NOT_FOUND"})
            try:
                reminder = json.loads(body)
            except ValueError:
                return 400, {"code": "INVALID_REQUEST"}
            if not isinstance(reminder, dict) or "trigger" not in reminder:
                return 400, {"code": "INVALID_TRIGGER"}
            if method == "POST" and not item:
                item = f"local-{uuid.uuid4()}"
            elif method != "PUT" or item not in self.reminders:
                return 404, {"code": "NOT_FOUND"}
            self.reminders[item] = {**reminder, "alertToken": item, "status": "ON"}
            return (200 if method == "PUT" else 201), {"alertToken": item, "status": "ON"}
