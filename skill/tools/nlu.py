"""A local stand-in for Alexa's language understanding, built from the interaction model.

The chat and the simulator page type what a person would say; this resolver turns it into
the intent and slots Alexa would send, using the very same sample utterances, slot values
and synonyms as ``interaction_models/<locale>.json``. Nothing here is a list of phrasings of
its own: every intent it can answer is learned from the model's samples.

Alexa generalises beyond its samples, and two people on a sofa don't speak in samples ("um,
okay so can we have another one?"), so neither does this resolver. In order:

1. **Exactly a sample**, slots filled from the model's values: the sample with the most
   literal words wins, and a listed slot value beats a catch-all first name.
2. **A sample once fillers are peeled off** the ends ("um", "okay so", "can you", "please",
   "alexa", "by the way"): the same match on what is left.
3. **A sample's words around a value the model doesn't list** ("a question about
   spaceships", "alex goes first"): that intent with the slot unresolved, so the flow can
   re-ask.
4. **Closest by weighted word overlap.** Words are weighed by how rare they are among the
   samples, so "reminder" counts for more than "us"; a word the model has never seen counts
   as much as the rarest, because it is evidence the line is about something else (the
   couple talking about Lisbon is not a command). Slot values found in the line stand in for
   the sample's slot. A line that negates ("don't cancel the reminder") never matches a
   sample that doesn't, or one that negates another word; sharing only words like "what"
   and "is" is no match; a typo-level spelling match also counts.
5. **Only a listed value** of two or more words ("would you rather"): the one intent whose
   samples take that slot, as Alexa hears it while the skill asks for that slot.

Anything else is the fallback. ``tests/unit/test_understanding.py`` measures all this on a
set of phrasings that are mostly not samples, next to a matcher that only knows the samples.
"""

from __future__ import annotations

import difflib
import functools
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skill.runtime.catalog import language_default
from skill.runtime.copying import replace
from skill.runtime.times import TimeWords, spoken_to_slot
from skill.tools.nlu_words import LanguageWords

FALLBACK = "AMAZON.FallbackIntent"
NAME_TYPE = "AMAZON.FirstName"
#: Alexa sends a number slot as digits ("four" arrives as "4").
NUMBER_TYPE = "AMAZON.NUMBER"
#: A typed line this close to a sample utterance, letter by letter (0..1), is that sample.
FUZZY_THRESHOLD = 0.82
#: A line whose weighted word overlap with a sample (an F1 score, 0..1) reaches this is it.
OVERLAP_THRESHOLD = 0.7

MODELS_DIR = Path(__file__).resolve().parents[2] / "interaction_models"

#: At most this many function words may follow a whole sample ("pass on this one then").
TAIL_WORDS = 4
#: How much a slot value found in the line weighs, against a word's rarity.
SLOT_WEIGHT = 4.0


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


Part = str | tuple[str, str]  # a literal word, or (slot name, slot type)
#: Lines whose resolution a resolver remembers (forgotten all at once beyond this).
MEMO_LINES = 4096


@dataclass(frozen=True)
class _Sample:
    intent: str
    parts: tuple[Part, ...]
    literal: str
    slot_types: dict[str, str]

    @property
    def words(self) -> list[str]:
        return [p for p in self.parts if isinstance(p, str)]


@dataclass(frozen=True)
class LaunchWords:
    """How people open a custom skill by voice in one locale ("open ...", "ask ... for ..."):
    Amazon's own launch phrasing, kept as data in ``interaction_models/builtins/<locale>.json``
    so that a new language brings its own verbs instead of a code change."""

    #: "open heart to heart": the verbs that only open the skill.
    launch: tuple[str, ...]
    #: "ask heart to heart ...": the verbs that open it with a request.
    one_shot: tuple[str, ...]
    #: "ask heart to heart *for* ...": the words between the name and the request.
    connectors: tuple[str, ...]

    @classmethod
    def from_builtins(cls, data: dict[str, Any]) -> LaunchWords:
        words = data["launch"]
        return cls(tuple(words["launch"]), tuple(words["one_shot"]), tuple(words["connectors"]))


