"""The game's activity router: every intent while the game context is active comes here
first, and the session's offer says what it answers — a play's verdict, the menu, "play
again?" or "carry on?".

An answer that fits nothing gets one re-ask, then the offer's default, so a couple is never
stuck repeating themselves. Intents that mean something outside a game return None and route
as usual.
"""

from __future__ import annotations

from datetime import datetime
from random import Random

from skill.runtime import copying, intents
from skill.runtime.catalog import LocaleContent
from skill.runtime.flows.games.catalogue import find_game, games_of, in_progress
from skill.runtime.flows.games.lines import BEAT_MS, Lines, score_lines
from skill.runtime.flows.games.offers import (
    AGAIN,
    MENU,
    NO_GAME,
    NOISE,
    PLAYING,
    READY,
    RESUME,
    RESUME_NEW,
)
from skill.runtime.flows.games.playing import finish, in_play
from skill.runtime.flows.games.starting import begin, menu, offer_score, resume, start
from skill.runtime.flows.games.stored import put_away
from skill.runtime.flows.kit import places, scoring
from skill.runtime.flows.kit.context import FlowContext
from skill.runtime.flows.kit.events import Event
from skill.runtime.reply import Pause, Reply, Say, Segment
from skill.runtime.state import State


def route(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply] | None:
    """Every intent while the game context is active; None lets it route as usual."""
    base = state.session.place.offer
    retried = state.session.place.retries > 0
    if event.is_intent(intents.CHECK_IN) and base in (PLAYING, AGAIN, RESUME, RESUME_NEW):
        # Mid-game, "how are we doing?" asks for the score, not the weekly check-in.
        event = copying.replace(event, intent=intents.SCORE)
    if base == PLAYING:
        game = in_progress(state.household, ctx.content)
        return None if game is None else in_play(state, event, game, ctx.content, ctx.rng)
    if base == READY:
        return _at_ready(state, event, retried, ctx.content, ctx.rng)
    if base == MENU:
        return _at_menu(state, event, retried, ctx.content, ctx.now, ctx.rng)
    if base == AGAIN:
        return _at_again(state, event, retried, ctx.content, ctx.now, ctx.rng)
    if base in (RESUME, RESUME_NEW):
        return _at_resume(state, event, base, retried, ctx.content, ctx.rng)
    if base == NO_GAME and event.is_intent(intents.YES):
        return menu(state, ctx.content, ctx.rng)
    return None


def _retry_or(
    state: State,
    base: str,
    retried: bool,
    reprompt: tuple[Segment, ...],
    content: LocaleContent,
    rng: Random,
) -> tuple[State, Reply] | None:
    """The first unplaced answer to an offer gets a re-ask; None means use the default."""
    if retried:
        return None
    speech = (content.say("game.unclear", rng), Pause(300), *reprompt)
    return places.retried(state), Reply.ask(speech, reprompt)


def _at_ready(
    state: State, event: Event, retried: bool, content: LocaleContent, rng: Random
) -> tuple[State, Reply] | None:
    """After the rules: ready (or yes, next) is round one; help or "how do we play" says the
    rules again; no puts the game by for later."""
    game = in_progress(state.household, content)
    if game is None:
        return None
    name = event.intent
    if name in (intents.YES, intents.CUE, intents.NEXT, intents.RESUME, intents.PLAY_GAME):
        return begin(state, game, content, rng)
    if name in (intents.HELP, intents.HOW_TO_PLAY, intents.REPEAT):
        lines = Lines(content, rng, state.household)
        return state, Reply.ask(
            (Say(game.rules), Pause(BEAT_MS), *lines.say("game.ready")), lines.say("game.ready")
        )
    if name in (intents.NO, intents.STOP, intents.CANCEL, intents.GOODBYE, intents.PAUSE):
        return state, Reply.tell((content.say("game.paused", rng),))
    if name not in NOISE:
        return None
    reprompt = (content.say("game.ready", rng),)
    answered = _retry_or(state, READY, retried, reprompt, content, rng)
    return answered if answered is not None else begin(state, game, content, rng)


