"""Compose: autocomplete from the directory, trust marking, attachments, send, drafts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from pytestqt.qtbot import QtBot

from tests.helpers.fake_desktop import FakeCard
from ui.compose import ComposeWindow
from ui.main_window import MainWindow


def _compose(window: MainWindow) -> ComposeWindow:
    compose = window.compose()
    assert compose is not None
    return compose


def test_autocomplete_shows_profession_and_organisation(
    qtbot: QtBot, signed_in: MainWindow
) -> None:
    compose = _compose(signed_in)
    field = compose.to
    field.edit.setFocus()
    qtbot.keyClicks(field.edit, "dubois lyon")
    qtbot.wait_until(lambda: field.suggestions.rowCount() == 1, timeout=3000)
    label = field.suggestions.stringList()[0]
    assert label.startswith("Claire DUBOIS — Médecin")
    assert "Clinique Sandbox" in label and "Lyon" in label
    field.choose_suggestion(0)
    assert field.addresses() == ["claire.dubois@clinique-sandbox.mssante.fr"]


def test_a_suggestion_clicked_in_the_popup_is_inserted(
    qtbot: QtBot, signed_in: MainWindow
) -> None:
    field = _compose(signed_in).to
    field.edit.setFocus()
    qtbot.keyClicks(field.edit, "duboisset")
    qtbot.wait_until(lambda: field.suggestions.rowCount() == 1, timeout=3000)
    field.completer.activated.emit(field.suggestions.stringList()[0])  # the popup's click
    assert field.addresses() == ["eloise.duboisset@hopital-sandbox.mssante.fr"]


def test_send_to_a_colleague(qtbot: QtBot, signed_in: MainWindow, fake_card: FakeCard) -> None:
    compose = _compose(signed_in)
    qtbot.keyClicks(compose.to.edit, "claire.dubois@clinique-sandbox.mssante.fr")
    compose.to.check_addresses()
    qtbot.keyClicks(compose.subject, "Avis")
    qtbot.keyClicks(compose.body, "Bonjour")
    compose.receipt.setChecked(True)
    with qtbot.wait_signal(compose.sent, timeout=5000) as sent:
        qtbot.mouseClick(compose.send_button, Qt.MouseButton.LeftButton)
    assert sent.args[0] == "<1@sandbox>"
    mail = fake_card.mailboxes[0]
    assert [(d.to, d.subject, d.receipt) for d in mail.sent] == [
        (("claire.dubois@clinique-sandbox.mssante.fr",), "Avis", True)]
    qtbot.wait_until(lambda: signed_in.outbox.tree.topLevelItemCount() == 1, timeout=5000)
    assert signed_in.outbox.tree.topLevelItem(0).text(0) == "Envoyé"


def test_recipient_outside_the_trust_space_is_marked_and_refused(
    qtbot: QtBot, signed_in: MainWindow, fake_card: FakeCard
) -> None:
    compose = _compose(signed_in)
    qtbot.keyClicks(compose.to.edit, "jean@gmail.com")
    with qtbot.wait_signal(compose.to.verdicts_changed, timeout=3000):
        compose.to.check_addresses()
    assert compose.to.warning.isVisible()
    assert "hors de l'espace de confiance" in compose.to.warning.text()
    assert "gmail.com" in compose.to.warning.text()
    qtbot.keyClicks(compose.subject, "Test")
    compose.send()
    assert "Envoi refusé : jean@gmail.com" in compose.status.text()
    assert fake_card.mailboxes[0].sent == []


def test_refusal_by_the_client_policy_is_shown(
    qtbot: QtBot, signed_in: MainWindow, fake_card: FakeCard
) -> None:
    fake_card.mailboxes[0].refuse.add("claire.dubois@clinique-sandbox.mssante.fr")
    compose = _compose(signed_in)
    compose.to.set_addresses(["claire.dubois@clinique-sandbox.mssante.fr"])
    qtbot.wait_until(lambda: bool(compose.to.verdicts), timeout=3000)
    compose.send()
    qtbot.wait_until(lambda: "refusé" in compose.status.text(), timeout=3000)
    assert "claire.dubois@clinique-sandbox.mssante.fr" in compose.status.text()
    assert compose.send_button.isEnabled()


def test_attachments_by_drop(qtbot: QtBot, signed_in: MainWindow, tmp_path: Path) -> None:
    report = tmp_path / "compte-rendu.pdf"
    report.write_bytes(b"%PDF-1.4\n" * 100)
    compose = _compose(signed_in)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(report)), QUrl.fromLocalFile(str(tmp_path))])
    event = QDropEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    compose.attachments.dropEvent(event)
    assert compose.attachments.paths() == [report]  # the folder was refused
    assert compose.draft().files == (report,)


def test_structured_document_with_ins_validation(
    qtbot: QtBot, signed_in: MainWindow, tmp_path: Path
) -> None:
    cda = tmp_path / "cr-bio.xml"
    cda.write_text("<ClinicalDocument/>", encoding="utf-8")
    compose = _compose(signed_in)
    dialog = compose.open_structured_dialog()
    dialog.set_documents([cda])
    qtbot.keyClicks(dialog.ins, "12345")
    assert "15 chiffres" in dialog.ins_status.text()  # worded by kind (length)
    from PySide6.QtWidgets import QDialogButtonBox

    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.ins.setText("261037512345678")
    qtbot.keyClicks(dialog.family, "DUPONT")
    qtbot.keyClicks(dialog.given, "Marie")
    assert dialog.ins_status.text() == "INS valide."
    # Sex and birth date are never guessed: empty at first, required.
    assert dialog.patient().sex == "" and dialog.patient().birth_date == ""
    assert not ok.isEnabled()
    assert dialog.identity_status.text() == "Indiquez le sexe du patient."
    dialog.sex.setCurrentIndex(dialog.sex.findData("F"))
    assert not ok.isEnabled()
    assert dialog.identity_status.text() == "Indiquez la date de naissance du patient."
    from PySide6.QtCore import QDate

    dialog.birth.setDate(QDate(1961, 3, 14))
    assert dialog.patient().birth_date == "1961-03-14"
    assert ok.isEnabled()
    with qtbot.wait_signal(dialog.packed, timeout=5000) as packed:
        ok.click()
    assert packed.args[0].name == "IHE_XDM.ZIP"
    assert compose.draft().xdm_file == packed.args[0]
    assert "IHE_XDM.ZIP" in compose.structured_label.text()


def test_autosave_keeps_a_draft(qtbot: QtBot, signed_in: MainWindow,
                                fake_card: FakeCard) -> None:
    compose = _compose(signed_in)
    qtbot.keyClicks(compose.subject, "Brouillon")
    with qtbot.wait_signal(compose.draft_saved, timeout=6000):
        pass
    assert [d.subject for d in fake_card.mailboxes[0].drafts_saved.values()] == ["Brouillon"]


def test_closing_an_unsent_message_keeps_a_draft(
    qtbot: QtBot, signed_in: MainWindow, fake_card: FakeCard
) -> None:
    compose = _compose(signed_in)
    qtbot.keyClicks(compose.body, "Texte important")
    compose.close()
    mail = fake_card.mailboxes[0]
    qtbot.wait_until(lambda: bool(mail.drafts_saved), timeout=3000)
    assert [d.body for d in mail.drafts_saved.values()] == ["Texte important"]


def test_reply_addresses_the_sender(qtbot: QtBot, signed_in: MainWindow) -> None:
    view = signed_in.mail_view
    view.select_uid(2)
    qtbot.wait_until(lambda: view.pane.view is not None, timeout=5000)
    signed_in.reply()
    qtbot.wait_until(lambda: len(signed_in.compose_windows) == 1, timeout=5000)
    (compose,) = signed_in.compose_windows
    assert compose.to.addresses() == ["claire.dubois@clinique-sandbox.mssante.fr"]
    assert compose.subject.text() == "Re: Lettre de sortie de Mme DUPONT"
    assert compose.draft().in_reply_to == "<2@sandbox>"
