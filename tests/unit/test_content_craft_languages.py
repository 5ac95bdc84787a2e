"""Craft, as tests, in German and Spanish: what test_content_craft.py asks of English, with
each language's own word lists (tests/support/craft_languages.py).

- **Complete.** de-DE and es-ES are languages of their own, not respellings: every item en-US
  has (question, follow-up, game item and rules, prompt, exercise line, journey night, phrase),
  they have too, in the same place with the same placeholders; nothing falls back to English.
- **Length.** A question at most 20 words, a sentence at most 22, at most 35 before the item
  asks something or hands the floor over (the language's own hand-over words).
- **Near-duplicates.** The TF-IDF measure of the English tests, with the language's stopwords,
  over the language's own items; threshold 0.5, and no allow list: nothing is kept above it.
- **Safety.** Nothing presupposes a breach, a marriage, children, a shared home, a faith, an
  illness or a family of origin; nothing is explicit; nobody is "der/die andere" or "el
  otro/la otra"; no word for the partner names one gender; no claim to treat or heal (help
  alone says it is *not* counselling).
- **Budgets.** The English motif budgets, counted with the language's own motif words.
"""

from __future__ import annotations

import functools
import math
import re
from collections import defaultdict

import pytest

from tests.support import craft
from tests.support.craft import Item
from tests.support.craft_languages import GERMAN, RULES, SPANISH, CraftRules
from tests.unit.test_content_craft import (
    BUDGETS,
    FLOOR_KINDS,
    MAX_QUESTION_WORDS,
    MAX_SENTENCE_WORDS,
    MAX_WORDS_BEFORE_THE_FLOOR,
    NEAR_DUPLICATE,
)

LANGUAGES = ("de-DE", "es-ES")
_PLACEHOLDER = re.compile(r"\{\w+\}")
#: Fields the code gives a phrase besides those English uses: a language picks its own.
OFFERED = {"phrases-journeys:journeys.step_title": {"{step}"}}


@functools.cache
def english() -> list[Item]:
    return craft.items()


@functools.cache
def own(locale: str) -> list[Item]:
    return craft.items(locale)


def rules(locale: str) -> CraftRules:
    return RULES[locale.split("-")[0]]


@pytest.fixture(params=LANGUAGES)
def locale(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


# --- complete ---------------------------------------------------------------------------------


def _groups(found: list[Item]) -> dict[str, list[Item]]:
    """Items by what they are variants of (a phrase key, an exercise step, a question)."""
    grouped: dict[str, list[Item]] = defaultdict(list)
    for item in found:
        grouped[item.where.split("#")[0]].append(item)
    return grouped


def test_every_item_is_written_in_the_language_itself(locale: str) -> None:
    """Every line en-US has, this language has too (a phrase with at least as many variants),
    and none of them is en-US's own text (a line the same in both languages, a name or
    "Okay.", would be listed here and reworded)."""
    ours, theirs = _groups(own(locale)), _groups(english())
    assert not theirs.keys() - ours.keys()
    # Its own extras: only a clock's wording of one hour ("time.whole.1": "la una").
    assert all(re.match(r"phrases-ritual:time\.\w+\.\d+$", k) for k in ours.keys() - theirs.keys())
    fewer = [
        f"{where}: {len(ours[where])} < {len(v)}"
        for where, v in theirs.items()
        if len(ours[where]) < len(v)
    ]
    assert not fewer, "\n".join(fewer)
    us = {i.text for i in english()}
    same = [f"{i.where}: {i.text}" for i in own(locale) if i.text in us and len(i.text.split()) > 1]
    assert not same, f"{len(same)} items still in English:\n" + "\n".join(same[:40])


def test_every_item_keeps_its_placeholders(locale: str) -> None:
    """Each line uses only the placeholders its English line has (a phrase: any of its
    variants'), and a question, prompt or game item all of them."""
    theirs = _groups(english())
    wrong = []
    for where, variants in _groups(own(locale)).items():
        if where.startswith("phrases-ritual:time."):
            continue  # a clock picks its own fields: "{hour24} Uhr"
        allowed = set().union(*(_PLACEHOLDER.findall(i.text) for i in theirs[where]))
        allowed |= OFFERED.get(where, set())
        for item in variants:
            used = set(_PLACEHOLDER.findall(item.text))
            whole = item.kind in ("question", "follow_up", "item", "prompt")
            if not used <= allowed or (whole and used != allowed):
                wrong.append(f"{item.where}: {sorted(used)} vs English {sorted(allowed)}")
    assert not wrong, "\n".join(wrong)


# --- length -----------------------------------------------------------------------------------


def test_questions_are_twenty_words_or_fewer(locale: str) -> None:
    long = craft.long_questions(own(locale), MAX_QUESTION_WORDS)
    assert not long, "\n".join(long)


def test_every_spoken_sentence_fits_in_a_breath(locale: str) -> None:
    long = craft.long_sentences(own(locale), MAX_SENTENCE_WORDS)
    assert not long, "\n".join(long)


def test_no_item_talks_for_more_than_two_breaths_before_handing_over(locale: str) -> None:
    handover = rules(locale).handover
    measured = [i for i in own(locale) if i.kind in FLOOR_KINDS]
    assert len(measured) > 3000
    long = [
        f"{craft.words_before_floor(i.text, handover)}: {i.where}: {i.text}"
        for i in measured
        if craft.words_before_floor(i.text, handover) > MAX_WORDS_BEFORE_THE_FLOOR
    ]
    assert not long, "\n".join(long)


def test_spanish_questions_open_and_close_their_marks() -> None:
    unbalanced = [
        f"{i.where}: {i.text}"
        for i in own("es-ES")
        for s in craft.sentences(i.text)
        if s.count("?") != s.count("¿") or s.count("!") != s.count("¡")
    ]
    assert not unbalanced, "\n".join(unbalanced)


# --- near-duplicates --------------------------------------------------------------------------


def test_no_two_items_are_near_duplicates(locale: str) -> None:
    found = craft.near_duplicates(own(locale), NEAR_DUPLICATE, rules(locale).stopwords)
    shown = [f"{s:.2f}  {a.where}: {a.text}\n      {b.where}: {b.text}" for s, a, b in found]
    assert not shown, "rewrite one of each pair:\n" + "\n".join(shown)


# --- safety -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "said", "named"),
    [
        (GERMAN, "Was weißt du noch von eurer Hochzeit?", "marriage"),
        (GERMAN, "Was würden eure Kinder über euch sagen?", "children"),
        (GERMAN, "Was hat sich verändert, seit ihr zusammengezogen seid?", "living together"),
        (GERMAN, "Was liebst du am Sonntag in der Kirche?", "religion"),
        (GERMAN, "Wie hat deine Diagnose das verändert?", "health"),
        (GERMAN, "Was würde deine Mutter dazu sagen?", "a family of origin"),
        (GERMAN, "Als du mich verletzt hast, was hast du getan?", "a breach or a hurt"),
        (SPANISH, "¿Qué recuerdas de vuestra boda?", "marriage"),
        (SPANISH, "¿Qué dirían vuestros hijos de vosotros?", "children"),
        (SPANISH, "¿Qué ha cambiado desde que vivís juntos?", "living together"),
        (SPANISH, "¿Qué te gusta de ir a misa?", "religion"),
        (SPANISH, "¿Cómo ha cambiado todo tu diagnóstico?", "health"),
        (SPANISH, "¿Qué diría tu madre?", "a family of origin"),
        (SPANISH, "¿Qué hiciste cuando me hiciste daño?", "a breach or a hurt"),
    ],
)
def test_the_safety_lists_fire_on_what_they_name(
    language: CraftRules, said: str, named: str
) -> None:
    assert [n for n, p in language.presupposing.items() if p.search(said)] == [named]


