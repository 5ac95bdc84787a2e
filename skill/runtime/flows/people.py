"""Who is who: the two first names a couple gives, and the voices Alexa recognizes.

Every activity that takes turns names the partners the same way, through ``partner``:
a recognized voice is spoken with ``<alexa:name>`` (the skill never learns the name), else the
name they gave, else "partner one" and "partner two". Names are stored only because the couple
asked for them, and "forget our names" removes them.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime
from random import Random

from skill.runtime import intents
from skill.runtime.catalog import LocaleContent
from skill.runtime.flows.events import Event
from skill.runtime.reply import Pause, PersonName, Reply, Say, Segment
from skill.runtime.state import Household, State

MAX_NAME_CHARS = 24
_NAME = re.compile(r"^[^\W\d_]+(?:[ '\-][^\W\d_]+)?$")


def clean_name(spoken: str) -> str | None:
    """A first name as it should be spoken back, or None when it doesn't look like a name."""
    text = " ".join(spoken.split())
    if not text or len(text) > MAX_NAME_CHARS or not _NAME.match(text):
        return None
    return " ".join(part[:1].upper() + part[1:] for part in text.split(" "))


def learn_voice(household: Household, person_id: str) -> Household:
    """Remember up to two recognized voices, in the order they first spoke."""
    if not person_id or person_id in household.voices or len(household.voices) >= 2:
        return household
    return dataclasses.replace(household, voices=[*household.voices, person_id])


def partner(household: Household, index: int, content: LocaleContent, rng: Random) -> Segment:
    """How to say partner ``index`` (0 or 1) out loud. A recognized voice is named by Alexa
    only while that partner is the one speaking; otherwise it is said as ``partner_text``."""
    if index < len(household.voices) and len(household.voices) == 2:
        return PersonName(
            household.voices[index], fallback=partner_text(household, index, content, Random(0))
        )
    if len(household.names) == 2:
        return Say(household.names[index])
    return content.say("partner.one" if index == 0 else "partner.two", rng)


def partner_text(household: Household, index: int, content: LocaleContent, rng: Random) -> str:
    """A partner's label for use inside a sentence template (names or "partner one")."""
    if len(household.names) == 2:
        return household.names[index]
    return content.phrase("partner.one" if index == 0 else "partner.two", rng)


def ask_names(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """Offer the optional setup: "what should I call you two?"."""
    session = dataclasses.replace(state.session, offer="names")
    return State(state.household, session), Reply.ask(
        (content.say("names.ask", rng),), (content.say("names.reprompt", rng),)
    )


def set_names(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """Store two first names; anything that isn't two names gets one clear re-ask."""
    spoken = [
        event.spoken.get(intents.SLOT_NAME_ONE, ""),
        event.spoken.get(intents.SLOT_NAME_TWO, ""),
    ]
    given = [s for s in spoken if s]
    if len(given) < 2:
        return _reask(state, "names.need_two", content, rng)
    names = [clean_name(s) for s in given]
    if None in names or names[0] == names[1]:
        return _reask(state, "names.not_names", content, rng)
    first, second = (n for n in names if n is not None)
    household = dataclasses.replace(state.household, names=[first, second])
    session = dataclasses.replace(state.session, offer="tonight")
    speech = (content.say("names.saved", rng, one=first, two=second),)
    if event.new_session:
        return State(household, session), Reply.tell(speech)
    return State(household, session), Reply.ask(
        (*speech, content.say("offer.tonight", rng)), (content.say("launch.reprompt", rng),)
    )


def forget_names(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply]:
    """Drop the stored names and recognized voices."""
    household, key = without_names(state.household)
    speech = (content.say(key, rng),)
    if event.new_session:
        return State(household, state.session), Reply.tell(speech)
    return State(household, state.session), Reply.ask(
        (*speech, content.say("offer.tonight", rng)), (content.say("launch.reprompt", rng),)
    )


def without_names(household: Household) -> tuple[Household, str]:
    """``household`` with no names or voices, and the phrase key that says so (a different
    one when there was nothing to forget). Shared with a game, which forgets them mid-play."""
    key = "names.forgotten" if household.names or household.voices else "names.none"
    return dataclasses.replace(household, names=[], voices=[]), key


def _reask(state: State, key: str, content: LocaleContent, rng: Random) -> tuple[State, Reply]:
    session = dataclasses.replace(state.session, offer="names")
    return State(state.household, session), Reply.ask(
        (content.say(key, rng),), (content.say("names.reprompt", rng),)
    )


#: The session context while the launch offer "what should I call you two?" is open.
NAMES_CONTEXT = "names"
#: The launch at which the names are offered: the couple's second visit, once.
OFFER_NAMES_AT_VISIT = 2


def greeting(
    household: Household, person_id: str, content: LocaleContent, rng: Random
) -> tuple[Segment, ...]:
    """A returning couple's greeting, to whoever spoke by name when Alexa knows their voice."""
    if person_id:
        return (
            content.say("greet.person", rng),
            PersonName(person_id),
            Pause(200),
            content.say("greet.person_after", rng),
        )
    return (content.say("launch.returning", rng),)


def offer_names_at_launch(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply] | None:
    """On the second visit, once, offer the optional setup: "what should I call you two?".

    Not when they already gave names or Alexa knows both voices. Runs as a launch offer, so it
    does the launch's bookkeeping through ``top.launch`` and only changes what is offered.
    """
    household = state.household
    if (
        household.visits != OFFER_NAMES_AT_VISIT - 1
        or household.names_offered
        or household.names
        or len(household.voices) >= 2
    ):
        return None
    from skill.runtime.flows import top  # top greets; imported here to keep people.py a leaf module

    launched, _ = top.launch(state, event, content, now, rng)
    household = dataclasses.replace(launched.household, names_offered=True)
    session = dataclasses.replace(launched.session, context=NAMES_CONTEXT, offer="names")
    speech = (*greeting(household, event.person_id, content, rng), Pause(300))
    return State(household, session), Reply.ask(
        (*speech, content.say("names.offer", rng)), (content.say("names.offer_reprompt", rng),)
    )


def names_activity(
    state: State, event: Event, content: LocaleContent, now: datetime, rng: Random
) -> tuple[State, Reply] | None:
    """While "what should I call you two?" is open: yes asks for the names, no moves on kindly.
    Names themselves, and anything else, route as usual."""
    if state.session.offer != "names":
        return None
    if event.is_intent(intents.YES):
        return ask_names(state, event, content, now, rng)
    if event.is_intent(intents.NO):
        session = dataclasses.replace(state.session, context="top", offer="tonight")
        return State(state.household, session), Reply.ask(
            (content.say("names.skipped", rng), Pause(300), content.say("offer.tonight", rng)),
            (content.say("launch.reprompt", rng),),
        )
    return None
