"""Helpers for the rituals' dialog tests (the weekly check-in, mornings): what a turn must
respect, and what the store holds.

A turn is judged as a device would play it: its rendered SSML within the platform's limits
(``listening.ssml_problems``), and no stretch of speech between quiet spells longer than two
breaths before it asks something or hands the floor over (the rule of
``tests/unit/test_breath_budget.py``, applied here to the chat's text).
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

from skill.hosts.chat import ChatTurn
from skill.runtime.turn import household_key
from tests.support.dialog import TEST_KEY_SALT
from tests.support.listening import ssml_problems

#: Two breaths: what a stretch may say before it asks or hands the floor over.
BREATH_WORDS = 40
_MARK = re.compile(r"\((silence [0-9:]+|chime)\)")


def stretches(speech: str) -> list[tuple[str, bool]]:
    """The chat text's stretches between silences and chimes, and whether a silence follows
    (the stretch then ends by handing the floor over)."""
    parts: list[tuple[str, bool]] = []
    position = 0
    for mark in _MARK.finditer(speech):
        parts.append((speech[position : mark.start()].strip(), mark.group(1) != "chime"))
        position = mark.end()
    parts.append((speech[position:].strip(), False))
    return [(text, handing) for text, handing in parts if text]


def words_before_the_ask(stretch: str, hands_over: bool) -> int:
    """Words up to the first question, or before the last sentence when a silence follows."""
    asked = re.search(r"^.*?\?", stretch)
    if asked:
        return len(asked.group(0).split())
    sentences = re.findall(r"[^.!?]+[.!?]*", stretch)
    if hands_over and len(sentences) > 1:
        sentences = sentences[:-1]
    return len(" ".join(sentences).split())


def problems(turn: ChatTurn) -> list[str]:
    """What in one turn breaks the platform's limits or the breath budget."""
    found: list[str] = []
    if turn.response is not None:
        body = turn.response.get("response", {})
        for speech in (body.get("outputSpeech"), body.get("reprompt", {}).get("outputSpeech")):
            if speech:
                found += ssml_problems(speech.get("ssml", ""))
    for text, handing in stretches(turn.speech):
        count = words_before_the_ask(text, handing)
        if count > BREATH_WORDS:
            found.append(f"{count} words before the ask: {text[:60]}")
    return found


def raw_record(db: Path, user: str, salt: str = TEST_KEY_SALT) -> dict[str, Any] | None:
    """The household item exactly as the SQLite store holds it, before any decoding."""
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT data FROM households WHERE key = ?", (household_key(user, salt),)
        ).fetchone()
    if row is None:
        return None
    record: dict[str, Any] = json.loads(row[0])
    return record
