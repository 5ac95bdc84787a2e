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
- ``turn``: what every answer works from, and how it keeps or forgets the place.
- ``choosing``: starting an exercise and settling who goes first.
- ``steps``: saying a step - narration, timed turn, chime, the closing words.
- ``moves``: next, back, skip, more time, start over, and answers that stay put.
- ``pausing``: pause, a break, stop, the session ending, and picking the place back up.
- ``offers``: the ways in from outside an exercise (launch offer, "resume", stray cue words).
- ``router``: which move each intent makes while an exercise runs.
- ``display``: what a screen shows.

This module is the face the rest of the skill uses (``dialog``, ``evening``, the journal).
"""

from __future__ import annotations

from skill.runtime.flows import journal
from skill.runtime.flows.listening.choosing import start
from skill.runtime.flows.listening.display import screen
from skill.runtime.flows.listening.library import catalogue, find, suggest, title_of
from skill.runtime.flows.listening.offers import (
    OFFER_CONTEXT,
    OFFER_RESUME,
    OFFER_START,
    offer_resume,
    outside,
    resume,
    route_offer,
)
from skill.runtime.flows.listening.pausing import RESUME_WINDOW_S, keep_place, resumable
from skill.runtime.flows.listening.router import route
from skill.runtime.flows.listening.turn import CONTEXT
from skill.runtime.flows.listening.words import render

__all__ = [
    "CONTEXT",
    "OFFER_CONTEXT",
    "OFFER_RESUME",
    "OFFER_START",
    "RESUME_WINDOW_S",
    "catalogue",
    "find",
    "keep_place",
    "offer_resume",
    "outside",
    "render",
    "resumable",
    "resume",
    "route",
    "route_offer",
    "screen",
    "start",
    "suggest",
    "title_of",
]

journal.TITLES[journal.LISTENING] = title_of
