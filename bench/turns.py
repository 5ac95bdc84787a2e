"""Sections 1 to 3: warm turn cost, store round trips and content at scale, in-process
through the Lambda handler, on SQLite and on dynalite, against a bare ask-sdk skill in the
same process.

Each iteration is one evening of one household: launch, tonight's question, "repeat",
"help", "stop", then each activity whose flow exists (a listening exercise, a game, a
gratitude prompt), started the way a couple would start it and driven by its cue words. Only
``handler(event, context)`` is timed, in CPU seconds; the store's own calls are timed
separately by the metered store and subtracted, except the record's JSON codec, which is
the household codec's work and stays the skill's (``bench/harness.py``). Right after each
measured turn the bare ask-sdk skill answers the very same envelope: that is the turn's
baseline. On dynalite, the store calls' CPU in this process (botocore) is a figure of its
own, beside a plain botocore client's GetItem and PutItem of the same item.

Content at scale: the same evenings on 1x, 10x and 100x content (``tests/support/decks``);
a turn's cost must not grow with the deck.
"""

from __future__ import annotations

import gc
import importlib.util
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, closing, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

from bench import bare
from bench.harness import (
    LAMBDA_LOG,
    ROOT,
    Couple,
    LoadedLambda,
    MeteredStore,
    TurnRecord,
    cpu,
    lambda_logging,
    load_lambda,
    resolver,
)
from bench.sizes import item_bytes
from bench.stats import Figure, Sample
from skill.runtime.flows.registry import REGISTRY
from skill.runtime.store.port import JsonDict
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
WARM_MAX_RATIO = 1.2
STORES = ("sqlite", "dynalite")
#: Content sizes each turn kind is measured at, and how much a turn may grow from 1x to 100x.
SCALES = (1, 10, 100)
SCALE_MAX_RATIO = 1.2
#: Households whose first turn in a process is timed at each scale (section 1c), and the
#: evenings of tonight's question each had before, so its heard sets reach across the deck.
FIRST_TURN_HOUSEHOLDS = 40
FIRST_TURN_EVENINGS = 30
#: Households made as those are whose launches warm each process first, untimed: a process's
#: first few households ran every part of a launch 1.3 to 1.5 times slower than its eighth
#: (decoding, the dialog, rendering alike, at 100x content), the process's own warming on
#: paths a fresh household's launch never takes (cold start and the first read of each
#: content kind are figures of their own).
FIRST_TURN_WARMING = 3
#: Fresh interpreters that time those first turns at each scale (``first_turns_apart``): one
#: process's figure moved by half with its heap and caches, so it is never one process's.
FIRST_TURN_PROCESSES = 6
BOTOCORE_MAX_RATIO = 1.2


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
    #: CPU seconds of a plain botocore GetItem + PutItem of the night's item (dynalite only).
    botocore_bare_s: list[float] = field(default_factory=list)


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
    plain_client: Callable[[JsonDict], float] | None = None,
    measured_with: AbstractContextManager[Any] | None = None,
) -> StoreRun:
    """Run ``warmup`` unmeasured then ``nights`` measured evenings; the bare skill answers
    each measured turn's own envelope right after it (``Couple.bare``). The measured
    evenings run inside ``measured_with`` when given (the stack alone's fixed flows)."""
    run = StoreRun(store)
    couple = Couple(lam, nlu, user=f"bench-{store}-{uuid.uuid4().hex[:8]}", bare=bare_handler)
    started = time.perf_counter()
    gc.collect()
    gc.freeze()
    with ExitStack() as during:
        for night in range(warmup + nights):
            measure = night >= warmup
            if night == warmup and measured_with is not None:
                during.enter_context(measured_with)
            evening(couple, activities, measure)
            # What the benchmark keeps (records, envelopes) is not the skill's heap: freeze it
            # so the collector doesn't rescan it during later turns, as it wouldn't on Lambda.
            gc.freeze()
            saved = lam.store.last_saved
            if saved is not None:
                run.item_sizes.append(item_bytes(saved, night + 1)[1])
                if plain_client is not None and measure:
                    run.botocore_bare_s.append(plain_client(saved))
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
        max_ratio_p99=WARM_MAX_RATIO,
        target=f"<= {WARM_MAX_RATIO}x bare, same envelope",
        not_measured=not_measured,
    )


