"""What a game shows on a device with a screen (the activity's ``screen``): short
labels from the phrase files rather than the spoken sentences, which are written for the ear."""

from __future__ import annotations

from random import Random

from skill.runtime.catalog import Game, LocaleContent
from skill.runtime.flows.games.catalogue import find_game
from skill.runtime.flows.games.offers import AGAIN, PLAYING
from skill.runtime.flows.games.stored import pair, roles
from skill.runtime.flows.kit import people, scoring
from skill.runtime.reply import Display
from skill.runtime.state import GameProgress, Household, State


def screen(state: State, content: LocaleContent, rng: Random) -> Display | None:
    """A game on screen: its title, the question in play (or, once over, the final score)
    and the score as it stands."""
    progress = state.household.game
    game = find_game(content, progress.game) if progress.game else None
    if game is None or state.session.place.offer not in (PLAYING, AGAIN):
        return None
    score = _score_text(state.household, game, progress, content, rng)
    question = game.question(progress.question)
    if progress.done or question is None:
        return Display(title=game.title, text=score) if score else None
    _, other = roles(progress)
    partner = people.partner_text(state.household, other, content, rng)
    return Display(title=game.title, text=question.text.format(partner=partner), footer=score)


def _score_text(
    household: Household, game: Game, progress: GameProgress, content: LocaleContent, rng: Random
) -> str:
    """The score in a few words for the screen; nothing before the first play is settled."""
    if game.kind in (scoring.GUESS, scoring.TRUTHS):
        a, b = pair(progress)
        return content.phrase(
            "screen.game.pair",
            rng,
            one=people.partner_text(household, 0, content, rng),
            one_points=a,
            two=people.partner_text(household, 1, content, rng),
            two_points=b,
        )
    if progress.step == 0:
        return ""
    key = "screen.game.match" if game.kind == scoring.MATCH else "screen.game.finish"
    return content.phrase(key, rng, count=progress.together, played=progress.step)
