"""The tlslite card TLS backend against real OpenSSL servers: one signature per handshake,
server checked before the card signs, specific refusals, fast ciphers in use."""

from __future__ import annotations

import socket
import ssl
import warnings
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from client.tls import ClientCertificateRefused, SoftwareSigner, TlsliteCardContext
from client.trust import CrlStore, HostnameMismatch, ProtocolTooOld, SelfSignedServer, TrustStore
from sandbox.pki import Pki, generate_rsa_key
from tests.client.auth.tls_servers import serve_tls, write_pem_pair


@pytest.fixture(scope="module")
def card(sandbox_pki: Pki) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = generate_rsa_key()
    cert = sandbox_pki.issue_person_certificate(
        key.public_key(), national_id="899700000001", family_name="MARTIN",
        given_name="JEAN", profession="Médecin", usage="auth",
    )
    return key, cert


@pytest.fixture(scope="module")
def server_files(sandbox_pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    cert, key = sandbox_pki.issue_server_certificate(("localhost", "127.0.0.1"))
    return write_pem_pair(tmp_path_factory.mktemp("srv"), "server", cert, key)


def _server_context(server_files: tuple[Path, Path], sandbox_pki: Pki, *,
                    crl: bool = False, tls10: bool = False) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*server_files)
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(str(sandbox_pki.chain_pem))
    if crl:
        context.load_verify_locations(str(sandbox_pki.crl_pem))
        context.verify_flags |= ssl.VERIFY_CRL_CHECK_LEAF
    if tls10:
        # OpenSSL 3 refuses TLS 1.0 at the default security level 1 (SHA-1 in its
        # handshake): level 0 is needed to stand up the old server we must refuse.
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        with warnings.catch_warnings():
            # Python deprecates TLS 1.0; this server exists to be refused.
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = ssl.TLSVersion.TLSv1
            context.maximum_version = ssl.TLSVersion.TLSv1
    return context


@pytest.fixture()
def trust(sandbox_pki: Pki, tmp_path: Path) -> TrustStore:
    return TrustStore.from_files([sandbox_pki.chain_pem], use_system=False,
                                 crls=CrlStore(tmp_path / "crl"))


def _talk(context: TlsliteCardContext, port: int, host: str = "127.0.0.1") -> tuple[str, object]:
    raw = socket.create_connection(("127.0.0.1", port), timeout=30)
    tls = context.wrap_socket(raw, server_hostname=host)
    with tls:
        tls.sendall(b"hi\n")
        reader = tls.makefile("rb")
        with reader:
            line = reader.readline().decode()
        return line, tls.version()


@pytest.mark.parametrize("pss", [True, False], ids=["tls13-pss", "tls12-pkcs1-cps3"])
def test_handshake_signs_once(card: tuple[rsa.RSAPrivateKey, x509.Certificate],
                              server_files: tuple[Path, Path], sandbox_pki: Pki,
                              trust: TrustStore, pss: bool) -> None:
    signer = SoftwareSigner(*card)
    if not pss:
        signer.__class__ = _NoPssSigner
    context = TlsliteCardContext(signer, trust)
    with serve_tls(_server_context(server_files, sandbox_pki)) as (port, outcomes):
        line, version = _talk(context, port)
    assert line == "hello 899700000001\n"
    assert version == ("TLSv1.3" if pss else "TLSv1.2")
    assert signer.signature_count == 1


class _NoPssSigner(SoftwareSigner):
    """A CPS3-like signer: PKCS#1 v1.5 only."""

    @property
    def supports_pss(self) -> bool:
        return False


def test_wrong_host_refused_before_the_card_signs(
    card: tuple[rsa.RSAPrivateKey, x509.Certificate], server_files: tuple[Path, Path],
    sandbox_pki: Pki, trust: TrustStore,
) -> None:
    signer = SoftwareSigner(*card)
    with serve_tls(_server_context(server_files, sandbox_pki)) as (port, _):
        with pytest.raises(HostnameMismatch):
            _talk(TlsliteCardContext(signer, trust), port, host="imap.other.test")
    assert signer.signature_count == 0


