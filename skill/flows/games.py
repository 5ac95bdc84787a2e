"""Question games for two: how well do you know me, would you rather, finish the sentence,
two truths and a dream — played by voice, with turns by name and a running score.

Every play is one response: the question, a timed silence while the couple answers out loud
to each other (the microphone stays closed, so nothing they say reaches the skill), then one
closed question — "was that right?", "did you match?" — whose answer settles the play. The
answers themselves are never heard, said back or stored; only the verdicts are counted.

Progress lives in the household, not the session: the game, round, whose turn, scores and the
question ids used so far. A game cut off by a session end is offered again at the next launch
and carries on with the same scores. History keeps games played, best scores and a short
list of recently heard questions per game, so new games prefer questions not heard lately.
"""

from __future__ import annotations

import dataclasses
import string
from collections.abc import Mapping
from datetime import datetime
from random import Random

from skill import intents
from skill.catalog import Game, GameQuestion, LocaleContent
from skill.flows import journal, people, scoring, tonight, top
from skill.flows.events import Event
from skill.nights import night_of
from skill.reply import Display, Pause, PersonName, Reply, Say, Segment, Silence, Sound
from skill.state import GameProgress, GameRecord, Household, State

CONTEXT = "game"

#: Session offers while the game context is active; a ``_retry`` suffix marks one re-ask made.
PLAYING = "game_play"
MENU = "game_menu"
AGAIN = "game_again"
RESUME = "game_resume"
RESUME_NEW = "game_resume_new"
NO_GAME = "game_none"
RETRY = "_retry"

#: How many recently heard questions each game remembers, so new games prefer fresh ones.
MAX_HEARD = 40

#: Pause before and after a question, in milliseconds.
BEAT_MS = 400

#: Intents of tonight's question that mean nothing in a game: heard mid-play, they are most
#: likely a misheard answer, so they get the game's re-ask rather than leaving the game.
_NOISE = frozenset(
    {
        intents.FALLBACK,
        intents.FOLLOW_UP,
        intents.SAVE_FAVOURITE,
        intents.PLAY_FAVOURITE,
        intents.LAST_NIGHT,
        intents.SET_DEPTH,
        intents.QUESTION_ABOUT,
        intents.CLOSE,
        intents.PASS,
    }
)

Slot = Segment | str | int


# --- content ---------------------------------------------------------------------------------


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


journal.TITLES[journal.GAME] = title_of


def in_progress(household: Household, content: LocaleContent) -> Game | None:
    """The game a household is in the middle of, if any (and if the catalog still has it)."""
    progress = household.game
    if not progress.game or progress.done:
        return None
    game = find_game(content, progress.game)
    if game is None or progress.step >= scoring.total_plays(game.kind, progress.rounds):
        return None
    return game


class Lines:
    """Phrases with partners' names as segments, so a recognized voice is spoken with
    ``<alexa:name>`` even in the middle of a sentence."""

    def __init__(self, content: LocaleContent, rng: Random, household: Household) -> None:
        self.content = content
        self.rng = rng
        self.household = household

    def say(self, key: str, **slots: Slot) -> tuple[Segment, ...]:
        return fill(self.rng.choice(self.content.variants(key)), slots)

    def who(self, index: int) -> Segment:
        return people.partner(self.household, index, self.content, self.rng)

    def points(self, count: int) -> str:
        if count == 0:
            return self.content.phrase("game.points.none", self.rng)
        if count == 1:
            return self.content.phrase("game.points.one", self.rng)
        return self.content.phrase("game.points.many", self.rng, count=count)


def fill(template: str, slots: Mapping[str, Slot]) -> tuple[Segment, ...]:
    """Format ``template``: text slots join the words, a PersonName slot becomes a segment."""
    out: list[Segment] = []
    text = ""
    for literal, name, _, _ in string.Formatter().parse(template):
        text += literal
        if name is None:
            continue
        value = slots[name]
        if isinstance(value, PersonName):
            if text.strip():
                out.append(Say(text.strip()))
            out.append(value)
            text = " "
        else:
            words = value.text if isinstance(value, Say) else str(value)
            if not text.strip() or text.rstrip().endswith((".", "?", "!")):
                words = words[:1].upper() + words[1:]
            text += words
    if text.strip():
        out.append(Say(text.strip()))
    return tuple(out)


