"""``heart-to-heart serve`` as a real process, called over HTTP: forged requests never get in.

The server trusts a test CA generated at test time (``HEART_TRUST_ROOTS``) and fetches
certificate chains from a local server (``HEART_CERT_FETCH_BASE``): the requests still name
``https://s3.amazonaws.com/echo.api/...`` and every URL rule is checked on that URL. Each
forged request speaks for its own user; afterwards the SQLite file must hold no household
for it, proving the skill never ran. Every status the server returns is recorded and none
may be a 5xx.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from skill.runtime.records import read_household
from skill.runtime.state import to_dict
from skill.runtime.store.sqlite import SqliteStore
from skill.runtime.turn import household_key
from skill.tools.envelopes import Conversation
from tests.support import certs as ca
from tests.support.content import default_content
from tests.support.dialog import ROOT, TEST_KEY_SALT
from tests.support.web_server import ServerProcess, running_server, serve_command

pytestmark = pytest.mark.integration

SKILL_ID = "amzn1.ask.skill.00000000-web-integration"
CERT_HOST = "https://s3.amazonaws.com"
SALT = TEST_KEY_SALT


def _now() -> datetime:
    return datetime.now(UTC)


def _leaf(**kwargs: Any) -> ca.Issued:
    """A signing leaf valid around the real clock (the server verifies at real time)."""
    now = _now()
    kwargs.setdefault("not_before", now - timedelta(days=1))
    kwargs.setdefault("not_after", now + timedelta(days=30))
    return ca.leaf(**kwargs)


def _chains() -> dict[str, bytes]:
    """What the fake S3 serves, by path. The good chain is Amazon-shaped: leaf, intermediate."""
    now = _now()
    good = _leaf()
    forged = _leaf(issuer=ca.lookalike_intermediate())
    self_signed = ca.issue(
        good.cert.subject,
        ca.key("leaf"),
        None,
        ca=False,
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=30),
        san=(ca.SIGNING_NAME,),
    )
    return {
        "/echo.api/good.pem": ca.chain_pem(good),
        "/echo.api/expired.pem": ca.chain_pem(
            _leaf(not_before=now - timedelta(days=60), not_after=now - timedelta(minutes=1))
        ),
        "/echo.api/not-yet-valid.pem": ca.chain_pem(
            _leaf(not_before=now + timedelta(hours=1), not_after=now + timedelta(days=60))
        ),
        "/echo.api/wrong-san.pem": ca.chain_pem(_leaf(san=("echo-api.amazon.com.evil.example",))),
        "/echo.api/self-signed.pem": ca.pem(self_signed.cert),
        "/echo.api/missing-intermediate.pem": ca.pem(good.cert),
        "/echo.api/wrong-order.pem": ca.pem(ca.intermediate().cert, good.cert),
        "/echo.api/lookalike.pem": ca.pem(
            forged.cert, ca.lookalike_intermediate().cert, ca.lookalike_root().cert
        ),
        "/echo.api/lookalike-no-root.pem": ca.pem(forged.cert, ca.lookalike_intermediate().cert),
    }


@dataclass
class FakeS3:
    chains: dict[str, bytes]
    base_url: str = ""
    fetched: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def fake_s3() -> Iterator[FakeS3]:
    s3 = FakeS3(_chains())

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            s3.fetched.append(self.path)
            body = s3.chains.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    s3.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield s3
    server.shutdown()
    server.server_close()


@dataclass
class Site:
    server: ServerProcess
    db: Path
    statuses: list[tuple[str, int]] = field(default_factory=list)

    def call(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        parts = urlsplit(self.server.url)
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=15)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            raw = response.read()
        finally:
            conn.close()
        self.statuses.append((f"{method} {path}", response.status))
        try:
            return response.status, json.loads(raw)
        except ValueError:
            return response.status, raw

    def household(self, user: str) -> dict[str, Any] | None:
        """The saved household in its full shape (the record itself is compact)."""
        store = SqliteStore(self.db)
        key = household_key(user, SALT)
        try:
            data = store.load(key).data
        finally:
            store.close()
        return None if data is None else to_dict(read_household(data, default_content(), key))


@pytest.fixture(scope="module")
def site(fake_s3: FakeS3, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    workdir = tmp_path_factory.mktemp("web")
    roots = workdir / "roots.pem"
    roots.write_bytes(ca.pem(ca.root().cert))
    db = workdir / "heart.db"
    env = {
        "HEART_SKILL_ID": SKILL_ID,
        "HEART_KEY_SALT": SALT,
        "HEART_TRUST_ROOTS": str(roots),
        "HEART_CERT_FETCH_BASE": fake_s3.base_url,
        "HEART_TTS_CACHE": str(workdir / "tts"),
    }
    with running_server(["--store", f"sqlite:///{db}"], env=env) as server:
        running = Site(server, db)
        yield running
        server_errors = [(call, status) for call, status in running.statuses if status >= 500]
        assert server_errors == [], server_errors
        assert "Traceback" not in server.log(), server.log()


# --- requests ---------------------------------------------------------------------------


def envelope(
    user: str,
    *,
    skill_id: str = SKILL_ID,
    offset: timedelta = timedelta(0),
    intent: str | None = None,
) -> bytes:
    conversation = Conversation(user_id=user, skill_id=skill_id)
    when = _now() + offset
    event = conversation.intent(intent, when, new=True) if intent else conversation.launch(when)
    return json.dumps(event).encode()


def signed(body: bytes, chain: str = "good.pem", url: str | None = None) -> dict[str, str]:
    return {
        "SignatureCertChainUrl": url or f"{CERT_HOST}/echo.api/{chain}",
        "Signature-256": ca.sign(body, ca.key("leaf")),
        "Content-Type": "application/json",
    }


# --- accepted --------------------------------------------------------------------------------


def test_correctly_signed_launch_is_answered_with_speech(site: Site, fake_s3: FakeS3) -> None:
    body = envelope("user-accepted")
    status, answer = site.call("POST", "/alexa", body, signed(body))
    assert status == 200, answer
    assert answer["response"]["outputSpeech"]["ssml"].startswith("<speak>")
    assert answer["response"]["shouldEndSession"] is False
    assert site.household("user-accepted") is not None


def test_correctly_signed_intent_reuses_the_cached_chain(site: Site, fake_s3: FakeS3) -> None:
    body = envelope("user-accepted-intent", intent="TonightQuestionIntent")
    status, answer = site.call("POST", "/alexa", body, signed(body))
    assert status == 200, answer
    assert answer["response"]["outputSpeech"]["ssml"]
    stored = site.household("user-accepted-intent")
    assert stored is not None and stored["tonight"]["question_id"]
    assert fake_s3.fetched.count("/echo.api/good.pem") == 1


def test_healthz(site: Site) -> None:
    assert site.call("GET", "/healthz") == (200, {"status": "ok", "store": "ok"})


def test_get_alexa_is_405(site: Site) -> None:
    status, answer = site.call("GET", "/alexa")
    assert status == 405
    assert answer == {"error": "method_not_allowed"}


# --- rejected: every class of forgery, none reaching the skill --------------------------------


def _forge(case: str, user: str) -> tuple[bytes, dict[str, str]]:
    body = envelope(user)
    headers = signed(body)
    url = headers["SignatureCertChainUrl"]
    match case:
        case "missing all headers":
            headers = {}
        case "missing cert url":
            del headers["SignatureCertChainUrl"]
        case "missing signature":
            del headers["Signature-256"]
        case "sha1 signature only":
            headers["Signature"] = headers.pop("Signature-256")
        case "http url":
            headers["SignatureCertChainUrl"] = url.replace("https://", "http://")
        case "wrong host":
            headers["SignatureCertChainUrl"] = url.replace("s3.amazonaws.com", "s3.evil.example")
        case "wrong path":
            headers["SignatureCertChainUrl"] = f"{CERT_HOST}/EcHo.aPi/good.pem"
        case "dot dot traversal":
            headers["SignatureCertChainUrl"] = f"{CERT_HOST}/echo.api/../evil/good.pem"
        case "wrong port":
            headers["SignatureCertChainUrl"] = "https://s3.amazonaws.com:563/echo.api/good.pem"
        case "body altered after signing":
            body = body.replace(b'"new": true', b'"new": false')
        case "timestamp 151 s past":
            body = envelope(user, offset=timedelta(seconds=-151))
            headers = signed(body)
        case "timestamp 151 s future":
            body = envelope(user, offset=timedelta(seconds=151))
            headers = signed(body)
        case "wrong skill id":
            body = envelope(user, skill_id="amzn1.ask.skill.someone-else")
            headers = signed(body)
        case "malformed json":
            body = body[:-3]
            headers = signed(body)
        case _:
            headers = signed(body, chain=case.replace(" ", "-") + ".pem")
    return body, headers


REJECTED = {
    "missing all headers": "header_missing",
    "missing cert url": "header_missing",
    "missing signature": "header_missing",
    "sha1 signature only": "signature_sha1_only",
    "http url": "cert_url_scheme",
    "wrong host": "cert_url_host",
    "wrong path": "cert_url_path",
    "dot dot traversal": "cert_url_path",
    "wrong port": "cert_url_port",
    "expired": "cert_expired",
    "not yet valid": "cert_not_yet_valid",
    "wrong san": "cert_san",
    "self signed": "cert_chain",
    "missing intermediate": "cert_chain",
    "wrong order": "cert_chain",
    "lookalike": "cert_chain",
    "lookalike no root": "cert_chain",
    "body altered after signing": "signature_mismatch",
    "timestamp 151 s past": "timestamp_stale",
    "timestamp 151 s future": "timestamp_stale",
    "wrong skill id": "skill_id",
    "malformed json": "body_json",
}


@pytest.mark.parametrize(("case", "reason"), REJECTED.items(), ids=list(REJECTED))
def test_forged_request_is_400_and_never_reaches_the_skill(
    site: Site, case: str, reason: str
) -> None:
    user = "user-forged-" + case.replace(" ", "-")
    body, headers = _forge(case, user)
    status, answer = site.call("POST", "/alexa", body, headers)
    assert status == 400, answer
    assert answer == {"error": "verification_failed", "reason": reason}
    assert site.household(user) is None


@pytest.mark.parametrize("case", ["http url", "wrong host", "wrong path", "dot dot traversal"])
def test_bad_certificate_urls_are_never_fetched(site: Site, fake_s3: FakeS3, case: str) -> None:
    body, headers = _forge(case, "user-never-fetched")
    before = len(fake_s3.fetched)
    status, _ = site.call("POST", "/alexa", body, headers)
    assert status == 400
    assert len(fake_s3.fetched) == before


def test_oversized_body_is_413(site: Site) -> None:
    user = "user-oversized"
    body = envelope(user)
    padded = body[:-1] + b', "padding": "' + b"x" * (200 * 1024) + b'"}'
    status, answer = site.call("POST", "/alexa", padded, signed(padded))
    assert status == 413
    assert answer == {"error": "request_entity_too_large"}
    assert site.household(user) is None


def test_oversized_chunked_body_is_413(site: Site) -> None:
    """No Content-Length to trust: the cap applies to the stream itself."""
    user = "user-oversized-chunked"
    body = envelope(user)
    padded = body[:-1] + b', "padding": "' + b"x" * (200 * 1024) + b'"}'
    chunks = (padded[i : i + 16384] for i in range(0, len(padded), 16384))
    parts = urlsplit(site.server.url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=15)
    try:
        conn.request("POST", "/alexa", body=chunks, headers=signed(padded), encode_chunked=True)
        response = conn.getresponse()
        answer = response.read()
    finally:
        conn.close()
    site.statuses.append(("POST /alexa (chunked)", response.status))
    assert response.status == 413, answer
    assert site.household(user) is None


def test_unsigned_garbage_is_400(site: Site) -> None:
    status, answer = site.call("POST", "/alexa", b"\xff\xfe not even text", {})
    assert status == 400
    assert answer["error"] == "verification_failed"


# --- the local-only switch ----------------------------------------------------------------------


def test_no_verify_is_refused_on_a_public_address(tmp_path: Path) -> None:
    done = subprocess.run(
        serve_command("--no-verify", "--host", "0.0.0.0", "--port", "0"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)},
    )
    assert done.returncode == 2
    assert "--no-verify" in done.stderr
    assert "listening" not in done.stdout


def test_no_verify_on_loopback_warns_and_accepts_unsigned_requests(tmp_path: Path) -> None:
    db = tmp_path / "heart.db"
    with running_server(["--no-verify", "--store", f"sqlite:///{db}"]) as server:
        parts = urlsplit(server.url)
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=15)
        body = envelope("user-unverified", skill_id="amzn1.ask.skill.heart-to-heart-local")
        conn.request("POST", "/alexa", body=body)
        response = conn.getresponse()
        response.read()
        conn.close()
        assert response.status == 200
        time.sleep(0.1)
        assert "verification is OFF" in server.log()
