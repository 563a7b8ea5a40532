"""Stdlib TLS sessions (tokens, doctor) refuse what card TLS refuses: old TLS, an untrusted
or self-signed server, a certificate for another host; an absent server is "unreachable"."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import warnings
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

from client.auth import OperatorUnreachable
from client.auth.connect import connect_imap, connect_smtp
from client.profiles.model import Endpoint
from client.trust import (
    CrlStore,
    HostnameMismatch,
    ProtocolTooOld,
    SelfSignedServer,
    TrustStore,
)
from sandbox.pki import Pki, generate_rsa_key
from tests.client.auth.tls_servers import serve_tls, write_pem_pair


@pytest.fixture()
def trust(sandbox_pki: Pki, tmp_path: Path) -> TrustStore:
    return TrustStore.from_files([sandbox_pki.chain_pem], use_system=False,
                                 crls=CrlStore(tmp_path / "crl"))


def _server(sandbox_pki: Pki, tmp_path: Path, *, tls10: bool = False,
            names: tuple[str, ...] = ("127.0.0.1",)) -> ssl.SSLContext:
    cert, key = sandbox_pki.issue_server_certificate(names)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*write_pem_pair(tmp_path, "srv", cert, key))
    if tls10:
        # OpenSSL 3 needs security level 0 to speak TLS 1.0 at all (SHA-1 handshake MAC):
        # this server exists only to be refused.
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = ssl.TLSVersion.TLSv1
            context.maximum_version = ssl.TLSVersion.TLSv1
    return context


def test_tls10_server_refused(sandbox_pki: Pki, tmp_path: Path, trust: TrustStore) -> None:
    with serve_tls(_server(sandbox_pki, tmp_path, tls10=True)) as (port, _):
        with pytest.raises(ProtocolTooOld):
            connect_imap(Endpoint("127.0.0.1", port, "tls"), trust.ssl_context(), timeout=10)


def test_other_host_refused(sandbox_pki: Pki, tmp_path: Path, trust: TrustStore) -> None:
    context = _server(sandbox_pki, tmp_path, names=("imap.autre.test",))
    with serve_tls(context) as (port, _):
        with pytest.raises(HostnameMismatch):
            connect_smtp(Endpoint("127.0.0.1", port, "tls"), trust.ssl_context(), timeout=10)


def test_self_signed_refused(tmp_path: Path, trust: TrustStore) -> None:
    key = generate_rsa_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(9)
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=5))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(
            ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*write_pem_pair(tmp_path, "self", cert, key))
    with serve_tls(context) as (port, _):
        with pytest.raises(SelfSignedServer):
            connect_imap(Endpoint("127.0.0.1", port, "tls"), trust.ssl_context(), timeout=10)


def test_nobody_listening(trust: TrustStore) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    with pytest.raises(OperatorUnreachable) as info:
        connect_imap(Endpoint("127.0.0.1", port, "starttls"), trust.ssl_context(), timeout=5)
    assert info.value.port == port
