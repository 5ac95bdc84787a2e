"""Alexa request verification: every rule, with a test CA and a fake certificate fetcher."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509

from skill.hosts.web.verify import (
    Reason,
    RequestVerifier,
    VerificationError,
    VerifierConfig,
    check_cert_url,
    default_fetcher,
    validate_chain,
)
from tests.support import certs as ca

CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem"
SKILL_ID = "amzn1.ask.skill.00000000-test-heart-to-heart"
#: Amazon's public signing chain as served in 2023 (valid 2023-03-16 to 2023-12-23).
AMAZON_CHAIN = Path(__file__).resolve().parents[1] / "fixtures" / "amazon-echo-api-chain-2023.pem"


class FakeFetcher:
    """Serves PEM by URL (or raises ``error``) and records every call."""

    def __init__(self, chains: dict[str, bytes] | None = None, error: Exception | None = None):
        self.chains = chains if chains is not None else {CERT_URL: ca.chain_pem()}
        self.error = error
        self.calls: list[tuple[str, float]] = []

    def __call__(self, url: str, timeout: float) -> bytes:
        self.calls.append((url, timeout))
        if self.error is not None:
            raise self.error
        return self.chains[url]


class Clock:
    def __init__(self, now: datetime = ca.NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def envelope(
    *,
    timestamp: datetime | str = ca.NOW,
    request_type: str = "LaunchRequest",
    skill_id: str | None = SKILL_ID,
    in_session_only: bool = False,
) -> bytes:
    stamp = timestamp if isinstance(timestamp, str) else timestamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    doc: dict[str, Any] = {
        "version": "1.0",
        "request": {"type": request_type, "requestId": "req-1", "timestamp": stamp},
    }
    application = {"applicationId": skill_id}
    if in_session_only:
        doc["session"] = {"new": True, "sessionId": "s-1", "application": application}
    else:
        doc["context"] = {"System": {"application": application}}
    return json.dumps(doc).encode()


def signed_headers(body: bytes, *, url: str = CERT_URL) -> dict[str, str]:
    """Headers as Alexa sends them, signed with the test leaf's key."""
    return {"SignatureCertChainUrl": url, "Signature-256": ca.sign(body, ca.key("leaf"))}


def make_verifier(
    fetcher: FakeFetcher | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
    skill_id: str | None = SKILL_ID,
    cache_size: int = 8,
    monotonic: Callable[[], float] | None = None,
) -> tuple[RequestVerifier, FakeFetcher]:
    fetcher = fetcher or FakeFetcher()
    config = VerifierConfig(skill_id=skill_id, cache_size=cache_size, trust_roots=[ca.root().cert])
    verifier = RequestVerifier(
        config, fetcher=fetcher, clock=clock or Clock(), monotonic=monotonic or (lambda: 0.0)
    )
    return verifier, fetcher


def reason_of(verifier: RequestVerifier, headers: dict[str, str], body: bytes) -> Reason:
    with pytest.raises(VerificationError) as caught:
        verifier.verify(headers, body)
    assert str(caught.value)  # something a developer can read in a log
    return caught.value.reason


# --- the happy path -------------------------------------------------------------------------


def test_correctly_signed_request_passes_and_returns_the_envelope() -> None:
    verifier, fetcher = make_verifier()
    body = envelope()
    assert verifier.verify(signed_headers(body), body) == json.loads(body)
    assert [url for url, _ in fetcher.calls] == [CERT_URL]
    assert fetcher.calls[0][1] == VerifierConfig(skill_id=None).fetch_timeout_s


def test_header_names_are_case_insensitive() -> None:
    verifier, _ = make_verifier()
    body = envelope()
    headers = {name.lower(): value for name, value in signed_headers(body).items()}
    assert verifier.verify(headers, body)["request"]["type"] == "LaunchRequest"


def test_skill_id_from_session_is_accepted_when_context_lacks_it() -> None:
    verifier, _ = make_verifier()
    body = envelope(in_session_only=True)
    assert verifier.verify(signed_headers(body), body)


