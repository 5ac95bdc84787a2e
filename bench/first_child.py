"""The first turns of one scale, timed in a fresh interpreter by ``bench.turns``.

Usage: ``python -m bench.first_child STORE_DIR CONTENT_DIR [WARMING]`` with the households'
users as a JSON list on standard input, the first ``WARMING`` (default none) launched untimed
to warm the process; prints each first turn's own CPU seconds and the collector's
seconds in it (``bench.turns.FirstTurn``) as a JSON list of pairs. A
Lambda container is a process of its own: a first turn timed in the benchmark's process,
beside every other section's heap, landed near one of two figures by the process it ran in.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.harness import lambda_logging, resolver
from bench.turns import first_turns


def main() -> None:
    directory, content = Path(sys.argv[1]), Path(sys.argv[2])
    warming = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    users = json.loads(sys.stdin.read())
    if not isinstance(users, list) or not all(isinstance(u, str) for u in users):
        raise SystemExit("standard input must be a JSON list of users")
    lambda_logging()
    turns = first_turns(directory, content, users, resolver(), warming)
    print(json.dumps([[t.own_s, t.collecting_s] for t in turns]))


if __name__ == "__main__":
    main()
