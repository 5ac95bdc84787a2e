"""Guided active listening, hands-free: one partner has the floor, the other listens, then swap.

The runner walks an exercise's steps (see ``skill/runtime/exercises.py``). A timed turn needs nobody
to speak to the device: one response carries the instruction, the timed silence, a chime and
the next instruction, and then the skill waits for a cue word. Where the couple is lives in
the household (``ListeningProgress``), so a session that ends mid-exercise - "stop", "we need
a break", or Alexa closing it after the reprompt - can be picked up at the next launch within
a day. The session's context is ``listening`` while an exercise runs, so every intent reaches
``route`` first and "next", "repeat" or "go back" mean the right thing here.

Positions a couple can be waiting at: choosing who goes first (``first`` is -1); a step that
waits for a cue (``part`` 0); or between the parts of a long timed turn (``part`` > 0).

One job a module:

- ``library``: which exercises there are, and which to offer next.
- ``words``: phrases and narration as speech, names as segments of their own.
- ``context``: what every answer works from (``Here``), and how it keeps or forgets the place.
- ``choosing``: starting an exercise and settling who goes first.
- ``steps``: saying a step - narration, timed turn, chime, the closing words.
- ``moves``: next, back, skip, more time, start over, and answers that stay put.
- ``pausing``: pause, a break, stop, the session ending, and picking the place back up.
- ``offers``: the ways in from outside an exercise (launch offer, "resume", stray cue words).
- ``router``: which move each intent makes while an exercise runs.
- ``display``: what a screen shows.

This module declares the activity (``ACTIVITY``), the one thing the registry imports.
"""

from __future__ import annotations

from random import Random

from skill.runtime import intents
from skill.runtime.catalog import LocaleContent
from skill.runtime.flows.kit import journal
from skill.runtime.flows.kit.activity import Activity, Pass
from skill.runtime.flows.kit.context import FlowContext
from skill.runtime.flows.kit.events import Event
from skill.runtime.flows.listening.choosing import start
from skill.runtime.flows.listening.context import NAME, OFFERS, running
from skill.runtime.flows.listening.display import screen
from skill.runtime.flows.listening.library import title_of
from skill.runtime.flows.listening.offers import offer_resume, outside, resume, route_offer
from skill.runtime.flows.listening.pausing import keep_place
from skill.runtime.flows.listening.router import route
from skill.runtime.reply import Display, Reply
from skill.runtime.state import State


def _route(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply] | Pass | None:
    """An offer waiting for its yes or no, else the exercise in progress."""
    if state.session.place.offer in OFFERS:
        return route_offer(state, event, ctx)
    return route(state, event, ctx)


def _screen(state: State, content: LocaleContent, rng: Random) -> Display | None:
    """The exercise's screen while it runs; an offer waiting shows the home screen."""
    return screen(state, content, rng) if running(state) else None


ACTIVITY = Activity(
    name=NAME,
    intents={
        intents.LISTENING: start,
        intents.CUE: outside,
        intents.SKIP_STEP: outside,
        intents.MORE_TIME: outside,
        intents.BREAK: outside,
        intents.ME_FIRST: outside,
        intents.GOES_FIRST: outside,
        intents.RESUME: resume,
    },
    router=_route,
    screen=_screen,
    launch_offer=offer_resume,
    on_session_end=keep_place,
    journal_kind=journal.LISTENING,
    title=title_of,
    surprise=start,
)
