"""Sections 1 and 2: warm turn cost and store round trips, in-process through the Lambda
handler, on SQLite and on dynalite, against a bare ask-sdk skill in the same process.

Each iteration is one evening of one household: launch, tonight's question, "repeat",
"help", "stop", then each activity whose flow exists (a listening exercise, a game, a
gratitude prompt), started the way a couple would start it and driven by its cue words. Only
``handler(event, context)`` is timed; the store's own calls are timed separately by the
metered store and subtracted, so a turn's "own" cost is what the skill adds to its round trip.
"""

from __future__ import annotations

import gc
import importlib.util
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import bare
from bench.harness import (
    Couple,
    LoadedLambda,
    TurnRecord,
    load_lambda,
    quiet_logging,
    resolver,
)
from bench.sizes import item_bytes
from bench.stats import Figure, Sample
from skill.runtime.flows.registry import REGISTRY
from skill.tools.nlu import Resolver


@dataclass(frozen=True)
class Activity:
    """How a couple starts an activity, and which of its turns are measured."""

    key: str
    title: str
    module: str
    start: str
    #: Utterances said after the start phrase, each measured as this activity's turn.
    steps: tuple[str, ...]
    #: Whether the start turn itself is the measured turn (a gratitude prompt is one turn).
    measure_start: bool = False
    finish: tuple[str, ...] = ("stop",)


ACTIVITIES = (
    Activity(
        key="exercise",
        title="an exercise step",
        module="skill.runtime.flows.listening",
        start="ask heart to heart for a listening exercise",
        steps=("next", "next", "next"),
    ),
    Activity(
        key="game",
        title="a game turn",
        module="skill.runtime.flows.games",
        start="ask heart to heart to play would you rather",
        steps=("yes", "no", "yes"),
    ),
    Activity(
        key="gratitude",
        title="a gratitude prompt",
        module="skill.runtime.flows.gratitude",
        start="ask heart to heart for a gratitude prompt",
        steps=(),
        measure_start=True,
    ),
)

#: Turn types timed against the bare skill (section 1), in table order.
TIMED = (
    ("launch", "launch"),
    ("tonight", "tonight's question"),
    ("exercise", "an exercise step"),
    ("game", "a game turn"),
    ("gratitude", "a gratitude prompt"),
)
#: Turn types whose store round trips are counted (section 2), with their write limit.
COUNTED = (
    ("launch", "launch", 1),
    ("tonight", "tonight's question", 1),
    ("exercise", "an exercise step", 1),
    ("game", "a game turn", 1),
    ("gratitude", "a gratitude prompt", 1),
    ("help", "help", 0),
    ("repeat", "repeat", 0),
    ("stop", "stop", 0),
)
WARM_MAX_RATIO = 1.5
STORES = ("sqlite", "dynalite")


def unavailable(activity: Activity, nlu: Resolver) -> str:
    """Why an activity can't be driven yet ("" when it can)."""
    if importlib.util.find_spec(activity.module) is None:
        return f"{activity.module.replace('.', '/')}.py not present"
    resolution = nlu.resolve(activity.start)
    if resolution.kind != "intent" or resolution.intent not in REGISTRY.intent_flows:
        return f"{activity.start!r} is not understood by the interaction model yet"
    return ""


@dataclass
class StoreRun:
    """Everything measured on one store."""

    store: str
    records: dict[str, list[TurnRecord]] = field(default_factory=lambda: defaultdict(list))
    bare_s: list[float] = field(default_factory=list)
    missing: dict[str, str] = field(default_factory=dict)
    elapsed_s: float = 0.0
    #: The household's DynamoDB item size after each night (from the last save).
    item_sizes: list[int] = field(default_factory=list)


def evening(couple: Couple, activities: list[Activity], measure: bool) -> None:
    """One evening of one household; turns are labelled only when ``measure``."""

    def label(name: str) -> str | None:
        return name if measure else None

    couple.say("open heart to heart", label("launch"))
    couple.say("tonight's question", label("tonight"))
    couple.say("repeat", label("repeat"))
    couple.say("help", label("help"))
    couple.say("stop", label("stop"))
    for activity in activities:
        turn = couple.say(activity.start, label(activity.key) if activity.measure_start else None)
        for step in activity.steps:
            if not turn.session_open:
                break
            turn = couple.say(step, label(activity.key))
        for line in activity.finish:
            if couple.conversation.in_session:
                couple.say(line)
    couple.next_night()