@functools.cache
def _builtins(locale: str, key: str, models_dir: Path) -> dict[str, Any]:
    """``key`` of ``builtins/<locale>.json``, else of its language default's ("en-GB" takes
    en-US's); a language of its own brings every list (German has no English to fall back on)."""
    for name in dict.fromkeys((locale, language_default(locale))):
        path = models_dir / "builtins" / f"{name}.json"
        if path.is_file():
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            if key in data:
                return data
    raise FileNotFoundError(f"no {key!r} words for {locale} under {models_dir / 'builtins'}")


def launch_words(locale: str = "en-US", models_dir: Path = MODELS_DIR) -> LaunchWords:
    """The launch words of ``locale``."""
    return LaunchWords.from_builtins(_builtins(locale, "launch", models_dir))


@functools.cache
def time_words(locale: str = "en-US", models_dir: Path = MODELS_DIR) -> TimeWords:
    """How ``locale`` says a clock time, for the ``AMAZON.TIME`` slot."""
    return TimeWords.from_data(_builtins(locale, "time", models_dir)["time"])


@functools.cache
def language_words(locale: str = "en-US", models_dir: Path = MODELS_DIR) -> LanguageWords:
    """The words ``locale`` wraps a request in, for reading its lines."""
    return LanguageWords.from_data(_builtins(locale, "words", models_dir)["words"])


