"""Everyday actions from the main window, against a private Dovecot (real IMAP).

The card is the hand-written fake (sign-in with the virtual card is covered by
``tests/integration/test_desktop_sandbox.py``); the mailbox behind the window is the real
``LiveMailService`` over ``client.mail``, and every action is checked on the server
through a separate IMAP session, not only in the widgets.
"""

from __future__ import annotations

import email
import email.policy
import itertools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
from imapclient import IMAPClient
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QDropEvent, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from client.mail.cache import MailCache
from client.mail.keystore import MemoryKeyStore
from sandbox.xdm_sample import build_sample_xdm_zip, sample_xdm_headers
from tests.client.mail._servers import DOMAIN, Dovecot, PasswordSessionOpener, running_dovecot
from tests.helpers.fake_desktop import FakeCard, FakeDirectory, FakeTrust, FakeXdm
from tests.helpers.timeouts import LIVE_TIMEOUT, LIVE_TIMEOUT_MS
from tests.ui.conftest import sign_in
from ui.backend import Services
from ui.live_mail import LiveMailService
from ui.mail_view import MailView
from ui.main_window import MainWindow
from ui.preferences import Preferences
from ui.session import SessionState

pytestmark = [pytest.mark.timeout(8 * LIVE_TIMEOUT)]

USER = "jean.martin"  # the seeded letters' addressee; each test has its own mailbox
CLAIRE = f"claire.dubois@{DOMAIN}"


def _letter(subject: str, *, cc: str = "", structured: bool = False) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Dr Claire Dubois <{CLAIRE}>"
    msg["To"] = f"{USER}@{DOMAIN}"
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = subject
    msg["Date"] = email.utils.format_datetime(email.utils.localtime())
    msg["Message-ID"] = f"<{uuid.uuid4().hex}@clinique>"
    msg.set_content(f"Cher confrère,\n\n{subject}.\n")
    if structured:
        for name, value in sample_xdm_headers().items():
            msg[name] = value
        msg.add_attachment(build_sample_xdm_zip(), maintype="application", subtype="zip",
                           filename="IHE_XDM.ZIP")
        msg.add_attachment(b"%PDF-1.4 rendu", maintype="application", subtype="pdf",
                           filename="CR_biologie_TSH.pdf")
    return msg.as_bytes()


SUBJECTS = ["Compte rendu — Mme Hélène Lefèvre", "Lettre de sortie M. Durand",
            "Avis cardiologique M. Petit"]


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    with running_dovecot() as server:
        yield server


_users = itertools.count(1)


@dataclass
class Server:
    """The private Dovecot and this test's own user (a fresh mailbox per test: the
    previous test's sessions may still be logging out of theirs)."""

    dovecot: Dovecot
    user: str

    def client(self, user: str) -> IMAPClient:
        return self.dovecot.client(self.user)

    def append(self, user: str, folder: str, raw: bytes) -> None:
        self.dovecot.append(self.user, folder, raw)


@pytest.fixture
def server(dovecot: Dovecot) -> Server:
    box = Server(dovecot, f"jean{next(_users)}")
    dovecot.reset_user(box.user)
    for subject in SUBJECTS:
        box.append(USER, "INBOX", _letter(subject, cc=f"Secrétariat <secretariat@{DOMAIN}>"))
    box.append(USER, "INBOX", _letter("XDM/1.0/DDM+CR-BIO DUPONT Marie 19610312",
                                      structured=True))
    return box


@pytest.fixture
def window(qtbot: QtBot, server: Server, tmp_path: Path) -> Iterator[MainWindow]:
    card = FakeCard(inserted=True)
    services: list[LiveMailService] = []

    def live(_holder: object) -> LiveMailService:
        opener = PasswordSessionOpener(server.dovecot, server.user)
        cache = MailCache.open(opener.address, keystore=MemoryKeyStore(),
                               path=tmp_path / f"cache{len(services)}.sqlite3")
        service = LiveMailService(opener, cache=cache)
        services.append(service)
        return service

    card.mail_factory = live  # type: ignore[assignment]
    main = MainWindow(Services(card=card, directory=FakeDirectory(), trust=FakeTrust(),
                               xdm=FakeXdm(), profile_path=tmp_path / "p.toml"), Preferences())
    qtbot.addWidget(main)
    main.show()
    sign_in(qtbot, main)
    qtbot.wait_until(lambda: main.session.state == SessionState.OPEN, timeout=LIVE_TIMEOUT_MS)
    qtbot.wait_until(lambda: main.mail_view.model.rowCount() == 4, timeout=LIVE_TIMEOUT_MS)
    main.mail_view.read_delay_ms = 300
    yield main
    for compose in list(main.compose_windows):
        compose._discarded = True  # nothing to keep after a test
        compose.close()
    main.pool.wait_for_done(LIVE_TIMEOUT_MS)
    main.new_mail.stop()
    main.close()


