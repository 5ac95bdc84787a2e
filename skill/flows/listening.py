"""Guided active listening, hands-free: one partner has the floor, the other listens, then swap.

The runner walks an exercise's steps (see ``skill/exercises.py``). A timed turn needs nobody
to speak to the device: one response carries the instruction, the timed silence, a chime and
the next instruction, and then the skill waits for a cue word. Where the couple is lives in
the household (``ListeningProgress``), so a session that ends mid-exercise - "stop", "we need
a break", or Alexa closing it after the reprompt - can be picked up at the next launch within
a day. The session's context is ``listening`` while an exercise runs, so every intent reaches
``route`` first and "next", "repeat" or "go back" mean the right thing here.

Positions a couple can be waiting at: choosing who goes first (``first`` is -1); a step that
waits for a cue (``part`` 0); or between the parts of a long timed turn (``part`` > 0).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from datetime import datetime
from random import Random

from skill import exercises, intents
from skill.catalog import LocaleContent
from skill.exercises import Exercise, Step
from skill.flows import journal, people, tonight, top
from skill.flows.events import Event
from skill.nights import night_of
from skill.reply import Display, Pause, Reply, Say, Segment, Silence, Sound
from skill.state import Household, ListeningProgress, State

CONTEXT = "listening"
#: The session context while the skill waits for a yes or no to one of its listening offers.
OFFER_CONTEXT = "listening_offer"
OFFER_RESUME = "resume_listening"
OFFER_START = "start_listening"
#: A saved place is offered back for this long after the couple last moved on.
RESUME_WINDOW_S = 24 * 3600
#: Speech rate used to tell whether a cue came while a timed silence was still playing:
#: brisk, so an ordinary cue after the chime is never mistaken for an interruption.
FAST_WORDS_PER_S = 3.5
MAX_DONE = 20

#: Intents that mean "we're ready, go on".
GO_ON = frozenset({intents.CUE, intents.NEXT, intents.YES, intents.RESUME, intents.SWAP})
#: Intents that mean "you pick who goes first" (or simply "let's start").
PICK_FOR_US = frozenset({intents.YOU_CHOOSE, intents.SURPRISE, *GO_ON})
#: Intents that say "carry on with this turn" between the parts of a long one.
KEEP_GOING = frozenset({intents.MORE_TIME, intents.YES, intents.RESUME})
#: Intents that say "this turn is over" between the parts of a long one.
TURN_DONE = frozenset({intents.CUE, intents.NEXT, intents.NO, intents.SWAP})
STOPPING = frozenset({intents.STOP, intents.CANCEL})

_FIELD = re.compile(r"\{(\w+)\}")
#: Text before a placeholder that puts it at the start of a sentence ("partner one" -> "Partner").
_SENTENCE_START = re.compile(r"(?:^|[.?!])\s*$")


# --- small helpers --------------------------------------------------------------------------


def catalogue(content: LocaleContent) -> tuple[Exercise, ...]:
    """Every exercise in this locale (none when the locale ships no exercises)."""
    try:
        found: tuple[Exercise, ...] = content.section("exercises")
    except KeyError:
        return ()
    return found


def find(content: LocaleContent, exercise_id: str) -> Exercise | None:
    return next((e for e in catalogue(content) if e.id == exercise_id), None)


def title_of(content: LocaleContent, exercise_id: str) -> str | None:
    """How the recap names an exercise."""
    found = find(content, exercise_id)
    return found.title if found else None


journal.TITLES[journal.LISTENING] = title_of


def _epoch(now: datetime) -> int:
    return int(now.timestamp())


def render(template: str, values: Mapping[str, Segment]) -> tuple[Segment, ...]:
    """A template with ``{placeholders}`` as speech, names as their own segments.

    A recognized voice's name must be an ``<alexa:name>`` segment, so names can't simply be
    formatted into the text; neighbouring words are merged back into single sentences.
    """
    out: list[Segment] = []
    position = 0
    for match in _FIELD.finditer(template):
        text = template[position : match.start()]
        value = values[match.group(1)]
        if isinstance(value, Say) and _SENTENCE_START.search(text):
            value = Say(value.text[:1].upper() + value.text[1:])
        out.extend((Say(text), value))
        position = match.end()
    out.append(Say(template[position:]))
    merged: list[Segment] = []
    for seg in out:
        if isinstance(seg, Say) and merged and isinstance(merged[-1], Say):
            merged[-1] = Say(merged[-1].text + seg.text)
        else:
            merged.append(seg)
    return tuple(
        Say(seg.text.strip()) if isinstance(seg, Say) else seg
        for seg in merged
        if not (isinstance(seg, Say) and not seg.text.strip())
    )


def _line(
    content: LocaleContent, key: str, rng: Random, **values: Segment | str
) -> tuple[Segment, ...]:
    """One wording of a phrase, with names and titles put in as speech."""
    template = rng.choice(content.variants(key))
    return render(template, {k: Say(v) if isinstance(v, str) else v for k, v in values.items()})


def _pair(household: Household, content: LocaleContent, rng: Random) -> dict[str, Segment]:
    return {
        "one": people.partner(household, 0, content, rng),
        "two": people.partner(household, 1, content, rng),
    }


def _roles(
    household: Household, ex: Exercise, index: int, first: int, content: LocaleContent, rng: Random
) -> dict[str, Segment]:
    speaker = ex.speaker_at(index, first)
    return {
        exercises.SPEAKER: people.partner(household, speaker, content, rng),
        exercises.LISTENER: people.partner(household, 1 - speaker, content, rng),
    }


def _narration(
    household: Household, ex: Exercise, index: int, first: int, content: LocaleContent, rng: Random
) -> tuple[Segment, ...]:
    step = ex.steps[index]
    return render(rng.choice(step.narration), _roles(household, ex, index, first, content, rng))


def _between(
    household: Household, ex: Exercise, index: int, first: int, content: LocaleContent, rng: Random
) -> tuple[Segment, ...]:
    step = ex.steps[index]
    return render(rng.choice(step.split), _roles(household, ex, index, first, content, rng))


def _fast_seconds(segments: tuple[Segment, ...]) -> float:
    """A brisk estimate of how long ``segments`` take to play (errs short)."""
    total = 0.0
    for seg in segments:
        if isinstance(seg, Say):
            total += len(seg.text.split()) / FAST_WORDS_PER_S
        elif isinstance(seg, Pause):
            total += seg.ms / 1000
    return total


@dataclasses.dataclass(frozen=True)
class _Turn:
    """What one answer needs: the state, the content, the clock and the dice."""

    state: State
    content: LocaleContent
    now: datetime
    rng: Random

    @property
    def household(self) -> Household:
        return self.state.household

    @property
    def progress(self) -> ListeningProgress:
        return self.state.household.listening

    def line(self, key: str, **values: Segment | str) -> tuple[Segment, ...]:
        return _line(self.content, key, self.rng, **values)

    def person(self, index: int) -> Segment:
        return people.partner(self.household, index, self.content, self.rng)

    def keep(self, progress: ListeningProgress, context: str = CONTEXT, offer: str = "") -> State:
        """The state with ``progress`` saved (touched now) and the session in ``context``."""
        household = dataclasses.replace(
            self.household, listening=dataclasses.replace(progress, updated=_epoch(self.now))
        )
        session = dataclasses.replace(self.state.session, context=context, offer=offer)
        return State(household, session)


# --- starting ---------------------------------------------------------------------------------


def suggest(household: Household, catalogue_: tuple[Exercise, ...], after: str = "") -> Exercise:
    """The exercise to offer: the next after ``after``, else one not done yet, else the one
    done longest ago, so asking for "a listening exercise" night after night visits them all."""
    ids = [e.id for e in catalogue_]
    if after in ids:
        return catalogue_[(ids.index(after) + 1) % len(ids)]
    done = [d for d in household.exercises_done if d in ids]
    fresh = [e for e in catalogue_ if e.id not in done]
    if fresh:
        return fresh[0]
    return catalogue_[ids.index(done[0])]


def start(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """ "A listening exercise", "the five minute check in": introduce it, ask who goes first."""
    turn = _Turn(state, content, now, rng)
    available = catalogue(content)
    if not available:
        return top.fallback(state, event, content, now, rng)
    wanted = event.slots.get(intents.SLOT_EXERCISE, "")
    chosen = next((e for e in available if e.id == wanted), None)
    lead: tuple[Segment, ...] = ()
    if chosen is None:
        chosen = suggest(state.household, available)
        if event.spoken.get(intents.SLOT_EXERCISE):
            lead = (*turn.line("listening.unknown_exercise"), Pause(300))
    return _introduce(turn, chosen, lead)


def _introduce(turn: _Turn, ex: Exercise, lead: tuple[Segment, ...]) -> tuple[State, Reply]:
    t = _epoch(turn.now)
    progress = ListeningProgress(exercise=ex.id, first=-1, started=t)
    question = turn.line("listening.who_first", **_pair(turn.household, turn.content, turn.rng))
    speech = (*lead, Say(turn.rng.choice(ex.intro)), Pause(500), *question)
    return turn.keep(progress), Reply.ask(speech, _choose_reprompt(turn))


def _choose_reprompt(turn: _Turn) -> tuple[Segment, ...]:
    return turn.line(
        "listening.who_first_reprompt", **_pair(turn.household, turn.content, turn.rng)
    )


# --- the activity router ----------------------------------------------------------------------


def route(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply] | None:
    """Every intent while an exercise runs; None lets "go home" and the like route normally."""
    progress = state.household.listening
    ex = find(content, progress.exercise) if progress.exercise else None
    if ex is None or progress.step >= len(ex.steps):
        return None
    if event.intent == intents.NAVIGATE_HOME:
        return None
    turn = _Turn(state, content, now, rng)
    if progress.first < 0:
        return _route_choose(turn, ex, event)
    if progress.paused:
        if event.intent in GO_ON:
            return _resume_here(turn, ex, turn.line("listening.resumed"))
        if event.intent in (intents.MORE_TIME, intents.PAUSE):
            return _pause(turn, ex)
        if event.intent in (intents.FALLBACK, intents.REPEAT):
            return _remind(turn, ex)
    return _route_step(turn, ex, event)


def _route_choose(turn: _Turn, ex: Exercise, event: Event) -> tuple[State, Reply]:
    name = event.intent
    if name == intents.ME_FIRST:
        return _me_first(turn, ex, event)
    if name == intents.GOES_FIRST:
        return _named_first(turn, ex, event)
    if name in PICK_FOR_US:
        first = turn.rng.randrange(2)
        return _begin(turn, ex, first, turn.line("listening.chosen", person=turn.person(first)))
    if name in (intents.ANOTHER, intents.SKIP_STEP):
        other = suggest(turn.household, catalogue(turn.content), after=ex.id)
        return _introduce(turn, other, (*turn.line("listening.switch"), Pause(300)))
    if name == intents.LISTENING:
        return start(turn.state, event, turn.content, turn.now, turn.rng)
    if name == intents.REPEAT:
        return _introduce(turn, ex, ())
    if name == intents.SET_NAMES:
        return _names_then_choose(turn, ex, event)
    if name == intents.HELP:
        pair = _pair(turn.household, turn.content, turn.rng)
        speech = (*turn.line("listening.help_choose", **pair), Pause(300))
        speech += turn.line("listening.who_first", **pair)
        return turn.keep(turn.progress), Reply.ask(speech, _choose_reprompt(turn))
    if name in STOPPING or name in (intents.NO, intents.BREAK):
        key = "no.goodbye" if name == intents.NO else "goodbye"
        return _forget(turn), Reply.tell(turn.line(key))
    if name == intents.PAUSE:
        speech = (*turn.line("listening.pause"), Silence(exercises.PAUSE_S), Pause(300))
        speech += turn.line("listening.who_first", **_pair(turn.household, turn.content, turn.rng))
        return turn.keep(turn.progress), Reply.ask(speech, _choose_reprompt(turn))
    pair = _pair(turn.household, turn.content, turn.rng)
    return turn.keep(turn.progress), Reply.ask(
        turn.line("listening.remind_choose", **pair), _choose_reprompt(turn)
    )


def _names_then_choose(turn: _Turn, ex: Exercise, event: Event) -> tuple[State, Reply]:
    """ "Call us Sam and Alex" before anyone starts: keep the names, then ask who goes first."""
    named, reply = people.set_names(turn.state, event, turn.content, turn.now, turn.rng)
    if named.session.offer == "names":  # not two names: people's re-ask, still choosing here
        return State(named.household, turn.state.session), reply
    turn = dataclasses.replace(turn, state=State(named.household, turn.state.session))
    one, two = named.household.names
    lead = (turn.content.say("names.saved", turn.rng, one=one, two=two), Pause(300))
    question = turn.line("listening.who_first", **_pair(turn.household, turn.content, turn.rng))
    return turn.keep(turn.progress), Reply.ask((*lead, *question), _choose_reprompt(turn))


def _me_first(turn: _Turn, ex: Exercise, event: Event) -> tuple[State, Reply]:
    """ "Me": a recognized voice says who; with no names at all, whoever said it is partner one."""
    household = turn.household
    voices = household.voices
    if event.person_id and len(voices) == 2 and event.person_id in voices:
        first = voices.index(event.person_id)
        return _begin(turn, ex, first, turn.line("listening.goes_first", person=turn.person(first)))
    if len(household.names) == 2:
        pair = _pair(household, turn.content, turn.rng)
        return turn.keep(turn.progress), Reply.ask(
            turn.line("listening.me_ambiguous", **pair), _choose_reprompt(turn)
        )
    return _begin(turn, ex, 0, turn.line("listening.me_first_unnamed"))


def _named_first(turn: _Turn, ex: Exercise, event: Event) -> tuple[State, Reply]:
    """ "Sam goes first", "partner two goes first"."""
    slot = event.slots.get(intents.SLOT_SPEAKER, "")
    spoken = " ".join(event.spoken.get(intents.SLOT_SPEAKER, "").lower().split())
    first = {"one": 0, "two": 1}.get(slot)
    if first is None and spoken:
        names = [n.lower() for n in turn.household.names]
        labels = [people.partner_text(turn.household, i, turn.content, turn.rng) for i in (0, 1)]
        for index in (0, 1):
            if spoken in (labels[index].lower(), names[index] if len(names) == 2 else ""):
                first = index
    if first is None:
        pair = _pair(turn.household, turn.content, turn.rng)
        return turn.keep(turn.progress), Reply.ask(
            turn.line("listening.who_unclear", **pair), _choose_reprompt(turn)
        )
    return _begin(turn, ex, first, turn.line("listening.goes_first", person=turn.person(first)))


def _begin(turn: _Turn, ex: Exercise, first: int, lead: tuple[Segment, ...]) -> tuple[State, Reply]:
    progress = dataclasses.replace(turn.progress, first=first, step=0, part=0, paused=False)
    household = journal.record(turn.household, night_of(turn.now), journal.LISTENING, ex.id)
    turn = dataclasses.replace(turn, state=State(household, turn.state.session))
    return _present(turn, ex, progress, 0, (*lead, Pause(400)))


def _route_step(turn: _Turn, ex: Exercise, event: Event) -> tuple[State, Reply]:
    name = event.intent
    between = turn.progress.part > 0
    if between and name in KEEP_GOING:
        return _next_part(turn, ex)
    if between and name in (*TURN_DONE, intents.SKIP_STEP):
        lead = turn.line("listening.skip") if name == intents.SKIP_STEP else ()
        return _after_turn(turn, ex, lead)
    if name in GO_ON:
        return _advance(turn, ex)
    handlers = {
        intents.SKIP_STEP: _skip,
        intents.MORE_TIME: _more_time,
        intents.PREVIOUS: _back,
        intents.REPEAT: _repeat,
        intents.START_OVER: _start_over,
        intents.PAUSE: _pause,
        intents.BREAK: _break,
        intents.STOP: _stop,
        intents.CANCEL: _stop,
        intents.HELP: _help,
        intents.NO: _no_rush,
    }
    handler = handlers.get(name, _remind)
    return handler(turn, ex)


# --- presenting steps -------------------------------------------------------------------------


def _waiting(turn: _Turn, ex: Exercise, progress: ListeningProgress) -> tuple[Segment, ...]:
    """What is said again at the current place: a cue step's narration or the between-parts line."""
    household, first = turn.household, progress.first
    if progress.part > 0:
        return _between(household, ex, progress.step, first, turn.content, turn.rng)
    return _narration(household, ex, progress.step, first, turn.content, turn.rng)


