"""How one play sounds: the question, the silence to answer in, the closing question whose
answer settles it, and the word after the verdict.

The couple answer out loud to each other during a timed silence (the microphone stays
closed, so nothing they say reaches the skill); only the closing yes, no or close is heard.
"""

from __future__ import annotations

from skill.runtime.catalog import Game, GameQuestion
from skill.runtime.flows.games.lines import BEAT_MS, Lines, fill
from skill.runtime.flows.games.stored import roles
from skill.runtime.flows.kit import scoring
from skill.runtime.reply import Pause, Say, Segment, Silence, Sound
from skill.runtime.state import GameProgress

#: The end of a share play: nothing is scored, and the couple hears a thank-you, not a pass.
SHARED = "shared"


def present(
    lines: Lines, game: Game, progress: GameProgress, question: GameQuestion
) -> tuple[Segment, ...]:
    """The play's question, the silence to answer in, and the closing question. A share item
    (tender, never scored) closes with "ready for the next one?" instead of a verdict."""
    player, other = roles(progress)
    me, you = lines.who(player), lines.who(other)
    chime = Sound("chime")
    if question.share:
        both = game.kind in (scoring.FINISH, scoring.MATCH)
        text = fill(question.text, {"partner": you})
        ask = lines.say("game.share.both" if both else "game.share.ask", first=me, partner=you)
        return (
            *ask,
            Pause(BEAT_MS),
            *text,
            Silence(game.answer_seconds * (2 if both else 1)),
            chime,
            *lines.say("game.share.next"),
        )
    if game.kind == scoring.GUESS:
        return (
            *lines.say("game.guess.ask", guesser=me, partner=you),
            Pause(BEAT_MS),
            *fill(question.text, {"partner": you}),
            Silence(game.answer_seconds),
            chime,
            *lines.say("game.guess.verdict", partner=you, guesser=me),
        )
    if game.kind == scoring.FINISH:
        return (
            *lines.say("game.finish.ask", first=me),
            Pause(BEAT_MS),
            Say(question.text),
            Silence(game.answer_seconds),
            chime,
            *lines.say("game.finish.second", second=you),
            Pause(BEAT_MS),
            Say(question.text),
            Silence(game.answer_seconds),
            chime,
            *lines.say("game.finish.verdict"),
        )
    if game.kind == scoring.TRUTHS:
        return (
            *lines.say("game.truths.ask", teller=me, topic=question.text, guesser=you),
            Silence(game.tell_seconds),
            chime,
            *lines.say("game.truths.guess", guesser=you),
            Silence(game.answer_seconds),
            chime,
            *lines.say("game.truths.verdict", teller=me, guesser=you),
        )
    return (
        *lines.say("game.match.ask"),
        Pause(BEAT_MS),
        Say(question.text),
        Silence(game.answer_seconds),
        chime,
        *lines.say("game.match.verdict"),
    )


def verdict_prompt(lines: Lines, game: Game, progress: GameProgress) -> tuple[Segment, ...]:
    """The closing question on its own: for reprompts and re-asks."""
    question = game.question(progress.question)
    if question is not None and question.share:
        return lines.say("game.share.reprompt")
    player, other = roles(progress)
    me, you = lines.who(player), lines.who(other)
    if game.kind == scoring.GUESS:
        return lines.say("game.guess.reprompt", partner=you, guesser=me)
    if game.kind == scoring.TRUTHS:
        return lines.say("game.truths.reprompt", teller=me, guesser=you)
    if game.kind == scoring.FINISH:
        return lines.say("game.finish.reprompt")
    return lines.say("game.match.reprompt")


def feedback(lines: Lines, game: Game, verdict: str, player: int) -> tuple[Segment, ...]:
    """The word after a verdict, naming whoever won or kept the point."""
    other = 1 - player
    if verdict == SHARED:
        return lines.say("game.share.thanks")
    if verdict == scoring.PASS:
        return lines.say("game.pass")
    if game.kind == scoring.GUESS:
        return lines.say(f"game.guess.{verdict}", guesser=lines.who(player))
    if game.kind == scoring.TRUTHS:
        if verdict == scoring.YES:
            return lines.say("game.truths.yes", guesser=lines.who(other))
        return lines.say("game.truths.no", teller=lines.who(player))
    return lines.say(f"game.{game.kind}.{verdict}")


def round_lead(lines: Lines, game: Game, progress: GameProgress) -> tuple[Segment, ...]:
    """ "Round three" (or "last round") before the first play of a new round; else nothing."""
    if progress.step == 0 or not scoring.starts_round(game.kind, progress.step):
        return ()
    number = scoring.round_of(game.kind, progress.step)
    if number == progress.rounds:
        return (*lines.say("game.last_round"), Pause(BEAT_MS))
    return (*lines.say("game.round", round=number), Pause(BEAT_MS))
