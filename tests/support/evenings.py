"""A couple who does everything, every night: the household a long-lived record must fit.

Each evening: launch, tonight's question, another one, save it as a favourite, last night's
question (a theme now and then, and back to any theme), a gratitude prompt, a listening
exercise (begun, a step, paused), a game (a few plays, put away), and the weekly recap. The
first evening also gives their names. Everything goes through ``lambda_function.handler``.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.support.dialog import Dialog

EVENING = (
    "open heart to heart",
    "tonight's question",
    "another one",
    "save that one",
    "what was last night's question",
    "stop",
    "ask heart to heart for a gratitude prompt",
    "ask heart to heart for a listening exercise",
    "next",
    "stop",
    "ask heart to heart to play would you rather",
    "yes",
    "no",
    "stop",
    "ask heart to heart what did we talk about this week",
)
#: Every activity once, nothing twice: the evening for decks many times today's, where each
#: draw scans the whole deck (the flows' cost, not the record's) and nights are slow to live.
ONCE_EACH = tuple(line for line in EVENING if line not in ("another one",))
#: Every tenth night they steer to a theme for a few nights, then back to any theme.
THEMES = {3: "a question about dreams", 6: "a question about any theme"}


def live_nights(
    dialog: Dialog,
    nights: int,
    after_night: Callable[[int], None] | None = None,
    evening: tuple[str, ...] = EVENING,
) -> None:
    """``nights`` evenings of everything; ``after_night(n)`` runs after night n (1-based)."""
    dialog.script("open heart to heart", "call us Sam and Alex", "stop")
    for night in range(1, nights + 1):
        for line in evening:
            dialog.say(line)
            if line == "tonight's question" and night % 10 in THEMES:
                dialog.say(THEMES[night % 10])
        dialog.next_night()
        if after_night is not None:
            after_night(night)