def _reprompt(turn: _Turn, progress: ListeningProgress) -> tuple[Segment, ...]:
    if progress.paused:
        return turn.line("listening.reprompt_paused")
    if progress.part > 0:
        return turn.line("listening.reprompt_part")
    return turn.line("listening.reprompt_step")


def _present(
    turn: _Turn,
    ex: Exercise,
    progress: ListeningProgress,
    index: int,
    lead: tuple[Segment, ...] = (),
) -> tuple[State, Reply]:
    """Say step ``index``: wait at a cue step, close at the end, or run a timed turn."""
    step = ex.steps[index]
    speech = (*lead, *_narration(turn.household, ex, index, progress.first, turn.content, turn.rng))
    if step.advance == exercises.TIMER:
        return _run_part(turn, ex, progress, index, 0, speech)
    if step.advance == exercises.END:
        return _finish(turn, ex, speech)
    at = dataclasses.replace(progress, step=index, part=0, paused=False, turn_ends=0)
    return turn.keep(at), Reply.ask(speech, _reprompt(turn, at))


def _run_part(
    turn: _Turn,
    ex: Exercise,
    progress: ListeningProgress,
    index: int,
    part: int,
    before: tuple[Segment, ...],
) -> tuple[State, Reply]:
    """One part of a timed turn: the words before, the silence, a chime, then what follows."""
    step: Step = ex.steps[index]
    seconds = step.parts[part]
    ends = _epoch(turn.now) + int(_fast_seconds(before)) + seconds
    speech = (*before, Silence(seconds), Sound("chime"), Pause(700))
    # The screen shows the timed turn, since most of this response is its silence.
    shown = _floor_display(
        turn.household, turn.content, turn.rng, ex, index, progress.first, seconds=seconds
    )
    if part + 1 < len(step.parts):
        at = dataclasses.replace(progress, step=index, part=part + 1, paused=False, turn_ends=ends)
        speech += _between(turn.household, ex, index, progress.first, turn.content, turn.rng)
        return turn.keep(at), Reply.ask(speech, _reprompt(turn, at)).with_display(shown)
    following = index + 1
    speech += _narration(turn.household, ex, following, progress.first, turn.content, turn.rng)
    if ex.steps[following].advance == exercises.END:
        finished, reply = _finish(turn, ex, speech)
        return finished, reply.with_display(shown)
    at = dataclasses.replace(progress, step=following, part=0, paused=False, turn_ends=ends)
    return turn.keep(at), Reply.ask(speech, _reprompt(turn, at)).with_display(shown)


