"""Every spoken item in every bank, read straight from the JSON files, and the text measures
the craft tests apply to them (near-duplicates, spelling, length, presupposition).

Kept apart from the test module so a writer can run the same measures by hand
(``python -m tests.support.craft`` prints the most similar pairs), and so the tests read as
rules rather than plumbing. It reads the files, not the catalog, so that it sees exactly what
a writer wrote, variant by variant.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skill.runtime.catalog import overlay

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content" / "en-US"


@dataclass(frozen=True)
class Item:
    """One thing the skill can say, as one unit: a question, a follow-up, a game item, a
    gratitude prompt, one variant of an exercise line or of a phrase."""

    bank: str
    #: Stable address: ``questions:dreams-01``, ``phrases:launch.returning#2``, ...
    where: str
    text: str
    #: Items in one group are variants of the same line (a phrase key, an exercise step), or
    #: its two halves (a question and its follow-up): they may resemble each other.
    group: str
    #: The question or follow-up, the game item, the prompt: what the craft budgets count.
    kind: str = ""


def _locale_files(locale: str, kind: str) -> list[Any]:
    """A non-default locale's own files of one kind (``phrases-generated-ritual.json``...)."""
    folder = ROOT / "content" / locale
    return [
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.json"))
        if path.stem.split("-")[0] == kind
    ]


def _read(name: str, locale: str = "en-US") -> Any:
    """An en-US file as ``locale`` has it: its own items over en-US's, item by item, exactly
    as the catalog falls back (``overlay``)."""
    data = json.loads((CONTENT / name).read_text(encoding="utf-8"))
    if locale == "en-US":
        return data
    for own in _locale_files(locale, name.removesuffix(".json").split("-")[0]):
        if name.startswith("phrases"):  # only this file's keys: a bank is one en-US file
            mine = {k: v for k, v in own["phrases"].items() if k in data["phrases"]}
            own = {**own, "phrases": mine}
        data = overlay(data, own)
    return data


def questions(locale: str = "en-US") -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = _read("questions.json", locale)["questions"]
    return found


def items(locale: str = "en-US") -> list[Item]:
    """Every spoken item of a locale (after its fallback to en-US), bank by bank."""
    found: list[Item] = []
    for q in questions(locale):
        qid = str(q["id"])
        found.append(Item("questions", f"questions:{qid}", str(q["text"]), qid, "question"))
        if q.get("follow_up"):
            found.append(
                Item(
                    "questions", f"questions:{qid}.follow_up", str(q["follow_up"]), qid, "follow_up"
                )
            )
    for game in _read("games.json", locale)["games"]:
        bank = f"games:{game['id']}"
        found.append(Item(bank, f"{bank}.rules", game["rules"], f"{bank}.rules", "rules"))
        for g in game["questions"]:
            found.append(Item(bank, f"{bank}:{g['id']}", g["text"], g["id"], "item"))
    for p in _read("gratitude.json", locale)["prompts"]:
        found.append(Item("gratitude", f"gratitude:{p['id']}", p["text"], p["id"], "prompt"))
    for s in _read("thirtysix.json", locale)["sets"]:
        for q in s["questions"]:
            qid = f"thirtysix:{q['id']}"
            found.append(Item("thirtysix", qid, q["text"], q["id"], "question"))
    for journey in _read("journeys.json", locale)["journeys"]:
        where = f"journeys:{journey['id']}.about"
        found.append(Item("journeys", where, journey["about"], journey["id"], "about"))
        for step in journey["steps"]:
            # A night's question and its practice are heard together, as a question and its
            # follow-up are: one unit, each half measured on its own.
            sid = step["id"]
            found.append(Item("journeys", f"journeys:{sid}", step["question"], sid, "question"))
            where = f"journeys:{sid}.practice"
            found.append(Item("journeys", where, step["practice"], sid, "follow_up"))
    for ex in _read("exercises.json", locale)["exercises"]:
        eid = ex["id"]
        for n, text in enumerate(ex["intro"]):
            found.append(Item("exercises", f"exercises:{eid}.intro#{n}", text, eid, "intro"))
        for step in ex["steps"]:
            for field in ("narration", "split"):
                for n, text in enumerate(step.get(field, ())):
                    where = f"exercises:{eid}.{step['id']}.{field}#{n}"
                    found.append(Item("exercises", where, text, eid, field))
    for path in sorted(CONTENT.glob("phrases*.json")):
        bank = path.stem
        for key, variants in _read(path.name, locale)["phrases"].items():
            for n, text in enumerate(variants):
                found.append(Item(bank, f"{bank}:{key}#{n}", text, f"{bank}:{key}", "phrase"))
    return found


# --- near-duplicates --------------------------------------------------------------------------

