"""Byte for byte: what a fixed set of turns answers and saves, before and after a lever.

A speed lever must not change a single response or a single saved record. This replays a
fixed couple (fixed user, key salt, clock and utterances, so every seeded draw is the same)
through the Lambda handler on SQLite, for many nights of every turn kind, on today's content
and on ten times the content, and keeps a digest of each response (the JSON Lambda would
send, key order included) and of each record saved (its body: the write token ring is random
by design).

    python -m bench.replay --capture   # before the first lever: writes bench/replay.json
    python -m bench.replay             # after each lever: exit 1 at the first difference

The capture belongs to the content and flows it was made with: after a change that is meant
to change what the skill says (new content, a new flow), capture again.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.harness import AWS_TEST_ENV, ROOT, Couple, LoadedLambda, lambda_logging, resolver
from bench.turns import ACTIVITIES, available_activities, sqlite_lambda
from skill.runtime.records.tokens import body_of
from skill.tools.nlu import Resolver

CAPTURE = ROOT / "bench" / "replay.json"
#: Content sizes replayed and nights at each: enough for decks to run out and cycle at 1x.
SCALES = ((1, 60), (10, 15))
#: Said every evening, besides each activity's start and cue words: every top-level turn.
EVENING = (
    "open heart to heart",
    "tonight's question",
    "repeat",
    "another question",
    "help",
    "stop",
)
#: Said inside an activity after its measured steps (when the session is still open).
EXTRA = {"gratitude": ("swap", "repeat"), "game": ("repeat",), "exercise": ("repeat",)}


@dataclass(frozen=True)
class Turn:
    """One turn's digest, and what was said (so a difference can be found again)."""

    scale: int
    night: int
    said: str
    response: str
    saved: str

    def key(self) -> str:
        return f"{self.scale}x night {self.night}: {self.said!r}"


def _digest(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _turns(lam: LoadedLambda, nlu: Resolver, scale: int, nights: int) -> Iterator[Turn]:
    activities, _ = available_activities(nlu)
    couple = Couple(lam, nlu, user="amzn1.ask.account.replay-couple")
    answered: list[dict[str, Any]] = []
    handler = lam.handler

    def recording(event: dict[str, Any], context: Any) -> dict[str, Any]:
        lam.store.last_saved = None
        response = handler(event, context)
        answered.append(response)
        return response

    lam.handler = recording

    def say(night: int, text: str) -> Iterator[Turn]:
        answered.clear()
        couple.say(text)
        saved = lam.store.last_saved
        for response in answered:
            yield Turn(scale, night, text, _digest(response), _digest(body_of(saved)))

    try:
        for night in range(nights):
            for text in EVENING:
                yield from say(night, text)
            for activity in activities:
                yield from say(night, activity.start)
                for text in (*activity.steps, *EXTRA.get(activity.key, ())):
                    if couple.conversation.in_session:
                        yield from say(night, text)
                if couple.conversation.in_session:
                    yield from say(night, "stop")
            answered.clear()
            couple.next_night()
    finally:
        lam.handler = handler


def replay() -> list[Turn]:
    """Every turn of the fixed script, at each content size."""
    import os

    from tests.support.decks import scaled_content

    os.environ.update(AWS_TEST_ENV)
    lambda_logging()
    nlu = resolver()
    out: list[Turn] = []
    with tempfile.TemporaryDirectory(prefix="bench-replay-") as tmp:
        for scale, nights in SCALES:
            directory = Path(tmp) / f"{scale}x"
            directory.mkdir()
            env = {}
            if scale != 1:
                env["HEART_CONTENT_DIR"] = str(scaled_content(directory / "content", scale))
            lam = sqlite_lambda(directory, **env)
            out.extend(_turns(lam, nlu, scale, nights))
    return out


def _as_json(turns: list[Turn]) -> dict[str, Any]:
    return {
        "activities": [a.key for a in ACTIVITIES],
        "turns": [[t.scale, t.night, t.said, t.response, t.saved] for t in turns],
    }


def check(turns: list[Turn], captured: dict[str, Any]) -> str:
    """The first difference from the capture ("" when there is none)."""
    before = [Turn(*row) for row in captured["turns"]]
    for old, new in zip(before, turns, strict=False):
        if old.key() != new.key():
            return f"the script itself changed at {old.key()} (now {new.key()})"
        if old.response != new.response:
            return f"the response differs at {new.key()}"
        if old.saved != new.saved:
            return f"the saved record differs at {new.key()}"
    if len(before) != len(turns):
        return f"{len(before)} turns captured, {len(turns)} replayed"
    return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.replay", description=__doc__)
    parser.add_argument("--capture", action="store_true", help="write the capture anew")
    parser.add_argument("--file", type=Path, default=CAPTURE)
    args = parser.parse_args(argv)
    turns = replay()
    if args.capture:
        args.file.write_text(json.dumps(_as_json(turns), indent=0) + "\n", encoding="utf-8")
        print(f"captured {len(turns)} turns to {args.file}")
        return 0
    difference = check(turns, json.loads(args.file.read_text(encoding="utf-8")))
    if difference:
        print(f"replay: {difference}", file=sys.stderr)
        return 1
    print(f"replay: {len(turns)} turns answered and saved byte for byte as captured")
    return 0


if __name__ == "__main__":
    sys.exit(main())
