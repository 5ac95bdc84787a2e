"""Where a couple is in a game's dialog: the session offers, and what means nothing there.

The session's ``offer`` tells the router what a bare "yes" or "no" answers; a ``_retry``
suffix marks that one re-ask has been made, so a second unplaced answer takes the default.
"""

from __future__ import annotations

import dataclasses

from skill.runtime import intents
from skill.runtime.state import Household, State

CONTEXT = "game"

#: Session offers while the game context is active; a ``_retry`` suffix marks one re-ask made.
PLAYING = "game_play"
MENU = "game_menu"
AGAIN = "game_again"
RESUME = "game_resume"
RESUME_NEW = "game_resume_new"
NO_GAME = "game_none"
RETRY = "_retry"

#: Intents of tonight's question that mean nothing in a game: heard mid-play, they are most
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
    }
)


def at(state: State, household: Household, offer: str) -> State:
    """``household`` with the session put in the game context, waiting on ``offer``."""
    session = dataclasses.replace(state.session, context=CONTEXT, offer=offer)
    return State(household, session)
