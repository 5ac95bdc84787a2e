"""The turn runner's logic on an in-memory store: one read, at most one write, exactly once,
retries within the deadline, and healing instead of locking a household out."""

from __future__ import annotations

from typing import Any

import pytest

from skill.runtime import copying
from skill.runtime.catalog import LocaleContent
from skill.runtime.records import codec_for, tokens
from skill.runtime.records.codec import HouseholdCodec
from skill.runtime.reply import Reply, Say
from skill.runtime.state import Household, to_dict
from skill.runtime.store.port import NEW, JsonDict, Loaded, StoreConflict, StoreUnavailable
from skill.runtime.turn import (
    BACKOFF_BASE_S,
    BACKOFF_CAP_S,
    BUSY_FOR_S,
    BUSY_MAX,
    MAX_ATTEMPTS,
    NOTICE_HEALED,
    NOTICE_NEWER,
    NOTICE_UNAVAILABLE,
    OLD_AFTER_S,
    TurnRunner,
    household_key,
)


class MemoryStore:
    """A pure in-memory store; hooks let a test play another device or a lost answer."""

    def __init__(self) -> None:
        self.items: dict[str, tuple[JsonDict, int]] = {}
        self.raw: dict[str, str] = {}
        self.quarantine: list[tuple[str, str]] = []
        self.loads = 0
        self.saves = 0
        self.fail_load = False
        self.fail_save = False
        #: Called after a save is applied; may raise to lose the answer.
        self.after_save: Any = None
        #: Called before a save; may change the store (another device writing first).
        self.before_save: Any = None

    def load(self, key: str, *, deadline: float | None = None) -> Loaded:
        self.loads += 1
        if self.fail_load:
            raise StoreUnavailable("down")
        if key in self.raw:
            return Loaded(None, 1, unreadable="not JSON", raw=self.raw[key])
        if key not in self.items:
            return Loaded(None, NEW)
        data, version = self.items[key]
        return Loaded(dict(data), version)

    def save(
        self,
        key: str,
        data: JsonDict,
        expected_version: int,
        ttl: int | None = None,
        *,
        deadline: float | None = None,
    ) -> int:
        self.saves += 1
        self.last_ttl = ttl
        if self.fail_save:
            raise StoreUnavailable("down")
        if self.before_save:
            self.before_save(self, key)
        current = self.items.get(key, (None, NEW))[1]
        if current != expected_version:
            raise StoreConflict("stale")
        self.items[key] = (data, current + 1)
        if self.after_save:
            self.after_save(self, key)
        return current + 1

    def delete(self, key: str, *, deadline: float | None = None) -> None:
        self.items.pop(key, None)

    def set_aside(
        self, key: str, loaded: Loaded, reason: str, *, deadline: float | None = None
    ) -> None:
        self.quarantine.append((reason, self.raw.pop(key, "") or str(self.items.pop(key, ""))))

    def close(self) -> None:
        pass


def other_device_writes(store: MemoryStore, key: str, writer: str = "Othr") -> None:
    """Another Echo's turn: one more visit, with its own write token."""
    data, version = store.items[key]
    ring = tokens.ring_of(data)
    body = {**(tokens.body_of(data) or {}), "n": data.get("n", 0) + 1}
    store.items[key] = (tokens.sealed(body, ring, writer + "AA"), version + 1)


def bump(household: Household) -> tuple[Household, Reply]:
    return copying.replace(household, visits=household.visits + 1), Reply.tell((Say("hi"),))


def look(household: Household) -> tuple[Household, Reply]:
    return household, Reply.tell((Say("hi"),))


@pytest.fixture
def codec(content: LocaleContent) -> HouseholdCodec:
    return codec_for(content)


def visits(store: MemoryStore, key: str = "k") -> int:
    count: int = store.items[key][0]["n"]
    return count


def test_no_write_when_nothing_changed(codec: HouseholdCodec) -> None:
    store = MemoryStore()
    result = TurnRunner(store).run("k", look, codec)
    assert (store.loads, store.saves) == (1, 0)
    assert (result.reads, result.writes, result.degraded, result.notice) == (1, 0, False, "")


