"""Where a couple is in a game's dialog: the session offers, and what means nothing there.

The place's ``offer`` tells the router what a bare "yes" or "no" answers; its ``retries``
count says a re-ask has been made, so a second unplaced answer takes the default.
"""

from __future__ import annotations

from skill.runtime import intents
from skill.runtime.flows.kit import places
from skill.runtime.state import Household, State

#: This activity's name: it holds the floor from the menu to "play again?".
NAME = "games"

#: The offers the game makes while it holds the floor.
PLAYING = "game_play"
MENU = "game_menu"
AGAIN = "game_again"
RESUME = "game_resume"
RESUME_NEW = "game_resume_new"
NO_GAME = "game_none"
#: The rules were just said: "ready?" starts round one.
READY = "game_ready"

#: Intents that mean nothing in a game: heard mid-play or at its offers, they are most
#: likely a misheard answer, so they get the game's re-ask rather than leaving the game.
NOISE = frozenset(
    {
        intents.FALLBACK,
        intents.FOLLOW_UP,
        intents.SAVE_FAVOURITE,
        intents.PLAY_FAVOURITE,
        intents.LAST_NIGHT,
        intents.SET_DEPTH,
        intents.QUESTION_ABOUT,
        intents.CLOSE,
        intents.PASS,
        # An exercise's or a gratitude round's words: they mean nothing at a game's offers.
        intents.CUE,
        intents.SKIP_STEP,
        intents.MORE_TIME,
        intents.BREAK,
        intents.ME_FIRST,
        intents.GOES_FIRST,
        intents.SWAP,
        intents.TALK_TIME,
    }
)


def at(state: State, household: Household, offer: str, retried: bool = False) -> State:
    """``household``, with the game holding the floor and waiting on ``offer`` (``retried``:
    one re-ask made there already)."""
    placed = places.at(State(household, state.session), NAME, offer)
    return places.retried(placed) if retried else placed
