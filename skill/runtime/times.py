"""Clock times: what Alexa's ``AMAZON.TIME`` slot sends, and spoken English for the local NLU.

Alexa fills ``AMAZON.TIME`` with ``HH:MM`` (24-hour: "nine" and "nine a.m." both arrive as
``09:00``, "nine p.m." as ``21:00``), or with ``MO``/``AF``/``EV``/``NI`` for a vague part of
the day. ``spoken_to_slot`` does the same for typed words so the local chat sends what a
device would; anything it can't read is passed through unchanged, as Alexa passes odd values,
and the flow re-asks.
"""

from __future__ import annotations

import re

_UNITS = {
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
_PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI",
                 "tonight": "NI"}  # fmt: skip
_ENDINGS = (
    (["in", "the", "morning"], "am"),
    (["in", "the", "afternoon"], "pm"),
    (["in", "the", "evening"], "pm"),
    (["at", "night"], "pm"),
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


def _number(words: list[str]) -> int | None:
    """A number from zero to fifty-nine written as words or digits, else None."""
    if len(words) == 1 and words[0].isdigit():
        return int(words[0])
    if len(words) == 1:
        word = words[0]
        if word in _UNITS:
            return _UNITS[word]
        if word in _TENS:
            return _TENS[word]
        if "-" in word:
            return _number(word.split("-"))
        return None
    if len(words) == 2 and words[0] in _TENS and words[1] in _UNITS and 0 < _UNITS[words[1]] < 10:
        return _TENS[words[0]] + _UNITS[words[1]]
    if len(words) == 2 and words[0] == "oh" and words[1] in _UNITS:
        return _UNITS[words[1]]
    return None


def _split_number(words: list[str]) -> tuple[int, list[str]] | None:
    """The longest number at the start of ``words`` and what follows it."""
    for size in (2, 1):
        if len(words) >= size:
            value = _number(words[:size])
            if value is not None:
                return value, words[size:]
    return None


def spoken_to_slot(spoken: str) -> str:
    """What Alexa would put in an ``AMAZON.TIME`` slot for these words (best effort)."""
    text = spoken.lower().replace(":", " ").replace(".", " ")
    text = re.sub(r"\b([ap])\s*m\b", r"\1m", text)
    words = text.split()
    for ending, meridiem_word in _ENDINGS:
        if len(words) > len(ending) and words[-len(ending) :] == ending:
            words = [*words[: -len(ending)], meridiem_word]
            break
    words = [w for w in words if w not in ("at", "around", "about", "by")]
    meridiem = ""
    if words and words[-1] in ("am", "pm"):
        meridiem = words.pop()
    if words and words[-1] in ("o'clock", "oclock"):
        words.pop()
        whole = _number(words) if 1 <= len(words) <= 2 else None
        words = [str(whole)] if whole is not None else ["?"]
    if len(words) == 1 and words[0] in ("noon", "midday"):
        return "12:00"
    if len(words) == 1 and words[0] == "midnight":
        return "00:00"
    if len(words) == 1 and words[0] in _PARTS_OF_DAY and not meridiem:
        return _PARTS_OF_DAY[words[0]]
    hour_minute = _clock(words)
    if hour_minute is None:
        return spoken
    hour, minute = hour_minute
    if hour > 23 or minute > 59 or (meridiem and not 1 <= hour <= 12):
        return spoken
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    return f"{hour:02d}:{minute:02d}"


def _clock(words: list[str]) -> tuple[int, int] | None:
    """Hour and minute from "nine", "nine thirty", "half past nine", "quarter to ten"."""
    if not words:
        return None
    relative = {"half": 30, "quarter": 15}
    if len(words) >= 3 and words[1] in ("past", "after", "to", "before"):
        minutes = relative.get(words[0])
        if minutes is None:
            found = _split_number(words[:1])
            minutes = found[0] if found else None
        hour_part = _split_number(words[2:])
        if minutes is None or hour_part is None or hour_part[1]:
            return None
        hour = hour_part[0]
        if words[1] in ("to", "before"):
            return ((hour - 1) % 24 if hour else 23), 60 - minutes
        return hour, minutes
    compound = _number(words) if len(words) == 2 else None
    if compound is not None:
        return compound, 0
    first = _split_number(words[:1])
    if first is None:
        whole = _number(words) if len(words) <= 2 else None
        return (whole, 0) if whole is not None else None
    hour, rest = first[0], words[1:]
    if not rest:
        return hour, 0
    minute = _number(rest)
    return (hour, minute) if minute is not None else None
