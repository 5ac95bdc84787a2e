"""Custom tasks: the actions a couple can put in an Alexa Routine, and what each one starts.

The table is content (``content/<locale>/tasks.json``, one entry per task): a task's name and
version, the intent it runs, and its inputs, each filling one slot of that intent with one of a
fixed list of values. ``heart-to-heart export-skill-package`` turns every entry into
``skill-package/tasks/{name}.{version}.json``; this module is the other half, shared by the
export and the skill so that the two can't disagree about a task.

Alexa starts a task with a ``LaunchRequest`` whose ``request.task`` carries the task's name
(prefixed with the skill id), its version and its input. ``route`` turns that into the
intent and slots the dialog already answers, or says why it can't: a task or version this
skill doesn't have, or an input it doesn't accept. The skill then greets as on any launch.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

#: The content kind holding the table.
SECTION = "tasks"

#: Why a task launch can't run as asked (each has a phrase ``task.<reason>`` to say so).
UNKNOWN = "unknown"
BAD_INPUT = "bad_input"
REASONS = (UNKNOWN, BAD_INPUT)
#: What the envelope reader keeps for an input value that is neither a string nor null.
MALFORMED = "\x00"


class TaskInput(msgspec.Struct, frozen=True):
    """One input: the slot it fills and the values it accepts (slot value ids)."""

    name: str
    slot: str
    values: tuple[str, ...]


class Task(msgspec.Struct, frozen=True):
    """One task as the skill runs it: ``intent`` with ``inputs`` as its slots."""

    name: str
    version: int
    intent: str
    inputs: tuple[TaskInput, ...] = ()


class TaskRequest(msgspec.Struct, frozen=True):
    """``request.task`` as the envelope read it: name, version and input, each defaulted.

    ``input`` keeps every string value by name. An empty string or a null is an input left
    unset; a value of any other type reads as ``MALFORMED``, which no input accepts, so a
    malformed input is refused rather than silently dropped.
    """

    name: str
    version: str = ""
    input: Mapping[str, str] = msgspec.field(default_factory=dict)


class Routed(msgspec.Struct, frozen=True):
    """The task runs as this intent with these slots (resolved ids, as entity resolution gives)."""

    task: Task
    intent: str
    slots: Mapping[str, str]


class Refused(msgspec.Struct, frozen=True):
    """The task can't run: ``reason`` is one of ``REASONS``."""

    reason: str


def parse(section: Mapping[str, Any]) -> tuple[Task, ...]:
    """The table from a ``tasks`` content section (already checked by its schema)."""
    return tuple(
        Task(
            name=entry["name"],
            version=int(entry["version"]),
            intent=entry["intent"],
            inputs=tuple(
                TaskInput(name=i["name"], slot=i["slot"], values=tuple(i["values"]))
                for i in entry["inputs"]
            ),
        )
        for entry in section.get("tasks", ())
    )


def bare_name(name: str) -> str:
    """The task's own name: Alexa sends ``<skill id>.<TaskName>``; a bare name is accepted too."""
    return name.rsplit(".", 1)[-1]


def route(request: TaskRequest, tasks: tuple[Task, ...]) -> Routed | Refused:
    """The intent and slots for a task launch, or why it is refused. Never raises."""
    name = bare_name(request.name)
    version = request.version.strip()
    found = next(
        (t for t in tasks if t.name == name and version.isdigit() and int(version) == t.version),
        None,
    )
    if found is None:
        return Refused(UNKNOWN)
    accepted = {i.name: i for i in found.inputs}
    slots: dict[str, str] = {}
    for key, value in request.input.items():
        if value == "":
            continue
        spec = accepted.get(key)
        if spec is None or value not in spec.values:
            return Refused(BAD_INPUT)
        slots[spec.slot] = value
    return Routed(found, found.intent, slots)