def test_one_read_one_write_when_changed(codec: HouseholdCodec) -> None:
    store = MemoryStore()
    runner = TurnRunner(store)
    runner.run("k", bump, codec)
    result = runner.run("k", bump, codec)
    assert (result.reads, result.writes) == (1, 1)
    assert visits(store) == 2
    assert result.written_bytes < 1024


def test_conflict_reapplies_on_fresh_state_and_loses_nothing(codec: HouseholdCodec) -> None:
    store = MemoryStore()
    runner = TurnRunner(store, sleep=lambda s: None)
    runner.run("k", bump, codec)
    store.before_save = lambda s, k: (other_device_writes(s, k), setattr(s, "before_save", None))
    result = runner.run("k", bump, codec)
    assert not result.degraded
    assert visits(store) == 3, "both increments survive"
    assert result.reads == 2


def test_a_landed_write_whose_answer_was_lost_is_not_applied_again(
    codec: HouseholdCodec,
) -> None:
    """The measured failure: the put lands, its answer is lost, another device writes, and
    the retry must see that ours is in (60 launches were stored as 72 before)."""
    store = MemoryStore()
    runner = TurnRunner(store, sleep=lambda s: None)
    runner.run("k", bump, codec)

    def lose_the_answer(s: MemoryStore, key: str) -> None:
        s.after_save = None
        for writer in ("Dev1", "Dev2", "Dev3"):
            other_device_writes(s, key, writer)
        raise StoreUnavailable("read timeout after the write landed")

    store.after_save = lose_the_answer
    result = runner.run("k", bump, codec)
    assert not result.degraded, "the write landed, so the turn was saved"
    assert visits(store) == 1 + 1 + 3, "ours once, the other devices' three"
    assert store.saves == 2, "no second write of the same turn"


def test_a_landed_write_pushed_out_of_the_ring_is_never_applied_twice(
    codec: HouseholdCodec,
) -> None:
    store = MemoryStore()
    runner = TurnRunner(store, sleep=lambda s: None)
    runner.run("k", bump, codec)

    def many_writers(s: MemoryStore, key: str) -> None:
        s.after_save = None
        for n in range(tokens.WRITERS):
            other_device_writes(s, key, f"W{n:03d}")
        raise StoreUnavailable("lost answer")

    store.after_save = many_writers
    result = runner.run("k", bump, codec)
    assert result.degraded and result.notice == NOTICE_UNAVAILABLE, "can't tell: say so"
    assert visits(store) == 1 + 1 + tokens.WRITERS, "but never applied twice"


def test_conflicts_are_retried_with_capped_jitter_until_the_deadline(
    codec: HouseholdCodec,
) -> None:
    store = MemoryStore()
    store.items["k"] = (codec.encode(Household()), 1)
    store.before_save = other_device_writes
    pauses: list[float] = []
    clock = iter(float(i) / 1000 for i in range(100_000))
    runner = TurnRunner(store, sleep=pauses.append, jitter=lambda: 1.0, clock=lambda: next(clock))
    result = runner.run("k", bump, codec)
    assert result.degraded and result.reply.speech
    assert store.saves <= MAX_ATTEMPTS
    assert max(pauses) <= BACKOFF_CAP_S
    assert pauses[:3] == sorted(pauses[:3]) and pauses[0] < pauses[2], "the pause grows"


class SteppedClock:
    """A clock that moves only when the runner sleeps, or when a test or store says so."""

    def __init__(self) -> None:
        self.now = 0.0
        self.pauses: list[tuple[float, float]] = []  # (when, how long)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.pauses.append((self.now, seconds))
        self.now += seconds