def test_self_signed_server_refused(card: tuple[rsa.RSAPrivateKey, x509.Certificate],
                                    tmp_path: Path, trust: TrustStore) -> None:
    import datetime as dt

    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    key = generate_rsa_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(7)
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=5))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*write_pem_pair(tmp_path, "self", cert, key))
    signer = SoftwareSigner(*card)
    with serve_tls(context) as (port, _):
        with pytest.raises(SelfSignedServer):
            _talk(TlsliteCardContext(signer, trust), port, host="localhost")
    assert signer.signature_count == 0


def test_tls10_server_refused(card: tuple[rsa.RSAPrivateKey, x509.Certificate],
                              server_files: tuple[Path, Path], sandbox_pki: Pki,
                              trust: TrustStore) -> None:
    signer = SoftwareSigner(*card)
    with serve_tls(_server_context(server_files, sandbox_pki, tls10=True)) as (port, _):
        with pytest.raises(ProtocolTooOld):
            _talk(TlsliteCardContext(signer, trust), port)
    assert signer.signature_count == 0


def test_revoked_client_certificate_refused_by_server(
    server_files: tuple[Path, Path], sandbox_pki: Pki, trust: TrustStore
) -> None:
    key = generate_rsa_key()
    cert = sandbox_pki.issue_person_certificate(
        key.public_key(), national_id="899700000009", family_name="REVOQUE",
        given_name="PAUL", profession="Médecin", usage="auth",
    )
    sandbox_pki.revoke(cert)
    signer = SoftwareSigner(key, cert)
    with serve_tls(_server_context(server_files, sandbox_pki, crl=True)) as (port, _):
        raw = socket.create_connection(("127.0.0.1", port), timeout=30)
        with pytest.raises(ClientCertificateRefused) as info:
            # In TLS 1.3 the server judges the client certificate after the client's
            # last flight: its alert comes during the handshake (the flight's write
            # failing) or with the first read. IMAP and SMTP servers speak first, so the
            # client reads first; writing first could meet the connection already reset
            # by the refusing server instead of its alert.
            with TlsliteCardContext(signer, trust).wrap_socket(
                    raw, server_hostname="127.0.0.1") as tls:
                tls.makefile("rb").readline()
    assert info.value.alert == "certificate_revoked"


@pytest.mark.parametrize(
    ("pss", "ciphers"),
    [(True, None), (False, "ECDHE-RSA-AES256-GCM-SHA384"),
     (False, "ECDHE-RSA-CHACHA20-POLY1305")],
    ids=["tls13", "tls12-aesgcm", "tls12-chacha20"],
)
def test_fast_path_bulk_read(card: tuple[rsa.RSAPrivateKey, x509.Certificate],
                             server_files: tuple[Path, Path], sandbox_pki: Pki,
                             trust: TrustStore, pss: bool, ciphers: str | None) -> None:
    size = 2 * 1024 * 1024 + 17
    signer = SoftwareSigner(*card)
    if not pss:
        signer.__class__ = _NoPssSigner
    server = _server_context(server_files, sandbox_pki)
    if ciphers:
        server.set_ciphers(ciphers)
    context = TlsliteCardContext(signer, trust)
    with serve_tls(server, payload_size=size) as (port, _):
        raw = socket.create_connection(("127.0.0.1", port), timeout=30)
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            assert tls.cipher_implementation() == "cryptography"
            assert tls.fast_path
            tls.sendall(b"go\n")
            with tls.makefile("rb") as stream:
                assert stream.readline().startswith(b"hello")
                received = stream.read(size)
                assert stream.read(10) == b""  # the server's close_notify ends the stream
    expected = (bytes(range(256)) * 256 * 40)[:size]
    assert received == expected


def test_large_upload_is_sent_intact(card: tuple[rsa.RSAPrivateKey, x509.Certificate],
                                     server_files: tuple[Path, Path], sandbox_pki: Pki,
                                     trust: TrustStore) -> None:
    import hashlib
    import os

    payload = os.urandom(3 * 1024 * 1024 + 5)  # many records, an odd tail
    context = TlsliteCardContext(SoftwareSigner(*card), trust)
    with serve_tls(_server_context(server_files, sandbox_pki)) as (port, _):
        raw = socket.create_connection(("127.0.0.1", port), timeout=30)
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            tls.sendall(f"upload {len(payload)}\n".encode())
            tls.sendall(memoryview(payload))
            with tls.makefile("rb") as stream:
                assert stream.readline().strip().decode() == hashlib.sha256(payload).hexdigest()
