"""A throwaway certificate authority for the web benchmark: a root, an intermediate and an
``echo-api.amazon.com`` signing leaf shaped like Amazon's chain, valid around the real now
(the server under test checks timestamps and validity against its own clock)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SIGNING_NAME = "echo-api.amazon.com"
CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-bench.pem"


@dataclass(frozen=True)
class Issued:
    cert: x509.Certificate
    key: rsa.RSAPrivateKey


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Heart to Heart Bench"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _issue(
    subject: x509.Name, issuer: Issued | None, *, ca: bool, days: int, san: tuple[str, ...] = ()
) -> Issued:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signing_key = issuer.key if issuer else key
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()), False
        )
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=not ca,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            True,
        )
    )
    if not ca:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            False,
        )
    if san:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in san]), False
        )
    return Issued(builder.sign(signing_key, hashes.SHA256()), key)


@dataclass(frozen=True)
class TestCa:
    """Files the server and the load generator read: trust roots, the chain, the leaf key."""

    roots: Path
    chain: Path
    leaf_key: Path


def make_ca(directory: Path) -> TestCa:
    root = _issue(_name("Bench Root CA"), None, ca=True, days=30)
    intermediate = _issue(_name("Bench RSA 2048 M01"), root, ca=True, days=20)
    leaf = _issue(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SIGNING_NAME)]),
        intermediate,
        ca=False,
        days=10,
        san=(SIGNING_NAME,),
    )

    def pem(*certs: x509.Certificate) -> bytes:
        return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)

    ca = TestCa(directory / "roots.pem", directory / "chain.pem", directory / "leaf-key.pem")
    ca.roots.write_bytes(pem(root.cert))
    ca.chain.write_bytes(pem(leaf.cert, intermediate.cert))
    ca.leaf_key.write_bytes(
        leaf.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca


def load_key(path: Path) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def sign(body: bytes, key: rsa.RSAPrivateKey) -> str:
    """The ``Signature-256`` header Alexa would send for ``body``."""
    return base64.b64encode(key.sign(body, padding.PKCS1v15(), hashes.SHA256())).decode("ascii")
