"""`heart-to-heart chat --fast-clock` runs a whole listening exercise, in a real process."""

from __future__ import annotations

import time
from pathlib import Path

from skill.runtime.catalog import LocaleContent
from skill.runtime.flows.listening import library as listening_library
from tests.support.chat_process import run_chat
from tests.support.listening import says


def chat(lines: list[str], store: Path, *options: str) -> list[str]:
    return run_chat(lines, store, *options, user="listening-couple")


def first_session(output: list[str]) -> list[str]:
    """The lines up to and including the first closed session."""
    closed = output.index("[session closed]")
    return output[: closed + 1]


def test_the_chat_runs_the_twenty_minute_exercise_in_seconds(
    tmp_path: Path, content: LocaleContent
) -> None:
    deep = listening_library.find(content, "deep-listening")
    assert deep is not None
    lines = ["ask heart to heart for the deep listening exercise", *["ready"] * 30]
    started = time.monotonic()
    session = first_session(chat(lines, tmp_path / "chat.db", "--fast-clock"))
    assert time.monotonic() - started < 60
    spoken = [line.removeprefix("Alexa: ") for line in session if line.startswith("Alexa: ")]
    assert says(spoken[0], deep.intro)
    assert says(spoken[-1], deep.steps[-1].narration)
    assert all(
        line in ("[session open]", "[session closed]") or line.startswith("Alexa: ")
        for line in session
    )
    silences = [s for s in spoken if "(silence " in s]
    # Mirroring in chunks: no speaker talks for more than ninety seconds before a mirror.
    assert any("(silence 1:30) (chime)" in s for s in silences)
    assert not any(f"(silence {m}:" in s for s in silences for m in ("4", "5", "6"))


def test_the_chat_shows_a_paused_exercise_offered_back(
    tmp_path: Path, content: LocaleContent
) -> None:
    store = tmp_path / "chat.db"
    out = chat(
        ["ask heart to heart for the five minute check in", "ready", "ready", "we need a break"],
        store,
        "--fast-clock",
    )
    assert out[-1] == "[session closed]"
    again = chat(["open heart to heart", "yes"], store, "--now", "2026-12-02T19:00:00Z")
    assert says(again[0], content.variants("listening.offer_resume"))
    assert says(again[2], content.variants("listening.welcome_back"))
