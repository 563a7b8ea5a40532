"""The desktop app's mail service over client.mail, against a private Dovecot.

The session opener is the mail tests' password one (test-only); sign-in with the card is
covered by ``tests/integration/test_desktop_sandbox.py``.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from client.mail.cache import MailCache
from client.mail.compose import Draft
from client.mail.keystore import MemoryKeyStore
from client.paths import app_paths
from client.whitelist import default_whitelist_path, import_whitelist
from tests.client.mail._servers import (
    DOMAIN,
    Dovecot,
    PasswordSessionOpener,
    SinkState,
    SmtpSink,
    free_port,
    running_dovecot,
)
from tests.helpers.data import LISTE_BLANCHE
from tests.helpers.timeouts import LIVE_TIMEOUT
from ui.live_mail import LiveMailService

LAB = (
    "From: Laboratoire <resultats@{domain}>\r\nTo: jean.martin@{domain}\r\n"
    "Subject: =?utf-8?q?R=C3=A9sultats_TSH?=\r\nMessage-ID: <{n}@labo>\r\n"
    "Date: Mon, 02 Nov 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\n"
    "Content-Type: text/html; charset=utf-8\r\n\r\n"
    "<p>TSH normale.</p><img src=\"https://tracker.example/p.png\"><script>x()</script>\r\n"
)


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    with running_dovecot() as server:
        yield server


@pytest.fixture
def mail(dovecot: Dovecot, tmp_path: Path) -> Iterator[LiveMailService]:
    dovecot.reset_user("jean.martin")
    sink = SmtpSink(SinkState(dovecot), free_port())
    sink.start()
    for n in range(3):
        dovecot.append("jean.martin", "INBOX", LAB.format(domain=DOMAIN, n=n).encode())
    app_paths().ensure()
    liste = LISTE_BLANCHE
    data = liste.read_text(encoding="utf-8").replace(
        "<ListeDomaines>", f"<ListeDomaines><Domaine><Nom>{DOMAIN}</Nom></Domaine>", 1)
    patched = tmp_path / "liste.xml"
    patched.write_text(data, encoding="utf-8")
    import_whitelist(patched, target=default_whitelist_path())
    opener = PasswordSessionOpener(dovecot, "jean.martin", sink.port)
    cache = MailCache.open(opener.address, keystore=MemoryKeyStore(),
                           path=tmp_path / "cache.sqlite3")
    service = LiveMailService(opener, cache=cache)
    try:
        yield service
    finally:
        service.close()
        sink.stop()


def test_folders_messages_and_a_sanitised_message(mail: LiveMailService) -> None:
    folders = {f.name: f for f in mail.folders()}
    assert folders["INBOX"].role == "inbox" and folders["INBOX"].unread == 3
    assert folders["Drafts"].role == "drafts"
    steps: list[tuple[int, int]] = []
    rows = mail.messages("INBOX", progress=lambda d, t: steps.append((d, t)))
    assert [r.subject for r in rows] == ["Résultats TSH"] * 3
    assert all(not r.seen for r in rows)
    view = mail.message("INBOX", rows[0].uid)
    assert "TSH normale" in view.html and "<script" not in view.html
    assert view.remote_content_blocked
    assert "tracker.example" not in view.html
    assert {f.name: f for f in mail.folders()}["INBOX"].unread == 2  # marked read
    assert mail.search("INBOX", "TSH")


def test_send_files_in_sent_and_lists_the_outbox(mail: LiveMailService, tmp_path: Path) -> None:
    report = tmp_path / "cr.pdf"
    report.write_bytes(b"%PDF-1.4\n%%EOF\n")
    subject = f"Avis {uuid.uuid4().hex[:6]}"
    message_id = mail.send(Draft(draft_id="d1", to=(f"claire.dubois@{DOMAIN}",),
                                 subject=subject, body="Bonjour", files=(report,),
                                 receipt=True))
    assert message_id.startswith("<")
    sent = {f.name: f for f in mail.folders()}["Sent"]
    assert sent.total == 1
    assert all(item.state == "submitted" for item in mail.outbox())


def test_refused_recipient_raises_the_policy_error(mail: LiveMailService) -> None:
    with pytest.raises(Exception) as refused:
        mail.send(Draft(draft_id="d2", to=("x@gmail.com",), subject="Non", body="."))
    assert type(refused.value).__name__ == "RecipientRefused"
    assert refused.value.address == "x@gmail.com"  # type: ignore[attr-defined]


def test_drafts_are_replaced_then_deleted(mail: LiveMailService) -> None:
    mail.save_draft(Draft(draft_id="abc", to=("claire.dubois@" + DOMAIN,), subject="v1",
                          body="un"))
    mail.save_draft(Draft(draft_id="abc", to=("claire.dubois@" + DOMAIN,), subject="v2",
                          body="deux"))
    drafts = mail.drafts()
    assert [(d.draft_id, d.subject) for d in drafts] == [("abc", "v2")]
    assert drafts[0].body.strip() == "deux"
    rows = mail.messages("Drafts")
    reopened = mail.draft("Drafts", rows[0].uid)
    assert (reopened.draft_id, reopened.subject) == ("abc", "v2")
    assert reopened.to == ("claire.dubois@" + DOMAIN,)
    mail.delete_draft("abc")
    assert mail.drafts() == []
    mail.save_draft(Draft(draft_id="nobody", subject="Sans destinataire", body="texte"))
    (kept,) = mail.drafts()
    assert (kept.draft_id, kept.to, kept.subject) == ("nobody", (), "Sans destinataire")


# Before the IDLE test: its watcher session may still be logging out when the next test's
# fixture empties the mailbox on disk, which Dovecot then reports as deleted.
def test_a_cached_folder_shows_before_its_sync(mail: LiveMailService, dovecot: Dovecot,
                                               qtbot: QtBot) -> None:
    from ui.mail_view import MailView
    from ui.workers import WorkerPool

    assert mail.cached_messages("INBOX") is None  # never synced: nothing to show yet
    assert len(mail.messages("INBOX")) == 3
    for n in range(3, 5):
        dovecot.append("jean.martin", "INBOX", LAB.format(domain=DOMAIN, n=n).encode())
    pool = WorkerPool()
    view = MailView(pool)
    qtbot.addWidget(view)
    errors: list[str] = []
    view.error.connect(errors.append)
    # The server session is busy (a long sync elsewhere holds it): the cache's rows
    # still show, then the synced ones replace them.
    with mail._lock:
        view.set_mail(mail)
        qtbot.wait_until(lambda: view.model.rowCount() == 3, timeout=20_000)
        assert view.model.lazy and view.current_folder == "INBOX"
        assert view.model.index(0, 2).data() == "Résultats TSH"
    qtbot.wait_until(lambda: view.model.rowCount() == 5 or bool(errors), timeout=30_000)
    assert not errors and view.model.rowCount() == 5
    view.set_mail(None)
    pool.wait_for_done(30_000)


def test_new_mail_is_noticed(mail: LiveMailService, dovecot: Dovecot) -> None:
    noticed: list[bool] = []
    waiter = threading.Thread(target=lambda: noticed.append(mail.wait_for_new_mail(LIVE_TIMEOUT)))
    waiter.start()
    threading.Event().wait(1.5)  # the IDLE session is up
    dovecot.append("jean.martin", "INBOX", LAB.format(domain=DOMAIN, n=99).encode())
    waiter.join(2 * LIVE_TIMEOUT)
    assert noticed == [True]

