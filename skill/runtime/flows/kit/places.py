"""Moving the conversation: every flow that changes where the couple is goes through these,
so the place is always replaced whole (activity, offer and retries agree) and never edited
field by field into a state where a stale offer outlives its activity."""

from __future__ import annotations

from skill.runtime import copying
from skill.runtime.state import HOME, Place, ReminderDraft, State

#: Tonight's question, and its offer, made from almost anywhere ("shall we have tonight's?").
TONIGHT = "tonight"
TONIGHT_OFFER = "tonight"
#: The names setup's offer ("what should I call you two?"), made by names; an activity that
#: lets names be given mid-way (choosing who goes first) checks for it to tell a re-ask.
NAMES_OFFER = "names"
#: "One gratitude round each": gratitude's offer, also made by "we only have five minutes".
GRATITUDE = "gratitude"
GRATITUDE_ROUND_OFFER = "gratitude_round"
#: A gratitude prompt, offered once tonight's question has been asked.
GRATITUDE_PROMPT_OFFER = "gratitude"


def at(
    state: State, activity: str, offer: str = "", reminder: ReminderDraft | None = None
) -> State:
    """``state`` with ``activity`` holding the floor, waiting on ``offer``, no retries yet."""
    place = Place(activity=activity, offer=offer, reminder=reminder or ReminderDraft())
    return State(state.household, copying.replace(state.session, place=place))


def home(state: State, offer: str = "") -> State:
    """Back at the front door, with ``offer`` made (often tonight's question)."""
    return at(state, HOME, offer)


def offering(state: State, offer: str) -> State:
    """The same activity holding the floor, now waiting on ``offer``."""
    return at(state, state.session.place.activity, offer, state.session.place.reminder)


def retried(state: State) -> State:
    """One more answer in a row that could not be placed at the current offer."""
    place = state.session.place
    moved = copying.replace(place, retries=place.retries + 1)
    return State(state.household, copying.replace(state.session, place=moved))


def offer_by(state: State, owner: str, offer: str) -> State:
    """``offer`` made by the activity ``owner``: it keeps the floor if it had it, else the
    couple is back at the front door (never another activity's place with this offer)."""
    activity = state.session.place.activity
    return at(state, activity if activity in (owner, HOME) else HOME, offer)


def offer_tonight(state: State) -> State:
    """The offer of tonight's question made where the couple is: a question in play keeps
    the floor; anywhere else but the front door goes back to it."""
    return offer_by(state, TONIGHT, TONIGHT_OFFER)
