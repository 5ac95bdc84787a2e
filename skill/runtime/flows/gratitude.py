"""Gratitude prompts: one prompt said to both, an optional "now swap", no repeats until spent.

In a session the prompt is followed by a timed turn (the speaker stays quiet while the first
partner speaks), a soft chime, and "want to swap?"; "yes" or "swap" hands the floor to the
other partner for the same prompt. Prompts marked ``"swap": false`` are done together, so
there is nothing to swap. A one-shot ("ask heart to heart for a gratitude prompt") says the
prompt and who starts, then closes: the couple takes it from there.

Every prompt drawn counts as heard; when all have been heard a new cycle starts and the skill
says so. Tonight's prompt is kept (``household.gratitude``) so "swap" works in a new session.
"""

from __future__ import annotations

import functools
from datetime import datetime
from random import Random

from skill.runtime import copying, draws, intents
from skill.runtime.catalog import GratitudePrompt, LocaleContent
from skill.runtime.flows.kit import cards, journal, people, places, talk
from skill.runtime.flows.kit.activity import Activity
from skill.runtime.flows.kit.context import FlowContext
from skill.runtime.flows.kit.events import Event
from skill.runtime.heard import Heard
from skill.runtime.nights import night_of
from skill.runtime.records.index import index_for
from skill.runtime.reply import Display, Pause, Reply, Say, Segment, Silence, Sound
from skill.runtime.state import GratitudeProgress, Household, State

NAME = "gratitude"
#: Offers this activity makes (``Place.offer``) and answers with yes/no.
OFFER_PROMPT = places.GRATITUDE_PROMPT_OFFER
OFFER_SWAP = "gratitude_swap"
OFFER_MORE = "gratitude_more"
#: "One gratitude round each" (offered when they only have a few minutes): a swap prompt.
OFFER_ROUND = "gratitude_round"
#: How long the speaker stays quiet while a partner answers the prompt.
TURN_SECONDS = 40


def prompts(content: LocaleContent) -> tuple[GratitudePrompt, ...]:
    found: tuple[GratitudePrompt, ...] = content.section("gratitude")
    return found


def prompt_by_id(content: LocaleContent, prompt_id: str) -> GratitudePrompt | None:
    return next((p for p in prompts(content) if p.id == prompt_id), None)


def draw(
    progress: GratitudeProgress,
    content: LocaleContent,
    rng: Random,
    swap_only: bool = False,
    seed: int = 0,
) -> tuple[GratitudeProgress, GratitudePrompt, bool]:
    """An unheard prompt (preferring swap prompts when asked); a new cycle when none is left.

    Returns the progress with the prompt marked heard, the prompt, and whether a new cycle
    began. The heard list never outgrows the set: it restarts with each cycle.
    """
    every = prompts(content)
    index = index_for(content)
    whole = index.pool((NAME,), lambda: every, _prompt_id)
    fresh, heard = draws.fresh_past(whole, progress.heard, _OUTSIDE_KEPT)
    cycle = progress.cycle
    new_cycle = not fresh
    if new_cycle:
        heard = Heard()
        cycle += 1
        listed = [p for p in every if p.id != progress.prompt] or list(every)
        pool = [p for p in listed if p.swap] if swap_only else listed
        prompt = draws.next_fresh(pool or listed, seed, rng, _swap, _prompt_id)
    else:
        # The fresh prompts as views of pools built once per content, never listed: the
        # draw costs the same with a deck a hundred times today's.
        view = fresh
        if swap_only:
            swaps = index.pool((NAME, "swap"), lambda: [p for p in every if p.swap], _prompt_id)
            view = draws.FreshView(swaps, heard) or fresh
        order = functools.partial(index.gratitude_order, seed, heard)
        prompt = draws.first_fresh(view, heard, rng, _swap, order)
    updated = copying.replace(progress, heard=heard.plus(prompt.id), cycle=cycle)
    return updated, prompt, new_cycle


