"""The arithmetic of the question games: turn order, points, rounds and score bands.

Pure and tiny on purpose, so the rules can be tested on their own. A game is a row of
*plays*; each play is one question settled by a verdict. Whose turn a play is follows from
the play's index and who started, so nothing about turn order needs storing.

Kinds of game:

* ``guess`` — one partner guesses about the other, who says yes (two points), close (one)
  or no. Two plays a round, so each partner guesses once per round.
* ``truths`` — two truths and a dream: the partner whose turn it is tells, the other
  guesses. A found dream is a point to the guesser, a hidden one a point to the teller.
* ``match`` — both answer; a yes ("we matched") adds one to the couple's shared count.
* ``finish`` — both finish a sentence; a yes ("that surprised me") adds one to the count.

A pass settles a play with no points in every kind. ``together`` is the couple's shared
number: points won by guessing, matches, surprises, dreams found. It is what the final
summary's band and the household's best score are based on.
"""

from __future__ import annotations

import msgspec

GUESS = "guess"
MATCH = "match"
FINISH = "finish"
TRUTHS = "truths"
KINDS = (GUESS, MATCH, FINISH, TRUTHS)

YES = "yes"
NO = "no"
CLOSE = "close"
PASS = "pass"

SHORT_ROUNDS = 5
LONG_ROUNDS = 10
ROUND_LENGTHS = (SHORT_ROUNDS, LONG_ROUNDS)

#: Points a guesser wins in ``guess`` games.
GUESS_POINTS = {YES: 2, CLOSE: 1, NO: 0, PASS: 0}

HIGH = "high"
MIDDLE = "middle"
LOW = "low"
NONE = "none"
BANDS = (HIGH, MIDDLE, LOW, NONE)


class Tally(msgspec.Struct, frozen=True):
    """Each partner's points (guess and truths games) and the couple's shared count."""

    scores: tuple[int, int] = (0, 0)
    together: int = 0


def plays_per_round(kind: str) -> int:
    """Turn-taking games give each partner one play a round; shared games one play."""
    return 2 if kind in (GUESS, TRUTHS) else 1


def total_plays(kind: str, rounds: int) -> int:
    return plays_per_round(kind) * rounds


def turn(step: int, first: int) -> int:
    """Whose turn play ``step`` is (0 or 1): the partners simply alternate."""
    return (first + step) % 2


def round_of(kind: str, step: int) -> int:
    """The round (from 1) that play ``step`` belongs to."""
    return step // plays_per_round(kind) + 1


def starts_round(kind: str, step: int) -> bool:
    return step % plays_per_round(kind) == 0


def accepts(kind: str, verdict: str) -> bool:
    """Whether a verdict makes sense in this kind of game ("close" only when guessing)."""
    if verdict in (YES, NO, PASS):
        return True
    return verdict == CLOSE and kind == GUESS


def settle(kind: str, tally: Tally, verdict: str, player: int) -> Tally:
    """The tally after a play whose turn belonged to ``player`` ends with ``verdict``.

    In ``guess`` the player is the guesser; in ``truths`` the player is the teller, so a
    found dream scores for the other partner. Unknown verdicts change nothing.
    """
    if not accepts(kind, verdict) or verdict == PASS:
        return tally
    a, b = tally.scores
    other = 1 - player
    if kind == GUESS:
        points = GUESS_POINTS[verdict]
        gained = [0, 0]
        gained[player] = points
        return Tally((a + gained[0], b + gained[1]), tally.together + points)
    if kind == TRUTHS:
        winner = other if verdict == YES else player
        gained = [0, 0]
        gained[winner] = 1
        found = 1 if verdict == YES else 0
        return Tally((a + gained[0], b + gained[1]), tally.together + found)
    return Tally(tally.scores, tally.together + (1 if verdict == YES else 0))


def most_together(kind: str, plays: int) -> int:
    """The highest shared count ``plays`` settled plays can reach."""
    return plays * (GUESS_POINTS[YES] if kind == GUESS else 1)


def band(kind: str, together: int, plays: int) -> str:
    """Which kind of summary fits: high, middle or low share of the best possible, or none
    when no play was settled. Every band has a warm summary; none of them is a verdict."""
    best = most_together(kind, plays)
    if plays <= 0 or best <= 0:
        return NONE
    if together * 10 >= best * 7:
        return HIGH
    if together * 10 >= best * 4:
        return MIDDLE
    return LOW


def rounds_for(length: str) -> int:
    """``long`` is ten rounds; anything else, including nothing, is the short game."""
    return LONG_ROUNDS if length == "long" else SHORT_ROUNDS