def test_skill_id_check_is_skipped_when_not_configured() -> None:
    verifier, _ = make_verifier(skill_id=None)
    body = envelope(skill_id="amzn1.ask.skill.someone-else")
    assert verifier.verify(signed_headers(body), body)


# --- headers ------------------------------------------------------------------------------


@pytest.mark.parametrize("dropped", ["SignatureCertChainUrl", "Signature-256"])
def test_missing_header_is_rejected_without_fetching(dropped: str) -> None:
    verifier, fetcher = make_verifier()
    body = envelope()
    headers = signed_headers(body)
    del headers[dropped]
    assert reason_of(verifier, headers, body) == Reason.HEADER_MISSING
    assert fetcher.calls == []


def test_only_the_sha1_signature_header_is_rejected() -> None:
    verifier, fetcher = make_verifier()
    body = envelope()
    headers = signed_headers(body)
    headers["Signature"] = headers.pop("Signature-256")
    assert reason_of(verifier, headers, body) == Reason.SIGNATURE_SHA1_ONLY
    assert fetcher.calls == []


def test_signature_that_is_not_base64_is_rejected_without_fetching() -> None:
    verifier, fetcher = make_verifier()
    body = envelope()
    headers = signed_headers(body) | {"Signature-256": "not base64 at all!"}
    assert reason_of(verifier, headers, body) == Reason.SIGNATURE_ENCODING
    assert fetcher.calls == []


# --- certificate URL ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://s3.amazonaws.com/echo.api/echo-api-cert.pem", Reason.CERT_URL_SCHEME),
        ("ftp://s3.amazonaws.com/echo.api/echo-api-cert.pem", Reason.CERT_URL_SCHEME),
        ("https://notamazon.com/echo.api/echo-api-cert.pem", Reason.CERT_URL_HOST),
        ("https://s3.amazonaws.com.evil.example/echo.api/cert.pem", Reason.CERT_URL_HOST),
        ("https://evil.example/s3.amazonaws.com/echo.api/cert.pem", Reason.CERT_URL_HOST),
        ("https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem", Reason.CERT_URL_PATH),
        ("https://s3.amazonaws.com/ECHO.API/echo-api-cert.pem", Reason.CERT_URL_PATH),
        ("https://s3.amazonaws.com/invalid.path/echo-api-cert.pem", Reason.CERT_URL_PATH),
        ("https://s3.amazonaws.com/echo.api/../x", Reason.CERT_URL_PATH),
        ("https://s3.amazonaws.com/echo.api/../../echo.api.evil/cert.pem", Reason.CERT_URL_PATH),
        ("https://s3.amazonaws.com/echo.api/%2e%2e/x/cert.pem", Reason.CERT_URL_PATH),
        ("https://s3.amazonaws.com/echo.api", Reason.CERT_URL_PATH),
        ("https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem", Reason.CERT_URL_PORT),
        ("https://s3.amazonaws.com:80/echo.api/echo-api-cert.pem", Reason.CERT_URL_PORT),
        ("https://s3.amazonaws.com:99999/echo.api/cert.pem", Reason.CERT_URL_INVALID),
        ("https://evil@s3.amazonaws.com/echo.api/echo-api-cert.pem", Reason.CERT_URL_USERINFO),
        ("https://s3.amazonaws.com/echo.api/cert.pem?x=1", Reason.CERT_URL_QUERY),
        ("https://s3.amazonaws.com/echo.api/cert.pem#frag", Reason.CERT_URL_QUERY),
    ],
)
def test_bad_cert_url_is_rejected_without_fetching(url: str, reason: Reason) -> None:
    verifier, fetcher = make_verifier()
    body = envelope()
    assert reason_of(verifier, signed_headers(body, url=url), body) == reason
    assert fetcher.calls == []


