"""Helpers for the thirty-six and repair dialog tests: what every reply must respect (the
platform's limits and the two-breath budget), and the household the skill stored."""

from __future__ import annotations

import re
from pathlib import Path

from skill.hosts.chat import ChatTurn
from skill.runtime.state import Household
from tests.support.dialog import Dialog, Handler
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
