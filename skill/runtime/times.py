"""Clock times: what Alexa's ``AMAZON.TIME`` slot sends, and spoken times for the local NLU.

Alexa fills ``AMAZON.TIME`` with ``HH:MM`` (24-hour: "nine" and "nine a.m." both arrive as
``09:00``, "nine p.m." as ``21:00``), or with ``MO``/``AF``/``EV``/``NI`` for a vague part of
the day. ``spoken_to_slot`` does the same for typed words so the local chat sends what a
device would; anything it can't read is passed through unchanged, as Alexa passes odd values,
and the flow re-asks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import msgspec

#: Words that say which half of the day a 12-hour time is in, as the slot logic reads them.
AM, PM = "am", "pm"
#: Marks an ending's half of the day among the words (no typed word holds it).
_MARK = "\x00"


class TimeWords(msgspec.Struct, frozen=True):
    """How one language says a clock time, as data (``interaction_models/builtins/<locale>.json``
    ``"time"``): the same reading rules then serve English "half past eight", German "halb
    neun" or "Viertel nach neun" and Spanish "las nueve y media".

    Every word is case-folded when loaded, as typed lines are before they are read."""

    #: Numbers said as one word, up to 59 ("nine": 9, "einundzwanzig": 21).
    numbers: Mapping[str, int]
    #: Tens that take a unit after them ("forty" + "two").
    tens: Mapping[str, int] = msgspec.field(default_factory=dict)
    #: Words before a unit meaning a zero ("oh five" is 05).
    zero: frozenset[str] = frozenset()
    #: A vague part of the day, as Alexa sends it ("tonight": "NI").
    parts_of_day: Mapping[str, str] = msgspec.field(default_factory=dict)
    #: Word runs at the end naming the half of the day ("in the evening": pm).
    endings: tuple[tuple[tuple[str, ...], str], ...] = ()
    #: Words that mark a 12-hour time's half of the day ("pm").
    meridiem: Mapping[str, str] = msgspec.field(default_factory=dict)
    #: Words around a time that change nothing ("at", "around", "um", "a las").
    fillers: frozenset[str] = frozenset()
    #: A whole hour's word after the number ("o'clock", "uhr").
    oclock: frozenset[str] = frozenset()
    #: Whether that word may also stand between hour and minute ("neun Uhr dreißig").
    oclock_between: bool = False
    noon: frozenset[str] = frozenset()
    midnight: frozenset[str] = frozenset()
    #: Fractions of an hour said as words ("half": 30, "quarter": 15, "viertel": 15).
    fractions: Mapping[str, int] = msgspec.field(default_factory=dict)
    #: "<minutes> past <hour>" and "<minutes> to <hour>" ("half past nine", "Viertel vor neun").
    past: frozenset[str] = frozenset()
    to: frozenset[str] = frozenset()
    #: "<word> <hour>": that many minutes before the hour ("halb neun" is 8:30).
    before_hour: Mapping[str, int] = msgspec.field(default_factory=dict)
    #: "<word> <hour>": that many minutes past the hour (British "half eight" is 8:30).
    past_hour: Mapping[str, int] = msgspec.field(default_factory=dict)
    #: "<hour> <word> <minutes>" ("nueve y media" is 9:30, "nueve menos cuarto" 8:45).
    then_past: frozenset[str] = frozenset()
    then_to: frozenset[str] = frozenset()

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> TimeWords:
        """Words from a ``"time"`` entry; an entry a language doesn't use may be left out."""

        def words(key: str) -> frozenset[str]:
            return frozenset(w.casefold() for w in data.get(key, ()))

        def table(key: str) -> dict[str, Any]:
            return {w.casefold(): v for w, v in data.get(key, {}).items()}

        return cls(
            numbers=table("numbers"),
            tens=table("tens"),
            zero=words("zero"),
            parts_of_day=table("parts_of_day"),
            endings=tuple(
                (tuple(w.casefold() for w in run.split()), half)
                for run, half in data.get("endings", {}).items()
            ),
            meridiem=table("meridiem"),
            fillers=words("fillers"),
            oclock=words("oclock"),
            oclock_between=bool(data.get("oclock_between", False)),
            noon=words("noon"),
            midnight=words("midnight"),
            fractions=table("fractions"),
            past=words("past"),
            to=words("to"),
            before_hour=table("before_hour"),
            past_hour=table("past_hour"),
            then_past=words("then_past"),
            then_to=words("then_to"),
        )


_SLOT = re.compile(r"^(\d{1,2}):(\d{2})$")


def parse_slot(value: str) -> tuple[int, int] | None:
    """``(hour, minute)`` for an ``HH:MM`` slot value, or None when it isn't a real time."""
    match = _SLOT.match(value.strip())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return hour, minute