def _finish(turn: _Turn, ex: Exercise, speech: tuple[Segment, ...]) -> tuple[State, Reply]:
    """The closing words; the place is cleared and the exercise counted as done."""
    done = [d for d in turn.household.exercises_done if d != ex.id] + [ex.id]
    household = dataclasses.replace(
        turn.household, listening=ListeningProgress(), exercises_done=done[-MAX_DONE:]
    )
    session = dataclasses.replace(turn.state.session, context=top.TOP, offer="")
    return State(household, session), Reply.tell(speech)


def _interrupted(turn: _Turn) -> bool:
    """Whether this request came while the last timed silence was still playing."""
    return _epoch(turn.now) < turn.progress.turn_ends


# --- the screen -------------------------------------------------------------------------------


def _floor_display(
    household: Household,
    content: LocaleContent,
    rng: Random,
    ex: Exercise,
    index: int,
    first: int,
    footer: str = "",
    seconds: int = 0,
) -> Display:
    """Who has the floor at step ``index``, and under it ``footer`` or else who listens."""
    step = ex.steps[index]
    if step.who == exercises.BOTH:
        text = content.phrase("screen.listening.both", rng)
        listens = ""
    else:
        person = ex.partner_for(index, first, step.who)
        name = people.partner_text(household, person, content, rng)
        other = people.partner_text(household, 1 - person, content, rng)
        text = content.phrase("screen.listening.floor", rng, person=name)
        listens = content.phrase("screen.listening.listens", rng, person=other)
    return Display(title=ex.title, text=text, footer=footer or listens, seconds=seconds)


