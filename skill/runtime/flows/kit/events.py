"""What happened in a turn, reduced to what flows need (no ask-sdk types past this point)."""

from __future__ import annotations

from collections.abc import Mapping

import msgspec

LAUNCH = "launch"
INTENT = "intent"
SESSION_ENDED = "session_ended"
SKILL_DISABLED = "skill_disabled"
#: Alexa's answer to a permission request (Connections.Response to AskFor): ``slots`` holds
#: ``status`` (ACCEPTED, DENIED, NOT_ANSWERED) and the ``token`` the skill sent.
PERMISSION = "permission"
#: How an effect the flow asked for turned out (see ``skill/runtime/effects.py``): ``intent`` names
#: the effect kind, ``slots`` holds ``outcome`` and effect details such as ``alert_token``.
EFFECT_DONE = "effect_done"
#: Alexa handing the session back after a skill connection (``SessionResumedRequest``):
#: ``slots`` holds ``code`` (``cause.status.code``), ``reason`` and the ``token`` the skill sent.
RESUMED = "resumed"


class Event(msgspec.Struct, frozen=True):
    """One turn's input.

    ``slots`` holds resolved slot ids (``deep``, ``dreams``) that flows may act on and store;
    ``spoken`` holds the raw words for slots like names, which are never logged.
    """

    kind: str
    intent: str = ""
    slots: Mapping[str, str] = msgspec.field(default_factory=dict)
    spoken: Mapping[str, str] = msgspec.field(default_factory=dict)
    new_session: bool = False
    person_id: str = ""
    reason: str = ""
    #: Alexa can take this session over for a skill connection and hand it back (a routine
    #: offer): the request is in a session, from a device, for a skill with an id.
    can_connect: bool = False

    def is_intent(self, *names: str) -> bool:
        return self.kind == INTENT and self.intent in names