@pytest.mark.parametrize(
    "url",
    [
        "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem",
        "HTTPS://S3.AMAZONAWS.COM/echo.api/echo-api-cert-12.pem",
        "https://S3.amazonaws.com:443/echo.api/echo-api-cert-12.pem",
        "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert-12.pem",
        "https://s3.amazonaws.com/echo.api/./echo-api-cert-12.pem",
    ],
)
def test_good_cert_url_variants_are_fetched_in_canonical_form(url: str) -> None:
    assert check_cert_url(url) == CERT_URL
    verifier, fetcher = make_verifier()
    body = envelope()
    assert verifier.verify(signed_headers(body, url=url), body)
    assert [called for called, _ in fetcher.calls] == [CERT_URL]


# --- body, timestamp, skill id ------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[1, 2, 3]", b'"a string"', b'{"version": "1.0"}', b"\xff\xfe\x00{}"],
)
def test_body_that_is_not_a_request_envelope_is_rejected_without_fetching(body: bytes) -> None:
    verifier, fetcher = make_verifier()
    assert reason_of(verifier, signed_headers(body), body) == Reason.BODY_JSON
    assert fetcher.calls == []


def test_oversized_body_is_rejected() -> None:
    verifier, fetcher = make_verifier()
    body = envelope()[:-1] + b', "pad": "' + b"x" * (128 * 1024) + b'"}'
    assert reason_of(verifier, signed_headers(body), body) == Reason.BODY_TOO_LARGE
    assert fetcher.calls == []


@pytest.mark.parametrize("offset_s", [-151, 151, -3600])
def test_timestamp_outside_150_seconds_is_rejected_without_fetching(offset_s: int) -> None:
    verifier, fetcher = make_verifier()
    body = envelope(timestamp=ca.NOW + timedelta(seconds=offset_s))
    assert reason_of(verifier, signed_headers(body), body) == Reason.TIMESTAMP_STALE
    assert fetcher.calls == []


@pytest.mark.parametrize("offset_s", [-149, 149, -150, 150, 0])
def test_timestamp_within_150_seconds_is_accepted(offset_s: int) -> None:
    verifier, _ = make_verifier()
    body = envelope(timestamp=ca.NOW + timedelta(seconds=offset_s))
    assert verifier.verify(signed_headers(body), body)


def test_timestamp_with_fraction_and_offset_is_understood() -> None:
    verifier, _ = make_verifier()
    body = envelope(timestamp="2025-06-01T14:01:00.123+02:00")
    assert verifier.verify(signed_headers(body), body)


@pytest.mark.parametrize("stamp", ["", "yesterday", "2025-13-01T00:00:00Z"])
def test_unreadable_timestamp_is_rejected(stamp: str) -> None:
    verifier, _ = make_verifier()
    body = envelope(timestamp=stamp)
    assert reason_of(verifier, signed_headers(body), body) == Reason.TIMESTAMP_INVALID


def test_skill_event_within_an_hour_is_accepted() -> None:
    verifier, _ = make_verifier()
    body = envelope(
        timestamp=ca.NOW - timedelta(minutes=59), request_type="AlexaSkillEvent.SkillDisabled"
    )
    assert verifier.verify(signed_headers(body), body)


def test_skill_event_older_than_an_hour_is_rejected() -> None:
    verifier, _ = make_verifier()
    body = envelope(
        timestamp=ca.NOW - timedelta(seconds=3601), request_type="AlexaSkillEvent.SkillDisabled"
    )
    assert reason_of(verifier, signed_headers(body), body) == Reason.TIMESTAMP_STALE


@pytest.mark.parametrize("skill_id", ["amzn1.ask.skill.someone-else", None])
def test_wrong_or_missing_skill_id_is_rejected_without_fetching(skill_id: str | None) -> None:
    verifier, fetcher = make_verifier()
    body = envelope(skill_id=skill_id)
    assert reason_of(verifier, signed_headers(body), body) == Reason.SKILL_ID
    assert fetcher.calls == []


# --- signature ----------------------------------------------------------------------------


def test_body_altered_after_signing_is_rejected() -> None:
    verifier, _ = make_verifier()
    body = envelope()
    headers = signed_headers(body)
    altered = body.replace(b"LaunchRequest", b"SessionEndedRequest")
    assert reason_of(verifier, headers, altered) == Reason.SIGNATURE_MISMATCH


