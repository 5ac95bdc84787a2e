"""The first-turn figure's households are timed in fresh processes, each on a copy of them.

A household's first turn in a process is what a new Lambda container answers; timed in the
benchmark's own process, beside every other section's heap, it landed on one of two figures
by the process. These tests run the real child interpreter on a real SQLite file.
"""

from __future__ import annotations

import gc
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from bench import turns
from bench.harness import ROOT, lambda_logging, resolver
from tests.support.decks import scaled_content

pytestmark = pytest.mark.integration


def _rows(database: Path) -> list[tuple[str, int, str]]:
    with closing(sqlite3.connect(database)) as db:
        return db.execute("SELECT key, version, data FROM households ORDER BY key").fetchall()


def test_each_process_times_every_household_on_a_copy_as_it_was_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(turns, "FIRST_TURN_HOUSEHOLDS", 3)
    monkeypatch.setattr(turns, "FIRST_TURN_EVENINGS", 2)
    lambda_logging()
    content = scaled_content(tmp_path / "content", 1)
    households = tmp_path / "made"
    households.mkdir()
    users = turns.make_first_households(households, content, resolver())
    made = _rows(households / "bench.db")
    # Three timed and, before them, the households that warm each process untimed.
    assert len(users) == 3 + turns.FIRST_TURN_WARMING and len(made) == len(users)

    timed = turns.first_turns_apart({1: (households, content, users)}, tmp_path, processes=2)

    assert list(timed) == [1] and len(timed[1]) == 2
    for process in timed[1]:
        assert len(process) == 3, process
        assert all(0 < t.own_s < 5 and 0 <= t.collecting_s < 5 for t in process), process
    # Each process launched every household once, on its own copy: the store they were made
    # in is as it was, and each copy has every household one save further on (beside the
    # household that warmed that process).
    assert _rows(households / "bench.db") == made
    keys = {k for k, _, _ in made}
    for round_ in range(2):
        copied = _rows(tmp_path / f"first-1-{round_}" / "bench.db")
        assert len(copied) == len(made) + 1
        assert [(k, v - 1) for k, v, _ in copied if k in keys] == [(k, v) for k, v, _ in made]


def test_the_child_refuses_anything_but_a_list_of_users(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.first_child", str(tmp_path), str(tmp_path)],
        input='{"user": 1}',
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=120,
    )
    assert done.returncode != 0
    assert "JSON list of users" in done.stderr


def test_the_collector_clock_counts_full_passes_inside_a_turn_only() -> None:
    """The first turns' slowest few each held a generation-1 or -2 collection: the clock
    counts those passes while a turn is inside the handler, and nothing outside it."""
    clock = turns.CollectorClock()
    gc.callbacks.append(clock)
    try:
        gc.collect(1)
        assert clock.spent == 0.0
        clock.inside = True
        gc.collect(0)  # a young pass: not what the clock is for
        assert clock.spent == 0.0
        gc.collect(1)
        after_one = clock.spent
        gc.collect(2)
        clock.inside = False
        gc.collect(2)
    finally:
        gc.callbacks.remove(clock)
    assert 0 < after_one < clock.spent < 5


def test_the_figure_keeps_the_turns_a_collection_ran_in() -> None:
    """Pooled over processes: the turns that held a full pass are counted, and the p99 of
    the rest is given beside the figure's own (which counts every turn)."""
    plain = [turns.FirstTurn(0.001) for _ in range(98)]
    slow = [turns.FirstTurn(0.003, 0.002), turns.FirstTurn(0.0028, 0.0015)]
    (figure,) = turns.first_turn_figures({1: [plain, slow], 100: [plain + slow]})
    detail = figure.detail["100x_ms"]
    assert detail["turns_collecting"] == 2
    assert detail["collecting_median"] == 1.75
    assert detail["p99_not_collecting"] == 1.0
    assert figure.value is not None and figure.value.p99 > 2.0
    assert figure.detail["1x_ms"]["process_medians"] == [1.0, 2.9]
