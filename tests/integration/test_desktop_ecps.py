"""The desktop app signs in with e-CPS against the sandbox in production mode: no card
access on the workstation, CIBA through the real gateway, the sandbox phone approving,
then the mailbox over XOAUTH2; an idle lock resumes without a new approval.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from client.paths import app_paths
from client.profiles import load_profile
from sandbox import ecps
from sandbox.identities import DOCTOR
from sandbox.operator import Sandbox
from tests.helpers.fake_keyring import fake_keyring
from tests.helpers.timeouts import LIVE_TIMEOUT, LIVE_TIMEOUT_MS
from ui.backend import Services
from ui.live import LiveTrust
from ui.live_ecps import LiveEcps
from ui.main_window import MainWindow
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
