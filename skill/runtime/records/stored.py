"""The stored form of a household (record schema 3): short keys, day numbers, references.

Decoded and encoded by msgspec from these Structs, so a wrongly typed value raises and an
unknown key (written by a newer release during a rollout) is ignored. Every field has a
default that ``omit_defaults`` leaves out of the JSON: a field costs bytes only when it says
something. Nights are day numbers (``f``, ``l``) or days before ``l`` elsewhere.

Keys: s schema, n visits, f first night, l last night, c question cycle, h questions heard,
t tonight when it is not the latest history entry, y history entries the journal doesn't
hold, v favourites, d/q depth and theme, m names, o voices, x exercise in progress, e exercises
done, g game in progress, r game records, j journal, w nights together, a gratitude, z nightly
reminder, b names offered, p talk time (hold or close), i a "go deeper" night, u voices a
partner has named (voice key -> partner), k what other activities keep.
"""

from __future__ import annotations

import msgspec

#: The record schema this code writes. 1 was the full shape of ``skill.runtime.state``; 2 had
#: the shape of 3, with heard sets' thresholds in the order of ``draws.rank`` instead of
#: ``draws.cell_rank`` (``records.seen.decode``'s ``legacy``).
RECORD_SCHEMA = 3
#: The first schema whose heard sets are thresholds in ``draws.cell_rank``'s order.
CELL_RANK_SCHEMA = 3


class Listening(msgspec.Struct, array_like=True):
    exercise: str
    step: int = 0
    part: int = 0
    first: int = -1
    paused: bool = False
    started: int = 0
    #: ``updated - started`` and ``turn_ends - updated``: small numbers instead of epochs
    #: (None for a time that was never set).
    updated: int | None = None
    turn_ends: int | None = None


class Game(msgspec.Struct, array_like=True):
    game: str
    rounds: int = 0
    step: int = 0
    first: int = 0
    scores: list[int] = msgspec.field(default_factory=lambda: [0, 0])
    together: int = 0
    question: str = ""
    #: How many questions of the game's bank, ending with ``question`` in the household's
    #: order, were used (an int), or their references when they aren't such a stretch.
    used: int | str = 0
    strikes: int = 0
    done: bool = False


class GameRecord(msgspec.Struct, array_like=True):
    game: str
    played: int = 0
    best_short: int = 0
    best_long: int = 0
    #: The last question heard, and how many were heard going back from it in the
    #: household's order (an int), or every heard reference oldest first.
    last: str = ""
    heard: int | str = 0


class Gratitude(msgspec.Struct, array_like=True):
    cycle: int = 1
    heard: str = ""
    night: int | None = None
    prompt: str = ""


class StoredHousehold(msgspec.Struct, omit_defaults=True):
    s: int = RECORD_SCHEMA
    n: int = 0
    f: int | None = None
    l: int | None = None  # noqa: E741  (one letter per key is the point)
    c: int = 1
    h: str = ""
    t: list[int | str] | None = None
    y: list[tuple[int, str]] = msgspec.field(default_factory=list)
    v: str = ""
    d: int | None = None
    q: str | None = None
    m: list[str] = msgspec.field(default_factory=list)
    o: list[str] = msgspec.field(default_factory=list)
    x: Listening | None = None
    e: str = ""
    g: Game | None = None
    r: list[GameRecord] = msgspec.field(default_factory=list)
    j: list[tuple[int, str]] = msgspec.field(default_factory=list)
    w: tuple[int, int, int] | None = None
    a: Gratitude | None = None
    z: tuple[str, str] | None = None
    b: bool = False
    p: str = ""
    i: int | None = None
    u: dict[str, int] = msgspec.field(default_factory=dict)
    k: dict[str, list[int | str]] = msgspec.field(default_factory=dict)
