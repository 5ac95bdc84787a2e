"""A cached certificate chain skips path validation only while every certificate of its path
is valid; past the earliest expiry on the path it is validated again, and rejected."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest

import skill.hosts.web.verify as verify
from skill.hosts.web.verify import Reason, RequestVerifier, VerificationError, VerifierConfig
from tests.support import certs as ca

CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-window.pem"
SKILL_ID = "amzn1.ask.skill.00000000-window"


class Clock:
    def __init__(self) -> None:
        self.now = ca.NOW

    def __call__(self) -> datetime:
        return self.now


def _body(now: datetime) -> bytes:
    doc = {
        "version": "1.0",
        "request": {
            "type": "LaunchRequest",
            "requestId": "req-1",
            "timestamp": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
        "context": {"System": {"application": {"applicationId": SKILL_ID}}},
    }
    return json.dumps(doc).encode()


def _headers(body: bytes, leaf: ca.Issued) -> dict[str, str]:
    return {"SignatureCertChainUrl": CERT_URL, "Signature-256": ca.sign(body, leaf.key)}


def _short_lived_intermediate() -> ca.Issued:
    """An intermediate that expires a day from NOW, long before the leaf it issues."""
    return ca.issue(
        ca.intermediate().cert.subject,
        ca.key("intermediate"),
        ca.root(),
        ca=True,
        not_before=ca.NOW - timedelta(days=30),
        not_after=ca.NOW + timedelta(days=1),
    )


def _verifier(pem: bytes, clock: Clock) -> tuple[RequestVerifier, list[str]]:
    fetched: list[str] = []

    def fetch(url: str, timeout: float) -> bytes:
        fetched.append(url)
        return pem

    config = VerifierConfig(skill_id=SKILL_ID, trust_roots=[ca.root().cert])
    return RequestVerifier(config, fetcher=fetch, clock=clock), fetched


def test_a_cached_chain_is_not_validated_again_while_its_path_is_valid(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[Any] = []
    real = verify._validate

    def counting(*args: Any) -> Any:
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(verify, "_validate", counting)
    clock = Clock()
    verifier, fetched = _verifier(ca.chain_pem(), clock)
    for minutes in (0, 1, 60):
        clock.now = ca.NOW + timedelta(minutes=minutes)
        body = _body(clock.now)
        assert verifier.verify(_headers(body, ca.good_leaf()), body)
    assert len(fetched) == 1
    assert len(calls) == 1


def test_past_an_intermediates_expiry_the_cached_chain_is_rejected() -> None:
    intermediate = _short_lived_intermediate()
    leaf = ca.leaf(issuer=intermediate)
    clock = Clock()
    verifier, fetched = _verifier(ca.pem(leaf.cert, intermediate.cert), clock)
    body = _body(clock.now)
    assert verifier.verify(_headers(body, leaf), body)

    clock.now = ca.NOW + timedelta(days=2)  # the leaf is still valid, its issuer is not
    later = _body(clock.now)
    with pytest.raises(VerificationError) as caught:
        verifier.verify(_headers(later, leaf), later)
    assert caught.value.reason == Reason.CERT_CHAIN
    assert len(fetched) == 1  # the cached chain itself was judged again, and dropped
    with pytest.raises(VerificationError):
        verifier.verify(_headers(later, leaf), later)
    assert len(fetched) == 2
