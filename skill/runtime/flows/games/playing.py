"""Playing a turn: asking the play, hearing its verdict, scoring it, and the final summary.

Every play is one response — the question, a timed silence, then one closed question — so a
turn here is that closing question's answer. Only verdicts are counted; what the couple said
to each other is never heard, said back or stored. An answer the game can't place gets one
clear re-ask, then counts as a pass, so a noisy room never stalls a game.
"""

from __future__ import annotations

from random import Random

from skill.runtime import copying, intents
from skill.runtime.catalog import Game, LocaleContent
from skill.runtime.flows.games.lines import BEAT_MS, Lines, length_key, score_lines
from skill.runtime.flows.games.offers import AGAIN, NOISE, PLAYING, at
from skill.runtime.flows.games.plays import (
    SHARED,
    feedback,
    present,
    round_lead,
    verdict_prompt,
)
from skill.runtime.flows.games.stored import current, draw, pair, record_result, roles, unstruck
from skill.runtime.flows.kit import people, scoring
from skill.runtime.flows.kit.events import Event
from skill.runtime.reply import Pause, Reply, Say, Segment, Silence, Sound
from skill.runtime.state import Household, State


def ask_play(
    state: State,
    household: Household,
    game: Game,
    lead: tuple[Segment, ...],
    content: LocaleContent,
    rng: Random,
) -> tuple[State, Reply]:
    """Speak ``lead`` and then the play in progress, and wait for its verdict."""
    household, progress, question = current(household, game, rng)
    lines = Lines(content, rng, household)
    speech = (*lead, *present(lines, game, progress, question))
    return at(state, household, PLAYING), Reply.ask(speech, verdict_prompt(lines, game, progress))


def ask_verdict_again(
    state: State, game: Game, lead: tuple[Segment, ...], content: LocaleContent, rng: Random
) -> tuple[State, Reply]:
    """Say ``lead`` and repeat just the closing question of the play in progress."""
    household = state.household
    lines = Lines(content, rng, household)
    prompt = verdict_prompt(lines, game, household.game)
    return at(state, household, PLAYING), Reply.ask((*lead, Pause(BEAT_MS), *prompt), prompt)


def in_play(
    state: State, event: Event, game: Game, content: LocaleContent, rng: Random
) -> tuple[State, Reply] | None:
    """Every intent while a play waits for its verdict; None lets it route as usual (only
    what asks for something else: another activity, home, a new game)."""
    name = event.intent
    question = game.question(state.household.game.question)
    if question is not None and question.share:
        if name in (intents.YES, intents.NEXT, intents.CUE, intents.PASS, intents.CLOSE):
            return settle(state, game, SHARED, content, rng)
        if name in (intents.NO, intents.MORE_TIME, intents.FALLBACK):
            return _more_time(state, game, content, rng)
    verdicts = {intents.YES: scoring.YES, intents.NO: scoring.NO, intents.CLOSE: scoring.CLOSE}
    if name in verdicts and scoring.accepts(game.kind, verdicts[name]):
        return settle(state, game, verdicts[name], content, rng)
    if name == intents.PASS:
        return settle(state, game, scoring.PASS, content, rng)
    if name in (intents.ANOTHER, intents.NEXT):
        return _skip(state, game, content, rng)
    if name == intents.MORE_TIME:
        return _more_time(state, game, content, rng)
    if name == intents.CUE:
        return ask_verdict_again(state, game, (), content, rng)
    if name in (intents.REPEAT, intents.RESUME) or (
        name == intents.PLAY_GAME and not event.spoken.get(intents.SLOT_GAME)
    ):
        return ask_play(state, state.household, game, (), content, rng)
    if name == intents.SCORE:
        lines = Lines(content, rng, state.household)
        progress = state.household.game
        lead = (
            *score_lines(lines, game, progress, final=False),
            *lines.say(
                "game.score.round",
                round=scoring.round_of(game.kind, progress.step),
                rounds=progress.rounds,
            ),
        )
        return ask_verdict_again(state, game, lead, content, rng)
    if name == intents.END_GAME:
        return finish(state, game, (), True, content, rng)
    if name == intents.HOW_TO_PLAY:
        return ask_verdict_again(state, game, (Say(game.rules), Pause(300)), content, rng)
    if name == intents.HELP:
        controls = content.say("game.help.controls", rng)
        return ask_verdict_again(state, game, (controls, Pause(300)), content, rng)
    if name == intents.PREVIOUS:
        return ask_verdict_again(state, game, (content.say("game.previous", rng),), content, rng)
    if name in (intents.STOP, intents.CANCEL, intents.PAUSE, intents.GOODBYE):
        household = unstruck(state.household)
        return State(household, state.session), Reply.tell((content.say("game.paused", rng),))
    if name == intents.SET_NAMES:
        return _rename(state, event, game, content, rng)
    if name == intents.FORGET_NAMES:
        household, key = people.without_names(state.household)
        return ask_verdict_again(
            State(household, state.session), game, (content.say(key, rng),), content, rng
        )
    if name in MEANS_NOTHING_HERE:
        return ask_verdict_again(state, game, (content.say("game.reminder", rng),), content, rng)
    if name in NOISE or name in (intents.CLOSE, intents.INTRODUCE):
        return _unplaced(state, game, content, rng)
    return None