def screen(state: State, content: LocaleContent, rng: Random) -> Display | None:
    """Where an exercise stands, for a screen: choosing who starts, paused, or who has the
    floor at the step waiting for a cue, with the words that move it on."""
    progress = state.household.listening
    ex = find(content, progress.exercise) if progress.exercise else None
    if ex is None or progress.step >= len(ex.steps):
        return None
    if progress.first < 0:
        return Display(
            title=ex.title,
            text=content.phrase("screen.listening.choose", rng),
            footer=content.phrase("screen.listening.choose_hint", rng),
        )
    if progress.paused:
        return Display(
            title=ex.title,
            text=content.phrase("screen.listening.paused", rng),
            footer=content.phrase("screen.listening.resume", rng),
        )
    key = "screen.listening.between" if progress.part > 0 else "screen.listening.ready"
    footer = content.phrase(key, rng)
    return _floor_display(state.household, content, rng, ex, progress.step, progress.first, footer)


# --- transitions ------------------------------------------------------------------------------


def _advance(turn: _Turn, ex: Exercise) -> tuple[State, Reply]:
    """ "Next", "ready", "done": on to the next step, or, mid-silence, end that turn early."""
    progress = turn.progress
    if _interrupted(turn):
        return _again(turn, ex, turn.line("listening.cut_short"))
    return _present(turn, ex, progress, progress.step + 1)


