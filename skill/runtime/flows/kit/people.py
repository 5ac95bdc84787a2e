"""Who is who, for every activity: how to say each partner's name, and the voices Alexa
recognizes. (Giving and forgetting names is the ``names`` activity.)

Every activity that takes turns names the partners the same way, through ``partner``:
a recognized voice is spoken with ``<alexa:name>`` (the skill never learns the name), else the
name they gave, else "partner one" and "partner two". Names are stored only because the couple
asked for them, and "forget our names" removes them.
"""

from __future__ import annotations

import re
from random import Random

from skill.runtime import copying
from skill.runtime.catalog import LocaleContent
from skill.runtime.reply import Pause, PersonName, Say, Segment
from skill.runtime.state import Household

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
    return copying.replace(household, voices=[*household.voices, person_id])


def partner(household: Household, index: int, content: LocaleContent, rng: Random) -> Segment:
    """How to say partner ``index`` (0 or 1) out loud: the name they chose, when they gave
    names (a voice is never matched to a name by who spoke first: only "this is Sam" binds
    one); else a recognized voice's own name through ``<alexa:name>``; else "partner one"."""
    if len(household.names) == 2:
        return Say(household.names[index])
    if len(household.voices) == 2:
        # Alexa can name only the voice speaking now; anyone else is said as the fallback.
        return PersonName(
            household.voices[index], fallback=partner_text(household, index, content, Random(0))
        )
    return content.say("partner.one" if index == 0 else "partner.two", rng)


def known(household: Household) -> bool:
    """Whether partners can be told apart by name or voice (else "partner one" is whoever the
    skill says it is)."""
    return len(household.names) == 2 or len(household.voices) == 2


def named_by_voice(household: Household, person_id: str) -> int | None:
    """The partner a recognized voice said it was ("this is Sam"), if it said so."""
    index = household.voice_names.get(person_id) if person_id else None
    return index if index is not None and index < len(household.names) else None


def partner_text(household: Household, index: int, content: LocaleContent, rng: Random) -> str:
    """A partner's label for use inside a sentence template (names or "partner one")."""
    if len(household.names) == 2:
        return household.names[index]
    return content.phrase("partner.one" if index == 0 else "partner.two", rng)


def without_names(household: Household) -> tuple[Household, str]:
    """``household`` with no names or voices, and the phrase key that says so (a different
    one when there was nothing to forget). Shared with a game, which forgets them mid-play."""
    key = "names.forgotten" if household.names or household.voices else "names.none"
    return copying.replace(household, names=[], voices=[], voice_names={}), key


def greeting(
    household: Household, person_id: str, content: LocaleContent, rng: Random, morning: bool = False
) -> tuple[Segment, ...]:
    """A returning couple's greeting, to whoever spoke by name when Alexa knows their voice:
    the name they chose if that voice told us which partner it is, else Alexa's own. In the
    morning it says good morning (its ``_morning`` phrases)."""
    suffix = "_morning" if morning else ""
    index = named_by_voice(household, person_id)
    if index is not None:
        return (
            content.say(f"greet.person{suffix}", rng),
            Say(household.names[index]),
            Pause(200),
            content.say("greet.person_after", rng),
        )
    if person_id:
        return (
            content.say(f"greet.person{suffix}", rng),
            PersonName(person_id),
            Pause(200),
            content.say("greet.person_after", rng),
        )
    return (content.say(f"launch.returning{suffix}", rng),)
