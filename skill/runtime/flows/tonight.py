"""Tonight's question: one question a night, the same all evening, no repeats until spent.

The deck is filtered by the couple's preferences (depth and theme). Every question drawn
counts as heard, including skipped ones, so "another one" never circles back. When every
matching question has been heard, a new cycle starts and the skill says so.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from random import Random

from skill.runtime import copying, draws, intents
from skill.runtime.catalog import LocaleContent, Question
from skill.runtime.flows.kit import cards, journal, places, talk
from skill.runtime.flows.kit.activity import Activity
from skill.runtime.flows.kit.context import FlowContext
from skill.runtime.flows.kit.events import Event
from skill.runtime.heard import Heard
from skill.runtime.nights import night_of, previous_night
from skill.runtime.records.index import index_for
from skill.runtime.reply import Display, Pause, Reply, Say, Segment
from skill.runtime.state import (
    HISTORY_NIGHTS,
    MAX_FAVOURITES,
    Household,
    NightEntry,
    QuestionPrefs,
    State,
    Tonight,
)

#: Depths offered when the couple set no preference: light and personal, never pushed deep.
DEFAULT_DEPTHS = frozenset({1, 2})
DEPTH_BY_SLOT = {"light": 1, "personal": 2, "deep": 3}
DEEP = 3
#: This activity's name, and the offers it makes and answers ("yes" takes the question).
NAME = places.TONIGHT
ANOTHER_OFFER = "another"
OFFERS = frozenset({places.TONIGHT_OFFER, ANOTHER_OFFER})


def allowed_depths(depth: int | None) -> frozenset[int]:
    return DEFAULT_DEPTHS if depth is None else frozenset({depth})


def depths_for(household: Household, night: str) -> frozenset[int]:
    """Their usual depths, or deep only on a night they asked to go deeper."""
    if household.prefs.deeper_night and household.prefs.deeper_night == night:
        return frozenset({3})
    return allowed_depths(household.prefs.depth)


def candidates(household: Household, content: LocaleContent, night: str = "") -> list[Question]:
    """Questions matching the preferences, widening the filter rather than running dry."""
    return list(_pool(household, content, night).items)


def _pool(household: Household, content: LocaleContent, night: str) -> draws.Pool[Question]:
    """``candidates`` as a pool built once per content and filter (not per turn: a deck a
    hundred times today's would otherwise be scanned on every draw)."""
    theme = household.prefs.theme
    depths = depths_for(household, night)
    return index_for(content).pool(
        (NAME, theme, depths), lambda: _matching(content.questions, theme, depths), _id
    )


def _matching(
    deck: Sequence[Question], theme: str | None, depths: frozenset[int]
) -> list[Question]:
    if theme is None:
        everyday = [q for q in deck if not q.opt_in]
        return [q for q in everyday if q.depth in depths] or everyday or list(deck)
    themed = [q for q in deck if q.theme == theme]
    return [q for q in themed if q.depth in depths] or themed or list(deck)


def draw(
    household: Household, content: LocaleContent, rng: Random, avoid: str = "", night: str = ""
) -> tuple[Household, Question, bool]:
    """Pick an unheard matching question; start a new cycle when none is left.

    Returns the household with the question marked heard, the question, and whether a new
    cycle began (the skill tells the couple, so a familiar question isn't a surprise).

    The draw costs the same whatever the deck's size: the pool is built once per filter, the
    fresh questions are a view of it (``draws.FreshView``), and the cell's first fresh one is
    found walking the household's order past what it heard (``draws.first_fresh``). Only a
    new cycle, once per deck, lists the pool.
    """
    pool = _pool(household, content, night)
    index = index_for(content)
    known = index.questions.ids  # the ids ``content.question`` finds
    fresh, heard = draws.fresh_past(pool, household.heard, known)
    cycle = household.cycle
    new_cycle = False
    if len(fresh):
        order = functools.partial(index.question_order, household.seed, heard)
        question = draws.first_fresh(fresh, heard, rng, _cell, order)
    else:
        heard = Heard(qid for qid in heard if qid not in pool.position)
        every = list(pool.items)
        question = draws.next_fresh(
            [q for q in every if q.id != avoid] or every, household.seed, rng, _cell, _id
        )
        cycle += 1
        new_cycle = True
    updated = copying.replace(household, heard=heard.plus(question.id), cycle=cycle)
    return updated, question, new_cycle


def _cell(item: Question) -> tuple[int, str]:
    return item.depth, item.theme


def _id(item: Question) -> str:
    return item.id


def record_tonight(household: Household, night: str, question_id: str) -> Household:
    """Make ``question_id`` tonight's question and remember it in the short history."""
    history = [e for e in household.history if e.night != night]
    history.append(NightEntry(night=night, question_id=question_id))
    history.sort(key=lambda e: e.night)
    household = journal.record(household, night, journal.QUESTION, question_id)
    return copying.replace(
        household,
        tonight=Tonight(night=night, question_id=question_id),
        history=history[-HISTORY_NIGHTS:],
    )


def current_question(state: State, content: LocaleContent, now: datetime) -> Question | None:
    """The question in play: this session's, else tonight's if it is still tonight."""
    if state.session.question_id:
        found = content.question(state.session.question_id)
        if found:
            return found
    tonight = state.household.tonight
    if tonight.night == night_of(now):
        return content.question(tonight.question_id)
    return None


def present(
    state: State,
    question: Question,
    lead: tuple[Segment, ...],
    event: Event,
    ctx: FlowContext,
) -> tuple[State, Reply]:
    """Speak a question and leave the couple to talk: a one-shot closes with a warm word; in
    a session, talk time in their style (a held quiet stretch, or a goodbye with a way back)."""
    asked = State(state.household, copying.replace(state.session, question_id=question.id))
    state = places.at(asked, NAME, ANOTHER_OFFER)
    speech: tuple[Segment, ...] = (*lead, Pause(400), Say(question.text))
    if event.new_session:
        reply = Reply.tell((*speech, Pause(600), ctx.say("tonight.one_shot_close")))
    else:
        reply = talk.after_question(state.household, speech, ctx)
    return state, reply.with_card_of(cards.question(ctx, question.text))


def screen(state: State, content: LocaleContent, rng: Random) -> Display | None:
    """While a question is in play the screen keeps showing it, as its card did."""
    question = content.question(state.session.question_id)
    if question is None:
        return None
    return Display(title=content.phrase("card.tonight_title", rng), text=question.text)


def ask_tonight(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """Tonight's question: the same one all evening; a fresh one once the night turns over.

    Before a fresh one is drawn, an activity may offer something in its place (a journey's
    step waiting tonight, ``Activity.instead_of_tonight``); nothing here names it.

    A Routine's task may ask for a depth and a theme (as the ``depth`` and ``theme`` slots):
    they choose tonight's question without changing the couple's own preferences, and a
    question already drawn tonight stays if it fits them. A question asked for that precisely
    is what the couple wants, so nothing is offered in its place.
    """
    night = night_of(ctx.now)
    household = state.household
    asked = _asked_prefs(household, event, ctx.content)
    existing = ctx.content.question(household.tonight.question_id)
    if household.tonight.night == night and existing is not None and _fits(existing, asked):
        return present(state, existing, (ctx.say("tonight.still"),), event, ctx)
    if asked is None:
        instead = ctx.elsewhere.instead_of_tonight(state, event, ctx)
        if instead is not None:
            return instead  # tonight's question gives way (a journey's step is waiting)
    chooser = household if asked is None else copying.replace(household, prefs=asked)
    drawn, question, new_cycle = draw(chooser, ctx.content, ctx.rng, night=night)
    household = record_tonight(copying.replace(drawn, prefs=household.prefs), night, question.id)
    lead = (
        *journal.streak_note(state.household, household, night, ctx.content, ctx.rng),
        *_cycle_lead(new_cycle, ctx.content, ctx.rng),
        ctx.say("tonight.intro"),
    )
    return present(State(household, state.session), question, lead, event, ctx)


def _asked_prefs(
    household: Household, event: Event, content: LocaleContent
) -> QuestionPrefs | None:
    """The preferences a task's ``depth`` and ``theme`` ask for tonight, or None if neither."""
    depth = DEPTH_BY_SLOT.get(event.slots.get(intents.SLOT_DEPTH, ""))
    theme = event.slots.get(intents.SLOT_THEME, "")
    # Only a theme the task named is checked against the deck (no scan of it on every turn).
    if theme and theme not in _themes(content):
        theme = ""
    if depth is None and not theme:
        return None
    prefs = household.prefs
    if depth is not None:
        prefs = copying.replace(prefs, depth=depth, deeper_night="")
    if theme:
        prefs = copying.replace(prefs, theme=theme)
    return prefs


#: Each content's themes, by the content's id (the content is kept, so the id stays its own).
_THEMES: dict[int, tuple[LocaleContent, frozenset[str | None]]] = {}


def _themes(content: LocaleContent) -> frozenset[str | None]:
    """The themes the deck has, worked out once per content."""
    found = _THEMES.get(id(content))
    if found is None or found[0] is not content:
        if len(_THEMES) > 16:
            _THEMES.clear()
        found = (content, frozenset(q.theme for q in content.questions))
        _THEMES[id(content)] = found
    return found[1]


def _fits(question: Question, asked: QuestionPrefs | None) -> bool:
    """Whether tonight's question already matches what a task asked for."""
    if asked is None:
        return True
    if asked.theme is not None and question.theme != asked.theme:
        return False
    return asked.depth is None or question.depth == asked.depth


def ask_another(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """A different question; the one skipped stays heard, and the new one becomes tonight's."""
    current = current_question(state, ctx.content, ctx.now)
    night = night_of(ctx.now)
    household, question, new_cycle = draw(
        state.household, ctx.content, ctx.rng, avoid=current.id if current else "", night=night
    )
    household = record_tonight(household, night, question.id)
    lead = (*_cycle_lead(new_cycle, ctx.content, ctx.rng), ctx.say("another.intro"))
    return present(State(household, state.session), question, lead, event, ctx)


def follow_up(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """The current question's follow-up, to keep a good conversation going."""
    question = current_question(state, ctx.content, ctx.now)
    if question is None:
        return _offer_tonight(state, "follow_up.nothing", ctx.content, ctx.rng)
    if question.follow_up:
        lead: tuple[Segment, ...] = (Say(question.follow_up),)
    else:
        lead = (ctx.say("follow_up.none"),)
    asked = State(state.household, copying.replace(state.session, question_id=question.id))
    offer = state.session.place.offer
    placed = places.at(asked, NAME, offer if offer in OFFERS else "")
    if event.new_session:
        return placed, Reply.tell((*lead, Pause(600), ctx.say("tonight.one_shot_close")))
    return placed, talk.after_question(placed.household, lead, ctx)


def save_favourite(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """Keep the current question among the couple's favourites."""
    question = current_question(state, ctx.content, ctx.now)
    if question is None:
        return _offer_tonight(state, "favourite.nothing_to_save", ctx.content, ctx.rng)
    household = state.household
    if question.id in household.favourites:
        key = "favourite.already"
    else:
        key = "favourite.saved"
        favourites = [*household.favourites, question.id][-MAX_FAVOURITES:]
        household = copying.replace(household, favourites=favourites)
    return _after(State(household, state.session), key, event, ctx)


def play_favourite(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """Replay one of the saved questions (it doesn't change tonight's question)."""
    saved = [q for q in map(ctx.content.question, state.household.favourites) if q is not None]
    if not saved:
        return _offer_tonight(state, "favourite.none_yet", ctx.content, ctx.rng)
    current = state.session.question_id
    choice = ctx.rng.choice([q for q in saved if q.id != current] or saved)
    return present(state, choice, (ctx.say("favourite.intro"),), event, ctx)


def last_night(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """Say the most recent question from a night before tonight."""
    tonight = night_of(ctx.now)
    earlier = [e for e in state.household.history if e.night < tonight]
    found = ctx.content.question(earlier[-1].question_id) if earlier else None
    if not earlier or found is None:
        return _offer_tonight(state, "last_night.none", ctx.content, ctx.rng)
    key = "last_night.was" if earlier[-1].night == previous_night(tonight) else "last_night.earlier"
    speech = (ctx.say(key), Pause(300), Say(found.text))
    if event.new_session:
        return state, Reply.tell(speech)
    return places.home(state, places.TONIGHT_OFFER), Reply.ask(
        (*speech, Pause(700), ctx.say("offer.tonight")),
        (ctx.say("offer.tonight"),),
    )


def set_depth(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """ "Keep it light" (remembered) or "go deeper" (a choice for tonight: the next night starts
    again at their usual level), and a question at that depth right away."""
    depth = DEPTH_BY_SLOT.get(event.slots.get(intents.SLOT_DEPTH, ""))
    if depth is None:
        return places.offer_by(state, NAME, ""), Reply.ask(
            (ctx.say("depth.unclear"),), (ctx.say("depth.unclear"),)
        )
    if depth == DEEP:
        prefs = copying.replace(state.household.prefs, deeper_night=night_of(ctx.now))
    else:
        prefs = copying.replace(state.household.prefs, depth=depth, deeper_night="")
    household = copying.replace(state.household, prefs=prefs)
    return _fresh_for_prefs(State(household, state.session), f"depth.set_{depth}", event, ctx)


def question_about(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """Steer to a theme ("a question about dreams"), remembered for the nights after."""
    theme = event.slots.get(intents.SLOT_THEME, "")
    known = {q.theme for q in ctx.content.questions}
    if theme == intents.ANY_THEME:
        prefs = copying.replace(state.household.prefs, theme=None)
        key = "theme.cleared"
    elif theme in known:
        prefs = copying.replace(state.household.prefs, theme=theme)
        key = f"theme.set_{theme}"
    else:
        return state, Reply.ask((ctx.say("theme.unclear"),), (ctx.say("theme.unclear"),))
    household = copying.replace(state.household, prefs=prefs)
    return _fresh_for_prefs(State(household, state.session), key, event, ctx)


def _fresh_for_prefs(
    state: State, lead_key: str, event: Event, ctx: FlowContext
) -> tuple[State, Reply]:
    night = night_of(ctx.now)
    household, question, new_cycle = draw(state.household, ctx.content, ctx.rng, night=night)
    household = record_tonight(household, night, question.id)
    lead = (ctx.say(lead_key), *_cycle_lead(new_cycle, ctx.content, ctx.rng))
    return present(State(household, state.session), question, lead, event, ctx)


def _cycle_lead(new_cycle: bool, content: LocaleContent, rng: Random) -> tuple[Segment, ...]:
    return (content.say("tonight.new_cycle", rng), Pause(300)) if new_cycle else ()


def _offer_tonight(
    state: State, key: str, content: LocaleContent, rng: Random
) -> tuple[State, Reply]:
    return places.offer_tonight(state), Reply.ask(
        (content.say(key, rng), Pause(300), content.say("offer.tonight", rng)),
        (content.say("offer.tonight", rng),),
    )


def _after(state: State, key: str, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """Say ``key`` and go back to talking (a saved question needn't offer saving again)."""
    if event.new_session:
        return state, Reply.tell((ctx.say(key),))
    return state, talk.after_question(state.household, (ctx.say(key),), ctx)


def route(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply] | None:
    """While a question is in play: "next" and "pass" mean another one, and help speaks about
    the question. Words the skill can't place (and a stray "close", a game's word) are the
    couple talking to each other: more quiet, then it leaves them to it. Everything else
    routes as usual."""
    if event.is_intent(intents.NEXT, intents.PASS):
        return ask_another(state, event, ctx)
    if event.is_intent(intents.HELP):
        return places.offering(state, places.TONIGHT_OFFER), Reply.ask(
            (ctx.say("help.question"), Pause(300), ctx.say("help.ask")),
            (ctx.say("help.reprompt"),),
        )
    if event.is_intent(intents.FALLBACK, intents.CLOSE):
        return state, talk.still_talking(state.session.misses, ctx)
    return None


def set_talk(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """ "Give us time to talk" / "just leave us to it": how talk time goes, remembered."""
    chosen = event.slots.get(intents.SLOT_STYLE, "")
    if chosen not in talk.STYLES:
        return state, Reply.ask((ctx.say("talk.unclear"),), (ctx.say("talk.unclear"),))
    prefs = copying.replace(state.household.prefs, talk=chosen)
    household = copying.replace(state.household, prefs=prefs)
    said = (ctx.say(f"talk.set_{chosen}"),)
    if event.new_session:
        return State(household, state.session), Reply.tell(said)
    return places.offer_tonight(State(household, state.session)), Reply.ask(
        (*said, Pause(300), ctx.say("offer.tonight")), (ctx.say("offer.tonight"),)
    )


def _title(content: LocaleContent, item: str) -> str | None:
    question = content.question(item)
    return question.text if question else None


ACTIVITY = Activity(
    name=NAME,
    intents={
        intents.TONIGHT: ask_tonight,
        intents.ANOTHER: ask_another,
        intents.FOLLOW_UP: follow_up,
        intents.SAVE_FAVOURITE: save_favourite,
        intents.PLAY_FAVOURITE: play_favourite,
        intents.LAST_NIGHT: last_night,
        intents.SET_DEPTH: set_depth,
        intents.QUESTION_ABOUT: question_about,
        intents.TALK_TIME: set_talk,
    },
    router=route,
    accepts={places.TONIGHT_OFFER: ask_tonight, ANOTHER_OFFER: ask_another},
    screen=screen,
    journal_kind=journal.QUESTION,
    title=_title,
    surprise=ask_tonight,
)
