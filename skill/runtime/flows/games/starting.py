"""Into a game: starting one, the menu of games, and the offer to carry on an unfinished one.

A new game puts any unfinished one away first (its scores kept in the history). An unfinished
game is never dropped silently: "play a game" or a launch offers it back, and carrying on
picks up at the same round, the same turn and the same scores.
"""

from __future__ import annotations

from datetime import datetime
from random import Random

from skill.runtime import copying
from skill.runtime.catalog import Game, LocaleContent
from skill.runtime.flows.games.catalogue import games_of, in_progress
from skill.runtime.flows.games.lines import BEAT_MS, Lines, length_key, score_lines
from skill.runtime.flows.games.offers import MENU, NO_GAME, READY, at
from skill.runtime.flows.games.playing import ask_play
from skill.runtime.flows.games.stored import draw, put_away, record_of, unstruck
from skill.runtime.flows.kit import journal, scoring
from skill.runtime.nights import night_of
from skill.runtime.reply import Pause, Reply, Say, Segment
from skill.runtime.state import GameProgress, State


def start(
    state: State,
    game: Game,
    rounds: int,
    content: LocaleContent,
    rng: Random,
    now: datetime,
    lead: tuple[Segment, ...] = (),
    first: int = 0,
    explain: bool = False,
) -> tuple[State, Reply]:
    """A new game: any unfinished one is put away first, its scores kept in the history.

    The game goes into the week's journal (by id only) so the recap can name it.
    """
    first_of_these = record_of(state.household, game.id).played == 0
    household = put_away(state.household, content)
    household = journal.record(household, night_of(now), journal.GAME, game.id)
    progress = GameProgress(game=game.id, rounds=rounds, first=first)
    household, progress = draw(household, game, progress, rng)
    household = copying.replace(household, game=progress)
    lines = Lines(content, rng, household)
    intro: tuple[Segment, ...] = (*lead, *lines.say("game.start", title=game.title))
    if first_of_these or explain:
        # The rules the first time a couple plays this game, or when asked ("how do we
        # play"), in a turn of their own that ends with "ready?": then round one.
        speech = (*intro, Pause(BEAT_MS), Say(game.rules), Pause(BEAT_MS))
        speech += lines.say("game.ready")
        return at(state, household, READY), Reply.ask(speech, lines.say("game.ready"))
    if rounds == scoring.LONG_ROUNDS:
        intro += (Pause(BEAT_MS), *lines.say(f"game.length.{length_key(rounds)}", rounds=rounds))
    return ask_play(state, household, game, (*intro, Pause(900)), content, rng)


def begin(state: State, game: Game, content: LocaleContent, rng: Random) -> tuple[State, Reply]:
    """ "Ready": round one of a game whose rules were just said."""
    lines = Lines(content, rng, state.household)
    progress = state.household.game
    lead = (*lines.say(f"game.length.{length_key(progress.rounds)}", rounds=progress.rounds),)
    return ask_play(state, state.household, game, (*lead, Pause(BEAT_MS)), content, rng)


def menu(
    state: State,
    content: LocaleContent,
    rng: Random,
    lead: tuple[Segment, ...] = (),
    offer: str = MENU,
    retried: bool = False,
) -> tuple[State, Reply]:
    """All the games in one breath, and which one would they like."""
    titles = [g.title for g in games_of(content)]
    if len(titles) > 1:
        listed = content.phrase("game.menu.join", rng, rest=", ".join(titles[:-1]), last=titles[-1])
    else:
        listed = "".join(titles)
    speech = (*lead, content.say("game.menu", rng, games=listed))
    example = rng.choice(titles) if titles else ""
    return at(state, state.household, offer, retried), Reply.ask(
        speech, (content.say("game.menu.reprompt", rng, example=example),)
    )


def no_game(state: State, content: LocaleContent, rng: Random) -> tuple[State, Reply]:
    """Nothing to score or end: say so, and offer to play (a yes opens the menu)."""
    return at(state, state.household, NO_GAME), Reply.ask(
        (content.say("game.none", rng),), (content.say("game.none.reprompt", rng),)
    )


def offer_to_resume(
    state: State, lead: tuple[Segment, ...], offer: str, content: LocaleContent, rng: Random
) -> tuple[State, Reply]:
    """Say ``lead``, then name the unfinished game and its round, and ask to carry on."""
    game = in_progress(state.household, content)
    if game is None:
        raise RuntimeError("game is unexpectedly missing")
    household = unstruck(state.household)
    progress = household.game
    lines = Lines(content, rng, household)
    speech = (
        *lead,
        *lines.say(
            "game.resume.offer",
            title=game.title,
            round=scoring.round_of(game.kind, progress.step),
            rounds=progress.rounds,
        ),
    )
    return at(state, household, offer), Reply.ask(speech, lines.say("game.resume.reprompt"))


def offer_score(
    state: State, game: Game, offer: str, content: LocaleContent, rng: Random
) -> tuple[State, Reply]:
    """ "What's the score" between plays: the stored game's score, then the offer to carry on."""
    lines = Lines(content, rng, state.household)
    lead = (*score_lines(lines, game, state.household.game, final=False), Pause(BEAT_MS))
    return offer_to_resume(state, lead, offer, content, rng)


def resume(state: State, game: Game, content: LocaleContent, rng: Random) -> tuple[State, Reply]:
    """Back into the game exactly where it was: same round, same turn, same scores."""
    lines = Lines(content, rng, state.household)
    lead = (*lines.say("game.resume.back", title=game.title), Pause(BEAT_MS))
    return ask_play(state, unstruck(state.household), game, lead, content, rng)