# --- history and questions -------------------------------------------------------------------


def record_of(household: Household, game_id: str) -> GameRecord:
    found = next((r for r in household.game_records if r.game == game_id), None)
    return found if found is not None else GameRecord(game=game_id)


def _with_record(household: Household, record: GameRecord) -> Household:
    others = [r for r in household.game_records if r.game != record.game]
    return dataclasses.replace(household, game_records=[*others, record])


def draw(
    household: Household, game: Game, progress: GameProgress, rng: Random
) -> tuple[Household, GameProgress]:
    """Pick the next question: never one already used in this game, and one not heard in
    recent games when there is one. It is remembered as used and as heard."""
    record = record_of(household, game.id)
    used = set(progress.used)
    pool = [q for q in game.questions if q.id not in used]
    if not pool:
        # Every question of the bank used in one game (many skips): start the bank again.
        pool = [q for q in game.questions if q.id != progress.question] or list(game.questions)
        progress = dataclasses.replace(progress, used=[])
    heard = set(record.heard)
    fresh = [q for q in pool if q.id not in heard]
    choice = rng.choice(fresh or pool)
    progress = dataclasses.replace(progress, question=choice.id, used=[*progress.used, choice.id])
    kept = [h for h in record.heard if h != choice.id]
    record = dataclasses.replace(record, heard=[*kept, choice.id][-MAX_HEARD:])
    return _with_record(household, record), progress


def _current(
    household: Household, game: Game, rng: Random
) -> tuple[Household, GameProgress, GameQuestion]:
    """The question in play, drawing one if the stored id is gone from the bank."""
    progress = household.game
    question = game.question(progress.question)
    if question is None:
        household, progress = draw(household, game, progress, rng)
        household = dataclasses.replace(household, game=progress)
        question = game.question(progress.question)
        assert question is not None
    return household, progress, question


def _put_away(household: Household, content: LocaleContent) -> Household:
    """Close an unfinished game: counted as played when any play was settled."""
    game = in_progress(household, content)
    if game is None:
        return household
    household, _ = _record_result(household, game)
    return dataclasses.replace(
        household, game=dataclasses.replace(household.game, done=True, strikes=0)
    )


def _record_result(household: Household, game: Game) -> tuple[Household, bool]:
    """Add the game to the history; returns whether its score beat an earlier best."""
    progress = household.game
    if progress.step <= 0:
        return household, False
    record = record_of(household, game.id)
    long_game = progress.rounds == scoring.LONG_ROUNDS
    best = record.best_long if long_game else record.best_short
    new_best = best > 0 and progress.together > best
    top_score = max(best, progress.together)
    record = dataclasses.replace(
        record,
        played=record.played + 1,
        best_long=top_score if long_game else record.best_long,
        best_short=record.best_short if long_game else top_score,
    )
    return _with_record(household, record), new_best


# --- speaking a play -------------------------------------------------------------------------


def _pair(progress: GameProgress) -> tuple[int, int]:
    """Each partner's points, tolerating a stored list of the wrong length."""
    padded = [*progress.scores, 0, 0]
    return padded[0], padded[1]


def _roles(progress: GameProgress) -> tuple[int, int]:
    player = scoring.turn(progress.step, progress.first)
    return player, 1 - player


def _present(
    lines: Lines, game: Game, progress: GameProgress, question: GameQuestion
) -> tuple[Segment, ...]:
    """The play's question, the silence to answer in, and the closing question."""
    player, other = _roles(progress)
    me, you = lines.who(player), lines.who(other)
    chime = Sound("chime")
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


def _verdict_prompt(lines: Lines, game: Game, progress: GameProgress) -> tuple[Segment, ...]:
    """The closing question on its own: for reprompts and re-asks."""
    player, other = _roles(progress)
    me, you = lines.who(player), lines.who(other)
    if game.kind == scoring.GUESS:
        return lines.say("game.guess.reprompt", partner=you, guesser=me)
    if game.kind == scoring.TRUTHS:
        return lines.say("game.truths.reprompt", teller=me, guesser=you)
    if game.kind == scoring.FINISH:
        return lines.say("game.finish.reprompt")
    return lines.say("game.match.reprompt")


