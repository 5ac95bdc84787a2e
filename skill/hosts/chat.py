"""The local chat: typed lines in, what Alexa would say out, through the real skill.

Each line is resolved by the local NLU into the request Alexa would send, passed to the same
``HeartSkill.invoke`` that Lambda calls, and the response is read back as text. An empty line
is silence: the reprompt once, then the session ends as it would on a device.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from skill.runtime.speech import parse_ssml, playing_seconds, ssml_to_text
from skill.tools.envelopes import Conversation
from skill.tools.nlu import Resolver


@dataclass(frozen=True)
class ChatTurn:
    """One exchange as the chat shows it, with the raw JSON for the simulator's panel."""

    said: str
    speech: str
    reprompt: str
    session_open: bool
    request: dict[str, Any] | None = None
    response: dict[str, Any] | None = None
    silent_turn: bool = False
    #: How the chat answered Alexa's permission question on the couple's behalf, if it asked.
    permission: str = ""


@dataclass
class Clock:
    """Request timestamps.

    By default the clock is simulated: it starts at ``now`` and moves a few seconds a turn
    (and, with the fast clock, by however long each response plays). With ``real_time`` it
    follows the wall clock from ``now``, so a couple who waits out a two-minute silence in the
    terminal really spends two minutes. ``advance`` moves either kind on ("next night").
    """

    now: datetime
    step: timedelta = field(default=timedelta(seconds=5))
    real_time: bool = False
    _started: float = field(default_factory=time.monotonic, repr=False)

    def tick(self) -> datetime:
        if self.real_time:
            return self.now + timedelta(seconds=time.monotonic() - self._started)
        current = self.now
        self.now = self.now + self.step
        return current

    def advance(self, delta: timedelta) -> None:
        self.now = self.now + delta


