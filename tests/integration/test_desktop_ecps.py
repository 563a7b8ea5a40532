"""The desktop app against the sandbox in production mode (the provider refuses public
clients): e-CPS with no card access on the workstation, CIBA through the real gateway, the
sandbox phone approving, then the mailbox over XOAUTH2; an idle lock resumes without a new
approval. And the CPS card through the same gateway, which exchanges the wallet's code.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from client.paths import app_paths
from client.profiles import load_profile
from sandbox import ecps
from sandbox.identities import DOCTOR
from sandbox.operator import Sandbox
from sandbox.reader import VirtualReader
from tests.helpers.fake_keyring import fake_keyring
from tests.helpers.timeouts import LIVE_TIMEOUT, LIVE_TIMEOUT_MS
from ui.backend import Services
from ui.live import LiveCard, LiveTrust
from ui.live_ecps import LiveEcps
from ui.main_window import MainWindow
from ui.pin_dialog import PinDialog
from ui.preferences import Preferences
from ui.session import SessionState

pytestmark = [pytest.mark.sandbox, pytest.mark.gui, pytest.mark.timeout(10 * LIVE_TIMEOUT)]


@pytest.fixture
def desktop(qtbot: QtBot, sandbox_operator: Sandbox) -> Iterator[MainWindow]:
    sandbox_operator.set_production_psc(True)
    with fake_keyring():
        app_paths().ensure()
        profile = load_profile(Path(sandbox_operator.profile_gateway))
        services = Services(card=None, trust=LiveTrust(), profile_path=profile.source,
                            ecps=LiveEcps(profile))
        window = MainWindow(services, Preferences())
        qtbot.addWidget(window)
        window.show()
        try:
            yield window
        finally:
            window.session.cancel_ecps()
            window.pool.wait_for_done(LIVE_TIMEOUT_MS)
            window.close()
            ecps.set_auto(sandbox_operator.directory, "off")
            sandbox_operator.set_production_psc(False)


def test_e_cps_sign_in_opens_the_mailbox_and_unlocks_without_a_new_approval(
        qtbot: QtBot, desktop: MainWindow, sandbox_operator: Sandbox) -> None:
    desktop.start()
    screen = desktop.lock_screen
    qtbot.wait_until(screen.ecps_form.isVisible, timeout=LIVE_TIMEOUT_MS)
    screen.national_id.setText(DOCTOR.login)
    ecps.set_auto(sandbox_operator.directory, "approve", 0.5)
    qtbot.mouseClick(screen.ecps_button, Qt.MouseButton.LeftButton)
    qtbot.wait_until(lambda: desktop.session.ecps_dialog is not None
                     and desktop.session.ecps_dialog.binding.text().isdigit(),
                     timeout=LIVE_TIMEOUT_MS)
    qtbot.wait_until(lambda: desktop.session.state == SessionState.OPEN, timeout=LIVE_TIMEOUT_MS)
    qtbot.wait_until(lambda: desktop.mail_view.folders.label_of("INBOX") != "",
                     timeout=LIVE_TIMEOUT_MS)
    assert DOCTOR.address in desktop.identity_label.text()
    # Idle lock, then unlock: the PSC session lives, so the phone is not asked again.
    ecps.set_auto(sandbox_operator.directory, "off")
    # Other tests of the session may have left requests pending: only new ones count.
    before = {r["binding_message"] for r in ecps.pending(sandbox_operator.directory)}
    desktop.session.lock()
    assert desktop.session.state == SessionState.LOCKED
    qtbot.mouseClick(screen.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.wait_until(lambda: desktop.session.state == SessionState.OPEN, timeout=LIVE_TIMEOUT_MS)
    after = {r["binding_message"] for r in ecps.pending(sandbox_operator.directory)}
    assert after <= before
    # The national identifier is remembered for this profile.
    assert LiveEcps(load_profile(Path(sandbox_operator.profile_gateway))) \
        .remembered_national_id() == DOCTOR.login


def _gateway_token_answers(sandbox: Sandbox) -> float:
    """Token requests the sandbox's gateway answered with 200 (its Prometheus metrics)."""
    verify = ssl.create_default_context(cafile=str(sandbox.pki.chain_pem))
    text = httpx.get(sandbox.gateway_url + "/metrics", verify=verify, timeout=LIVE_TIMEOUT).text
    for line in text.splitlines():
        if line.startswith('psc_gateway_requests_total{endpoint="/v1/token",status="200"}'):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


@pytest.mark.reader
def test_the_card_signs_in_through_the_gateway(qtbot: QtBot, sandbox_operator: Sandbox,
                                               virtual_reader: VirtualReader) -> None:
    """The card proves the user at the wallet, the gateway (which alone holds the client
    secret) exchanges the code, the mailbox opens with XOAUTH2; the workstation keeps no
    secret of the gateway's. The CPS card is in the virtual reader, as a user's is: the
    app takes an empty reader's word over a PKCS#11 token that stays present."""
    sandbox_operator.set_production_psc(True)
    virtual_reader.insert("cps", 0)
    with fake_keyring():
        paths = app_paths().ensure()
        profile = load_profile(Path(sandbox_operator.profile_gateway))
        services = Services(card=LiveCard(profile, Path(sandbox_operator.card.module)),
                            trust=LiveTrust(), profile_path=profile.source)
        window = MainWindow(services, Preferences())
        qtbot.addWidget(window)
        window.show()
        try:
            before = _gateway_token_answers(sandbox_operator)
            with qtbot.wait_signal(window.pin_prompt.dialog_shown,
                                   timeout=LIVE_TIMEOUT_MS) as shown:
                window.start()
            dialog: PinDialog = shown.args[0]
            qtbot.keyClicks(dialog.pin_edit, sandbox_operator.card.pin)
            qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                             Qt.MouseButton.LeftButton)
            qtbot.wait_until(lambda: window.session.state == SessionState.OPEN,
                             timeout=LIVE_TIMEOUT_MS)
            qtbot.wait_until(lambda: window.mail_view.model.rowCount() > 0,
                             timeout=LIVE_TIMEOUT_MS)
            assert DOCTOR.address in window.identity_label.text()
            assert _gateway_token_answers(sandbox_operator) > before  # the code went through it
            secret = sandbox_operator.gateway_secret_file.read_bytes().strip()
            kept = [f for folder in (paths.config, paths.data, paths.cache, paths.logs)
                    for f in folder.rglob("*") if f.is_file() and secret in f.read_bytes()]
            assert kept == []
        finally:
            window.close()
            sandbox_operator.set_production_psc(False)
            virtual_reader.remove(0)
