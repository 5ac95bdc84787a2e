"""The game intents heard outside a play: "let's play a game", "what's the score", "end the
game" and "pass" routed as usual, plus the launch offer and the session-end tidy-up.

Outside play the game in question is the household's stored one, so these never guess: with
no unfinished game they say so and offer to play.
"""

from __future__ import annotations

from skill.runtime import copying, intents
from skill.runtime.flows.games.catalogue import find_game, games_of, in_progress
from skill.runtime.flows.games.lines import Lines
from skill.runtime.flows.games.offers import RESUME, RESUME_NEW
from skill.runtime.flows.games.playing import finish
from skill.runtime.flows.games.starting import menu, no_game, offer_score, offer_to_resume, start
from skill.runtime.flows.games.stored import unstruck
from skill.runtime.flows.kit import scoring
from skill.runtime.flows.kit.activity import Offered
from skill.runtime.flows.kit.context import FlowContext
from skill.runtime.flows.kit.events import Event
from skill.runtime.reply import Reply
from skill.runtime.state import State


def play(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """ "Let's play a game" offers the games; "play would you rather" starts one."""
    game = find_game(ctx.content, event.slots.get(intents.SLOT_GAME, ""))
    if game is not None:
        rounds = scoring.rounds_for(event.slots.get(intents.SLOT_LENGTH, ""))
        return start(state, game, rounds, ctx.content, ctx.rng, ctx.now)
    lines = Lines(ctx.content, ctx.rng, state.household)
    if event.spoken.get(intents.SLOT_GAME):
        return menu(state, ctx.content, ctx.rng, lines.say("game.menu.unknown"))
    if in_progress(state.household, ctx.content) is not None:
        return offer_to_resume(state, (), RESUME_NEW, ctx.content, ctx.rng)
    return menu(state, ctx.content, ctx.rng)


def score(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """ "What's the score" with no game on screen: the stored game's, or an offer to play."""
    game = in_progress(state.household, ctx.content)
    if game is None:
        return no_game(state, ctx.content, ctx.rng)
    return offer_score(state, game, RESUME, ctx.content, ctx.rng)


def end_game(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """ "End the game" outside play: finish the stored game, or say there is none."""
    game = in_progress(state.household, ctx.content)
    if game is None:
        return no_game(state, ctx.content, ctx.rng)
    return finish(state, game, (), True, ctx.content, ctx.rng)


def pass_(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """ "Pass" with no game or question in play: there is nothing to pass on. (On tonight's
    question, its own router takes "pass" as "another one".)"""
    return ctx.fallback(state, event)


def surprise(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """A game picked at random and started at once (a surprise shouldn't ask "which one?")."""
    every = games_of(ctx.content)
    if every:
        picked = {**event.slots, intents.SLOT_GAME: ctx.rng.choice(every).id}
        event = copying.replace(event, slots=picked)
    return play(state, event, ctx)


def offer_resume(state: State, event: Event, ctx: FlowContext) -> Offered | None:
    """At launch: "you were in the middle of would you rather, want to finish it?"."""
    if in_progress(state.household, ctx.content) is None:
        return None
    offered, reply = offer_to_resume(state, (), RESUME, ctx.content, ctx.rng)
    return Offered(offered, reply.speech, reply.reprompt)


def on_session_end(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """The game stays where it was; only a half-made re-ask is forgotten."""
    if state.household.game.strikes == 0:
        return state, Reply.silent()
    return State(unstruck(state.household), state.session), Reply.silent()


def rematch(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """ "Rematch": the last game again, the other partner first; with none yet, the menu."""
    last = find_game(ctx.content, state.household.game.game)
    if last is None:
        return menu(state, ctx.content, ctx.rng)
    progress = state.household.game
    rounds = progress.rounds or scoring.rounds_for("")
    return start(state, last, rounds, ctx.content, ctx.rng, ctx.now, first=1 - progress.first)


def how_to_play(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """ "How do we play": a named game starts with its rules; else the menu, to pick one."""
    game = find_game(ctx.content, event.slots.get(intents.SLOT_GAME, ""))
    if game is None:
        game = in_progress(state.household, ctx.content)
    if game is None:
        return menu(state, ctx.content, ctx.rng)
    rounds = scoring.rounds_for(event.slots.get(intents.SLOT_LENGTH, ""))
    return start(state, game, rounds, ctx.content, ctx.rng, ctx.now, explain=True)
