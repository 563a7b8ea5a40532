"""The card signer inside a real TLS handshake (client/tls's tlslite backend, OpenSSL server).

Exactly one card signature per handshake: TLS 1.3 with RSA-PSS when the card offers it
(SoftHSM2, like a CPS4), TLS 1.2 with PKCS#1 v1.5 when it does not (the CPS3-like fake).
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from client.tls import TlsliteCardContext
from client.tls.signer import Signer
from client.trust import CrlStore, TrustStore
from cps.service import CardService
from cps.signer import CardSigner
from sandbox.card import VirtualCard
from sandbox.pki import Pki, generate_rsa_key
from tests.client.auth.tls_servers import serve_tls, write_pem_pair
from tests.helpers.fake_token import FakeCard, FakePinPrompt, FakeTokenBackend


@pytest.fixture(scope="module")
def server_files(sandbox_pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    cert, key = sandbox_pki.issue_server_certificate(("localhost", "127.0.0.1"))
    return write_pem_pair(tmp_path_factory.mktemp("srv"), "server", cert, key)


def _server(server_files: tuple[Path, Path], ca_file: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*server_files)
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(str(ca_file))
    return context


def _hello(signer: CardSigner, trust: TrustStore, port: int) -> tuple[str, object]:
    raw = socket.create_connection(("127.0.0.1", port), timeout=30)
    with TlsliteCardContext(signer, trust).wrap_socket(raw, server_hostname="127.0.0.1") as tls:
        tls.sendall(b"hi\n")
        with tls.makefile("rb") as reader:
            return reader.readline().decode(), tls.version()


@pytest.fixture
def trust(sandbox_pki: Pki, tmp_path: Path) -> TrustStore:
    return TrustStore.from_files([sandbox_pki.chain_pem], use_system=False,
                                 crls=CrlStore(tmp_path / "crl"))


def test_card_signer_signs_once_per_tls13_handshake(
    card_service: CardService, card_env: VirtualCard, server_files: tuple[Path, Path],
    sandbox_pki: Pki, trust: TrustStore,
) -> None:
    signer = card_service.signer(FakePinPrompt(card_env.pin))
    assert isinstance(signer, Signer)
    with serve_tls(_server(server_files, sandbox_pki.chain_pem)) as (port, _):
        line, version = _hello(signer, trust, port)
        assert (line, version) == ("hello 810001234567\n", "TLSv1.3")
        assert signer.signature_count == 1
        _hello(signer, trust, port)
    assert signer.signature_count == 2


@pytest.fixture
def cps3_signer(sandbox_pki: Pki) -> Iterator[tuple[CardSigner, FakeCard]]:
    key = generate_rsa_key()
    cert = sandbox_pki.issue_person_certificate(
        key.public_key(), national_id="810001234567", family_name="MARTIN", given_name="JEAN",
        profession="Médecin", usage="auth")
    card = FakeCard(pin="1234", key=key, certificate=cert)
    service = CardService(lambda: FakeTokenBackend(card))
    yield service.signer(FakePinPrompt(card.pin)), card
    service.close()


def test_cps3_like_card_signs_once_per_tls12_handshake(
    cps3_signer: tuple[CardSigner, FakeCard], server_files: tuple[Path, Path],
    trust: TrustStore, sandbox_pki: Pki,
) -> None:
    signer, card = cps3_signer
    with serve_tls(_server(server_files, sandbox_pki.chain_pem)) as (port, _):
        line, version = _hello(signer, trust, port)
    assert (line, version) == ("hello 810001234567\n", "TLSv1.2")
    assert signer.signature_count == card.sign_calls == 1
