"""The Thunderbird bridge opened from the desktop's Tools menu, over the app's own card,
PIN dialog and card watcher, against the sandbox operator (virtual card in the virtual
reader). A mail client (imaplib) signs in to the local bridge and reads the INBOX."""

from __future__ import annotations

import imaplib
import ssl
import threading
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from client.bridge import BridgeConfig
from sandbox.identities import DOCTOR
from sandbox.operator import Sandbox
from tests.helpers.timeouts import LIVE_TIMEOUT, LIVE_TIMEOUT_MS
from tests.integration.test_desktop_sandbox import (  # noqa: F401 - fixtures
    _sign_in,
    _type_pin,
    desktop,
    profile_path,
)
from ui.main_window import MainWindow

pytestmark = [pytest.mark.sandbox, pytest.mark.reader, pytest.mark.gui,
              pytest.mark.timeout(10 * LIVE_TIMEOUT)]


def _mail_client(port: int, cafile: str, password: str, out: dict[str, Any]) -> None:
    try:
        context = ssl.create_default_context(cafile=cafile)
        with imaplib.IMAP4("127.0.0.1", port, timeout=2 * LIVE_TIMEOUT) as imap:
            imap.starttls(context)
            imap.login(DOCTOR.address, password)
            status, data = imap.select("INBOX", readonly=True)
            out["select"] = (status, data)
            imap.logout()
    except Exception as exc:  # reported to the test thread
        out["error"] = exc


def test_bridge_from_the_tools_menu_signs_in_with_the_app_card(
    qtbot: QtBot, desktop: MainWindow, sandbox_operator: Sandbox  # noqa: F811 - fixture
) -> None:
    _sign_in(qtbot, desktop, sandbox_operator.card.pin)
    desktop.tools.bridge.config = BridgeConfig(imap_port=0, smtp_port=0)  # free ports
    desktop.bridge_action.trigger()
    panel = desktop.tools.bridge_panel
    assert panel is not None
    with qtbot.wait_signal(panel.running_changed, timeout=LIVE_TIMEOUT_MS):
        panel.switch.setChecked(True)
    assert panel.message_label.text() == "", panel.message_label.text()
    bridge = desktop.tools.controller.bridge
    settings = bridge.settings(show_password=True)
    assert settings["user"] == DOCTOR.address

    out: dict[str, Any] = {}
    client = threading.Thread(target=_mail_client, daemon=True, args=(
        bridge.port("imap"), str(settings["certificate"]), settings["password"], out))
    dialogs: list[Any] = []
    desktop.pin_prompt.dialog_shown.connect(dialogs.append)
    client.start()
    # The bridge's own sign-in may ask the PIN in the app's dialog (or reuse the card's
    # logged-in session): answer it if it comes.
    qtbot.wait_until(lambda: bool(dialogs) or not client.is_alive(), timeout=2 * LIVE_TIMEOUT_MS)
    if dialogs:
        _type_pin(qtbot, dialogs[0], sandbox_operator.card.pin)
    qtbot.wait_until(lambda: not client.is_alive(), timeout=2 * LIVE_TIMEOUT_MS)
    assert "error" not in out, out.get("error")
    assert out["select"][0] == "OK"
    panel.refresh()
    assert "connecté avec la carte CPS" in panel.status_label.text()

    with qtbot.wait_signal(panel.running_changed, timeout=LIVE_TIMEOUT_MS):
        panel.switch.setChecked(False)
    assert desktop.tools.controller.bridge is None
