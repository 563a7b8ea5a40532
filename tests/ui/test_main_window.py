"""The main window over fake services: sign-in, mail display, lock and resume."""

from __future__ import annotations

import time

from pytestqt.qtbot import QtBot

from tests.helpers.fake_desktop import OTHER_DOCTOR, FakeCard
from tests.ui.conftest import sign_in, type_pin
from ui.main_window import MainWindow
from ui.session import SessionState


def test_window_is_covered_until_sign_in(qtbot: QtBot, window: MainWindow) -> None:
    assert window.lock_screen.isVisible()
    assert not window.mail_view.isEnabled()
    assert not window.compose_action.isEnabled()


def test_sign_in_shows_holder_then_folders_and_messages(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = sign_in(qtbot, window)
    assert "Jean MARTIN" in dialog.findChild(type(dialog.message), "pinHolder").text()
    qtbot.wait_until(lambda: window.session.state == SessionState.OPEN, timeout=5000)
    assert not window.lock_screen.isVisible()
    qtbot.wait_until(lambda: window.mail_view.model.rowCount() == 3, timeout=5000)
    assert window.mail_view.folders.label_of("INBOX") == "Boîte de réception (2)"
    assert window.mail_view.folders.label_of("Sent") == "Envoyés"
    subjects = {window.mail_view.model.message_at(r).subject for r in range(3)}
    assert "Lettre de sortie de Mme DUPONT" in subjects
    assert "jean.martin@hopital-sandbox.mssante.fr" in window.identity_label.text()


def test_the_pin_dialog_is_not_framed_by_half_covered_lines(qtbot: QtBot,
                                                           window: MainWindow) -> None:
    screen = window.lock_screen
    with qtbot.wait_signal(window.pin_prompt.dialog_shown, timeout=5000) as shown:
        window.start()
    # The dialog names the holder; the lock screen's own lines wait behind it.
    assert not screen.detail.isVisible() and not screen.title.isVisible()
    assert screen.settings_button.isVisible()
    shown.args[0].reject()  # cancelled: the lock screen says so in its own lines
    qtbot.wait_until(screen.detail.isVisible, timeout=5000)
    assert screen.title.isVisible()


def test_selecting_a_message_shows_it(qtbot: QtBot, signed_in: MainWindow) -> None:
    view = signed_in.mail_view
    assert view.select_uid(2)
    qtbot.wait_until(lambda: view.pane.view is not None, timeout=5000)
    assert "Lettre de sortie de Mme DUPONT" in view.pane.body_text()
    assert "Dr Claire DUBOIS" in view.pane.header.text()
    assert not view.pane.remote_bar.isVisible()


def test_reading_an_unread_message_updates_the_counts(
    qtbot: QtBot, signed_in: MainWindow
) -> None:
    view = signed_in.mail_view
    assert view.folders.label_of("INBOX") == "Boîte de réception (2)"
    view.select_uid(1)
    qtbot.wait_until(lambda: view.pane.view is not None, timeout=5000)
    # Read only once shown for a moment (Thunderbird): not at once.
    assert view.folders.label_of("INBOX") == "Boîte de réception (2)"
    qtbot.wait_until(lambda: view.folders.label_of("INBOX") == "Boîte de réception (1)",
                     timeout=5000)
    row = view.model.row_of(1)
    assert view.model.message_at(row).seen


def test_a_draft_opens_in_a_compose_window(qtbot: QtBot, signed_in: MainWindow) -> None:
    view = signed_in.mail_view
    view.folders.select_path("Drafts")
    qtbot.wait_until(lambda: view.model.rowCount() == 1, timeout=5000)
    with qtbot.wait_signal(view.draft_opened, timeout=5000):
        view.table.activated.emit(view.model.index(0, 2))
    (compose,) = signed_in.compose_windows
    assert compose.subject.text() == "Certificat de reprise"
    assert compose.to.addresses() == ["claire.dubois@clinique-sandbox.mssante.fr"]
    assert compose.body.toPlainText() == "Texte du brouillon"


def test_remote_content_is_blocked_with_a_bar(qtbot: QtBot, signed_in: MainWindow) -> None:
    view = signed_in.mail_view
    view.select_uid(1)
    qtbot.wait_until(lambda: view.pane.view is not None, timeout=5000)
    assert view.pane.remote_bar.isVisible()
    assert view.pane.attachment_row.isVisible()
    assert view.pane.attachments.item(0).text().startswith("Résultats TSH.pdf")
    with qtbot.wait_signal(view.message_shown, timeout=5000) as shown:
        view.pane.remote_bar.button.click()
    assert shown.args[0].remote_content_blocked is False
    assert not view.pane.remote_bar.isVisible()


def test_structured_document_banner_and_hidden_prefix(
    qtbot: QtBot, signed_in: MainWindow
) -> None:
    view = signed_in.mail_view
    row = view.model.row_of(3)
    assert view.model.index(row, 2).data() == "CR-BIO DUPONT Marie 19610312"
    view.select_uid(3)
    qtbot.wait_until(lambda: view.pane.view is not None, timeout=5000)
    assert view.pane.structured_banner.isVisible()
    assert "Document structuré pour DUPONT Marie" in view.pane.structured_banner.label.text()


def test_wrong_pin_then_right_pin(qtbot: QtBot, window: MainWindow, fake_card: FakeCard) -> None:
    sign_in(qtbot, window, pin="0000")
    with qtbot.wait_signal(window.pin_prompt.dialog_shown, timeout=5000) as shown:
        pass
    dialog = shown.args[0]
    assert "Code PIN incorrect" in dialog.message.text()
    assert "Il reste 2 essai" in dialog.message.text()
    type_pin(qtbot, dialog, "1234")
    qtbot.wait_until(lambda: window.session.state == SessionState.OPEN, timeout=5000)


def test_cancelled_pin_offers_a_retry(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.wait_signal(window.pin_prompt.dialog_shown, timeout=5000) as shown:
        window.start()
    shown.args[0].reject()
    qtbot.wait_until(lambda: window.lock_screen.retry_button.isVisible(), timeout=5000)
    assert "aucun code PIN" in window.lock_screen.detail.text()
    with qtbot.wait_signal(window.pin_prompt.dialog_shown, timeout=5000) as shown:
        window.lock_screen.retry_button.click()
    type_pin(qtbot, shown.args[0], "1234")
    qtbot.wait_until(lambda: window.session.state == SessionState.OPEN, timeout=5000)


def test_card_removal_locks_within_one_second(
    qtbot: QtBot, signed_in: MainWindow, fake_card: FakeCard
) -> None:
    mail = signed_in.mail
    assert mail is not None
    started = time.monotonic()
    fake_card.remove()
    qtbot.wait_until(lambda: signed_in.lock_screen.isVisible(), timeout=1000)
    assert time.monotonic() - started < 1.0
    assert signed_in.session.state == SessionState.LOCKED
    assert not signed_in.mail_view.isEnabled()
    assert signed_in.mail is None
    assert signed_in.mail_view.pane.body_text() == ""
    qtbot.wait_until(lambda: mail.closed, timeout=5000)
    assert "Session verrouillée" in signed_in.lock_screen.title.text()


def test_same_card_resumes_where_the_user_was(
    qtbot: QtBot, signed_in: MainWindow, fake_card: FakeCard
) -> None:
    view = signed_in.mail_view
    view.select_uid(2)
    qtbot.wait_until(lambda: view.pane.view is not None, timeout=5000)
    fake_card.remove()
    qtbot.wait_until(lambda: signed_in.session.state == SessionState.LOCKED, timeout=1000)
    with qtbot.wait_signal(signed_in.pin_prompt.dialog_shown, timeout=5000) as shown:
        fake_card.insert()
    with qtbot.wait_signal(signed_in.session.resumed, timeout=5000):
        type_pin(qtbot, shown.args[0], "1234")
    qtbot.wait_until(lambda: view.pane.view is not None and view.pane.view.uid == 2,
                     timeout=5000)
    assert view.current_folder == "INBOX"
    assert not signed_in.lock_screen.isVisible()


def test_draft_is_kept_across_a_lock(
    qtbot: QtBot, signed_in: MainWindow, fake_card: FakeCard
) -> None:
    compose = signed_in.compose()
    assert compose is not None
    qtbot.keyClicks(compose.subject, "Avis cardiologique")
    # QTest types ASCII only; accented text goes in as the input method would put it.
    compose.body.insertPlainText("Chère consœur, je vous adresse M. X.")
    first_mail = fake_card.mailboxes[0]
    fake_card.remove()
    qtbot.wait_until(lambda: first_mail.closed, timeout=5000)
    assert not compose.isVisible()
    saved = list(first_mail.drafts_saved.values())
    assert [d.subject for d in saved] == ["Avis cardiologique"]
    assert saved[0].body == "Chère consœur, je vous adresse M. X."
    with qtbot.wait_signal(signed_in.pin_prompt.dialog_shown, timeout=5000) as shown:
        fake_card.insert()
    with qtbot.wait_signal(signed_in.session.resumed, timeout=5000):
        type_pin(qtbot, shown.args[0], "1234")
    assert compose.isVisible()
    assert compose.body.toPlainText() == "Chère consœur, je vous adresse M. X."


def test_a_different_card_is_a_different_user(
    qtbot: QtBot, signed_in: MainWindow, fake_card: FakeCard
) -> None:
    compose = signed_in.compose()
    assert compose is not None
    qtbot.keyClicks(compose.subject, "Confidentiel")
    fake_card.remove()
    qtbot.wait_until(lambda: signed_in.session.state == SessionState.LOCKED, timeout=1000)
    with qtbot.wait_signal(signed_in.pin_prompt.dialog_shown, timeout=5000) as shown:
        fake_card.insert(OTHER_DOCTOR)
    assert "Lucie BERNARD" in shown.args[0].findChild(
        type(shown.args[0].message), "pinHolder").text()
    with qtbot.wait_signal(signed_in.session.signed_in, timeout=5000):
        type_pin(qtbot, shown.args[0], "1234")
    assert signed_in.compose_windows == [] or not compose.isVisible()
    assert "Lucie BERNARD" in signed_in.identity_label.text()


def test_removal_during_pin_entry_closes_the_dialog(
    qtbot: QtBot, window: MainWindow, fake_card: FakeCard
) -> None:
    with qtbot.wait_signal(window.pin_prompt.dialog_shown, timeout=5000):
        window.start()
    fake_card.remove()
    qtbot.wait_until(lambda: window.pin_prompt.current_dialog is None, timeout=2000)
    qtbot.wait_until(lambda: window.session.state == SessionState.WAITING_CARD, timeout=2000)
    assert window.mail is None


def test_new_mail_notifies(qtbot: QtBot, signed_in: MainWindow, fake_card: FakeCard) -> None:
    fake_card.mailboxes[0].new_mail.set()
    qtbot.wait_until(lambda: signed_in.tray.notified == 1, timeout=5000)


def test_keyboard_shortcuts_exist(signed_in: MainWindow) -> None:
    shortcuts = {a.shortcut().toString() for a in signed_in.actions() if not a.shortcut().isEmpty()}
    for key in ("Ctrl+N", "Ctrl+R", "Ctrl+Shift+R", "Ctrl+F", "Ctrl+L", "Ctrl+Shift+L",
                "Ctrl+P", "Del", "M", "S", "A", "Ctrl+Shift+D", "Alt+1", "Alt+2"):
        assert key in shortcuts


def test_a_locked_card_is_explained(qtbot: QtBot, window: MainWindow,
                                    fake_card: FakeCard) -> None:
    fake_card.attempts_left = 1
    sign_in(qtbot, window, pin="0000")
    with qtbot.wait_signal(window.pin_prompt.dialog_shown, timeout=5000) as shown:
        pass
    dialog = shown.args[0]
    assert dialog.ask.locked
    assert "PUK" in dialog.message.text()
    qtbot.wait_until(lambda: window.lock_screen.retry_button.isVisible(), timeout=5000)
    assert "bloquée" in window.lock_screen.detail.text()


def test_card_removal_is_audited(
    qtbot: QtBot, signed_in: MainWindow, fake_card: FakeCard
) -> None:
    from client.audit import FORBIDDEN_FIELDS, AuditLog

    fake_card.remove()
    qtbot.wait_until(lambda: signed_in.session.state == SessionState.LOCKED, timeout=1000)
    removed = [e for e in AuditLog().entries() if e.event == "card-removed"]
    assert len(removed) == 1
    assert dict(removed[0].fields) == {
        "address": "jean.martin@hopital-sandbox.mssante.fr", "where": "desktop"}
    assert not FORBIDDEN_FIELDS & set(removed[0].fields)
