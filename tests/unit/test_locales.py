"""Every English market, and the plumbing a second language needs.

A non-US English locale holds only what it says differently and takes every other item from
en-US, one by one; what a couple hears there must still be in its own spelling. The locale
words the code used to hard-wire (launch verbs, clock words, the 12-hour clock) are data, and
a test-only German or Spanish word list proves the shape carries another language.
"""

from __future__ import annotations

import dataclasses
import io
import json
import random
import re
from pathlib import Path
from typing import Any

import pytest

from skill.runtime.catalog import Catalog, LocaleContent, language_default
from skill.runtime.flows.reminders import say_time
from skill.runtime.times import TimeWords, spoken_to_slot
from skill.tools import localize
from skill.tools.content_report import run_content_report
from skill.tools.nlu import LaunchWords, Resolver, normalise, time_words
from skill.tools.tts import voice_for
from tests.support.dialog import ENGLISH_LOCALES, ROOT

OTHER_ENGLISH = tuple(loc for loc in ENGLISH_LOCALES if loc != "en-US")


# --- understanding any script ------------------------------------------------------------------


def test_normalising_keeps_letters_of_every_script() -> None:
    assert normalise("Öffne Herz zu Herz für heute!") == "öffne herz zu herz für heute"
    assert normalise("¿Qué pregunta hay esta noche?") == "qué pregunta hay esta noche"
    assert normalise("Alexa, what’s tonight’s question?") == "what's tonight's question"
    assert normalise("snake_case & co.") == "snake case co"


