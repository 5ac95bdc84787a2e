"""Reading ``request.task`` and routing it: any JSON at all reads without an exception, and a
task runs only when its name, version and every input are ones the table has."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from skill.runtime import tasks
from skill.runtime.handlers.envelope import read_envelope
from tests.support.dialog import ROOT

TABLE = tasks.parse(
    json.loads((ROOT / "content" / "en-US" / "tasks.json").read_text(encoding="utf-8"))
)
SKILL = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=12,
)


def _launch(task: Any) -> dict[str, Any]:
    return {"request": {"type": "LaunchRequest", "task": task}}


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_task_value_reads_and_routes_without_raising(task: Any) -> None:
    read = read_envelope(_launch(task)).task
    if read is not None:
        assert isinstance(tasks.route(read, TABLE), tasks.Routed | tasks.Refused)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([t.name for t in TABLE]),
    st.dictionaries(st.text(max_size=12), json_values, max_size=4),
)
def test_a_task_runs_only_with_inputs_it_takes(name: str, given_input: dict[str, Any]) -> None:
    launch = _launch({"name": f"{SKILL}.{name}", "version": "1", "input": given_input})
    read = read_envelope(launch).task
    assert read is not None
    routed = tasks.route(read, TABLE)
    task = next(t for t in TABLE if t.name == name)
    takes = {i.name: set(i.values) for i in task.inputs}
    fits = all(
        value in (None, "") or (key in takes and value in takes[key])
        for key, value in given_input.items()
    )
    assert isinstance(routed, tasks.Routed) == fits, (given_input, routed)
    if isinstance(routed, tasks.Routed):
        assert routed.intent == task.intent
        slot = {i.name: i.slot for i in task.inputs}
        assert routed.slots == {slot[k]: v for k, v in given_input.items() if v not in (None, "")}


def test_names_versions_and_prefixes() -> None:
    first = TABLE[0]
    runs = [(f"{SKILL}.{first.name}", str(first.version)), (first.name, first.version)]
    refused = [
        (f"{SKILL}.{first.name}", str(first.version + 1)),
        (f"{SKILL}.{first.name}x", str(first.version)),
        (f"{SKILL}.{first.name}", True),
        (f"{SKILL}.{first.name}", f"{first.version}.0"),
        (f"{SKILL}.{first.name}", None),
    ]
    for name, version in runs:
        read = read_envelope(_launch({"name": name, "version": version})).task
        assert read is not None and isinstance(tasks.route(read, TABLE), tasks.Routed), name
    for name, version in refused:
        read = read_envelope(_launch({"name": name, "version": version})).task
        assert read is not None
        assert tasks.route(read, TABLE) == tasks.Refused(tasks.UNKNOWN), (name, version)
