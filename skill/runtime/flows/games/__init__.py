"""Question games for two: how well do you know me, would you rather, finish the sentence,
two truths and a dream — played by voice, with turns by name and a running score.

Every play is one response: the question, a timed silence while the couple answers out loud
to each other (the microphone stays closed, so nothing they say reaches the skill), then one
closed question — "was that right?", "did you match?" — whose answer settles the play. The
answers themselves are never heard, said back or stored; only the verdicts are counted.

Progress lives in the household, not the session: the game, round, whose turn, scores and the
question ids used so far. A game cut off by a session end is offered again at the next launch
and carries on with the same scores. History keeps games played, best scores and a short
list of recently heard questions per game, so new games prefer questions not heard lately.

This package's face is its declaration, ``ACTIVITY`` (intent flows, the router, the screen,
the launch offer, the session-end flow, the recap title and the surprise); the parts, one job
each:

* ``catalogue`` — the games in the catalog, lookups, and the game a household is in;
* ``stored`` — the household's game progress and history, and drawing questions;
* ``offers`` — the session offers that say where a couple is in the game's dialog;
* ``lines`` — phrases with partners' names, points and the score as it stands;
* ``plays`` — how one play sounds, from question to verdict;
* ``playing`` — playing a play: settling its verdict, and the final summary;
* ``starting`` — starting a game, the menu, and the offer to carry one on;
* ``outside`` — the game intents heard outside a play, the launch offer, the session end;
* ``router`` — the activity router; ``screen`` — what a screen shows.

The turn-order and points arithmetic is ``skill.runtime.flows.kit.scoring``.
"""

from __future__ import annotations

from skill.runtime import intents
from skill.runtime.flows.games.catalogue import title_of
from skill.runtime.flows.games.offers import NAME
from skill.runtime.flows.games.outside import (
    end_game,
    how_to_play,
    offer_resume,
    on_session_end,
    pass_,
    play,
    rematch,
    score,
    surprise,
)
from skill.runtime.flows.games.router import route
from skill.runtime.flows.games.screen import screen
from skill.runtime.flows.kit import journal
from skill.runtime.flows.kit.activity import Activity
from skill.runtime.flows.kit.context import FlowContext
from skill.runtime.flows.kit.events import Event
from skill.runtime.reply import Reply
from skill.runtime.state import State


def _close(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """ "Close" is a game's verdict; heard outside a play it means nothing here."""
    return ctx.fallback(state, event)


ACTIVITY = Activity(
    name=NAME,
    intents={
        intents.PLAY_GAME: play,
        intents.CLOSE: _close,
        intents.PASS: pass_,
        intents.SCORE: score,
        intents.END_GAME: end_game,
        intents.REMATCH: rematch,
        intents.HOW_TO_PLAY: how_to_play,
    },
    router=route,
    screen=screen,
    launch_offer=offer_resume,
    on_session_end=on_session_end,
    journal_kind=journal.GAME,
    title=title_of,
    surprise=surprise,
)