def test_english_lines_normalise_exactly_as_the_ascii_rule_did() -> None:
    """The old rule (ASCII letters, digits, apostrophes) on every English eval line."""

    def ascii_rule(text: str) -> str:
        text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
        text = re.sub(r"\s+", " ", re.sub(r"[^a-z0-9' ]+", " ", text)).strip()
        return re.sub(r"^(alexa|echo|computer) ", "", text)

    for path in sorted((ROOT / "tests" / "eval").glob("en-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line)["text"]
            assert normalise(text) == ascii_rule(text), text


# --- launch words and clock words as data -----------------------------------------------------


def _tiny_model(invocation: str, samples: dict[str, list[str]]) -> dict[str, Any]:
    intents = [{"name": name, "samples": lines} for name, lines in samples.items()]
    return {
        "interactionModel": {"languageModel": {"invocationName": invocation, "intents": intents}}
    }


def test_a_locale_brings_its_own_launch_verbs() -> None:
    german = LaunchWords(launch=("öffne", "starte"), one_shot=("frag",), connectors=("nach",))
    model = _tiny_model("herz zu herz", {"TonightQuestionIntent": ["die frage für heute"]})
    nlu = Resolver(model, german)
    assert nlu.resolve("Öffne Herz zu Herz").kind == "launch"
    one_shot = nlu.resolve("Frag Herz zu Herz nach der Frage für heute")
    assert (one_shot.kind, one_shot.intent, one_shot.one_shot) == (
        "intent",
        "TonightQuestionIntent",
        True,
    )
    assert nlu.resolve("open herz zu herz").kind != "launch", "English verbs are en-US's"


#: Test-only German and Spanish clock words (the real lists come with their content).
GERMAN = TimeWords.from_data(
    {
        "numbers": {"null": 0, "eins": 1, "ein": 1, "zwei": 2, "drei": 3, "vier": 4,
                    "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10,
                    "elf": 11, "zwölf": 12, "zwanzig": 20, "einundzwanzig": 21,
                    "zweiundzwanzig": 22, "dreißig": 30},
        "endings": {"abends": "pm", "am abend": "pm", "morgens": "am"},
        "fillers": ["um", "gegen"],
        "oclock": ["uhr"],
        "oclock_between": True,
        "noon": ["mittag"],
        "midnight": ["mitternacht"],
        "fractions": {"viertel": 15},
        "past": ["nach"],
        "to": ["vor"],
        "before_hour": {"halb": 30},
        "parts_of_day": {"abend": "EV"},
    }
)  # fmt: skip
SPANISH = TimeWords.from_data(
    {
        "numbers": {"una": 1, "dos": 2, "tres": 3, "ocho": 8, "nueve": 9, "diez": 10,
                    "once": 11, "doce": 12, "veinte": 20},
        "endings": {"de la noche": "pm", "de la tarde": "pm", "de la mañana": "am"},
        "fillers": ["a", "las", "la"],
        "oclock": ["en punto"],
        "noon": ["mediodía"],
        "midnight": ["medianoche"],
        "fractions": {"media": 30, "cuarto": 15},
        "then_past": ["y"],
        "then_to": ["menos"],
    }
)  # fmt: skip


@pytest.mark.parametrize(
    ("spoken", "slot"),
    [
        ("halb neun", "08:30"),
        ("um halb neun abends", "20:30"),
        ("Viertel nach neun", "09:15"),
        ("Viertel vor neun", "08:45"),
        ("zehn nach neun", "09:10"),
        ("neun Uhr", "09:00"),
        ("neun Uhr dreißig", "09:30"),
        ("einundzwanzig Uhr", "21:00"),
        ("zwanzig Uhr dreißig", "20:30"),
        ("Mitternacht", "00:00"),
        ("abend", "EV"),
        ("die lila Stunde", "die lila Stunde"),
    ],
)
def test_german_clock_words_fill_the_time_slot(spoken: str, slot: str) -> None:
    assert spoken_to_slot(spoken, GERMAN) == slot


@pytest.mark.parametrize(
    ("spoken", "slot"),
    [
        ("las nueve y media", "09:30"),
        ("a las nueve y media de la noche", "21:30"),
        ("las nueve y cuarto", "09:15"),
        ("las nueve menos cuarto", "08:45"),
        ("las nueve y diez", "09:10"),
        ("las diez", "10:00"),
        ("mediodía", "12:00"),
        ("la hora morada", "la hora morada"),
    ],
)
def test_spanish_clock_words_fill_the_time_slot(spoken: str, slot: str) -> None:
    assert spoken_to_slot(spoken, SPANISH) == slot


def test_british_half_eight_is_half_past_and_us_english_does_not_guess() -> None:
    assert spoken_to_slot("half eight", time_words("en-GB")) == "08:30"
    assert spoken_to_slot("half eight", time_words("en-US")) == "half eight"
    assert spoken_to_slot("half past eight", time_words("en-US")) == "08:30"


def test_the_spoken_clock_is_the_locales_wording(content: LocaleContent) -> None:
    rng = random.Random(1)
    assert say_time(21, 0, content, rng) == "9 p.m."
    assert say_time(21, 30, content, rng) == "9:30 p.m."
    phrases = {
        **content.phrases,
        "time.whole": ("{hour24} Uhr",),
        "time.minutes": ("{hour24}:{minute} Uhr",),
    }
    twenty_four = LocaleContent("xx-XX", {**content.sections, "phrases": phrases})
    assert say_time(21, 0, twenty_four, rng) == "21 Uhr"
    assert say_time(8, 5, twenty_four, rng) == "8:05 Uhr"


# --- per-item fallback -------------------------------------------------------------------------


def test_each_english_locale_falls_back_to_en_us_item_by_item(catalog: Catalog) -> None:
    us = catalog.for_locale("en-US")
    for locale in OTHER_ENGLISH:
        assert language_default(locale) == "en-US"
        local = catalog.for_locale(locale)
        assert local.locale == locale
        assert [q.id for q in local.questions] == [q.id for q in us.questions]
        assert set(local.phrases) == set(us.phrases)
        assert [g.id for g in local.section("games")] == [g.id for g in us.section("games")]
        ids = [e.id for e in local.section("exercises")]
        assert ids == [e.id for e in us.section("exercises")]
        assert "questions" in local.own, f"{locale} respells some questions"
        assert len(local.own["questions"]) < len(us.questions) / 4, "only what differs"
        assert sum(q.opt_in for q in local.questions) == sum(q.opt_in for q in us.questions)


def _copy_content(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    for source in [ROOT / "content" / "schema", ROOT / "content" / "en-US"]:
        target = content / source.name
        target.mkdir(parents=True)
        for path in source.glob("*.json"):
            (target / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return content


def test_a_locale_lacking_items_has_each_from_its_language_default(tmp_path: Path) -> None:
    content = _copy_content(tmp_path)
    us = Catalog.load(content).for_locale("en-US")
    first, second = us.questions[0], us.questions[1]
    nz = content / "en-NZ"
    nz.mkdir()
    (nz / "phrases.json").write_text(
        json.dumps({"locale": "en-NZ", "phrases": {"help.short": ["Kia ora. Ask for a question."]}})
    )
    (nz / "questions.json").write_text(
        json.dumps(
            {
                "locale": "en-NZ",
                "questions": [
                    {"id": second.id, "theme": second.theme, "depth": second.depth,
                     "text": "A question of our own?"},
                    {"id": "nz-01", "theme": first.theme, "depth": 1, "text": "A new one?"},
                ],
            }
        )
    )  # fmt: skip
    catalog = Catalog.load(content)
    nz_content = catalog.for_locale("en-NZ")
    assert nz_content.variants("help.short") == ("Kia ora. Ask for a question.",)
    assert nz_content.variants("launch.first") == us.variants("launch.first")
    ids = [q.id for q in nz_content.questions]
    assert ids == [*(q.id for q in us.questions), "nz-01"], "en-US's order, new items after"
    assert nz_content.question(first.id) == first
    found = nz_content.question(second.id)
    assert found is not None and found.text == "A question of our own?"
    assert nz_content.section("games") == us.section("games")

    out, err = io.StringIO(), io.StringIO()
    assert run_content_report(out, err, locale="en-NZ", content_dir=content) == 0
    report = out.getvalue()
    assert re.search(r"en-NZ\s+en-US\s+2\s+\d+", report), "one phrase and one question own"
    lacks = report.split("What en-NZ takes from en-US", 1)[1]
    assert first.id in lacks and f" {second.id}," not in lacks
    assert "launch.first" in lacks and "help.short" not in lacks


# --- the English markets' spelling -------------------------------------------------------------


def _spoken(node: Any) -> list[str]:
    """Every string a locale's effective content holds, except ids and names of things."""
    if isinstance(node, str):
        return [node]
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        node = {f.name: getattr(node, f.name) for f in dataclasses.fields(node)}
    if isinstance(node, dict):
        return [s for k, v in node.items() if k not in localize.NAMING_KEYS for s in _spoken(v)]
    if isinstance(node, list | tuple):
        return [s for item in node for s in _spoken(item)]
    return []


@pytest.mark.parametrize("locale", OTHER_ENGLISH)
def test_no_us_spelling_in_what_a_non_us_market_hears(catalog: Catalog, locale: str) -> None:
    """After fallback: an en-US item with a US spelling must have a local override."""
    us_words = localize.substitutions(locale)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, us_words)) + r")\b", re.I)
    local = catalog.for_locale(locale)
    wrong = [
        f"{kind}: {text!r}"
        for kind, section in local.sections.items()
        if kind not in ("apl",)
        for text in _spoken(section)
        if pattern.search(text)
    ]
    assert not wrong, "\n".join(wrong[:20])
    assert any("favourite" in v for v in local.variants("favourite.saved"))


def test_the_check_would_catch_a_us_spelling() -> None:
    respell = localize.respeller(localize.substitutions("en-GB"))
    assert respell("Our Favorite color, organized.") == "Our Favourite colour, organised."
    assert respell("A prize of a good size.") == "A prize of a good size.", "listed words only"
    canada = localize.respeller(localize.substitutions("en-CA"))
    assert canada("We realized our favorite color.") == "We realized our favourite colour."


def test_the_generated_locales_are_up_to_date() -> None:
    """Run ``python -m skill.tools.localize`` after changing en-US or spelling.json."""
    assert localize.stale() == []


@pytest.mark.parametrize("locale", OTHER_ENGLISH)
def test_each_market_has_its_model_store_text_and_accent(catalog: Catalog, locale: str) -> None:
    model = json.loads((ROOT / "interaction_models" / f"{locale}.json").read_text())
    us = json.loads((ROOT / "interaction_models" / "en-US.json").read_text())
    language = model["interactionModel"]["languageModel"]
    assert language["invocationName"] == "heart to heart"
    names = [i["name"] for i in language["intents"]]
    assert names == [i["name"] for i in us["interactionModel"]["languageModel"]["intents"]]
    us_words = re.compile(r"\b(" + "|".join(localize.substitutions(locale)) + r")\b", re.I)
    heard = [s for i in language["intents"] for s in i.get("samples", [])] + [
        word
        for slot_type in language.get("types", [])
        for value in slot_type["values"]
        for word in [value["name"]["value"], *value["name"].get("synonyms", [])]
    ]
    assert not [line for line in heard if us_words.search(line)], "samples in local spelling"
    for slot_type in language.get("types", []):
        for value in slot_type["values"]:
            synonyms = [w.lower() for w in value["name"].get("synonyms", [])]
            assert len(set(synonyms)) == len(synonyms), "respelling made a synonym twice"
            assert value["name"]["value"].lower() not in synonyms
    manifest = catalog.for_locale(locale).own["manifest"]
    assert manifest["locale"] == locale and "counselling" in manifest["description"]
    lang, tld = voice_for(locale)
    assert lang == "en" and tld != "com", "each market hears its own accent"
    assert voice_for("en-US") == ("en", "com")


def test_the_simulator_speaks_with_its_locales_accent() -> None:
    from skill.hosts.web.app import WebOptions

    assert WebOptions.from_env({}, locale="en-GB").tts.tld == "co.uk"
    assert WebOptions.from_env({}, locale="en-AU").tts.tld == "com.au"
    assert WebOptions.from_env({}).tts.tld == "com"
    assert WebOptions.from_env({"HEART_TTS_TLD": "ie"}, locale="en-GB").tts.tld == "ie"


def test_a_screen_document_is_one_item_and_name_free_intents_are_each_one() -> None:
    """A locale's own layout replaces the default's whole (a half-merged APL document would
    be nobody's layout); its own name-free phrases for one intent leave the others."""
    from skill.runtime.catalog import overlay_locale

    parent = {
        "apl": {"main": {"type": "APL", "items": [1, 2]}, "card": {"type": "APL"}},
        "namefree": {"launch": ["a"], "intents": {"One": ["x"], "Two": ["y"]}},
    }
    own = {"apl": {"main": {"type": "APL"}}, "namefree": {"intents": {"Two": ["z"]}}}
    merged = overlay_locale(parent, own)
    assert merged["apl"] == {"main": {"type": "APL"}, "card": {"type": "APL"}}
    assert merged["namefree"] == {"launch": ["a"], "intents": {"One": ["x"], "Two": ["z"]}}


#: Test-only German filler words, negations and numbers for the local resolver.
GERMAN_WORDS = {
    "leading_fillers": ["ähm", "also", "kannst du"],
    "trailing_fillers": ["bitte", "heute abend"],
    "filler_words": ["ähm", "bitte"],
    "describing": ["das"],
    "negations": ["nicht", "kein", "nein"],
    "binding_negations": ["nicht", "kein"],
    "function_words": ["uns", "die", "der", "das", "eine"],
    "numbers": {"drei": 3, "vier": 4, "zweiundvierzig": 42},
    "plurals": {"endings": ["en", "n"], "min_length": 5},
}


def test_a_locales_builtins_file_brings_its_launch_and_clock_words(tmp_path: Path) -> None:
    """End to end through the files: a test-only German model and its built-in words."""
    models = tmp_path / "interaction_models"
    (models / "builtins").mkdir(parents=True)
    model = _tiny_model("herz zu herz", {"SetReminderIntent": ["erinnere uns um {time}"]})
    model["interactionModel"]["languageModel"]["intents"][0]["slots"] = [
        {"name": "time", "type": "AMAZON.TIME"}
    ]
    (models / "de-DE.json").write_text(json.dumps(model), encoding="utf-8")
    builtins = {
        "intents": {},
        "launch": {"launch": ["öffne"], "one_shot": ["frag", "sag"], "connectors": ["nach"]},
        "time": {"numbers": {"acht": 8, "neun": 9}, "before_hour": {"halb": 30}},
        "words": GERMAN_WORDS,
    }
    (models / "builtins" / "de-DE.json").write_text(json.dumps(builtins), encoding="utf-8")
    nlu = Resolver.from_file(models / "de-DE.json")
    assert nlu.resolve("Öffne Herz zu Herz").kind == "launch"
    reminder = nlu.resolve("Sag Herz zu Herz erinnere uns um halb neun")
    assert reminder.one_shot and reminder.intent == "SetReminderIntent"
    assert reminder.slots["time"].value_id == "08:30"
    # Its own fillers peel off ("kannst du", "bitte"), and its own plurals fold.
    peeled = nlu.intent_for("ähm kannst du erinnere uns um acht bitte")
    assert peeled.intent == "SetReminderIntent" and peeled.slots["time"].value_id == "08:00"
    assert peeled.literal == "erinnere uns um"
    assert nlu.words.stem("fragen") == "frag" and nlu.words.number(["zweiundvierzig"]) == 42


def test_a_language_of_its_own_must_bring_its_words(tmp_path: Path) -> None:
    """German has no English to fall back on: a builtins file without its filler words is
    an error that names the file, not a resolver that reads German with English lists."""
    models = tmp_path / "interaction_models"
    (models / "builtins").mkdir(parents=True)
    model = _tiny_model("herz zu herz", {"HelloIntent": ["hallo"]})
    (models / "de-DE.json").write_text(json.dumps(model), encoding="utf-8")
    builtins = {"intents": {}, "launch": {"launch": ["öffne"], "one_shot": [], "connectors": []}}
    (models / "builtins" / "de-DE.json").write_text(json.dumps(builtins), encoding="utf-8")
    with pytest.raises(FileNotFoundError, match="words"):
        Resolver.from_file(models / "de-DE.json")


def test_the_spanish_clock_says_la_una_and_las_nueve(catalog: Catalog) -> None:
    """One hour of the 12-hour clock in a locale's own words ("la una", but "las dos")."""
    spanish = catalog.for_locale("es-ES")
    rng = random.Random(1)
    assert say_time(13, 0, spanish, rng) == "la una"
    assert say_time(1, 30, spanish, rng) == "la una y 30"
    assert say_time(21, 0, spanish, rng) == "las 9"
    assert say_time(14, 15, spanish, rng) == "las 2:15"
    assert say_time(21, 0, catalog.for_locale("de-DE"), rng) == "21 Uhr"