def botocore_figure(not_measured: str = "") -> Figure:
    return Figure(
        id="warm.dynalite.botocore",
        section="1 warm turn",
        label="botocore CPU of a read+write turn (dynalite)",
        unit="ms",
        max_ratio=BOTOCORE_MAX_RATIO,
        max_ratio_p99=BOTOCORE_MAX_RATIO,
        target=f"<= {BOTOCORE_MAX_RATIO}x a plain client",
        not_measured=not_measured,
    )


STACK_TITLE = "the stack alone: every flow a fixed reply and a one-field change"


def stack_figure(store: str = "sqlite", not_measured: str = "") -> Figure:
    """Reported, no target: what a turn costs on ``store`` with the conversation taken out
    (the floor under the flows, ``stack_figure_of``). On dynalite it is also the floor under
    the store's round trips: the same calls as on SQLite, run after two waits on a socket."""
    return Figure(
        id=f"warm.{store}.stack",
        section="1 warm turn",
        label=f"{STACK_TITLE} ({store})",
        unit="ms",
        target="reported: the floor under the flows",
        not_measured=not_measured,
    )


def _fixed_turn(state: Any, event: Any, content: Any, now: Any, rng: Any) -> tuple[Any, Any]:
    """``dialog.handle`` with the conversation taken out: the bare skill's sentence, asked,
    and one field of the household changed, so the turn still reads, decodes, encodes and
    writes the household, routes, renders, keeps its session and logs its line."""
    from skill.runtime import copying
    from skill.runtime.reply import Reply, Say

    household = copying.replace(state.household, visits=state.household.visits + 1)
    return copying.replace(state, household=household), Reply.ask(
        (Say(bare.SPEECH),), (Say(bare.SPEECH),)
    )


@contextmanager
def _fixed_flows() -> Iterator[None]:
    """Every flow replaced by ``_fixed_turn`` while inside."""
    from skill.runtime.flows import dialog

    real = dialog.handle
    dialog.handle = _fixed_turn  # type: ignore[assignment]
    try:
        yield
    finally:
        dialog.handle = real  # type: ignore[assignment]


WAITING_TITLE = "the stack alone on SQLite, each store call lasting as long as a dynalite call"
#: How long a store call lasts in the waiting stack when dynalite gave no measure of its own.
DEFAULT_WAIT_S = 0.003


def waiting_figure(not_measured: str = "") -> Figure:
    """Reported, no target: the stack alone on SQLite with every store call made to last as
    long as a call to dynalite, the CPU unchanged (the wait is a sleep). The same calls as
    the plain stack: what it adds is what a network store's wait alone costs the code that
    runs after it, which the bare skill, calling no store, never pays."""
    return Figure(
        id="warm.sqlite.stack_waiting",
        section="1 warm turn",
        label=WAITING_TITLE,
        unit="ms",
        target="reported: what waiting on a store costs the code after it",
        not_measured=not_measured,
    )


@contextmanager
def _waiting(store: MeteredStore, seconds: float) -> Iterator[None]:
    """Every call of ``store`` lasts ``seconds`` longer while inside (asleep: no CPU)."""
    store.wait_s = seconds
    try:
        yield
    finally:
        store.wait_s = 0.0


@contextmanager
def _fixed_flows_waiting(store: MeteredStore, seconds: float) -> Iterator[None]:
    with _fixed_flows(), _waiting(store, seconds):
        yield


def store_call_s(run: StoreRun) -> float:
    """The median wall seconds of one store call in ``run``'s measured turns."""
    per_call = [
        r.store_s / (r.reads + r.writes)
        for key, _ in TIMED
        for r in run.records.get(key, [])
        if r.reads + r.writes
    ]
    return Sample.of("store call", per_call).median if per_call else DEFAULT_WAIT_S


def stack_figure_of(run: StoreRun, figure: Figure) -> Figure:
    """The stack alone, from a run of evenings whose measured ones had ``_fixed_flows``,
    after real ones (so the household is as full as a lived-in one), each turn against the
    bare skill on its own envelope. What is left over the bare skill is the skill's machinery
    (its envelope reader, the SDK's dispatch, the household's codec and store calls, the
    response, the log line); a turn's cost above this is its flow's work."""
    records, failed = _split_failed([r for key, _ in TIMED for r in run.records.get(key, [])])
    if not records:
        figure.not_measured = _no_turns(failed)
        return figure
    figure.value = Sample.of(figure.label, _ms([r.own_s for r in records]))
    figure.baseline = Sample.of("bare ask-sdk, same envelopes", _ms([r.bare_s for r in records]))
    figure.detail.update(_turn_detail(records))
    figure.detail["by_kind"] = _ratios_by_kind(run)
    return figure


