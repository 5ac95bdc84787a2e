"""One read and at most one conditional write per turn, re-applying the turn on a conflict.

Flows are pure, so when two Echo devices in one home answer at once and the version check
fails, the turn is simply re-run on the freshly read state: nobody's update is overwritten.
When storage is down or slow the turn still runs, on a fresh household, and the caller is
told it is degraded so the skill can say progress can't be saved right now.
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from skill.runtime.reply import Reply
from skill.runtime.state import Household, household_from_json, to_dict
from skill.runtime.store.port import Store, StoreConflict, StoreUnavailable

log = logging.getLogger(__name__)

#: Attempts in all: the first, then up to three re-reads and re-applies after a conflict.
MAX_ATTEMPTS = 4
#: After a conflict, wait a random moment of up to this many seconds (doubling with each
#: attempt) before re-reading, so two devices that collided don't collide again in lockstep.
CONFLICT_BACKOFF_S = 0.05

Apply = Callable[[Household], tuple[Household, Reply]]


def household_key(user_id: str, salt: str) -> str:
    """A stable pseudonymous key, so neither the store nor the logs hold Amazon's user id."""
    return hashlib.sha256(f"{salt}:{user_id}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class TurnResult:
    """The reply, and whether the household could not be read or saved this turn."""

    reply: Reply
    degraded: bool
    reads: int = 0
    writes: int = 0


class TurnRunner:
    """Runs a pure turn against the store within a storage time budget."""

    def __init__(
        self,
        store: Store | None,
        budget_s: float = 4.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        retention_days: int = 0,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        """``retention_days`` > 0 lets a household that stops using the skill expire that many
        days after its last saved turn (the store's TTL); 0 keeps it until it is deleted."""
        self._store = store
        self._retention_s = retention_days * 86_400
        self._wall_clock = wall_clock
        self._budget = budget_s
        self._clock = clock
        self._sleep = sleep
        self._jitter = jitter

    def run(self, key: str | None, apply: Apply) -> TurnResult:
        """Load, apply, save if changed; on conflict re-read and re-apply, never overwrite."""
        if key is None or self._store is None:
            _, ephemeral = apply(Household())
            return TurnResult(ephemeral, degraded=False)
        started = self._clock()
        reads = writes = 0
        reply: Reply | None = None
        for _attempt in range(MAX_ATTEMPTS):
            if reads and self._clock() - started > self._budget:
                break
            try:
                loaded = self._store.load(key)
                reads += 1
                before = household_from_json(loaded.data)
            except StoreUnavailable as exc:
                log.warning("store_load_failed key=%s error=%s", key, type(exc).__name__)
                return self._fresh(apply, reads + 1, writes)
            except ValueError as exc:
                # A record this code can't read is kept as it is, never overwritten.
                log.error("store_record_unreadable key=%s error=%s", key, exc)
                return self._fresh(apply, reads, writes)
            after, applied = apply(before)
            reply = applied
            if after == before:
                return TurnResult(reply, degraded=False, reads=reads, writes=writes)
            if self._clock() - started > self._budget:
                log.warning("store_budget_spent key=%s", key)
                return TurnResult(reply, degraded=True, reads=reads, writes=writes)
            try:
                writes += 1
                self._store.save(key, to_dict(after), loaded.version, self._expiry())
                return TurnResult(reply, degraded=False, reads=reads, writes=writes)
            except StoreConflict:
                log.info("store_conflict key=%s", key)
                if _attempt + 1 < MAX_ATTEMPTS:
                    self._sleep(self._jitter() * CONFLICT_BACKOFF_S * 2**_attempt)
                continue
            except StoreUnavailable as exc:
                log.warning("store_save_failed key=%s error=%s", key, type(exc).__name__)
                return TurnResult(reply, degraded=True, reads=reads, writes=writes)
        log.warning("store_conflicts_exhausted key=%s", key)
        if reply is None:
            return self._fresh(apply, reads, writes)
        return TurnResult(reply, degraded=True, reads=reads, writes=writes)

    def _expiry(self) -> int | None:
        return int(self._wall_clock()) + self._retention_s if self._retention_s else None

    def forget(self, key: str) -> bool:
        """Erase the household; False when storage could not be reached."""
        if self._store is None:
            return True
        try:
            self._store.delete(key)
        except StoreUnavailable as exc:
            log.warning("store_delete_failed key=%s error=%s", key, type(exc).__name__)
            return False
        return True

    @staticmethod
    def _fresh(apply: Apply, reads: int, writes: int) -> TurnResult:
        _, reply = apply(Household())
        return TurnResult(reply, degraded=True, reads=reads, writes=writes)
