"""Cards for the Alexa app: what a partner who was away can read afterwards.

Any activity attaches one with ``reply.with_card_of(cards.<kind>(...))``. Every card is a
title phrase and one piece of content: tonight's question, a gratitude prompt, an exercise
or journey step title, or the reminder's time set into a phrase. Nothing a partner said ever
goes on a card, and no names either: a card is read later, by whoever opens the app.

Cards are Simple cards (title and text). A Standard card adds an image, which needs two
HTTPS image URLs the skill would have to host; it has none, so it sends none. The 8,000
characters Alexa allows a card are enforced when it is rendered (``handlers/render.py``).
"""

from __future__ import annotations

from skill.runtime.flows.kit.context import FlowContext
from skill.runtime.reply import Card

TONIGHT_TITLE = "card.tonight_title"
GRATITUDE_TITLE = "card.gratitude_title"
EXERCISE_TITLE = "card.exercise_title"
STEP_TITLE = "card.step_title"
REMINDER_TITLE = "card.reminder_title"
REMINDER_TEXT = "card.reminder_text"


def content(ctx: FlowContext, title_key: str, text: str) -> Card:
    """A card titled by the phrase ``title_key`` carrying ``text``, which must be content
    itself (a question, a prompt, a title), never words a partner said."""
    return Card(ctx.phrase(title_key), text)


def question(ctx: FlowContext, text: str) -> Card:
    """Tonight's question, for whoever missed it."""
    return content(ctx, TONIGHT_TITLE, text)


def gratitude(ctx: FlowContext, text: str) -> Card:
    """The gratitude prompt the couple answered."""
    return content(ctx, GRATITUDE_TITLE, text)


def exercise(ctx: FlowContext, title: str) -> Card:
    """The listening exercise they started, by its title."""
    return content(ctx, EXERCISE_TITLE, title)


def step(ctx: FlowContext, title: str) -> Card:
    """A journey's step, by its title: for the activity that runs journeys to attach."""
    return content(ctx, STEP_TITLE, title)


def reminder(ctx: FlowContext, spoken_time: str) -> Card:
    """The nightly reminder that was set, with its time as the skill says it ("9 p.m.")."""
    return Card(ctx.phrase(REMINDER_TITLE), ctx.phrase(REMINDER_TEXT, time=spoken_time))
