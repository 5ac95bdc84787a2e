"""The first-turn figure's households are timed in fresh processes, each on a copy of them.

A household's first turn in a process is what a new Lambda container answers; timed in the
benchmark's own process, beside every other section's heap, it landed on one of two figures
by the process. These tests run the real child interpreter on a real SQLite file.
"""

from __future__ import annotations

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
    assert len(users) == 3 and len(made) == 3

    timed = turns.first_turns_apart({1: (households, content, users)}, tmp_path, processes=2)

    assert list(timed) == [1] and len(timed[1]) == 2
    for process in timed[1]:
        assert len(process) == 3 and all(0 < s < 5 for s in process), process
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
