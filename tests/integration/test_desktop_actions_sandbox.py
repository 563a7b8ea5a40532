"""Everyday actions end to end: the virtual CPS card signs in to the sandbox operator,
the structured lab result is forwarded from the list with Ctrl+L and reaches a colleague
with its IHE_XDM.ZIP, its PDF and X-MSS-* headers of its own."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sandbox.identities import COLLEAGUE
from sandbox.operator import Sandbox
from sandbox.xdm_sample import sample_xdm_headers
from tests.helpers.timeouts import LIVE_TIMEOUT, LIVE_TIMEOUT_MS
from tests.integration.test_desktop_sandbox import (  # noqa: F401 - fixtures
    _sign_in,
    _wait_for_subject,
    desktop,
    profile_path,
)
from ui.main_window import MainWindow

pytestmark = [pytest.mark.sandbox, pytest.mark.reader, pytest.mark.gui,
              pytest.mark.timeout(10 * LIVE_TIMEOUT)]


def test_forward_the_structured_lab_result_with_its_documents(
    qtbot: QtBot, desktop: MainWindow, sandbox_operator: Sandbox  # noqa: F811
) -> None:
    _sign_in(qtbot, desktop, sandbox_operator.card.pin)
    view = desktop.mail_view
    uid = _wait_for_subject(qtbot, desktop, "XDM/1.0/DDM+")
    view.select_uid(uid)
    qtbot.wait_until(lambda: view.pane.view is not None and view.pane.view.uid == uid,
                     timeout=LIVE_TIMEOUT_MS)
    desktop.activateWindow()
    qtbot.wait_until(lambda: QApplication.activeWindow() is desktop, timeout=LIVE_TIMEOUT_MS)
    desktop.actions_.forward.trigger()  # Ctrl+L
    qtbot.wait_until(lambda: len(desktop.compose_windows) == 1, timeout=LIVE_TIMEOUT_MS)
    (compose,) = desktop.compose_windows
    assert [c.filename for c in compose.carried] == ["IHE_XDM.ZIP", "CR_biologie_TSH.pdf"]
    compose.to.set_addresses([COLLEAGUE.address])
    qtbot.wait_until(lambda: COLLEAGUE.address in compose.to.verdicts, timeout=LIVE_TIMEOUT_MS)
    subject = compose.subject.text()
    assert subject.startswith("Tr: XDM/1.0/DDM+")
    with qtbot.wait_signal(compose.sent, timeout=2 * LIVE_TIMEOUT_MS):
        compose.send()
    delivered = sandbox_operator.wait_for_message(COLLEAGUE, subject, timeout=LIVE_TIMEOUT)
    expected = sample_xdm_headers()
    assert delivered["X-MSS-CODECDA"] == expected["X-MSS-CODECDA"]
    assert delivered["X-MSS-INS"] == expected["X-MSS-INS"]
    names = [p.get_filename() for p in delivered.iter_attachments()]
    assert names == ["IHE_XDM.ZIP", "CR_biologie_TSH.pdf"]