def _number(words: list[str], said: TimeWords) -> int | None:
    """A number from zero to fifty-nine written as words or digits, else None."""
    if len(words) == 1 and words[0].isdigit():
        return int(words[0])
    if len(words) == 1:
        word = words[0]
        if word in said.numbers:
            return said.numbers[word]
        if word in said.tens:
            return said.tens[word]
        if "-" in word:
            return _number(word.split("-"), said)
        return None
    if len(words) == 2 and words[0] in said.tens and 0 < said.numbers.get(words[1], 0) < 10:
        return said.tens[words[0]] + said.numbers[words[1]]
    if len(words) == 2 and words[0] in said.zero and words[1] in said.numbers:
        return said.numbers[words[1]]
    return None


def _split_number(words: list[str], said: TimeWords) -> tuple[int, list[str]] | None:
    """The longest number at the start of ``words`` and what follows it."""
    for size in (2, 1):
        if len(words) >= size:
            value = _number(words[:size], said)
            if value is not None:
                return value, words[size:]
    return None


def spoken_to_slot(spoken: str, said: TimeWords) -> str:
    """What Alexa would put in an ``AMAZON.TIME`` slot for these words (best effort), read
    with one language's time words."""
    text = spoken.casefold().replace(":", " ").replace(".", " ")
    text = re.sub(r"\b([ap])\s*m\b", r"\1m", text)
    words = text.split()
    for ending, half in said.endings:
        if len(words) > len(ending) and tuple(words[-len(ending) :]) == ending:
            words = [*words[: -len(ending)], _MARK + half]  # read as a said "pm" would be
            break
    words = [w for w in words if w not in said.fillers]
    meridiem = ""
    if words and words[-1].startswith(_MARK):
        meridiem = words.pop().removeprefix(_MARK)
    elif words and words[-1] in said.meridiem:
        meridiem = said.meridiem[words.pop()]
    if said.oclock_between and len(words) > 2 and words[1] in said.oclock:
        words = [words[0], *words[2:]]
    if words and words[-1] in said.oclock:
        words.pop()
        whole = _number(words, said) if 1 <= len(words) <= 2 else None
        words = [str(whole)] if whole is not None else ["?"]
    if len(words) == 1 and words[0] in said.noon:
        return "12:00"
    if len(words) == 1 and words[0] in said.midnight:
        return "00:00"
    if len(words) == 1 and words[0] in said.parts_of_day and not meridiem:
        return said.parts_of_day[words[0]]
    hour_minute = _clock(words, said)
    if hour_minute is None:
        return spoken
    hour, minute = hour_minute
    if hour > 23 or minute > 59 or (meridiem and not 1 <= hour <= 12):
        return spoken
    if meridiem == PM and hour < 12:
        hour += 12
    elif meridiem == AM and hour == 12:
        hour = 0
    return f"{hour:02d}:{minute:02d}"


def _before(hour: int, minutes: int) -> tuple[int, int]:
    """``minutes`` before ``hour`` o'clock."""
    return ((hour - 1) % 24 if hour else 23), 60 - minutes


def _minutes(words: list[str], said: TimeWords) -> int | None:
    """A fraction of an hour ("half", "cuarto") or a number of minutes."""
    if len(words) == 1 and words[0] in said.fractions:
        return said.fractions[words[0]]
    found = _split_number(words, said)
    return found[0] if found and not found[1] else None


def _clock(words: list[str], said: TimeWords) -> tuple[int, int] | None:
    """Hour and minute from "nine", "nine thirty", "half past nine", "quarter to ten",
    "halb neun", "nueve y media", as the language's words allow."""
    if not words:
        return None
    if len(words) >= 3 and words[1] in said.past | said.to:
        minutes = said.fractions.get(words[0])
        if minutes is None:
            found = _split_number(words[:1], said)
            minutes = found[0] if found else None
        hour_part = _split_number(words[2:], said)
        if minutes is None or hour_part is None or hour_part[1]:
            return None
        hour = hour_part[0]
        if words[1] in said.to:
            return _before(hour, minutes)
        return hour, minutes
    if len(words) >= 2 and words[0] in said.before_hour:
        hour_part = _split_number(words[1:], said)
        if hour_part is None or hour_part[1]:
            return None
        return _before(hour_part[0], said.before_hour[words[0]])
    if len(words) >= 2 and words[0] in said.past_hour:
        hour_part = _split_number(words[1:], said)
        if hour_part is None or hour_part[1]:
            return None
        return hour_part[0], said.past_hour[words[0]]
    joined = next((i for i, w in enumerate(words) if w in said.then_past | said.then_to), None)
    if joined:
        hour_part = _split_number(words[:joined], said)
        minutes = _minutes(words[joined + 1 :], said)
        if hour_part is None or hour_part[1] or minutes is None:
            return None
        if words[joined] in said.then_to:
            return _before(hour_part[0], minutes)
        return hour_part[0], minutes
    compound = _number(words, said) if len(words) == 2 else None
    if compound is not None:
        return compound, 0
    first = _split_number(words[:1], said)
    if first is None:
        whole = _number(words, said) if len(words) <= 2 else None
        return (whole, 0) if whole is not None else None
    hour, rest = first[0], words[1:]
    if not rest:
        return hour, 0
    minute = _number(rest, said)
    return (hour, minute) if minute is not None else None
