"""Verify that an HTTP request really came from Alexa, for this skill, just now.

A self-hosted endpoint must prove three things before it trusts a request (PLATFORM.md,
"Web-service endpoint"): Amazon signed these exact bytes (``Signature-256`` with the key of
a certificate for ``echo-api.amazon.com`` that chains to a trusted root, fetched from
Amazon's S3 bucket), the request is fresh (``request.timestamp``), and it is addressed to
this skill (``applicationId``).

Order of checks. Everything that needs no network comes first — headers, certificate URL,
body size, JSON shape, timestamp, skill id, base64 of the signature — so forged, replayed or
misaddressed traffic is turned away without making us fetch anything. Reading fields of a
not-yet-verified body is safe because those checks can only *reject*: nothing is trusted or
returned until the signature over the very same bytes has been verified, so a request that
passes the signature would have passed the earlier checks identically.

This module does no I/O of its own except through the injected certificate fetcher (and
reading certifi's bundle once, when no trust roots are given). It never logs; error
messages name the failed rule, never anything partners said.
"""

from __future__ import annotations

import base64
import binascii
import json
import posixpath
import ssl
import threading
import time
import urllib.request
import warnings
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import certifi
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.verification import PolicyBuilder, Store
from cryptography.x509.verification import VerificationError as _ChainError

ALEXA_SIGNING_NAME = "echo-api.amazon.com"
CERT_URL_HOST = "s3.amazonaws.com"
CERT_URL_PATH_PREFIX = "/echo.api/"
MAX_CHAIN_BYTES = 64 * 1024
"""A real chain is ~6 KB; anything far larger is not Amazon's and is not worth reading."""

CertFetcher = Callable[[str, float], bytes]
"""``(url, timeout_s) -> PEM bytes`` (leaf first); raises on any failure."""

Clock = Callable[[], datetime]


class Reason(StrEnum):
    """Machine-readable cause of a rejection; the web layer answers 400 for every one."""

    BODY_TOO_LARGE = "body_too_large"
    HEADER_MISSING = "header_missing"
    SIGNATURE_SHA1_ONLY = "signature_sha1_only"
    CERT_URL_INVALID = "cert_url_invalid"
    CERT_URL_SCHEME = "cert_url_scheme"
    CERT_URL_USERINFO = "cert_url_userinfo"
    CERT_URL_HOST = "cert_url_host"
    CERT_URL_PORT = "cert_url_port"
    CERT_URL_PATH = "cert_url_path"
    CERT_URL_QUERY = "cert_url_query"
    SIGNATURE_ENCODING = "signature_encoding"
    BODY_JSON = "body_json"
    TIMESTAMP_INVALID = "timestamp_invalid"
    TIMESTAMP_STALE = "timestamp_stale"
    SKILL_ID = "skill_id"
    CERT_FETCH = "cert_fetch"
    CERT_PARSE = "cert_parse"
    CERT_NOT_YET_VALID = "cert_not_yet_valid"
    CERT_EXPIRED = "cert_expired"
    CERT_SAN = "cert_san"
    CERT_KEY = "cert_key"
    CERT_CHAIN = "cert_chain"
    SIGNATURE_MISMATCH = "signature_mismatch"


class VerificationError(Exception):
    """The request is not provably from Alexa for this skill, now. ``reason`` says which rule."""

    def __init__(self, reason: Reason, detail: str = "") -> None:
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
        self.reason = reason


@dataclass(frozen=True)
class VerifierConfig:
    """What the verifier enforces. ``skill_id=None`` skips the skill-id check (local use only)."""

    skill_id: str | None
    max_body_bytes: int = 128 * 1024
    timestamp_tolerance_s: float = 150.0
    skill_event_tolerance_s: float = 3600.0
    fetch_timeout_s: float = 1.0
    """S3 answers in well under 100 ms; a slow host must not hold a request for long."""
    cache_size: int = 8
    failure_cache_s: float = 15.0
    """A URL whose chain failed (fetch, parse or validation) is not fetched again for this long."""
    failure_cache_size: int = 256
    max_fetches_in_flight: int = 2
    """Distinct URLs fetched at once; a forged request beyond this is refused at once."""
    trust_roots: Sequence[x509.Certificate] | None = None
    """``None`` means certifi's bundle; tests pass their own root."""


