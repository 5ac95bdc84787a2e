"""Write tokens kept in the record itself, so a turn can tell "my write landed" for sure.

Measured: a PutItem landed, its answer came after the 1 s read timeout while a second device
wrote, and the old check (is the stored token mine?) saw the other device's token, took it
for a conflict and applied the turn again: 60 launches stored as 72. Comparing with the one
latest token can't work once anyone writes after us.

So every record carries a short ring (``RING_KEY``) of the latest token of each of the last
``WRITERS`` writers. A writer is one thread of one process (a Lambda container, a gunicorn
worker); a token is the writer's id and a counter. A writer's new token replaces its own old
one, so other devices writing after us never push ours out; only ``WRITERS`` other writers
all writing after us could, and then the verdict is "unknown" rather than a guess. Every
attempt of one turn carries the same token, so whichever attempt lands, a re-read finds it.
"""

from __future__ import annotations

import itertools
import secrets
import threading
from typing import Any, Literal

from skill.runtime.records.refs import ALPHABET

#: The record key holding the ring (kept beside the household's own keys).
RING_KEY = "~"
#: Writers remembered: more than the devices a home has, small enough to cost ~50 bytes.
WRITERS = 8
WRITER_CHARS = 4
COUNTER_CHARS = 2
TOKEN_CHARS = WRITER_CHARS + COUNTER_CHARS

Verdict = Literal["landed", "absent", "unknown"]

_local = threading.local()


def new_token() -> str:
    """A token for one turn: this thread's writer id and its next counter value."""
    writer: str | None = getattr(_local, "writer", None)
    if writer is None:
        writer = "".join(secrets.choice(ALPHABET) for _ in range(WRITER_CHARS))
        _local.writer = writer
        _local.counter = itertools.count(secrets.randbelow(64**COUNTER_CHARS))
    value = next(_local.counter) % 64**COUNTER_CHARS
    digits = "".join(ALPHABET[(value >> (6 * i)) & 63] for i in reversed(range(COUNTER_CHARS)))
    return writer + digits


def ring_of(data: dict[str, Any] | None) -> list[str]:
    """The tokens a stored record carries, oldest first."""
    text = data.get(RING_KEY, "") if data else ""
    if not isinstance(text, str):
        return []
    return [text[i : i + TOKEN_CHARS] for i in range(0, len(text) - TOKEN_CHARS + 1, TOKEN_CHARS)]


def body_of(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """The household's part of a stored record (without the ring)."""
    if data is None or RING_KEY not in data:
        return data
    return {k: v for k, v in data.items() if k != RING_KEY}


def sealed(body: dict[str, Any], ring: list[str], token: str) -> dict[str, Any]:
    """``body`` with the ring updated for a write carrying ``token``."""
    writer = token[:WRITER_CHARS]
    kept = [t for t in ring if t[:WRITER_CHARS] != writer][-(WRITERS - 1) :]
    return {**body, RING_KEY: "".join([*kept, token])}


def verdict(ring: list[str], token: str) -> Verdict:
    """Whether a write carrying ``token`` is in the record the ring came from."""
    if token in ring:
        return "landed"
    writer = token[:WRITER_CHARS]
    if any(t[:WRITER_CHARS] == writer for t in ring) or len(ring) < WRITERS:
        # Our slot holds an older token of ours, or nobody was ever pushed out: not there.
        return "absent"
    return "unknown"
