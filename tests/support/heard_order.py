"""Heard lists as a household's draws make them: each cell walked in the household's order."""

from __future__ import annotations

import random

from skill.runtime.records.seen import Cells


def in_order(cells: Cells, count: int, seed: int) -> list[str]:
    """The first ``count`` ids a household hears drawing cell by cell in its order."""
    walks = {cell: iter(cells.order(seed, cell)) for cell in sorted(cells.members)}
    chance = random.Random(seed)
    heard: list[str] = []
    while len(heard) < count and walks:
        cell = chance.choice(sorted(walks))
        item = next(walks[cell], None)
        if item is None:
            del walks[cell]
        else:
            heard.append(item)
    return heard
