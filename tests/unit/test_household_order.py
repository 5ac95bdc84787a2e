"""A household's order over content never changes: its stored heard sets are thresholds in it.

``draws.rank`` and ``draws.ranked`` (the loop that orders a whole deck at a household's first
draw in a process) must give every id the rank records were written with, or a stored
threshold would name other questions. The spec is the mix written out here, from its first
release: the id's CRC-32 xor the seed times 0x9E3779B1, then a 32-bit avalanche, kept to
30 bits.
"""

from __future__ import annotations

import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from skill.runtime import draws


def _spec(seed: int, item_id: str) -> int:
    h = (zlib.crc32(item_id.encode()) ^ (seed * 0x9E3779B1)) & 0xFFFFFFFF
    h = ((h ^ (h >> 16)) * 0x85EBCA6B) & 0xFFFFFFFF
    h = ((h ^ (h >> 13)) * 0xC2B2AE35) & 0xFFFFFFFF
    return (h ^ (h >> 16)) & ((1 << 30) - 1)


@settings(max_examples=300)
@given(
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    ids=st.lists(st.text(min_size=1, max_size=20), max_size=30),
)
def test_a_deck_ranked_in_one_loop_has_the_ranks_records_were_written_with(
    seed: int, ids: list[str]
) -> None:
    expected = [(_spec(seed, i), i) for i in ids]
    assert draws.ranked(seed, ids) == expected
    assert [draws.rank(seed, i) for i in ids] == [r for r, _ in expected]
