"""A throwaway certificate authority for request-verification tests.

Builds, at test time, a root CA, an intermediate and an ``echo-api.amazon.com`` leaf shaped
like Amazon's real chain (WebPKI extensions included, so cryptography's verifier judges them
on their merits), plus the broken variants an attacker or a misconfiguration would produce.
Every date is relative to the fixed ``NOW`` so tests are deterministic.

RSA-2048 key generation is slow, so each named key is generated once per process and
certificates are cached too. Nothing here starts with ``test`` so pytest collects nothing.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)
SIGNING_NAME = "echo-api.amazon.com"
LEAF_LIFETIME = timedelta(days=30)


@dataclass(frozen=True)
class Issued:
    """A certificate and the private key that belongs to it."""

    cert: x509.Certificate
    key: rsa.RSAPrivateKey


@cache
def key(name: str) -> rsa.RSAPrivateKey:
    """An RSA-2048 key per name, generated once per process."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Heart to Heart Test"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def issue(
    subject: x509.Name,
    subject_key: rsa.RSAPrivateKey,
    issuer: Issued | None,
    *,
    ca: bool,
    not_before: datetime,
    not_after: datetime,
    san: tuple[str, ...] = (),
) -> Issued:
    """Issue a certificate; ``issuer=None`` makes it self-signed."""
    issuer_name = issuer.cert.subject if issuer else subject
    signing_key = issuer.key if issuer else subject_key
    public_key = subject_key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()),
            critical=False,
        )
    )
    if ca:
        builder = builder.add_extension(
            x509.BasicConstraints(ca=True, path_length=None), critical=True
        ).add_extension(_key_usage(cert_sign=True), critical=True)
    else:
        builder = (
            builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(cert_sign=False), critical=True)
            .add_extension(
                x509.ExtendedKeyUsage(
                    [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
                ),
                critical=False,
            )
        )
    if san:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(name) for name in san]), critical=False
        )
    return Issued(cert=builder.sign(signing_key, hashes.SHA256()), key=subject_key)


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=not cert_sign,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


@cache
def root() -> Issued:
    """The trusted test root (pass ``[root().cert]`` as the verifier's trust roots)."""
    return issue(
        _name("Test Root CA 1"),
        key("root"),
        None,
        ca=True,
        not_before=NOW - timedelta(days=3650),
        not_after=NOW + timedelta(days=3650),
    )


@cache
def intermediate() -> Issued:
    """The intermediate under ``root()`` that issues leaves, like Amazon's RSA 2048 M01."""
    return issue(
        _name("Test RSA 2048 M01"),
        key("intermediate"),
        root(),
        ca=True,
        not_before=NOW - timedelta(days=365),
        not_after=NOW + timedelta(days=1825),
    )


def leaf(
    *,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    san: tuple[str, ...] = (SIGNING_NAME,),
    issuer: Issued | None = None,
) -> Issued:
    """A signing leaf from ``intermediate()`` (or ``issuer``), valid ``NOW`` ± 30 days."""
    return issue(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SIGNING_NAME)]),
        key("leaf"),
        issuer or intermediate(),
        ca=False,
        not_before=not_before or NOW - LEAF_LIFETIME,
        not_after=not_after or NOW + LEAF_LIFETIME,
        san=san,
    )


@cache
def good_leaf() -> Issued:
    return leaf()


def expired_leaf() -> Issued:
    return leaf(not_before=NOW - timedelta(days=60), not_after=NOW - timedelta(seconds=1))


def not_yet_valid_leaf() -> Issued:
    return leaf(not_before=NOW + timedelta(seconds=1), not_after=NOW + timedelta(days=60))


def wrong_san_leaf() -> Issued:
    return leaf(san=("echo-api.amazon.com.evil.example", "evil.example"))


def self_signed_leaf() -> Issued:
    """A leaf that looks right in every field but vouches for itself."""
    return issue(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SIGNING_NAME)]),
        key("leaf"),
        None,
        ca=False,
        not_before=NOW - LEAF_LIFETIME,
        not_after=NOW + LEAF_LIFETIME,
        san=(SIGNING_NAME,),
    )


@cache
def lookalike_root() -> Issued:
    """Same subject as ``root()``, an attacker's key: must never be mistaken for the root."""
    return issue(
        root().cert.subject,
        key("lookalike-root"),
        None,
        ca=True,
        not_before=NOW - timedelta(days=3650),
        not_after=NOW + timedelta(days=3650),
    )


@cache
def lookalike_intermediate() -> Issued:
    """Same subject as ``intermediate()``, issued by ``lookalike_root()`` with another key."""
    return issue(
        intermediate().cert.subject,
        key("lookalike-intermediate"),
        lookalike_root(),
        ca=True,
        not_before=NOW - timedelta(days=365),
        not_after=NOW + timedelta(days=1825),
    )


def pem(*certs: x509.Certificate) -> bytes:
    """Concatenated PEM, in the order given (Amazon serves leaf first)."""
    return b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in certs)


def chain_pem(signing: Issued | None = None) -> bytes:
    """``signing`` (default ``good_leaf()``) followed by ``intermediate()``."""
    return pem((signing or good_leaf()).cert, intermediate().cert)


def sign(body: bytes, private_key: rsa.RSAPrivateKey) -> str:
    """The ``Signature-256`` header value Alexa would send for ``body``."""
    signature = private_key.sign(body, padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode("ascii")