#: Words too common to say what an item is about: the glue of a sentence. Small on purpose:
#: "partner" and "together" are in most items too, but IDF already weighs them down.
STOPWORDS = frozenset({
    "a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "for", "with",
    "about", "from", "by", "as", "is", "are", "was", "were", "be", "been", "being", "it", "its",
    "it's", "this", "that", "these", "those", "there", "here", "so", "do", "does", "did", "what",
    "which", "who", "whom", "when", "where", "how", "why", "would", "could", "should", "will",
    "can", "might", "may", "i", "me", "my", "you", "your", "you're", "yours", "we", "us", "our",
    "they", "them", "their", "he", "she", "his", "her", "one", "just"
})  # fmt: skip
_PLACEHOLDER = re.compile(r"\{\w+\}")
#: A word of any script ("über", "corazón"); for English text, exactly ``[a-z]+('[a-z]+)?``.
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def terms(text: str, stopwords: frozenset[str] = STOPWORDS) -> list[str]:
    """Word unigrams and bigrams of the words that carry meaning."""
    found = _WORD.findall(_PLACEHOLDER.sub(" ", text.lower()))
    words = [w for w in found if w not in stopwords]
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def tfidf(texts: list[str], stopwords: frozenset[str] = STOPWORDS) -> list[dict[str, float]]:
    """Sparse, L2-normalised TF-IDF vectors (smoothed IDF, as scikit-learn computes it)."""
    counts = [Counter(terms(t, stopwords)) for t in texts]
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    n = len(texts)
    vectors = []
    for c in counts:
        v = {t: tf * (math.log((1 + n) / (1 + df[t])) + 1) for t, tf in c.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vectors.append({t: x / norm for t, x in v.items()})
    return vectors


def similar_pairs(
    texts: list[str], floor: float, stopwords: frozenset[str] = STOPWORDS
) -> list[tuple[float, int, int]]:
    """Every pair ``(similarity, i, j)`` with cosine similarity at least ``floor``, highest
    first, found through an inverted index so only pairs that share a term are scored."""
    vectors = tfidf(texts, stopwords)
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for i, v in enumerate(vectors):
        for t, x in v.items():
            postings[t].append((i, x))
    pairs = []
    for i, v in enumerate(vectors):
        dots: dict[int, float] = defaultdict(float)
        for t, x in v.items():
            for j, y in postings[t]:
                if j > i:
                    dots[j] += x * y
        pairs += [(s, i, j) for j, s in dots.items() if s >= floor]
    return sorted(pairs, reverse=True)


#: Banks whose lines are the frame around the conversation: stage directions and fixed
#: phrases ("Go ahead, {listener}.", "Passing is always fine...") that recur on purpose, so a
#: couple learns the cue words. They are compared with the conversation, not with each other.
FRAME_BANKS = ("exercises", "phrases")


def conversation_units(found: list[Item]) -> tuple[list[Item], list[Item]]:
    """What a couple hears once (a question with its follow-up as one unit, a game item, a
    gratitude prompt), and the frame around it (exercise lines, phrases, game rules)."""
    units: list[Item] = []
    frame: list[Item] = []
    follow_ups = {i.group: i.text for i in found if i.kind == "follow_up"}
    for i in found:
        if i.kind == "follow_up":
            continue
        if i.kind == "question":
            text = f"{i.text} {follow_ups.get(i.group, '')}".strip()
            units.append(Item(i.bank, i.where, text, i.group, i.kind))
        elif i.bank.startswith(FRAME_BANKS) or i.kind == "rules":
            frame.append(i)
        else:
            units.append(i)
    return units, frame


def near_duplicates(
    found: list[Item], floor: float, stopwords: frozenset[str] = STOPWORDS
) -> list[tuple[float, Item, Item]]:
    """Pairs at least ``floor`` alike, highest first: any two conversation units across every
    bank, and any conversation unit with a frame line (a question that repeats a phrase)."""
    units, frame = conversation_units(found)
    every = units + frame
    pairs = similar_pairs([i.text for i in every], floor, stopwords)
    return [
        (s, every[i], every[j])
        for s, i, j in pairs
        if i < len(units) and every[i].group != every[j].group
    ]


# --- sentences and breaths --------------------------------------------------------------------

_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def sentences(text: str) -> list[str]:
    """Split as tests/unit/test_content.py splits for its 22-word rule."""
    return [s for s in _SENTENCE.split(text.strip()) if s]


def words(text: str) -> int:
    return len(text.split())


def long_sentences(found: Iterable[Item], limit: int) -> list[str]:
    """Every sentence of ``found`` longer than ``limit`` words, with where it is: the one
    breath rule, the same in every language."""
    return [f"{i.where}: {s}" for i in found for s in sentences(i.text) if words(s) > limit]


def long_questions(found: Iterable[Item], limit: int) -> list[str]:
    """Every question of ``found`` longer than ``limit`` words, with where it is."""
    return [f"{i.where}: {i.text}" for i in found if i.kind == "question" and words(i.text) > limit]


#: A sentence that hands the floor over without a question mark: an instruction to answer,
#: tell, share, listen, or a cue word to say.
HANDOVER = re.compile(
    r"\b(tell|share|say|ask|describe|name|finish|answer|go ahead|over to you|your turn|"
    r"take|listen|begin|start|thank|talk|let|pick|choose|think|look|sit|remember|picture|"
    r"i'll chime|chime)\b",
    re.I,
)


def words_before_floor(text: str, handover: re.Pattern[str] = HANDOVER) -> int:
    """Words said before the couple gets the floor: up to the last question, or else up to the
    last sentence that hands over (``handover``: the language's words for it), or else the
    whole item (a game stem, say)."""
    parts = sentences(text)
    last = max((n for n, s in enumerate(parts) if s.rstrip().endswith("?")), default=-1)
    if last < 0:
        last = max((n for n, s in enumerate(parts) if handover.search(s)), default=len(parts) - 1)
    return sum(words(s) for s in parts[: last + 1])


def _main(argv: Iterable[str]) -> Iterator[str]:
    floor = float(next(iter(argv), "0.5"))
    for s, a, b in near_duplicates(items(), floor)[:60]:
        yield f"{s:.3f}  {a.where}: {a.text}\n       {b.where}: {b.text}"


if __name__ == "__main__":
    for line in _main(sys.argv[1:]):
        print(line)
