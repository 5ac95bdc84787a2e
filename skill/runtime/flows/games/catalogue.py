"""The games in the catalog, found by id, and the one a household is in the middle of."""

from __future__ import annotations

from skill.runtime.catalog import Game, LocaleContent
from skill.runtime.flows.kit import scoring
from skill.runtime.state import Household


def games_of(content: LocaleContent) -> tuple[Game, ...]:
    """Every game in the catalog, in the order the menu offers them."""
    try:
        found: tuple[Game, ...] = content.section("games")
    except KeyError:
        return ()
    return found


def find_game(content: LocaleContent, game_id: str) -> Game | None:
    return next((g for g in games_of(content) if g.id == game_id), None)


def title_of(content: LocaleContent, game_id: str) -> str | None:
    """How the weekly recap names a game."""
    found = find_game(content, game_id)
    return found.title if found else None


def in_progress(household: Household, content: LocaleContent) -> Game | None:
    """The game a household is in the middle of, if any (and if the catalog still has it)."""
    progress = household.game
    if not progress.game or progress.done:
        return None
    game = find_game(content, progress.game)
    if game is None or progress.step >= scoring.total_plays(game.kind, progress.rounds):
        return None
    return game
