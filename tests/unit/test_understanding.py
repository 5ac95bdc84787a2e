"""How well the skill understands a couple: the evaluation set through two matchers.

``tests/eval/<locale>.jsonl`` holds phrasings written the way two people on a sofa talk (en-US
in full; each other English locale a respelled subset of it plus phrasings of its own, "save
that as a favourite", "half eight"), each labelled with the intent (and slot value ids) Alexa
should hear, or with the fallback when the skill should not act. Traps are phrasings that
look like a command but are not one: a dislike is not a save, asking about the reminder is
not cancelling it, thanks is not a name, and the couple talking to each other is not talking
to Alexa.

The set runs through the local resolver (which generalises) and through a strict matcher
that only understands the samples word for word (the floor of what Alexa understands). Both
must reach ``ACCURACY``, no trap may trigger an action through either, and most of the set
must stay out of the samples so the figures measure understanding, not memory. Run with
``pytest -s`` to see the per-intent table.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from skill.runtime import intents
from skill.tools.nlu import Resolver
from tests.support.dialog import LOCALES, ROOT, resolver
from tests.support.exact_match import ExactMatcher
from tests.support.exact_match import normalise as exact_words

EVAL_DIR = ROOT / "tests" / "eval"
MODELS = ROOT / "interaction_models"
ACCURACY = 0.90
#: The full set is en-US's; another locale's is a subset of it plus its own phrasings.
FULL_SET = "en-US"
#: At least this share of the phrasings must not be a sample word for word.
HELD_OUT = 0.40
#: The local resolver must generalise: this much of what is not a sample is still understood.
HELD_OUT_ACCURACY = 0.85
#: Intents that never act on anything: answering with one of them is always safe.
HARMLESS = frozenset(
    {
        intents.FALLBACK,
        intents.HELP,
        intents.REPEAT,
        intents.STOP,
        intents.CANCEL,
        intents.GOODBYE,
    }
)

Matcher = Callable[[str], tuple[str, dict[str, str]]]


@dataclass(frozen=True)
class Phrasing:
    text: str
    intent: str
    slots: dict[str, str]
    trap: bool


def strict_words(text: str, locale: str = FULL_SET) -> list[str]:
    """The words the strict matcher sees, with the hesitations of ``locale``'s language."""
    return exact_words(text, locale.split("-")[0])


def load_set(locale: str = FULL_SET) -> list[Phrasing]:
    text = (EVAL_DIR / f"{locale}.jsonl").read_text(encoding="utf-8")
    rows = [json.loads(line) for line in text.splitlines() if line]
    return [
        Phrasing(r["text"], r["intent"], r.get("slots", {}), r.get("trap", False)) for r in rows
    ]


def language_model(locale: str = FULL_SET) -> dict[str, Any]:
    model: dict[str, Any] = json.loads((MODELS / f"{locale}.json").read_text(encoding="utf-8"))
    return model


def local(nlu: Resolver) -> Matcher:
    def match(text: str) -> tuple[str, dict[str, str]]:
        result = nlu.resolve(text)
        slots = {k: v.value_id for k, v in result.slots.items() if v.value_id is not None}
        return result.intent or intents.FALLBACK, slots

    return match


def strict(matcher: ExactMatcher) -> Matcher:
    def match(text: str) -> tuple[str, dict[str, str]]:
        found = matcher.match(text)
        return found.intent, found.slots

    return match


def correct(phrasing: Phrasing, intent: str, slots: dict[str, str]) -> bool:
    """The intent is right and every labelled slot resolved to its labelled value."""
    if intent != phrasing.intent:
        return False
    return all(slots.get(k, "").lower() == v.lower() for k, v in phrasing.slots.items())


def is_action(phrasing: Phrasing, intent: str) -> bool:
    return intent not in HARMLESS and intent != phrasing.intent


