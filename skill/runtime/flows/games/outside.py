"""The game intents heard outside a play: "let's play a game", "what's the score", "end the
game" and "pass" routed as usual, plus the launch offer and the session-end tidy-up.

Outside play the game in question is the household's stored one, so these never guess: with
no unfinished game they say so and offer to play.
"""

from __future__ import annotations

from datetime import datetime
from random import Random

from skill.runtime import intents
from skill.runtime.catalog import LocaleContent
from skill.runtime.flows import people, scoring, tonight, top
from skill.runtime.flows.events import Event
from skill.runtime.flows.games.catalogue import find_game, in_progress
from skill.runtime.flows.games.lines import Lines
from skill.runtime.flows.games.offers import RESUME, RESUME_NEW
from skill.runtime.flows.games.starting import menu, no_game, offer_score, offer_to_resume, start
from skill.runtime.flows.games.stored import unstruck
from skill.runtime.flows.games.turns import finish
from skill.runtime.reply import Pause, Reply
from skill.runtime.state import State


def play(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """ "Let's play a game" offers the games; "play would you rather" starts one."""
    game = find_game(content, event.slots.get(intents.SLOT_GAME, ""))
    if game is not None:
        rounds = scoring.rounds_for(event.slots.get(intents.SLOT_LENGTH, ""))
        return start(state, game, rounds, content, rng, now)
    lines = Lines(content, rng, state.household)
    if event.spoken.get(intents.SLOT_GAME):
        return menu(state, content, rng, lines.say("game.menu.unknown"))
    if in_progress(state.household, content) is not None:
        return offer_to_resume(state, (), RESUME_NEW, content, rng)
    return menu(state, content, rng)


def score(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """ "What's the score" with no game on screen: the stored game's, or an offer to play."""
    game = in_progress(state.household, content)
    if game is None:
        return no_game(state, content, rng)
    return offer_score(state, game, RESUME, content, rng)


def end_game(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """ "End the game" outside play: finish the stored game, or say there is none."""
    game = in_progress(state.household, content)
    if game is None:
        return no_game(state, content, rng)
    return finish(state, game, (), True, content, rng)


def pass_(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """ "Pass" outside a game: on tonight's question it means next (another one); anywhere
    else there is nothing to pass on."""
    answer = top.next_ if state.session.context == tonight.CONTEXT else top.fallback
    return answer(state, event, content, now, rng)


def offer_resume(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply] | None:
    """At launch: "you were in the middle of would you rather, want to finish it?"."""
    if in_progress(state.household, content) is None:
        return None
    greeted, _ = top.launch(state, event, content, now, rng)
    lead = (*people.greeting(greeted.household, event.person_id, content, rng), Pause(300))
    return offer_to_resume(greeted, lead, RESUME, content, rng)


def on_session_end(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """The game stays where it was; only a half-made re-ask is forgotten."""
    if state.household.game.strikes == 0:
        return state, Reply.silent()
    return State(unstruck(state.household), state.session), Reply.silent()
