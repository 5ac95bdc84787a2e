"""Craft, as tests: what docs/WRITING.md asks of every line, checked over every spoken item of
every bank (questions with their follow-ups, game items and rules, gratitude prompts, exercise
intros, narration and splits, phrases), read variant by variant from content/en-US/*.json.

**Near-duplicates.** Items are compared by TF-IDF cosine similarity over word unigrams and
bigrams, after a small stopword list and with ``{partner}``-style placeholders removed
(tests/support/craft.py, plain Python with an inverted index: about 0.3 s for ~4,000 items).
What is compared: every *conversation unit* (a question together with its follow-up, since the
two are heard together; a game item; a gratitude prompt) with every other, across all banks,
and each one with every *frame* line (exercise narration, phrases, game rules), so a question
that repeats a phrase is caught too. Frame lines are not compared with each other: "Go ahead,
{listener}." and "Passing is always fine" recur on purpose, so a couple learns the cue words.

The threshold is **0.5**. Printed over the whole deck (``python -m tests.support.craft 0.4``),
the pairs fell into three bands. Above 0.6 every pair was a real duplicate: the same question
with one word changed, or two questions that ended on the same follow-up. Between 0.5 and 0.6
the band was mixed. Some pairs were real duplicates in different banks ("the sweetest message
your partner sent" beside "the warmest message"; "a little sound your partner makes" as both a
question and a gratitude prompt), and the rest were template siblings in two truths and a
dream ("things you've done at midnight" or "in the rain"). Below 0.5 the pairs share a frame
("What's {partner}'s favorite way to...") but ask different things. So 0.5 catches every real
duplicate seen. Real duplicates were rewritten, and the siblings were varied until the band
was empty. A pair that must stay above it goes in tests/fixtures/near_duplicates_allowed.json
with its reason. An entry that no longer scores above the threshold fails too, so the list
stays honest.

**Budgets.** A motif that comes back every week stops being heard, and "each of you" and "the
other" talk about a couple instead of to them. Each motif has a budget per bank (questions,
gratitude, each game, exercises, phrases): a share of the bank's items, or a count for rare
motifs such as a theme song. They are named constants below, set at or a little above what
the content needs after it was fixed, so new content has to earn its motif.

**Length.** A question has at most 20 words; a sentence at most 22; and an item says at most
35 words (two breaths) before it asks something or hands the floor over (counted to its last
question, or else to its last sentence that hands over: tell, share, say next, listen...).

**Safety.** Nothing presupposes a breach, an old hurt, marriage, children, living together,
religion or health, and nothing is explicit: small regex lists, each of which has a self-test
showing it would fire.

**Spelling.** en-US is US spelling, in everything spoken, in the skill's store text, and in
the interaction model's samples and slot values. A slot may keep a British synonym only
beside its US spelling.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import defaultdict

import pytest

from tests.support import craft
from tests.support.craft import Item
from tests.support.dialog import ENGLISH_LOCALES, ROOT

ITEMS = craft.items()


@functools.cache
def locale_items(locale: str) -> list[Item]:
    """What a locale says after its per-item fallback: the rules of writing for the ear
    (sentence and question lengths, the floor, safety) hold in every English market."""
    return ITEMS if locale == "en-US" else craft.items(locale)


# --- near-duplicates --------------------------------------------------------------------------

#: Cosine similarity at or above which two items are near-duplicates (see the module docstring).
NEAR_DUPLICATE = 0.5
ALLOWED_FILE = ROOT / "tests" / "fixtures" / "near_duplicates_allowed.json"
MAX_ALLOWED = 15


@functools.cache
def _near_duplicates() -> list[tuple[float, Item, Item]]:
    return craft.near_duplicates(ITEMS, NEAR_DUPLICATE)


def _allowed() -> list[dict[str, str]]:
    pairs: list[dict[str, str]] = json.loads(ALLOWED_FILE.read_text())["pairs"]
    return pairs


def test_the_similarity_measure_flags_a_near_identical_pair_and_only_that() -> None:
    texts = [
        "What's a small surprise from your partner that you still think about?",
        "What small surprise from your partner do you still think about?",
        "Would you rather have a pet penguin or a pet sloth?",
        "Describe a moment today you wish your partner had been there to see.",
    ]
    pairs = craft.similar_pairs(texts, NEAR_DUPLICATE)
    assert [(i, j) for _, i, j in pairs] == [(0, 1)]
    assert pairs[0][0] > 0.8


def test_no_two_items_in_any_bank_are_near_duplicates() -> None:
    allowed = {frozenset((p["a"], p["b"])) for p in _allowed()}
    found = _near_duplicates()
    offending = [
        f"{s:.2f}  {a.where}: {a.text}\n      {b.where}: {b.text}"
        for s, a, b in found
        if frozenset((a.where, b.where)) not in allowed
    ]
    assert not offending, "rewrite one of each pair:\n" + "\n".join(offending)


def test_the_allow_list_is_short_explained_and_still_needed() -> None:
    pairs = _allowed()
    assert len(pairs) <= MAX_ALLOWED
    known = {i.where for i in ITEMS}
    scored = {frozenset((a.where, b.where)) for _, a, b in _near_duplicates()}
    for pair in pairs:
        assert len(pair.get("reason", "").split()) >= 5, pair
        assert {pair["a"], pair["b"]} <= known, f"no such items: {pair}"
        key = frozenset((pair["a"], pair["b"]))
        assert key in scored, f"no longer above {NEAR_DUPLICATE}, remove it: {pair}"


# --- spelling ---------------------------------------------------------------------------------

#: British spellings (and a few British-only words) an en-US line must not use.
BRITISH = re.compile(
    r"\b(favourit\w*|colour\w*|cos(y|ier|iest|iness|ied)|savour\w*|counsell\w*|practis\w*|"
    r"honour\w*|neighbour\w*|organis\w*|realis\w*|recognis\w*|apologis\w*|prioritis\w*|"
    r"memoris\w*|criticis(e|ed|es|ing)|centre\w*|theatre\w*|travell\w*|grey\w*|mum|mums|"
    r"mummy|behaviour\w*|humour\w*|flavour\w*|labour\w*|harbour\w*|endeavour\w*|rumour\w*|"
    r"armour\w*|odour\w*|fibre\w*|litre\w*|metre\w*|jewellery|programme\w*|catalogue\w*|"
    r"analys(e|ed|es|ing)|cancell(ed|ing)|fulfil|fulfils|fulfilment|skilful\w*|licence|"
    r"defence|offence|pretence|tyres?|pyjamas|mould\w*|sceptic\w*|manoeuvr\w*|whilst|"
    r"amongst|learnt|spelt|towards|judgement|maths|fortnight\w*|ageing|marvellous|"
    r"modelled|labelled|levelled|quarrell\w*|woollen|plough\w*|kerb|aeroplane|cheque|"
    r"draught\w*|come round)\b",
    re.I,
)


def british(text: str) -> list[str]:
    return [m.group(0) for m in BRITISH.finditer(text)]


def test_the_spelling_check_finds_british_spellings() -> None:
    assert british("My favourite colour is grey; shall we organise the theatre?") == [
        "favourite",
        "colour",
        "grey",
        "organise",
        "theatre",
    ]
    assert british("My favorite color is gray; shall we organize the theater?") == []


def _store_texts() -> list[tuple[str, str]]:
    """The skill's store listing and screen text: read by couples, so US spelling too."""
    found: list[tuple[str, str]] = []

    def strings(node: object, where: str) -> None:
        if isinstance(node, str):
            found.append((where, node))
        elif isinstance(node, list):
            for n, value in enumerate(node):
                strings(value, f"{where}[{n}]")
        elif isinstance(node, dict):
            for key, value in node.items():
                strings(value, f"{where}.{key}")

    for name in ("manifest.json", "apl.json"):
        strings(json.loads((craft.CONTENT / name).read_text()), name)
    return found