def drive(
    store: str,
    lam: LoadedLambda,
    nlu: Resolver,
    nights: int,
    warmup: int,
    activities: list[Activity],
    bare_handler: Callable[[dict[str, Any], Any], dict[str, Any]],
    bare_per_night: int = 3,
) -> StoreRun:
    """Run ``warmup`` unmeasured then ``nights`` measured evenings; time the bare skill on
    each evening's own launch envelope between the skill's turns."""
    run = StoreRun(store)
    couple = Couple(lam, nlu, user=f"bench-{store}-{uuid.uuid4().hex[:8]}")
    started = time.perf_counter()
    gc.collect()
    gc.freeze()
    for night in range(warmup + nights):
        measure = night >= warmup
        evening(couple, activities, measure)
        # What the benchmark keeps (records, envelopes) is not the skill's heap: freeze it so
        # the collector doesn't rescan it during later turns, as it wouldn't on Lambda.
        gc.freeze()
        saved = lam.store.last_saved
        if saved is not None:
            run.item_sizes.append(item_bytes(saved, night + 1)[1])
        launch = _last_launch(couple)
        for _ in range(bare_per_night):
            t0 = time.perf_counter()
            bare_handler(launch, None)
            elapsed = time.perf_counter() - t0
            if measure:
                run.bare_s.append(elapsed)
    run.elapsed_s = time.perf_counter() - started
    for label, records in couple.records.items():
        run.records[label].extend(records)
    return run


def _last_launch(couple: Couple) -> dict[str, Any]:
    launch = couple.launch_request
    if launch is None:
        raise RuntimeError("no launch request was sent")
    return launch


def check_activities(run: StoreRun, activities: list[Activity]) -> None:
    """An activity whose measured turns fell back to the top level wasn't really driven."""
    for activity in activities:
        records = run.records.get(activity.key, [])
        if not records:
            run.missing[activity.key] = f"{activity.start!r} gave no turn to measure"
        elif activity.measure_start:
            continue
        elif all(r.activity in ("", "home") for r in records):
            run.missing[activity.key] = (
                f"the cue words {list(activity.steps)} never reached the activity"
            )


def warm_figure(store: str, key: str, title: str, not_measured: str = "") -> Figure:
    return Figure(
        id=f"warm.{store}.{key}",
        section="1 warm turn",
        label=f"{title} ({store})",
        unit="ms",
        max_ratio=WARM_MAX_RATIO,
        target=f"<= {WARM_MAX_RATIO}x, store excluded",
        not_measured=not_measured,
    )


def trip_figure(key: str, title: str, what: str, limit: int) -> Figure:
    return Figure(
        id=f"trips.{key}.{what}",
        section="2 store round trips",
        label=f"{title}: {what}",
        unit="calls",
        max_value=limit,
        target=f"<= {limit} {what[:-1] if limit == 1 else what}",
    )


def skeletons() -> list[Figure]:
    """Every figure this section reports, unmeasured (the table's rows, in order)."""
    warm = [warm_figure(store, key, title) for store in STORES for key, title in TIMED]
    trips = [
        trip_figure(key, title, what, limit)
        for key, title, write_limit in COUNTED
        for what, limit in (("reads", 1), ("writes", write_limit))
    ]
    return warm + trips


def warm_figures(runs: list[StoreRun], missing: dict[str, str]) -> list[Figure]:
    figures: list[Figure] = []
    for run in runs:
        baseline = Sample.of("bare ask-sdk launch", [s * 1000 for s in run.bare_s])
        for key, title in TIMED:
            figure = warm_figure(run.store, key, title)
            reason = missing.get(key) or run.missing.get(key)
            records, failed = _split_failed(run.records.get(key, []))
            if failed:
                figure.detail["failed_turns"] = len(failed)
            if reason or not records:
                figure.not_measured = reason or _no_turns(failed)
            else:
                figure.value = Sample.of(title, [r.own_s * 1000 for r in records])
                figure.baseline = baseline
                with_store = Sample.of("with store", [r.total_s * 1000 for r in records])
                store = Sample.of("store", [r.store_s * 1000 for r in records])
                figure.detail.update(
                    with_store_ms={"median": with_store.median, "p99": with_store.p99},
                    store_ms={"median": store.median, "p99": store.p99},
                )
            figures.append(figure)
    return figures


