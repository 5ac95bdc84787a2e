"""Custom tasks through ``handler(event, context)``: a Routine's LaunchRequest carrying
``request.task`` goes straight to the task's activity, skipping the greeting and its offers;
a task or input the skill doesn't have gets a kind word and the ordinary launch.

The tests iterate over the task table (``content/en-US/tasks.json``): each task must start the
activity that owns its intent, recognised by what that activity says.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from skill.runtime.catalog import LocaleContent
from skill.runtime.flows import gratitude
from skill.runtime.flows.tonight import DEPTH_BY_SLOT
from skill.runtime.speech import ssml_to_text
from skill.tools.envelopes import Conversation
from skill.tools.nlu import SlotValue
from tests.support.dialog import ROOT, Dialog, load_handler

ENTRIES: list[dict[str, Any]] = json.loads(
    (ROOT / "content" / "en-US" / "tasks.json").read_text(encoding="utf-8")
)["tasks"]


def launch_task(dialog: Dialog, task: dict[str, Any] | None) -> dict[str, Any]:
    """A Routine's launch: a new session whose LaunchRequest carries ``task``."""
    event = dialog.conversation.launch(dialog.clock.tick())
    if task is not None:
        event["request"]["task"] = task
    response = dialog.handler(event, None)
    dialog.conversation.absorb(response)
    return response


def task_of(entry: dict[str, Any], dialog: Dialog, **inputs: Any) -> dict[str, Any]:
    """The task as Alexa sends it: the name prefixed with the skill id, the version a string."""
    skill_id = dialog.conversation.skill_id
    return {
        "name": f"{skill_id}.{entry['name']}",
        "version": str(entry["version"]),
        "input": inputs,
    }


def speech(response: dict[str, Any]) -> str:
    return ssml_to_text(response["response"]["outputSpeech"]["ssml"])


def questions_in(text: str, content: LocaleContent) -> list[str]:
    return [q.id for q in content.questions if q.text in text]


def prompts_in(text: str, content: LocaleContent) -> list[str]:
    return [p.id for p in gratitude.prompts(content) if p.text in text]


#: How to tell, from what was said, that a task's intent ran its activity.
RECOGNISE: dict[str, Callable[[str, LocaleContent], bool]] = {
    "TonightQuestionIntent": lambda said, content: len(questions_in(said, content)) == 1,
    "GratitudeIntent": lambda said, content: len(prompts_in(said, content)) == 1,
    "WeeklyCheckInIntent": lambda said, content: any(
        v in said for v in content.variants("checkin.intro")
    ),
}
#: Tasks that start something the two of them do together, so the skill keeps the floor (and
#: its reprompt) instead of closing as a one-shot piece does.
RITUALS = frozenset({"WeeklyCheckInIntent"})


def greeted(text: str, content: LocaleContent) -> bool:
    greetings = content.variants("launch.first") + content.variants("launch.returning")
    return any(g in text for g in greetings)


def _inputs_cases(entry: dict[str, Any]) -> list[dict[str, str]]:
    """No input, and every input at once at its first value."""
    every = {spec["name"]: spec["values"][0] for spec in entry["inputs"]}
    return [{}, every] if every else [{}]


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["name"] for e in ENTRIES])
def test_each_task_answers_as_its_intent_asked_in_one_breath(
    tmp_path: Path, entry: dict[str, Any]
) -> None:
    """A task launch is the task's intent with its inputs as slots: on two identical households
    at the same moment, the task and the one-shot intent request say the same thing."""
    now = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
    slot_of = {spec["name"]: spec["slot"] for spec in entry["inputs"]}
    for number, inputs in enumerate(_inputs_cases(entry)):
        by_task = load_handler(f"sqlite:///{tmp_path / f'task-{number}.db'}")
        by_voice = load_handler(f"sqlite:///{tmp_path / f'voice-{number}.db'}")
        device = Conversation(user_id="routine-couple")
        event = device.launch(now)
        event["request"]["task"] = {
            "name": f"{device.skill_id}.{entry['name']}",
            "version": str(entry["version"]),
            "input": inputs,
        }
        slots = {slot_of[k]: SlotValue(spoken=v, value_id=v) for k, v in inputs.items()}
        asked = Conversation(user_id="routine-couple").intent(
            entry["intent"], now, slots=slots, new=True
        )
        said_by_task = by_task(event, None)["response"]
        said_by_voice = by_voice(asked, None)["response"]
        assert said_by_task == said_by_voice, (inputs, said_by_task, said_by_voice)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["name"] for e in ENTRIES])