def _feedback(lines: Lines, game: Game, verdict: str, player: int) -> tuple[Segment, ...]:
    other = 1 - player
    if verdict == scoring.PASS:
        return lines.say("game.pass")
    if game.kind == scoring.GUESS:
        return lines.say(f"game.guess.{verdict}", guesser=lines.who(player))
    if game.kind == scoring.TRUTHS:
        if verdict == scoring.YES:
            return lines.say("game.truths.yes", guesser=lines.who(other))
        return lines.say("game.truths.no", teller=lines.who(player))
    return lines.say(f"game.{game.kind}.{verdict}")


def _round_lead(lines: Lines, game: Game, progress: GameProgress) -> tuple[Segment, ...]:
    if progress.step == 0 or not scoring.starts_round(game.kind, progress.step):
        return ()
    number = scoring.round_of(game.kind, progress.step)
    if number == progress.rounds:
        return (*lines.say("game.last_round"), Pause(BEAT_MS))
    return (*lines.say("game.round", round=number), Pause(BEAT_MS))


def _score_lines(
    lines: Lines, game: Game, progress: GameProgress, final: bool
) -> tuple[Segment, ...]:
    """The score as it stands: each partner's points, or the couple's shared count."""
    if game.kind in (scoring.GUESS, scoring.TRUTHS):
        a, b = _pair(progress)
        if a == b:
            return lines.say("game.score.tied", points=lines.points(a))
        return lines.say(
            "game.score.pair",
            one=lines.who(0),
            one_points=lines.points(a),
            two=lines.who(1),
            two_points=lines.points(b),
        )
    if progress.step == 0:
        return ()
    kind = "final" if final else "score"
    return lines.say(f"game.{kind}.{game.kind}", count=progress.together, played=progress.step)


def screen(state: State, content: LocaleContent, rng: Random) -> Display | None:
    """A game on screen: its title, the question in play (or, once over, the final score)
    and the score as it stands."""
    progress = state.household.game
    game = find_game(content, progress.game) if progress.game else None
    if game is None or state.session.offer.removesuffix(RETRY) not in (PLAYING, AGAIN):
        return None
    score = _score_text(state.household, game, progress, content, rng)
    question = game.question(progress.question)
    if progress.done or question is None:
        return Display(title=game.title, text=score) if score else None
    _, other = _roles(progress)
    partner = people.partner_text(state.household, other, content, rng)
    return Display(title=game.title, text=question.text.format(partner=partner), footer=score)


def _score_text(
    household: Household, game: Game, progress: GameProgress, content: LocaleContent, rng: Random
) -> str:
    """The score in a few words for the screen; nothing before the first play is settled."""
    if game.kind in (scoring.GUESS, scoring.TRUTHS):
        a, b = _pair(progress)
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


def _playing(state: State, household: Household) -> State:
    session = dataclasses.replace(state.session, context=CONTEXT, offer=PLAYING)
    return State(household, session)


def _ask_play(
    state: State,
    household: Household,
    game: Game,
    lead: tuple[Segment, ...],
    content: LocaleContent,
    rng: Random,
) -> tuple[State, Reply]:
    """Speak ``lead`` and then the play in progress, and wait for its verdict."""
    household, progress, question = _current(household, game, rng)
    lines = Lines(content, rng, household)
    speech = (*lead, *_present(lines, game, progress, question))
    return _playing(state, household), Reply.ask(speech, _verdict_prompt(lines, game, progress))


def _ask_verdict_again(
    state: State, game: Game, lead: tuple[Segment, ...], content: LocaleContent, rng: Random
) -> tuple[State, Reply]:
    """Say ``lead`` and repeat just the closing question of the play in progress."""
    household = state.household
    lines = Lines(content, rng, household)
    prompt = _verdict_prompt(lines, game, household.game)
    return _playing(state, household), Reply.ask((*lead, Pause(BEAT_MS), *prompt), prompt)