def _ratios_by_kind(run: StoreRun) -> dict[str, dict[str, float]]:
    """Each turn kind's stack alone against the bare skill on its own envelopes: the floor
    under that kind's flow (its warm figure's ratio less this one is the flow's work)."""
    out: dict[str, dict[str, float]] = {}
    for key, _ in TIMED:
        records, _failed = _split_failed(run.records.get(key, []))
        if not records:
            continue
        own = Sample.of(key, _ms([r.own_s for r in records]))
        bare = Sample.of(key, _ms([r.bare_s for r in records]))
        out[key] = {
            "own_ms": round(own.median, 4),
            "bare_ms": round(bare.median, 4),
            "ratio": round(own.median / bare.median, 3),
            "ratio_p99": round(own.p99 / bare.p99, 3),
        }
    return out


def scale_figure(
    key: str, title: str, not_measured: str = "", section: str = "1b warm turn at 100x content"
) -> Figure:
    return Figure(
        id=f"scale.{key}",
        section=section,
        label=f"{title} at 100x content",
        unit="ms",
        max_ratio=SCALE_MAX_RATIO,
        max_ratio_p99=SCALE_MAX_RATIO,
        target=f"<= {SCALE_MAX_RATIO}x the same turn at 1x",
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
    scale = [scale_figure(key, title) for key, title in TIMED]
    stacks = [stack_figure(store) for store in STORES]
    return [*warm, *stacks, waiting_figure(), botocore_figure(), *trips, *scale]


def _ms(values: list[float]) -> list[float]:
    return [v * 1000 for v in values]


def warm_figures(runs: list[StoreRun], missing: dict[str, str]) -> list[Figure]:
    figures: list[Figure] = []
    for run in runs:
        for key, title in TIMED:
            figure = warm_figure(run.store, key, title)
            reason = missing.get(key) or run.missing.get(key)
            records, failed = _split_failed(run.records.get(key, []))
            if failed:
                figure.detail["failed_turns"] = len(failed)
            if reason or not records:
                figure.not_measured = reason or _no_turns(failed)
            else:
                figure.value = Sample.of(title, _ms([r.own_s for r in records]))
                figure.baseline = Sample.of(
                    "bare ask-sdk, same envelopes", _ms([r.bare_s for r in records])
                )
                figure.detail.update(_turn_detail(records))
            figures.append(figure)
    return figures


def _turn_detail(records: list[TurnRecord]) -> dict[str, Any]:
    """The rest of what a turn cost: wall time with and without the store, its CPU parts."""
    out: dict[str, Any] = {}
    for name, values in (
        ("with_store_wall_ms", [r.total_s for r in records]),
        ("store_wall_ms", [r.store_s for r in records]),
        ("own_wall_ms", [r.own_wall_s for r in records]),
        ("store_cpu_ms", [r.store_cpu_s for r in records]),
        ("record_json_ms", [r.json_s for r in records]),
    ):
        sample = Sample.of(name, _ms(values))
        out[name] = {"median": round(sample.median, 4), "p99": round(sample.p99, 4)}
    return out


def botocore_figures(runs: list[StoreRun], reason: str) -> list[Figure]:
    """The store calls' CPU in this process on dynalite, for turns that read and wrote,
    against a plain botocore client's GetItem and PutItem of the same item."""
    figure = botocore_figure(reason)
    run = next((r for r in runs if r.store == "dynalite"), None)
    if run is None:
        figure.not_measured = reason or "dynalite not available"
        return [figure]
    records = [
        r
        for key, _ in TIMED
        for r in run.records.get(key, [])
        if not r.failed and r.reads == 1 and r.writes == 1
    ]
    if not records or not run.botocore_bare_s:
        figure.not_measured = "no turn read and wrote"
        return [figure]
    figure.value = Sample.of("store calls' CPU", _ms([r.store_cpu_s for r in records]))
    figure.baseline = Sample.of("plain botocore get+put", _ms(run.botocore_bare_s))
    return [figure]


def scale_figures(by_scale: dict[int, StoreRun], missing: dict[str, str]) -> list[Figure]:
    """Each turn kind at 100x content against the same turn kind at 1x (own CPU)."""
    figures: list[Figure] = []
    for key, title in TIMED:
        figure = scale_figure(key, title)
        samples: dict[int, Sample] = {}
        for factor, run in by_scale.items():
            records, _ = _split_failed(run.records.get(key, []))
            if records:
                samples[factor] = Sample.of(f"{factor}x", _ms([r.own_s for r in records]))
        if missing.get(key):
            figure.not_measured = missing[key]
        elif 1 not in samples or max(SCALES) not in samples:
            figure.not_measured = "no turns recorded at 1x and 100x"
        else:
            figure.value = samples[max(SCALES)]
            figure.baseline = samples[1]
            figure.detail = {
                f"{factor}x_ms": {"median": round(s.median, 4), "p99": round(s.p99, 4)}
                for factor, s in sorted(samples.items())
            }
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
#: in the timed runs). Names that a refactoring removed are skipped. ``A.b`` is attribute
#: ``b`` of ``A`` in the module (a class's method, or an object's: ``log.info`` is the turn
#: log line); ``HeartSkill.serialize`` is the SDK serializer the skill holds.
BREAKDOWN = (
    ("envelope in (our reader)", "skill.runtime.app", "read_envelope"),
    ("the SDK's envelope object", "skill.runtime.app", "sdk_envelope"),
    (
        "the SDK's attributes manager (copies the session attributes)",
        "ask_sdk_core.attributes_manager",
        "AttributesManager.__init__",
    ),
    ("household key (sha256)", "skill.runtime.handlers.pipeline", "household_key"),
    ("session from JSON", "skill.runtime.handlers.pipeline", "session_from_json"),
    ("household from its record", "skill.runtime.records.codec", "HouseholdCodec.decode"),
    ("dialog (pure flows)", "skill.runtime.flows.dialog", "handle"),
    ("household to its record", "skill.runtime.records.codec", "HouseholdCodec.encode_text"),
    ("session to JSON", "skill.runtime.handlers.pipeline", "to_dict"),
    ("reply to response", "skill.runtime.handlers.pipeline", "render_response"),
    ("the turn log line", "skill.runtime.handlers.pipeline", "log.info"),
    ("response out (to JSON)", "skill.runtime.app", "envelope_json"),
    ("response out (ask-sdk serialize)", "skill.runtime.app", "HeartSkill.serialize"),
)
#: The record's JSON text codec runs inside the store calls: the metered store times it.
RECORD_JSON = "record JSON text (in the store calls)"


def _patch_target(module_name: str, attr: str, serializer: Any) -> tuple[Any, str] | None:
    import importlib

    if attr.startswith("HeartSkill."):
        return serializer, attr.split(".", 1)[1]
    target: Any = importlib.import_module(module_name)
    *path, method = attr.split(".")
    for name in path:
        target = getattr(target, name, None)
        if target is None:
            return None
    return (target, method) if getattr(target, method, None) is not None else None


#: A turn's parts beyond ``BREAKDOWN``'s, timed per turn kind: where the flows' work goes.
FLOW_PARTS = (
    ("tonight's draw", "skill.runtime.flows.tonight", "draw"),
    ("tonight's record (history, journal)", "skill.runtime.flows.tonight", "record_tonight"),
    ("a gratitude draw", "skill.runtime.flows.gratitude", "draw"),
    ("a fresh view of a deck (heard positions)", "skill.runtime.draws", "FreshView.__init__"),
    ("seen-set encoding (in the codec)", "skill.runtime.records.codec", "seen.encode"),
    ("journal encoding (codec)", "skill.runtime.records.codec", "HouseholdCodec._journal_of"),
    ("the record's text (sizing the save)", "skill.runtime.turn", "_Turn.fit"),
)


@dataclass
class Breakdown:
    """Microseconds per turn in each part, over every turn of an evening and per turn kind
    (each kind's own cost and parts; ``FLOW_PARTS`` only per kind)."""

    overall: dict[str, float]
    by_kind: dict[str, dict[str, float]]


def breakdown(
    lam: LoadedLambda, nlu: Resolver, activities: list[Activity], nights: int
) -> Breakdown:
    """Microseconds per turn spent in each part of ``BREAKDOWN`` (and ``FLOW_PARTS``, per
    turn kind), and the rest (wall time in an instrumented pass: the parts are proportions,
    the timed runs give the totals)."""
    spent: dict[str, float] = defaultdict(float)
    kinds: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    patches: list[tuple[Any, str, Any, bool]] = []
    depth: dict[str, int] = defaultdict(int)
    current: list[str | None] = [None]

    def timed(label: str, function: Callable[..., Any], overall: bool) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            depth[label] += 1
            t0 = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                depth[label] -= 1
                if not depth[label]:  # only the outermost call of a recursive function
                    took = time.perf_counter() - t0
                    if overall:
                        spent[label] += took
                    if current[0] is not None:
                        kinds[current[0]][label] += took

        return wrapper

    serializer = lam.module._skill.sdk_skill.serializer
    parts = [(*part, True) for part in BREAKDOWN] + [(*part, False) for part in FLOW_PARTS]
    for label, module_name, attr, overall in parts:
        found = _patch_target(module_name, attr, serializer)
        if found is None:
            continue
        target, method = found
        # An object's own attribute (not a class's or module's) is removed again afterwards.
        own_attr = not isinstance(target, type | ModuleType)
        patches.append((target, method, getattr(target, method), own_attr))
        setattr(target, method, timed(label, getattr(target, method), overall))
    own: list[float] = []
    own_by_kind: dict[str, list[float]] = defaultdict(list)
    handler = lam.handler
    couple = Couple(lam, nlu, user=f"bench-breakdown-{uuid.uuid4().hex[:8]}")

    def measured(event: dict[str, Any], context: Any) -> dict[str, Any]:
        lam.store.reset()
        current[0] = couple._label
        t0 = time.perf_counter()
        try:
            return handler(event, context)
        finally:
            took = time.perf_counter() - t0 - lam.store.seconds + lam.store.json_s
            own.append(took)
            spent[RECORD_JSON] += lam.store.json_s
            if current[0] is not None:
                own_by_kind[current[0]].append(took)
                kinds[current[0]][RECORD_JSON] += lam.store.json_s
            current[0] = None

    lam.handler = measured
    try:
        for _ in range(nights):
            evening(couple, activities, measure=True)
    finally:
        lam.handler = handler
        for target, method, original, own_attr in reversed(patches):
            if own_attr:
                delattr(target, method)
            else:
                setattr(target, method, original)
    if not own:
        return Breakdown({}, {})
    turns = len(own)
    labels = [label for label, _, _ in BREAKDOWN] + [RECORD_JSON]
    out = {label: round(spent[label] / turns * 1e6, 1) for label in labels if label in spent}
    out["everything else (SDK dispatch, handlers, flows' glue)"] = round(
        (sum(own) - sum(spent.values())) / turns * 1e6, 1
    )
    out["own cost per turn (all turns of an evening)"] = round(sum(own) / turns * 1e6, 1)
    by_kind: dict[str, dict[str, float]] = {}
    for key, _ in TIMED:
        times = own_by_kind.get(key)
        if not times:
            continue
        count = len(times)
        found = {label: round(v / count * 1e6, 1) for label, v in kinds[key].items() if v}
        found["own cost per turn"] = round(sum(times) / count * 1e6, 1)
        by_kind[key] = found
    return Breakdown(out, by_kind)


def sqlite_lambda(directory: Path, **env: str) -> LoadedLambda:
    return load_lambda(f"sqlite:///{directory / 'bench.db'}", **env)


def plain_client(endpoint: str, table: str) -> Callable[[JsonDict], float]:
    """A plain botocore client's GetItem and PutItem of an item: its CPU seconds."""
    from bench import dynalite
    from skill.runtime.store.dynamodb import PK_ATTR, item_for

    client = dynalite.client(endpoint)
    key = "bench-plain-client"

    def get_and_put(data: JsonDict) -> float:
        item = item_for(key, data, 1)
        started = cpu()
        client.get_item(TableName=table, Key={PK_ATTR: {"S": key}}, ConsistentRead=True)
        client.put_item(TableName=table, Item=item)
        return cpu() - started

    return get_and_put


def first_turn_figure(not_measured: str = "") -> Figure:
    return scale_figure(
        "first_turn",
        "a household's first turn in a process (launch)",
        not_measured,
        section="1c a household's first turn in a process",
    )


def make_first_households(directory: Path, content: Path, nlu: Resolver) -> list[str]:
    """Households for the first-turn figure, in a SQLite file under ``directory``: each
    made by one Lambda, a tonight's question a night (``FIRST_TURN_EVENINGS``), so its heard
    sets reach across the deck. Returns their users: the first ``FIRST_TURN_WARMING`` warm
    each process, the rest are timed."""
    maker = sqlite_lambda(directory, HEART_CONTENT_DIR=str(content))
    made = FIRST_TURN_WARMING + FIRST_TURN_HOUSEHOLDS
    users = [f"bench-first-{uuid.uuid4().hex[:8]}" for _ in range(made)]
    for user in users:
        couple = Couple(maker, nlu, user=user)
        for _ in range(FIRST_TURN_EVENINGS):
            couple.say("open heart to heart")
            couple.say("tonight's question")
            couple.next_night()
    maker.store.inner.close()
    return users


@dataclass(frozen=True)
class FirstTurn:
    """One household's first turn in a process: the skill's own CPU seconds, and the
    seconds the cyclic collector spent in it on generations 1 and 2 (a full pass over what
    the process's memories hold; a generation-0 pass is tens of microseconds)."""

    own_s: float
    collecting_s: float = 0.0


class CollectorClock:
    """Seconds the cyclic collector runs generation 1 and 2 passes while ``inside`` is set,
    as a ``gc.callbacks`` entry: the first turns' slowest few each held one such pass
    (0.55 to 0.97 ms at the thirtieth household in every process, in a profile of them), so
    the figure keeps which turns did."""

    def __init__(self) -> None:
        self.spent = 0.0
        self.inside = False
        self._started: float | None = None

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if info.get("generation", 0) < 1:
            return
        if phase == "start":
            self._started = time.perf_counter() if self.inside else None
        elif self._started is not None:
            self.spent += time.perf_counter() - self._started
            self._started = None


def first_turns(
    directory: Path, content: Path, users: list[str], nlu: Resolver, warming: int = 0
) -> list[FirstTurn]:
    """Each household's first turn in this process (a launch) after the first ``warming``
    households' (untimed, ``FIRST_TURN_WARMING``): its own CPU seconds, and the collector's
    seconds inside it (``CollectorClock``).

    On a busy Lambda most turns are that one: a container serves many households, and one
    it hasn't met must order the cells its heard sets name (``records.seen.Cells``) before
    it can read its record. A Lambda on the households' store, warmed by a household of its
    own, times each one's launch. ``bench.first_child`` runs this in a fresh interpreter
    (``first_turns_apart``): in the benchmark's own process the turns' figure moved with
    the heap every other section left behind."""
    env = {"HEART_CONTENT_DIR": str(content)}
    timer = sqlite_lambda(directory, **env)
    warm = Couple(timer, nlu, user=f"bench-first-warm-{uuid.uuid4().hex[:8]}")
    for _ in range(3):
        warm.say("open heart to heart")
        warm.say("tonight's question")
        warm.next_night()
    turns: list[FirstTurn] = []
    later = warm.start + timedelta(days=FIRST_TURN_EVENINGS)
    for user in users[:warming]:
        Couple(timer, nlu, user=user, start=later).say("open heart to heart")
    clock = CollectorClock()
    handler = timer.handler

    def timed(event: dict[str, Any], context: Any) -> dict[str, Any]:
        clock.inside = True
        try:
            return handler(event, context)
        finally:
            clock.inside = False

    timer.handler = timed
    # Frozen, so the collector doesn't rescan what loading left during the timed turns, as
    # ``drive`` freezes the benchmark's own.
    gc.collect()
    gc.freeze()
    gc.callbacks.append(clock)
    try:
        for user in users[warming:]:
            couple = Couple(timer, nlu, user=user, start=later)
            before = clock.spent
            couple.say("open heart to heart", "first")
            collecting = clock.spent - before
            turns.extend(
                FirstTurn(r.own_s, collecting) for r in couple.records["first"] if not r.failed
            )
    finally:
        gc.callbacks.remove(clock)
    return turns


def first_turns_apart(
    made: dict[int, tuple[Path, Path, list[str]]], tmp: Path, processes: int
) -> dict[int, list[list[FirstTurn]]]:
    """``first_turns`` at each scale in ``processes`` fresh interpreters, the scales taking
    turns (so a slower stretch of a shared machine falls on both): each process times a
    copy of the households as they were made, as a new Lambda container meets them.
    ``made``: each scale's store directory, content directory and users. Returns each
    scale's turns, one list per process."""
    timed: dict[int, list[list[FirstTurn]]] = {factor: [] for factor in made}
    for round_ in range(processes):
        order = sorted(made) if round_ % 2 == 0 else sorted(made, reverse=True)
        for factor in order:
            directory, content, users = made[factor]
            copy = tmp / f"first-{factor}-{round_}"
            copy.mkdir()
            with (
                closing(sqlite3.connect(directory / "bench.db")) as source,
                closing(sqlite3.connect(copy / "bench.db")) as target,
            ):
                source.backup(target)
            timed[factor].append(_first_child(copy, content, users))
    return timed


def _first_child(directory: Path, content: Path, users: list[str]) -> list[FirstTurn]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.first_child",
            str(directory),
            str(content),
            str(FIRST_TURN_WARMING),
        ],
        input=json.dumps(users),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench.first_child failed: {done.stderr[-2000:]}")
    return [FirstTurn(own, collecting) for own, collecting in json.loads(done.stdout)]


