"""Progressive responses: a short spoken line while the turn waits on a slow outside call.

Alexa's Directive service plays a ``VoicePlayer.Speak`` directive sent to it before the
skill's full response ("Send the User a Progressive Response", "Progressive Response REST
API Reference"): ``POST {apiEndpoint}/v1/directives`` with ``Authorization: Bearer
{apiAccessToken}`` and the body::

    {"header": {"requestId": "<the request's id>"},
     "directive": {"type": "VoicePlayer.Speak", "speech": "<speak>One moment.</speak>"}}

What the docs say, and what this module does with it:

- only while handling a LaunchRequest or IntentRequest, and only before the full response:
  ``send`` refuses any other request type, and the turn calls it before the slow call;
- the speech is SSML inside ``<speak>``: the line comes from content phrases, rendered by
  ``speech.to_ssml`` like every other reply;
- at most five progressive responses per request (the limit as the task was briefed; the
  excerpts of Amazon's pages read for this work don't state it): ``MAX_PER_REQUEST``,
  counted per request id.

What is assumed: a line is worth sending only before a call that can take more than a
second (the Reminders API, erasing a household), so a turn sends one at most. The call has
its own short timeout (``DEFAULT_TIMEOUT_S``), capped so that it always leaves the slow call
and the save their share of the turn's deadline (``keep``). A failure is logged by its
status code or error type only, and the turn goes on exactly as if nothing had been sent:
the couple merely waits in silence, as before.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request
from collections import OrderedDict
from collections.abc import Callable

from skill.runtime.deadline import Deadline
from skill.runtime.reply import Say
from skill.runtime.speech import to_ssml

log = logging.getLogger(__name__)

PATH = "/v1/directives"
#: A progressive line is a courtesy: it never waits long for Alexa's 204.
DEFAULT_TIMEOUT_S = 0.4
#: "You can send up to five progressive responses for each request" (Amazon's docs).
MAX_PER_REQUEST = 5
#: Request ids remembered for the per-request count (one warm Lambda answers many turns).
REMEMBERED_REQUESTS = 1024
#: The request types a progressive response may be sent for.
REQUEST_TYPES = frozenset({"LaunchRequest", "IntentRequest"})

#: (request, timeout) -> response body; injectable so tests can count or fail calls.
Fetch = Callable[[urllib.request.Request, float], bytes]


def _urlopen(request: urllib.request.Request, timeout: float) -> bytes:
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body: bytes = response.read(4096)
        return body


def directive_body(request_id: str, line: str) -> dict[str, object]:
    """The Directive service's body for speaking ``line`` (plain words, escaped here)."""
    return {
        "header": {"requestId": request_id},
        "directive": {"type": "VoicePlayer.Speak", "speech": to_ssml((Say(line),))},
    }


class ProgressiveClient:
    """Sends progressive lines to the Directive service at the endpoint each request names."""

    def __init__(self, timeout_s: float = DEFAULT_TIMEOUT_S, fetch: Fetch = _urlopen) -> None:
        self._timeout = timeout_s
        self._fetch = fetch
        self._sent: OrderedDict[str, int] = OrderedDict()
        self._lock = threading.Lock()

    def send(
        self,
        line: str,
        request_type: str,
        request_id: str,
        api_endpoint: str,
        token: str,
        deadline: Deadline | None = None,
        keep: float = 0.0,
    ) -> bool:
        """Speak ``line`` now, before the full response; True when the service took it.

        ``keep`` is the part of ``deadline`` that must stay for what the turn does next;
        when not even a sliver is left beyond it, nothing is sent. Never raises.
        """
        if request_type not in REQUEST_TYPES or not (line and request_id and api_endpoint):
            return False
        if not token:
            return False
        timeout = self._timeout if deadline is None else deadline.cap(self._timeout, keep=keep)
        if timeout <= 0.05:
            log.info("progressive_skipped error=deadline")
            return False
        if not self._count(request_id):
            log.info("progressive_skipped error=limit")
            return False
        data = json.dumps(directive_body(request_id, line), separators=(",", ":")).encode()
        request = urllib.request.Request(
            api_endpoint.rstrip("/") + PATH,
            data=data,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST",
        )
        try:
            self._fetch(request, timeout)
        except urllib.error.HTTPError as exc:
            log.warning("progressive_failed status=%s", exc.code)
            return False
        except (OSError, ValueError) as exc:  # URLError, timeouts, refused connections
            log.warning("progressive_failed error=%s", type(exc).__name__)
            return False
        return True

    def _count(self, request_id: str) -> bool:
        """Count one more line for ``request_id``; False past ``MAX_PER_REQUEST``."""
        with self._lock:
            sent = self._sent.pop(request_id, 0)
            self._sent[request_id] = sent + 1
            while len(self._sent) > REMEMBERED_REQUESTS:
                self._sent.popitem(last=False)
            return sent < MAX_PER_REQUEST
