"""Side effects a flow asks for, as plain data: the handler layer performs them.

Flows stay pure: when a turn needs the outside world (the Alexa Reminders API, or erasing the
household from the store), the flow returns a ``Reply`` carrying one of these requests. The
turn (``handlers/pipeline.py``) performs it once, then tells the dialog how it went with
an ``EFFECT_DONE`` event, and the flow chooses what to say. A re-applied turn (after a
storage conflict) reuses the result, so a reminder is never created twice.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

#: Effect kinds, which are also the ``intent`` of the ``EFFECT_DONE`` event reporting back.
REMINDER = "reminder"
FORGET = "forget"

#: How an effect turned out (``Event.slots["outcome"]`` of the ``EFFECT_DONE`` event).
OK = "ok"
#: The Reminders API refused the token (401/403): no permission, or it was revoked.
FORBIDDEN = "forbidden"
#: The reminder to change or cancel no longer exists (deleted in the Alexa app).
MISSING = "missing"
#: The API rejected the request itself (400): a bug or an impossible reminder.
REJECTED = "rejected"
#: Down, slow, unreachable, or no API endpoint in the request.
UNAVAILABLE = "unavailable"

CREATE = "create"
UPDATE = "update"
DELETE = "delete"


class ReminderCall(msgspec.Struct, frozen=True):
    """Create, move or cancel the couple's daily reminder.

    ``local_now`` is the request time in the couple's zone ``time_zone``; the adapter derives
    the first occurrence and the recurrence rule from it and ``hour``/``minute``.
    """

    action: str
    hour: int = 0
    minute: int = 0
    time_zone: str = ""
    locale: str = ""
    text: str = ""
    alert_token: str = ""
    local_now: datetime | None = None
    #: Set when retrying right after Alexa's permission dialog, so a refusal isn't re-asked.
    after_permission: bool = False


class ForgetHousehold(msgspec.Struct, frozen=True):
    """Erase everything stored for this household (after the couple said yes).

    ``cancel_reminder`` is the alert token of their reminder, cancelled first, best effort.
    """

    cancel_reminder: str = ""


Effect = ReminderCall | ForgetHousehold
