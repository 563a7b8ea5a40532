"""The bridge panel over a real bridge (loopback, FAKE upstream opener) and a real
Thunderbird profile setup in a temporary folder."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from client.bridge import (
    Bridge,
    BridgeConfig,
    BridgePassword,
    CardGate,
    load_or_create_certificate,
)
from client.mail.policy import RecipientPolicy
from client.thunderbird import BridgeAccount, setup_bridge
from client.thunderbird.prefs import read_prefs
from tests.helpers.fake_bridge_opener import FakeOpenerFactory
from ui.bridge_panel import BridgeController, BridgePanel

ADDRESS = "jean.martin@hopital-sandbox.mssante.fr"
PASSWORD = "panel-local-password"  # a test password


def test_switch_status_settings_export_and_thunderbird(qtbot: QtBot, tmp_path: Path) -> None:
    certificate = load_or_create_certificate(tmp_path / "bridge")
    profile_dir = tmp_path / "tb"
    profile_dir.mkdir()

    def factory() -> Bridge:
        return Bridge(CardGate(FakeOpenerFactory(ADDRESS), ADDRESS),
                      BridgePassword(PASSWORD, created=False), certificate,
                      policy=RecipientPolicy(None),
                      config=BridgeConfig(imap_port=0, smtp_port=0))

    def setup(settings: dict[str, Any]) -> Any:
        return setup_bridge(profile_dir, BridgeAccount(
            settings["user"], "Jean Martin", settings["imap"]["port"],
            settings["smtp"]["port"], Path(settings["certificate"]), settings["password"]))

    controller = BridgeController(factory, setup)
    panel = BridgePanel(controller, poll_ms=50)
    qtbot.addWidget(panel)
    assert not panel.thunderbird_button.isEnabled()
    with qtbot.waitSignal(panel.running_changed) as started:
        panel.switch.setChecked(True)
    assert started.args == [True]
    port = controller.bridge.port("imap")
    assert f"port {port}" in panel.settings_view.toPlainText()
    assert PASSWORD not in panel.settings_view.toPlainText()  # shown only on request
    qtbot.waitUntil(lambda: "À l'écoute sur 127.0.0.1" in panel.status_label.text())
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        assert sock.recv(200).startswith(b"* OK")
        qtbot.waitUntil(lambda: "1 connexion de logiciel" in panel.status_label.text())
    panel.password_button.click()
    assert PASSWORD in panel.settings_view.toPlainText()

    panel.export_to(tmp_path / "out.pem")
    assert (tmp_path / "out.pem").read_bytes() == certificate.pem

    panel.thunderbird_button.click()
    qtbot.waitUntil(lambda: "Thunderbird est configuré" in panel.message_label.text(),
                    timeout=30_000)
    # Where, and what next, in French: not the command line's English log of actions.
    assert str(profile_dir) in panel.message_label.text()
    assert "trusted" not in panel.message_label.text()
    prefs = read_prefs(profile_dir / "user.js")
    assert prefs["mail.server.server_mssante.port"] == port

    with qtbot.waitSignal(panel.running_changed):
        panel.switch.setChecked(False)
    assert panel.status_label.text() == "Arrêté"
    assert controller.bridge is None
    panel.pool.wait_for_done()


def test_a_bridge_that_cannot_start_says_why(qtbot: QtBot, tmp_path: Path) -> None:
    certificate = load_or_create_certificate(tmp_path / "bridge")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        busy = taken.getsockname()[1]
        controller = BridgeController(lambda: Bridge(
            CardGate(FakeOpenerFactory(ADDRESS), ADDRESS), BridgePassword(PASSWORD, False),
            certificate, policy=RecipientPolicy(None),
            config=BridgeConfig(imap_port=busy, smtp_port=0)))
        panel = BridgePanel(controller)
        qtbot.addWidget(panel)
        panel.switch.setChecked(True)
    assert not panel.switch.isChecked()
    assert str(busy) in panel.message_label.text()
    assert not controller.running


def test_panel_and_copied_settings_in_english(qtbot: QtBot, tmp_path: Path) -> None:
    from ui.bridge_panel import card_state_text, settings_text
    from ui.i18n import install_language

    settings = {"user": ADDRESS, "imap": {"host": "127.0.0.1", "port": 1143},
                "smtp": {"host": "127.0.0.1", "port": 1587}, "certificate": "/c.pem",
                "fingerprint_sha256": "AB:CD", "password": PASSWORD}
    assert "Serveur entrant (IMAP) : 127.0.0.1 port 1143" in settings_text(settings)
    assert card_state_text("ready") == "connecté avec la carte CPS"
    install_language("en")
    try:
        panel = BridgePanel(BridgeController(lambda: None))
        qtbot.addWidget(panel)
        assert panel.status_label.text() == "Stopped"
        assert panel.thunderbird_button.text() == "Set up Thunderbird"
        text = settings_text(settings)
        assert "Incoming (IMAP): 127.0.0.1 port 1143, STARTTLS" in text
        assert f"Password: {PASSWORD}" in text
        assert card_state_text("removed") == "card removed: insert your CPS card"
        assert card_state_text("unknown-state") == "unknown-state"
    finally:
        install_language("fr")


def test_the_last_error_is_worded_in_french(qtbot: QtBot, tmp_path: Path) -> None:
    import imaplib
    import ssl

    certificate = load_or_create_certificate(tmp_path / "bridge")
    opener = FakeOpenerFactory(ADDRESS)  # its operator cannot be reached

    def factory() -> Bridge:
        return Bridge(CardGate(opener, ADDRESS), BridgePassword(PASSWORD, created=False),
                      certificate, policy=RecipientPolicy(None),
                      config=BridgeConfig(imap_port=0, smtp_port=0))

    controller = BridgeController(factory, lambda _settings: None)
    panel = BridgePanel(controller, poll_ms=50)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.running_changed):
        panel.switch.setChecked(True)
    try:
        # Thunderbird signs in while the operator cannot be reached.
        client = imaplib.IMAP4("127.0.0.1", controller.bridge.port("imap"))
        client.starttls(ssl_context=ssl.create_default_context(
            cafile=str(certificate.cert_path)))
        try:
            client.login(ADDRESS, PASSWORD)
        except imaplib.IMAP4.error:
            pass  # NO [UNAVAILABLE]: the operator is down
        client.shutdown()
        qtbot.waitUntil(lambda: "Dernière erreur" in panel.status_label.text(), timeout=10_000)
        text = panel.status_label.text()
        assert "OperatorUnreachable" not in text and "upstream" not in text
        assert "connection refused" not in text
        assert "Les serveurs de l'opérateur sont injoignables" in text
    finally:
        with qtbot.waitSignal(panel.running_changed):
            panel.switch.setChecked(False)
        panel.pool.wait_for_done()
