"""Build Alexa request envelopes shaped like the real ones, for the chat, simulator and tests.

Slots carry entity-resolution blocks exactly as Alexa sends them, so the handlers read a
locally made request the same way they read one from an Echo.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from skill.runtime import apl
from skill.tools.local_alexa import token_with
from skill.tools.nlu import SlotValue

LOCAL_SKILL_ID = "amzn1.ask.skill.heart-to-heart-local"
APL_MAX_VERSION = "2023.3"
#: Screens a simulated device can have: (shape, width, height) in pixels at 160 dpi.
SCREENS = {"landscape": ("RECTANGLE", 1280, 800), "round": ("ROUND", 480, 480)}


@dataclass
class Conversation:
    """One simulated device and account: who is talking, and the session in progress."""

    user_id: str
    locale: str = "en-US"
    skill_id: str = LOCAL_SKILL_ID
    device_id: str = "amzn1.ask.device.local"
    person_id: str = ""
    api_endpoint: str = ""
    api_token: str = ""
    session_id: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)
    #: Permission scopes the couple granted the skill (the access token carries them).
    scopes: set[str] = field(default_factory=set)
    #: The device's screen: "" for none (an Echo), "landscape" (an Echo Show) or "round"
    #: (an Echo Spot). A device with a screen claims APL in its supported interfaces.
    screen: str = ""

    @property
    def in_session(self) -> bool:
        return bool(self.session_id)

    def _base(self, request: dict[str, Any], new: bool) -> dict[str, Any]:
        if new or not self.session_id:
            self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
            self.attributes = {}
            new = True
        application = {"applicationId": self.skill_id}
        user: dict[str, Any] = {"userId": self.user_id}
        if self.scopes:
            user["permissions"] = {
                "scopes": {scope: {"status": "GRANTED"} for scope in sorted(self.scopes)}
            }
        interfaces: dict[str, Any] = {}
        if self.screen:
            interfaces[apl.INTERFACE] = {"runtime": {"maxVersion": APL_MAX_VERSION}}
        system: dict[str, Any] = {
            "application": application,
            "user": user,
            "device": {"deviceId": self.device_id, "supportedInterfaces": interfaces},
        }
        if self.api_endpoint:
            system["apiEndpoint"] = self.api_endpoint
            system["apiAccessToken"] = token_with(self.api_token, self.scopes)
        if self.person_id:
            system["person"] = {"personId": self.person_id}
        context: dict[str, Any] = {"System": system}
        if self.screen:
            context["Viewport"] = _viewport(self.screen)
        return {
            "version": "1.0",
            "session": {
                "new": new,
                "sessionId": self.session_id,
                "application": application,
                "user": user,
                "attributes": dict(self.attributes),
            },
            "context": context,
            "request": request,
        }

    def launch(self, now: datetime) -> dict[str, Any]:
        return self._base(_request("LaunchRequest", now, self.locale), new=True)

    def intent(
        self,
        name: str,
        now: datetime,
        slots: dict[str, SlotValue] | None = None,
        new: bool = False,
    ) -> dict[str, Any]:
        request = _request("IntentRequest", now, self.locale)
        request["dialogState"] = "STARTED"
        request["intent"] = {
            "name": name,
            "confirmationStatus": "NONE",
            "slots": {k: _slot(k, v) for k, v in (slots or {}).items()},
        }
        return self._base(request, new=new)

    def session_ended(self, now: datetime, reason: str = "USER_INITIATED") -> dict[str, Any]:
        request = _request("SessionEndedRequest", now, self.locale)
        request["reason"] = reason
        return self._base(request, new=False)

    def connections_response(
        self, now: datetime, name: str, status: str, token: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """Alexa's answer to a ``Connections.SendRequest`` (for example a permission AskFor)."""
        request = _request("Connections.Response", now, self.locale)
        request.update(name=name, status={"code": "200", "message": "OK"}, token=token)
        request["payload"] = {**payload, "status": status}
        return self._base(request, new=False)

    def session_resumed(
        self, now: datetime, token: str, code: str, reason: str = ""
    ) -> dict[str, Any]:
        """Alexa handing the session back after a ``Connections.StartConnection`` (a routine
        offer): ``code`` is ``cause.status.code``, ``reason`` why no routine was made."""
        request = _request("SessionResumedRequest", now, self.locale)
        result: dict[str, Any] = {}
        if reason:
            result = {"offerAutomationResponse": {"reason": reason}}
        request["cause"] = {
            "type": "ConnectionCompleted",
            "token": token,
            "status": {"code": code, "message": "OK" if code.startswith("2") else "Error"},
            "result": result,
        }
        return self._base(request, new=False)

    def absorb(self, response: dict[str, Any]) -> bool:
        """Take the response's session attributes; return whether the session stays open.

        A response that hands over to Alexa (a ``Connections.SendRequest`` or
        ``StartConnection`` with no ``shouldEndSession``) pauses the session rather than
        ending it.
        """
        body = response.get("response", {})
        handed_over = "shouldEndSession" not in body and any(
            d.get("type") in ("Connections.SendRequest", "Connections.StartConnection")
            for d in body.get("directives") or []
        )
        open_ = body.get("shouldEndSession") is False or handed_over
        if open_:
            self.attributes = dict(response.get("sessionAttributes") or {})
        else:
            self.session_id = ""
            self.attributes = {}
        return open_


def _viewport(screen: str) -> dict[str, Any]:
    """What a device with a screen reports about it (``context.Viewport``)."""
    shape, width, height = SCREENS.get(screen, SCREENS["landscape"])
    return {
        "experiences": [{"arcMinuteWidth": 246, "arcMinuteHeight": 144, "canRotate": False}],
        "mode": "HUB",
        "shape": shape,
        "pixelWidth": width,
        "pixelHeight": height,
        "dpi": 160,
        "currentPixelWidth": width,
        "currentPixelHeight": height,
        "touch": ["SINGLE"],
    }


def _request(kind: str, now: datetime, locale: str) -> dict[str, Any]:
    return {
        "type": kind,
        "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
        "timestamp": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "locale": locale,
    }


def _slot(name: str, value: SlotValue) -> dict[str, Any]:
    slot: dict[str, Any] = {"name": name, "value": value.spoken, "confirmationStatus": "NONE"}
    authority = f"amzn1.er-authority.echo-sdk.local.{name}"
    if value.value_id is not None:
        slot["resolutions"] = {
            "resolutionsPerAuthority": [
                {
                    "authority": authority,
                    "status": {"code": "ER_SUCCESS_MATCH"},
                    "values": [{"value": {"name": value.value_name, "id": value.value_id}}],
                }
            ]
        }
    else:
        slot["resolutions"] = {
            "resolutionsPerAuthority": [
                {"authority": authority, "status": {"code": "ER_SUCCESS_NO_MATCH"}}
            ]
        }
    return slot
