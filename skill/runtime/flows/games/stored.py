"""What a household keeps of its games: the game in progress and each game's history.

Progress lives in the household, not the session, so a game cut off by a session end carries
on at the next launch. History keeps games played, best scores and a short list of recently
heard questions per game, so new games prefer questions not heard lately.
"""

from __future__ import annotations

from random import Random

from skill.runtime import copying, draws
from skill.runtime.catalog import Game, GameQuestion, LocaleContent
from skill.runtime.flows.games.catalogue import in_progress
from skill.runtime.flows.kit import scoring
from skill.runtime.state import GameProgress, GameRecord, Household

#: How many recently heard questions each game remembers, so new games prefer fresh ones.
MAX_HEARD = 40


def pair(progress: GameProgress) -> tuple[int, int]:
    """Each partner's points, tolerating a stored list of the wrong length."""
    padded = [*progress.scores, 0, 0]
    return padded[0], padded[1]


def roles(progress: GameProgress) -> tuple[int, int]:
    """Whose play it is, and the other partner."""
    player = scoring.turn(progress.step, progress.first)
    return player, 1 - player


def unstruck(household: Household) -> Household:
    """The household with its game's half-made re-ask forgotten: a new offer starts clean."""
    return copying.replace(household, game=copying.replace(household.game, strikes=0))


def record_of(household: Household, game_id: str) -> GameRecord:
    found = next((r for r in household.game_records if r.game == game_id), None)
    return found if found is not None else GameRecord(game=game_id)


def _with_record(household: Household, record: GameRecord) -> Household:
    others = [r for r in household.game_records if r.game != record.game]
    return copying.replace(household, game_records=[*others, record])


def draw(
    household: Household, game: Game, progress: GameProgress, rng: Random
) -> tuple[Household, GameProgress]:
    """Pick the next question: never one already used in this game, and one not heard in
    recent games when there is one. It is remembered as used and as heard."""
    record = record_of(household, game.id)
    used = set(progress.used)
    last = record.heard[-1] if record.heard else ""
    order, keys, bank = draws.household_order(game.questions, household.seed, _question_id)
    if len(used & bank) < len(bank):
        # The bank in the household's order, walked from the cursor past what is used or
        # heard: no list of the bank on each draw, so a bank of any size costs the same.
        heard = set(record.heard)
        skip = used | heard
        if len(skip & bank) == len(bank):  # every unused question heard lately
            skip = used
        choice = draws.next_after_in(order, keys, skip, household.seed, last, _question_id)
    else:
        # Every question of the bank used in one game (many skips): start the bank again.
        pool = [q for q in game.questions if q.id != progress.question] or list(game.questions)
        progress = copying.replace(progress, used=[])
        heard = set(record.heard)
        fresh = [q for q in pool if q.id not in heard]
        choice = draws.next_after(fresh or pool, household.seed, last, _question_id)
    progress = copying.replace(progress, question=choice.id, used=[*progress.used, choice.id])
    kept = [h for h in record.heard if h != choice.id]
    record = copying.replace(record, heard=[*kept, choice.id][-MAX_HEARD:])
    return _with_record(household, record), progress


def _question_id(question: GameQuestion) -> str:
    return question.id


def current(
    household: Household, game: Game, rng: Random
) -> tuple[Household, GameProgress, GameQuestion]:
    """The question in play, drawing one if the stored id is gone from the bank."""
    progress = household.game
    question = game.question(progress.question)
    if question is None:
        household, progress = draw(household, game, progress, rng)
        household = copying.replace(household, game=progress)
        question = game.question(progress.question)
        if question is None:
            raise RuntimeError("question is unexpectedly missing")
    return household, progress, question


def put_away(household: Household, content: LocaleContent) -> Household:
    """Close an unfinished game: counted as played when any play was settled."""
    game = in_progress(household, content)
    if game is None:
        return household
    household, _ = record_result(household, game)
    return copying.replace(household, game=copying.replace(household.game, done=True, strikes=0))


def record_result(household: Household, game: Game) -> tuple[Household, bool]:
    """Add the game to the history; returns whether its score beat an earlier best."""
    progress = household.game
    if progress.step <= 0:
        return household, False
    record = record_of(household, game.id)
    long_game = progress.rounds == scoring.LONG_ROUNDS
    best = record.best_long if long_game else record.best_short
    new_best = best > 0 and progress.together > best
    top_score = max(best, progress.together)
    record = copying.replace(
        record,
        played=record.played + 1,
        best_long=top_score if long_game else record.best_long,
        best_short=record.best_short if long_game else top_score,
    )
    return _with_record(household, record), new_best
