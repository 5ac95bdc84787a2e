"""Helpers for the rituals' dialog tests (the thirty-six, the repair talk, the weekly check-in,
mornings): what every reply must respect (the platform's limits and the two-breath budget, the
rule of ``tests/unit/test_breath_budget.py`` applied to the chat's text), and what the store
holds."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

from skill.hosts.chat import ChatTurn
from skill.runtime.state import Household
from skill.runtime.turn import household_key
from tests.support.dialog import TEST_KEY_SALT, Dialog, Handler
from tests.support.listening import ssml_problems, stored_household

#: Two breaths (as tests/unit/test_breath_budget.py measures them) before an ask or hand-over.
BREATHS_WORDS = 40
_MARK = re.compile(r"\((silence [0-9:]+|chime)\)")
NAMES = ("Sam", "Alex")


def fast(handler: Handler, **kwargs: str) -> Dialog:
    """A dialog whose clock moves on by however long each response plays."""
    dialog = Dialog(handler, **kwargs)
    dialog.chat.fast_clock = True
    return dialog


def named(handler: Handler) -> Dialog:
    """A fast dialog for a couple who gave their names (Sam is partner one)."""
    dialog = fast(handler)
    dialog.say("open heart to heart")
    dialog.say("call us sam and alex")
    dialog.end()
    return dialog


def words_before_the_floor(speech: str) -> int:
    """The most words any stretch of ``speech`` says before it asks (up to its first
    question) or hands the floor over (all but its last sentence, before a silence)."""
    most = 0
    pieces = _MARK.split(speech)
    for n in range(0, len(pieces), 2):
        stretch = pieces[n].strip()
        follows = pieces[n + 1] if n + 1 < len(pieces) else ""
        asked = re.search(r"^.*?\?", stretch)
        if asked:
            count = len(asked.group(0).split())
        else:
            sentences = re.findall(r"[^.!?]+[.!?]*", stretch)
            if follows.startswith("silence") and len(sentences) > 1:
                sentences = sentences[:-1]
            count = len(" ".join(sentences).split())
        most = max(most, count)
    return most


def problems(turn: ChatTurn) -> list[str]:
    """What in one turn breaks the platform's limits or the breath budget."""
    found: list[str] = []
    if turn.response is not None:
        body = turn.response.get("response", {})
        for speech in (body.get("outputSpeech"), body.get("reprompt", {}).get("outputSpeech")):
            if speech:
                found += ssml_problems(speech.get("ssml", ""))
    count = words_before_the_floor(turn.speech)
    if count > BREATHS_WORDS:
        found.append(f"{count} words before the ask: {turn.speech[:60]}")
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


def fits(turn: ChatTurn) -> ChatTurn:
    """Assert the response is within Alexa's limits and two breaths; return it."""
    assert turn.response is not None
    body = turn.response["response"]
    for speech in (body.get("outputSpeech"), body.get("reprompt", {}).get("outputSpeech")):
        if speech:
            assert ssml_problems(speech["ssml"]) == [], speech["ssml"]
    assert words_before_the_floor(turn.speech) <= BREATHS_WORDS, turn.speech
    return turn


def household(db: Path) -> Household:
    """What the skill stored for the test couple, read through the record codec."""
    return stored_household(db, "couple-1")


def said(text: str, variants: tuple[str, ...], **values: object) -> bool:
    """Whether ``text`` holds one of a phrase's wordings (with ``values`` filled in)."""
    flat = " ".join(text.split())
    return any(v.format(**values) in flat for v in variants)