def _server(dovecot: Server, folder: str) -> dict[str, tuple[int, frozenset[str]]]:
    """Subject -> (uid, flags) of ``folder``, read through a separate IMAP session."""
    imap = dovecot.client(USER)
    try:
        if folder not in {str(f[2]) for f in imap.list_folders()}:
            return {}
        imap.select_folder(folder, readonly=True)
        uids = imap.search(["ALL"])
        data = imap.fetch(uids, ["FLAGS", "BODY.PEEK[HEADER.FIELDS (SUBJECT)]"]) if uids else {}
        found = {}
        for uid, item in data.items():
            header = email.message_from_bytes(item[b"BODY[HEADER.FIELDS (SUBJECT)]"],
                                              policy=email.policy.default)
            flags = frozenset(f.decode() for f in item[b"FLAGS"])
            found[str(header["Subject"])] = (uid, flags)
        return found
    finally:
        imap.logout()


def _raw(dovecot: Server, folder: str) -> list[EmailMessage]:
    imap = dovecot.client(USER)
    try:
        imap.select_folder(folder, readonly=True)
        uids = imap.search(["ALL"])
        data = imap.fetch(uids, ["BODY.PEEK[]"]) if uids else {}
        return [email.message_from_bytes(i[b"BODY[]"], policy=email.policy.default)
                for i in data.values()]  # type: ignore[misc]
    finally:
        imap.logout()


def _select(window: MainWindow, *subjects: str) -> list[int]:
    view = window.mail_view
    view.table.clearSelection()
    uids = []
    for row in range(view.model.rowCount()):
        message = view.model.message_at(row)
        if message is not None and message.subject in subjects:
            uids.append(message.uid)
            view.table.selectionModel().select(
                view.model.index(row, 0),
                view.table.selectionModel().SelectionFlag.Select
                | view.table.selectionModel().SelectionFlag.Rows)
    assert len(uids) == len(subjects)
    return uids


def _key(qtbot: QtBot, window: MainWindow, key: str) -> None:
    """Press ``key`` in the list, as the user would."""
    window.activateWindow()
    qtbot.wait_until(lambda: QApplication.activeWindow() is window, timeout=LIVE_TIMEOUT_MS)
    window.mail_view.table.setFocus()
    QTest.keySequence(window.mail_view.table, QKeySequence(key))


def test_delete_two_messages_then_undo(qtbot: QtBot, window: MainWindow,
                                       server: Server) -> None:
    _select(window, SUBJECTS[0], SUBJECTS[1])
    window.actions_.delete.trigger()
    assert window.mail_view.model.rowCount() == 2  # gone from the list at once
    qtbot.wait_until(lambda: window.undo_bar.isVisible(), timeout=LIVE_TIMEOUT_MS)
    assert "corbeille" in window.undo_bar.label.text()
    assert set(_server(server, "Trash")) == {SUBJECTS[0], SUBJECTS[1]}
    assert SUBJECTS[0] not in _server(server, "INBOX")

    window.undo_bar.button.click()
    qtbot.wait_until(lambda: window.mail_view.model.rowCount() == 4, timeout=LIVE_TIMEOUT_MS)
    assert _server(server, "Trash") == {}
    assert SUBJECTS[0] in _server(server, "INBOX")