def test_each_task_runs_its_activity_without_the_greeting(
    dialog: Dialog, content: LocaleContent, entry: dict[str, Any]
) -> None:
    response = launch_task(dialog, task_of(entry, dialog))
    said = speech(response)
    recognise = RECOGNISE.get(entry["intent"])
    assert recognise is None or recognise(said, content), said
    assert not greeted(said, content), "a task skips the greeting and its offers"
    if entry["intent"] in RITUALS:
        # A ritual holds the floor: the routine carries on once the check-in is done.
        assert response["response"]["shouldEndSession"] is False
        assert "reprompt" in response["response"]
    else:
        # A routine runs on: the task says its piece and closes, as a one-shot does.
        assert response["response"]["shouldEndSession"] is True
        assert "reprompt" not in response["response"]


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["name"] for e in ENTRIES])
def test_each_task_accepts_every_value_of_each_of_its_inputs(
    dialog: Dialog, content: LocaleContent, entry: dict[str, Any]
) -> None:
    for spec in entry["inputs"]:
        for value in spec["values"]:
            said = speech(launch_task(dialog, task_of(entry, dialog, **{spec["name"]: value})))
            recognise = RECOGNISE.get(entry["intent"])
            assert recognise is None or recognise(said, content), (spec["name"], value, said)
            assert not greeted(said, content), (spec["name"], value)
            dialog.next_night()


def _tonight() -> dict[str, Any]:
    return next(e for e in ENTRIES if e["intent"] == "TonightQuestionIntent")


@pytest.mark.parametrize(
    ("depth", "theme"),
    [("deep", "dreams"), ("light", "play"), ("personal", ""), ("", "memories")],
)
def test_tonights_question_is_drawn_at_the_depth_and_theme_asked(
    dialog: Dialog, content: LocaleContent, depth: str, theme: str
) -> None:
    inputs = {k: v for k, v in (("depth", depth), ("theme", theme)) if v}
    for _ in range(3):
        said = speech(launch_task(dialog, task_of(_tonight(), dialog, **inputs)))
        (qid,) = questions_in(said, content)
        question = content.question(qid)
        assert question is not None
        if depth:
            assert question.depth == DEPTH_BY_SLOT[depth], said
        if theme:
            assert question.theme == theme, said
        dialog.next_night()


def test_a_task_choice_is_for_tonight_and_leaves_their_preferences(
    dialog: Dialog, content: LocaleContent
) -> None:
    """A routine that asks for deep questions doesn't make every evening deep: the next
    ordinary question is at their usual depth again (light or personal)."""
    launch_task(dialog, task_of(_tonight(), dialog, depth="deep", theme="trust"))
    dialog.next_night()
    for _ in range(4):
        said = dialog.say("ask heart to heart for tonight's question").speech
        (qid,) = questions_in(said, content)
        question = content.question(qid)
        assert question is not None and question.depth in (1, 2), said
        dialog.next_night()


def test_the_routine_twice_in_one_night_keeps_tonights_question(
    dialog: Dialog, content: LocaleContent
) -> None:
    first = questions_in(speech(launch_task(dialog, task_of(_tonight(), dialog))), content)
    again = questions_in(speech(launch_task(dialog, task_of(_tonight(), dialog))), content)
    assert first == again and len(first) == 1
    asked = dialog.say("ask heart to heart for tonight's question").speech
    assert questions_in(asked, content) == first