def first_turn_figures(by_scale: dict[int, list[list[FirstTurn]]]) -> list[Figure]:
    """The first turn at 100x against 1x: every process's turns pooled at each scale, each
    process's median beside them (``first_turns_apart``), and the turns a generation-1 or
    -2 collection ran in, with the p99 of the others (the target is judged on them all)."""
    figure = first_turn_figure()
    pooled = {factor: [t for one in runs for t in one] for factor, runs in by_scale.items()}
    if not pooled.get(1) or not pooled.get(max(SCALES)):
        figure.not_measured = "no first turns recorded at 1x and 100x"
        return [figure]
    samples = {
        factor: Sample.of(f"{factor}x", _ms([t.own_s for t in turns]))
        for factor, turns in pooled.items()
        if turns
    }
    figure.value = samples[max(SCALES)]
    figure.baseline = samples[1]
    figure.detail = {
        f"{factor}x_ms": {
            "median": round(x.median, 4),
            "p99": round(x.p99, 4),
            "process_medians": [
                round(statistics.median(_ms([t.own_s for t in one])), 4)
                for one in by_scale[factor]
                if one
            ],
            **_collections(pooled[factor]),
        }
        for factor, x in sorted(samples.items())
    }
    return [figure]


def _collections(turns: list[FirstTurn]) -> dict[str, Any]:
    """How many turns held a generation-1 or -2 collection, its median milliseconds in
    them, and the p99 of the turns that held none."""
    held = [t.collecting_s for t in turns if t.collecting_s > 0]
    clear = [t.own_s for t in turns if t.collecting_s == 0]
    return {
        "turns_collecting": len(held),
        "collecting_median": round(statistics.median(_ms(held)), 4) if held else 0.0,
        "p99_not_collecting": round(Sample.of("clear", _ms(clear)).p99, 4) if clear else None,
    }


