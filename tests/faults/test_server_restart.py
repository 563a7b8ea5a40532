"""Dovecot SIGKILLed and restarted during a sync and during a send.

A private Dovecot (killing the shared sandbox would disturb other tests) is killed with
SIGKILL at a precise point and started again on the same port; the app must finish on
its own (the sync reopens its session once; the outbox resumes at the step that did not
happen), with nothing lost and nothing twice.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

import client.mail.outbox as outbox_module
import client.mail.sync as sync_module
from client.mail.cache import MailCache
from client.mail.compose import Draft
from client.mail.errors import SubmissionFailed
from client.mail.keystore import MemoryKeyStore
from client.mail.mailbox import Mailbox
from client.mail.outbox import Outbox
from client.mail.policy import DomainList, RecipientPolicy
from client.mail.sending import MailSender
from tests.client.mail._messages import letter
from tests.client.mail._servers import (
    COLLEAGUE_DOMAIN,
    DOMAIN,
    Dovecot,
    PasswordSessionOpener,
    SinkState,
    SmtpSink,
    free_port,
    running_dovecot,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

CLAIRE = f"claire.dubois@{COLLEAGUE_DOMAIN}"


@pytest.fixture
def server() -> Iterator[Dovecot]:
    """A private Dovecot for this test only (it gets killed)."""
    with running_dovecot() as dovecot:
        yield dovecot


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _kill(dovecot: Dovecot) -> None:
    """SIGKILL the master and every process it started (imap sessions included)."""
    assert dovecot.process is not None
    victims = _descendants(dovecot.process.pid)
    dovecot.process.send_signal(signal.SIGKILL)
    for pid in victims:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    dovecot.process.wait(timeout=30)
    dovecot.process = None


def _kill_and_restart(dovecot: Dovecot) -> None:
    """Kill Dovecot (no clean shutdown), then start it again on the same port."""
    _kill(dovecot)
    dovecot.start()


def _inbox_ids(dovecot: Dovecot, user: str, folder: str = "INBOX") -> list[str]:
    imap = dovecot.client(user)
    try:
        imap.select_folder(folder, readonly=True)
        uids = imap.search(["ALL"])
        data = imap.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]) if uids else {}
        return sorted(
            v[b"BODY[HEADER.FIELDS (MESSAGE-ID)]"].decode().split(":", 1)[1].strip()
            for v in data.values()
        )
    finally:
        imap.logout()


def test_sync_recovers_when_the_server_is_killed_and_restarted(
    server: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = "jean.martin"
    imap = server.client(user)
    try:
        imap.multiappend("INBOX", [letter(subject=f"Bilan n°{i}").as_bytes() for i in range(300)])
    finally:
        imap.logout()
    monkeypatch.setattr(sync_module, "BATCH", 40)
    kills: list[int] = []

    def progress(folder: str, done: int, total: int) -> None:
        if not kills and done >= 80:  # some batches committed, more to come
            kills.append(done)
            _kill_and_restart(server)

    opener = PasswordSessionOpener(server, user)
    with MailCache.open(opener.address, keystore=MemoryKeyStore()) as cache, Mailbox(
        opener
    ) as box:
        result = sync_module.Synchronizer(box, cache, progress=progress).sync_folder("INBOX")
        assert len(kills) == 1 and 80 <= kills[0] < 300  # killed mid-way
        assert opener.imap_opens == 2  # the session was reopened once, by itself
        total, page = cache.list_messages("INBOX", limit=1000)
        assert result.total == total == 300
        assert len({s.uid for s in page}) == 300  # nothing twice
        assert {s.subject for s in page} == {f"Bilan n°{i}" for i in range(300)}
        assert sync_module.Synchronizer(box, cache).sync_folder("INBOX").unchanged


@pytest.fixture
def sending(server: Dovecot) -> Iterator[tuple[MailSender, Outbox, SmtpSink]]:
    sink = SmtpSink(SinkState(server), free_port())
    sink.start()
    opener = PasswordSessionOpener(server, "jean.martin", sink.port)
    try:
        with MailCache.open(opener.address, keystore=MemoryKeyStore()) as cache, Mailbox(
            opener
        ) as box:
            outbox = Outbox(cache.store)
            policy = RecipientPolicy(DomainList.of([DOMAIN, COLLEAGUE_DOMAIN]))
            yield MailSender(opener, outbox, policy, box), outbox, sink
    finally:
        sink.stop()


def test_send_recovers_when_the_server_dies_between_submission_and_filing(
    server: Dovecot, sending: tuple[MailSender, Outbox, SmtpSink],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sender, outbox, sink = sending
    original = outbox_module._submit
    calls: list[str] = []

    def submit_then_crash(opener: object, entry: outbox_module.OutboxEntry) -> object:
        refused = original(opener, entry)  # type: ignore[arg-type]
        calls.append(entry.message_id)
        _kill(server)
        return refused

    monkeypatch.setattr(outbox_module, "_submit", submit_then_crash)
    report = sender.send(Draft(to=(CLAIRE,), subject="Après soumission", body="texte"))
    assert report.outcome.state == "submitted"
    assert "not copied to Sent" in report.outcome.reason
    (entry,) = outbox.entries()
    assert entry.state == "submitted"
    monkeypatch.setattr(outbox_module, "_submit", original)
    server.start()
    (outcome,) = sender.retry()
    assert (outcome.state, outcome.copied_to_sent) == ("sent", True)
    assert sender.retry() == []
    assert len(sink.state.received) == 1  # submitted once only
    assert calls == [report.message_id]
    assert _inbox_ids(server, "jean.martin", "Sent") == [report.message_id]
    assert _inbox_ids(server, "claire.dubois") == [report.message_id]


def test_send_recovers_when_the_server_is_down_at_submission(
    server: Dovecot, sending: tuple[MailSender, Outbox, SmtpSink]
) -> None:
    sender, outbox, sink = sending
    sink.stop()  # the submission server is down (the MTA in front of Dovecot)
    _kill(server)
    with pytest.raises(SubmissionFailed) as info:
        sender.send(Draft(to=(CLAIRE,), subject="Serveur tombé", body="texte"))
    assert not info.value.permanent
    assert [e.state for e in outbox.entries()] == ["queued"]
    server.start()
    sink.start()
    (outcome,) = sender.retry()
    assert outcome.state == "sent"
    assert len(sink.state.received) == 1
    assert _inbox_ids(server, "claire.dubois") == [info.value.message_id]
    assert _inbox_ids(server, "jean.martin", "Sent") == [info.value.message_id]
