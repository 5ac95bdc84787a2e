"""What the stored form needs to know about the content: ids by kind, cells, game banks.

Built once per locale's content (``index_for``) and shared by every turn: the codec uses it
to turn lists of ids into references and thresholds and back.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from skill.runtime.catalog import LocaleContent
from skill.runtime.draws import sort_key
from skill.runtime.records.refs import RefIndex
from skill.runtime.records.seen import Cells


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
            if len(self._orders) > 64:
                self._orders.clear()
            self._orders[(seed, game)] = found
        return found


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
