"""The outbox window words every recorded reason in the user's language: the core's
English record never shows; a server's own reply is quoted as it came."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from client.mail import outbox
from client.mail.outbox import OutboxEntry
from ui.i18n import install_language
from ui.outbox_view import OutboxView

RECORDED = {
    outbox.NOT_SENT + "card removed": "Pas encore envoyé",
    outbox.UNREACHABLE + "[Errno 111] Connection refused": "Serveur d'envoi injoignable",
    outbox.CONNECTION_LOST + "Connection unexpectedly closed": "Connexion au serveur",
    outbox.BUSY_ELSEWHERE: "autre fenêtre",
    outbox.TOO_LARGE + "1200000 bytes, server limit 1000000": "trop volumineux",
    outbox.NOT_FILED + "APPEND failed": "la copie dans Envoyés a échoué",
    outbox.RECIPIENTS_REFUSED + "a@b.fr: 550 5.1.1 unknown": "Destinataires refusés par le "
                                                             "serveur : a@b.fr: 550 5.1.1",
    "554 5.7.1 policy rejection": "Refusé par le serveur : 554 5.7.1 policy rejection",
    "something unforeseen": "Échec de l'envoi",
}


def _entry(reason: str) -> OutboxEntry:
    return OutboxEntry("<1@x>", "a@b.fr", ("c@d.fr",), b"", "failed", 1, reason, 0)


@pytest.mark.parametrize("recorded", sorted(RECORDED))
def test_each_recorded_reason_is_worded_in_french(qtbot: QtBot, recorded: str) -> None:
    view = OutboxView()
    qtbot.addWidget(view)
    view.set_items([_entry(recorded)])
    shown = view.tree.topLevelItem(0).text(3)
    assert RECORDED[recorded] in shown
    for english in ("not sent", "cannot reach", "lost", "being sent", "bytes", "copied"):
        assert english not in shown


def test_reasons_in_english_when_chosen(qtbot: QtBot) -> None:
    install_language("en")
    try:
        view = OutboxView()
        qtbot.addWidget(view)
        assert view.reason_text(outbox.UNREACHABLE + "x") == (
            "Sending server unreachable. It will be retried automatically.")
    finally:
        install_language("fr")


def test_no_reason_shows_nothing(qtbot: QtBot) -> None:
    view = OutboxView()
    qtbot.addWidget(view)
    assert view.reason_text("") == ""


def test_an_open_outbox_follows_the_language_switch(qtbot: QtBot) -> None:
    from ui.i18n import retranslate_windows

    view = OutboxView()
    qtbot.addWidget(view)
    view.set_items([_entry(outbox.UNREACHABLE + "x")])
    assert view.summary.text() == "0 en attente, 1 en échec"
    try:
        install_language("en")
        retranslate_windows()
        qtbot.wait_until(lambda: view.tree.topLevelItem(0).text(3).startswith("Sending server"),
                         timeout=5000)
        assert "en échec" not in view.summary.text()
        assert view.tree.headerItem().text(3) == "Reason"
        install_language("fr")
        retranslate_windows()
        qtbot.wait_until(lambda: view.summary.text() == "0 en attente, 1 en échec",
                         timeout=5000)
    finally:
        install_language("fr")
