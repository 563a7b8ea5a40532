"""Fixtures of the mail tests: a private Dovecot (session-wide), a user per test."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from client.mail.cache import MailCache
from client.mail.keystore import MemoryKeyStore
from client.mail.mailbox import Mailbox
from tests.client.mail._servers import (
    Dovecot,
    PasswordSessionOpener,
    SinkState,
    SmtpSink,
    free_port,
    running_dovecot,
)

_users = itertools.count(1)


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """One private Dovecot IMAP server for the whole test session."""
    with running_dovecot() as server:
        yield server


@pytest.fixture
def user(dovecot: Dovecot) -> str:
    """A fresh, empty mailbox user for this test."""
    name = f"u{next(_users)}"
    dovecot.reset_user(name)
    return name


@pytest.fixture
def opener(dovecot: Dovecot, user: str) -> PasswordSessionOpener:
    return PasswordSessionOpener(dovecot, user)


@pytest.fixture
def mailbox(opener: PasswordSessionOpener) -> Iterator[Mailbox]:
    with Mailbox(opener) as box:
        yield box


@pytest.fixture
def keystore() -> MemoryKeyStore:
    return MemoryKeyStore()


@pytest.fixture
def cache(opener: PasswordSessionOpener, keystore: MemoryKeyStore) -> Iterator[MailCache]:
    with MailCache.open(opener.address, keystore=keystore) as c:
        yield c


@pytest.fixture
def smtp_sink(dovecot: Dovecot) -> Iterator[SmtpSink]:
    """An SMTP submission sink delivering into Dovecot, for this test."""
    sink = SmtpSink(SinkState(dovecot), free_port())
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def sender_opener(dovecot: Dovecot, smtp_sink: SmtpSink) -> PasswordSessionOpener:
    """Jean Martin's opener (IMAP and SMTP); his mailbox is emptied first."""
    dovecot.reset_user("jean.martin")
    return PasswordSessionOpener(dovecot, "jean.martin", smtp_sink.port)