# --- starting, settling and finishing --------------------------------------------------------


def start(
    state: State,
    game: Game,
    rounds: int,
    content: LocaleContent,
    rng: Random,
    now: datetime,
    lead: tuple[Segment, ...] = (),
    first: int = 0,
) -> tuple[State, Reply]:
    """A new game: any unfinished one is put away first, its scores kept in the history.

    The game goes into the week's journal (by id only) so the recap can name it.
    """
    household = _put_away(state.household, content)
    household = journal.record(household, night_of(now), journal.GAME, game.id)
    progress = GameProgress(game=game.id, rounds=rounds, first=first)
    household, progress = draw(household, game, progress, rng)
    household = dataclasses.replace(household, game=progress)
    lines = Lines(content, rng, household)
    length = "long" if rounds == scoring.LONG_ROUNDS else "short"
    intro: tuple[Segment, ...] = (
        *lead,
        *lines.say("game.start", title=game.title),
        Pause(BEAT_MS),
        Say(game.rules),
        Pause(BEAT_MS),
        *lines.say(f"game.length.{length}", rounds=rounds),
    )
    if len(household.names) != 2 and len(household.voices) != 2:
        intro += (
            Pause(BEAT_MS),
            *lines.say("game.names_tip", one=lines.who(0), two=lines.who(1)),
        )
    return _ask_play(state, household, game, (*intro, Pause(900)), content, rng)


def _settle(
    state: State,
    game: Game,
    verdict: str,
    content: LocaleContent,
    rng: Random,
    defaulted: bool = False,
) -> tuple[State, Reply]:
    """Score the play in progress and move on: to the next play, or to the final summary."""
    progress = state.household.game
    player, _ = _roles(progress)
    tally = scoring.settle(
        game.kind,
        scoring.Tally(_pair(progress), progress.together),
        verdict,
        player,
    )
    progress = dataclasses.replace(
        progress,
        scores=list(tally.scores),
        together=tally.together,
        step=progress.step + 1,
        strikes=0,
    )
    lines = Lines(content, rng, state.household)
    if defaulted:
        feedback = lines.say("game.default_pass")
    else:
        feedback = _feedback(lines, game, verdict, player)
    household = dataclasses.replace(state.household, game=progress)
    if progress.step >= scoring.total_plays(game.kind, progress.rounds):
        return _finish(State(household, state.session), game, feedback, False, content, rng)
    household, progress = draw(household, game, progress, rng)
    household = dataclasses.replace(household, game=progress)
    lead = (*feedback, Pause(700), *_round_lead(lines, game, progress))
    return _ask_play(state, household, game, lead, content, rng)


def _finish(
    state: State,
    game: Game,
    lead: tuple[Segment, ...],
    early: bool,
    content: LocaleContent,
    rng: Random,
) -> tuple[State, Reply]:
    """The final summary: the score, a warm word chosen by how it went, and what next."""
    household, new_best = _record_result(state.household, game)
    progress = dataclasses.replace(household.game, done=True, strikes=0)
    household = dataclasses.replace(household, game=progress)
    lines = Lines(content, rng, household)
    band = scoring.band(game.kind, progress.together, progress.step)
    speech: tuple[Segment, ...] = (*lead, Pause(600)) if lead else ()
    speech += lines.say("game.over.early" if early else "game.over")
    if progress.step > 0:
        speech += (Pause(BEAT_MS), *_score_lines(lines, game, progress, final=True))
    band_key = "game.band.none" if band == scoring.NONE else f"game.band.{game.kind}.{band}"
    speech += (Pause(BEAT_MS), *lines.say(band_key))
    if new_best:
        length = "long" if progress.rounds == scoring.LONG_ROUNDS else "short"
        name = content.phrase(f"game.length_name.{length}", rng)
        speech += (Pause(BEAT_MS), *lines.say("game.best", length=name))
    speech += (Pause(700), *lines.say("game.again"))
    session = dataclasses.replace(state.session, context=CONTEXT, offer=AGAIN)
    return State(household, session), Reply.ask(speech, lines.say("game.again.reprompt"))


