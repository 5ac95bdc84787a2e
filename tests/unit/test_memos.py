"""The codec's memories forget their oldest entry when full, never everything at once: the
household being served (the newest entries) is always remembered."""

from __future__ import annotations

from skill.runtime.records.memos import recall, remember, remembered


def test_a_full_memory_forgets_only_its_entry_least_lately_used() -> None:
    memo: dict[int, str] = {}
    for key in range(10):
        remember(memo, key, f"v{key}", 4)
    assert list(memo) == [6, 7, 8, 9]
    remember(memo, 8, "again", 4)  # a key it has is replaced, nothing forgotten
    assert memo == {6: "v6", 7: "v7", 8: "again", 9: "v9"}
    assert recall(memo, 6) == "v6" and recall(memo, 5) is None
    remember(memo, 10, "v10", 4)
    assert list(memo) == [9, 8, 6, 10]


def test_a_remembered_value_is_made_once_and_the_newest_survive_a_stream_of_others() -> None:
    memo: dict[str, int] = {}
    made: list[str] = []

    def make(key: str) -> int:
        made.append(key)
        return len(made)

    for turn in range(200):
        for key in ("ours", f"other-{turn}"):
            remembered(memo, key, 8, lambda key=key: make(key))  # type: ignore[misc]
        assert len(memo) <= 8
    # Read on every turn, "ours" is never forgotten, while the others come and go.
    assert made.count("ours") == 1 and "ours" in memo
    assert remembered(memo, "other-199", 8, lambda: -1) != -1
