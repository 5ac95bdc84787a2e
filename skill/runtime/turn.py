"""One read and at most one conditional write per turn: applied exactly once, saved or said.

Flows are pure, so when two Echo devices in one home answer at once and the version check
fails, the turn is simply re-run on the freshly read state: nobody's update is overwritten.

**Nothing unsaved under contention.** Eight devices on one household left 7-10.5 % of their
turns unsaved with four attempts and a 50 ms backoff; sixteen left 25 %. A conflict costs a
few milliseconds, and a turn has seconds, so the runner keeps trying until its deadline with
full-jitter exponential backoff: the jitter spreads the contenders so each round has few of
them, and the deadline (``skill.runtime.deadline``) keeps the reply in time. Plain backoff is
unfair, though: every turn's chance per attempt is the same (about one in four, sixteen
devices), so the slowest of a few hundred turns had lost twenty times and ran into its
deadline (10 of 2,304 launches unsaved, 19 slower than 2 s). So the turns that have waited go
first. A household that had a conflict in the last ``BUSY_FOR_S`` is busy, and a new turn on
it waits a random share of ``BACKOFF_CAP_S`` before its first read, instead of cutting in
ahead of the turns already waiting (a device that has just saved would otherwise read again
at once and win again). After a conflict, a turn younger than ``OLD_AFTER_S`` backs off up to
the same wide cap; an older one tries again at once. Measured with sixteen devices on
dynalite, against plain backoff, alternately (3 x 960 launches each): unsaved 14 -> 0, the
slowest 2.42 -> 1.98 s, p99 1.55-2.40 -> 0.64-1.09 s, conflicts per saved launch 3.6 -> 1.5.
The price, in the same A/B: two devices in lockstep wait a p99 of 0.27-0.29 s instead of
0.05-0.13 s, sixteen on SQLite 0.29-0.30 s instead of 0.13 s. Counters that commute
(DynamoDB ``ADD``) would only help the visit counter, not the rest of a turn, and the record
is small (``skill.runtime.records``), so a write is cheap to repeat; retrying within the
deadline is the one mechanism that covers every turn.

**Exactly once.** Every attempt of a turn carries one write token, kept in the record's
token ring (``records.tokens``). After a conflict or a lost answer the re-read says whether
the write landed, even if other devices wrote after it: landed means done, absent means
apply again, unknown (the ring overflowed) means say it wasn't saved and never apply twice.

**Heal, never lock out.** A record that can't be read is set aside under a quarantine key
with the reason, and the household goes on with what could be salvaged (or afresh); the turn
that healed it says so once (``NOTICE_HEALED``). A record from a newer release is read for
what this release understands and never overwritten (``NOTICE_NEWER``, once per process).
A household whose record would exceed ``MAX_RECORD_BYTES`` is compacted, never refused.

When storage is down or slow the turn still runs, on a fresh household, and the caller is
told so it can say progress can't be saved right now (``NOTICE_UNAVAILABLE``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import random
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

import msgspec

from skill.runtime import copying, draws
from skill.runtime.deadline import Deadline
from skill.runtime.records import tokens
from skill.runtime.records.codec import HouseholdCodec, NewerRecord, forget_household
from skill.runtime.records.index import ContentIndex
from skill.runtime.reply import Reply
from skill.runtime.state import Household
from skill.runtime.store.port import (
    MAX_RECORD_BYTES,
    NEW,
    JsonDict,
    Loaded,
    Store,
    StoreConflict,
    StoreUnavailable,
    note_text,
    record_text,
)

log = logging.getLogger(__name__)

#: Attempts at most (each a read, an apply and a conditional write): a bound for a backend
#: that answers every write with a conflict at once, so a turn costs at most this many reads
#: and writes. Sixteen devices needed 12 at most (1,536 launches); the deadline ends a longer
#: losing streak first.
MAX_ATTEMPTS = 40
#: Full-jitter backoff after a conflict: a random wait up to base x 2^attempt, capped.
BACKOFF_BASE_S = 0.004
BACKOFF_CAP_S = 0.3
#: A turn this old (seconds since it began) has lost several rounds: it tries again within
#: ``BACKOFF_BASE_S`` while the younger turns' wider waits leave it the store.
OLD_AFTER_S = 0.6
#: How long a household counts as busy after a conflict (new turns on it yield).
BUSY_FOR_S = 0.5
#: Households a runner remembers as busy at most (the oldest are forgotten first).
BUSY_MAX = 4096
#: Saves that got no answer before the turn gives up (after reading back whether the last one
#: landed): one retry covers a blip; a backend that keeps failing won't be argued with.
MAX_LOST_SAVES = 2
#: Time kept back from the store for rendering the reply.
REPLY_RESERVE_S = 0.1
#: Content keys of the sentences a turn's outcome adds before the reply.
NOTICE_UNAVAILABLE = "store.unavailable"
NOTICE_HEALED = "store.healed"
NOTICE_NEWER = "store.newer"
#: Households told about a newer record in this process (so it is said once, not nightly).
TOLD_NEWER_MAX = 4096
#: A record's bytes beyond its JSON: the key, attribute names and version.
RECORD_OVERHEAD = 64

Apply = Callable[[Household], tuple[Household, Reply]]
_FIELD_IN_ERROR = re.compile(r"at `\$\.(\w+)")


@functools.lru_cache(maxsize=1024)
def household_key(user_id: str, salt: str) -> str:
    """A stable pseudonymous key, so neither the store nor the logs hold Amazon's user id
    (cached: a warm container answers the same few households turn after turn)."""
    return hashlib.sha256(f"{salt}:{user_id}".encode()).hexdigest()[:32]


def record_bytes(key: str, data: JsonDict) -> int:
    """The size of a record as stored (DynamoDB's count: UTF-8 bytes of names and values)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return len(text.encode()) + len(key) + RECORD_OVERHEAD


def _body_text(data: JsonDict) -> str | None:
    """The body's text as an adapter writes it (None if it can't be: a NaN, say, which the
    adapter's own encoding refuses, as it always has)."""
    try:
        return record_text(data)
    except ValueError:
        return None


def sealed_text(body: JsonDict, body_text: str, record: JsonDict) -> str | None:
    """The text of ``record`` (``body`` sealed with its ring, ``tokens.sealed``) from the
    body's text: the ring is one more member, last, so it is appended instead of encoding
    the whole record again. None for a body that already had a ring member."""
    if tokens.RING_KEY in body:
        return None
    ring = json.dumps(record[tokens.RING_KEY], ensure_ascii=False)
    member = f"{json.dumps(tokens.RING_KEY)}:{ring}"
    return f"{body_text[:-1]}{',' if body else ''}{member}}}"


def sealed_bytes(key: str, body_bytes: int, body: JsonDict, record: JsonDict) -> int:
    """``record_bytes`` of ``record``, which is ``body`` sealed with its token ring, from the
    body's own size: the ring is one more member, an ASCII string (``tokens.sealed``), so its
    bytes are counted instead of encoding the whole record a second time on every write."""
    if tokens.RING_KEY in body:  # not a body the codec writes: count it the long way
        return record_bytes(key, record)
    ring = record[tokens.RING_KEY]
    member = len(tokens.RING_KEY) + len(ring) + len('"":""')
    return body_bytes + member + (1 if body else 0)


class TurnResult(msgspec.Struct, frozen=True):
    """The reply, whether the household could not be read or saved this turn, and the
    content key of a sentence to say first ("" for none)."""

    reply: Reply
    degraded: bool
    reads: int = 0
    writes: int = 0
    notice: str = ""
    #: Bytes of the record written (0 when nothing was written).
    written_bytes: int = 0


#: For callers that know no content (a household then keeps no content ids).
_EMPTY_CODEC = HouseholdCodec(ContentIndex.empty())


class TurnRunner:
    """Runs a pure turn against the store within the turn's deadline."""

    def __init__(
        self,
        store: Store | None,
        budget_s: float = 2.5,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        retention_days: int = 0,
        wall_clock: Callable[[], float] = time.time,
        max_record_bytes: int = MAX_RECORD_BYTES,
    ) -> None:
        """``retention_days`` > 0 lets a household that stops using the skill expire that many
        days after its last saved turn (the store's TTL); 0 keeps it until it is deleted.
        ``budget_s`` is the turn's budget when the caller gives no deadline of its own."""
        self._store = store
        self._retention_s = retention_days * 86_400
        self._wall_clock = wall_clock
        self._budget = budget_s
        self._clock = clock
        self._sleep = sleep
        self._jitter = jitter
        self._max_bytes = max_record_bytes
        self._told_newer: OrderedDict[str, None] = OrderedDict()
        #: Household key -> until when it counts as busy (this runner's clock).
        self._busy: OrderedDict[str, float] = OrderedDict()
        self._busy_lock = threading.Lock()

    def deadline(self) -> Deadline:
        """A fresh deadline of this runner's budget."""
        return Deadline(self._budget, self._clock)

    def now(self) -> float:
        """This runner's clock (the one its deadlines and backoff read)."""
        return self._clock()

    def run(
        self,
        key: str | None,
        apply: Apply,
        codec: HouseholdCodec | None = None,
        deadline: Deadline | None = None,
    ) -> TurnResult:
        """Load, apply, save if changed; on conflict re-read and re-apply, never twice."""
        codec = codec or _EMPTY_CODEC
        if key is None or self._store is None:
            _, ephemeral = apply(Household())
            return TurnResult(ephemeral, degraded=False)
        return _Turn(self, self._store, key, apply, codec, deadline or self.deadline()).run()

    def expiry(self) -> int | None:
        return int(self._wall_clock()) + self._retention_s if self._retention_s else None

    def first_time_newer(self, key: str) -> bool:
        """True the first time this process meets ``key``'s newer record."""
        if key in self._told_newer:
            return False
        self._told_newer[key] = None
        while len(self._told_newer) > TOLD_NEWER_MAX:
            self._told_newer.popitem(last=False)
        return True

    def contended(self, key: str) -> None:
        """Note that a turn on ``key`` just lost a conflict: the household is busy."""
        with self._busy_lock:
            self._busy[key] = self._clock() + BUSY_FOR_S
            self._busy.move_to_end(key)
            while len(self._busy) > BUSY_MAX:
                self._busy.popitem(last=False)

    def yield_if_busy(self, key: str, deadline: Deadline) -> None:
        """Before a turn's first read: on a busy household, wait as a young loser would, so
        the turns already waiting go first."""
        with self._busy_lock:
            until = self._busy.get(key, 0.0)
        if self._clock() < until:
            wait = self._jitter() * BACKOFF_CAP_S
            self._sleep(deadline.cap(wait, keep=REPLY_RESERVE_S))

    def backoff(self, attempt: int, deadline: Deadline, began: float) -> None:
        """Wait after the ``attempt``-th conflict of a turn that began at ``began`` (this
        runner's clock): widely while it is young, briefly once it is old."""
        if self._clock() - began >= OLD_AFTER_S:
            ceiling = BACKOFF_BASE_S
        else:
            ceiling = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2**attempt)
        self._sleep(deadline.cap(self._jitter() * ceiling, keep=REPLY_RESERVE_S))

    def forget(self, key: str, deadline: Deadline | None = None) -> bool:
        """Erase the household; False when storage could not be reached."""
        if self._store is None:
            return True
        deadline = deadline or self.deadline()
        try:
            self._store.delete(key, deadline=deadline.at)
        except StoreUnavailable as exc:
            log.warning("store_delete_failed key=%s error=%s", key, type(exc).__name__)
            return False
        forget_household(draws.seed_for(key))
        return True

    @property
    def max_record_bytes(self) -> int:
        return self._max_bytes


