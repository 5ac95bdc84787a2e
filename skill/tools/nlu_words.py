"""The words of one language that the local resolver reads a line with, as data.

A line is understood by what it asks for, not by the words around it: "um", "could you",
"please" and "tonight" at its ends, "the" and "we" inside it, a negation that flips it, a
plural that changes nothing. Those words are a language's, so they live beside the model in
``interaction_models/builtins/<locale>.json`` (``"words"``) and German or Spanish bring their
own instead of a code change. English's lists are the ones the resolver was tuned with.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


def _phrases(values: list[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(v.casefold().split()) for v in values)


def _words(values: list[str]) -> frozenset[str]:
    return frozenset(v.casefold() for v in values)


@dataclass(frozen=True)
class LanguageWords:
    """How one language wraps a request in words that decide nothing."""

    #: Runs of words peeled off a line's start ("could you", "okay so", "kannst du").
    leading_fillers: tuple[tuple[str, ...], ...]
    #: Runs of words peeled off its end ("please", "for us", "bitte").
    trailing_fillers: tuple[tuple[str, ...], ...]
    #: Words that never decide which request a line is, wherever they are.
    filler_words: frozenset[str]
    #: A line opening with one of these describes something ("that's a big one") rather
    #: than asking for it; near a sample, it is only read as one that opens the same way.
    describing: frozenset[str]
    #: Words that make a line ask for the opposite of a sample without one.
    negations: frozenset[str]
    #: Negations that bind the next word ("don't forget", "nicht vergessen").
    binding_negations: frozenset[str]
    #: Words that say how a sentence is built, not what it asks for.
    function_words: frozenset[str]
    #: Spellings and contractions typed for the same spoken word.
    spellings: Mapping[str, str]
    #: Whole numbers below a hundred as they are said ("forty two", "zweiundvierzig").
    numbers: Mapping[tuple[str, ...], int]
    #: Each number as it is said, for typed digits ("5" is "five").
    said: Mapping[int, str]
    #: Plural endings folded away before words are compared ("favourites", "Fragen").
    plural_endings: tuple[str, ...]
    #: Word endings that look plural but are not ("ss", "us").
    plural_keeps: tuple[str, ...]
    #: Words shorter than this are never folded.
    plural_min_length: int

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> LanguageWords:
        numbers: dict[tuple[str, ...], int] = {}
        said: dict[int, str] = {}
        for spoken, value in data["numbers"].items():
            numbers[tuple(spoken.casefold().split())] = int(value)
            said.setdefault(int(value), spoken.casefold())
        plurals = data.get("plurals", {})
        return cls(
            leading_fillers=_phrases(data["leading_fillers"]),
            trailing_fillers=_phrases(data["trailing_fillers"]),
            filler_words=_words(data["filler_words"]),
            describing=_words(data["describing"]),
            negations=_words(data["negations"]),
            binding_negations=_words(data["binding_negations"]),
            function_words=_words(data["function_words"]),
            spellings={k.casefold(): v.casefold() for k, v in data.get("spellings", {}).items()},
            numbers=numbers,
            said=said,
            # Longest first, so "en" is folded before "n".
            plural_endings=tuple(sorted(plurals.get("endings", ()), key=len, reverse=True)),
            plural_keeps=tuple(plurals.get("keep", ())),
            plural_min_length=int(plurals.get("min_length", 4)),
        )

    def number(self, words: list[str]) -> int | None:
        """A whole number below a hundred said as words, else None."""
        return self.numbers.get(tuple(words))

    def say_number(self, value: int) -> str:
        """How ``value`` is said; digits stay digits when the language lists no word."""
        return self.said.get(value, str(value))

    def spoken(self, normalised: str) -> list[str]:
        """What a speaker says for a normalised typed line: "5" is "five", "9pm" is "nine
        pm", a typed spelling is its spoken word ("favorite" is "favourite")."""
        line = re.sub(r"(\d)([ap]m)\b", r"\1 \2", normalised)
        words: list[str] = []
        for word in line.split():
            if word.isdigit() and int(word) < 100:
                word = self.say_number(int(word))
            words.extend(self.spellings.get(word, word).split())
        return words

    def stem(self, word: str) -> str:
        """A plural folded to its stem ("favourites", "reminders"); not "this" or "does"."""
        if len(word) < self.plural_min_length or word in self.function_words:
            return word
        if any(word.endswith(keep) for keep in self.plural_keeps):
            return word
        for ending in self.plural_endings:
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                return word[: -len(ending)]
        return word