def test_the_other_lists_fire_and_spare_ordinary_words() -> None:
    assert GERMAN.explicit.search("Was findest du an ihr sexy?")
    assert SPANISH.explicit.search("¿Qué te parece sensual?")
    assert GERMAN.the_other.search("Sag, was die andere gesagt hat.")
    assert not GERMAN.the_other.search("Schau auf die andere Seite.")
    assert SPANISH.the_other.search("Escucha lo que dice el otro.")
    assert not SPANISH.the_other.search("¿Qué hiciste el otro día?")
    assert GERMAN.one_gender.search("Erzähl deinem Partner davon.")
    assert not GERMAN.one_gender.search("Erzähl deinem Schatz davon.")
    assert GERMAN.therapy.search("Das heilt alte Wunden.")
    assert SPANISH.therapy.search("Esto es una terapia.")
    for language in (GERMAN, SPANISH):
        for motif, pattern in language.motifs.items():
            assert not pattern.search("Heart to Heart"), motif
    assert GERMAN.motifs["food"].search("Was würdest du kochen?")
    assert SPANISH.motifs["movies"].search("¿Qué película veríais?")


def _found(locale: str, pattern: re.Pattern[str], skip: str = "") -> list[str]:
    return [
        f"{i.where}: {i.text}"
        for i in own(locale)
        if pattern.search(i.text) and not (skip and re.search(skip, i.where))
    ]


def test_nothing_is_taken_for_granted(locale: str) -> None:
    found = [
        f"{name}: {line}"
        for name, pattern in rules(locale).presupposing.items()
        for line in _found(locale, pattern)
    ]
    assert not found, "\n".join(found)


def test_closeness_is_tender_never_explicit(locale: str) -> None:
    found = _found(locale, rules(locale).explicit)
    assert not found, "\n".join(found)


def test_the_partner_is_spoken_to_not_called_the_other(locale: str) -> None:
    found = _found(locale, rules(locale).the_other)
    assert not found, "\n".join(found)


def test_no_word_for_the_partner_names_one_gender(locale: str) -> None:
    found = _found(locale, rules(locale).one_gender)
    assert not found, "\n".join(found)


def test_no_claim_to_treat_or_heal(locale: str) -> None:
    """Only help and the store text say what the skill is not ("kein Ersatz für eine
    Paarberatung", "no sustituye a la terapia de pareja")."""
    found = _found(locale, rules(locale).therapy, skip=r"^phrases[-\w]*:help\.")
    assert not found, "\n".join(found)


# --- budgets ----------------------------------------------------------------------------------


def test_motifs_stay_within_the_english_budgets(locale: str) -> None:
    by_bank: dict[str, list[Item]] = defaultdict(list)
    units, _ = craft.conversation_units(own(locale))
    for item in units:
        by_bank[item.bank].append(item)
    for item in own(locale):
        if item.bank.startswith(craft.FRAME_BANKS):
            by_bank[item.bank.split("-")[0].split(":")[0]].append(item)
    over = []
    for motif, pattern in rules(locale).motifs.items():
        budget = BUDGETS[motif]
        for bank, items in by_bank.items():
            share = budget.get(bank, budget["*"])
            limit = share if isinstance(share, int) else math.floor(share * len(items))
            hits = [i for i in items if pattern.search(i.text)]
            # A share that rounds to none in a small bank allows one, as a count would.
            if len(hits) > max(limit, 1 if isinstance(share, float) and share else 0):
                shown = "\n    ".join(f"{i.where}: {i.text}" for i in hits)
                over.append(f"{motif} in {bank}: {len(hits)} > {limit}\n    {shown}")
    assert not over, "\n".join(over)
