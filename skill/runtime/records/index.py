"""What the stored form needs to know about the content: ids by kind, cells, game banks.

Built once per locale's content (``index_for``) and shared by every turn: the codec uses it
to turn lists of ids into references and thresholds and back.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from skill.runtime.catalog import LocaleContent
from skill.runtime.draws import Pool, sort_key
from skill.runtime.records.memos import remember
from skill.runtime.records.refs import RefIndex
from skill.runtime.records.seen import Cells
from skill.runtime.state import JournalEntry

T = TypeVar("T")
#: Filtered decks kept per content (a few filters: depth and theme preferences, swap).
MAX_POOLS = 64


def question_cell(depth: int, theme: str) -> str:
    """Questions are filtered by depth and theme, so each pair is a cell."""
    return f"q{depth}/{theme}"


def gratitude_cell(swap: bool) -> str:
    """Gratitude prompts are filtered by whether they can be swapped."""
    return "swap" if swap else "together"


@dataclass(frozen=True)
class ContentIndex:
    """The ids of each kind of content, their references, and their cells."""

    questions: RefIndex
    question_cells: Cells
    gratitude: RefIndex
    gratitude_cells: Cells
    exercises: RefIndex
    games: RefIndex
    game_questions: RefIndex
    banks: dict[str, tuple[str, ...]]
    _orders: dict[tuple[int, str], tuple[str, ...]] = field(default_factory=dict)
    _pools: dict[Hashable, Pool[Any]] = field(default_factory=dict)
    #: The codec's remembered journal nights: (night, its string) -> its entries, and whether
    #: they encode back to that string.
    journal_nights: dict[tuple[str, str], tuple[tuple[JournalEntry, ...], bool]] = field(
        default_factory=dict
    )
    #: The codec's remembered stored journals: (origin, stored nights) -> their entries, and
    #: the week they register (``codec._expand_journal``).
    journal_stored: dict[Any, Any] = field(default_factory=dict)
    #: The codec's remembered journal weeks: entries -> their encoding (``codec.Week``).
    journal_weeks: dict[Any, Any] = field(default_factory=dict)
    #: The codec's remembered journal entry tokens: (kind, id) -> its token (or None).
    journal_tokens: dict[tuple[str, str], str | None] = field(default_factory=dict)
    #: The codec's remembered game records, encoded and decoded.
    game_records: dict[Any, Any] = field(default_factory=dict)

    @functools.cached_property
    def refs_by_kind(self) -> dict[str, RefIndex]:
        """The references of each kind a journal entry can be (built once, not per entry)."""
        return {
            "question": self.questions,
            "gratitude": self.gratitude,
            "listening": self.exercises,
            "game": self.games,
        }

    @classmethod
    def of(cls, content: LocaleContent) -> ContentIndex:
        questions = content.questions
        prompts: tuple[Any, ...] = _section(content, "gratitude")
        games: tuple[Any, ...] = _section(content, "games")
        exercises: tuple[Any, ...] = _section(content, "exercises")
        question_refs = RefIndex(q.id for q in questions)
        gratitude_refs = RefIndex(p.id for p in prompts)
        banks = {g.id: tuple(q.id for q in g.questions) for g in games}
        return cls(
            questions=question_refs,
            question_cells=Cells(
                {q.id: question_cell(q.depth, q.theme) for q in questions}, question_refs
            ),
            gratitude=gratitude_refs,
            gratitude_cells=Cells({p.id: gratitude_cell(p.swap) for p in prompts}, gratitude_refs),
            exercises=RefIndex(e.id for e in exercises),
            games=RefIndex(banks),
            game_questions=RefIndex(q for bank in banks.values() for q in bank),
            banks=banks,
        )

    @classmethod
    def empty(cls) -> ContentIndex:
        """An index of no content at all."""
        nothing = RefIndex(())
        return cls(
            nothing, Cells({}, nothing), nothing, Cells({}, nothing), nothing, nothing, nothing, {}
        )

    def bank_order(self, seed: int, game: str) -> tuple[str, ...]:
        """A game's questions in the household's order (cached: a few per household)."""
        found = self._orders.get((seed, game))
        if found is None:
            found = tuple(sorted(self.banks.get(game, ()), key=lambda q: sort_key(seed, q)))
            remember(self._orders, (seed, game), found, 65)
        return found

    def pool(
        self, name: Hashable, build: Callable[[], Iterable[T]], ident: Callable[[T], str]
    ) -> Pool[T]:
        """The filtered deck ``name`` (``build()`` once, then cached with this index: the
        same content always filters the same)."""
        found = self._pools.get(name)
        if found is None:
            found = Pool.of(build(), ident)
            if len(self._pools) >= MAX_POOLS:
                self._pools.clear()
            self._pools[name] = found
        return found

    def question_order(self, seed: int, heard: Iterable[str], cell: Hashable) -> Iterable[str]:
        """The ids of the questions of ``cell`` (a ``(depth, theme)`` pair) in the
        household's order, from a point before the first one not in ``heard``
        (``seen.Cells.unheard``)."""
        depth, theme = cast(tuple[int, str], cell)
        return self.question_cells.unheard(seed, question_cell(depth, theme), heard)

    def gratitude_order(self, seed: int, heard: Iterable[str], cell: Hashable) -> Iterable[str]:
        """The ids of the gratitude prompts of ``cell`` (their swap flag) in the household's
        order, from a point before the first one not in ``heard``."""
        return self.gratitude_cells.unheard(seed, gratitude_cell(bool(cell)), heard)


def _section(content: LocaleContent, name: str) -> Any:
    try:
        return content.section(name)
    except KeyError:
        return ()


_LOCK = threading.Lock()
#: Indexes by the identity of the content they describe (the content is kept alive with its
#: index, so an id is never reused while it is cached).
_INDEXES: dict[int, tuple[LocaleContent, ContentIndex]] = {}


#: Where the index is kept in the content's memo (and so in the catalog snapshot).
MEMO_KEY = "records.index"


def index_for(content: LocaleContent) -> ContentIndex:
    """The index of ``content``, built on first use (a few milliseconds for today's deck,
    growing with it) unless the content came from a snapshot that carries it built."""
    memo = content.memo.get(MEMO_KEY)
    if isinstance(memo, ContentIndex):
        return memo
    found = _INDEXES.get(id(content))
    if found is not None and found[0] is content:
        return found[1]
    with _LOCK:
        if len(_INDEXES) > 16:
            _INDEXES.clear()
        index = ContentIndex.of(content)
        _INDEXES[id(content)] = (content, index)
        content.memo[MEMO_KEY] = index
        return index
