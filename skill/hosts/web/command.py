"""``heart-to-heart serve``: the web service, on the same gunicorn worker as production.

The simulator runs the skill for anyone who can reach it, so it is served only when asked
(``--simulator``) and only on a loopback address. A non-loopback address also needs
``HEART_KEY_SALT``; on loopback a salt is generated and kept per install (``var/key-salt``).

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
        action="store_true",
        help="also serve the speaker simulator at / (loopback addresses only)",
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
    from skill.hosts.salt import with_key_salt
    from skill.hosts.web import server
    from skill.hosts.web.app import WebOptions, announce, create_app, is_loopback
    from skill.runtime.catalog import Catalog, ContentError
    from skill.runtime.copying import replace
    from skill.runtime.settings import MissingKeySalt, Settings

    local = is_loopback(args.host)
    if args.no_verify and not local:
        print(
            f"refusing --no-verify on {args.host}: it is only allowed on 127.0.0.1 or localhost",
            file=err,
        )
        return 2
    if args.simulator and not local:
        print(
            f"refusing --simulator on {args.host}: the simulator runs the skill for anyone who "
            "can reach it, so it is only served on 127.0.0.1 or localhost",
            file=err,
        )
        return 2
    try:
        settings = with_key_salt(Settings.from_env(store_url=args.store), local=local)
        options = WebOptions.from_env(
            verify=not args.no_verify,
            simulator=True if args.simulator else None,
            locale=args.locale,
        )
        if options.simulator and not local:
            print(f"refusing HEART_SIMULATOR on {args.host}: loopback addresses only", file=err)
            return 2
        if args.tts_base_url or args.tts_cache:
            tts = replace(
                options.tts,
                base_url=args.tts_base_url or options.tts.base_url,
                cache_dir=args.tts_cache or options.tts.cache_dir,
            )
            options = replace(options, tts=tts)
        Catalog.load(settings.content_dir)  # a content error is reported here, not in a worker
    except ContentError as exc:
        print(f"content error: {exc}", file=err)
        return 2
    except MissingKeySalt as exc:
        print(f"configuration error: {exc}", file=err)
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

    def load() -> object:
        from skill.runtime.logs import quiet_libraries

        quiet_libraries()
        return create_app(settings, options=options)

    return server.run(
        load,
        args.host,
        args.port,
        announce=lambda url: announce(url, options.simulator, out),
        err=err,
    )
