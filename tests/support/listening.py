"""Helpers for listening-exercise tests: where a couple can wait, and what a reply must hold."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from skill.runtime.exercises import CUE, Exercise
from skill.runtime.records import read_household
from skill.runtime.speech import (
    MAX_AUDIO_AND_SILENCE_S,
    MAX_BREAK_MS,
    MAX_SSML_CHARS,
    SOUND_SECONDS,
)
from skill.runtime.state import Household
from skill.runtime.store import open_store
from skill.runtime.turn import household_key
from tests.support.content import default_content
from tests.support.dialog import TEST_KEY_SALT

_FIELD = re.compile(r"\{\w+\}")
_BREAK = re.compile(r'<break\s+time="(\d+)(ms|s)"\s*/>')
_AUDIO = re.compile(r"<audio\s")


def fragments(template: str) -> list[str]:
    """The fixed words of a template, between its placeholders."""
    pieces = (p.strip(" ,") for p in _FIELD.split(template))
    return [p for p in pieces if len(p) >= 3]


def says(text: str, templates: tuple[str, ...]) -> bool:
    """Whether ``text`` holds one of the templates (names filled in however they were)."""
    flat = " ".join(text.split())
    return any(all(f in flat for f in fragments(t)) for t in templates)


def positions(ex: Exercise) -> Iterator[tuple[int, int]]:
    """Every place a couple can wait at: each cue step, and each split point of a long turn."""
    for index, step in enumerate(ex.steps):
        if step.advance == CUE:
            yield index, 0
        for part in range(1, len(step.parts)):
            yield index, part


def ssml_problems(ssml: str) -> list[str]:
    """What breaks the platform's limits in one rendered response."""
    problems: list[str] = []
    if len(ssml) >= MAX_SSML_CHARS:
        problems.append(f"{len(ssml)} characters of SSML")
    total = 0.0
    for amount, unit in _BREAK.findall(ssml):
        ms = int(amount) * (1 if unit == "ms" else 1000)
        if ms > MAX_BREAK_MS:
            problems.append(f"a break of {ms} ms")
        total += ms / 1000
    total += len(_AUDIO.findall(ssml)) * SOUND_SECONDS["chime"]
    if total > MAX_AUDIO_AND_SILENCE_S:
        problems.append(f"{total:.0f} s of audio and silence")
    return problems


def stored_household(db: Path, user: str, salt: str = TEST_KEY_SALT) -> Household:
    """The household the skill saved for ``user`` in the SQLite file ``db``."""
    store = open_store(f"sqlite:///{db}")
    key = household_key(user, salt)
    return read_household(store.load(key).data, default_content(), key)
