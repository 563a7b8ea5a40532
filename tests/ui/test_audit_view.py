"""The audit view: events newest first, chain state, tampering shown, export."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from client.audit import AuditLog
from ui.audit_view import AuditView


def _seed() -> AuditLog:
    log = AuditLog()
    log.append("sign-in", address="jean.martin@hopital.mssante.fr", method="card-tls")
    log.append("send", message_id="<1@x>", recipients=["claire@clinique.mssante.fr"])
    log.append("card-removed", address="jean.martin@hopital.mssante.fr", where="bridge")
    return log


def test_events_listed_newest_first_with_an_intact_chain(qtbot: QtBot) -> None:
    _seed()
    view = AuditView()
    qtbot.addWidget(view)
    with qtbot.wait_signal(view.loaded, timeout=10_000):
        view.refresh()
    assert view.tree.topLevelItemCount() == 3
    first = view.tree.topLevelItem(0)
    assert first.text(0) == "3" and first.text(2) == "Carte retirée"
    assert "claire@clinique.mssante.fr" in view.tree.topLevelItem(1).text(3)
    assert view.status.text().startswith("Journal intact : 3 événements")


def test_tampering_is_shown(qtbot: QtBot) -> None:
    log = _seed()
    log.path.write_text(log.path.read_text(encoding="utf-8").replace("claire@", "mallory@"),
                        encoding="utf-8")
    view = AuditView()
    qtbot.addWidget(view)
    with qtbot.wait_signal(view.loaded, timeout=10_000) as blocker:
        view.refresh()
    assert blocker.args[0].broken.line == 2
    assert "modifié" in view.status.text() and "ligne 2" in view.status.text()
    assert view.status.property("alert") is True


def test_export_copy_verifies(qtbot: QtBot, tmp_path: Path) -> None:
    log = _seed()
    view = AuditView(log)
    qtbot.addWidget(view)
    target = tmp_path / "copie.jsonl"
    with qtbot.wait_signal(view.exported, timeout=10_000):
        view.export_to(target)
    assert AuditLog(target).verify().last_hash == log.verify().last_hash


def test_security_log_details_are_in_words(qtbot: QtBot, tmp_path: Path) -> None:
    from client.audit import record
    from client.auth import record_sign_in_failed
    from cps.errors import PinEntryCancelled, PinIncorrect, PinLocked

    record_sign_in_failed("jean@hopital.mssante.fr", "card-tls", PinIncorrect(2))
    record_sign_in_failed("jean@hopital.mssante.fr", "card-tls", PinLocked())
    record_sign_in_failed("jean@hopital.mssante.fr", "psc", PinEntryCancelled())
    record_sign_in_failed("jean@hopital.mssante.fr", "card-tls", KeyError("x"))
    record("recipient-refused", address="x@gmail.com", rule="no-trust-list")
    view = AuditView(AuditLog())
    qtbot.addWidget(view)
    with qtbot.wait_signal(view.loaded, timeout=5000):
        view.refresh()
    rows = [(view.tree.topLevelItem(i).text(2), view.tree.topLevelItem(i).text(3))
            for i in range(view.tree.topLevelItemCount())]
    events = [event for event, _ in rows]
    assert {"Code PIN incorrect", "Carte bloquée", "Connexion annulée",
            "Connexion refusée", "Destinataire refusé"} <= set(events)
    text = " ".join(details for _, details in rows)
    assert "Essais restants : 2" in text
    assert "Règle : aucune liste blanche disponible" in text
    assert "Motif : erreur technique" in text
    assert "carte CPS et code PIN" in text and "Pro Santé Connect" in text
    for raw in ("no-trust-list", "PinEntryCancelled", "KeyError", "card-tls", "rule:",
                "error:"):
        assert raw not in text


def test_an_empty_field_is_left_out(qtbot: QtBot) -> None:
    from client.audit import record

    # The card taken out before anyone signed in: no address to show.
    record("card-removed", address="", where="desktop")
    view = AuditView(AuditLog())
    qtbot.addWidget(view)
    with qtbot.wait_signal(view.loaded, timeout=5000):
        view.refresh()
    assert view.tree.topLevelItem(0).text(3) == "Où : application de bureau"
