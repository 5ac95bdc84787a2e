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

This package's face is what the dialog registers (intent flows, the activity router, the
screen, the launch offer and the session-end flow); the parts, one job each:

* ``catalogue`` — the games in the catalog, lookups, and the game a household is in;
* ``stored`` — the household's game progress and history, and drawing questions;
* ``offers`` — the session offers that say where a couple is in the game's dialog;
* ``lines`` — phrases with partners' names, points and the score as it stands;
* ``plays`` — how one play sounds, from question to verdict;
* ``turns`` — playing a turn: settling its verdict, and the final summary;
* ``starting`` — starting a game, the menu, and the offer to carry one on;
* ``outside`` — the game intents heard outside a play, the launch offer, the session end;
* ``router`` — the activity router; ``screen`` — what a screen shows.

The turn-order and points arithmetic is ``skill.runtime.flows.scoring``.
"""

from __future__ import annotations

from skill.runtime.flows.games.catalogue import find_game, games_of, in_progress, title_of
from skill.runtime.flows.games.offers import (
    AGAIN,
    CONTEXT,
    MENU,
    NO_GAME,
    PLAYING,
    RESUME,
    RESUME_NEW,
    RETRY,
)
from skill.runtime.flows.games.outside import (
    end_game,
    offer_resume,
    on_session_end,
    pass_,
    play,
    score,
)
from skill.runtime.flows.games.router import route
from skill.runtime.flows.games.screen import screen
from skill.runtime.flows.games.starting import start
from skill.runtime.flows.games.stored import MAX_HEARD, record_of

__all__ = [
    "AGAIN",
    "CONTEXT",
    "MAX_HEARD",
    "MENU",
    "NO_GAME",
    "PLAYING",
    "RESUME",
    "RESUME_NEW",
    "RETRY",
    "end_game",
    "find_game",
    "games_of",
    "in_progress",
    "offer_resume",
    "on_session_end",
    "pass_",
    "play",
    "record_of",
    "route",
    "score",
    "screen",
    "start",
    "title_of",
]