def test_a_task_asking_another_theme_than_tonights_question_gets_a_fitting_one(
    dialog: Dialog, content: LocaleContent
) -> None:
    (first,) = questions_in(dialog.say("ask heart to heart for tonight's question").speech, content)
    drawn = content.question(first)
    assert drawn is not None
    other = next(t for t in ("dreams", "play", "memories") if t != drawn.theme)
    said = speech(launch_task(dialog, task_of(_tonight(), dialog, theme=other)))
    (qid,) = questions_in(said, content)
    question = content.question(qid)
    assert question is not None and question.theme == other


def test_a_bare_task_name_and_a_numeric_version_work_too(
    dialog: Dialog, content: LocaleContent
) -> None:
    entry = next(e for e in ENTRIES if e["intent"] == "GratitudeIntent")
    said = speech(launch_task(dialog, {"name": entry["name"], "version": entry["version"]}))
    assert RECOGNISE[entry["intent"]](said, content), said


def _bad_tasks(dialog: Dialog) -> dict[str, tuple[Any, str]]:
    """Broken task launches and the phrase that should explain each."""
    tonight = _tonight()
    good = task_of(tonight, dialog)
    return {
        "unknown name": ({**good, "name": f"{dialog.conversation.skill_id}.Dance"}, "unknown"),
        "other version": ({**good, "version": "99"}, "unknown"),
        "no version": ({"name": good["name"]}, "unknown"),
        "word version": ({**good, "version": "one"}, "unknown"),
        "unknown input": ({**good, "input": {"mood": "happy"}}, "bad_input"),
        "unknown value": ({**good, "input": {"theme": "the moon"}}, "bad_input"),
        "wrong case": ({**good, "input": {"depth": "DEEP"}}, "bad_input"),
        "number value": ({**good, "input": {"depth": 3}}, "bad_input"),
        "object value": ({**good, "input": {"theme": {"id": "dreams"}}}, "bad_input"),
        "huge value": ({**good, "input": {"theme": "x" * 100_000}}, "bad_input"),
        "many inputs": ({**good, "input": {f"k{i}": "v" for i in range(500)}}, "bad_input"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "unknown name",
        "other version",
        "no version",
        "word version",
        "unknown input",
        "unknown value",
        "wrong case",
        "number value",
        "object value",
        "huge value",
        "many inputs",
    ],
)
def test_a_task_the_skill_cannot_run_says_so_then_launches_as_usual(
    dialog: Dialog, content: LocaleContent, case: str
) -> None:
    task, reason = _bad_tasks(dialog)[case]
    response = launch_task(dialog, task)
    said = speech(response)
    assert any(v in said for v in content.variants(f"task.{reason}")), said
    assert greeted(said, content), "then the ordinary launch"
    assert response["response"]["shouldEndSession"] is False and "reprompt" in response["response"]
    assert not questions_in(said, content), "nothing was started on a guess"


def test_a_refused_task_stays_within_two_breaths_before_the_launch_asks(
    dialog: Dialog, content: LocaleContent
) -> None:
    """The kind word comes before the usual launch, which still asks within 40 words for a
    couple who has been here before (a routine is set up by a couple who has)."""
    dialog.say("open heart to heart")
    dialog.say("stop")
    for case, (task, _) in _bad_tasks(dialog).items():
        said = speech(launch_task(dialog, task))
        before_the_ask = said.split("?")[0]
        assert len(before_the_ask.split()) <= 40, (case, said)
        dialog.next_night()


@pytest.mark.parametrize("task", [None, "TonightsQuestion", [], {"version": "1"}, {"name": 7}])
def test_a_launch_without_a_readable_task_is_the_ordinary_launch(
    dialog: Dialog, content: LocaleContent, task: Any
) -> None:
    event = dialog.conversation.launch(dialog.clock.tick())
    if task is not None:
        event["request"]["task"] = task
    said = speech(dialog.handler(event, None))
    assert greeted(said, content)
    for reason in ("unknown", "bad_input"):
        assert not any(v in said for v in content.variants(f"task.{reason}"))


def test_an_unset_optional_input_is_no_input(dialog: Dialog, content: LocaleContent) -> None:
    said = speech(launch_task(dialog, task_of(_tonight(), dialog, depth="", theme=None)))
    assert len(questions_in(said, content)) == 1, said