def test_a_young_turn_backs_off_widely_and_an_old_one_tries_again_at_once(
    codec: HouseholdCodec,
) -> None:
    """Plain backoff gave the turn that had lost longest no better chance than a newcomer:
    the slowest of sixteen devices ran into its deadline. Once a turn is old, it retries
    within the base wait while the young ones' waits grow to the wide cap."""
    store = MemoryStore()
    store.items["k"] = (codec.encode(Household()), 1)
    clock = SteppedClock()

    def slow_conflict(s: MemoryStore, key: str) -> None:
        clock.now += 0.01  # every attempt costs a round trip
        other_device_writes(s, key)

    store.before_save = slow_conflict
    runner = TurnRunner(store, sleep=clock.sleep, jitter=lambda: 1.0, clock=clock)
    result = runner.run("k", bump, codec)
    assert result.degraded, "it never won, so it says it couldn't save"
    young = [wait for when, wait in clock.pauses if when < OLD_AFTER_S]
    old = [wait for when, wait in clock.pauses if when >= OLD_AFTER_S]
    assert young[:4] == sorted(young[:4]) and young[0] < young[3], "young waits grow"
    assert max(young) == pytest.approx(BACKOFF_CAP_S), "up to the wide cap"
    assert len(old) > len(young), "old, it retries far more often"
    assert old and max(old) <= BACKOFF_BASE_S


def test_a_new_turn_on_a_busy_household_lets_the_waiting_turns_go_first(
    codec: HouseholdCodec,
) -> None:
    """A device that has just saved would read again at once and win again; on a household
    that had a conflict a moment ago, a new turn waits before its first read instead."""
    store = MemoryStore()
    clock = SteppedClock()
    runner = TurnRunner(store, sleep=clock.sleep, jitter=lambda: 0.5, clock=clock)
    runner.run("k", bump, codec)
    runner.run("other", bump, codec)
    assert clock.pauses == [], "no conflict, no waiting"

    store.before_save = lambda s, k: (other_device_writes(s, k), setattr(s, "before_save", None))
    runner.run("k", bump, codec)
    assert len(clock.pauses) == 1, "one backoff after the conflict"

    loads_before = store.loads
    store.after_save = None
    runner.run("k", bump, codec)
    _, wait = clock.pauses[-1]
    assert len(clock.pauses) == 2 and wait == pytest.approx(0.5 * BACKOFF_CAP_S)
    assert store.loads == loads_before + 1, "it waited, then read once"

    runner.run("other", bump, codec)
    assert len(clock.pauses) == 2, "another household is not busy"

    clock.now += BUSY_FOR_S
    runner.run("k", bump, codec)
    assert len(clock.pauses) == 2, "a household is busy only for a while"
    assert visits(store) == 1 + 1 + 1 + 1 + 1, "every turn saved once"


def test_a_runner_remembers_a_bounded_number_of_busy_households() -> None:
    clock = SteppedClock()
    runner = TurnRunner(None, sleep=clock.sleep, jitter=lambda: 1.0, clock=clock)
    for n in range(BUSY_MAX + 10):
        runner.contended(f"k{n}")
    deadline = runner.deadline()
    runner.yield_if_busy("k0", deadline)
    assert clock.pauses == [], "the oldest were forgotten"
    runner.yield_if_busy(f"k{BUSY_MAX + 9}", deadline)
    assert [wait for _, wait in clock.pauses] == [BACKOFF_CAP_S]


def test_retries_stop_at_the_deadline(codec: HouseholdCodec) -> None:
    store = MemoryStore()
    store.items["k"] = (codec.encode(Household()), 1)
    store.before_save = other_device_writes
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds + 0.2  # every attempt costs a slow round trip

    runner = TurnRunner(store, budget_s=1.0, sleep=sleep, jitter=lambda: 1.0, clock=lambda: now[0])
    result = runner.run("k", bump, codec)
    assert result.degraded
    assert now[0] < 1.5, "no attempt starts after the deadline"


def test_store_down_on_load_answers_from_a_fresh_household(codec: HouseholdCodec) -> None:
    store = MemoryStore()
    store.fail_load = True
    result = TurnRunner(store).run("k", bump, codec)
    assert result.degraded and result.reply.speech and store.saves == 0
    assert result.notice == NOTICE_UNAVAILABLE


def test_an_unreadable_record_is_set_aside_and_the_household_heals(
    codec: HouseholdCodec,
) -> None:
    store = MemoryStore()
    store.raw["k"] = "{not json"
    runner = TurnRunner(store)
    healed = runner.run("k", bump, codec)
    assert not healed.degraded and healed.notice == NOTICE_HEALED
    assert store.quarantine == [("not JSON", "{not json")]
    assert visits(store) == 1
    after = runner.run("k", bump, codec)
    assert after.notice == "" and visits(store) == 2, "said once, then business as usual"


