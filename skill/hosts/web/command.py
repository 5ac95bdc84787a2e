"""``heart-to-heart serve``: the web service on this machine, the simulator by default.

Kept apart from ``skill.hosts.web.app`` so that building the command line imports no Flask.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO


def add_serve_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    serve = sub.add_parser(
        "serve",
        help="host POST /alexa (verified), the speaker simulator at / and GET /healthz",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (0 picks a free one)")
    serve.add_argument("--store", default=None, help="store URL (default: HEART_STORE or sqlite)")
    serve.add_argument("--locale", default="en-US", help="the simulator's locale")
    serve.add_argument(
        "--simulator",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="serve the simulator page (default: only when bound to a loopback address)",
    )
    serve.add_argument(
        "--no-verify",
        action="store_true",
        help="accept unsigned requests on /alexa; refused unless --host is a loopback address",
    )
    serve.add_argument(
        "--tts-base-url", default=None, help="where gTTS sends requests (default: Google)"
    )
    serve.add_argument("--tts-cache", type=Path, default=None, help="directory for cached speech")


def run_serve(args: argparse.Namespace, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    from skill.hosts.web.app import WebOptions, create_app, is_loopback, serve
    from skill.runtime.catalog import ContentError
    from skill.runtime.settings import Settings

    local = is_loopback(args.host)
    if args.no_verify and not local:
        print(
            f"refusing --no-verify on {args.host}: it is only allowed on 127.0.0.1 or localhost",
            file=err,
        )
        return 2
    settings = Settings.from_env(store_url=args.store)
    try:
        options = WebOptions.from_env(
            verify=not args.no_verify,
            simulator=local if args.simulator is None else args.simulator,
            locale=args.locale,
        )
        if args.tts_base_url or args.tts_cache:
            from dataclasses import replace

            tts = replace(
                options.tts,
                base_url=args.tts_base_url or options.tts.base_url,
                cache_dir=args.tts_cache or options.tts.cache_dir,
            )
            options = replace(options, tts=tts)
        app = create_app(settings, options=options)
    except ContentError as exc:
        print(f"content error: {exc}", file=err)
        return 2
    except (ValueError, OSError) as exc:
        print(f"configuration error: {exc}", file=err)
        return 2
    if args.no_verify:
        print(
            "WARNING: request verification is OFF. /alexa accepts unsigned requests from "
            "anyone who can reach this address. Use this only for local testing.",
            file=err,
        )
    elif settings.skill_id is None:
        print(
            "note: HEART_SKILL_ID is not set, so /alexa refuses every request. Set it to your "
            "skill's id to serve Alexa; the simulator works without it.",
            file=err,
        )
    if options.cert_fetch_base:
        print(
            f"WARNING: certificate chains are fetched from {options.cert_fetch_base} "
            "(HEART_CERT_FETCH_BASE is for tests only).",
            file=err,
        )
    err.flush()
    try:
        return serve(app, args.host, args.port, out)
    except OSError as exc:
        print(f"cannot listen on {args.host}:{args.port}: {exc}", file=err)
        return 2