#: Words that mean something elsewhere (an exercise's cues, a gratitude swap) but nothing in a
#: play: a one-line reminder of what works, and the game goes on.
MEANS_NOTHING_HERE = frozenset(
    {
        intents.SKIP_STEP,
        intents.BREAK,
        intents.ME_FIRST,
        intents.GOES_FIRST,
        intents.YOU_CHOOSE,
        intents.SWAP,
        intents.REMATCH,
        intents.TALK_TIME,
    }
)


def _more_time(
    state: State, game: Game, content: LocaleContent, rng: Random
) -> tuple[State, Reply]:
    """ "More time": the same quiet again, a chime, and the same closing question."""
    lead = (content.say("game.more_time", rng), Silence(game.answer_seconds), Sound("chime"))
    return ask_verdict_again(state, game, lead, content, rng)


def settle(
    state: State,
    game: Game,
    verdict: str,
    content: LocaleContent,
    rng: Random,
    defaulted: bool = False,
) -> tuple[State, Reply]:
    """Score the play in progress and move on: to the next play, or to the final summary."""
    progress = state.household.game
    player, _ = roles(progress)
    tally = scoring.settle(
        game.kind,
        scoring.Tally(pair(progress), progress.together),
        verdict,
        player,
    )
    progress = copying.replace(
        progress,
        scores=list(tally.scores),
        together=tally.together,
        step=progress.step + 1,
        strikes=0,
    )
    lines = Lines(content, rng, state.household)
    said = lines.say("game.default_pass") if defaulted else feedback(lines, game, verdict, player)
    household = copying.replace(state.household, game=progress)
    if progress.step >= scoring.total_plays(game.kind, progress.rounds):
        return finish(State(household, state.session), game, said, False, content, rng)
    household, progress = draw(household, game, progress, rng)
    household = copying.replace(household, game=progress)
    lead = (*said, Pause(700), *round_lead(lines, game, progress))
    return ask_play(state, household, game, lead, content, rng)


def finish(
    state: State,
    game: Game,
    lead: tuple[Segment, ...],
    early: bool,
    content: LocaleContent,
    rng: Random,
) -> tuple[State, Reply]:
    """The final summary: the score, a warm word chosen by how it went, and what next."""
    household, new_best = record_result(state.household, game)
    progress = copying.replace(household.game, done=True, strikes=0)
    household = copying.replace(household, game=progress)
    lines = Lines(content, rng, household)
    band = scoring.band(game.kind, progress.together, progress.step)
    speech: tuple[Segment, ...] = (*lead, Pause(600)) if lead else ()
    speech += lines.say("game.over.early" if early else "game.over")
    if progress.step > 0:
        speech += (Pause(BEAT_MS), *score_lines(lines, game, progress, final=True))
    band_key = "game.band.none" if band == scoring.NONE else f"game.band.{game.kind}.{band}"
    speech += (Pause(BEAT_MS), *lines.say(band_key))
    if new_best:
        name = content.phrase(f"game.length_name.{length_key(progress.rounds)}", rng)
        speech += (Pause(BEAT_MS), *lines.say("game.best", length=name))
    speech += (Pause(700), *lines.say("game.again"))
    return at(state, household, AGAIN), Reply.ask(speech, lines.say("game.again.reprompt"))


def _skip(state: State, game: Game, content: LocaleContent, rng: Random) -> tuple[State, Reply]:
    """A different question for the same turn: nothing is scored and the turn isn't used."""
    household = unstruck(state.household)
    household, progress = draw(household, game, household.game, rng)
    household = copying.replace(household, game=progress)
    lead = (content.say("game.skip", rng), Pause(BEAT_MS))
    return ask_play(state, household, game, lead, content, rng)


def _unplaced(state: State, game: Game, content: LocaleContent, rng: Random) -> tuple[State, Reply]:
    """One clear re-ask; a second answer that can't be placed counts the play as a pass."""
    progress = state.household.game
    if progress.strikes >= 1:
        return settle(state, game, scoring.PASS, content, rng, defaulted=True)
    household = copying.replace(state.household, game=copying.replace(progress, strikes=1))
    return ask_verdict_again(
        State(household, state.session), game, (content.say("game.unclear", rng),), content, rng
    )


def _rename(
    state: State, event: Event, game: Game, content: LocaleContent, rng: Random
) -> tuple[State, Reply]:
    """ "Call us Sam and Alex" mid-game: new names from the next sentence on. A lone or odd
    name is an answer the game can't place."""
    spoken = [
        event.spoken.get(intents.SLOT_NAME_ONE, ""),
        event.spoken.get(intents.SLOT_NAME_TWO, ""),
    ]
    names = [people.clean_name(s) for s in spoken if s]
    if len(names) != 2 or None in names or names[0] == names[1]:
        return _unplaced(state, game, content, rng)
    one, two = (n for n in names if n is not None)
    household = copying.replace(state.household, names=[one, two])
    lead = (content.say("names.saved", rng, one=one, two=two),)
    return ask_verdict_again(State(household, state.session), game, lead, content, rng)
