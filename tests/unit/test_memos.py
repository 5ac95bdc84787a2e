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


def test_threads_sharing_a_memory_keep_it_bounded_and_working() -> None:
    """Turns on threads (the tests' devices, a threaded host) share one memory."""
    import sys
    import threading

    memo: dict[tuple[int, int], int] = {}
    failures: list[BaseException] = []
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as the interpreter can

    def work(worker: int) -> None:
        try:
            for n in range(3000):
                assert remembered(memo, (worker, n % 50), 16, lambda n=n: n % 50) == n % 50  # type: ignore[misc]
        except BaseException as error:
            failures.append(error)

    try:
        threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(switch)
    assert failures == []
    assert len(memo) <= 16 + 8  # at most one entry over per thread in flight