def normalise(text: str) -> str:
    """Case-folded, straight apostrophes, no punctuation, single spaces, no wake word.

    Letters and digits of every script are kept ("Öffne Herz zu Herz für heute" stays
    whole); for plain English text this is exactly the old ASCII-only rule."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"(?:[^\w' ]|_)+", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"^(alexa|echo|computer) ", "", text)


class Resolver:
    """Resolve typed utterances against one locale's interaction model."""

    def __init__(
        self,
        model: dict[str, Any],
        launch: LaunchWords | None = None,
        time: TimeWords | None = None,
        words: LanguageWords | None = None,
    ) -> None:
        language = model["interactionModel"]["languageModel"]
        #: This locale's launch verbs, clock words and filler words (en-US's when the caller
        #: names none).
        self.launch = launch or launch_words()
        self.time = time or time_words()
        self.words = words or language_words()
        self.invocation = normalise(language["invocationName"])
        self._types: dict[str, dict[str, tuple[str, str]]] = {}
        vocabulary: set[str] = set()
        for slot_type in language.get("types", []):
            table: dict[str, tuple[str, str]] = {}
            for value in slot_type["values"]:
                name = value["name"]["value"]
                value_id = value.get("id") or name
                for word in [name, *value["name"].get("synonyms", [])]:
                    table[" ".join(self.spoken_words(word))] = (value_id, name)
                    vocabulary.update(self.spoken_words(word))
            self._types[slot_type["name"]] = table
        self._memo: dict[str, Resolution] = {}
        self._samples: list[_Sample] = []
        for intent in language["intents"]:
            slot_types = {s["name"]: s["type"] for s in intent.get("slots", [])}
            for sample in intent.get("samples", []):
                compiled = self._compile(intent["name"], sample, slot_types)
                self._samples.append(compiled)
                vocabulary.update(compiled.words)
        self.intents = frozenset(i["name"] for i in language["intents"])
        #: Every word the model knows; a first name is never one of them ("i'm done").
        self._vocabulary = frozenset(vocabulary)
        counts: Counter[str] = Counter()
        for compiled in self._samples:
            counts.update(set(map(self._stem, compiled.words)))
        total = len(self._samples) + 1
        self._weights = {w: 1.0 + math.log(total / (n + 1)) for w, n in counts.items()}
        self._unknown_weight = 1.0 + math.log(total)

    @classmethod
    def from_file(cls, path: Path) -> Resolver:
        """The model at ``path``, plus Amazon's own built-in phrases from ``builtins/``."""
        model = json.loads(path.read_text(encoding="utf-8"))
        builtins_path = path.parent / "builtins" / path.name
        if builtins_path.is_file():
            extra = json.loads(builtins_path.read_text(encoding="utf-8")).get("intents", {})
            for intent in model["interactionModel"]["languageModel"]["intents"]:
                intent["samples"] = [*intent.get("samples", []), *extra.get(intent["name"], [])]
        locale, models_dir = path.stem, path.parent
        return cls(
            model,
            launch_words(locale, models_dir),
            time_words(locale, models_dir),
            language_words(locale, models_dir),
        )

    def spoken_words(self, text: str) -> list[str]:
        """``normalise``, then what a speaker says for what was typed (``LanguageWords.spoken``)."""
        return self.words.spoken(normalise(text))

    def _compile(self, intent: str, sample: str, slot_types: dict[str, str]) -> _Sample:
        parts: list[Part] = []
        for piece in re.split(r"(\{\w+\})", sample):
            if re.fullmatch(r"\{\w+\}", piece):
                parts.append((piece[1:-1], slot_types.get(piece[1:-1], "")))
            else:
                parts.extend(self.spoken_words(piece))
        literal = " ".join(p for p in parts if isinstance(p, str))
        return _Sample(intent, tuple(parts), literal, slot_types)

    def resolve(self, text: str) -> Resolution:
        """Launch phrases, one-shots ("ask heart to heart for ..."), or an in-session intent.

        Remembered per line (``MEMO_LINES``): a resolution depends on the line and the model
        only, and tests and benchmarks say the same few lines night after night (a thousand
        nights of every activity spent most of their time here). Each caller gets its own
        slots dict."""
        found = self._memo.get(text)
        if found is None:
            found = self._resolve(text)
            if len(self._memo) >= MEMO_LINES:
                self._memo.clear()
            self._memo[text] = found
        return replace(found, slots=dict(found.slots))

    def _resolve(self, text: str) -> Resolution:
        said = normalise(text)
        if not said:
            return Resolution("empty")
        name = re.escape(self.invocation)
        launch = "|".join(re.escape(v) for v in self.launch.launch)
        if re.fullmatch(f"(?:{launch}) {name}", said) or said == self.invocation:
            return Resolution("launch")
        asks = "|".join(re.escape(v) for v in (*self.launch.one_shot, *self.launch.launch))
        joins = "|".join(re.escape(v) for v in self.launch.connectors)
        one_shot = re.fullmatch(f"(?:{asks}) {name}(?: (?:{joins}))? (.+)", said)
        if one_shot:
            inner = self.intent_for(one_shot.group(1))
            return Resolution("intent", inner.intent, inner.slots, one_shot=True)
        return self.intent_for(said)

    def intent_for(self, said: str) -> Resolution:
        """The best reading of one line: a sample, a sample inside fillers, a sample around
        an unknown value, the closest sample by weighted overlap, a bare listed value, or
        the fallback."""
        typed = normalise(said).split()
        partial: Resolution | None = None
        peeled = list(self._peeled(self.spoken_words(said)))
        for words in [typed, *peeled]:
            exact, unresolved = self._exact(words)
            if exact is not None:
                return exact
            partial = partial or unresolved
        if partial is not None:
            return partial
        leading = self._leading(min(peeled, key=len))
        if leading is not None:
            return leading
        # The whole line, and the line with every filler peeled off its ends ("could you").
        near = [self._closest(words) for words in (peeled[0], min(peeled, key=len))]
        scored = [n for n in near if n is not None]
        if scored:
            return max(scored, key=lambda pair: pair[0])[1]
        return self._named(self.spoken_words(said)) or Resolution("intent", FALLBACK, {})

    def elicited(self, intent: str, slot: str, said: str) -> Resolution | None:
        """What Alexa hears while the skill elicits ``slot`` of ``intent``
        (``Dialog.ElicitSlot``): a line that is only a value of that slot ("four", "um,
        five") fills it; anything else (None) is understood as usual."""
        slot_type = next(
            (
                s.slot_types[slot]
                for s in self._samples
                if s.intent == intent and slot in s.slot_types
            ),
            None,
        )
        if slot_type is None:
            return None
        for words in self._peeled(self.spoken_words(said)):
            value = self._slot_value(slot_type, " ".join(words))
            if value is not None and value.value_id is not None:
                return Resolution("intent", intent, {slot: value})
        return None

    def _leading(self, words: list[str]) -> Resolution | None:
        """A sample of two or more words said first, then a short tail that only says how
        the sentence is built ("we give up on this one", "i'll go first if that's okay").
        A tail with words of its own is about something else ("let's go to lisbon", "we're
        finished with this game"), so the line isn't read as the sample."""
        for cut in range(len(words) - 1, 1, -1):
            tail = words[cut:]
            if len(tail) > TAIL_WORDS:
                break
            if not set(tail) <= self.words.function_words | self.words.filler_words:
                continue
            # a first name could be any word: "i'm glad you said that" introduces nobody
            exact, _ = self._exact(words[:cut], names=False)
            if exact is not None:
                return exact
        return None

    def _named(self, words: list[str]) -> Resolution | None:
        """A line that is nothing but a listed value of two or more words ("would you
        rather", "hopes and dreams"), of a slot type only one intent's samples use: that
        intent with the slot filled. This is what Alexa does while the skill elicits that
        slot; the model itself has no bare-slot sample, which would let the intent claim any
        short phrase, so the strict matcher does not understand these lines."""
        spoken = " ".join(words)
        if len(words) < 2:
            return None
        found: list[Resolution] = []
        for slot_type, table in self._types.items():
            if spoken not in table:
                continue
            users = {
                (s.intent, n)
                for s in self._samples
                for n, k in s.slot_types.items()
                if k == slot_type
            }
            if len({intent for intent, _ in users}) != 1:
                return None
            (intent, slot), *_ = sorted(users)
            value_id, name = table[spoken]
            found.append(Resolution("intent", intent, {slot: SlotValue(spoken, value_id, name)}))
        return found[0] if len(found) == 1 else None

    # -- 1 and 2: exact samples, with fillers peeled off -----------------------------------

    def _peeled(self, words: list[str]) -> Iterator[list[str]]:
        """``words`` itself, then with fillers peeled off its ends, fewest peeled first."""
        seen = {tuple(words)}
        frontier = [words]
        yield words
        while frontier:
            following: list[list[str]] = []
            for current in frontier:
                for filler in self.words.leading_fillers:
                    size = len(filler)
                    if tuple(current[:size]) == filler and len(current) > size:
                        following.append(current[size:])
                for filler in self.words.trailing_fillers:
                    size = len(filler)
                    if tuple(current[-size:]) == filler and len(current) > size:
                        following.append(current[:-size])
            frontier = []
            for candidate in following:
                if tuple(candidate) not in seen:
                    seen.add(tuple(candidate))
                    frontier.append(candidate)
                    yield candidate

    def _exact(
        self, words: list[str], names: bool = True
    ) -> tuple[Resolution | None, Resolution | None]:
        """A full match of a sample (every slot resolved), and the best match whose slot
        holds a value the model doesn't list (when its own words carry the line). Without
        ``names``, samples with a first name slot are left out."""
        best: tuple[tuple[int, int, int], Resolution] | None = None
        partial: tuple[tuple[int, int], Resolution] | None = None
        for sample in self._samples:
            if not names and NAME_TYPE in sample.slot_types.values():
                continue
            for slots in self._fits(sample.parts, words, {}):
                unresolved = [s for s, v in slots.items() if v.value_id is None]
                candidate = Resolution("intent", sample.intent, slots, literal=sample.literal)
                if unresolved:
                    if self._carries(sample, {s: slots[s].spoken for s in unresolved}):
                        rank2 = (len(sample.words), -len(unresolved))
                        if partial is None or rank2 > partial[0]:
                            partial = (rank2, candidate)
                    continue
                # A value listed in one of the model's own slot types ("would you rather")
                # is stronger evidence than a catch-all like a first name.
                listed = sum(1 for s in slots if sample.slot_types.get(s, "") in self._types)
                rank = (len(sample.words), listed, len(sample.literal))
                if best is None or rank > best[0]:
                    best = (rank, candidate)
        return (best[1] if best else None), (partial[1] if partial else None)

    def _carries(self, sample: _Sample, unknown: dict[str, str]) -> bool:
        """Whether a sample's words around values it doesn't list still say what the line
        wants, so the flow can re-ask: two or more of its own words, around a value of at
        most two words with one the model has never seen ("a question about spaceships",
        "alex goes first", but not "can we go back" or "let's go to lisbon next year"). A
        clock time the words don't make ("at the purple hour") is re-asked whatever it is."""
        if len(sample.words) < 2:
            return False
        for slot, spoken in unknown.items():
            if sample.slot_types.get(slot) == "AMAZON.TIME":
                continue
            words = spoken.split()
            if len(words) > 2 or all(w in self._vocabulary for w in words):
                return False
        return True

    def _fits(
        self, parts: tuple[Part, ...], words: list[str], slots: dict[str, SlotValue]
    ) -> Iterator[dict[str, SlotValue]]:
        """Every way ``words`` fills the sample ``parts`` exactly."""
        if not parts:
            if not words:
                yield slots
            return
        head, rest = parts[0], parts[1:]
        if isinstance(head, str):
            if words[:1] == [head]:
                yield from self._fits(rest, words[1:], slots)
            return
        name, slot_type = head
        for size in range(1, len(words) + 1):
            value = self._slot_value(slot_type, " ".join(words[:size]))
            if value is not None:
                yield from self._fits(rest, words[size:], {**slots, name: value})

    def _slot_value(self, slot_type: str, spoken: str) -> SlotValue | None:
        """What a slot holds for these words; None when they can't be that slot at all."""
        if slot_type == "AMAZON.TIME":
            # Alexa sends a clock time ("21:00"), not the words; odd words pass through as
            # they are and count as unresolved, so the flow can re-ask.
            value = spoken_to_slot(spoken, self.time)
            return SlotValue(value, None if value == spoken else value, value)
        if slot_type == NUMBER_TYPE:
            number = self.words.number(spoken.split())
            return None if number is None else SlotValue(str(number), str(number), str(number))
        table = self._types.get(slot_type)
        if table is None:
            # A first name is one or two words, and not words the skill itself uses.
            words = spoken.split()
            if len(words) > 2 or any(w in self._vocabulary for w in words):
                return None
            return SlotValue(spoken, spoken, spoken)
        found = table.get(" ".join(self.spoken_words(spoken)))
        return SlotValue(spoken, found[0], found[1]) if found else SlotValue(spoken, None)

    # -- 3: the closest sample by weighted overlap ------------------------------------------

    def _core(self, words: list[str]) -> list[str]:
        """The words that can decide a request: fillers dropped, plurals folded."""
        return [self._stem(w) for w in words if w not in self.words.filler_words]

    def _stem(self, word: str) -> str:
        return self.words.stem(word)

    def _weight(self, word: str) -> float:
        if word.startswith("{"):
            return SLOT_WEIGHT
        return self._weights.get(word, self._unknown_weight)

    def _closest(self, words: list[str]) -> tuple[float, Resolution] | None:
        words = [w for w in words if w not in self.words.filler_words]
        if not words:
            return None
        best: tuple[float, Resolution] | None = None
        for sample in self._samples:
            if words[0] in self.words.describing and sample.words[:1] != words[:1]:
                continue
            spotted = self._spot(sample, words)
            if spotted is None:
                continue
            line, slots = spotted
            # A negation inside a slot value ("don't wait for us") belongs to the value.
            negation = self._negation(line)
            if self._negation(sample.words) != negation:
                continue
            target = self._core(
                [p if isinstance(p, str) else "{" + p[0] + "}" for p in sample.parts]
            )
            if not self._telling(line, target, negation[1]):
                continue
            score = self._overlap(line, target)
            if not sample.slot_types:
                ratio = difflib.SequenceMatcher(None, " ".join(line), " ".join(target)).ratio()
                if ratio >= FUZZY_THRESHOLD:
                    score = max(score, ratio)
            if score >= OVERLAP_THRESHOLD and (best is None or score > best[0]):
                best = (score, Resolution("intent", sample.intent, slots, literal=sample.literal))
        return best

    def _negation(self, words: list[str]) -> tuple[bool, frozenset[str]]:
        """Whether ``words`` negate, and which words they negate ("don't forget" -> forget)."""
        negated = {
            following
            for word, following in zip(words, [*words[1:], ""], strict=True)
            if word in self.words.binding_negations and following
        }
        return bool(self.words.negations & set(words)), frozenset(negated)

    def _telling(self, line: list[str], target: list[str], negated: frozenset[str]) -> bool:
        """Whether a line shares a word with a sample that says what it asks for; a slot
        value alone is not enough when the sample's own words are missing ("that's a big
        one" is a reaction, not "a {depth} one")."""
        shared = set(line) & set(target)
        unmeaning = self.words.function_words | self.words.negations | negated
        meaning = {w for w in shared - unmeaning if w[0] != "{"}
        if meaning:
            return True
        literal = [w for w in target if w[0] != "{"]
        return bool(shared) and all(w in line for w in literal)

    def _spot(
        self, sample: _Sample, words: list[str]
    ) -> tuple[list[str], dict[str, SlotValue]] | None:
        """The line's deciding words, with each of the sample's slots replaced by a listed
        value found in the line (longest first). A first name is never guessed at."""
        line: list[str] = list(words)
        slots: dict[str, SlotValue] = {}
        for part in sample.parts:
            if isinstance(part, str):
                continue
            name, slot_type = part
            if slot_type not in self._types and slot_type not in ("AMAZON.TIME", NUMBER_TYPE):
                return None
            found = self._find_value(slot_type, line)
            if found is not None:
                start, end, value = found
                line[start:end] = ["{" + name + "}"]
                slots[name] = value
        return [w if w.startswith("{") else self._stem(w) for w in line], slots

    def _find_value(self, slot_type: str, line: list[str]) -> tuple[int, int, SlotValue] | None:
        for size in range(min(6, len(line)), 0, -1):
            for start in range(len(line) - size + 1):
                if any(w.startswith("{") for w in line[start : start + size]):
                    continue
                spoken = " ".join(line[start : start + size])
                if slot_type == "AMAZON.TIME":
                    value = spoken_to_slot(spoken, self.time)
                    if re.fullmatch(r"\d\d:\d\d", value):
                        return start, start + size, SlotValue(spoken, value, value)
                    continue
                if slot_type == NUMBER_TYPE:
                    number = self.words.number(line[start : start + size])
                    if number is not None:
                        digits = str(number)
                        return start, start + size, SlotValue(digits, digits, digits)
                    continue
                found = self._types[slot_type].get(spoken)
                if found is not None:
                    return start, start + size, SlotValue(spoken, found[0], found[1])
        return None

    def _overlap(self, line: list[str], target: list[str]) -> float:
        """Weighted F1 of the words two lines share (rare words count for more)."""
        if not line or not target:
            return 0.0
        shared = Counter(line) & Counter(target)
        common = sum(self._weight(w) * n for w, n in shared.items())
        if not common:
            return 0.0
        precision = common / sum(self._weight(w) for w in line)
        recall = common / sum(self._weight(w) for w in target)
        return 2 * precision * recall / (precision + recall)


def normalise_sample(sample: str) -> str:
    """Like ``normalise`` but keeps ``{slot}`` markers."""
    return " ".join(
        part if re.fullmatch(r"\{\w+\}", part) else normalise(part)
        for part in re.split(r"(\{\w+\})", sample)
        if part.strip()
    )
