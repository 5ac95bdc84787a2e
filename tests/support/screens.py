"""Reading what a response shows on a screen, and checking its words come from content."""

from __future__ import annotations

import re
from typing import Any

from skill.runtime import apl
from skill.runtime.catalog import Game, GratitudePrompt, LocaleContent
from skill.runtime.exercises import Exercise

#: The datasource fields that hold words (the rest are numbers and flags).
WORD_FIELDS = ("title", "text", "footer")


def render_documents(response: dict[str, Any]) -> list[dict[str, Any]]:
    """Every APL RenderDocument directive in a response envelope."""
    directives = response.get("response", {}).get("directives") or []
    return [d for d in directives if d.get("type") == apl.RENDER_DOCUMENT]


def shown(response: dict[str, Any]) -> dict[str, Any]:
    """The one screen a response shows (its ``screen`` datasource); fails unless exactly one."""
    documents = render_documents(response)
    assert len(documents) == 1, documents
    screen: dict[str, Any] = documents[0]["datasources"]["screen"]
    return screen


def content_patterns(content: LocaleContent) -> list[re.Pattern[str]]:
    """Every text content can put on a screen, with ``{placeholders}`` matching anything."""
    texts: list[str] = [v for variants in content.phrases.values() for v in variants]
    texts += [q.text for q in content.questions]
    games: tuple[Game, ...] = content.section("games")
    for game in games:
        texts += [game.title, *(q.text for q in game.questions)]
    prompts: tuple[GratitudePrompt, ...] = content.section("gratitude")
    texts += [p.text for p in prompts]
    exercises: tuple[Exercise, ...] = content.section("exercises")
    texts += [e.title for e in exercises]
    texts += [q["text"] for s in content.section("thirtysix")["sets"] for q in s["questions"]]
    for journey in content.section("journeys")["journeys"]:
        for step in journey["steps"]:
            texts += [step["title"], step["question"], step["practice"]]
    patterns = []
    for text in texts:
        head, *rest = re.split(r"\{\w+\}", text)
        if not re.search(r"[^\W\d_]", "".join([head, *rest])):
            continue  # placeholders alone ("{one} {two}") would match any words at all
        # A screen starts every line with a capital letter.
        start = f"[{re.escape(head[:1])}{re.escape(head[:1].upper())}]" if head else ""
        body = ".+".join([start + re.escape(head[1:]), *(re.escape(part) for part in rest)])
        patterns.append(re.compile(body))
    return patterns


def from_content(text: str, patterns: list[re.Pattern[str]]) -> bool:
    return any(p.fullmatch(text) for p in patterns)