def round_trip_figures(
    runs: list[StoreRun], missing: dict[str, str], sdk_reads: list[int], sdk_writes: list[int]
) -> list[Figure]:
    figures: list[Figure] = []
    reads_baseline = Sample.of("ask-sdk attributes", sdk_reads)
    writes_baseline = Sample.of("ask-sdk attributes", sdk_writes)
    for key, title, write_limit in COUNTED:
        records, failed = _split_failed([r for run in runs for r in run.records.get(key, [])])
        reason = missing.get(key) or next(
            (run.missing[key] for run in runs if key in run.missing), ""
        )
        stores = sorted({run.store for run in runs if run.records.get(key)})
        for what, limit, baseline in (
            ("reads", 1, reads_baseline),
            ("writes", write_limit, writes_baseline),
        ):
            figure = trip_figure(key, title, what, limit)
            if reason or not records:
                figure.not_measured = reason or _no_turns(failed)
            else:
                counts = [r.reads if what == "reads" else r.writes for r in records]
                figure.value = Sample.of(title, counts)
                figure.baseline = baseline
                figure.detail = {"max": max(counts), "stores": stores}
                if failed:
                    figure.detail["failed_turns"] = len(failed)
            figures.append(figure)
    return figures


def _split_failed(records: list[TurnRecord]) -> tuple[list[TurnRecord], list[TurnRecord]]:
    """Turns that answered normally, and turns that logged an error (they answered with the
    apology, a different and cheaper path, so they are left out of the figures)."""
    return [r for r in records if not r.failed], [r for r in records if r.failed]


def _no_turns(failed: list[TurnRecord]) -> str:
    if failed:
        return f"every turn failed ({len(failed)}); last error: {failed[-1].failed}"
    return "no turns recorded"


def sdk_round_trips(launches: list[dict[str, Any]]) -> tuple[list[int], list[int]]:
    """Round trips of the SDK's conventional persistent-attributes skill, per launch."""
    handler, adapter = bare.persistent()
    reads: list[int] = []
    writes: list[int] = []
    for launch in launches:
        before = (adapter.reads, adapter.writes)
        handler(launch, None)
        reads.append(adapter.reads - before[0])
        writes.append(adapter.writes - before[1])
    return reads, writes


def available_activities(nlu: Resolver) -> tuple[list[Activity], dict[str, str]]:
    ready: list[Activity] = []
    missing: dict[str, str] = {}
    for activity in ACTIVITIES:
        reason = unavailable(activity, nlu)
        if reason:
            missing[activity.key] = reason
        else:
            ready.append(activity)
    return ready, missing


#: Where a warm turn's own time goes: functions timed in a separate, instrumented pass (never
#: in the timed runs). Names that a refactoring removed are skipped.
BREAKDOWN = (
    ("envelope in (ask-sdk deserialize)", "skill.runtime.app", "HeartSkill.deserialize"),
    ("household from its record", "skill.runtime.records.codec", "HouseholdCodec.decode"),
    ("session from JSON", "skill.runtime.handlers.pipeline", "session_from_json"),
    ("dialog (pure flows)", "skill.runtime.flows.dialog", "handle"),
    ("household to its record", "skill.runtime.records.codec", "HouseholdCodec.encode"),
    ("session to JSON", "skill.runtime.handlers.pipeline", "to_dict"),
    ("reply to response", "skill.runtime.handlers.pipeline", "build_response"),
    ("response out (ask-sdk serialize)", "skill.runtime.app", "HeartSkill.serialize"),
)