def test_a_non_us_market_says_exactly_en_us_s_items_in_its_own_spelling() -> None:
    """Same items in the same places; where the wording differs, only by respelling (the
    spelling itself is checked after fallback in ``test_locales``)."""
    for locale in ENGLISH_LOCALES:
        here = locale_items(locale)
        assert [i.where for i in here] == [i.where for i in ITEMS], locale
        changed = [(a, b) for a, b in zip(ITEMS, here, strict=True) if a.text != b.text]
        for us, local in changed:
            assert craft.words(us.text) == craft.words(local.text), (locale, local.where)


def test_en_us_content_uses_us_spelling() -> None:
    found = [(i.where, i.text) for i in ITEMS] + _store_texts()
    wrong = [f"{where}: {british(text)}" for where, text in found if british(text)]
    assert not wrong, "\n".join(wrong)


def test_the_interaction_model_uses_us_spelling() -> None:
    model = json.loads((ROOT / "interaction_models" / "en-US.json").read_text())
    language = model["interactionModel"]["languageModel"]
    wrong = [
        f"{intent['name']}: {sample}"
        for intent in language["intents"]
        for sample in intent.get("samples", ())
        if british(sample)
    ]
    for slot_type in language.get("types", ()):
        for value in slot_type["values"]:
            name = value["name"]
            spellings = [name["value"], *name.get("synonyms", ())]
            us = [s for s in spellings if not british(s)]
            if british(name["value"]):
                wrong.append(f"{slot_type['name']}: value {name['value']!r}")
            for synonym in spellings[1:]:
                # A British synonym may stay only beside its US spelling, as an extra.
                us_form = BRITISH.sub(lambda m: _us(m.group(0)), synonym)
                if british(synonym) and us_form not in us:
                    wrong.append(f"{slot_type['name']}: {synonym!r} without {us_form!r}")
    assert not wrong, "\n".join(wrong)


