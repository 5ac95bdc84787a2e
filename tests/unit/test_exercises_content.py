"""Listening exercises as content: complete, written for the ear, and checked at load."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from skill.runtime.catalog import Catalog, ContentError, LocaleContent
from skill.runtime.exercises import BOTH, CUE, END, LISTENER, SPEAKER, TIMER, Exercise
from skill.runtime.flows.listening import library as listening_library
from tests.support.dialog import ROOT

EXERCISES_FILE = ROOT / "content" / "en-US" / "exercises.json"


@pytest.fixture(scope="module")
def exercises(content: LocaleContent) -> tuple[Exercise, ...]:
    return listening_library.catalogue(content)


def every_text(ex: Exercise) -> list[str]:
    return [*ex.intro, *(t for s in ex.steps for t in (*s.narration, *s.split))]


def test_at_least_eight_exercises_for_different_needs_and_lengths(
    exercises: tuple[Exercise, ...],
) -> None:
    assert len(exercises) >= 8
    ids = {e.id for e in exercises}
    for needed in (
        "daily-check-in",
        "dreams-and-hopes",
        "appreciation-exchange",
        "on-your-mind",
        "after-a-hard-day",
        "a-worry-shared",
        "deep-listening",
    ):
        assert needed in ids
    minutes = {e.id: e.minutes for e in exercises}
    assert minutes["daily-check-in"] == 5 and minutes["deep-listening"] == 20
    assert len({e.theme for e in exercises}) >= 5


def test_timed_turns_fill_most_of_the_stated_length(exercises: tuple[Exercise, ...]) -> None:
    for ex in exercises:
        assert 0.5 * ex.minutes * 60 <= ex.timed_seconds <= ex.minutes * 60, ex.id


def test_both_partners_have_the_floor_and_the_listener_gets_the_words(
    exercises: tuple[Exercise, ...],
) -> None:
    for ex in exercises:
        speakers = {ex.speaker_at(i, 0) for i, s in enumerate(ex.steps) if s.who == SPEAKER}
        assert speakers == {0, 1}, ex.id
        listener_lines = " ".join(
            t for s in ex.steps if s.who in (LISTENER, SPEAKER, BOTH) for t in s.narration
        ).lower()
        assert re.search(r"what i heard|it sounds like", listener_lines), ex.id
    everything = " ".join(t for ex in exercises for t in every_text(ex)).lower()
    for words in ("is there more", "that makes sense to me because", "i imagine you might feel"):
        assert everything.count(words) >= 3, words


def test_every_step_that_waits_says_which_word_moves_it_on(
    exercises: tuple[Exercise, ...],
) -> None:
    for ex in exercises:
        for step in ex.steps:
            if step.advance == CUE:
                for line in step.narration:
                    assert re.search(r"\bsay (ready|next|done)\b", line.lower()), step.id
            for line in step.split:
                assert "more time" in line and "next" in line, step.id


def test_the_end_is_warm_with_thanks_and_no_homework(exercises: tuple[Exercise, ...]) -> None:
    homework = re.compile(
        r"\b(tomorrow|this week|remember to|don't forget|try to|practise|practice)\b"
    )
    for ex in exercises:
        ending = ex.steps[-1]
        assert ending.advance == END
        before = ex.steps[-2]
        assert before.advance == TIMER and before.who == BOTH, ex.id
        for line in ending.narration:
            assert "thank you" in line.lower(), ex.id
            assert not homework.search(line.lower()), ex.id


def test_lines_are_short_enough_to_hear(exercises: tuple[Exercise, ...]) -> None:
    for ex in exercises:
        for line in every_text(ex):
            assert len(line.split()) <= 50, line
            for sentence in re.split(r"(?<=[.?!])\s+", line):
                assert len(sentence.split()) <= 30, sentence
            assert not re.search(r"[\d/()]", line), line


def test_no_therapy_claims_or_explicit_words(
    exercises: tuple[Exercise, ...], content: LocaleContent
) -> None:
    banned = re.compile(r"\b(therapy|therapist|diagnos\w*|cure|sex\w*|treatment|heal\w*)\b", re.I)
    for ex in exercises:
        for line in every_text(ex):
            assert not banned.search(line), line
    for key, variants in content.phrases.items():
        if key.startswith("listening."):
            for line in variants:
                assert not banned.search(line), line


def test_every_listening_phrase_the_runner_names_exists(content: LocaleContent) -> None:
    runner = ROOT / "skill" / "runtime" / "flows" / "listening"
    source = "\n".join(p.read_text() for p in sorted(runner.glob("*.py")))
    keys = set(re.findall(r'"((?:listening|launch|offer|no)\.[a-z_.]+|goodbye)"', source))
    assert "listening.who_first" in keys and len(keys) > 30
    assert sorted(k for k in keys if k not in content.phrases) == []


def test_the_exercise_slot_names_every_exercise(exercises: tuple[Exercise, ...]) -> None:
    model = json.loads((ROOT / "interaction_models" / "en-US.json").read_text())
    types = {t["name"]: t for t in model["interactionModel"]["languageModel"]["types"]}
    slot_ids = {v["id"] for v in types["ExerciseType"]["values"]}
    assert slot_ids == {e.id for e in exercises}


# --- a broken file fails at load with the exercise, the step and the reason -------------------


def load_with(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> str:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    path = tmp_path / "content" / "en-US" / "exercises.json"
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))
    with pytest.raises(ContentError) as caught:
        Catalog.load(tmp_path / "content")
    return str(caught.value)


def step_of(data: dict[str, Any], exercise_id: str, step_id: str) -> dict[str, Any]:
    ex = next(e for e in data["exercises"] if e["id"] == exercise_id)
    found: dict[str, Any] = next(s for s in ex["steps"] if s["id"] == step_id)
    return found


def test_the_shipped_file_loads() -> None:
    assert listening_library.catalogue(Catalog.load(ROOT / "content").for_locale("en-US"))


@pytest.mark.parametrize("field", ["who", "narration", "advance", "id"])
def test_a_step_missing_a_field(tmp_path: Path, field: str) -> None:
    def change(data: dict[str, Any]) -> None:
        del data["exercises"][2]["steps"][3][field]

    data = json.loads(EXERCISES_FILE.read_text())
    exercise_id = data["exercises"][2]["id"]
    message = load_with(tmp_path, change)
    assert "exercises.json" in message and exercise_id in message and field in message


def test_a_step_with_an_unknown_field(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        step_of(data, "on-your-mind", "mind-share-one")["seconds"] = 90

    message = load_with(tmp_path, change)
    assert "on-your-mind" in message and "mind-share-one" in message


def test_a_turn_too_long_for_one_response_without_a_split(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        step = step_of(data, "deep-listening", "deep-together")
        del step["split"]

    message = load_with(tmp_path, change)
    assert "exercises.json" in message
    assert "deep-listening" in message and "deep-together" in message
    assert "210 s" in message and "split" in message


def test_a_turn_just_over_what_one_response_holds(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        step_of(data, "on-your-mind", "mind-share-one")["turn"] = 235
        next(e for e in data["exercises"] if e["id"] == "on-your-mind")["minutes"] = 15

    message = load_with(tmp_path, change)
    assert "on-your-mind" in message and "mind-share-one" in message and "235 s" in message


def test_the_same_long_turn_with_a_split_loads_in_parts(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    path = tmp_path / "content" / "en-US" / "exercises.json"
    data = json.loads(path.read_text())
    step = step_of(data, "on-your-mind", "mind-share-one")
    step["turn"] = 420
    step["split"] = ["{speaker}, is there more? Say more time to carry on, or next to move on."]
    next(e for e in data["exercises"] if e["id"] == "on-your-mind")["minutes"] = 20
    path.write_text(json.dumps(data))
    loaded = listening_library.find(
        Catalog.load(tmp_path / "content").for_locale("en-US"), "on-your-mind"
    )
    assert loaded is not None
    parts = next(s for s in loaded.steps if s.id == "mind-share-one").parts
    assert sum(parts) == 420 and len(parts) >= 2


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda s: s.update(advance="cue"), "timer"),
        (lambda s: s.pop("turn"), "timed turn"),
        (lambda s: s.update(narration=["Go ahead, {someone}."]), "someone"),
        (lambda s: s.update(narration=["Go ahead, whoever you are."]), "{speaker}"),
    ],
    ids=["turn-without-timer", "timer-without-turn", "unknown-placeholder", "floor-unsaid"],
)
def test_a_broken_step(
    tmp_path: Path, change: Callable[[dict[str, Any]], Any], reason: str
) -> None:
    message = load_with(
        tmp_path, lambda data: change(step_of(data, "daily-check-in", "check-in-share-one"))
    )
    assert "daily-check-in" in message and "check-in-share-one" in message and reason in message


def test_a_timed_turn_straight_into_another(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        step = step_of(data, "daily-check-in", "check-in-reflect-one-setup")
        step.update(advance="timer", turn=30)

    message = load_with(tmp_path, change)
    assert "check-in-share-one" in message and "cue" in message


def test_an_exercise_that_never_ends(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["exercises"][0]["steps"].pop()

    message = load_with(tmp_path, change)
    assert "daily-check-in" in message and "last step" in message


def test_an_exercise_where_only_one_partner_speaks(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        for step in data["exercises"][0]["steps"]:
            step.pop("swap", None)

    message = load_with(tmp_path, change)
    assert "daily-check-in" in message and "swap" in message


def test_turns_longer_than_the_stated_minutes(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["exercises"][0]["minutes"] = 2

    message = load_with(tmp_path, change)
    assert "daily-check-in" in message and "minutes" in message


def test_fourteen_exercises_or_more_with_short_ones_and_a_wordless_one(
    exercises: tuple[Exercise, ...],
) -> None:
    assert len(exercises) >= 14
    assert sum(1 for e in exercises if 2 <= e.minutes <= 3) >= 3
    assert any("without-words" in e.id or "hug" in e.id for e in exercises)


def test_every_step_has_two_wordings_and_every_opening_says_passing_is_fine(
    exercises: tuple[Exercise, ...],
) -> None:
    for ex in exercises:
        for step in ex.steps:
            assert len(set(step.narration)) >= 2, (ex.id, step.id)
        for intro in ex.intro:
            assert "pass" in intro.lower() and "next" in intro.lower(), (ex.id, intro)


def test_turns_are_equal_and_closings_vary(exercises: tuple[Exercise, ...]) -> None:
    closings: list[str] = []
    for ex in exercises:
        timed = [s for s in ex.steps if s.turn and s.who == "speaker"]
        if len(timed) >= 2:
            half = len(timed) // 2
            first = sum(s.turn or 0 for s in timed[:half])
            second = sum(s.turn or 0 for s in timed[half:])
            assert first == second, (ex.id, first, second)
        closings += ex.steps[-1].narration
    assert not any("take care of each other" in c.lower() for c in closings)
    assert len(set(closings)) == len(closings)