def scale_runs(
    nlu: Resolver,
    nights: int,
    warmup: int,
    activities: list[Activity],
    bare_handler: Callable[[dict[str, Any], Any], dict[str, Any]],
    tmp: Path,
    first_processes: int = FIRST_TURN_PROCESSES,
) -> tuple[dict[int, StoreRun], dict[int, list[list[FirstTurn]]]]:
    """The same evenings on 1x, 10x and 100x content (SQLite), a fresh household each, and
    at each scale the first turns of households a process hasn't met (``first_turns``)."""
    from tests.support.decks import scaled_content

    runs: dict[int, StoreRun] = {}
    made: dict[int, tuple[Path, Path, list[str]]] = {}
    for factor in SCALES:
        directory = tmp / f"scale-{factor}"
        directory.mkdir()
        content = scaled_content(directory / "content", factor)
        lam = sqlite_lambda(directory, HEART_CONTENT_DIR=str(content))
        runs[factor] = drive(
            f"sqlite-{factor}x", lam, nlu, nights, warmup, activities, bare_handler
        )
        if factor in (min(SCALES), max(SCALES)):
            households = directory / "first"
            households.mkdir()
            made[factor] = (households, content, make_first_households(households, content, nlu))
    return runs, first_turns_apart(made, tmp, first_processes)


