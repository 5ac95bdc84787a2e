"""Recognized voices, kept as salted hashes and spoken only for whoever is speaking now.

Alexa reports a recognized speaker's ``personId``. The skill needs it for two things: to tell
the two partners apart across sessions, and to have Alexa say the speaker's first name
(``<alexa:name type="first" personId="..."/>``). The first needs only a stable pseudonym, so
a household stores ``voice_key(personId)``: salted, fixed length, never the id itself. The
second needs the raw id, and only the current request has it, so a name is spoken only for
the current speaker: ``speak_names`` turns that speaker's key back into their raw id and
says anyone else's name with the words the flow gave as a fallback (the name the couple
chose, or "partner one").
"""

from __future__ import annotations

import functools
import hashlib
import re

from skill.runtime import copying
from skill.runtime.reply import PersonName, Reply, Say, Segment

#: ``v1-`` and 24 hex digits: what a stored voice looks like.
VOICE_KEY = re.compile(r"v1-[0-9a-f]{24}")


@functools.lru_cache(maxsize=1024)
def voice_key(person_id: str, salt: str) -> str:
    """The stored pseudonym of a recognized voice (a different salt use than the household)."""
    digest = hashlib.sha256(f"{salt}:person:{person_id}".encode()).hexdigest()
    return "v1-" + digest[:24]


def stored_voices(voices: list[str], salt: str) -> list[str]:
    """Voices as keys: an entry stored raw by an older version is hashed, the rest kept."""
    return [v if VOICE_KEY.fullmatch(v) else voice_key(v, salt) for v in voices]


def speak_names(segments: tuple[Segment, ...], key: str, person_id: str) -> tuple[Segment, ...]:
    """Names as they can really be spoken: the current speaker's key becomes their raw
    ``personId``; any other voice becomes its fallback words (or nothing)."""
    if not any(isinstance(s, PersonName) for s in segments):
        return segments
    out: list[Segment] = []
    for seg in segments:
        if not isinstance(seg, PersonName):
            out.append(seg)
        elif key and person_id and seg.person_id == key:
            out.append(PersonName(person_id))
        elif seg.fallback:
            out.append(Say(seg.fallback))
    return tuple(out)


def reply_with_names(reply: Reply, key: str, person_id: str) -> Reply:
    """``reply`` with ``speak_names`` applied to its speech and reprompt."""
    speech = speak_names(reply.speech, key, person_id)
    reprompt = speak_names(reply.reprompt, key, person_id)
    if speech is reply.speech and reprompt is reply.reprompt:
        return reply
    return copying.replace(reply, speech=speech, reprompt=reprompt)