def test_delete_key_then_for_good_from_the_trash_and_empty_it(
    qtbot: QtBot, window: MainWindow, server: Server
) -> None:
    _select(window, SUBJECTS[2])
    _key(qtbot, window, "Del")
    qtbot.wait_until(lambda: SUBJECTS[2] in _server(server, "Trash"), timeout=LIVE_TIMEOUT_MS)
    view = window.mail_view
    view.folders.select_path("Trash")
    qtbot.wait_until(lambda: view.model.rowCount() == 1, timeout=LIVE_TIMEOUT_MS)
    _select(window, SUBJECTS[2])
    window.actions_.delete.trigger()
    box = window.actions_.last_dialog
    assert box is not None and box.isVisible()
    box.accept()  # type: ignore[attr-defined]
    qtbot.wait_until(lambda: _server(server, "Trash") == {}, timeout=LIVE_TIMEOUT_MS)

    server.append(USER, "Trash", _letter("Vieux message"))
    window.mail_view.refresh_counts()
    qtbot.wait_until(lambda: (window.mail_view.folder_record("Trash") or
                              window.mail_view.folder_record()).total == 1, timeout=LIVE_TIMEOUT_MS)
    window.actions_.empty_trash.trigger()
    box = window.actions_.folder_actions.last_dialog
    assert box is not None and "1 message" in box.text()  # type: ignore[attr-defined]
    box.accept()  # type: ignore[attr-defined]
    qtbot.wait_until(lambda: _server(server, "Trash") == {}, timeout=LIVE_TIMEOUT_MS)


def test_mark_unread_flag_and_read_after_a_moment(
    qtbot: QtBot, window: MainWindow, server: Server
) -> None:
    view = window.mail_view
    (uid,) = _select(window, SUBJECTS[1])
    qtbot.wait_until(lambda: view.pane.view is not None and view.pane.view.uid == uid,
                     timeout=LIVE_TIMEOUT_MS)
    # Shown for a moment, then read: on the server and in the counts.
    qtbot.wait_until(lambda: "\\Seen" in _server(server, "INBOX")[SUBJECTS[1]][1],
                     timeout=LIVE_TIMEOUT_MS)
    assert view.folders.label_of("INBOX") == "Boîte de réception (3)"
    _key(qtbot, window, "M")
    qtbot.wait_until(lambda: "\\Seen" not in _server(server, "INBOX")[SUBJECTS[1]][1],
                     timeout=LIVE_TIMEOUT_MS)
    assert view.folders.label_of("INBOX") == "Boîte de réception (4)"
    assert not view.model.message_at(view.model.row_of(uid) or 0).seen  # type: ignore[union-attr]
    _key(qtbot, window, "S")
    qtbot.wait_until(lambda: "\\Flagged" in _server(server, "INBOX")[SUBJECTS[1]][1],
                     timeout=LIVE_TIMEOUT_MS)
    window.actions_.flag.trigger()
    qtbot.wait_until(lambda: "\\Flagged" not in _server(server, "INBOX")[SUBJECTS[1]][1],
                     timeout=LIVE_TIMEOUT_MS)