def breakdown(
    lam: LoadedLambda, nlu: Resolver, activities: list[Activity], nights: int
) -> dict[str, float]:
    """Microseconds per turn spent in each part of ``BREAKDOWN``, and the rest."""
    import importlib

    spent: dict[str, float] = defaultdict(float)
    patches: list[tuple[Any, str, Any]] = []

    depth: dict[str, int] = defaultdict(int)

    def timed(label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            depth[label] += 1
            t0 = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                depth[label] -= 1
                if not depth[label]:  # only the outermost call of a recursive function
                    spent[label] += time.perf_counter() - t0

        return wrapper

    serializer = lam.module._skill.sdk_skill.serializer
    for label, module_name, attr in BREAKDOWN:
        if attr.startswith("HeartSkill."):
            method = attr.split(".", 1)[1]
            target: Any = serializer
        elif "." in attr:
            class_name, method = attr.split(".", 1)
            target = getattr(importlib.import_module(module_name), class_name, None)
        else:
            method = attr
            target = importlib.import_module(module_name)
        original = getattr(target, method, None)
        if original is None:
            continue
        patches.append((target, method, original))
        setattr(target, method, timed(label, original))
    own: list[float] = []
    handler = lam.handler

    def measured(event: dict[str, Any], context: Any) -> dict[str, Any]:
        lam.store.reset()
        t0 = time.perf_counter()
        try:
            return handler(event, context)
        finally:
            own.append(time.perf_counter() - t0 - lam.store.seconds)

    lam.handler = measured
    couple = Couple(lam, nlu, user=f"bench-breakdown-{uuid.uuid4().hex[:8]}")
    try:
        for _ in range(nights):
            evening(couple, activities, measure=False)
    finally:
        lam.handler = handler
        for target, method, original in reversed(patches):
            if target is serializer:
                delattr(target, method)
            else:
                setattr(target, method, original)
    if not own:
        return {}
    turns = len(own)
    out = {label: round(spent[label] / turns * 1e6, 1) for label, _, _ in BREAKDOWN}
    out["everything else (SDK dispatch, handlers, logging)"] = round(
        (sum(own) - sum(spent.values())) / turns * 1e6, 1
    )
    out["own cost per turn (all turns of an evening)"] = round(sum(own) / turns * 1e6, 1)
    return out


def sqlite_lambda(directory: Path) -> LoadedLambda:
    return load_lambda(f"sqlite:///{directory / 'bench.db'}")


def run(
    nights_sqlite: int,
    nights_dynalite: int,
    warmup: int,
    dynalite_endpoint: str | None,
    dynalite_reason: str = "",
) -> tuple[list[Figure], dict[str, Any], list[int]]:
    """Sections 1 and 2."""
    quiet_logging()
    nlu = resolver()
    activities, missing = available_activities(nlu)
    hello = bare.hello_world()
    runs: list[StoreRun] = []
    notes: dict[str, Any] = {"activities": [a.key for a in activities], "missing": missing}
    with tempfile.TemporaryDirectory(prefix="bench-turns-") as tmp:
        lam = sqlite_lambda(Path(tmp))
        runs.append(drive("sqlite", lam, nlu, nights_sqlite, warmup, activities, hello))
        notes["breakdown_us"] = breakdown(lam, nlu, activities, max(3, min(50, nights_sqlite)))
        if dynalite_endpoint is not None:
            from bench import dynalite

            table = f"bench-{uuid.uuid4().hex[:10]}"
            dynalite.create_table(dynalite_endpoint, table)
            lam = load_lambda(dynalite.store_url(dynalite_endpoint, table))
            runs.append(drive("dynalite", lam, nlu, nights_dynalite, warmup, activities, hello))
    for store_run in runs:
        check_activities(store_run, activities)
        notes[f"{store_run.store}_seconds"] = round(store_run.elapsed_s, 2)
    figures = warm_figures(runs, missing)
    if dynalite_endpoint is None:
        for key, title in TIMED:
            figures.append(
                warm_figure("dynalite", key, title, dynalite_reason or "dynalite not available")
            )
    launches = [r.request for r in runs[0].records.get("launch", []) if r.request is not None]
    reads, writes = sdk_round_trips(launches[:200] or [])
    figures.extend(round_trip_figures(runs, missing, reads, writes))
    return figures, notes, runs[0].item_sizes