def _after_turn(turn: _Turn, ex: Exercise, lead: tuple[Segment, ...]) -> tuple[State, Reply]:
    """A split turn is over: say what follows it."""
    progress = turn.progress
    following = progress.step + 1
    speech = (
        *lead,
        *_narration(turn.household, ex, following, progress.first, turn.content, turn.rng),
    )
    if ex.steps[following].advance == exercises.END:
        return _finish(turn, ex, speech)
    at = dataclasses.replace(progress, step=following, part=0, turn_ends=0, paused=False)
    return turn.keep(at), Reply.ask(speech, _reprompt(turn, at))


def _next_part(turn: _Turn, ex: Exercise) -> tuple[State, Reply]:
    """Carry on with a long turn: the next part's silence."""
    progress = turn.progress
    speaker = ex.speaker_at(progress.step, progress.first)
    lead = turn.line("listening.keep_going", person=turn.person(speaker))
    return _run_part(turn, ex, progress, progress.step, progress.part, lead)


def _again(turn: _Turn, ex: Exercise, lead: tuple[Segment, ...]) -> tuple[State, Reply]:
    """Say the current place again, after ``lead``."""
    progress = dataclasses.replace(turn.progress, paused=False, turn_ends=0)
    speech = (
        (*lead, Pause(300), *_waiting(turn, ex, progress)) if lead else _waiting(turn, ex, progress)
    )
    return turn.keep(progress), Reply.ask(speech, _reprompt(turn, progress))