def test_drag_onto_a_folder_moves_and_archive_creates_archives(
    qtbot: QtBot, window: MainWindow, server: Server
) -> None:
    view = window.mail_view
    window.actions_.folder_actions.new_folder.trigger()
    dialog = window.actions_.folder_actions.last_dialog
    dialog.setTextValue("Dossiers patients")  # type: ignore[attr-defined]
    dialog.accept()  # type: ignore[attr-defined]
    qtbot.wait_until(lambda: bool(view.folders.label_of("Dossiers patients")),
                     timeout=LIVE_TIMEOUT_MS)
    view.folders.select_path("INBOX")
    qtbot.wait_until(lambda: view.current_folder == "INBOX" and view.model.rowCount() == 4,
                     timeout=LIVE_TIMEOUT_MS)

    uids = _select(window, SUBJECTS[0])
    mime = view.model.mimeData([view.model.index(view.model.row_of(uids[0]) or 0, 0)])
    target = view.folders._items["Dossiers patients"].index()
    point = view.folders.visualRect(target).center()
    drop = QDropEvent(point.toPointF(), Qt.DropAction.MoveAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    # The drop as the view receives it at the end of a drag (QDrag.exec would block).
    view.folders.dropEvent(drop)
    assert drop.isAccepted()
    qtbot.wait_until(lambda: SUBJECTS[0] in _server(server, "Dossiers patients"),
                     timeout=LIVE_TIMEOUT_MS)
    assert SUBJECTS[0] not in _server(server, "INBOX")
    assert view.model.row_of(uids[0]) is None

    _select(window, SUBJECTS[1])
    _key(qtbot, window, "A")
    qtbot.wait_until(lambda: SUBJECTS[1] in _server(server, "Archives"), timeout=LIVE_TIMEOUT_MS)
    qtbot.wait_until(lambda: bool(view.folders.label_of("Archives")), timeout=LIVE_TIMEOUT_MS)


def _nested_folders(qtbot: QtBot, window: MainWindow, server: Server) -> MailView:
    """"Dossiers patients/2024" made on the server by another client, then listed."""
    imap = server.client(USER)
    imap.create_folder("Dossiers patients")
    imap.create_folder("Dossiers patients/2024")
    imap.logout()
    view = window.mail_view
    view.refresh_folders()
    qtbot.wait_until(lambda: "Dossiers patients/2024" in view.folders.paths(),
                     timeout=LIVE_TIMEOUT_MS)
    return view


def test_move_two_messages_by_the_menu_then_undo(
    qtbot: QtBot, window: MainWindow, server: Server
) -> None:
    view = _nested_folders(qtbot, window, server)
    _select(window, SUBJECTS[0], SUBJECTS[2])
    menu = window.actions_.move_menu
    assert menu.isEnabled()
    menu.aboutToShow.emit()  # what opening "Déplacer vers" does
    entries = {a.data(): a for a in menu.actions()}
    assert "INBOX" not in entries  # not to the folder the messages are in
    assert entries["Dossiers patients/2024"].text().strip() == "2024"  # under its parent
    entries["Dossiers patients/2024"].trigger()
    assert view.model.rowCount() == 2
    qtbot.wait_until(lambda: set(_server(server, "Dossiers patients/2024"))
                     == {SUBJECTS[0], SUBJECTS[2]}, timeout=LIVE_TIMEOUT_MS)
    assert SUBJECTS[0] not in _server(server, "INBOX")
    qtbot.wait_until(lambda: window.undo_bar.isVisible(), timeout=LIVE_TIMEOUT_MS)
    assert window.undo_bar.label.text() == "2 messages déplacés vers « 2024 »."

    window.undo_bar.button.click()
    qtbot.wait_until(lambda: view.model.rowCount() == 4, timeout=LIVE_TIMEOUT_MS)
    # The server's own view, through another session: polled, as its expunge may lag.
    qtbot.wait_until(lambda: _server(server, "Dossiers patients/2024") == {},
                     timeout=LIVE_TIMEOUT_MS)
    assert {SUBJECTS[0], SUBJECTS[2]} <= set(_server(server, "INBOX"))


def test_nested_folders_rename_and_delete(qtbot: QtBot, window: MainWindow,
                                          server: Server) -> None:
    view = _nested_folders(qtbot, window, server)
    child = view.folders._items["Dossiers patients/2024"]
    assert child.parent() is view.folders._items["Dossiers patients"]
    assert child.text() == "2024"

    actions = window.actions_.folder_actions
    actions.show_context_menu("Dossiers patients/2024", QPoint(10, 10)).close()
    actions._target = "Dossiers patients/2024"  # the menu was opened on it
    dialog = actions.ask_rename()
    assert dialog is not None
    dialog.setTextValue("2025")
    dialog.accept()
    qtbot.wait_until(lambda: "Dossiers patients/2025" in view.folders.paths(),
                     timeout=LIVE_TIMEOUT_MS)
    names = _folders(server)
    assert "Dossiers patients/2025" in names and "Dossiers patients/2024" not in names

    actions._target = "Dossiers patients/2025"
    box = actions.ask_delete()
    assert box is not None
    box.accept()
    qtbot.wait_until(lambda: "Dossiers patients/2025" not in _folders(server),
                     timeout=LIVE_TIMEOUT_MS)
    qtbot.wait_until(lambda: "Dossiers patients/2025" not in view.folders.paths(),
                     timeout=LIVE_TIMEOUT_MS)


def _folders(dovecot: Server) -> set[str]:
    imap = dovecot.client(USER)
    try:
        return {str(name) for _flags, _delim, name in imap.list_folders()}
    finally:
        imap.logout()


def test_reply_all_twice_keeps_two_drafts_with_threading(
    qtbot: QtBot, window: MainWindow, server: Server
) -> None:
    view = window.mail_view
    (uid,) = _select(window, SUBJECTS[2])
    qtbot.wait_until(lambda: view.pane.view is not None and view.pane.view.uid == uid,
                     timeout=LIVE_TIMEOUT_MS)
    _key(qtbot, window, "Ctrl+Shift+R")
    qtbot.wait_until(lambda: len(window.compose_windows) == 1, timeout=LIVE_TIMEOUT_MS)
    window.actions_.reply.trigger()
    qtbot.wait_until(lambda: len(window.compose_windows) == 2, timeout=LIVE_TIMEOUT_MS)
    first, second = window.compose_windows
    assert first.draft_id != second.draft_id
    assert f"secretariat@{DOMAIN}" in first.cc.addresses()
    assert second.cc.addresses() == []
    first.body.setPlainText("Première réponse")
    second.body.setPlainText("Seconde réponse")
    first.save_draft()
    second.save_draft()
    qtbot.wait_until(lambda: len(_raw(server, "Drafts")) == 2, timeout=LIVE_TIMEOUT_MS)
    drafts = _raw(server, "Drafts")
    original = next(m for m in _raw(server, "INBOX") if m["Subject"] == SUBJECTS[2])
    for draft in drafts:
        assert draft["In-Reply-To"] == original["Message-ID"]
        assert original["Message-ID"] in draft["References"]
    bodies = sorted(d.get_body(("plain",)).get_content().strip().splitlines()[0]  # type: ignore[union-attr]
                    for d in drafts)
    assert bodies == ["Première réponse", "Seconde réponse"]


def test_forward_a_structured_document_keeps_it_in_the_reopened_draft(
    qtbot: QtBot, window: MainWindow, server: Server
) -> None:
    view = window.mail_view
    (uid,) = _select(window, "XDM/1.0/DDM+CR-BIO DUPONT Marie 19610312")
    qtbot.wait_until(lambda: view.pane.view is not None and view.pane.view.uid == uid,
                     timeout=LIVE_TIMEOUT_MS)
    _key(qtbot, window, "Ctrl+L")
    qtbot.wait_until(lambda: len(window.compose_windows) == 1, timeout=LIVE_TIMEOUT_MS)
    (compose,) = window.compose_windows
    assert [c.filename for c in compose.carried] == ["IHE_XDM.ZIP", "CR_biologie_TSH.pdf"]
    assert compose.carried_list.isVisible()
    compose.to.set_addresses([CLAIRE])
    compose.save_draft()
    qtbot.wait_until(lambda: len(_raw(server, "Drafts")) == 1, timeout=LIVE_TIMEOUT_MS)
    (saved,) = _raw(server, "Drafts")
    assert saved["X-MSS-CODECDA"] == "11502-2" and saved["X-MSS-INS"] == "O"
    assert [p.get_filename() for p in saved.iter_attachments()] == [
        "IHE_XDM.ZIP", "CR_biologie_TSH.pdf"]
    compose._discarded = True  # saved above; reopen it from the server
    compose.close()

    view.folders.select_path("Drafts")
    qtbot.wait_until(lambda: view.current_folder == "Drafts" and view.model.rowCount() == 1,
                     timeout=LIVE_TIMEOUT_MS)
    view.table.activated.emit(view.model.index(0, 2))
    qtbot.wait_until(lambda: len(window.compose_windows) == 1, timeout=LIVE_TIMEOUT_MS)
    (reopened,) = window.compose_windows
    assert [c.filename for c in reopened.carried] == ["IHE_XDM.ZIP", "CR_biologie_TSH.pdf"]

    # "Abandonner" removes it from the server.
    reopened.discard_button.click()
    reopened.discard_box.accept()
    qtbot.wait_until(lambda: _raw(server, "Drafts") == [], timeout=LIVE_TIMEOUT_MS)


def test_delete_in_drafts_discards_the_draft_with_undo(
    qtbot: QtBot, window: MainWindow, server: Server
) -> None:
    compose = window.compose()
    assert compose is not None
    compose.to.set_addresses([CLAIRE])
    compose.subject.setText("Brouillon à jeter")
    compose.body.setPlainText("Finalement non.")
    compose.close()  # a closed, unsent message stays a draft
    qtbot.wait_until(lambda: "Brouillon à jeter" in _server(server, "Drafts"),
                     timeout=LIVE_TIMEOUT_MS)
    view = window.mail_view
    view.folders.select_path("Drafts")
    qtbot.wait_until(lambda: view.current_folder == "Drafts" and view.model.rowCount() == 1,
                     timeout=LIVE_TIMEOUT_MS)
    _select(window, "Brouillon à jeter")
    _key(qtbot, window, "Del")
    assert view.model.rowCount() == 0
    qtbot.wait_until(lambda: "Brouillon à jeter" in _server(server, "Trash"),
                     timeout=LIVE_TIMEOUT_MS)
    assert _server(server, "Drafts") == {}
    assert window.compose_windows == []  # the Delete key opened nothing
    qtbot.wait_until(lambda: window.undo_bar.isVisible(), timeout=LIVE_TIMEOUT_MS)
    window.undo_bar.button.click()
    qtbot.wait_until(lambda: "Brouillon à jeter" in _server(server, "Drafts"),
                     timeout=LIVE_TIMEOUT_MS)
    qtbot.wait_until(lambda: view.model.rowCount() == 1, timeout=LIVE_TIMEOUT_MS)


def test_forward_as_attachment_announces_the_structured_document(
    qtbot: QtBot, window: MainWindow, server: Server
) -> None:
    _select(window, "XDM/1.0/DDM+CR-BIO DUPONT Marie 19610312")
    window.actions_.forward_attached.trigger()
    qtbot.wait_until(lambda: len(window.compose_windows) == 1, timeout=LIVE_TIMEOUT_MS)
    (compose,) = window.compose_windows
    assert compose.forwarded is not None and compose.carried == []
    compose.save_draft()
    qtbot.wait_until(lambda: len(_raw(server, "Drafts")) == 1, timeout=LIVE_TIMEOUT_MS)
    (saved,) = _raw(server, "Drafts")
    assert saved["X-MSS-CODECDA"] == "11502-2"
    assert [p.get_content_type() for p in saved.iter_attachments()] == ["message/rfc822"]


def test_search_is_accent_insensitive_and_says_how_many(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = window.mail_view
    (uid,) = _select(window, SUBJECTS[1])
    qtbot.wait_until(lambda: view.pane.view is not None and view.pane.view.uid == uid,
                     timeout=LIVE_TIMEOUT_MS)
    view.search.setText("lefevre")
    qtbot.wait_until(lambda: view.search_status.isVisible()
                     and view.search_status.text() == "1 message correspond",
                     timeout=LIVE_TIMEOUT_MS)
    assert view.model.message_at(0).subject == SUBJECTS[0]  # type: ignore[union-attr]
    assert view.pane.view is None  # the shown message does not match: the pane clears
    view.search.setText("zzzz introuvable")
    qtbot.wait_until(lambda: view.search_status.text() == "Aucun message ne correspond",
                     timeout=LIVE_TIMEOUT_MS)
    view.search.clear()
    qtbot.wait_until(lambda: not view.search_status.isVisible(), timeout=LIVE_TIMEOUT_MS)
    assert view.model.rowCount() == 4


def test_export_the_shown_message_as_pdf(qtbot: QtBot, window: MainWindow,
                                         tmp_path: Path) -> None:
    view = window.mail_view
    (uid,) = _select(window, SUBJECTS[0])
    qtbot.wait_until(lambda: view.pane.view is not None and view.pane.view.uid == uid,
                     timeout=LIVE_TIMEOUT_MS)
    path = window.actions_.export_shown(tmp_path / "cr.pdf")
    assert path is not None and path.read_bytes().startswith(b"%PDF")
    assert path.stat().st_size > 1000