def test_body_signed_by_another_key_is_rejected() -> None:
    verifier, _ = make_verifier()
    body = envelope()
    headers = signed_headers(body) | {"Signature-256": ca.sign(body, ca.key("intruder"))}
    assert reason_of(verifier, headers, body) == Reason.SIGNATURE_MISMATCH


# --- certificate chain --------------------------------------------------------------------


def _reason_for_chain(chain: bytes, signer_key_name: str = "leaf") -> Reason:
    verifier, _ = make_verifier(FakeFetcher({CERT_URL: chain}))
    body = envelope()
    headers = signed_headers(body) | {"Signature-256": ca.sign(body, ca.key(signer_key_name))}
    return reason_of(verifier, headers, body)


def test_expired_leaf_is_rejected() -> None:
    assert _reason_for_chain(ca.chain_pem(ca.expired_leaf())) == Reason.CERT_EXPIRED


def test_not_yet_valid_leaf_is_rejected() -> None:
    assert _reason_for_chain(ca.chain_pem(ca.not_yet_valid_leaf())) == Reason.CERT_NOT_YET_VALID


def test_leaf_for_another_name_is_rejected() -> None:
    assert _reason_for_chain(ca.chain_pem(ca.wrong_san_leaf())) == Reason.CERT_SAN


def test_self_signed_leaf_is_rejected() -> None:
    assert _reason_for_chain(ca.pem(ca.self_signed_leaf().cert)) == Reason.CERT_CHAIN


def test_missing_intermediate_is_rejected() -> None:
    assert _reason_for_chain(ca.pem(ca.good_leaf().cert)) == Reason.CERT_CHAIN


def test_chain_with_leaf_not_first_is_rejected() -> None:
    wrong_order = ca.pem(ca.intermediate().cert, ca.good_leaf().cert)
    assert _reason_for_chain(wrong_order) == Reason.CERT_CHAIN


def test_chain_that_includes_the_root_itself_is_accepted() -> None:
    verifier, _ = make_verifier(
        FakeFetcher({CERT_URL: ca.pem(ca.good_leaf().cert, ca.intermediate().cert, ca.root().cert)})
    )
    body = envelope()
    assert verifier.verify(signed_headers(body), body)


def test_lookalike_ca_is_rejected() -> None:
    """An attacker's CA named exactly like the trusted root (and intermediate)."""
    forged_leaf = ca.leaf(issuer=ca.lookalike_intermediate())
    with_fake_root = ca.pem(
        forged_leaf.cert, ca.lookalike_intermediate().cert, ca.lookalike_root().cert
    )
    without_fake_root = ca.pem(forged_leaf.cert, ca.lookalike_intermediate().cert)
    assert _reason_for_chain(with_fake_root) == Reason.CERT_CHAIN
    assert _reason_for_chain(without_fake_root) == Reason.CERT_CHAIN


def test_leaf_signed_directly_by_lookalike_root_is_rejected() -> None:
    forged_leaf = ca.leaf(issuer=ca.lookalike_root())
    assert _reason_for_chain(ca.pem(forged_leaf.cert)) == Reason.CERT_CHAIN


@pytest.mark.parametrize("served", [b"", b"not a certificate", b"-----BEGIN CERTIFICATE-----\n"])
def test_unparseable_chain_is_rejected(served: bytes) -> None:
    assert _reason_for_chain(served) == Reason.CERT_PARSE


@pytest.mark.parametrize("error", [TimeoutError("slow"), OSError("refused"), ValueError("bad")])
def test_fetch_failure_is_a_verification_error(error: Exception) -> None:
    verifier, fetcher = make_verifier(FakeFetcher(error=error))
    body = envelope()
    assert reason_of(verifier, signed_headers(body), body) == Reason.CERT_FETCH
    assert len(fetcher.calls) == 1


