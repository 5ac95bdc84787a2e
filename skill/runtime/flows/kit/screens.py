"""What a screen shows with each spoken reply, decided here and in the activities, never how.

A flow may say exactly what to show (``Reply.with_display``, as a timed turn does) or give a
card (tonight's question, a gratitude prompt), which the screen shows too. Otherwise the
activity holding the floor describes where the couple is now (its ``Activity.screen``), and
anything else gets the calm home screen, so a screen never keeps showing a question the
couple has moved on from. Rendering (APL, only for devices that have it) is
``skill/runtime/apl.py``'s business.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from random import Random

from skill.runtime.catalog import LocaleContent
from skill.runtime.reply import Display, Reply
from skill.runtime.state import State

#: An activity's screen for the state it leaves the session in; None for the home screen.
ScreenFn = Callable[[State, LocaleContent, Random], Display | None]


def home(content: LocaleContent, rng: Random) -> Display:
    """The skill's name, a quiet line and one thing to try saying."""
    return Display(
        title=content.phrase("screen.home.title", rng),
        text=content.phrase("screen.home.text", rng),
        footer=content.phrase("screen.home.hint", rng),
    )


def attach(
    state: State,
    reply: Reply,
    content: LocaleContent,
    rng: Random,
    screens: Mapping[str, ScreenFn],
) -> Reply:
    """``reply`` with what to show: its own display, else its card, else the activity's
    screen for where the session is now, else the home screen. Silent replies show nothing."""
    if not reply.speech or reply.display is not None:
        return reply
    if reply.card is not None:
        return reply.with_display(Display(title=reply.card.title, text=reply.card.text))
    screen = screens.get(state.session.place.activity)
    shown = screen(state, content, rng) if screen is not None else None
    return reply.with_display(shown if shown is not None else home(content, rng))