def _us(word: str) -> str:
    """The US spelling of a British word, for the rules the model needs (favourite, colour)."""
    return word.replace("our", "or").replace("isation", "ization").replace("ise", "ize")


# --- motif and address budgets ----------------------------------------------------------------

#: Nouns that make "the other" an ordinary determiner ("the other day"), not the partner.
_OTHER_NOUNS = (
    "day|days|night|nights|week|way|side|room|one|ones|person|half|hand|end|thing|things|"
    "people|couple|couples|morning|evening|time|times|direction|foot|shoe|sock|corner"
)
MOTIFS: dict[str, re.Pattern[str]] = {
    "each of you": re.compile(r"\beach of you\b|\byou each\b", re.I),
    # "the other" naming the partner: "the other's day", "how the other listened".
    "the other": re.compile(
        rf"(?<!after )\bthe other\b(?!\s+(?:{_OTHER_NOUNS})\b)(?!\s+\w+ing\b)", re.I
    ),
    "songs and music": re.compile(r"\b(songs?|music|playlists?|sing|singing|sang)\b", re.I),
    "theme song": re.compile(r"\btheme songs?\b", re.I),
    "slow dance": re.compile(r"\bslow[- ]danc\w*", re.I),
    "dancing": re.compile(r"\bdanc\w*", re.I),
    "food": re.compile(
        r"\b(food|meals?|dinners?|breakfasts?|lunch|brunch|cook\w*|recipes?|dish|dishes|"
        r"snacks?|pizza|desserts?|bak(e|ed|ing)|kitchen|eat|eats|eating|ate|coffee|tea|"
        r"sandwich\w*|ice cream|cake|soup|pancakes?)\b",
        re.I,
    ),
    "childhood": re.compile(
        r"\bchildhood\b|\bas (a kid|a child|kids)\b|\bgrowing up\b|"
        r"\bwhen you were (little|young|a kid|a child)\b",
        re.I,
    ),
    "hugs": re.compile(r"\b(hug\w*|cuddl\w*)\b", re.I),
    "kitchen": re.compile(r"\bkitchen\b", re.I),
    "rain": re.compile(r"\brain\w*\b", re.I),
    "movies": re.compile(r"\b(movies?|films?)\b", re.I),
}

#: Per motif, per bank ("*" for any bank not named): a share of the bank's items (a float), or
#: a count of items (an int). Set at or just above what the content needs after it was fixed.
BUDGETS: dict[str, dict[str, float | int]] = {
    "each of you": {"questions": 0.03, "*": 0.01},
    "the other": {"*": 0},
    "songs and music": {"questions": 0.01, "*": 0.02},
    "theme song": {"*": 1},
    "slow dance": {"*": 1},
    "dancing": {"questions": 0.01, "*": 0.03},
    "food": {"questions": 0.01, "gratitude": 0.02, "exercises": 0.01, "phrases": 0, "*": 0.05},
    "childhood": {"questions": 0.01, "*": 0.02},
    # A journey's nights are few (40), so a share rounds to none: two six-second hugs, by count.
    "hugs": {"questions": 0.005, "journeys": 2, "*": 0.01},
    "kitchen": {"*": 1},
    "rain": {"questions": 0.01, "*": 0.03},
    "movies": {"questions": 0.01, "*": 0.03},
}