@cache
def default_trust_roots() -> tuple[x509.Certificate, ...]:
    """Certifi's roots, parsed once per process.

    Parsed one by one so that a single root this cryptography version dislikes (certifi has
    one with a non-positive serial, deprecated today, an error tomorrow) costs only that root.
    """
    end = b"-----END CERTIFICATE-----"
    roots: list[x509.Certificate] = []
    for block in Path(certifi.where()).read_bytes().split(end):
        if b"-----BEGIN CERTIFICATE-----" not in block:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            try:
                roots.append(x509.load_pem_x509_certificate(block + end))
            except ValueError:
                continue
    return tuple(roots)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """The checked URL is the one fetched: a redirect could lead anywhere, so it fails."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        return None


def default_fetcher(url: str, timeout_s: float) -> bytes:
    """Fetch a certificate chain over verified HTTPS, without redirects, at most 64 KiB.

    ``timeout_s`` bounds each socket operation and the whole download is abandoned once it
    has run past ``timeout_s``, so a slow trickle cannot hold a request for long (worst case
    about twice ``timeout_s``, well inside Alexa's 8 s).
    """
    if not url.startswith("https://"):
        raise ValueError("certificate chains are fetched over https only")
    context = ssl.create_default_context(cafile=certifi.where())
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), _NoRedirect)
    deadline = time.monotonic() + timeout_s
    with opener.open(url, timeout=timeout_s) as response:
        if response.status != 200:
            raise OSError(f"certificate fetch answered HTTP {response.status}")
        data = bytearray()
        while True:
            if time.monotonic() > deadline:
                raise TimeoutError("certificate fetch ran past its deadline")
            chunk = response.read1(16 * 1024)
            if not chunk:
                return bytes(data)
            data += chunk
            if len(data) > MAX_CHAIN_BYTES:
                raise OSError("certificate chain is implausibly large")


def check_cert_url(url: str) -> str:
    """Apply Amazon's rules to ``SignatureCertChainUrl``; return the canonical URL to fetch.

    Scheme https and host s3.amazonaws.com (both case-insensitive), port 443 or none, path
    starting ``/echo.api/`` after normalising (case-sensitive). Stricter than Amazon's wording
    where real URLs never go: no user info, query, fragment, percent-escapes or backslashes,
    because each is a way to make the URL we check differ from the object S3 serves.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise VerificationError(Reason.CERT_URL_INVALID, _shown(url)) from exc
    if parts.scheme.lower() != "https":
        raise VerificationError(Reason.CERT_URL_SCHEME, _shown(url))
    if "@" in parts.netloc:
        raise VerificationError(Reason.CERT_URL_USERINFO, _shown(url))
    if (parts.hostname or "") != CERT_URL_HOST:
        raise VerificationError(Reason.CERT_URL_HOST, _shown(url))
    if port not in (None, 443):
        raise VerificationError(Reason.CERT_URL_PORT, _shown(url))
    if parts.query or parts.fragment or "?" in url or "#" in url:
        raise VerificationError(Reason.CERT_URL_QUERY, _shown(url))
    if "%" in parts.path or "\\" in parts.path:
        raise VerificationError(Reason.CERT_URL_PATH, _shown(url))
    path = posixpath.normpath(parts.path) if parts.path else ""
    if not path.startswith(CERT_URL_PATH_PREFIX):
        raise VerificationError(Reason.CERT_URL_PATH, _shown(url))
    return f"https://{CERT_URL_HOST}{path}"


def validate_chain(
    pem: bytes, now: datetime, trust_roots: Sequence[x509.Certificate] | None = None
) -> x509.Certificate:
    """Parse a PEM chain (leaf first) and validate it at ``now``; return the leaf."""
    roots = trust_roots if trust_roots is not None else default_trust_roots()
    chain = _parse_chain(pem)
    _validate(chain, _as_utc(now), Store(list(roots)))
    return chain.leaf


@dataclass(frozen=True)
class _Chain:
    leaf: x509.Certificate
    intermediates: tuple[x509.Certificate, ...]


@dataclass(frozen=True)
class _Trusted:
    """A validated chain and the span in which every certificate of its path is valid."""

    chain: _Chain
    valid_from: datetime
    valid_until: datetime


@dataclass(frozen=True)
class _Failure:
    """A URL whose chain failed, and until when (monotonic seconds) that verdict stands."""

    reason: Reason
    until: float


class RequestVerifier:
    """Checks one request at a time; safe to share between threads (the cache is locked).

    Forged requests must not be able to make the server fetch at will, nor hold it up: a URL
    that failed is remembered for ``failure_cache_s`` and refused without fetching; requests
    naming a URL already being fetched wait for that one fetch instead of starting another;
    at most ``max_fetches_in_flight`` distinct URLs are fetched at once (beyond that a
    request is refused at once); and each fetch has a short timeout.

    Fetched chains are cached by canonical URL in a bounded LRU until the leaf expires. A
    cached chain is trusted without repeating the path validation only while every
    certificate of its validated path is within its validity period (nothing else the
    validation checks depends on time, so the verdict can't differ there); outside that span
    it is validated again, so a cached chain is never trusted past its validity.
    """

    def __init__(
        self,
        config: VerifierConfig,
        fetcher: CertFetcher = default_fetcher,
        clock: Clock = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        roots = config.trust_roots if config.trust_roots is not None else default_trust_roots()
        if not roots:
            raise ValueError("a verifier needs at least one trust root")
        self._config = config
        self._fetcher = fetcher
        self._clock = clock
        self._store = Store(list(roots))
        self._cache: OrderedDict[str, _Trusted] = OrderedDict()
        self._failures: OrderedDict[str, _Failure] = OrderedDict()
        self._in_flight: dict[str, threading.Event] = {}
        self._monotonic = monotonic
        self._lock = threading.Lock()

    def verify(self, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        """Return the parsed request envelope, or raise VerificationError. Cheap checks first."""
        now = _as_utc(self._clock())
        if len(body) > self._config.max_body_bytes:
            raise VerificationError(Reason.BODY_TOO_LARGE)
        cert_url, signature_b64 = _signature_headers(headers)
        canonical_url = check_cert_url(cert_url)
        signature = _decode_signature(signature_b64)
        envelope = _parse_envelope(body)
        self._check_timestamp(envelope, now)
        self._check_skill_id(envelope)
        leaf = self._trusted_leaf(canonical_url, now)
        _check_signature(leaf, signature, body)
        return envelope

    def _check_timestamp(self, envelope: dict[str, Any], now: datetime) -> None:
        request: dict[str, Any] = envelope["request"]
        raw = request.get("timestamp")
        if not isinstance(raw, str):
            raise VerificationError(Reason.TIMESTAMP_INVALID, "request.timestamp is missing")
        try:
            sent = _as_utc(datetime.fromisoformat(raw))
        except ValueError as exc:
            raise VerificationError(Reason.TIMESTAMP_INVALID, "not ISO 8601") from exc
        request_type = request.get("type")
        tolerance = (
            self._config.skill_event_tolerance_s
            if isinstance(request_type, str) and request_type.startswith("AlexaSkillEvent.")
            else self._config.timestamp_tolerance_s
        )
        skew = abs((now - sent).total_seconds())
        if skew > tolerance:
            raise VerificationError(Reason.TIMESTAMP_STALE, f"{skew:.0f} s from now")

    def _check_skill_id(self, envelope: dict[str, Any]) -> None:
        expected = self._config.skill_id
        if expected is not None and _application_id(envelope) != expected:
            raise VerificationError(Reason.SKILL_ID, "addressed to another skill")

    def _trusted_leaf(self, url: str, now: datetime) -> x509.Certificate:
        """The validated leaf for ``url``, from the cache or freshly fetched."""
        with self._lock:
            cached = self._cache.get(url)
            if cached is not None and now > cached.chain.leaf.not_valid_after_utc:
                del self._cache[url]
                cached = None
            if cached is not None:
                self._cache.move_to_end(url)
        if cached is None:
            return self._fetch_once(url, now)
        if cached.valid_from <= now <= cached.valid_until:
            return cached.chain.leaf
        try:
            _validate(cached.chain, now, self._store)
        except VerificationError:
            with self._lock:
                self._cache.pop(url, None)
            raise
        return cached.chain.leaf

    def _fetch_once(self, url: str, now: datetime) -> x509.Certificate:
        """Fetch and validate ``url``'s chain, unless it failed lately or is being fetched."""
        with self._lock:
            failed = self._failures.get(url)
            if failed is not None and self._monotonic() >= failed.until:
                del self._failures[url]
                failed = None
            if failed is not None:
                raise VerificationError(failed.reason, "this certificate URL failed recently")
            if url in self._cache:
                waiting: threading.Event | None = None
            else:
                waiting = self._in_flight.get(url)
                if waiting is None:
                    if len(self._in_flight) >= self._config.max_fetches_in_flight:
                        raise VerificationError(Reason.CERT_FETCH, "too many fetches in flight")
                    mine = self._in_flight[url] = threading.Event()
        if url in self._cache or waiting is not None:
            if waiting is not None and not waiting.wait(4 * self._config.fetch_timeout_s):
                raise VerificationError(Reason.CERT_FETCH, "waited too long for a fetch")
            return self._trusted_leaf(url, now)  # the cache or the failure list has it now
        try:
            chain = self._fetch(url)
            trusted = _Trusted(chain, *_validate(chain, now, self._store))
        except VerificationError as exc:
            self._remember_failure(url, exc.reason)
            raise
        else:
            self._remember(url, trusted)  # before the waiters wake, so they find it
        finally:
            with self._lock:
                self._in_flight.pop(url, None)
            mine.set()
        return chain.leaf

    def _remember_failure(self, url: str, reason: Reason) -> None:
        if self._config.failure_cache_s <= 0:
            return
        with self._lock:
            self._failures[url] = _Failure(reason, self._monotonic() + self._config.failure_cache_s)
            self._failures.move_to_end(url)
            while len(self._failures) > self._config.failure_cache_size:
                self._failures.popitem(last=False)

    def _fetch(self, url: str) -> _Chain:
        try:
            pem = self._fetcher(url, self._config.fetch_timeout_s)
        except Exception as exc:  # any failure of the fetch is the same 400 for the caller
            raise VerificationError(Reason.CERT_FETCH, type(exc).__name__) from exc
        return _parse_chain(pem)

    def _remember(self, url: str, trusted: _Trusted) -> None:
        if self._config.cache_size <= 0:
            return
        with self._lock:
            self._cache[url] = trusted
            self._cache.move_to_end(url)
            while len(self._cache) > self._config.cache_size:
                self._cache.popitem(last=False)


def _shown(text: str) -> str:
    """A header value made safe for a developer log line: escaped and short."""
    return repr(text[:120])


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _signature_headers(headers: Mapping[str, str]) -> tuple[str, str]:
    """``SignatureCertChainUrl`` and ``Signature-256``, header names case-insensitive."""
    lowered = {name.lower(): value for name, value in headers.items()}
    cert_url = lowered.get("signaturecertchainurl", "").strip()
    signature = lowered.get("signature-256", "").strip()
    if not signature and lowered.get("signature", "").strip():
        raise VerificationError(Reason.SIGNATURE_SHA1_ONLY, "SHA-1 signatures are not accepted")
    if not cert_url or not signature:
        raise VerificationError(Reason.HEADER_MISSING, "need SignatureCertChainUrl, Signature-256")
    return cert_url, signature


def _decode_signature(value: str) -> bytes:
    try:
        signature = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise VerificationError(Reason.SIGNATURE_ENCODING, "Signature-256 is not base64") from exc
    if not signature:
        raise VerificationError(Reason.SIGNATURE_ENCODING, "Signature-256 is empty")
    return signature


def _parse_envelope(body: bytes) -> dict[str, Any]:
    try:
        envelope = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise VerificationError(Reason.BODY_JSON, "body is not UTF-8 JSON") from exc
    if not isinstance(envelope, dict) or not isinstance(envelope.get("request"), dict):
        raise VerificationError(Reason.BODY_JSON, "body is not a request envelope")
    return envelope


def _application_id(envelope: dict[str, Any]) -> str | None:
    """``context.System.application.applicationId``, else the session's (older envelopes)."""
    for path in (
        ("context", "System", "application", "applicationId"),
        ("session", "application", "applicationId"),
    ):
        node: Any = envelope
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, str):
            return node
    return None


def _parse_chain(pem: bytes) -> _Chain:
    try:
        certs = x509.load_pem_x509_certificates(pem)
    except ValueError as exc:
        raise VerificationError(Reason.CERT_PARSE, "not a PEM certificate chain") from exc
    return _Chain(leaf=certs[0], intermediates=tuple(certs[1:]))


def _validate(chain: _Chain, now: datetime, store: Store) -> tuple[datetime, datetime]:
    """Leaf first and valid now, named echo-api.amazon.com, RSA, chaining to a trusted root.

    The explicit leaf checks give precise reasons; the path building itself (signatures, CA
    constraints, validity of every certificate, name match) is cryptography's WebPKI verifier,
    which rejects self-signed leaves, missing intermediates and look-alike CAs. Returns the
    span in which every certificate of the validated path (leaf to root) is valid.
    """
    leaf = chain.leaf
    try:
        is_ca = leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    if is_ca:
        raise VerificationError(Reason.CERT_CHAIN, "first certificate is a CA, not the leaf")
    if now < leaf.not_valid_before_utc:
        raise VerificationError(Reason.CERT_NOT_YET_VALID)
    if now > leaf.not_valid_after_utc:
        raise VerificationError(Reason.CERT_EXPIRED)
    try:
        san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound as exc:
        raise VerificationError(Reason.CERT_SAN, "leaf has no subject alternative name") from exc
    names = {name.lower() for name in san.get_values_for_type(x509.DNSName)}
    if ALEXA_SIGNING_NAME not in names:
        raise VerificationError(Reason.CERT_SAN, f"leaf is not for {ALEXA_SIGNING_NAME}")
    if not isinstance(leaf.public_key(), rsa.RSAPublicKey):
        raise VerificationError(Reason.CERT_KEY, "leaf key is not RSA")
    verifier = (
        PolicyBuilder()
        .store(store)
        .time(now)
        .build_server_verifier(x509.DNSName(ALEXA_SIGNING_NAME))
    )
    try:
        path = verifier.verify(leaf, list(chain.intermediates))
    except _ChainError as exc:
        raise VerificationError(Reason.CERT_CHAIN, "no path to a trusted root") from exc
    return (
        max(cert.not_valid_before_utc for cert in path),
        min(cert.not_valid_after_utc for cert in path),
    )


def _check_signature(leaf: x509.Certificate, signature: bytes, body: bytes) -> None:
    key = leaf.public_key()
    if not isinstance(key, rsa.RSAPublicKey):  # already checked; narrows the type
        raise VerificationError(Reason.CERT_KEY, "leaf key is not RSA")
    try:
        key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as exc:
        raise VerificationError(Reason.SIGNATURE_MISMATCH, "body was not signed by Alexa") from exc
