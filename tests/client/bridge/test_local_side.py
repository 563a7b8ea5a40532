"""The bridge's own side, without an operator: certificate, password, loopback, the IMAP
and SMTP dialogue before sign-in, and what a mail client sees when the operator is down.
"""

from __future__ import annotations

import base64
import datetime
import ipaddress
import smtplib
import socket
import ssl
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from client.bridge import (
    Bridge,
    BridgeConfig,
    BridgePassword,
    CardGate,
    NotLoopback,
    load_or_create_certificate,
    load_or_create_password,
    reset_password,
)
from client.bridge.imap import _tokens
from client.bridge.submit import ensure_message_id
from client.mail.cache import MailCache
from client.mail.keystore import MemoryKeyStore
from client.mail.outbox import Outbox
from client.mail.policy import DomainList, RecipientPolicy
from tests.helpers.fake_bridge_opener import FakeOpenerFactory
from tests.helpers.fake_keyring import fake_keyring

ADDRESS = "jean.martin@hopital-sandbox.mssante.fr"
PASSWORD = "local-password-for-tests"  # a test password


@pytest.fixture()
def bridge(tmp_path: Path) -> Iterator[tuple[Bridge, FakeOpenerFactory, ssl.SSLContext]]:
    factory = FakeOpenerFactory(ADDRESS)
    certificate = load_or_create_certificate(tmp_path / "bridge")
    keystore = MemoryKeyStore()
    running = Bridge(CardGate(factory, ADDRESS), BridgePassword(PASSWORD, created=False),
                     certificate, policy=RecipientPolicy(DomainList.of(["mssante.fr"])),
                     config=BridgeConfig(imap_port=0, smtp_port=0, imaps_port=0),
                     open_cache=lambda address: MailCache.open(
                         address, keystore=keystore, path=tmp_path / "cache.db")).start()
    context = ssl.create_default_context(cafile=str(certificate.cert_path))
    try:
        yield running, factory, context
    finally:
        running.stop()


def test_certificate_is_a_constrained_local_ca_kept_and_exported(tmp_path: Path) -> None:
    first = load_or_create_certificate(tmp_path / "b")
    again = load_or_create_certificate(tmp_path / "b")
    assert again.fingerprint == first.fingerprint  # made once per installation
    assert stat.S_IMODE(first.key_path.stat().st_mode) == 0o600
    ca = first.certificate
    constraints = ca.extensions.get_extension_for_class(x509.NameConstraints).value
    assert x509.DNSName("localhost") in (constraints.permitted_subtrees or [])
    assert x509.IPAddress(ipaddress.ip_network("127.0.0.0/8")) in (
        constraints.permitted_subtrees or [])
    assert ca.not_valid_after_utc > datetime.datetime.now(datetime.UTC) + datetime.timedelta(
        days=365)
    exported = first.export(tmp_path / "export.pem")
    assert exported.read_bytes() == first.pem
    assert b"PRIVATE KEY" not in exported.read_bytes()
    assert len(first.fingerprint.split(":")) == 32


def test_password_made_once_in_the_keyring() -> None:
    with fake_keyring() as keyring:
        created = load_or_create_password()
        assert created.created and len(created.value) == 20
        again = load_or_create_password()
        assert not again.created and again.value == created.value
        assert keyring.secrets[("mssante-companion", "bridge-password")] == created.value
        assert created.value not in repr(created)
        assert again.matches(created.value) and not again.matches(created.value + "x")
        assert reset_password().value != created.value


def test_only_loopback_addresses(tmp_path: Path) -> None:
    gate = CardGate(FakeOpenerFactory(ADDRESS), ADDRESS)
    for host in ("0.0.0.0", "192.0.2.1", "localhost.example", "::"):
        with pytest.raises(NotLoopback):
            Bridge(gate, BridgePassword(PASSWORD, False),
                   load_or_create_certificate(tmp_path / "b"),
                   policy=RecipientPolicy(None), config=BridgeConfig(host=host))


