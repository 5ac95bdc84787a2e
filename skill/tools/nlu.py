"""A local stand-in for Alexa's language understanding, built from the interaction model.

The chat and the simulator page type what a person would say; this resolver turns it into
the intent and slots Alexa would send, using the very same sample utterances, slot values
and synonyms as ``interaction_models/<locale>.json``. So trying the skill locally also tries
the model, and an utterance that works here is one the model really lists.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skill.runtime.times import spoken_to_slot

FALLBACK = "AMAZON.FallbackIntent"
#: A typed line this close to a sample utterance (0..1) counts as that sample.
FUZZY_THRESHOLD = 0.82

#: How people open a custom skill by voice; ``{name}`` is the invocation name.
LAUNCH_VERBS = ("open", "start", "launch", "begin", "load", "talk to", "use", "resume", "run")
ONE_SHOT_VERBS = ("ask", "tell")


@dataclass(frozen=True)
class SlotValue:
    """What was heard for a slot, and the value id it resolved to (None: no match)."""

    spoken: str
    value_id: str | None
    value_name: str | None = None


@dataclass(frozen=True)
class Resolution:
    """The outcome for one typed line."""

    kind: str  # "launch", "intent" or "empty"
    intent: str = ""
    slots: dict[str, SlotValue] = field(default_factory=dict)
    one_shot: bool = False
    literal: str = field(default="", compare=False)


@dataclass(frozen=True)
class _Sample:
    intent: str
    pattern: re.Pattern[str]
    literal: str
    slot_types: dict[str, str]


def normalise(text: str) -> str:
    """Lower case, straight apostrophes, no punctuation, single spaces, no wake word."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"^(alexa|echo|computer) ", "", text)


class Resolver:
    """Resolve typed utterances against one locale's interaction model."""

    def __init__(self, model: dict[str, Any]) -> None:
        language = model["interactionModel"]["languageModel"]
        self.invocation = normalise(language["invocationName"])
        self._types: dict[str, dict[str, tuple[str, str]]] = {}
        for slot_type in language.get("types", []):
            table: dict[str, tuple[str, str]] = {}
            for value in slot_type["values"]:
                name = value["name"]["value"]
                value_id = value.get("id") or name
                for word in [name, *value["name"].get("synonyms", [])]:
                    table[normalise(word)] = (value_id, name)
            self._types[slot_type["name"]] = table
        self._samples: list[_Sample] = []
        for intent in language["intents"]:
            slot_types = {s["name"]: s["type"] for s in intent.get("slots", [])}
            for sample in intent.get("samples", []):
                self._samples.append(self._compile(intent["name"], sample, slot_types))
        self.intents = frozenset(i["name"] for i in language["intents"])

    @classmethod
    def from_file(cls, path: Path) -> Resolver:
        """The model at ``path``, plus Amazon's own built-in phrases from ``builtins/``."""
        model = json.loads(path.read_text(encoding="utf-8"))
        builtins_path = path.parent / "builtins" / path.name
        if builtins_path.is_file():
            extra = json.loads(builtins_path.read_text(encoding="utf-8")).get("intents", {})
            for intent in model["interactionModel"]["languageModel"]["intents"]:
                intent["samples"] = [*intent.get("samples", []), *extra.get(intent["name"], [])]
        return cls(model)

    @staticmethod
    def _compile(intent: str, sample: str, slot_types: dict[str, str]) -> _Sample:
        parts = re.split(r"(\{\w+\})", normalise_sample(sample))
        regex = ""
        literal = ""
        for part in parts:
            if part.startswith("{") and part.endswith("}"):
                regex += f"(?P<{part[1:-1]}>.+?)"
            else:
                regex += re.escape(part)
                literal += part
        return _Sample(intent, re.compile(f"^{regex}$"), literal.strip(), slot_types)

    def resolve(self, text: str) -> Resolution:
        """Launch phrases, one-shots ("ask heart to heart for ..."), or an in-session intent."""
        said = normalise(text)
        if not said:
            return Resolution("empty")
        name = re.escape(self.invocation)
        launch = "|".join(re.escape(v) for v in LAUNCH_VERBS)
        if re.fullmatch(f"(?:{launch}) {name}", said) or said == self.invocation:
            return Resolution("launch")
        asks = "|".join(ONE_SHOT_VERBS + LAUNCH_VERBS)
        one_shot = re.fullmatch(
            f"(?:{asks}) {name}(?: (?:and|to|for|about|if|whether))? (.+)", said
        )
        if one_shot:
            inner = self.intent_for(one_shot.group(1))
            return Resolution("intent", inner.intent, inner.slots, one_shot=True)
        return self.intent_for(said)

    def intent_for(self, said: str) -> Resolution:
        """The best sample match: exact first (most literal words wins), then near misses."""
        said = normalise(said)
        best: tuple[tuple[int, int, int], Resolution] | None = None
        for sample in self._samples:
            match = sample.pattern.match(said)
            if not match:
                continue
            slots = {
                slot: self._slot_value(sample.slot_types.get(slot, ""), spoken)
                for slot, spoken in match.groupdict().items()
            }
            resolved = sum(1 for v in slots.values() if v.value_id is not None)
            unresolved = len(slots) - resolved
            if unresolved and not sample.literal:
                # A slot-only sample ("{game}") says nothing unless its value is known.
                continue
            # A value listed in one of the model's own slot types ("would you rather") is
            # stronger evidence than a catch-all like a first name.
            listed = sum(
                1
                for slot, value in slots.items()
                if value.value_id is not None and sample.slot_types.get(slot, "") in self._types
            )
            rank = (-unresolved, listed, len(sample.literal))
            candidate = Resolution("intent", sample.intent, slots, literal=sample.literal)
            if best is None or rank > best[0]:
                best = (rank, candidate)
        if best is not None and best[0][0] == 0:
            return best[1]
        near = self._fuzzy(said)
        if near is not None:
            return near
        # A sample matched but a slot value is unknown: the flow re-asks for it, as long as
        # the sample's own words carry the sentence ("a question about spaceships"); a lone
        # carrier word around an unknown value ("the purple elephant sings") is just noise.
        if best is not None and len(best[1].literal.split()) >= 2:
            return best[1]
        return Resolution("intent", FALLBACK, {})

    def _fuzzy(self, said: str) -> Resolution | None:
        scored = [
            (difflib.SequenceMatcher(None, said, s.literal).ratio(), s)
            for s in self._samples
            if not s.slot_types and s.literal
        ]
        if scored:
            score, sample = max(scored, key=lambda pair: pair[0])
            if score >= FUZZY_THRESHOLD:
                return Resolution("intent", sample.intent, {})
        return None

    def _slot_value(self, slot_type: str, spoken: str) -> SlotValue:
        if slot_type == "AMAZON.TIME":
            # Alexa sends a clock time ("21:00"), not the words; odd words pass through as
            # they are and count as unresolved, so the flow can re-ask.
            value = spoken_to_slot(spoken)
            return SlotValue(value, None if value == spoken else value, value)
        table = self._types.get(slot_type)
        if table is None:
            return SlotValue(spoken, spoken, spoken)
        found = table.get(normalise(spoken))
        return SlotValue(spoken, found[0], found[1]) if found else SlotValue(spoken, None)


def normalise_sample(sample: str) -> str:
    """Like ``normalise`` but keeps ``{slot}`` markers."""
    return " ".join(
        part if re.fullmatch(r"\{\w+\}", part) else normalise(part)
        for part in re.split(r"(\{\w+\})", sample)
        if part.strip()
    )