@pytest.fixture(scope="module", params=LOCALES)
def locale(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture(scope="module")
def phrasings(locale: str) -> list[Phrasing]:
    return load_set(locale)


@pytest.fixture(scope="module")
def matchers(locale: str) -> dict[str, Matcher]:
    return {
        "local resolver": local(resolver(locale)),
        "strict samples": strict(ExactMatcher.from_file(MODELS / f"{locale}.json")),
    }


def sample_texts(locale: str = FULL_SET) -> set[tuple[str, ...]]:
    """Every sample without a slot, as the strict matcher's words."""
    language = language_model(locale)["interactionModel"]["languageModel"]
    builtins = json.loads((MODELS / "builtins" / f"{locale}.json").read_text())["intents"]
    texts = set()
    for intent in language["intents"]:
        for sample in [*intent.get("samples", []), *builtins.get(intent["name"], [])]:
            if "{" not in sample:
                texts.add(tuple(strict_words(sample, locale)))
    return texts


def test_the_set_is_big_labelled_and_covers_every_intent(
    phrasings: list[Phrasing], locale: str
) -> None:
    language = language_model(locale)["interactionModel"]["languageModel"]
    slots = {i["name"]: {s["name"] for s in i.get("slots", [])} for i in language["intents"]}
    full = locale == FULL_SET
    assert len(phrasings) >= (650 if full else 300)
    assert sum(p.trap for p in phrasings) >= 80
    texts = [" ".join(strict_words(p.text, locale)) for p in phrasings]
    assert len(set(texts)) == len(texts), "a phrasing is listed twice"
    per_intent = Counter(p.intent for p in phrasings)
    for name in slots:
        least = 8 if full else 2
        assert per_intent[name] >= least, f"{name} has {per_intent[name]} phrasings"
    for p in phrasings:
        assert p.intent in slots, p
        assert set(p.slots) <= slots[p.intent], p
        assert not (p.intent == intents.FALLBACK and p.slots), p


def test_most_of_the_set_is_not_a_sample(phrasings: list[Phrasing], locale: str) -> None:
    samples = sample_texts(locale)
    absent = [p for p in phrasings if tuple(strict_words(p.text, locale)) not in samples]
    share = len(absent) / len(phrasings)
    print(f"\nphrasings not a sample word for word: {len(absent)}/{len(phrasings)} = {share:.1%}")
    assert share >= HELD_OUT


@dataclass(frozen=True)
class Report:
    overall: float
    held_out: float
    sprung: list[str]


def report(name: str, phrasings: list[Phrasing], match: Matcher, locale: str = FULL_SET) -> Report:
    """Print per-intent and overall accuracy, worst first, then every trap sprung and every
    miss; return the overall figure, the figure on non-samples and the traps sprung."""
    right: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    misses: list[str] = []
    sprung: list[str] = []
    samples = sample_texts(locale)
    held_right = held_total = 0
    for p in phrasings:
        intent, slots = match(p.text)
        ok = correct(p, intent, slots)
        total[p.intent] += 1
        right[p.intent] += ok
        if tuple(strict_words(p.text, locale)) not in samples:
            held_total += 1
            held_right += ok
        if not ok:
            misses.append(f"  {p.text!r}: wanted {p.intent} {p.slots}, got {intent} {slots}")
        if p.trap and is_action(p, intent):
            sprung.append(f"  trap {p.text!r} -> {intent}")
    overall = sum(right.values()) / len(phrasings)
    print(f"\n== {locale} {name}: {sum(right.values())}/{len(phrasings)} = {overall:.1%} overall")
    print(f"   on phrasings that are not samples: {held_right}/{held_total}")
    worst = sorted(total, key=lambda i: (right[i] / total[i], i))
    for intent in worst:
        share = right[intent] / total[intent]
        print(f"   {share:6.1%}  {right[intent]:3d}/{total[intent]:<3d} {intent}")
    traps = sum(p.trap for p in phrasings)
    print(f"   traps that triggered an action: {len(sprung)} of {traps}")
    for line in [*sprung, *misses]:
        print(line)
    return Report(overall, held_right / held_total, sprung)


@pytest.mark.parametrize("name", ["local resolver", "strict samples"])
def test_understanding(
    name: str, phrasings: list[Phrasing], matchers: dict[str, Matcher], locale: str
) -> None:
    result = report(name, phrasings, matchers[name], locale)
    assert not result.sprung, f"{len(result.sprung)} traps triggered an action through the {name}"
    assert result.overall >= ACCURACY, f"{name} understood {result.overall:.1%}"
    if name == "local resolver":
        assert result.held_out >= HELD_OUT_ACCURACY, f"{result.held_out:.1%} of non-samples"


def test_another_locales_set_is_en_us_s_plus_its_own_phrasings(locale: str) -> None:
    """An English locale's set is a subset of en-US's (in its spelling) plus phrasings of its
    own, so the figures compare; its own are the ones that say something differently. (German
    and Spanish have sets of their own, written in their language.)"""
    if locale == FULL_SET or not locale.startswith("en-"):
        return
    full = {tuple(strict_words(p.text)) for p in load_set()}
    own = [p for p in load_set(locale) if tuple(strict_words(p.text)) not in full]
    assert own, f"{locale} has no phrasings of its own"
    assert len(own) <= len(load_set(locale)) // 3, "mostly en-US's phrasings, respelled"


def test_no_eval_phrasing_starts_with_a_launch_phrase(phrasings: list[Phrasing]) -> None:
    """The set measures in-session understanding: one-shot launches are tested elsewhere."""
    for p in phrasings:
        assert not re.match(r"(alexa )?(ask|tell|open) heart to heart", p.text.lower()), p


#: Phrasings for the rituals written by someone who had not read their samples, kept apart from
#: the main set: nearly all are not samples (at least 95 %), so an exact matcher can't be held
#: to the main set's 90 % on them; the local resolver is held to what it must do on anything new.
RITUALS_HELD_OUT = "rituals-held-out"


def test_the_rituals_held_out_set() -> None:
    """The thirty-six, the repair talk, journeys, the check-in and mornings, as couples say
    them (with in-flow answers), and asking mid-ritual for another question, a game or
    gratitude in words of their own: the local resolver understands at least 85 % and no trap
    acts; the strict matcher's figure is printed, and no trap acts through it either."""
    phrasings = load_set(RITUALS_HELD_OUT)
    samples = sample_texts(FULL_SET)
    seen = [p.text for p in phrasings if tuple(strict_words(p.text)) in samples]
    assert len(seen) <= 0.05 * len(phrasings), seen
    local_result = report("local resolver", phrasings, local(resolver(FULL_SET)))
    exact = strict(ExactMatcher.from_file(MODELS / f"{FULL_SET}.json"))
    strict_result = report("strict samples", phrasings, exact)
    assert not local_result.sprung and not strict_result.sprung
    assert local_result.overall >= HELD_OUT_ACCURACY, f"{local_result.overall:.1%}"


#: Each language's phrasings written by someone who had not read its samples (a file per
#: locale, ``<locale>-held-out.jsonl``), judged like the rituals' held-out set.
HELD_OUT_SETS = tuple(
    sorted(p.stem.removesuffix("-held-out") for p in EVAL_DIR.glob("*-*-held-out.jsonl"))
)


@pytest.mark.parametrize("held_out_locale", HELD_OUT_SETS)
def test_a_languages_held_out_set(held_out_locale: str) -> None:
    """What couples say in their own language, written without the model in view: nearly
    none of it a sample (at most 5 %), at least 85 % understood by the local resolver, and no
    trap acting through either matcher."""
    phrasings = load_set(f"{held_out_locale}-held-out")
    assert len(phrasings) >= 100 and sum(p.trap for p in phrasings) >= 20
    samples = sample_texts(held_out_locale)
    seen = [p.text for p in phrasings if tuple(strict_words(p.text, held_out_locale)) in samples]
    assert len(seen) <= 0.05 * len(phrasings), seen
    local_result = report(
        "local resolver", phrasings, local(resolver(held_out_locale)), held_out_locale
    )
    exact = strict(ExactMatcher.from_file(MODELS / f"{held_out_locale}.json"))
    strict_result = report("strict samples", phrasings, exact, held_out_locale)
    assert not local_result.sprung and not strict_result.sprung
    assert local_result.overall >= HELD_OUT_ACCURACY, f"{local_result.overall:.1%}"