def run(
    nights_sqlite: int,
    nights_dynalite: int,
    warmup: int,
    dynalite_endpoint: str | None,
    dynalite_reason: str = "",
    scale_nights: int = 0,
    first_processes: int = FIRST_TURN_PROCESSES,
) -> tuple[list[Figure], dict[str, Any], list[int]]:
    """Sections 1 to 3."""
    lambda_logging()
    nlu = resolver()
    activities, missing = available_activities(nlu)
    same = bare.same_envelope()
    runs: list[StoreRun] = []
    #: The stack alone on each store, in ``STORES`` order once both are measured.
    stacks: dict[str, Figure] = {}
    by_scale: dict[int, StoreRun] = {}
    firsts: dict[int, list[list[FirstTurn]]] = {}
    notes: dict[str, Any] = {"activities": [a.key for a in activities], "missing": missing}
    with tempfile.TemporaryDirectory(prefix="bench-turns-") as tmp:
        lam = sqlite_lambda(Path(tmp))
        runs.append(drive("sqlite", lam, nlu, nights_sqlite, warmup, activities, same))
        parts = breakdown(lam, nlu, activities, max(3, min(50, nights_sqlite)))
        notes["breakdown_us"] = parts.overall
        notes["breakdown_by_kind_us"] = parts.by_kind
        if dynalite_endpoint is not None:
            from bench import dynalite

            table = f"bench-{uuid.uuid4().hex[:10]}"
            dynalite.create_table(dynalite_endpoint, table)
            lam = load_lambda(dynalite.store_url(dynalite_endpoint, table))
            plain = plain_client(dynalite_endpoint, table)
            runs.append(
                drive("dynalite", lam, nlu, nights_dynalite, warmup, activities, same, plain)
            )
            stacks["dynalite"] = stack_figure_of(
                drive(
                    "stack-dynalite",
                    load_lambda(dynalite.store_url(dynalite_endpoint, table)),
                    nlu,
                    max(3, nights_dynalite // 4),
                    warmup,
                    activities,
                    same,
                    measured_with=_fixed_flows(),
                ),
                stack_figure("dynalite"),
            )
        else:
            stacks["dynalite"] = stack_figure(
                "dynalite", dynalite_reason or "dynalite not available"
            )
        directory = Path(tmp) / "stack"
        directory.mkdir()
        stack_nights = max(3, nights_sqlite // 4)
        stacks["sqlite"] = stack_figure_of(
            drive(
                "stack",
                sqlite_lambda(directory),
                nlu,
                stack_nights,
                warmup,
                activities,
                same,
                measured_with=_fixed_flows(),
            ),
            stack_figure("sqlite"),
        )
        wait_s = store_call_s(runs[1]) if len(runs) > 1 else DEFAULT_WAIT_S
        directory = Path(tmp) / "waiting"
        directory.mkdir()
        lam = sqlite_lambda(directory)
        waiting = stack_figure_of(
            drive(
                "stack-waiting",
                lam,
                nlu,
                max(3, nights_sqlite // 10),
                warmup,
                activities,
                same,
                measured_with=_fixed_flows_waiting(lam.store, wait_s),
            ),
            waiting_figure(),
        )
        waiting.detail["wait_ms"] = round(wait_s * 1000, 3)
        if scale_nights:
            by_scale, firsts = scale_runs(
                nlu, scale_nights, warmup, activities, same, Path(tmp), first_processes
            )
    for store_run in [*runs, *by_scale.values()]:
        check_activities(store_run, activities)
        notes[f"{store_run.store}_seconds"] = round(store_run.elapsed_s, 2)
    notes["log_lines"] = LAMBDA_LOG.lines
    figures = warm_figures(runs, missing)
    if dynalite_endpoint is None:
        for key, title in TIMED:
            figures.append(
                warm_figure("dynalite", key, title, dynalite_reason or "dynalite not available")
            )
    figures.extend(stacks[store] for store in STORES)
    figures.append(waiting)
    figures.extend(botocore_figures(runs, dynalite_reason))
    launches = [r.request for r in runs[0].records.get("launch", []) if r.request is not None]
    reads, writes = sdk_round_trips(launches[:200] or [])
    figures.extend(round_trip_figures(runs, missing, reads, writes))
    if by_scale:
        figures.extend(scale_figures(by_scale, missing))
        figures.extend(first_turn_figures(firsts))
    else:
        figures.extend(scale_figure(k, t, "not run (scale_nights=0)") for k, t in TIMED)
        figures.append(first_turn_figure("not run (scale_nights=0)"))
    return figures, notes, runs[0].item_sizes