def test_default_fetcher_refuses_anything_but_https() -> None:
    with pytest.raises(ValueError):
        default_fetcher("http://s3.amazonaws.com/echo.api/cert.pem", 0.1)


# --- cache --------------------------------------------------------------------------------


def test_second_request_uses_the_cached_chain() -> None:
    clock = Clock()
    verifier, fetcher = make_verifier(clock=clock)
    for seconds in (0, 60, 3600):
        clock.now = ca.NOW + timedelta(seconds=seconds)
        body = envelope(timestamp=clock.now)
        assert verifier.verify(signed_headers(body), body)
    assert len(fetcher.calls) == 1


def test_cached_chain_is_dropped_once_the_leaf_expires() -> None:
    clock = Clock()
    elapsed = [0.0]
    verifier, fetcher = make_verifier(clock=clock, monotonic=lambda: elapsed[0])
    body = envelope()
    verifier.verify(signed_headers(body), body)

    clock.now = ca.good_leaf().cert.not_valid_after_utc + timedelta(seconds=1)
    later = envelope(timestamp=clock.now)
    assert reason_of(verifier, signed_headers(later), later) == Reason.CERT_EXPIRED
    assert len(fetcher.calls) == 2  # fetched again, not served from the cache

    renewed = ca.leaf(not_before=clock.now - timedelta(days=1), not_after=clock.now + timedelta(1))
    fetcher.chains[CERT_URL] = ca.chain_pem(renewed)
    assert reason_of(verifier, signed_headers(later), later) == Reason.CERT_EXPIRED
    assert len(fetcher.calls) == 2, "a failed URL is not fetched again at once"
    elapsed[0] = VerifierConfig(skill_id=None).failure_cache_s + 0.1
    assert verifier.verify(signed_headers(later), later)
    assert len(fetcher.calls) == 3


def test_rejected_chain_is_never_trusted_and_refetched_only_after_the_failure_window() -> None:
    elapsed = [0.0]
    verifier, fetcher = make_verifier(
        FakeFetcher({CERT_URL: ca.pem(ca.good_leaf().cert)}), monotonic=lambda: elapsed[0]
    )
    body = envelope()
    for _ in range(20):
        assert reason_of(verifier, signed_headers(body), body) == Reason.CERT_CHAIN
    assert len(fetcher.calls) == 1, "forged requests naming a failed URL make no new fetch"
    elapsed[0] = VerifierConfig(skill_id=None).failure_cache_s + 0.1
    assert reason_of(verifier, signed_headers(body), body) == Reason.CERT_CHAIN
    assert len(fetcher.calls) == 2


def test_failed_fetches_are_cached_too_and_the_failure_list_is_bounded() -> None:
    verifier, fetcher = make_verifier(FakeFetcher(error=OSError("404")))
    body = envelope()
    urls = [f"https://s3.amazonaws.com/echo.api/missing-{n}.pem" for n in range(300)]
    for url in urls + urls[-20:]:
        assert reason_of(verifier, signed_headers(body, url=url), body) == Reason.CERT_FETCH
    assert len(fetcher.calls) == 300, "the last 20 URLs had failed already"
    assert len(verifier._failures) == VerifierConfig(skill_id=None).failure_cache_size


def test_the_default_fetch_timeout_is_short() -> None:
    assert VerifierConfig(skill_id=None).fetch_timeout_s <= 1.0


