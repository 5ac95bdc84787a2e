"""A strict matcher: a phrase is understood only if it *is* one of the model's samples.

This is how ``virtual-alexa`` (the npm tool still maintained for this) matches utterances,
and it is the floor under what Alexa's own model will understand: Alexa learns from the
samples and generalises a little beyond them, but it never understands less than the samples
themselves. So the evaluation set is measured twice — through the local resolver, which
generalises, and through this matcher, which does not — and a phrasing that only the local
resolver understands is a sample the model is missing.

The rules, kept deliberately narrow:

- case and punctuation are normalised, and so is what never reaches Alexa's model: the wake
  word "alexa" said before or after the request, and hesitation sounds ("um", "erm") that
  speech recognition drops;
- every other word must equal a sample's word, in order;
- a ``{slot}`` of a custom type matches one of its values or synonyms exactly (its id is the
  slot's value); ``AMAZON.FirstName`` matches any one or two words; ``AMAZON.TIME`` matches
  a simple clock time ("nine", "nine pm", "nine thirty", "ten o'clock"; in another language,
  a clock time of at most four words its own clock words read, "um halb neun"); ``AMAZON.NUMBER``
  one number word up to ten ("four" is "4", "vier" is "4");
- when several samples match, the one with the most literal words wins (a slot is the
  weakest evidence), then the first in the model.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skill.runtime.times import spoken_to_slot
from skill.tools.nlu import language_words, time_words

FALLBACK = "AMAZON.FallbackIntent"
WAKE_WORD = "alexa"
#: Hesitation sounds speech recognition drops, by language.
HESITATIONS = {
    "en": frozenset({"um", "umm", "erm"}),
    "de": frozenset({"äh", "ähm", "öhm", "hm"}),
    "es": frozenset({"eh", "em", "ehm", "mmm"}),
}
_HOURS = (
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve",
)  # fmt: skip
_MINUTE_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_MINUTE_TEENS = (
    "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen",
)  # fmt: skip
_MINUTE_TENS = ("twenty", "thirty", "forty", "fifty")
_MERIDIEMS = (("am",), ("pm",), ("a", "m"), ("p", "m"))


def normalise(text: str, language: str = "en") -> list[str]:
    """The words Alexa's model would see: lower case, no punctuation, no wake word or ums.
    Letters of every script are kept (for English text, exactly the old ASCII rule)."""
    text = text.casefold().replace("\u2019", "'").replace("\u2018", "'")
    words = re.sub(r"(?:[^\w' ]|_)+", " ", text).split()
    words = [w for w in words if w not in HESITATIONS.get(language, frozenset())]
    if words and words[0] == WAKE_WORD:
        words = words[1:]
    if words and words[-1] == WAKE_WORD:
        words = words[:-1]
    return words


def _minute_words() -> set[tuple[str, ...]]:
    minutes: set[tuple[str, ...]] = {(t,) for t in _MINUTE_TEENS + _MINUTE_TENS}
    minutes |= {("oh", u) for u in _MINUTE_UNITS}
    minutes |= {(t, u) for t in _MINUTE_TENS for u in _MINUTE_UNITS}
    minutes.add(("o'clock",))
    return minutes


_MINUTES = _minute_words()


def simple_time(words: tuple[str, ...]) -> str | None:
    """``HH:MM`` for a simple spoken clock time ("nine", "nine thirty pm"), else None."""
    if not words or words[0] not in _HOURS:
        return None
    rest = words[1:]
    for meridiem in _MERIDIEMS:
        if rest[-len(meridiem) :] == meridiem:
            rest = rest[: -len(meridiem)]
            break
    if rest and rest not in _MINUTES:
        return None
    value = spoken_to_slot(" ".join(words), time_words())
    return value if re.fullmatch(r"\d\d:\d\d", value) else None


@dataclass(frozen=True)
class Match:
    """The intent a phrase matched and its slots (value ids; spoken words for a first name)."""

    intent: str
    slots: dict[str, str]


@dataclass(frozen=True)
class _Sample:
    intent: str
    parts: tuple[str | tuple[str, str], ...]  # a literal word, or (slot name, slot type)
    literals: int


class ExactMatcher:
    """Match phrases against one interaction model's samples, word for word."""

    def __init__(
        self,
        model: dict[str, Any],
        extra: dict[str, list[str]] | None = None,
        locale: str = "en-US",
    ) -> None:
        language = model["interactionModel"]["languageModel"]
        self.locale = locale
        self.language = locale.split("-")[0]
        self._clock = time_words(locale)
        #: One number word up to ten, in this language ("four" is "4").
        self._numbers = {
            words[0]: value
            for words, value in language_words(locale).numbers.items()
            if len(words) == 1 and value <= 10
        }
        self._values: dict[str, dict[tuple[str, ...], str]] = {}
        for slot_type in language.get("types", []):
            table: dict[tuple[str, ...], str] = {}
            for value in slot_type["values"]:
                for said in [value["name"]["value"], *value["name"].get("synonyms", [])]:
                    table[tuple(self._words(said))] = value.get("id") or value["name"]["value"]
            self._values[slot_type["name"]] = table
        self._samples: list[_Sample] = []
        for intent in language["intents"]:
            types = {s["name"]: s["type"] for s in intent.get("slots", [])}
            samples = [*intent.get("samples", []), *(extra or {}).get(intent["name"], [])]
            for sample in samples:
                parts: list[str | tuple[str, str]] = []
                for piece in re.split(r"(\{\w+\})", sample):
                    if re.fullmatch(r"\{\w+\}", piece):
                        parts.append((piece[1:-1], types[piece[1:-1]]))
                    else:
                        parts.extend(self._words(piece))
                literals = sum(1 for p in parts if isinstance(p, str))
                self._samples.append(_Sample(intent["name"], tuple(parts), literals))

    @classmethod
    def from_file(cls, path: Path) -> ExactMatcher:
        """The model at ``path`` plus the built-in phrases Amazon already understands."""
        model = json.loads(path.read_text(encoding="utf-8"))
        builtins = path.parent / "builtins" / path.name
        extra = (
            json.loads(builtins.read_text(encoding="utf-8"))["intents"]
            if builtins.is_file()
            else {}
        )
        return cls(model, extra, path.stem)

    def _words(self, text: str) -> list[str]:
        return normalise(text, self.language)

    def match(self, text: str) -> Match:
        """The sample this phrase is, or the fallback."""
        words = tuple(self._words(text))
        best: tuple[int, Match] | None = None
        for sample in self._samples:
            slots = self._fit(sample.parts, words, {})
            if slots is not None and (best is None or sample.literals > best[0]):
                best = (sample.literals, Match(sample.intent, slots))
        return best[1] if best else Match(FALLBACK, {})

    def _fit(
        self,
        parts: tuple[str | tuple[str, str], ...],
        words: tuple[str, ...],
        slots: dict[str, str],
    ) -> dict[str, str] | None:
        if not parts:
            return slots if not words else None
        head, rest = parts[0], parts[1:]
        if isinstance(head, str):
            return self._fit(rest, words[1:], slots) if words[:1] == (head,) else None
        name, slot_type = head
        for size in range(1, len(words) + 1):
            value = self._slot(slot_type, words[:size])
            if value is not None:
                found = self._fit(rest, words[size:], {**slots, name: value})
                if found is not None:
                    return found
        return None

    def _slot(self, slot_type: str, words: tuple[str, ...]) -> str | None:
        if slot_type == "AMAZON.FirstName":
            return " ".join(words) if len(words) <= 2 else None
        if slot_type == "AMAZON.TIME":
            if self.language == "en":
                return simple_time(words)
            if not 0 < len(words) <= 4:
                return None
            value = spoken_to_slot(" ".join(words), self._clock)
            return value if re.fullmatch(r"\d\d:\d\d", value) else None
        if slot_type == "AMAZON.NUMBER":
            found = self._numbers.get(words[0]) if len(words) == 1 else None
            return None if found is None else str(found)
        return self._values.get(slot_type, {}).get(words)