def _skip(turn: _Turn, ex: Exercise) -> tuple[State, Reply]:
    """Skip what this step sets up: past any timed turn to the next step that waits or ends."""
    index = turn.progress.step + 1
    while ex.steps[index].advance == exercises.TIMER:
        index += 1
    return _present(turn, ex, turn.progress, index, (*turn.line("listening.skip"), Pause(300)))


def _back(turn: _Turn, ex: Exercise) -> tuple[State, Reply]:
    """Back to the previous step that waited for a cue (a timed turn runs again from there)."""
    progress = turn.progress
    if progress.step == 0 and progress.part == 0:
        return _again(turn, ex, turn.line("listening.back_first"))
    earlier = [i for i in range(progress.step) if ex.steps[i].advance == exercises.CUE]
    target = earlier[-1] if earlier else 0
    return _present(turn, ex, progress, target, (*turn.line("listening.back"), Pause(300)))


def _repeat(turn: _Turn, ex: Exercise) -> tuple[State, Reply]:
    return _again(turn, ex, ())


def _start_over(turn: _Turn, ex: Exercise) -> tuple[State, Reply]:
    lead = (*turn.line("listening.start_over"), Pause(300))
    return _present(turn, ex, turn.progress, 0, lead)


def _more_time(turn: _Turn, ex: Exercise) -> tuple[State, Reply]:
    """Another quiet minute for whoever just had a timed turn, then this step again."""
    progress = dataclasses.replace(turn.progress, paused=False)
    index = progress.step
    previous = ex.steps[index - 1] if index > 0 else None
    timed = previous is not None and previous.advance == exercises.TIMER
    shown_at = index - 1 if timed else index
    shown = _floor_display(
        turn.household,
        turn.content,
        turn.rng,
        ex,
        shown_at,
        progress.first,
        seconds=exercises.MORE_TIME_S,
    )
    if previous is not None and timed:
        if previous.who == exercises.BOTH:
            lead = turn.line("listening.more_time_both")
        else:
            who = ex.partner_for(index - 1, progress.first, previous.who)
            lead = turn.line("listening.more_time", person=turn.person(who))
        after = _waiting(turn, ex, progress)
    else:
        lead = turn.line("listening.more_time_free")
        after = turn.line("listening.after_more")
    before = lead
    ends = _epoch(turn.now) + int(_fast_seconds(before)) + exercises.MORE_TIME_S
    speech = (*before, Silence(exercises.MORE_TIME_S), Sound("chime"), Pause(700), *after)
    at = dataclasses.replace(progress, turn_ends=ends)
    return turn.keep(at), Reply.ask(speech, _reprompt(turn, at)).with_display(shown)