def test_imap_login_with_literals_and_plain_continuation(bridge: tuple) -> None:
    running, factory, context = bridge
    raw = socket.create_connection(("127.0.0.1", running.port("imaps")), timeout=10)
    with context.wrap_socket(raw, server_hostname="127.0.0.1") as sock:
        stream = sock.makefile("rwb")
        assert stream.readline().startswith(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN")
        # A LOGIN with a synchronising literal for the user name and a wrong password.
        stream.write(b"a1 LOGIN {%d}\r\n" % len(ADDRESS))
        stream.flush()
        assert stream.readline().startswith(b"+ ")
        stream.write(ADDRESS.encode() + b' "wrong \\"pw\\""\r\n')
        stream.flush()
        assert stream.readline().startswith(b"a1 NO [AUTHENTICATIONFAILED]")
        # AUTHENTICATE PLAIN with a continuation: the password is right, the operator down.
        stream.write(b"a2 AUTHENTICATE PLAIN\r\n")
        stream.flush()
        assert stream.readline() == b"+ \r\n"
        stream.write(base64.b64encode(f"\0{ADDRESS}\0{PASSWORD}".encode()) + b"\r\n")
        stream.flush()
        line = stream.readline()
        assert line.startswith(b"a2 NO [UNAVAILABLE] the MSSante operator cannot be reached")
        stream.write(b"a3 LOGOUT\r\n")
        stream.flush()
        assert stream.readline().startswith(b"* BYE")
        stream.close()
    assert factory.calls == 1
    assert "OperatorUnreachable" in running.status().last_error
    # The desktop app words the exception itself; the command line's JSON keeps the text.
    assert type(running.status().last_exception).__name__ == "OperatorUnreachable"
    assert "last_exception" not in running.status().to_json()


def test_imap_starttls_refuses_injected_commands(bridge: tuple) -> None:
    running, _factory, _context = bridge
    with socket.create_connection(("127.0.0.1", running.port("imap")), timeout=10) as sock:
        stream = sock.makefile("rwb")
        assert b"STARTTLS LOGINDISABLED" in stream.readline()
        # A man in the middle appends a command after STARTTLS in the same packet.
        stream.write(b"a1 STARTTLS\r\na2 LOGIN evil evil\r\n")
        stream.flush()
        assert stream.readline().startswith(b"a1 BAD")
        stream.close()


def test_imapclient_sees_the_upstream_refusal(bridge: tuple) -> None:
    running, _factory, context = bridge
    imap = IMAPClient("127.0.0.1", running.port("imap"), ssl=False, timeout=10)
    try:
        imap.starttls(context)
        with pytest.raises(LoginError) as info:
            imap.login(ADDRESS, PASSWORD)
        assert "UNAVAILABLE" in str(info.value)
    finally:
        imap.shutdown()


def test_smtp_dialogue_before_the_operator(bridge: tuple) -> None:
    """Everything up to DATA is local; DATA queues in the outbox, the operator is down."""
    running, _factory, context = bridge
    with smtplib.SMTP("127.0.0.1", running.port("smtp"), timeout=10) as smtp:
        smtp.ehlo()
        assert smtp.has_extn("starttls") and not smtp.has_extn("auth")
        code, _ = smtp.docmd("AUTH", "PLAIN")
        assert code == 530  # no password before TLS
        smtp.starttls(context=context)
        smtp.ehlo()
        assert "PLAIN" in smtp.esmtp_features["auth"]
        assert smtp.mail(ADDRESS)[0] == 530  # sign in first
        smtp.login(ADDRESS, PASSWORD)
        assert smtp.mail("someone.else@mssante.fr")[0] == 553
        assert smtp.mail(ADDRESS)[0] == 250
        code, text = smtp.rcpt("x@gmail.com")
        assert code == 550 and b"liste blanche" in text
        code, text = smtp.rcpt("patient@patient.mssante.fr")
        assert code == 250 and b"patient" in text
        code, text = smtp.data(b"Subject: t\r\n\r\n.leading dot\r\n")
        assert code == 451  # the operator is down: try again later
        assert b"OperatorUnreachable" in text
    # The message waits in the account's outbox, bytes as sent (dot unstuffed).
    with running.submitter._open_cache(ADDRESS) as cache:
        (entry,) = Outbox(cache.store).entries()
    assert entry.state == "queued"
    assert entry.raw.endswith(b"Subject: t\r\n\r\n.leading dot\r\n")
    assert entry.recipients == ("patient@patient.mssante.fr",)


def test_tokens_and_message_id() -> None:
    assert _tokens('a1 LOGIN "jean \\"x\\"" pass') == ["a1", "LOGIN", 'jean "x"', "pass"]
    raw = b"From: a@b\r\nSubject: s\r\n\r\nbody\r\n"
    with_id = ensure_message_id(raw, ADDRESS)
    assert with_id.endswith(raw) and with_id.startswith(b"Message-ID: <")
    assert b"@hopital-sandbox.mssante.fr>" in with_id.split(b"\r\n", 1)[0]
    assert ensure_message_id(with_id, ADDRESS) == with_id
