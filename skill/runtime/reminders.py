"""The Alexa Reminders API, as the turn uses it: create, update and delete one daily reminder.

Flows never call this: they return a ``ReminderCall`` effect, and the turn runs it here.
The base URL is the request's ``context.System.apiEndpoint`` and the bearer token its
``apiAccessToken`` (which carries the couple's reminders permission once granted). Calls have
a short timeout (about 1.5 s) because Alexa gives the whole turn 8 s, and every failure
becomes an outcome the flow can speak about; nothing here raises.

Request body (``POST /v1/alerts/reminders``, ``PUT /v1/alerts/reminders/{alertToken}``)::

    {"requestTime": "2026-12-01T20:00:00.000",
     "trigger": {"type": "SCHEDULED_ABSOLUTE",
                 "scheduledTime": "2026-12-01T21:00:00.000",      # no trailing Z: local time
                 "timeZoneId": "America/New_York",
                 "recurrence": {"startDateTime": "2026-12-01T21:00:00.000",
                                "recurrenceRules": ["FREQ=DAILY;BYHOUR=21;BYMINUTE=0;BYSECOND=0"]}},
     "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "..."}]}},
     "pushNotification": {"status": "ENABLED"}}
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import msgspec

from skill.runtime import effects
from skill.runtime.deadline import Deadline
from skill.runtime.effects import ReminderCall

#: Seconds of the turn's deadline a Reminders API call leaves for saving the household.
KEEP_S = 0.6

log = logging.getLogger(__name__)

#: (request, timeout) -> response body; injectable so tests serve the API on 127.0.0.1.
Fetch = Callable[[urllib.request.Request, float], bytes]

PATH = "/v1/alerts/reminders"
DEFAULT_TIMEOUT_S = 1.5
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.000"


def _urlopen(request: urllib.request.Request, timeout: float) -> bytes:
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body: bytes = response.read(65536)
        return body


class ReminderResult(msgspec.Struct, frozen=True):
    """How a call went (one of the ``skill.runtime.effects`` outcomes) and the reminder's id."""

    outcome: str
    alert_token: str = ""


def first_occurrence(local_now: datetime, hour: int, minute: int) -> datetime:
    """The next time the clock shows ``hour:minute`` after ``local_now`` (naive local time)."""
    first = local_now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return first if first > local_now else first + timedelta(days=1)


def reminder_body(call: ReminderCall) -> dict[str, Any]:
    """The JSON body for creating or updating the daily reminder ``call`` describes."""
    now = call.local_now or datetime(2000, 1, 1)
    first = first_occurrence(now, call.hour, call.minute).strftime(_TIME_FORMAT)
    rule = f"FREQ=DAILY;BYHOUR={call.hour};BYMINUTE={call.minute};BYSECOND=0"
    return {
        "requestTime": now.strftime(_TIME_FORMAT),
        "trigger": {
            "type": "SCHEDULED_ABSOLUTE",
            "scheduledTime": first,
            "timeZoneId": call.time_zone,
            "recurrence": {"startDateTime": first, "recurrenceRules": [rule]},
        },
        "alertInfo": {"spokenInfo": {"content": [{"locale": call.locale, "text": call.text}]}},
        "pushNotification": {"status": "ENABLED"},
    }


class RemindersClient:
    """Talks to the Reminders API at the endpoint each request names."""

    def __init__(self, timeout_s: float = DEFAULT_TIMEOUT_S, fetch: Fetch = _urlopen) -> None:
        self._timeout = timeout_s
        self._fetch = fetch

    def perform(
        self,
        call: ReminderCall,
        api_endpoint: str,
        token: str,
        deadline: Deadline | None = None,
    ) -> ReminderResult:
        """Run ``call`` (create, update or delete) within the turn's ``deadline``; never
        raises."""
        if not (api_endpoint and token):
            log.warning("reminders_api_unavailable error=no_endpoint")
            return ReminderResult(effects.UNAVAILABLE)
        if call.action == effects.DELETE:
            return self.delete(call.alert_token, api_endpoint, token, deadline)
        body = reminder_body(call)
        if call.action == effects.UPDATE and call.alert_token:
            updated = self._send(
                "PUT", _item(call.alert_token), api_endpoint, token, body, deadline
            )
            if updated.outcome != effects.MISSING:
                return ReminderResult(updated.outcome, updated.alert_token or call.alert_token)
            # Deleted in the Alexa app meanwhile: make a new one instead.
        return self._send("POST", PATH, api_endpoint, token, body, deadline)

    def delete(
        self, alert_token: str, api_endpoint: str, token: str, deadline: Deadline | None = None
    ) -> ReminderResult:
        """Delete the reminder; one already gone reports ``MISSING``."""
        if not (api_endpoint and token and alert_token):
            return ReminderResult(effects.UNAVAILABLE)
        return self._send("DELETE", _item(alert_token), api_endpoint, token, None, deadline)

    def _send(
        self,
        method: str,
        path: str,
        api_endpoint: str,
        token: str,
        body: dict[str, Any] | None,
        deadline: Deadline | None = None,
    ) -> ReminderResult:
        timeout = self._timeout if deadline is None else deadline.cap(self._timeout, keep=KEEP_S)
        if timeout <= 0:
            log.warning("reminders_api_unavailable method=%s error=deadline", method)
            return ReminderResult(effects.UNAVAILABLE)
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body, separators=(",", ":")).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(
            api_endpoint.rstrip("/") + path, data=data, headers=headers, method=method
        )
        try:
            raw = self._fetch(request, timeout)
        except urllib.error.HTTPError as exc:
            # 401/403 is the normal way to learn permission is missing: not worth a warning.
            level = logging.INFO if exc.code in (401, 403) else logging.WARNING
            log.log(level, "reminders_api_error method=%s status=%s", method, exc.code)
            return ReminderResult(_outcome_for(exc.code))
        except (OSError, ValueError) as exc:  # URLError, timeouts, refused connections
            log.warning("reminders_api_unavailable method=%s error=%s", method, type(exc).__name__)
            return ReminderResult(effects.UNAVAILABLE)
        return ReminderResult(effects.OK, _alert_token(raw))


def _item(alert_token: str) -> str:
    return f"{PATH}/{urllib.parse.quote(alert_token, safe='')}"


def _outcome_for(status: int) -> str:
    if status in (401, 403):
        return effects.FORBIDDEN
    if status == 404:
        return effects.MISSING
    if status == 400:
        return effects.REJECTED
    return effects.UNAVAILABLE


def _alert_token(raw: bytes) -> str:
    try:
        value: Any = json.loads(raw) if raw else {}
    except ValueError:
        return ""
    token = value.get("alertToken") if isinstance(value, dict) else None
    return token if isinstance(token, str) else ""