def _pause(turn: _Turn, ex: Exercise) -> tuple[State, Reply]:
    """ "Pause", "give us a minute": wait quietly a while, keeping the place, then ask."""
    progress = dataclasses.replace(turn.progress, paused=True, turn_ends=0)
    speech = (
        *turn.line("listening.pause"),
        Silence(exercises.PAUSE_S),
        Pause(300),
        *turn.line("listening.paused_prompt"),
    )
    return turn.keep(progress), Reply.ask(speech, _reprompt(turn, progress))


def _resume_here(turn: _Turn, ex: Exercise, lead: tuple[Segment, ...]) -> tuple[State, Reply]:
    """Back from a pause: the current place again."""
    return _again(turn, ex, lead)


def _break(turn: _Turn, ex: Exercise) -> tuple[State, Reply]:
    """ "We need a break": kindly pause, keep the place for a day, and close the session."""
    progress = dataclasses.replace(turn.progress, paused=True, turn_ends=0)
    state = turn.keep(progress, context=top.TOP)
    return state, Reply.tell(turn.line("listening.break", title=ex.title))


def _stop(turn: _Turn, ex: Exercise) -> tuple[State, Reply]:
    """ "Stop": keep the place and say goodbye warmly."""
    progress = dataclasses.replace(turn.progress, turn_ends=0)
    state = turn.keep(progress, context=top.TOP)
    return state, Reply.tell(turn.line("listening.stop", title=ex.title))


def _help(turn: _Turn, ex: Exercise) -> tuple[State, Reply]:
    progress = turn.progress
    speech = (
        *turn.line("listening.help", title=ex.title),
        Pause(300),
        *turn.line("listening.help_ask"),
    )
    return turn.keep(progress), Reply.ask(speech, _reprompt(turn, progress))


def _no_rush(turn: _Turn, ex: Exercise) -> tuple[State, Reply]:
    progress = turn.progress
    return turn.keep(progress), Reply.ask(turn.line("listening.no_rush"), _reprompt(turn, progress))


def _remind(turn: _Turn, ex: Exercise) -> tuple[State, Reply]:
    """Words that don't fit here: a short reminder of what does. The place is never lost."""
    progress = turn.progress
    if progress.paused:
        speech = turn.line("listening.remind_paused")
    elif progress.part > 0:
        speech = turn.line("listening.remind_part", title=ex.title)
    else:
        speech = turn.line("listening.remind_step", title=ex.title)
    return turn.keep(progress), Reply.ask(speech, _reprompt(turn, progress))


def _forget(turn: _Turn) -> State:
    household = dataclasses.replace(turn.household, listening=ListeningProgress())
    session = dataclasses.replace(turn.state.session, context=top.TOP, offer="")
    return State(household, session)


# --- resuming across sessions ---------------------------------------------------------------


def resumable(household: Household, content: LocaleContent, now: datetime) -> Exercise | None:
    """The exercise a couple can pick up: started, still in the content, moved on within a day."""
    progress = household.listening
    if not progress.exercise or progress.first < 0:
        return None
    ex = find(content, progress.exercise)
    if ex is None or progress.step >= len(ex.steps):
        return None
    if _epoch(now) - progress.updated >= RESUME_WINDOW_S:
        return None
    if progress.part > 0 and progress.part >= len(ex.steps[progress.step].parts):
        return None
    return ex


