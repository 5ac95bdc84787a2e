"""What to offer next, without offering what was just done: tonight's question, or, once it
has been asked tonight, a gratitude prompt (a couple who has had tonight's question should
not hear "shall I ask tonight's question?" again)."""

from __future__ import annotations

from skill.runtime.flows.kit import places
from skill.runtime.flows.kit.context import FlowContext
from skill.runtime.nights import night_of
from skill.runtime.reply import Segment
from skill.runtime.state import State


def next_offer(state: State, ctx: FlowContext) -> tuple[State, Segment]:
    """``state`` with the offer made, and the words that make it."""
    if state.household.tonight.night == night_of(ctx.now):
        offered = places.offer_by(state, places.GRATITUDE, places.GRATITUDE_PROMPT_OFFER)
        return offered, ctx.say("offer.gratitude")
    return places.offer_tonight(state), ctx.say("offer.tonight")