def banks(found: list[Item]) -> dict[str, list[Item]]:
    """Items by bank as the budgets count them: a question with its follow-up is one item,
    each game is its own bank (its rules are frame), and the phrase files are one bank."""
    units, _ = craft.conversation_units(found)
    by_bank: dict[str, list[Item]] = defaultdict(list)
    for item in units:
        by_bank[item.bank].append(item)
    for item in found:
        if item.bank.startswith(craft.FRAME_BANKS):
            by_bank[item.bank.split("-")[0].split(":")[0]].append(item)
    return dict(by_bank)


def allowed(budget: float | int, size: int) -> int:
    return budget if isinstance(budget, int) else math.floor(budget * size)


def over_budget(found: list[Item]) -> list[str]:
    over = []
    for motif, budget in BUDGETS.items():
        for bank, bank_items in banks(found).items():
            limit = allowed(budget.get(bank, budget["*"]), len(bank_items))
            hits = [i for i in bank_items if MOTIFS[motif].search(i.text)]
            if len(hits) > limit:
                shown = "\n    ".join(f"{i.where}: {i.text}" for i in hits)
                over.append(f"{motif} in {bank}: {len(hits)} > {limit}\n    {shown}")
    return over


def test_the_budgets_count_motifs_and_the_partner_called_the_other() -> None:
    other = MOTIFS["the other"]
    assert other.search("Name one part of the other's dream.")
    assert other.search("Tell them how the other listened.")
    assert not other.search("Say them again, one after the other.")
    assert not other.search("What did you do the other day?")
    songs = [Item("gratitude", f"q{n}", f"Thank them for a song {n}.", f"q{n}") for n in range(2)]
    plain = [Item("gratitude", f"p{n}", f"Thank them for a town {n}.", f"p{n}") for n in range(98)]
    assert over_budget(songs + plain) == []
    assert over_budget([*songs, *plain[:50]]) != []


def test_motifs_and_ways_of_addressing_the_couple_stay_within_budget() -> None:
    over = over_budget(ITEMS)
    assert not over, "\n".join(over)


# --- length -----------------------------------------------------------------------------------

MAX_QUESTION_WORDS = 20
MAX_SENTENCE_WORDS = 22
#: Two breaths: what an item may say before it asks something or hands the floor over.
MAX_WORDS_BEFORE_THE_FLOOR = 35
#: The items that hand the floor over, each measured on its own (a question and its
#: follow-up separately, since the couple answers in between).
FLOOR_KINDS = frozenset({"question", "follow_up", "item", "prompt", "intro", "narration", "split"})


def test_the_breath_count_stops_at_the_last_question_or_hand_over() -> None:
    assert craft.words_before_floor("One two three? Four five six seven.") == 3
    assert craft.words_before_floor("One two. Tell them three. Quiet now.") == 5
    assert craft.words_before_floor("places you've visited") == 3


@pytest.mark.parametrize("locale", ENGLISH_LOCALES)
def test_questions_are_twenty_words_or_fewer(locale: str) -> None:
    long = craft.long_questions(locale_items(locale), MAX_QUESTION_WORDS)
    assert not long, "\n".join(long)


@pytest.mark.parametrize("locale", ENGLISH_LOCALES)
def test_every_spoken_sentence_fits_in_a_breath(locale: str) -> None:
    long = craft.long_sentences(locale_items(locale), MAX_SENTENCE_WORDS)
    assert not long, "\n".join(long)


@pytest.mark.parametrize("locale", ENGLISH_LOCALES)
def test_no_item_talks_for_more_than_two_breaths_before_handing_over(locale: str) -> None:
    measured = [i for i in locale_items(locale) if i.kind in FLOOR_KINDS]
    assert len(measured) > 3000
    long = [
        f"{craft.words_before_floor(i.text)}: {i.where}: {i.text}"
        for i in measured
        if craft.words_before_floor(i.text) > MAX_WORDS_BEFORE_THE_FLOOR
    ]
    assert not long, "\n".join(long)


