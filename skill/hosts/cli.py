"""The ``heart-to-heart`` command: talk to the skill locally, host it, preview its content."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from skill.hosts.chat import ChatSession, ChatTurn, Clock
from skill.hosts.preview import add_preview_parser, run_preview
from skill.hosts.salt import with_key_salt
from skill.hosts.web.command import add_serve_parser, run_serve
from skill.runtime.app import skill_from_settings
from skill.runtime.catalog import ContentError
from skill.runtime.logs import quiet_libraries
from skill.runtime.settings import Settings
from skill.tools.envelopes import Conversation
from skill.tools.local_alexa import LocalAlexaApi
from skill.tools.nlu import Resolver

MODELS_DIR = Path(__file__).resolve().parents[2] / "interaction_models"


def _parse_now(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _print_turn(turn: ChatTurn, out: TextIO) -> None:
    if turn.permission:
        print(f"[Alexa asks you for permission to set reminders: {turn.permission}]", file=out)
    if turn.speech:
        label = "Alexa (reprompt)" if turn.silent_turn and turn.session_open else "Alexa"
        print(f"{label}: {turn.speech}", file=out)
    if not turn.silent_turn or turn.speech:
        print("[session open]" if turn.session_open else "[session closed]", file=out)
    out.flush()


def run_chat(args: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    """Read utterances (a prompt on a terminal, one per line otherwise) and print replies."""
    try:
        settings = with_key_salt(Settings.from_env(store_url=args.store), local=True)
        skill = skill_from_settings(settings)
    except ContentError as exc:
        print(f"content error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    resolver = Resolver.from_file(MODELS_DIR / f"{args.locale}.json")
    # Alexa's Settings and Reminders APIs, played on 127.0.0.1 so reminders work locally.
    alexa_api = LocalAlexaApi(time_zone=settings.default_time_zone)
    conversation = Conversation(
        user_id=args.user,
        locale=args.locale,
        api_endpoint=alexa_api.start(),
        api_token="local-access-token",
    )
    start = _parse_now(args.now) if args.now else datetime.now(UTC)
    # At a terminal the clock is the wall clock; piped or fast, it is simulated.
    clock = Clock(start, real_time=stdin.isatty() and not args.fast_clock)
    answer = "DENIED" if args.deny_permissions else "ACCEPTED"
    chat = ChatSession(skill.invoke, resolver, conversation, clock, permission_answer=answer)
    chat.fast_clock = args.fast_clock
    interactive = stdin.isatty()
    try:
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
    finally:
        alexa_api.close()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="heart-to-heart", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    chat = sub.add_parser("chat", help="type what you'd say to Alexa; read what Alexa says")
    chat.add_argument("--user", default="local-couple", help="the account id to talk as")
    chat.add_argument("--store", default=None, help="store URL (default: HEART_STORE or sqlite)")
    chat.add_argument("--locale", default="en-US")
    chat.add_argument("--now", default=None, help="ISO-8601 timestamp of the first request")
    chat.add_argument(
        "--fast-clock",
        action="store_true",
        help="move the clock on by how long each response plays (timed silences included), "
        "so a long exercise runs in seconds",
    )
    chat.add_argument(
        "--deny-permissions",
        action="store_true",
        help="answer Alexa's permission questions (reminders) with no instead of yes",
    )
    add_serve_parser(sub)
    add_preview_parser(sub)
    report = sub.add_parser(
        "content-report",
        help="count the content: kinds, games, prompts, exercises, questions by theme and depth",
    )
    report.add_argument("--locale", default="en-US")
    report.add_argument(
        "--content-dir", default=None, help="the content folder (default: HEART_CONTENT_DIR)"
    )
    build = sub.add_parser(
        "build-lambda", help="build the AWS Lambda zip (only what the runtime needs)"
    )
    build.add_argument("--out", default="build/lambda.zip", help="where to write the zip")
    build.add_argument(
        "--arch",
        default="arm64",
        choices=("arm64", "x86_64", "host"),
        help="the function's architecture; host: this machine's, so the zip imports here",
    )
    build.add_argument("--python-version", default="3.12", help="the Lambda runtime's Python")
    build.add_argument(
        "--include-boto3", action="store_true", help="ship boto3 instead of the runtime's"
    )
    export = sub.add_parser(
        "export-skill-package", help="write skill-package/ and its tasks for ask deploy"
    )
    export.add_argument("--out", default="skill-package", help="the skill package folder")
    export.add_argument(
        "--endpoint", default=None, help="the function ARN (template output SkillFunctionArn)"
    )
    export.add_argument(
        "--ask-resources",
        action="store_true",
        help="also write ask-resources.json and the stack template beside it, for ask deploy",
    )
    return parser


def run_build_lambda(args: argparse.Namespace, out: TextIO) -> int:
    """Build the Lambda zip and print where it is and how big."""
    from skill.tools.deploy.lambda_zip import BuildError, BuildOptions, build_lambda_zip, describe

    options = BuildOptions(
        out=Path(args.out),
        arch=args.arch,
        python_version=args.python_version,
        include_boto3=args.include_boto3,
    )
    try:
        result = build_lambda_zip(options)
    except BuildError as exc:
        print(f"build-lambda failed: {exc}", file=sys.stderr)
        return 1
    print(describe(result), file=out)
    return 0


def run_export_skill_package(args: argparse.Namespace, out: TextIO) -> int:
    """Write the ASK skill package and list its files."""
    from skill.tools.deploy.skill_package import ExportError, export_skill_package

    try:
        result = export_skill_package(
            Path(args.out), endpoint=args.endpoint, ask_resources=args.ask_resources
        )
    except ExportError as exc:
        print(f"export-skill-package failed: {exc}", file=sys.stderr)
        return 1
    for path in result.files:
        print(path, file=out)
    return 0


def run_report(args: argparse.Namespace, out: TextIO) -> int:
    """Print what the content holds, from the catalog as the skill loads it."""
    from skill.tools.content_report import run_content_report

    content_dir = Path(args.content_dir) if args.content_dir else Settings.from_env().content_dir
    return run_content_report(out, sys.stderr, locale=args.locale, content_dir=content_dir)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s %(message)s", stream=sys.stderr
    )
    quiet_libraries()
    if args.command == "chat":
        return run_chat(args, sys.stdin, sys.stdout)
    if args.command == "serve":
        return run_serve(args)
    if args.command == "preview":
        return run_preview(args)
    if args.command == "build-lambda":
        return run_build_lambda(args, sys.stdout)
    if args.command == "export-skill-package":
        return run_export_skill_package(args, sys.stdout)
    if args.command == "content-report":
        return run_report(args, sys.stdout)
    return 2


if __name__ == "__main__":
    sys.exit(main())
