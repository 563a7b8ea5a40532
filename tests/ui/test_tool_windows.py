"""The Tools menu opens the Thunderbird bridge and the security log; the bridge is built
over the app's card (its PIN dialog, its watcher events)."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from client.audit import AuditLog
from client.bridge import BridgeConfig, BridgePassword, load_or_create_certificate
from cps.atr import CardKind
from cps.watcher import EventType, WatcherEvent
from tests.helpers.fake_bridge_opener import FakeOpenerFactory
from tests.helpers.fake_desktop import FakeCard
from ui.audit_view import AuditView
from ui.backend import Services
from ui.bridge_panel import BridgePanel
from ui.main_window import MainWindow
from ui.tool_windows import BridgeAssembly, BridgeCard, ToolWindows

ADDRESS = "jean.martin@hopital-sandbox.mssante.fr"
PASSWORD = "tools-local-password"  # a test password


class FakeBridgeCard(FakeCard):
    """A fake card that can also sign the bridge in (what ui.live.LiveCard offers)."""

    def __init__(self) -> None:
        super().__init__(inserted=True)
        self.openers = FakeOpenerFactory(ADDRESS)
        self.prompts: list[Any] = []
        self.subscribers: list[Callable[[Any], None]] = []

    @property
    def address(self) -> str:
        return ADDRESS

    def session_opener(self, pin_prompt: Any) -> Any:
        self.prompts.append(pin_prompt)
        return self.openers()

    def subscribe(self, callback: Callable[[Any], None]) -> Callable[[], None]:
        self.subscribers.append(callback)
        return lambda: self.subscribers.remove(callback)


def test_tools_menu_opens_the_bridge_window(qtbot: QtBot) -> None:
    window = MainWindow(Services(card=FakeCard()))
    qtbot.addWidget(window)
    tools_menu = [a.menu() for a in window.menuBar().actions() if a.text() == "&Outils"][0]
    entries = [a.text() for a in tools_menu.actions()]
    assert "Pont &Thunderbird" in entries and "&Journal de sécurité" in entries

    window.bridge_action.trigger()
    panel = window.tools.bridge_panel
    assert isinstance(panel, BridgePanel)
    assert window.tools.bridge_window is not None
    qtbot.waitUntil(window.tools.bridge_window.isVisible)
    assert window.tools.bridge_window.windowTitle() == "Pont Thunderbird"
    assert panel.status_label.text() == "Arrêté"
    # The fake card cannot sign a bridge in: the switch says why and goes back off.
    panel.switch.setChecked(True)
    assert not panel.switch.isChecked()
    assert "aucune connexion par carte CPS" in panel.message_label.text()
    window.bridge_action.trigger()  # opened once, raised afterwards
    assert window.tools.bridge_panel is panel
    window.close()


def test_tools_menu_opens_the_security_log(qtbot: QtBot) -> None:
    log = AuditLog()
    log.append("sign-in", address=ADDRESS, method="card-tls")
    log.append("card-removed", address=ADDRESS, where="app")
    window = MainWindow(Services(card=FakeCard()))
    qtbot.addWidget(window)
    window.tools._audit_log = AuditLog(log.path)  # same file, explicit
    window.audit_action.trigger()
    view = window.tools.audit_view
    assert isinstance(view, AuditView)
    qtbot.waitUntil(lambda: view.tree.topLevelItemCount() == 2, timeout=10_000)
    assert window.tools.audit_window is not None
    assert window.tools.audit_window.windowTitle() == "Journal de sécurité"
    assert view.tree.topLevelItem(0).text(2) == "Carte retirée"
    assert view.status.text().startswith("Journal intact : 2 événements")
    window.close()


def test_bridge_over_the_app_card_follows_its_watcher(qtbot: QtBot, tmp_path: Path) -> None:
    card = FakeBridgeCard()
    assert isinstance(card, BridgeCard)
    prompt = object()
    assembly = BridgeAssembly(
        card, prompt, config=BridgeConfig(imap_port=0, smtp_port=0),
        password=lambda: BridgePassword(PASSWORD, created=False),
        certificate=lambda: load_or_create_certificate(tmp_path / "bridge"))
    parent = QWidget()
    qtbot.addWidget(parent)
    tools = ToolWindows(Services(card=card), _pool(parent), prompt, parent, bridge=assembly)
    panel = tools.open_bridge()
    with qtbot.waitSignal(panel.running_changed):
        panel.switch.setChecked(True)
    assert len(card.subscribers) == 1  # gate.on_event follows the app's watcher
    port = tools.controller.bridge.port("imap")
    assert f"port {port}" in panel.settings_view.toPlainText()
    assert ADDRESS in panel.settings_view.toPlainText()

    # A mail client signs in: the gate asks the card (with the app's PIN dialog) once.
    assembly.gate.opener()
    assembly.gate.opener()
    assert card.prompts == [prompt] and card.openers.calls == 1
    panel.refresh()
    assert "connecté avec la carte CPS" in panel.status_label.text()

    card.subscribers[0](WatcherEvent(EventType.CARD_REMOVED, "reader 0", CardKind.CPS3))
    panel.refresh()
    assert "carte retirée" in panel.status_label.text()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        assert sock.recv(200).startswith(b"* OK")

    tools.shutdown()
    assert tools.controller.bridge is None and card.subscribers == []
    panel.pool.wait_for_done()


def _pool(parent: QWidget) -> Any:
    from ui.workers import WorkerPool

    return WorkerPool(parent)


def test_tools_entries_in_english(qtbot: QtBot) -> None:
    from ui.i18n import install_language

    install_language("en")
    try:
        window = MainWindow(Services(card=FakeCard()))
        qtbot.addWidget(window)
        assert window.bridge_action.text() == "&Thunderbird bridge"
        assert window.audit_action.text() == "&Security log"
        window.bridge_action.trigger()
        assert window.tools.bridge_window is not None
        assert window.tools.bridge_window.windowTitle() == "Thunderbird bridge"
        panel = window.tools.bridge_panel
        assert panel is not None
        panel.switch.setChecked(True)
        assert panel.message_label.text().startswith(
            "The bridge did not start: no CPS card sign-in is set up")
        window.close()
    finally:
        install_language("fr")
