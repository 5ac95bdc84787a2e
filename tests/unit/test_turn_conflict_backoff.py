"""After a conflict the runner pauses a random moment before re-reading, so two devices that
collided don't collide again in lockstep; it never pauses without a conflict or after the last
attempt, and the pauses stay far inside Alexa's deadline."""

from __future__ import annotations

import dataclasses

from skill.runtime.reply import Reply, Say
from skill.runtime.state import Household
from skill.runtime.store.port import NEW, JsonDict, Loaded, StoreConflict
from skill.runtime.turn import CONFLICT_BACKOFF_S, MAX_ATTEMPTS, TurnRunner


class ConflictingStore:
    """Every save meets a competing writer until ``conflicts`` run out."""

    def __init__(self, conflicts: int) -> None:
        self.conflicts = conflicts
        self.saved: JsonDict | None = None

    def load(self, key: str) -> Loaded:
        return Loaded(self.saved, NEW if self.saved is None else 1)

    def save(self, key: str, data: JsonDict, expected_version: int, ttl: int | None = None) -> int:
        if self.conflicts:
            self.conflicts -= 1
            raise StoreConflict("someone else saved first")
        self.saved = data
        return expected_version + 1

    def delete(self, key: str) -> None:
        self.saved = None

    def close(self) -> None:
        pass


def bump(household: Household) -> tuple[Household, Reply]:
    return dataclasses.replace(household, visits=household.visits + 1), Reply.tell((Say("hi"),))


def run(conflicts: int, jitter: float = 1.0) -> tuple[list[float], bool]:
    pauses: list[float] = []
    runner = TurnRunner(ConflictingStore(conflicts), sleep=pauses.append, jitter=lambda: jitter)
    return pauses, runner.run("k", bump).degraded


def test_no_pause_without_a_conflict() -> None:
    assert run(0) == ([], False)


def test_each_retry_waits_a_jittered_doubling_pause() -> None:
    pauses, degraded = run(MAX_ATTEMPTS - 1)
    assert not degraded
    assert pauses == [CONFLICT_BACKOFF_S * 2**i for i in range(MAX_ATTEMPTS - 1)]
    assert run(1, jitter=0.25)[0] == [CONFLICT_BACKOFF_S * 0.25]


def test_no_pause_after_the_last_attempt_and_the_total_stays_small() -> None:
    pauses, degraded = run(MAX_ATTEMPTS)
    assert degraded
    assert len(pauses) == MAX_ATTEMPTS - 1
    assert sum(pauses) < 0.5
