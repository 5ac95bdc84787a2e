"""One read, at most one write, re-apply on conflict, and always a reply."""

from __future__ import annotations

import dataclasses
from typing import Any

from skill.runtime.reply import Reply, Say
from skill.runtime.state import Household, to_dict
from skill.runtime.store.port import NEW, JsonDict, Loaded, StoreConflict, StoreUnavailable
from skill.runtime.turn import MAX_ATTEMPTS, TurnRunner, household_key


class MemoryStore:
    """A pure in-memory store for unit tests of the runner's logic."""

    def __init__(self) -> None:
        self.items: dict[str, tuple[JsonDict, int]] = {}
        self.loads = 0
        self.saves = 0
        self.fail_load = False
        self.fail_save = False
        self.conflicts_to_inject = 0
        self.on_conflict: Any = None

    def load(self, key: str) -> Loaded:
        self.loads += 1
        if self.fail_load:
            raise StoreUnavailable("down")
        if key not in self.items:
            return Loaded(None, NEW)
        data, version = self.items[key]
        return Loaded(dict(data), version)

    def save(self, key: str, data: JsonDict, expected_version: int, ttl: int | None = None) -> int:
        self.saves += 1
        self.last_ttl = ttl
        if self.fail_save:
            raise StoreUnavailable("down")
        if self.conflicts_to_inject:
            self.conflicts_to_inject -= 1
            if self.on_conflict:
                self.on_conflict(self)
            raise StoreConflict("someone else saved first")
        current = self.items.get(key, (None, NEW))[1]
        if current != expected_version:
            raise StoreConflict("stale")
        self.items[key] = (data, current + 1)
        return current + 1

    def delete(self, key: str) -> None:
        self.items.pop(key, None)

    def close(self) -> None:
        pass


def bump(household: Household) -> tuple[Household, Reply]:
    return dataclasses.replace(household, visits=household.visits + 1), Reply.tell((Say("hi"),))


def look(household: Household) -> tuple[Household, Reply]:
    return household, Reply.tell((Say("hi"),))


def test_no_write_when_nothing_changed() -> None:
    store = MemoryStore()
    result = TurnRunner(store).run("k", look)
    assert (store.loads, store.saves) == (1, 0)
    assert (result.reads, result.writes, result.degraded) == (1, 0, False)


def test_one_read_one_write_when_changed() -> None:
    store = MemoryStore()
    runner = TurnRunner(store)
    runner.run("k", bump)
    result = runner.run("k", bump)
    assert (result.reads, result.writes) == (1, 1)
    assert store.items["k"][0]["visits"] == 2


def test_conflict_reapplies_on_fresh_state_and_loses_nothing() -> None:
    store = MemoryStore()
    store.items["k"] = (to_dict(Household(visits=5)), 3)

    def other_device_saves(s: MemoryStore) -> None:
        data, version = s.items["k"]
        s.items["k"] = ({**data, "visits": data["visits"] + 1}, version + 1)

    store.conflicts_to_inject = 1
    store.on_conflict = other_device_saves
    result = TurnRunner(store).run("k", bump)
    assert not result.degraded
    assert store.items["k"][0]["visits"] == 7, "both increments survive"
    assert result.reads == 2


def test_conflicts_exhausted_is_degraded_but_speaks() -> None:
    store = MemoryStore()
    store.conflicts_to_inject = MAX_ATTEMPTS
    result = TurnRunner(store).run("k", bump)
    assert result.degraded and result.reply.speech
    assert store.saves == MAX_ATTEMPTS


def test_store_down_on_load_answers_from_a_fresh_household() -> None:
    store = MemoryStore()
    store.fail_load = True
    result = TurnRunner(store).run("k", bump)
    assert result.degraded and result.reply.speech and store.saves == 0


def test_failed_save_keeps_the_good_reply() -> None:
    store = MemoryStore()
    store.fail_save = True
    result = TurnRunner(store).run("k", bump)
    assert result.degraded and result.reply == bump(Household())[1]


def test_unreadable_record_is_never_overwritten() -> None:
    store = MemoryStore()
    store.items["k"] = ({"visits": "lots", "schema": 1}, 1)
    result = TurnRunner(store).run("k", bump)
    assert result.degraded and store.saves == 0
    assert store.items["k"][0]["visits"] == "lots"


def test_budget_spent_skips_the_write() -> None:
    ticks = iter([0.0, 100.0, 100.0, 100.0])
    store = MemoryStore()
    result = TurnRunner(store, budget_s=4.0, clock=lambda: next(ticks)).run("k", bump)
    assert result.degraded and store.saves == 0


def test_household_key_is_stable_salted_and_opaque() -> None:
    a = household_key("amzn1.ask.account.X", "salt")
    assert a == household_key("amzn1.ask.account.X", "salt")
    assert a != household_key("amzn1.ask.account.X", "other")
    assert "amzn1" not in a and len(a) == 32


def test_retention_sets_an_expiry_from_the_last_saved_turn() -> None:
    store = MemoryStore()
    TurnRunner(store, retention_days=400, wall_clock=lambda: 1_000_000.0).run("k", bump)
    assert store.last_ttl == 1_000_000 + 400 * 86_400
    TurnRunner(store, retention_days=0).run("k", bump)
    assert store.last_ttl is None
