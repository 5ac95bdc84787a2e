"""What a flow answers: a channel-neutral reply that speech rendering turns into SSML or text.

Flows build replies from segments instead of SSML strings so that they stay pure and
testable, so that the local chat can print timed silences legibly, and so that platform
limits (break length, total silence, SSML size) are enforced in one place: ``speech.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import msgspec

from skill.runtime import copying
from skill.runtime.effects import Effect


class Say(msgspec.Struct, frozen=True):
    """Words to speak, already chosen from content; escaped when rendered."""

    text: str


class Pause(msgspec.Struct, frozen=True):
    """A short breath between sentences, in milliseconds (at most 10 s)."""

    ms: int


class Silence(msgspec.Struct, frozen=True):
    """A timed turn: the couple talks while the speaker stays quiet, in whole seconds."""

    seconds: int


class Sound(msgspec.Struct, frozen=True):
    """A short sound by name (for example ``chime``); speech maps names to soundbank URLs."""

    name: str


@dataclass(frozen=True)
class PersonName:
    """A recognized speaker's first name, spoken by Alexa without the skill ever seeing it.

    Flows name a voice by its stored key; only the current speaker's name can really be
    spoken (``skill.runtime.voices.speak_names``), anyone else's is said as ``fallback``.
    Equality is by voice alone, so a flow's tests need not spell out the fallback.
    """

    person_id: str
    fallback: str = field(default="", compare=False)


Segment = Say | Pause | Silence | Sound | PersonName


class Display(msgspec.Struct, frozen=True):
    """What a screen shows beside the speech: words chosen from content, never layout.

    ``title`` names the activity, ``text`` is the one large line (a question, who has the
    floor), ``footer`` a quiet line under it (who listens, the score) and ``seconds`` the
    length of the timed turn this reply holds, for a countdown. How it looks is the screen
    renderer's business (``skill/runtime/apl.py``).
    """

    title: str
    text: str
    footer: str = ""
    seconds: int = 0


#: Alexa's limit on a card: title and content together at most 8,000 characters ("Include a
#: Card in Your Skill's Response"). Ours are a title and one question or title, far inside it;
#: rendering clips anything longer rather than let Alexa refuse the whole response.
CARD_MAX_CHARS = 8000


class Card(msgspec.Struct, frozen=True):
    """A card for the Alexa app (and a screen without APL): a title and one line of content.

    Only content goes on a card: a phrase, a question, an exercise or step title, a time.
    Never anything a partner said; ``flows/kit/cards.py`` builds the ones activities attach.
    """

    title: str
    text: str


class RoutineOffer(msgspec.Struct, frozen=True):
    """Ask Alexa to offer the couple a routine that runs one of this skill's custom tasks.

    Flows state what to offer; the renderer (``handlers/render.py``) turns it into the
    ``Connections.StartConnection`` directive for ``AMAZON.OfferAutomation``, with the skill's
    own id in the task's connection URI (flows never know it). ``utterances`` are the voice
    triggers in order of preference (Alexa takes the first one the couple isn't already
    using), ``description`` is how Alexa describes the routine's action, and ``token`` comes
    back unchanged in the ``SessionResumedRequest`` that answers it.
    """

    task: str
    version: int
    utterances: tuple[str, ...]
    locale: str
    description: str
    token: str


class Reply(msgspec.Struct, frozen=True):
    """One response: speech, and either a reprompt (the session stays open) or an end.

    Build replies with ``ask``, ``tell`` or ``silent`` so that every reply either asks
    something or closes the session, as certification requires.
    """

    speech: tuple[Segment, ...] = ()
    reprompt: tuple[Segment, ...] = ()
    end_session: bool | None = True
    card: Card | None = None
    directives: tuple[dict[str, Any], ...] = msgspec.field(default=())
    #: Something the turn must do outside the flow (see ``skill/runtime/effects.py``).
    effect: Effect | None = None
    #: What a device with a screen shows (``flows/kit/screens.py`` has the defaults).
    display: Display | None = None
    #: A routine Alexa should offer; the response then hands the session to Alexa.
    routine: RoutineOffer | None = None

    @staticmethod
    def ask(speech: tuple[Segment, ...], reprompt: tuple[Segment, ...]) -> Reply:
        """Speak, then keep the microphone open; the reprompt is said once after silence."""
        return Reply(speech=speech, reprompt=reprompt, end_session=False)

    @staticmethod
    def tell(speech: tuple[Segment, ...]) -> Reply:
        """Speak and close the session."""
        return Reply(speech=speech, end_session=True)

    @staticmethod
    def silent() -> Reply:
        """No speech at all: the only valid answer to SessionEndedRequest and system events."""
        return Reply(end_session=None)

    def with_card(self, title: str, text: str) -> Reply:
        """The same reply with a simple card for the Alexa app or a screen."""
        return copying.replace(self, card=Card(title, text))

    def with_card_of(self, card: Card | None) -> Reply:
        """The same reply carrying ``card`` (None leaves the reply as it is)."""
        return self if card is None else copying.replace(self, card=card)

    def offering_routine(self, offer: RoutineOffer) -> Reply:
        """The same reply, handing the session to Alexa to offer ``offer`` (no end, no
        reprompt: Alexa speaks the offer and answers with a ``SessionResumedRequest``)."""
        return copying.replace(self, routine=offer, reprompt=(), end_session=None)

    def with_display(self, display: Display) -> Reply:
        """The same reply with what a screen should show while it plays."""
        return copying.replace(self, display=display)

    def then(self, *more: Segment) -> Reply:
        """The same reply with segments appended to its speech."""
        return copying.replace(self, speech=self.speech + more)

    def with_directive(self, directive: dict[str, Any]) -> Reply:
        """The same reply carrying one more directive (for example a permission request)."""
        return copying.replace(self, directives=(*self.directives, directive))

    def with_effect(self, effect: Effect) -> Reply:
        """The same reply asking the turn to perform ``effect`` (see ``effects.py``)."""
        return copying.replace(self, effect=effect)


def segments_to_json(segments: tuple[Segment, ...]) -> list[list[Any]]:
    """Serialise segments compactly for session attributes (used by "repeat")."""
    out: list[list[Any]] = []
    for seg in segments:
        match seg:
            case Say(text):
                out.append(["say", text])
            case Pause(ms):
                out.append(["pause", ms])
            case Silence(seconds):
                out.append(["silence", seconds])
            case Sound(name):
                out.append(["sound", name])
            case PersonName(person_id, fallback):
                out.append(["name", person_id, fallback] if fallback else ["name", person_id])
    return out


def segments_from_json(data: object) -> tuple[Segment, ...]:
    """Inverse of ``segments_to_json``; anything malformed is dropped, never raised."""
    if not isinstance(data, list):
        return ()
    out: list[Segment] = []
    for item in data:
        if (
            isinstance(item, list)
            and len(item) == 3
            and item[0] == "name"
            and isinstance(item[1], str)
            and isinstance(item[2], str)
        ):
            out.append(PersonName(item[1], item[2]))
            continue
        if not (isinstance(item, list) and len(item) == 2):
            continue
        kind, value = item
        if kind == "say" and isinstance(value, str):
            out.append(Say(value))
        elif kind == "pause" and isinstance(value, int):
            out.append(Pause(value))
        elif kind == "silence" and isinstance(value, int):
            out.append(Silence(value))
        elif kind == "sound" and isinstance(value, str):
            out.append(Sound(value))
        elif kind == "name" and isinstance(value, str):
            out.append(PersonName(value))
    return tuple(out)
