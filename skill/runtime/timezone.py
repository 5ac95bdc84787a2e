"""The couple's time zone, from the Alexa Settings API, so "tonight" is their tonight.

The call is short (a timeout of about a second) and cached per device, because a slow
answer here would eat into Alexa's 8-second budget; any failure falls back to the default.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import OrderedDict
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from skill.runtime.deadline import Deadline

log = logging.getLogger(__name__)

#: (request, timeout) -> response body; injectable so tests serve the API on 127.0.0.1.
Fetch = Callable[[urllib.request.Request, float], bytes]

CACHE_SECONDS = 3600
#: The most of a turn's remaining time the lookup may take: the store and the reply need
#: the rest, and the default time zone is a fine answer.
SHARE = 0.3
CACHE_SIZE = 1024


def _urlopen(request: urllib.request.Request, timeout: float) -> bytes:
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body: bytes = response.read(4096)
        return body


class TimeZoneLookup:
    """Ask the Settings API for a device's time zone, with a bounded per-device cache."""

    def __init__(
        self,
        timeout_s: float = 1.0,
        fetch: Fetch = _urlopen,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._timeout = timeout_s
        self._fetch = fetch
        self._clock = clock
        self._cache: OrderedDict[str, tuple[float, str]] = OrderedDict()

    def lookup(
        self, api_endpoint: str, device_id: str, token: str, deadline: Deadline | None = None
    ) -> str | None:
        """The IANA zone name for the device, or None when it can't be had quickly: within
        its own timeout and at most ``SHARE`` of what is left of the turn's ``deadline``."""
        if not (api_endpoint and device_id and token):
            return None
        cached = self._cache.get(device_id)
        if cached and self._clock() - cached[0] < CACHE_SECONDS:
            self._cache.move_to_end(device_id)
            return cached[1]
        timeout = self._timeout if deadline is None else deadline.cap(self._timeout, SHARE)
        if timeout <= 0:
            return None
        name = self._fetch_zone(api_endpoint, device_id, token, timeout)
        if name:
            self._cache[device_id] = (self._clock(), name)
            self._cache.move_to_end(device_id)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return name

    def _fetch_zone(
        self, api_endpoint: str, device_id: str, token: str, timeout: float
    ) -> str | None:
        url = (
            api_endpoint.rstrip("/")
            + "/v2/devices/"
            + urllib.parse.quote(device_id, safe="")
            + "/settings/System.timeZone"
        )
        request = urllib.request.Request(
            url, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"}
        )
        try:
            body = self._fetch(request, timeout)
            value: Any = json.loads(body)
        except urllib.error.HTTPError as exc:
            log.warning("settings_api_error status=%s", exc.code)
            return None
        except (OSError, ValueError) as exc:
            log.warning("settings_api_unavailable error=%s", type(exc).__name__)
            return None
        if not isinstance(value, str):
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            log.warning("settings_api_unknown_zone")
            return None
        return value