class ChatSession:
    """A conversation with the skill from typed text.

    ``invoke`` is anything that answers a request envelope: ``HeartSkill.invoke`` in the chat,
    the Lambda ``handler`` in tests, an HTTP call in the simulator.
    """

    def __init__(
        self,
        invoke: Callable[[dict[str, Any]], dict[str, Any]],
        resolver: Resolver,
        conversation: Conversation,
        clock: Clock,
        on_exchange: Callable[[ChatTurn], None] | None = None,
        permission_answer: str | None = "ACCEPTED",
        routine_answer: str | None = "200",
    ) -> None:
        self.invoke = invoke
        self.resolver = resolver
        self.conversation = conversation
        self.clock = clock
        #: How to answer Alexa's permission questions (ACCEPTED, DENIED, NOT_ANSWERED), or
        #: None to leave them unanswered.
        self.permission_answer = permission_answer
        #: How Alexa's routine offer ends (the ``SessionResumedRequest`` status code: "200"
        #: created, "204" declined, "500" an error), or None to leave the hand-over as it is.
        self.routine_answer = routine_answer
        self._answering = False
        self._silences = 0
        self._last_reprompt = ""
        self._on_exchange = on_exchange
        #: The (intent, slot) the last response elicited (``Dialog.ElicitSlot``), if any.
        self._eliciting: tuple[str, str] | None = None
        #: Move the clock on by how long each response plays (its timed silences, sounds
        #: and speech), so a twenty-minute exercise takes twenty simulated minutes.
        self.fast_clock = False

    def say(self, text: str) -> ChatTurn:
        """Resolve and send one utterance; an empty one is silence."""
        resolution = self.resolver.resolve(text)
        conv = self.conversation
        if resolution.kind == "empty":
            return self._silence(text)
        self._silences = 0
        now = self.clock.tick()
        if resolution.kind == "launch":
            request = conv.launch(now)
        else:
            if self._eliciting is not None and conv.in_session:
                # Alexa hears a bare value as the slot it was asked to elicit.
                resolution = self.resolver.elicited(*self._eliciting, text) or resolution
            request = conv.intent(
                resolution.intent,
                now,
                resolution.slots,
                new=resolution.one_shot or not conv.in_session,
            )
        return self._send(text, request)

    def end(self, reason: str = "USER_INITIATED") -> ChatTurn | None:
        """Close an open session the way Alexa would (for example when the chat exits)."""
        if not self.conversation.in_session:
            return None
        return self._send("", self.conversation.session_ended(self.clock.tick(), reason))

    def _silence(self, text: str) -> ChatTurn:
        if not self.conversation.in_session:
            return ChatTurn(text, "", "", False, silent_turn=True)
        self._silences += 1
        if self._silences == 1 and self._last_reprompt:
            return ChatTurn(text, self._last_reprompt, self._last_reprompt, True, silent_turn=True)
        self._silences = 0
        turn = self.end("EXCEEDED_MAX_REPROMPTS")
        return turn or ChatTurn(text, "", "", False, silent_turn=True)

    def _send(self, text: str, request: dict[str, Any]) -> ChatTurn:
        response = self.invoke(request)
        body = response.get("response", {})
        speech = ssml_to_text(body.get("outputSpeech", {}).get("ssml", ""))
        reprompt = ssml_to_text(body.get("reprompt", {}).get("outputSpeech", {}).get("ssml", ""))
        session_open = self.conversation.absorb(response)
        if self.fast_clock:
            played = playing_seconds(parse_ssml(body.get("outputSpeech", {}).get("ssml", "")))
            self.clock.advance(timedelta(seconds=played))
        self._last_reprompt = reprompt if session_open else ""
        self._eliciting = _elicited_slot(body) if session_open else None
        turn = ChatTurn(text, speech, reprompt, session_open, request, response)
        if self._on_exchange:
            self._on_exchange(turn)
        offered = _routine_offer(body)
        if offered is not None and self.routine_answer and not self._answering:
            self._answering = True
            try:
                return self._answer_routine(text, offered)
            finally:
                self._answering = False
        asked = _permission_request(body)
        if asked is not None and self.permission_answer and not self._answering:
            self._answering = True  # Alexa asks once per request; never loop
            try:
                return self._answer_permission(text, asked)
            finally:
                self._answering = False
        return turn

    def _answer_routine(self, text: str, directive: dict[str, Any]) -> ChatTurn:
        """Play Alexa's routine offer: the couple answers it, and Alexa hands back the session
        with the outcome (``routine_answer``: 204 means they declined)."""
        code = self.routine_answer or "500"
        reason = "REJECTED_BY_CUSTOMER" if code == "204" else ""
        token = str(directive.get("token", ""))
        request = self.conversation.session_resumed(self.clock.tick(), token, code, reason)
        return self._send(text, request)

    def _answer_permission(self, text: str, directive: dict[str, Any]) -> ChatTurn:
        """Play Alexa's permission dialog: answer for the couple, then send Alexa's result."""
        answer = self.permission_answer or "NOT_ANSWERED"
        scopes = directive.get("payload", {}).get("permissionScopes") or [{}]
        scope = str(scopes[0].get("permissionScope", ""))
        if answer == "ACCEPTED" and scope:
            self.conversation.scopes.add(scope)
        request = self.conversation.connections_response(
            self.clock.tick(),
            str(directive.get("name", "")),
            answer,
            str(directive.get("token", "")),
            {"permissionScope": scope},
        )
        turn = self._send(text, request)
        return ChatTurn(
            turn.said,
            turn.speech,
            turn.reprompt,
            turn.session_open,
            turn.request,
            turn.response,
            turn.silent_turn,
            permission=answer,
        )


def _routine_offer(body: dict[str, Any]) -> dict[str, Any] | None:
    """The ``AMAZON.OfferAutomation`` connection in a response body, if there is one."""
    for directive in body.get("directives") or []:
        if directive.get("type") == "Connections.StartConnection" and "OfferAutomation" in str(
            directive.get("uri", "")
        ):
            return dict(directive)
    return None


def _permission_request(body: dict[str, Any]) -> dict[str, Any] | None:
    """The AskFor permission directive in a response body, if there is one."""
    for directive in body.get("directives") or []:
        if directive.get("type") == "Connections.SendRequest" and directive.get("name") == "AskFor":
            return dict(directive)
    return None


def _elicited_slot(body: dict[str, Any]) -> tuple[str, str] | None:
    """The intent and slot a ``Dialog.ElicitSlot`` directive in a response body asks for."""
    for directive in body.get("directives") or []:
        if directive.get("type") == "Dialog.ElicitSlot":
            intent = str((directive.get("updatedIntent") or {}).get("name", ""))
            return (intent, str(directive.get("slotToElicit", ""))) if intent else None
    return None