# --- safety -----------------------------------------------------------------------------------

#: Phrasings that take for granted what many couples don't have or don't want said.
PRESUPPOSING: dict[str, re.Pattern[str]] = {
    "a breach or a hurt": re.compile(
        r"\bwhen you hurt\b|\bsince you hurt\b|\byou hurt (me|them|your partner)\b|"
        r"\b(your|the) (affair|betrayal|breakup|break-up)\b|\bcheat(ed|ing)? on\b|"
        r"\bbroke (your|their) trust\b|\bbetray(ed|al)\b|\byour (last|worst|biggest) fight\b|"
        r"\bwhen you (fought|argued)\b|\bthe hurt you caused\b",
        re.I,
    ),
    "marriage": re.compile(
        r"\byour (wedding|marriage|vows|honeymoon|engagement|husband|wife|spouse|fianc\w*)\b|"
        r"\bsince you (got|were) (married|engaged)\b|\bas (a )?married\b|\bmarried life\b",
        re.I,
    ),
    "children": re.compile(
        r"\byour (kids|children|child|son|daughter|baby|babies|grandchildren)\b|"
        r"\bthe kids\b|\bas parents\b|\bbefore the kids\b",
        re.I,
    ),
    "living together": re.compile(
        r"\bsince you moved in\b|\bmoved in together\b|\bat home together\b|"
        r"\b(your|our) (shared )?(house|apartment|bedroom|bed|couch|sofa|kitchen)\b|"
        r"\bour home\b|\byour home together\b|\bwhen you get home to each other\b",
        re.I,
    ),
    "religion": re.compile(
        r"\b(at|to|in|after) (church|mosque|temple|synagogue|mass)\b|\bpray\w*\b|\bgod\b|"
        r"\byour faith\b",
        re.I,
    ),
    "health": re.compile(
        r"\byour (illness|diagnosis|condition|medication|disability|pregnancy|therapist)\b|"
        r"\bpregnan\w*\b|\bin the hospital\b|\bwhen you were sick\b",
        re.I,
    ),
    "a family of origin": re.compile(r"\byour (mom|mother|dad|father|parents|in-laws)\b", re.I),
}
#: Closeness is tender, never explicit.
EXPLICIT = re.compile(
    r"\b(sex\w*|naked|nude|orgasm\w*|arous\w*|erotic\w*|kink\w*|foreplay|lingerie|"
    r"undress\w*|horny|in bed|mak(e|ing) out(?! of)|seduc\w*|sensual\w*|steamy|sexy)\b|"
    r"\bturns? (you|them|me) on\b",
    re.I,
)


def presuppositions(text: str) -> list[str]:
    return [name for name, pattern in PRESUPPOSING.items() if pattern.search(text)]


def test_the_safety_lists_fire_on_what_they_name() -> None:
    assert presuppositions("When you hurt your partner, what did you do?") == ["a breach or a hurt"]
    assert presuppositions("What do you remember of your wedding day?") == ["marriage"]
    assert presuppositions("What would your kids say about you two?") == ["children"]
    assert presuppositions("What changed since you moved in?") == ["living together"]
    assert presuppositions("What do you love about Sundays at church?") == ["religion"]
    assert presuppositions("How has your diagnosis changed things?") == ["health"]
    assert presuppositions("What's a small surprise you still think about?") == []
    assert EXPLICIT.search("What makes you feel sexy?")
    assert not EXPLICIT.search("What would they make out of a cardboard box?")


@pytest.mark.parametrize("locale", ENGLISH_LOCALES)
def test_nothing_is_taken_for_granted(locale: str) -> None:
    found = [
        f"{presuppositions(i.text)}: {i.where}: {i.text}"
        for i in locale_items(locale)
        if presuppositions(i.text)
    ]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("locale", ENGLISH_LOCALES)
def test_closeness_is_tender_never_explicit(locale: str) -> None:
    found = [f"{i.where}: {i.text}" for i in locale_items(locale) if EXPLICIT.search(i.text)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("bank", ["questions", "gratitude", "exercises", "phrases", "journeys"])
def test_every_bank_is_read(bank: str) -> None:
    """The checks above are only as good as the items they see."""
    assert len(banks(ITEMS)[bank]) >= 16
