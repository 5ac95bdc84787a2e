"""Cards in the Alexa app, through ``handler(event, context)``: where they appear, and that
each one is content (a title phrase and a question, prompt, exercise title, or a reminder
phrase with its time), never anything a partner said, and within Alexa's limit.
"""

from __future__ import annotations

import re
from typing import Any

from skill.runtime.catalog import LocaleContent
from skill.runtime.handlers.render import card_fields
from skill.runtime.reply import CARD_MAX_CHARS, Card
from tests.support.dialog import Dialog, Handler

EVENING = "2026-12-02T02:00:00Z"
#: Words a couple says that no content contains.
THEIR_WORDS = ("Zephyrine", "Quillon", "pineapple")
#: A clock time as the skill says it on a reminder card.
SPOKEN_TIME = r"\d{1,2}(:\d{2})? [ap]\.m\.|noon|midnight"


def card_of(response: dict[str, Any] | None) -> dict[str, Any] | None:
    assert response is not None
    card: dict[str, Any] | None = response["response"].get("card")
    return card


def content_texts(content: LocaleContent) -> set[str]:
    """Every piece of content a card may carry as its text."""
    texts = {q.text for q in content.questions}
    texts |= {p.text for p in content.section("gratitude")}
    texts |= {e.title for e in content.section("exercises")}
    return texts


def template_pattern(template: str) -> re.Pattern[str]:
    """A phrase with its ``{time}`` as any spoken time and no other free part."""
    parts = re.split(r"\{(\w+)\}", template)
    pattern = ""
    for index, part in enumerate(parts):
        if index % 2 == 0:
            pattern += re.escape(part)
        elif part == "time":
            pattern += f"(?:{SPOKEN_TIME})"
        else:
            raise AssertionError(f"a card phrase may only take a time, not {{{part}}}")
    return re.compile(pattern)


def assert_content_only(card: dict[str, Any], content: LocaleContent) -> None:
    """The card is a title phrase and content text, or a card phrase set with a time."""
    assert card["type"] == "Simple"
    titles = {v for k, vs in content.phrases.items() if k.startswith("card.") for v in vs}
    assert card["title"] in titles
    text = card["content"]
    templates = [
        template_pattern(v)
        for k, vs in content.phrases.items()
        if k.startswith("card.") and k.endswith("_text")
        for v in vs
    ]
    assert text in content_texts(content) or any(t.fullmatch(text) for t in templates), text
    for word in THEIR_WORDS:
        assert word not in card["title"] and word not in text
    assert len(card["title"]) + len(text) <= CARD_MAX_CHARS


def test_tonights_question_gratitude_and_exercise_each_leave_a_card(
    handler: Handler, content: LocaleContent
) -> None:
    couple = Dialog(handler, now=EVENING)
    couple.say("open heart to heart")
    question = card_of(couple.say("tonight's question").response)
    assert question is not None
    assert question["title"] in content.variants("card.tonight_title")
    assert question["content"] in {q.text for q in content.questions}
    couple.next_night()
    gratitude = card_of(couple.say("ask heart to heart for a gratitude prompt").response)
    assert gratitude is not None
    assert gratitude["title"] in content.variants("card.gratitude_title")
    couple.next_night()
    exercise = card_of(couple.say("ask heart to heart for a listening exercise").response)
    assert exercise is not None
    assert exercise["title"] in content.variants("card.exercise_title")
    assert exercise["content"] in {e.title for e in content.section("exercises")}


def test_no_card_where_there_is_nothing_to_keep(handler: Handler) -> None:
    couple = Dialog(handler, now=EVENING)
    for line in ("open heart to heart", "help", "what can i say"):
        assert card_of(couple.say(line).response) is None


def test_every_card_of_a_full_evening_is_content_only(
    handler: Handler, content: LocaleContent
) -> None:
    couple = Dialog(handler, now=EVENING)
    lines = (
        "open heart to heart",
        "call us Zephyrine and Quillon",
        "tonight's question",
        "we love pineapple pizza",
        "another one",
        "Zephyrine goes first",
        "a gratitude prompt",
        "pineapple",
        "a listening exercise",
        "Quillon goes first",
        "next",
        "stop",
    )
    cards = [c for c in (card_of(couple.say(line).response) for line in lines) if c]
    assert len(cards) >= 3
    for card in cards:
        assert_content_only(card, content)


def test_a_card_is_clipped_to_alexas_limit_never_its_title() -> None:
    title, text = card_fields(Card("Tonight's question", "x" * 9000))
    assert title == "Tonight's question"
    assert len(title) + len(text) == CARD_MAX_CHARS
    assert card_fields(Card("t", "short")) == ("t", "short")
