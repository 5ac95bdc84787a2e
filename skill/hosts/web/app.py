"""The self-hosted web service: the verified Alexa endpoint, a health check, the simulator.

Run it with ``heart-to-heart serve`` (local) or, in production, under gunicorn with the
settings in ``skill.hosts.web.server`` (a gevent worker with header and body deadlines)::

    HEART_SKILL_ID=amzn1.ask.skill.... HEART_KEY_SALT=... \
        gunicorn -c python:skill.hosts.web.server -b 0.0.0.0:8000 \
        'skill.hosts.web.app:create_app_from_env()'

``POST /alexa`` verifies every request (``skill.hosts.web.verify``) before the skill sees it. Every
failed check is answered 400 with a machine-readable reason, an oversized body 413, a body
that can't be read (bad chunking) 400, one that doesn't arrive in time 408, and any other
method (OPTIONS included) 405; nothing that fails a check is dispatched, and no request is
answered 500. Verification is on unless the code that builds the app turns it off, which the command
line only does for ``serve --no-verify`` on a loopback address. With verification on and no
``HEART_SKILL_ID``, ``/alexa`` refuses every request: a public endpoint that answered any
skill's traffic would be a forgery target.

Configuration beyond ``Settings`` (all optional):

* ``HEART_SIMULATOR=1`` serves the simulator under gunicorn (``serve --simulator`` asks for it
  explicitly); it is refused on a non-loopback bind, and its sessions live in memory, so give
  it one worker and no ``--preload``.
* ``HEART_MAX_BODY_BYTES`` caps request bodies (default 128 KiB; a real request is ~2 KiB).
* ``HEART_TTS_BASE_URL``, ``HEART_TTS_CACHE``, ``HEART_TTS_TIMEOUT``, ``HEART_TTS_LANG``,
  ``HEART_TTS_TLD``: where and how the simulator's speech is made (``skill.tools.tts``).
* Test only: ``HEART_TRUST_ROOTS=roots.pem`` trusts these roots *instead of* certifi's, and
  ``HEART_CERT_FETCH_BASE=http://127.0.0.1:PORT`` fetches certificate chains from that local
  server: ``https://s3.amazonaws.com/echo.api/x.pem`` is read from ``PORT/echo.api/x.pem``.
  Only the place the bytes come from changes; every URL rule is still checked on the URL
  the request named. The base must be a loopback address.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import sys
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from flask import Flask, Response, abort, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.wrappers import Response as WerkzeugResponse

from skill.hosts.web.simulator import (
    MODELS_DIR,
    Simulator,
    load_model,
    simulator_blueprint,
    suggested_phrases,
)
from skill.hosts.web.verify import (
    MAX_CHAIN_BYTES,
    CertFetcher,
    RequestVerifier,
    VerificationError,
    VerifierConfig,
    default_fetcher,
)
from skill.runtime.app import HeartSkill, SkillIdMismatch, build_skill
from skill.runtime.catalog import Catalog
from skill.runtime.copying import replace
from skill.runtime.logs import quiet_libraries
from skill.runtime.settings import MissingKeySalt, Settings, require_key_salt
from skill.runtime.store.port import Store, StoreError
from skill.tools.local_alexa import LocalAlexaApi
from skill.tools.nlu import Resolver
from skill.tools.tts import Speaker, TtsConfig, voice_for

log = logging.getLogger(__name__)

DEFAULT_MAX_BODY_BYTES = 128 * 1024
DEFAULT_TTS_CACHE = Path("var") / "tts-cache"
LOOPBACK_NAMES = frozenset({"localhost", "ip6-localhost"})
#: A valid Alexa answer that says nothing: only for a failure the skill itself didn't catch.
SILENT_RESPONSE: dict[str, Any] = {"version": "1.0", "response": {}}


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (127.0.0.0/8, ::1, localhost)."""
    name = host.strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class WebOptions:
    """How the web layer is hosted; ``Settings`` holds what the skill itself needs."""

    verify: bool = True
    simulator: bool = False
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    trust_roots_file: Path | None = None
    cert_fetch_base: str | None = None
    tts: TtsConfig = field(default_factory=lambda: TtsConfig(cache_dir=DEFAULT_TTS_CACHE))
    locale: str = "en-US"
    models_dir: Path = MODELS_DIR
    local_alexa_api: bool = True
    """Simulator only: play Alexa's Settings and Reminders APIs on 127.0.0.1, as the chat does."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> WebOptions:
        env = os.environ if env is None else env
        base = cls()
        lang, tld = voice_for(str(overrides.get("locale") or base.locale))
        tts = TtsConfig(
            cache_dir=Path(env.get("HEART_TTS_CACHE") or base.tts.cache_dir),
            lang=env.get("HEART_TTS_LANG") or lang,
            tld=env.get("HEART_TTS_TLD") or tld,
            base_url=env.get("HEART_TTS_BASE_URL") or None,
            timeout_s=float(env.get("HEART_TTS_TIMEOUT") or base.tts.timeout_s),
        )
        roots = env.get("HEART_TRUST_ROOTS")
        options = cls(
            simulator=env.get("HEART_SIMULATOR", "").lower() in ("1", "true", "yes", "on"),
            max_body_bytes=int(env.get("HEART_MAX_BODY_BYTES") or base.max_body_bytes),
            trust_roots_file=Path(roots) if roots else None,
            cert_fetch_base=env.get("HEART_CERT_FETCH_BASE") or None,
            tts=tts,
        )
        return replace(options, **{k: v for k, v in overrides.items() if v is not None})


# --- verification wiring ----------------------------------------------------------------------


def load_trust_roots(path: Path) -> list[x509.Certificate]:
    """Every certificate in a PEM file; an empty or unreadable file is a startup error."""
    roots = x509.load_pem_x509_certificates(path.read_bytes())
    if not roots:
        raise ValueError(f"no certificates in {path}")
    return roots


def rebased_fetcher(base: str) -> CertFetcher:
    """Test only: fetch ``https://s3.amazonaws.com/<path>`` from ``<base>/<path>`` instead.

    ``base`` must be an http(s) URL on a loopback address, so a misconfigured production
    server can't be pointed at someone else's certificates. No redirects, 64 KiB at most.
    """
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not is_loopback(parts.hostname or ""):
        raise ValueError(f"HEART_CERT_FETCH_BASE must be http(s) on a loopback address: {base!r}")
    root = base.rstrip("/")
    opener = urllib.request.build_opener(_NoRedirect)

    def fetch(url: str, timeout_s: float) -> bytes:
        target = root + urlsplit(url).path
        with opener.open(target, timeout=timeout_s) as response:
            if response.status != 200:
                raise OSError(f"certificate fetch answered HTTP {response.status}")
            data: bytes = response.read(MAX_CHAIN_BYTES + 1)
        if len(data) > MAX_CHAIN_BYTES:
            raise OSError("certificate chain is implausibly large")
        return data

    return fetch


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def build_verifier(settings: Settings, options: WebOptions) -> RequestVerifier:
    roots = load_trust_roots(options.trust_roots_file) if options.trust_roots_file else None
    config = VerifierConfig(
        skill_id=settings.skill_id, max_body_bytes=options.max_body_bytes, trust_roots=roots
    )
    fetcher = rebased_fetcher(options.cert_fetch_base) if options.cert_fetch_base else None
    return RequestVerifier(config, fetcher=fetcher or default_fetcher)


# --- the app ----------------------------------------------------------------------------------


def create_app(
    settings: Settings,
    skill: HeartSkill | None = None,
    verifier: RequestVerifier | None = None,
    *,
    options: WebOptions | None = None,
    store: Store | None = None,
    speaker: Speaker | None = None,
) -> Flask:
    """The Flask app. Builds what it isn't given: store, skill, verifier, speech.

    ``store`` is the one the skill uses; pass it with ``skill`` so the simulator's developer
    panel can show the household (it reads it, nothing more).
    """
    options = options or WebOptions()
    if skill is None:
        if store is None:
            from skill.runtime.store.factory import open_store

            store = open_store(settings.store_url)
        skill = build_skill(settings, store, Catalog.load(settings.content_dir))
    if options.verify and verifier is None:
        verifier = build_verifier(settings, options)
    active_verifier = verifier if options.verify else None

    app = Flask(__name__, static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = options.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["heart"] = {"skill": skill, "store": store, "options": options}

    @app.before_request
    def only_the_methods_a_route_names() -> None:
        """Flask answers OPTIONS itself with 200 and an Allow list; nothing here wants it."""
        if request.method == "OPTIONS":
            abort(405)

    @app.post("/alexa", provide_automatic_options=False)
    def alexa() -> tuple[Response, int]:
        return _answer_alexa(skill, active_verifier, settings, options)

    @app.get("/healthz", provide_automatic_options=False)
    def healthz() -> Response:
        return jsonify({"status": "ok", "store": _store_health(store)})

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> WerkzeugResponse:
        response = exc.get_response()
        name = (exc.name or "error").lower().replace(" ", "_")
        response.set_data(json.dumps({"error": name}))
        response.content_type = "application/json"
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> tuple[Response, int]:
        log.error("web_failed path=%s error=%s", request.path, type(exc).__name__)
        if request.path == "/alexa" and request.environ.get(DISPATCHED):
            return jsonify(SILENT_RESPONSE), 200
        return jsonify({"error": "internal_error"}), 500

    if options.simulator:
        resolver = Resolver.from_file(options.models_dir / f"{options.locale}.json")
        api_endpoint = ""
        if options.local_alexa_api:
            alexa_api = LocalAlexaApi(time_zone=settings.default_time_zone)
            api_endpoint = alexa_api.start()
            app.extensions["heart"]["alexa_api"] = alexa_api
        simulator = Simulator(
            skill.invoke,
            resolver,
            store,
            key_salt=settings.key_salt,
            time_zone=settings.default_time_zone,
            skill_id=settings.skill_id,
            locale=options.locale,
            content=Catalog.load(settings.content_dir).for_locale(options.locale),
            speaker=speaker or Speaker(options.tts),
            chips=suggested_phrases(load_model(options.locale, options.models_dir), options.locale),
            api_endpoint=api_endpoint,
        )
        app.extensions["heart"]["simulator"] = simulator
        app.register_blueprint(simulator_blueprint(simulator))
    return app


#: Set in the WSGI environ once a request has been handed to the skill.
DISPATCHED = "heart.dispatched"


def read_body(max_body_bytes: int) -> bytes:
    """The request body, or an HTTP error: 413 over the cap, 408 when it doesn't arrive in
    time (``server.BodyTimeout``), 400 when the server can't parse it (bad chunking).

    The body is read here, once, so that whatever the server raises while reading it is a
    client error answered with a 4xx, never the catch-all's 200 or 500.
    """
    try:
        body = request.get_data(cache=False)  # a Content-Length over the cap is a 413 here
        if len(body) >= max_body_bytes:
            request.stream.read(1)  # a chunked body cut off at the cap raises the 413 here
    except RequestEntityTooLarge:
        raise
    except Exception as exc:
        if _caused_by(exc, TimeoutError):  # werkzeug reports it as a client disconnect
            log.warning("body_timeout path=%s", request.path)
            abort(408)
        log.warning("body_unreadable path=%s error=%s", request.path, type(exc).__name__)
        abort(400)
    return body


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _answer_alexa(
    skill: HeartSkill,
    verifier: RequestVerifier | None,
    settings: Settings,
    options: WebOptions,
) -> tuple[Response, int]:
    """Verify, then dispatch. Rejections are 400 with a reason; nothing here is a 500."""
    body = read_body(options.max_body_bytes)
    if options.verify:
        if settings.skill_id is None or verifier is None:
            log.warning("alexa_rejected reason=skill_id_not_configured")
            return jsonify({"error": "skill_id_not_configured"}), 400
        try:
            envelope = verifier.verify(dict(request.headers.items()), body)
        except VerificationError as exc:
            log.warning("alexa_rejected reason=%s", exc.reason.value)
            return jsonify({"error": "verification_failed", "reason": exc.reason.value}), 400
        except Exception as exc:  # a verifier bug must still reject, never dispatch
            log.error("alexa_verifier_failed error=%s", type(exc).__name__)
            return jsonify({"error": "verification_failed", "reason": "verifier_error"}), 400
    else:
        try:
            envelope = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return jsonify({"error": "body_json"}), 400
        if not isinstance(envelope, dict) or not isinstance(envelope.get("request"), dict):
            return jsonify({"error": "body_json"}), 400
    request.environ[DISPATCHED] = True
    try:
        return jsonify(skill.invoke(envelope)), 200
    except SkillIdMismatch:
        log.warning("alexa_rejected reason=skill_id")
        return jsonify({"error": "verification_failed", "reason": "skill_id"}), 400


def _store_health(store: Store | None) -> str:
    """A cheap read of a key no household has: proves the store answers, writes nothing."""
    if store is None:
        return "none"
    try:
        store.load("healthz-probe")
    except StoreError:
        return "unavailable"
    return "ok"


def check_key_salt(env: Any, *, required: bool) -> str | None:
    """Why the household-key salt configuration can't start a server, or None."""
    try:
        if required:
            require_key_salt(Settings.from_env(env))
    except MissingKeySalt as exc:
        return str(exc)
    return None


def create_app_from_env() -> Flask:
    """The gunicorn entry point: everything from ``HEART_*`` variables, verification on,
    ``HEART_KEY_SALT`` required (this is the production command)."""
    logging.basicConfig(level=os.environ.get("HEART_LOG_LEVEL", "INFO"))
    quiet_libraries()
    settings = require_key_salt(Settings.from_env())
    return create_app(settings, options=WebOptions.from_env())


def announce(url: str, simulator: bool, out: Any = sys.stdout) -> None:
    """What ``serve`` prints once it listens: the URL, the simulator's, the endpoints."""
    print(f"Heart to Heart is listening on {url}", file=out)
    if simulator:
        print(f"Open {url} in your browser to talk to the speaker simulator.", file=out)
    print(f"Alexa endpoint: POST {url}alexa   health: GET {url}healthz", file=out)
    out.flush()
