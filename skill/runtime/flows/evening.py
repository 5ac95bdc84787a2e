"""Shaping an evening: "we only have five minutes", "surprise us", and the weekly recap.

"Surprise us" picks across every activity that declares a ``surprise`` (by journal kind),
preferring one they haven't done tonight. "Five minutes" offers
what fits: tonight's question if they haven't had it, else one gratitude round each.
"What did we talk about this week" names the week's questions, exercises, games and the
journey step reached by their text or title from the journal, never anything anyone said.
"""

from __future__ import annotations

from skill.runtime import copying, intents
from skill.runtime.flows.kit import journal, offers, places
from skill.runtime.flows.kit.activity import Activity
from skill.runtime.flows.kit.context import FlowContext
from skill.runtime.flows.kit.events import Event
from skill.runtime.nights import night_of
from skill.runtime.reply import Pause, Reply, Say, Segment
from skill.runtime.state import JournalEntry, State

#: How many of the week's questions the recap reads out (the rest are counted).
RECAP_QUESTIONS = 3


def surprise(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """Pick an activity, preferring one not done tonight, and start it."""
    night = night_of(ctx.now)
    done = {e.kind for e in state.household.journal if e.night == night}
    surprises = ctx.elsewhere.surprises()
    kinds = sorted(surprises)
    fresh = [k for k in kinds if k not in done]
    kind = ctx.rng.choice(fresh or kinds)
    new_state, reply = surprises[kind](state, event, ctx)
    lead = (ctx.say("surprise.lead"), Pause(300))
    return new_state, copying.replace(reply, speech=lead + reply.speech)


def five_minutes(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """Offer something that fits in a few minutes: one question, or one gratitude round each."""
    night = night_of(ctx.now)
    if state.household.tonight.night != night:
        return places.home(state, places.TONIGHT_OFFER), Reply.ask(
            (ctx.say("quick.question"),), (ctx.say("offer.tonight"),)
        )
    round_each = places.at(state, places.GRATITUDE, places.GRATITUDE_ROUND_OFFER)
    return round_each, Reply.ask(
        (ctx.say("quick.gratitude"),), (ctx.say("gratitude.prompt_reprompt"),)
    )


def recap(state: State, event: Event, ctx: FlowContext) -> tuple[State, Reply]:
    """Name what they did this week, by question text and activity title only."""
    night = night_of(ctx.now)
    entries = journal.week(state.household, night)
    if not entries:
        lines: tuple[Segment, ...] = (ctx.say("recap.none"),)
    else:
        lines = _recap_lines(entries, journal.nights_this_week(state.household, night), ctx)
    if event.new_session:
        return state, Reply.tell(lines)
    offered, offer = offers.next_offer(places.home(state), ctx)
    return offered, Reply.ask((*lines, Pause(500), offer), (offer,))


def _recap_lines(entries: list[JournalEntry], nights: int, ctx: FlowContext) -> tuple[Segment, ...]:
    content, rng = ctx.content, ctx.rng

    def named(kind: str) -> list[str]:
        return journal.titles(entries, kind, lambda item: ctx.elsewhere.title(kind, item, content))

    key = "recap.nights_one" if nights == 1 else "recap.nights"
    lines: list[Segment] = [content.say(key, rng, count=nights), Pause(300)]
    questions = named(journal.QUESTION)
    if questions:
        lines += [content.say("recap.questions", rng), Pause(300)]
        for text in questions[:RECAP_QUESTIONS]:
            lines += [Say(text), Pause(500)]
        if len(questions) > RECAP_QUESTIONS:
            more = len(questions) - RECAP_QUESTIONS
            key = "recap.more_one" if more == 1 else "recap.more"
            lines += [content.say(key, rng, count=more), Pause(300)]
    thanks = sum(1 for e in entries if e.kind == journal.GRATITUDE)
    if thanks:
        key = "recap.gratitude_one" if thanks == 1 else "recap.gratitude"
        lines += [content.say(key, rng, count=thanks), Pause(300)]
    for kind, key in ((journal.LISTENING, "recap.listening"), (journal.GAME, "recap.games")):
        names = named(kind)
        if names:
            lines += [content.say(key, rng, titles=journal.say_list(names, content, rng).text)]
            lines += [Pause(300)]
    lines += _journey_lines(entries, named(journal.JOURNEY), ctx)
    return tuple(lines[:-1] if isinstance(lines[-1], Pause) else lines)


def _journey_lines(
    entries: list[JournalEntry], steps: list[str], ctx: FlowContext
) -> list[Segment]:
    """A journey's week in one line: the step reached, by title (which names the journey and
    the night), and how many nights of it there were. Never the nights that were skipped."""
    if not steps:
        return []
    count = sum(1 for e in entries if e.kind == journal.JOURNEY)
    if count == 1:
        return [ctx.say("recap.journey", reached=steps[0]), Pause(300)]
    return [ctx.say("recap.journey_nights", count=count, reached=steps[0]), Pause(300)]


ACTIVITY = Activity(
    name="evening",
    intents={
        intents.SHORT_ON_TIME: five_minutes,
        intents.SURPRISE: surprise,
        intents.YOU_CHOOSE: surprise,
        intents.WEEK_RECAP: recap,
    },
)
