"""The ``heart-to-heart`` command: talk to the skill locally, and (later) host or preview it."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from skill.app import skill_from_settings
from skill.catalog import ContentError
from skill.chat import ChatSession, ChatTurn, Clock
from skill.envelopes import Conversation
from skill.nlu import Resolver
from skill.settings import Settings

MODELS_DIR = Path(__file__).resolve().parent.parent / "interaction_models"


def _parse_now(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _print_turn(turn: ChatTurn, out: TextIO) -> None:
    if turn.speech:
        label = "Alexa (reprompt)" if turn.silent_turn and turn.session_open else "Alexa"
        print(f"{label}: {turn.speech}", file=out)
    if not turn.silent_turn or turn.speech:
        print("[session open]" if turn.session_open else "[session closed]", file=out)
    out.flush()


def run_chat(args: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    """Read utterances (a prompt on a terminal, one per line otherwise) and print replies."""
    settings = Settings.from_env(store_url=args.store)
    try:
        skill = skill_from_settings(settings)
    except ContentError as exc:
        print(f"content error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    resolver = Resolver.from_file(MODELS_DIR / f"{args.locale}.json")
    conversation = Conversation(user_id=args.user, locale=args.locale)
    clock = Clock(_parse_now(args.now) if args.now else datetime.now(UTC))
    chat = ChatSession(skill.invoke, resolver, conversation, clock)
    interactive = stdin.isatty()
    while True:
        if interactive:
            out.write("you> ")
            out.flush()
        line = stdin.readline()
        if not line:
            break
        text = line.rstrip("\n")
        if text.lstrip().startswith("#"):
            continue
        _print_turn(chat.say(text), out)
    chat.end()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="heart-to-heart", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    chat = sub.add_parser("chat", help="type what you'd say to Alexa; read what Alexa says")
    chat.add_argument("--user", default="local-couple", help="the account id to talk as")
    chat.add_argument("--store", default=None, help="store URL (default: HEART_STORE or sqlite)")
    chat.add_argument("--locale", default="en-US")
    chat.add_argument("--now", default=None, help="ISO-8601 timestamp of the first request")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s %(message)s", stream=sys.stderr
    )
    if args.command == "chat":
        return run_chat(args, sys.stdin, sys.stdout)
    return 2


if __name__ == "__main__":
    sys.exit(main())