class _Turn:
    """One turn's attempts: the state they share (the token, the counts, the last reply)."""

    def __init__(
        self,
        runner: TurnRunner,
        store: Store,
        key: str,
        apply: Apply,
        codec: HouseholdCodec,
        deadline: Deadline,
    ) -> None:
        self.runner = runner
        self.store = store
        self.key = key
        self.apply = apply
        self.codec = codec
        self.deadline = deadline
        self.seed = draws.seed_for(key)
        self.token = tokens.new_token()
        self.reads = 0
        self.writes = 0
        self.reply: Reply | None = None
        self.notice = ""
        #: Saves that failed for want of an answer (not conflicts).
        self.lost = 0
        #: Whether the last write may have landed unseen (a lost answer, a retried put).
        self.uncertain = False

    def result(self, degraded: bool, notice: str = "", written: int = 0) -> TurnResult:
        if self.reply is None:
            raise RuntimeError("self.reply is unexpectedly missing")
        if degraded:
            notice = NOTICE_UNAVAILABLE
        return TurnResult(self.reply, degraded, self.reads, self.writes, notice, written)

    def fresh(self) -> TurnResult:
        _, self.reply = self.apply(Household(seed=self.seed))
        return self.result(degraded=True)

    def run(self) -> TurnResult:
        key, deadline = self.key, self.deadline
        began = self.runner.now()
        self.runner.yield_if_busy(key, deadline)
        for attempt in range(MAX_ATTEMPTS):
            if attempt and deadline.remaining() <= REPLY_RESERVE_S:
                log.warning("store_deadline_spent key=%s attempts=%d", key, attempt)
                break
            try:
                loaded = self.store.load(key, deadline=deadline.at - REPLY_RESERVE_S)
            except StoreUnavailable as exc:
                log.warning("store_load_failed key=%s error=%s", key, type(exc).__name__)
                return self.fresh() if self.reply is None else self.result(degraded=True)
            self.reads += 1
            ring = tokens.ring_of(loaded.data)
            if self.uncertain:
                self.uncertain = False
                verdict = tokens.verdict(ring, self.token)
                if verdict == "landed":
                    log.info("store_write_landed key=%s", key)
                    return self.result(degraded=False, notice=self.notice)
                if verdict == "unknown":
                    log.warning("store_write_unknown key=%s", key)
                    return self.result(degraded=True)
                if self.lost >= MAX_LOST_SAVES:
                    return self.result(degraded=True)
            outcome = self.attempt(loaded, ring)
            if outcome is not None:
                return outcome
            if attempt + 1 < MAX_ATTEMPTS:
                self.runner.backoff(attempt, deadline, began)
        log.warning("store_conflicts_exhausted key=%s", key)
        return self.fresh() if self.reply is None else self.result(degraded=True)

    def attempt(self, loaded: Loaded, ring: list[str]) -> TurnResult | None:
        """Read, apply and try to write once; None to go round again."""
        body = tokens.body_of(loaded.data)
        expected = loaded.version
        healing = False
        try:
            if loaded.unreadable:
                raise ValueError(loaded.unreadable)
            before = self.codec.decode(body, self.seed)
        except NewerRecord:
            return self.read_only(body)
        except ValueError as exc:
            reason = str(exc)[:300]
            log.error("store_record_unreadable key=%s reason=%s", self.key, reason)
            try:
                self.store.set_aside(
                    self.key, loaded, reason, deadline=self.deadline.at - REPLY_RESERVE_S
                )
            except StoreConflict:
                return None  # someone replaced it meanwhile: read again
            except StoreUnavailable as error:
                log.warning("store_set_aside_failed key=%s error=%s", self.key, error)
                return self.fresh()
            before = self.salvage(body)
            expected, ring, body, healing = NEW, [], None, True
            self.notice = NOTICE_HEALED
        after, self.reply = self.apply(before)
        if not healing and after == before:
            return self.result(degraded=False)
        data, written = self.codec.encode_text(after)
        if not healing and data == body:
            return self.result(degraded=False)
        data, size, text = self.fit(after, data, written)
        record = tokens.sealed(data, ring, self.token)
        if text is not None:
            sealed = sealed_text(data, text, record)
            if sealed is not None:
                note_text(record, sealed)
        if self.deadline.remaining() <= REPLY_RESERVE_S:
            log.warning("store_deadline_spent key=%s", self.key)
            return self.result(degraded=True)
        try:
            self.writes += 1
            self.store.save(
                self.key,
                record,
                expected,
                self.runner.expiry(),
                deadline=self.deadline.at - REPLY_RESERVE_S,
            )
        except StoreConflict as conflict:
            log.info("store_conflict key=%s", self.key)
            self.runner.contended(self.key)
            self.uncertain = conflict.maybe_landed
            return None
        except StoreUnavailable as exc:
            # The write may have landed all the same: the next read's tokens will say.
            log.warning("store_save_failed key=%s error=%s", self.key, type(exc).__name__)
            self.lost += 1
            self.uncertain = True
            if self.deadline.remaining() <= REPLY_RESERVE_S:
                return self.result(degraded=True)
            return None
        return self.result(
            degraded=False, notice=self.notice, written=sealed_bytes(self.key, size, data, record)
        )

    def read_only(self, body: JsonDict | None) -> TurnResult:
        """A record from a newer release: use what this release understands, write nothing."""
        try:
            before = self.codec.decode(body, self.seed, newer=True)
        except ValueError:
            before = Household(seed=self.seed)
        _, self.reply = self.apply(before)
        log.warning("store_record_newer key=%s", self.key)
        notice = NOTICE_NEWER if self.runner.first_time_newer(self.key) else ""
        return self.result(degraded=False, notice=notice)

    def salvage(self, body: JsonDict | None) -> Household:
        """What can be kept of an unreadable record: each top-level field that reads, the
        ones that don't dropped one by one; a fresh household when nothing reads."""
        data = dict(body) if isinstance(body, dict) else None
        for _ in range(32):
            if data is None:
                break
            try:
                return self.codec.decode(data, self.seed, newer=True)
            except ValueError as exc:
                found = _FIELD_IN_ERROR.search(str(exc))
                if found is None or found.group(1) not in data:
                    break
                del data[found.group(1)]
        return Household(seed=self.seed)

    def fit(
        self, household: Household, data: JsonDict, text: str | None = None
    ) -> tuple[JsonDict, int, str | None]:
        """``data``, compacted until it fits the record size guard, its size, and its text
        when the first encoding fits (the save writes that text, sealed, not a second one).
        ``text``: ``data``'s text already written (``HouseholdCodec.encode_text``)."""
        limit = self.runner.max_record_bytes
        if text is None:
            text = _body_text(data)
        if text is None:
            size = record_bytes(self.key, data)
        else:
            size = len(text.encode()) + len(self.key) + RECORD_OVERHEAD
        if size <= limit:
            return data, size, text
        now = size
        for shrink in _SHRINKS:
            household = shrink(household)
            data = self.codec.encode(household)
            now = record_bytes(self.key, data)
            if now <= limit:
                break
        log.warning("store_record_compacted key=%s bytes=%d now=%d", self.key, size, now)
        return data, now, None


def _lean(h: Household) -> Household:
    return copying.replace(h, journal=[], history=h.history[-1:], exercises_done=[])


def _leaner(h: Household) -> Household:
    records = [copying.replace(r, heard=[]) for r in h.game_records]
    return copying.replace(h, favourites=[], game_records=records, names=[], voices=[])


def _essentials(h: Household) -> Household:
    """Only what keeps the couple from hearing repeats and the counts."""
    return Household(
        visits=h.visits,
        first_night=h.first_night,
        last_night=h.last_night,
        cycle=h.cycle,
        heard=h.heard,
        gratitude=h.gratitude,
        seed=h.seed,
    )


def _bare(h: Household) -> Household:
    return Household(visits=h.visits, first_night=h.first_night, seed=h.seed)


_SHRINKS = (_lean, _leaner, _essentials, _bare)