def test_a_wrongly_typed_field_is_salvaged_around(codec: HouseholdCodec) -> None:
    store = MemoryStore()
    store.items["k"] = ({"s": 2, "n": 41, "c": "three", "m": ["Sam", "Alex"]}, 5)
    result = TurnRunner(store).run("k", bump, codec)
    assert result.notice == NOTICE_HEALED and store.quarantine
    kept = codec.decode(tokens.body_of(store.items["k"][0]), 0)
    assert (kept.visits, kept.names, kept.cycle) == (42, ["Sam", "Alex"], 1)


def test_a_newer_record_is_never_overwritten_and_said_once(codec: HouseholdCodec) -> None:
    store = MemoryStore()
    newer = {"s": 99, "n": 7, "m": ["Sam", "Alex"], "future": [1, 2]}
    store.items["k"] = (newer, 3)
    runner = TurnRunner(store)
    first = runner.run("k", bump, codec)
    second = runner.run("k", bump, codec)
    assert store.saves == 0 and store.items["k"] == (newer, 3)
    assert (first.notice, second.notice) == (NOTICE_NEWER, "")
    assert not first.degraded and not second.degraded


def test_a_household_over_the_size_guard_is_compacted_not_refused(
    codec: HouseholdCodec, content: LocaleContent
) -> None:
    store = MemoryStore()
    favourites = [q.id for q in content.questions][:50]

    def grow(household: Household) -> tuple[Household, Reply]:
        names = ["x" * 3000, "y" * 3000]
        return copying.replace(household, favourites=favourites, names=names), bump(household)[1]

    runner = TurnRunner(store, max_record_bytes=2048)
    result = runner.run("k", grow, codec)
    assert not result.degraded and 0 < result.written_bytes <= 2048
    assert store.saves == 1


def test_household_key_is_stable_salted_and_opaque() -> None:
    a = household_key("amzn1.ask.account.X", "salt")
    assert a == household_key("amzn1.ask.account.X", "salt")
    assert a != household_key("amzn1.ask.account.X", "other")
    assert "amzn1" not in a and len(a) == 32


def test_retention_sets_an_expiry_from_the_last_saved_turn(codec: HouseholdCodec) -> None:
    store = MemoryStore()
    TurnRunner(store, retention_days=400, wall_clock=lambda: 1_000_000.0).run("k", bump, codec)
    assert store.last_ttl == 1_000_000 + 400 * 86_400
    TurnRunner(store, retention_days=0).run("k", bump, codec)
    assert store.last_ttl is None


def test_a_legacy_record_loads_and_is_written_compactly(codec: HouseholdCodec) -> None:
    store = MemoryStore()
    store.items["k"] = (to_dict(Household(visits=5, names=["Sam", "Alex"])), 3)
    TurnRunner(store).run("k", bump, codec)
    data, version = store.items["k"]
    assert version == 4 and data["s"] == 3 and data["n"] == 6 and data["m"] == ["Sam", "Alex"]


def test_a_household_forgotten_leaves_nothing_of_it_in_the_codecs_memory(
    codec: HouseholdCodec,
) -> None:
    """The codec remembers the last record it read and the last household it encoded, per
    seed (``codec._READS``, ``_WRITES``); erasing the household forgets both, and another
    household's stay."""
    from skill.runtime import draws
    from skill.runtime.records import codec as codec_module

    store = MemoryStore()
    runner = TurnRunner(store)
    for key in ("aaaa0001", "bbbb0002"):
        runner.run(key, bump, codec)
        runner.run(key, bump, codec)
    seeds = {draws.seed_for(key) for key in ("aaaa0001", "bbbb0002")}

    def remembered() -> set[int]:
        return {seed for memo in (codec_module._READS, codec_module._WRITES) for _, seed in memo}

    assert seeds <= remembered()
    assert runner.forget("aaaa0001")
    assert draws.seed_for("aaaa0001") not in remembered()
    assert draws.seed_for("bbbb0002") in remembered()
    result = runner.run("aaaa0001", bump, codec)
    assert (result.writes, visits(store, "aaaa0001")) == (1, 1)