def offer_resume(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply] | None:
    """At launch: "last time you were partway through ..., pick up where you left off?"."""
    ex = resumable(state.household, content, now)
    if ex is None:
        return None
    greeted, _ = top.launch(state, event, content, now, rng)
    turn = _Turn(greeted, content, now, rng)
    session = dataclasses.replace(greeted.session, context=OFFER_CONTEXT, offer=OFFER_RESUME)
    greeting = people.greeting(greeted.household, event.person_id, content, rng)
    speech = (*greeting, Pause(300), *turn.line("listening.offer_resume", title=ex.title))
    return State(greeted.household, session), Reply.ask(
        speech, turn.line("listening.offer_resume_reprompt")
    )


def route_offer(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply] | None:
    """The answer to a listening offer: yes picks up (or starts), no moves on kindly."""
    turn = _Turn(state, content, now, rng)
    name = event.intent
    if state.session.offer == OFFER_RESUME:
        ex = resumable(state.household, content, now)
        if ex is not None and name in GO_ON:
            return _pick_up(turn, ex)
        if ex is not None and name == intents.START_OVER:
            return _present(turn, ex, turn.progress, 0, turn.line("listening.start_over"))
        if name == intents.NO:
            forgotten = _forget(turn)
            session = dataclasses.replace(forgotten.session, offer="tonight")
            speech = (
                *turn.line("listening.offer_declined"),
                Pause(300),
                content.say("offer.tonight", rng),
            )
            return State(forgotten.household, session), Reply.ask(
                speech, (content.say("launch.reprompt", rng),)
            )
    elif state.session.offer == OFFER_START:
        if name in GO_ON:
            return start(state, event, content, now, rng)
        if name == intents.NO:
            return state, Reply.tell(turn.line("no.goodbye"))
    return _elsewhere(state, event, content, now, rng)


def _elsewhere(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """The offer lapses: answer the intent as if nothing had been offered."""
    from skill.flows import dialog  # late: the router imports this module

    session = dataclasses.replace(state.session, context=top.TOP, offer="")
    flow = dialog.INTENT_FLOWS.get(event.intent, top.fallback)
    return flow(State(state.household, session), event, content, now, rng)


def _pick_up(turn: _Turn, ex: Exercise) -> tuple[State, Reply]:
    """Back at the saved place, after saying which exercise it is."""
    household = journal.record(turn.household, night_of(turn.now), journal.LISTENING, ex.id)
    turn = dataclasses.replace(turn, state=State(household, turn.state.session))
    progress = dataclasses.replace(turn.progress, paused=False, turn_ends=0)
    lead = (*turn.line("listening.welcome_back", title=ex.title), Pause(400))
    step = ex.steps[progress.step]
    if progress.part == 0 and step.advance != exercises.CUE:
        return _present(turn, ex, progress, progress.step, lead)
    speech = (*lead, *_waiting(turn, ex, progress))
    return turn.keep(progress), Reply.ask(speech, _reprompt(turn, progress))


def resume(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """ "Resume" outside an exercise: pick up a saved one, else tonight's question as before."""
    ex = resumable(state.household, content, now)
    if ex is None:
        return tonight.ask_tonight(state, event, content, now, rng)
    return _pick_up(_Turn(state, content, now, rng), ex)


def outside(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """Exercise words ("ready", "more time") with no exercise running: offer one."""
    ex = resumable(state.household, content, now)
    turn = _Turn(state, content, now, rng)
    if ex is not None:
        session = dataclasses.replace(state.session, context=OFFER_CONTEXT, offer=OFFER_RESUME)
        return State(state.household, session), Reply.ask(
            turn.line("listening.offer_resume", title=ex.title),
            turn.line("listening.offer_resume_reprompt"),
        )
    session = dataclasses.replace(state.session, context=OFFER_CONTEXT, offer=OFFER_START)
    return State(state.household, session), Reply.ask(
        turn.line("listening.outside"), turn.line("listening.outside_reprompt")
    )


def keep_place(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """The session ended (silence after the reprompt, an error): keep the place for a day.

    An exercise nobody had started (still choosing who goes first) is simply dropped.
    """
    progress = state.household.listening
    if not progress.exercise or state.session.context != CONTEXT:
        return state, Reply.silent()
    if progress.first < 0:
        household = dataclasses.replace(state.household, listening=ListeningProgress())
    else:
        kept = dataclasses.replace(progress, turn_ends=0, updated=_epoch(now))
        household = dataclasses.replace(state.household, listening=kept)
    return State(household, state.session), Reply.silent()
