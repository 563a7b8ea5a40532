"""A wrong PIN typed in the desktop app's dialog is in the security log, the PIN is not.

The card service asks the PIN again after a wrong one without raising, so the record is
made where the dialog is asked again: here over the sandbox's SoftHSM2 card (SoftHSM2
counts no tries, so the shared token is not locked by this test).
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from client.audit import AuditLog, default_audit_path
from cps.service import CardService
from sandbox.card import VirtualCard
from tests.helpers.timeouts import LIVE_TIMEOUT
from tests.ui.conftest import type_pin
from ui.audit_view import AuditView
from ui.pin_dialog import PinDialog, QtPinPrompt

WRONG_PIN = "9753"


@pytest.mark.timeout(4 * LIVE_TIMEOUT)
def test_a_wrong_pin_in_the_dialog_is_recorded_never_the_pin(
    sandbox_card: VirtualCard, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in sandbox_card.environment().items():
        monkeypatch.setenv(name, value)
    service = CardService.for_module(sandbox_card.module)
    prompt = QtPinPrompt()
    sessions: list[Any] = []
    errors: list[BaseException] = []

    def sign_in() -> None:
        try:
            sessions.append(service.login(prompt))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    worker = threading.Thread(target=sign_in, name="sign-in worker")
    timeout = int(LIVE_TIMEOUT * 1000)
    try:
        with qtbot.wait_signal(prompt.dialog_shown, timeout=timeout) as first:
            worker.start()
        assert AuditLog().entries() == []  # the first ask is no event
        with qtbot.wait_signal(prompt.dialog_shown, timeout=timeout) as again:
            type_pin(qtbot, first.args[0], WRONG_PIN)
        retry: PinDialog = again.args[0]
        assert "Code PIN incorrect" in retry.message.text()
        type_pin(qtbot, retry, sandbox_card.pin)
        qtbot.wait_until(lambda: not worker.is_alive(), timeout=timeout)
        assert errors == []
        assert len(sessions) == 1
    finally:
        service.close()
    [entry] = AuditLog().entries()
    assert entry.event == "pin-refused"
    assert entry.fields["where"] == "desktop"
    raw = default_audit_path().read_text(encoding="utf-8")
    assert WRONG_PIN not in raw
    assert sandbox_card.pin not in [str(v) for v in entry.fields.values()]
    # The security log says it in words.
    view = AuditView()
    qtbot.addWidget(view)
    with qtbot.wait_signal(view.loaded, timeout=timeout):
        view.refresh()
    item = view.tree.topLevelItem(0)
    assert item.text(2) == "Code PIN refusé"
    assert "Où : application de bureau" in item.text(3)
    assert "desktop" not in item.text(3)