#: The heard ids outside the deck that are kept: none (one the deck no longer has is forgotten).
_OUTSIDE_KEPT: frozenset[str] = frozenset()


def _prompt_id(prompt: GratitudePrompt) -> str:
    return prompt.id


def _swap(prompt: GratitudePrompt) -> bool:
    return prompt.swap


def tonights_prompt(
    household: Household, content: LocaleContent, now: datetime
) -> GratitudePrompt | None:
    """The prompt given tonight, if any (for "swap" and "repeat" in a later session)."""
    progress = household.gratitude
    if progress.night != night_of(now):
        return None
    return prompt_by_id(content, progress.prompt)


def ask_gratitude(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """ "A gratitude prompt": a fresh prompt for both of them."""
    return give_prompt(state, event, ctx)


def give_prompt(
    state: State,
    event: Event,
    ctx: FlowContext,
    swap_only: bool = False,
    lead: tuple[Segment, ...] = (),
) -> tuple[State, Reply]:
    """Draw a prompt, record it, and say it (``swap_only``: one round each, as "five minutes")."""
    night = night_of(ctx.now)
    before = state.household
    progress, prompt, new_cycle = draw(
        before.gratitude, ctx.content, ctx.rng, swap_only, before.seed
    )
    progress = copying.replace(progress, night=night, prompt=prompt.id)
    household = journal.record(
        copying.replace(before, gratitude=progress), night, journal.GRATITUDE, prompt.id
    )
    streak = journal.streak_note(before, household, night, ctx.content, ctx.rng)
    opening: tuple[Segment, ...] = (*lead, *_cycle_lead(new_cycle, ctx.content, ctx.rng))
    opening += (ctx.say("gratitude.intro"), Pause(400), Say(prompt.text), Pause(700))
    card = cards.gratitude(ctx, prompt.text)
    if event.new_session:
        if prompt.swap:
            turns = _floor(state.household, 0, "gratitude.one_shot_turns", ctx.content, ctx.rng)
        else:
            turns = (ctx.say("gratitude.together_one_shot"),)
        speech = (*opening, *turns, Pause(500), *streak, ctx.say("gratitude.close"))
        told = Reply.tell(speech).with_card_of(card)
        return places.at(State(household, state.session), NAME), told
    if prompt.swap:
        turn = _floor(state.household, 0, "gratitude.first_turn", ctx.content, ctx.rng)
        speech = (*opening, *turn, Silence(TURN_SECONDS), *_respond(ctx), *streak)
        speech += (ctx.say("gratitude.swap_offer"),)
        reprompt = (ctx.say("gratitude.swap_reprompt"),)
        offer = OFFER_SWAP
    else:
        speech = (*opening, ctx.say("gratitude.together"), Silence(TURN_SECONDS))
        speech += (Sound("chime"), Pause(300), *streak, ctx.say("gratitude.thanks"))
        speech += (Pause(300), ctx.say("gratitude.more_offer"))
        reprompt = (ctx.say("gratitude.more_reprompt"),)
        offer = OFFER_MORE
    given = places.at(State(household, state.session), NAME, offer)
    return given, Reply.ask(speech, reprompt).with_card_of(card)


def screen(state: State, content: LocaleContent, rng: Random) -> Display | None:
    """While a gratitude round goes on the screen keeps showing its prompt, as its card did."""
    prompt = prompt_by_id(content, state.household.gratitude.prompt)
    if prompt is None:
        return None
    return Display(title=content.phrase("card.gratitude_title", rng), text=prompt.text)


def swap(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """ "Now swap": the other partner takes the same prompt."""
    prompt = tonights_prompt(state.household, ctx.content, ctx.now)
    if prompt is None:
        return places.at(state, NAME, OFFER_PROMPT), Reply.ask(
            (ctx.say("gratitude.nothing_to_swap"),),
            (ctx.say("gratitude.prompt_reprompt"),),
        )
    if not prompt.swap:
        return _more(state, (ctx.say("gratitude.no_swap"),), event, ctx.content, ctx.rng)
    turn = _floor(state.household, 1, "gratitude.second_turn", ctx.content, ctx.rng)
    same = (ctx.say("gratitude.same_prompt"), Pause(300), Say(prompt.text), Pause(600))
    if event.new_session:
        return state, Reply.tell((*turn, *same, ctx.say("gratitude.close")))
    speech = (*turn, *same, Silence(TURN_SECONDS), *_respond(ctx))
    return _more(state, (*speech, ctx.say("gratitude.respond_done")), event, ctx.content, ctx.rng)


#: How long the one who just heard an appreciation has to say what hearing it meant.
RESPOND_SECONDS = 20


def _respond(ctx: FlowContext) -> tuple[Segment, ...]:
    """After a turn: a chime, then the listener says what hearing it meant, in the quiet."""
    return (
        Sound("chime"),
        Pause(300),
        ctx.say("gratitude.respond"),
        Silence(RESPOND_SECONDS),
        Sound("chime"),
        Pause(300),
    )


def route(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply] | None:
    """While a gratitude round is going: yes/no answer this flow's offers, "next" gives another
    prompt, help and fallback explain gratitude. Everything else routes as usual."""
    offer = state.session.place.offer
    if event.is_intent(intents.YES):
        if offer == OFFER_SWAP:
            return swap(state, event, ctx)
        if offer in (OFFER_PROMPT, OFFER_MORE, OFFER_ROUND):
            return give_prompt(state, event, ctx, swap_only=offer == OFFER_ROUND)
        return None
    if event.is_intent(intents.NO):
        if offer == OFFER_SWAP:
            return _more(state, (ctx.say("gratitude.no_swap_ok"),), event, ctx.content, ctx.rng)
        if offer in (OFFER_PROMPT, OFFER_MORE, OFFER_ROUND):
            return state, Reply.tell((ctx.say("gratitude.goodnight"),))
        return None
    if event.is_intent(intents.NEXT, intents.ANOTHER):
        return give_prompt(state, event, ctx)
    if event.is_intent(intents.HELP):
        return state, Reply.ask(
            (ctx.say("help.gratitude"), Pause(300), ctx.say("help.ask")),
            (ctx.say("gratitude.more_reprompt"),),
        )
    if event.is_intent(intents.FALLBACK):
        # After a turn, words the skill can't place are the two of them still talking.
        if offer == OFFER_SWAP:
            check = (ctx.say("gratitude.swap_offer"), ctx.say("gratitude.swap_reprompt"))
        else:
            check = (ctx.say("gratitude.more_offer"), ctx.say("gratitude.more_reprompt"))
        return state, talk.still_talking(state.session.misses, ctx, *check)
    return None


def _more(
    state: State, speech: tuple[Segment, ...], event: Event, content: LocaleContent, rng: Random
) -> tuple[State, Reply]:
    """Close the round: offer another prompt (or close a one-shot)."""
    if event.new_session:
        return state, Reply.tell((*speech, content.say("gratitude.close", rng)))
    return places.at(state, NAME, OFFER_MORE), Reply.ask(
        (*speech, Pause(300), content.say("gratitude.more_offer", rng)),
        (content.say("gratitude.more_reprompt", rng),),
    )


def _floor(
    household: Household, index: int, key: str, content: LocaleContent, rng: Random
) -> tuple[Segment, ...]:
    """Who has the floor: the partner's name (or voice), a breath, then the instruction."""
    return (people.partner(household, index, content, rng), Say(","), content.say(key, rng))


def _cycle_lead(new_cycle: bool, content: LocaleContent, rng: Random) -> tuple[Segment, ...]:
    return (content.say("gratitude.new_cycle", rng), Pause(300)) if new_cycle else ()


ACTIVITY = Activity(
    name=NAME,
    intents={intents.GRATITUDE: ask_gratitude, intents.SWAP: swap},
    router=route,
    accepts={OFFER_PROMPT: ask_gratitude},
    screen=screen,
    journal_kind=journal.GRATITUDE,
    surprise=ask_gratitude,
)
