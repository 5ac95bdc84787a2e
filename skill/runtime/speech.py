"""Reply segments -> SSML for Alexa, or plain text for the local chat; platform limits here.

Limits are enforced in one place so that no flow can produce a response Alexa rejects:
a ``<break>`` is at most 10 s, so long silences are chained breaks; audio and silence in one
response stay within 240 s; SSML stays under 8,000 characters.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any
from xml.sax.saxutils import escape, quoteattr, unescape

import msgspec

from skill.runtime.reply import Pause, PersonName, Say, Segment, Silence, Sound

MAX_BREAK_MS = 10_000
MAX_AUDIO_AND_SILENCE_S = 240
MAX_SSML_CHARS = 8_000
MAX_AUDIO_CLIPS = 5

#: Named sounds from the Alexa Skills Kit sound library (no hosting needed).
SOUNDS = {
    "chime": "soundbank://soundlibrary/musical/amzn_sfx_bell_short_chime_02",
    "bell": "soundbank://soundlibrary/musical/amzn_sfx_bell_timer_01",
}
#: Generous estimates of each sound's length, for the 240 s budget.
SOUND_SECONDS = {"chime": 2, "bell": 3}


class SpeechLimitError(ValueError):
    """A reply would break a platform limit; raised in tests and content checks."""


def to_ssml(segments: Iterable[Segment]) -> str:
    """Render segments as one ``<speak>`` document.

    Each segment's markup is found by its type in a table, not by a ``match`` over the
    five kinds: every reply is rendered, most of them twice (speech and reprompt), and
    testing each segment against class patterns in turn, then growing one string, was 9 us
    for a reply of eight segments (2.7 us this way)."""
    out: list[str] = []
    for seg in segments:
        render = _MARKUP.get(type(seg))
        if render is None:
            continue
        part = render(seg)
        # Punctuation said on its own (a comma after a name) joins the word before it.
        if out and part[:1] not in _JOINS:
            out.append(" ")
        if part:
            out.append(part)
    return "<speak>" + "".join(out) + "</speak>"


#: What a part starting with one of these joins without a space (an empty part adds nothing).
_JOINS = ",.;:!?"


@functools.lru_cache(maxsize=256)
def _break(ms: int) -> str:
    return f'<break time="{max(0, min(ms, MAX_BREAK_MS))}ms"/>'


@functools.lru_cache(maxsize=64)
def _silence(seconds: int) -> str:
    return " ".join(_breaks(seconds))


@functools.lru_cache(maxsize=16)
def _audio(name: str) -> str:
    return f"<audio src={quoteattr(SOUNDS.get(name, SOUNDS['chime']))}/>"


def _name(seg: PersonName) -> str:
    return f'<alexa:name type="first" personId={quoteattr(seg.person_id)}/>'


#: Each segment type's markup.
_MARKUP: dict[type, Callable[[Any], str]] = {
    Say: lambda seg: escape(seg.text),
    Pause: lambda seg: _break(seg.ms),
    Silence: lambda seg: _silence(seg.seconds),
    Sound: lambda seg: _audio(seg.name),
    PersonName: _name,
}


def _breaks(seconds: int) -> list[str]:
    full, rest = divmod(max(0, seconds), MAX_BREAK_MS // 1000)
    out = ['<break time="10s"/>'] * full
    if rest:
        out.append(f'<break time="{rest}s"/>')
    return out


def to_text(segments: Iterable[Segment], person_label: str = "partner") -> str:
    """Plain text for the chat and the simulator: timed silences shown as ``(silence 2:00)``.

    Words that follow a name or a sentence's end read as a sentence: a part opening with
    punctuation joins the word before it, and a sentence starts with a capital letter.
    """
    text = ""
    for seg in segments:
        match seg:
            case Say(said):
                part = said
            case Silence(seconds):
                part = f"(silence {seconds // 60}:{seconds % 60:02d})"
            case Sound(name):
                part = f"({name})"
            case PersonName():
                part = person_label
            case _:
                continue
        part = part.strip()
        if not part:
            continue
        if not text or text.endswith((".", "!", "?", ")")):
            part = part[:1].upper() + part[1:]
        if text and part[:1] not in ",.;:!?":
            text += " "
        text += part
    return text


class SpeechBudget(msgspec.Struct, frozen=True):
    """What one rendered response costs against the platform's limits."""

    ssml_chars: int
    audio_and_silence_s: float
    audio_clips: int

    def violations(self) -> list[str]:
        problems = []
        if self.ssml_chars >= MAX_SSML_CHARS:
            problems.append(f"SSML is {self.ssml_chars} characters (limit {MAX_SSML_CHARS})")
        if self.audio_and_silence_s > MAX_AUDIO_AND_SILENCE_S:
            problems.append(
                f"audio and silence last {self.audio_and_silence_s:.0f} s "
                f"(limit {MAX_AUDIO_AND_SILENCE_S})"
            )
        if self.audio_clips > MAX_AUDIO_CLIPS:
            problems.append(f"{self.audio_clips} audio clips (limit {MAX_AUDIO_CLIPS})")
        return problems