# --- intent flows (outside a game in play) ---------------------------------------------------


def play(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """ "Let's play a game" offers the games; "play would you rather" starts one."""
    game = find_game(content, event.slots.get(intents.SLOT_GAME, ""))
    if game is not None:
        rounds = scoring.rounds_for(event.slots.get(intents.SLOT_LENGTH, ""))
        return start(state, game, rounds, content, rng, now)
    lines = Lines(content, rng, state.household)
    if event.spoken.get(intents.SLOT_GAME):
        return _menu(state, content, rng, lines.say("game.menu.unknown"))
    if in_progress(state.household, content) is not None:
        return _offer_resume(state, (), RESUME_NEW, content, rng)
    return _menu(state, content, rng)


def score(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """ "What's the score" with no game on screen: the stored game's, or an offer to play."""
    game = in_progress(state.household, content)
    if game is None:
        return _no_game(state, content, rng)
    lines = Lines(content, rng, state.household)
    lead = (*_score_lines(lines, game, state.household.game, final=False), Pause(BEAT_MS))
    return _offer_resume(state, lead, RESUME, content, rng)


def end_game(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """ "End the game" outside play: finish the stored game, or say there is none."""
    game = in_progress(state.household, content)
    if game is None:
        return _no_game(state, content, rng)
    return _finish(state, game, (), True, content, rng)


def pass_(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """ "Pass" outside a game: on tonight's question it means another one."""
    if state.session.context == tonight.CONTEXT:
        return tonight.ask_another(state, event, content, now, rng)
    return top.fallback(state, event, content, now, rng)


def offer_resume(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply] | None:
    """At launch: "you were in the middle of would you rather, want to finish it?"."""
    if in_progress(state.household, content) is None:
        return None
    greeted, _ = top.launch(state, event, content, now, rng)
    lead = (*people.greeting(greeted.household, event.person_id, content, rng), Pause(300))
    return _offer_resume(greeted, lead, RESUME, content, rng)


def on_session_end(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """The game stays where it was; only a half-made re-ask is forgotten."""
    if state.household.game.strikes == 0:
        return state, Reply.silent()
    progress = dataclasses.replace(state.household.game, strikes=0)
    return State(dataclasses.replace(state.household, game=progress), state.session), Reply.silent()


def _offer_resume(
    state: State, lead: tuple[Segment, ...], offer: str, content: LocaleContent, rng: Random
) -> tuple[State, Reply]:
    game = in_progress(state.household, content)
    assert game is not None
    progress = dataclasses.replace(state.household.game, strikes=0)
    household = dataclasses.replace(state.household, game=progress)
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
    session = dataclasses.replace(state.session, context=CONTEXT, offer=offer)
    return State(household, session), Reply.ask(speech, lines.say("game.resume.reprompt"))


def _menu(
    state: State,
    content: LocaleContent,
    rng: Random,
    lead: tuple[Segment, ...] = (),
    offer: str = MENU,
) -> tuple[State, Reply]:
    """All the games in one breath, and which one would they like."""
    titles = [g.title for g in games_of(content)]
    if len(titles) > 1:
        listed = content.phrase("game.menu.join", rng, rest=", ".join(titles[:-1]), last=titles[-1])
    else:
        listed = "".join(titles)
    speech = (*lead, content.say("game.menu", rng, games=listed))
    example = rng.choice(titles) if titles else ""
    session = dataclasses.replace(state.session, context=CONTEXT, offer=offer)
    return State(state.household, session), Reply.ask(
        speech, (content.say("game.menu.reprompt", rng, example=example),)
    )


def _no_game(state: State, content: LocaleContent, rng: Random) -> tuple[State, Reply]:
    session = dataclasses.replace(state.session, context=CONTEXT, offer=NO_GAME)
    return State(state.household, session), Reply.ask(
        (content.say("game.none", rng),), (content.say("game.none.reprompt", rng),)
    )


# --- the activity router ---------------------------------------------------------------------


def route(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply] | None:
    """Every intent while the game context is active; None lets it route as usual."""
    offer = state.session.offer
    base = offer.removesuffix(RETRY)
    retried = offer.endswith(RETRY)
    if base == PLAYING:
        game = in_progress(state.household, content)
        return None if game is None else _in_play(state, event, game, content, now, rng)
    if base == MENU:
        return _at_menu(state, event, retried, content, now, rng)
    if base == AGAIN:
        return _at_again(state, event, retried, content, now, rng)
    if base in (RESUME, RESUME_NEW):
        return _at_resume(state, event, base, retried, content, now, rng)
    if base == NO_GAME and event.is_intent(intents.YES):
        return _menu(state, content, rng)
    return None


def _in_play(
    state: State, event: Event, game: Game, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply] | None:
    name = event.intent
    verdicts = {intents.YES: scoring.YES, intents.NO: scoring.NO, intents.CLOSE: scoring.CLOSE}
    if name in verdicts and scoring.accepts(game.kind, verdicts[name]):
        return _settle(state, game, verdicts[name], content, rng)
    if name == intents.PASS:
        return _settle(state, game, scoring.PASS, content, rng)
    if name in (intents.ANOTHER, intents.NEXT):
        return _skip(state, game, content, rng)
    if name in (intents.REPEAT, intents.RESUME) or (
        name == intents.PLAY_GAME and not event.spoken.get(intents.SLOT_GAME)
    ):
        return _ask_play(state, state.household, game, (), content, rng)
    if name == intents.SCORE:
        lines = Lines(content, rng, state.household)
        progress = state.household.game
        lead = (
            *_score_lines(lines, game, progress, final=False),
            *lines.say(
                "game.score.round",
                round=scoring.round_of(game.kind, progress.step),
                rounds=progress.rounds,
            ),
        )
        return _ask_verdict_again(state, game, lead, content, rng)
    if name == intents.END_GAME:
        return _finish(state, game, (), True, content, rng)
    if name == intents.HELP:
        controls = content.say("game.help.controls", rng)
        return _ask_verdict_again(
            state, game, (Say(game.rules), Pause(300), controls), content, rng
        )
    if name == intents.PREVIOUS:
        return _ask_verdict_again(state, game, (content.say("game.previous", rng),), content, rng)
    if name in (intents.STOP, intents.CANCEL, intents.PAUSE):
        progress = dataclasses.replace(state.household.game, strikes=0)
        household = dataclasses.replace(state.household, game=progress)
        return State(household, state.session), Reply.tell((content.say("game.paused", rng),))
    if name == intents.SET_NAMES:
        return _rename(state, event, game, content, now, rng)
    if name == intents.FORGET_NAMES:
        key = "names.forgotten" if state.household.names or state.household.voices else "names.none"
        household = dataclasses.replace(state.household, names=[], voices=[])
        return _ask_verdict_again(
            State(household, state.session), game, (content.say(key, rng),), content, rng
        )
    if name in _NOISE or name == intents.CLOSE:
        return _unplaced(state, game, content, rng)
    return None


def _skip(state: State, game: Game, content: LocaleContent, rng: Random) -> tuple[State, Reply]:
    """A different question for the same turn: nothing is scored and the turn isn't used."""
    progress = dataclasses.replace(state.household.game, strikes=0)
    household, progress = draw(state.household, game, progress, rng)
    household = dataclasses.replace(household, game=progress)
    lead = (content.say("game.skip", rng), Pause(BEAT_MS))
    return _ask_play(state, household, game, lead, content, rng)


def _unplaced(state: State, game: Game, content: LocaleContent, rng: Random) -> tuple[State, Reply]:
    """One clear re-ask; a second answer that can't be placed counts the play as a pass."""
    progress = state.household.game
    if progress.strikes >= 1:
        return _settle(state, game, scoring.PASS, content, rng, defaulted=True)
    household = dataclasses.replace(state.household, game=dataclasses.replace(progress, strikes=1))
    return _ask_verdict_again(
        State(household, state.session), game, (content.say("game.unclear", rng),), content, rng
    )


def _rename(
    state: State, event: Event, game: Game, content: LocaleContent, now: datetime, rng: Random
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
    household = dataclasses.replace(state.household, names=[one, two])
    lead = (content.say("names.saved", rng, one=one, two=two),)
    return _ask_verdict_again(State(household, state.session), game, lead, content, rng)


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
    session = dataclasses.replace(state.session, offer=base + RETRY)
    speech = (content.say("game.unclear", rng), Pause(300), *reprompt)
    return State(state.household, session), Reply.ask(speech, reprompt)


def _at_menu(
    state: State,
    event: Event,
    retried: bool,
    content: LocaleContent,
    now: datetime,
    rng: Random,
) -> tuple[State, Reply] | None:
    if event.is_intent(intents.PLAY_GAME):
        game = find_game(content, event.slots.get(intents.SLOT_GAME, ""))
        if game is not None:
            rounds = scoring.rounds_for(event.slots.get(intents.SLOT_LENGTH, ""))
            return start(state, game, rounds, content, rng, now)
    elif not (event.intent in _NOISE or event.is_intent(intents.YES)):
        return None
    if not retried:
        menu_state, menu = _menu(state, content, rng, offer=MENU + RETRY)
        sorry = content.say("game.unclear", rng)
        return menu_state, Reply.ask((sorry, Pause(300), *menu.speech), menu.reprompt)
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
    last = find_game(content, state.household.game.game)
    wants_again = event.is_intent(intents.YES) or (
        event.is_intent(intents.PLAY_GAME) and not event.spoken.get(intents.SLOT_GAME)
    )
    if wants_again and last is not None:
        progress = state.household.game
        length = event.slots.get(intents.SLOT_LENGTH, "")
        rounds = scoring.rounds_for(length) if length else progress.rounds
        return start(state, last, rounds, content, rng, now, first=1 - progress.first)
    if event.is_intent(intents.NO):
        return state, Reply.tell((content.say("game.goodbye", rng),))
    if event.is_intent(intents.SCORE) and last is not None:
        lines = Lines(content, rng, state.household)
        lead = _score_lines(lines, last, state.household.game, final=True)
        again = lines.say("game.again")
        return state, Reply.ask((*lead, Pause(BEAT_MS), *again), lines.say("game.again.reprompt"))
    if event.intent not in _NOISE:
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
    now: datetime,
    rng: Random,
) -> tuple[State, Reply] | None:
    game = in_progress(state.household, content)
    if game is None:
        return None
    name = event.intent
    if name in (intents.YES, intents.RESUME, intents.NEXT) or (
        name == intents.PLAY_GAME and not event.spoken.get(intents.SLOT_GAME)
    ):
        return _resume(state, game, content, rng)
    if name == intents.NO:
        household = _put_away(state.household, content)
        dropped = content.say("game.resume.dropped", rng)
        put_away = State(household, state.session)
        if base == RESUME_NEW:
            return _menu(put_away, content, rng, (dropped, Pause(BEAT_MS)))
        session = dataclasses.replace(state.session, context=top.TOP, offer="tonight")
        return State(household, session), Reply.ask(
            (dropped, Pause(BEAT_MS), content.say("offer.tonight", rng)),
            (content.say("launch.reprompt", rng),),
        )
    if name == intents.SCORE:
        lines = Lines(content, rng, state.household)
        lead = (*_score_lines(lines, game, state.household.game, final=False), Pause(BEAT_MS))
        return _offer_resume(state, lead, base, content, rng)
    if name == intents.END_GAME:
        return _finish(state, game, (), True, content, rng)
    if name not in _NOISE:
        return None
    reprompt = (content.say("game.resume.reprompt", rng),)
    answered = _retry_or(state, base, retried, reprompt, content, rng)
    if answered is not None:
        return answered
    return _resume(state, game, content, rng)


def _resume(state: State, game: Game, content: LocaleContent, rng: Random) -> tuple[State, Reply]:
    """Back into the game exactly where it was: same round, same turn, same scores."""
    lines = Lines(content, rng, state.household)
    lead = (*lines.say("game.resume.back", title=game.title), Pause(BEAT_MS))
    progress = dataclasses.replace(state.household.game, strikes=0)
    household = dataclasses.replace(state.household, game=progress)
    return _ask_play(state, household, game, lead, content, rng)
