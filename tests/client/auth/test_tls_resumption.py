"""Card-key TLS session resumption against real OpenSSL servers: one card signature for
many connections, the server still sees the card holder, refusals fall back by themselves."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from client.tls import SoftwareSigner, TlsliteCardContext
from client.tls.errors import ResumptionRefused
from client.trust import CrlStore, TrustStore
from sandbox.pki import Pki, generate_rsa_key
from tests.client.auth.tls_servers import serve_tls, write_pem_pair

HOLDER = "899700000001"


@pytest.fixture(scope="module")
def card(sandbox_pki: Pki) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = generate_rsa_key()
    cert = sandbox_pki.issue_person_certificate(
        key.public_key(), national_id=HOLDER, family_name="MARTIN",
        given_name="JEAN", profession="Médecin", usage="auth",
    )
    return key, cert


@pytest.fixture(scope="module")
def server_files(sandbox_pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    cert, key = sandbox_pki.issue_server_certificate(("localhost", "127.0.0.1"))
    return write_pem_pair(tmp_path_factory.mktemp("srv"), "server", cert, key)


@pytest.fixture()
def trust(sandbox_pki: Pki, tmp_path: Path) -> TrustStore:
    return TrustStore.from_files([sandbox_pki.chain_pem], use_system=False,
                                 crls=CrlStore(tmp_path / "crl"))


def _server(server_files: tuple[Path, Path], sandbox_pki: Pki, *, tls12: bool = False,
            tickets: bool = True) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*server_files)
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(str(sandbox_pki.chain_pem))
    if tls12:
        context.maximum_version = ssl.TLSVersion.TLSv1_2
    if not tickets:
        context.options |= ssl.OP_NO_TICKET
        context.num_tickets = 0
    return context


class _NoPssSigner(SoftwareSigner):
    """A CPS3-like signer: PKCS#1 v1.5 only, so TLS 1.2."""

    @property
    def supports_pss(self) -> bool:
        return False


def _talk(context: TlsliteCardContext, port: int) -> tuple[str, bool]:
    raw = socket.create_connection(("127.0.0.1", port), timeout=30)
    tls = context.wrap_socket(raw, server_hostname="127.0.0.1")
    with tls:
        tls.sendall(b"hi\n")
        with tls.makefile("rb") as reader:
            line = reader.readline().decode()
        return line, tls.resumed


@pytest.mark.parametrize("tls12", [False, True], ids=["tls13-ticket", "tls12-session"])
def test_later_connections_resume_without_signing(
    card: tuple[rsa.RSAPrivateKey, x509.Certificate], server_files: tuple[Path, Path],
    sandbox_pki: Pki, trust: TrustStore, tls12: bool,
) -> None:
    signer = _NoPssSigner(*card) if tls12 else SoftwareSigner(*card)
    context = TlsliteCardContext(signer, trust)
    with serve_tls(_server(server_files, sandbox_pki, tls12=tls12)) as (port, outcomes):
        talks = [_talk(context, port) for _ in range(4)]
    # The server names the card holder on every connection, resumed ones included.
    assert [line for line, _ in talks] == [f"hello {HOLDER}\n"] * 4
    assert [resumed for _, resumed in talks] == [False, True, True, True]
    assert outcomes == [HOLDER] * 4
    assert signer.signature_count == 1


def test_a_server_that_forgot_its_tickets_gets_a_full_handshake(
    card: tuple[rsa.RSAPrivateKey, x509.Certificate], server_files: tuple[Path, Path],
    sandbox_pki: Pki, trust: TrustStore,
) -> None:
    # A restarted server draws new ticket keys: the offer is declined, not an error.
    signer = SoftwareSigner(*card)
    context = TlsliteCardContext(signer, trust)
    with serve_tls(_server(server_files, sandbox_pki)) as (port, _):
        assert _talk(context, port) == (f"hello {HOLDER}\n", False)
    with serve_tls(_server(server_files, sandbox_pki)) as (port, _):
        assert _talk(context, port) == (f"hello {HOLDER}\n", False)
        assert _talk(context, port) == (f"hello {HOLDER}\n", True)
    assert signer.signature_count == 2


def test_no_tickets_no_offer(
    card: tuple[rsa.RSAPrivateKey, x509.Certificate], server_files: tuple[Path, Path],
    sandbox_pki: Pki, trust: TrustStore,
) -> None:
    signer = SoftwareSigner(*card)
    context = TlsliteCardContext(signer, trust)
    with serve_tls(_server(server_files, sandbox_pki, tickets=False)) as (port, _):
        talks = [_talk(context, port) for _ in range(2)]
    assert talks == [(f"hello {HOLDER}\n", False)] * 2
    assert signer.signature_count == 2


@contextmanager
def _breaking_off_second(target: int) -> Iterator[int]:
    """Forward connections to ``target``, but cut the second one after its ClientHello
    (what OpenSSL does when a session is offered without a session id context)."""
    listener = socket.create_server(("127.0.0.1", 0))
    count = 0
    opened: list[socket.socket] = []
    threads: list[threading.Thread] = []

    def pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def accept() -> None:
        nonlocal count
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            count += 1
            opened.append(client)
            if count == 2:
                client.recv(65536)
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", target))
            opened.append(upstream)
            for args in ((client, upstream), (upstream, client)):
                threads.append(threading.Thread(target=pipe, args=args, daemon=True))
                threads[-1].start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        thread.join(timeout=5)
        for worker in threads:
            worker.join(timeout=5)
        for sock in opened:
            sock.close()


def test_a_server_that_breaks_off_the_offer_is_never_offered_again(
    card: tuple[rsa.RSAPrivateKey, x509.Certificate], server_files: tuple[Path, Path],
    sandbox_pki: Pki, trust: TrustStore,
) -> None:
    signer = SoftwareSigner(*card)
    context = TlsliteCardContext(signer, trust)
    with serve_tls(_server(server_files, sandbox_pki)) as (port, _), \
            _breaking_off_second(port) as front:
        assert _talk(context, front) == (f"hello {HOLDER}\n", False)
        with pytest.raises(ResumptionRefused):
            _talk(context, front)
        assert context.sessions.refuses(("127.0.0.1", "127.0.0.1"))
        assert _talk(context, front) == (f"hello {HOLDER}\n", False)
        assert _talk(context, front) == (f"hello {HOLDER}\n", False)
    assert signer.signature_count == 3


def test_sessions_are_kept_in_memory_only(
    card: tuple[rsa.RSAPrivateKey, x509.Certificate], server_files: tuple[Path, Path],
    sandbox_pki: Pki, trust: TrustStore, app_home: Path,
) -> None:
    context = TlsliteCardContext(SoftwareSigner(*card), trust)
    before = sorted(p for p in app_home.rglob("*"))
    with serve_tls(_server(server_files, sandbox_pki)) as (port, _):
        _talk(context, port)
        _talk(context, port)
    assert len(context.sessions) == 1
    assert sorted(p for p in app_home.rglob("*")) == before
    context.sessions.clear()
    assert len(context.sessions) == 0