def _at_menu(
    state: State,
    event: Event,
    retried: bool,
    content: LocaleContent,
    now: datetime,
    rng: Random,
) -> tuple[State, Reply] | None:
    """A game named starts it; an unclear answer hears the menu again, then the first game."""
    if event.is_intent(intents.PLAY_GAME, intents.HOW_TO_PLAY):
        game = find_game(content, event.slots.get(intents.SLOT_GAME, ""))
        if game is not None:
            rounds = scoring.rounds_for(event.slots.get(intents.SLOT_LENGTH, ""))
            explain = event.is_intent(intents.HOW_TO_PLAY)
            return start(state, game, rounds, content, rng, now, explain=explain)
    elif event.is_intent(intents.YOU_CHOOSE, intents.SURPRISE):
        games = games_of(content)
        if games:
            rounds = scoring.rounds_for(event.slots.get(intents.SLOT_LENGTH, ""))
            return start(state, rng.choice(games), rounds, content, rng, now)
    elif not (event.intent in NOISE or event.is_intent(intents.YES)):
        return None
    if not retried:
        menu_state, listed = menu(state, content, rng, retried=True)
        sorry = content.say("game.unclear", rng)
        return menu_state, Reply.ask((sorry, Pause(300), *listed.speech), listed.reprompt)
    games = games_of(content)
    if not games:
        return None
    rounds = scoring.rounds_for(event.slots.get(intents.SLOT_LENGTH, ""))
    lead = (content.say("game.menu.default", rng), Pause(BEAT_MS))
    return start(state, games[0], rounds, content, rng, now, lead)


def _at_again(
    state: State,
    event: Event,
    retried: bool,
    content: LocaleContent,
    now: datetime,
    rng: Random,
) -> tuple[State, Reply] | None:
    """After the summary: yes plays the same game again with the other partner first."""
    last = find_game(content, state.household.game.game)
    wants_again = event.is_intent(intents.YES, intents.REMATCH, intents.NEXT) or (
        event.is_intent(intents.PLAY_GAME) and not event.spoken.get(intents.SLOT_GAME)
    )
    if wants_again and last is not None:
        progress = state.household.game
        length = event.slots.get(intents.SLOT_LENGTH, "")
        rounds = scoring.rounds_for(length) if length else progress.rounds
        return start(state, last, rounds, content, rng, now, first=1 - progress.first)
    if event.is_intent(intents.NO, intents.GOODBYE):
        return state, Reply.tell((content.say("game.goodbye", rng),))
    if event.is_intent(intents.SCORE) and last is not None:
        lines = Lines(content, rng, state.household)
        lead = score_lines(lines, last, state.household.game, final=True)
        again = lines.say("game.again")
        return state, Reply.ask((*lead, Pause(BEAT_MS), *again), lines.say("game.again.reprompt"))
    if event.intent not in NOISE:
        return None
    reprompt = (content.say("game.again.reprompt", rng),)
    answered = _retry_or(state, AGAIN, retried, reprompt, content, rng)
    if answered is not None:
        return answered
    return state, Reply.tell((content.say("game.goodbye", rng),))


def _at_resume(
    state: State,
    event: Event,
    base: str,
    retried: bool,
    content: LocaleContent,
    rng: Random,
) -> tuple[State, Reply] | None:
    """ "Carry on?": yes picks up where it was; no puts the game away (kept in the history)."""
    game = in_progress(state.household, content)
    if game is None:
        return None
    name = event.intent
    if name in (intents.YES, intents.RESUME, intents.NEXT) or (
        name == intents.PLAY_GAME and not event.spoken.get(intents.SLOT_GAME)
    ):
        return resume(state, game, content, rng)
    if name == intents.NO:
        household = put_away(state.household, content)
        dropped = content.say("game.resume.dropped", rng)
        put_away_state = State(household, state.session)
        if base == RESUME_NEW:
            return menu(put_away_state, content, rng, (dropped, Pause(BEAT_MS)))
        return places.home(put_away_state, places.TONIGHT_OFFER), Reply.ask(
            (dropped, Pause(BEAT_MS), content.say("offer.tonight", rng)),
            (content.say("launch.reprompt", rng),),
        )
    if name == intents.SCORE:
        return offer_score(state, game, base, content, rng)
    if name == intents.END_GAME:
        return finish(state, game, (), True, content, rng)
    if name not in NOISE:
        return None
    reprompt = (content.say("game.resume.reprompt", rng),)
    answered = _retry_or(state, base, retried, reprompt, content, rng)
    if answered is not None:
        return answered
    return resume(state, game, content, rng)
