"""The first turns of one scale, timed in a fresh interpreter by ``bench.turns``.

Usage: ``python -m bench.first_child STORE_DIR CONTENT_DIR`` with the households' users as a
JSON list on standard input; prints each first turn's own CPU seconds as a JSON list. A
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
    users = json.loads(sys.stdin.read())
    if not isinstance(users, list) or not all(isinstance(u, str) for u in users):
        raise SystemExit("standard input must be a JSON list of users")
    lambda_logging()
    print(json.dumps(first_turns(directory, content, users, resolver())))


if __name__ == "__main__":
    main()
