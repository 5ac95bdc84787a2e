"""Pure tests of the games' arithmetic: turn order, points, passes, rounds and bands."""

from __future__ import annotations

import pytest

from skill.runtime.flows.kit import scoring
from skill.runtime.flows.kit.scoring import (
    CLOSE,
    FINISH,
    GUESS,
    MATCH,
    NO,
    PASS,
    TRUTHS,
    YES,
    Tally,
)


def play_out(kind: str, verdicts: list[str], first: int = 0) -> Tally:
    tally = Tally()
    for step, verdict in enumerate(verdicts):
        tally = scoring.settle(kind, tally, verdict, scoring.turn(step, first))
    return tally


def test_partners_alternate_from_whoever_starts() -> None:
    assert [scoring.turn(step, 0) for step in range(5)] == [0, 1, 0, 1, 0]
    assert [scoring.turn(step, 1) for step in range(5)] == [1, 0, 1, 0, 1]


@pytest.mark.parametrize(("kind", "per_round"), [(GUESS, 2), (TRUTHS, 2), (MATCH, 1), (FINISH, 1)])
def test_rounds_give_each_partner_a_turn_in_turn_taking_games(kind: str, per_round: int) -> None:
    assert scoring.total_plays(kind, 5) == 5 * per_round
    assert scoring.total_plays(kind, 10) == 10 * per_round
    rounds = [scoring.round_of(kind, step) for step in range(scoring.total_plays(kind, 5))]
    assert rounds[0] == 1 and rounds[-1] == 5
    assert all(rounds.count(r) == per_round for r in range(1, 6))
    starts = [s for s in range(scoring.total_plays(kind, 5)) if scoring.starts_round(kind, s)]
    assert len(starts) == 5


def test_guessing_gives_two_for_right_one_for_close_and_nothing_for_wrong_or_pass() -> None:
    # partner one guesses on even plays, partner two on odd ones
    tally = play_out(GUESS, [YES, CLOSE, NO, PASS, CLOSE, YES])
    assert tally.scores == (2 + 0 + 1, 1 + 0 + 2)
    assert tally.together == 6


def test_who_starts_decides_who_scores() -> None:
    assert play_out(GUESS, [YES], first=1).scores == (0, 2)
    assert play_out(GUESS, [YES], first=0).scores == (2, 0)


def test_a_pass_changes_no_score_in_any_kind() -> None:
    start = Tally((3, 4), 5)
    for kind in scoring.KINDS:
        assert scoring.settle(kind, start, PASS, 0) == start
        assert scoring.settle(kind, start, PASS, 1) == start


def test_close_only_counts_when_guessing() -> None:
    assert scoring.accepts(GUESS, CLOSE)
    for kind in (MATCH, FINISH, TRUTHS):
        assert not scoring.accepts(kind, CLOSE)
        assert scoring.settle(kind, Tally((1, 1), 1), CLOSE, 0) == Tally((1, 1), 1)
    assert not scoring.accepts(GUESS, "maybe")


def test_two_truths_a_found_dream_scores_for_the_guesser_a_hidden_one_for_the_teller() -> None:
    # play 0: partner one tells, partner two guesses and finds it -> partner two
    # play 1: partner two tells, partner one misses it -> partner two again
    # play 2: partner one tells, partner two misses -> partner one
    tally = play_out(TRUTHS, [YES, NO, NO, PASS])
    assert tally.scores == (1, 2)
    assert tally.together == 1  # dreams found


@pytest.mark.parametrize("kind", [MATCH, FINISH])
def test_shared_games_count_yeses_together(kind: str) -> None:
    tally = play_out(kind, [YES, NO, YES, PASS, YES])
    assert tally.together == 3
    assert tally.scores == (0, 0)


def test_an_early_end_keeps_what_was_scored() -> None:
    """Ending after three plays: the tally is simply what those plays earned."""
    full = [YES, CLOSE, YES, NO, NO, YES, NO, NO, YES, YES]
    early = play_out(GUESS, full[:3])
    assert early.scores == (4, 1) and early.together == 5
    assert scoring.band(GUESS, early.together, 3) == scoring.HIGH  # 5 of 6 possible


def test_bands_are_relative_to_what_the_plays_could_score() -> None:
    assert scoring.most_together(GUESS, 10) == 20
    assert scoring.most_together(MATCH, 5) == 5
    assert scoring.band(GUESS, 14, 10) == scoring.HIGH
    assert scoring.band(GUESS, 13, 10) == scoring.MIDDLE
    assert scoring.band(GUESS, 8, 10) == scoring.MIDDLE
    assert scoring.band(GUESS, 7, 10) == scoring.LOW
    assert scoring.band(MATCH, 0, 5) == scoring.LOW
    assert scoring.band(FINISH, 0, 0) == scoring.NONE


def test_round_lengths() -> None:
    assert scoring.rounds_for("") == scoring.SHORT_ROUNDS == 5
    assert scoring.rounds_for("short") == 5
    assert scoring.rounds_for("long") == scoring.LONG_ROUNDS == 10