def budget(segments: Iterable[Segment]) -> SpeechBudget:
    """Measure a reply's speech against the limits without rendering it twice."""
    segs = tuple(segments)
    silence = 0.0
    clips = 0
    for seg in segs:
        match seg:
            case Pause(ms):
                silence += min(ms, MAX_BREAK_MS) / 1000
            case Silence(seconds):
                silence += seconds
            case Sound(name):
                silence += SOUND_SECONDS.get(name, 3)
                clips += 1
            case _:
                pass
    return SpeechBudget(len(to_ssml(segs)), silence, clips)


#: Breaks at least this long (summed when chained) are a timed silence, not a breath.
SHOWN_SILENCE_S = 5
#: Speaking pace used to estimate how long words take to say: unhurried, so estimates of when
#: a response has finished playing never run ahead of the speaker.
SPOKEN_WORDS_PER_S = 2.5
_TAG = re.compile(r"<[^>]+>|[^<]+")
_BREAK = re.compile(r'<break\s+time="(\d+)(ms|s)"\s*/>')
_AUDIO = re.compile(r'<audio\s+src="([^"]+)"\s*/>')
_PERSON = re.compile(r"<alexa:name\b[^>]*personId=(\"[^\"]*\"|'[^']*')[^>]*/>")


def parse_ssml(ssml: str) -> tuple[Segment, ...]:
    """Read rendered SSML back into segments: the one parser for every text or audio view.

    Chained breaks are summed; a run of at least ``SHOWN_SILENCE_S`` is a ``Silence`` and a
    shorter one a ``Pause``. Sounds come back by name, recognized speakers as ``PersonName``.
    """
    names = {url: name for name, url in SOUNDS.items()}
    segments: list[Segment] = []
    pending_ms = 0

    def settle() -> None:
        nonlocal pending_ms
        if pending_ms >= SHOWN_SILENCE_S * 1000:
            segments.append(Silence(round(pending_ms / 1000)))
        elif pending_ms:
            segments.append(Pause(pending_ms))
        pending_ms = 0

    for token in _TAG.findall(ssml):
        brk = _BREAK.fullmatch(token)
        if brk:
            amount = int(brk.group(1))
            pending_ms += amount if brk.group(2) == "ms" else amount * 1000
            continue
        if token.startswith("<"):
            audio = _AUDIO.fullmatch(token)
            person = _PERSON.fullmatch(token)
            if audio:
                settle()
                segments.append(Sound(names.get(unescape(audio.group(1)), "sound")))
            elif person:
                settle()
                segments.append(PersonName(unescape(person.group(1)[1:-1])))
            continue
        if token.strip():
            settle()
            segments.append(Say(unescape(token.strip())))
    settle()
    return tuple(segments)


def ssml_to_text(ssml: str) -> str:
    """Readable text from rendered SSML (what the chat prints and the simulator shows)."""
    return to_text(parse_ssml(ssml))


def playing_seconds(segments: Iterable[Segment]) -> float:
    """About how long a response plays: silences, sounds, and its words at an easy pace."""
    segs = tuple(segments)
    words = sum(len(seg.text.split()) for seg in segs if isinstance(seg, Say))
    return budget(segs).audio_and_silence_s + words / SPOKEN_WORDS_PER_S