class BlockingFetcher(FakeFetcher):
    """Holds every fetch until released, counting how many started."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.started = threading.Semaphore(0)

    def __call__(self, url: str, timeout_s: float) -> bytes:
        self.started.release()
        self.release.wait(10)
        return super().__call__(url, timeout_s)


def test_concurrent_requests_for_one_url_share_one_fetch() -> None:
    fetcher = BlockingFetcher()
    verifier, _ = make_verifier(fetcher)
    body = envelope()
    results: list[object] = []

    def verify() -> None:
        try:
            results.append(verifier.verify(signed_headers(body), body))
        except VerificationError as exc:
            results.append(exc.reason)

    threads = [threading.Thread(target=verify) for _ in range(10)]
    for thread in threads:
        thread.start()
    assert fetcher.started.acquire(timeout=5)
    while sum(thread.is_alive() for thread in threads) < 10:
        pass
    fetcher.release.set()
    for thread in threads:
        thread.join(10)
    assert len(fetcher.calls) == 1
    assert len(results) == 10 and all(isinstance(r, dict) for r in results), results


def test_fetches_of_distinct_urls_in_flight_are_capped() -> None:
    fetcher = BlockingFetcher()
    verifier, _ = make_verifier(fetcher)
    body = envelope()
    cap = VerifierConfig(skill_id=None).max_fetches_in_flight
    urls = [f"https://s3.amazonaws.com/echo.api/new-{n}.pem" for n in range(cap)]
    threads = [
        threading.Thread(
            target=lambda u=url: reason_of(verifier, signed_headers(body, url=u), body)
        )
        for url in urls
    ]
    for thread in threads:
        thread.start()
    for _ in urls:
        assert fetcher.started.acquire(timeout=5)
    over = "https://s3.amazonaws.com/echo.api/one-too-many.pem"
    assert reason_of(verifier, signed_headers(body, url=over), body) == Reason.CERT_FETCH
    fetcher.release.set()
    for thread in threads:
        thread.join(10)
    assert sorted(url for url, _ in fetcher.calls) == sorted(urls), "the one over the cap: never"


def test_cache_is_bounded_and_evicts_the_least_recently_used() -> None:
    urls = [f"https://s3.amazonaws.com/echo.api/echo-api-cert-{n}.pem" for n in range(3)]
    verifier, fetcher = make_verifier(
        FakeFetcher({url: ca.chain_pem() for url in urls}), cache_size=2
    )
    body = envelope()

    def verify_with(url: str) -> None:
        verifier.verify(signed_headers(body, url=url), body)

    verify_with(urls[0])
    verify_with(urls[1])
    verify_with(urls[0])  # urls[0] is now the most recently used
    verify_with(urls[2])  # evicts urls[1]
    assert len(fetcher.calls) == 3
    verify_with(urls[0])
    verify_with(urls[2])
    assert len(fetcher.calls) == 3
    verify_with(urls[1])
    assert [url for url, _ in fetcher.calls] == [urls[0], urls[1], urls[2], urls[1]]


def test_cache_size_zero_fetches_every_time() -> None:
    verifier, fetcher = make_verifier(cache_size=0)
    body = envelope()
    for _ in range(2):
        verifier.verify(signed_headers(body), body)
    assert len(fetcher.calls) == 2


# --- Amazon's real chain against certifi's roots -----------------------------------------


def _amazon_chain() -> bytes:
    if not AMAZON_CHAIN.is_file():
        message = f"fixture missing: {AMAZON_CHAIN}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return AMAZON_CHAIN.read_bytes()


def test_amazons_2023_chain_validates_against_certifi_roots() -> None:
    leaf = validate_chain(_amazon_chain(), datetime(2023, 6, 1, tzinfo=UTC))
    names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "echo-api.amazon.com" in names.get_values_for_type(x509.DNSName)


def test_amazons_2023_chain_fails_after_it_expired() -> None:
    with pytest.raises(VerificationError) as caught:
        validate_chain(_amazon_chain(), datetime(2023, 12, 24, tzinfo=UTC))
    assert caught.value.reason == Reason.CERT_EXPIRED


def test_default_verifier_trusts_amazons_chain_but_not_our_signature() -> None:
    """With certifi's roots the chain passes, so the only failure left is the signature."""
    when = datetime(2023, 6, 1, tzinfo=UTC)
    fetcher = FakeFetcher({CERT_URL: _amazon_chain()})
    verifier = RequestVerifier(VerifierConfig(skill_id=SKILL_ID), fetcher, clock=lambda: when)
    body = envelope(timestamp=when)
    assert reason_of(verifier, signed_headers(body), body) == Reason.SIGNATURE_MISMATCH
    assert len(fetcher.calls) == 1
