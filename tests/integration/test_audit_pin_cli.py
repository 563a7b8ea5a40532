"""A wrong PIN typed for ``mssante-companion login`` is in the audit trail, the PIN is not."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from client.audit import AuditLog
from client.auth import AuditedPinPrompt
from client.cli._pin import TerminalPinPrompt
from cps.pin import RETRY_INCORRECT, PinRequest
from cps.token import PinState
from sandbox.operator import Sandbox
from tests.helpers.timeouts import LIVE_TIMEOUT

WRONG_PIN = "9753"


def test_the_terminal_prompt_of_a_sign_in_records_a_refused_pin_without_it() -> None:
    """Every card sign-in wraps its prompt (:func:`client.auth.build_authenticator`)."""
    prompt = AuditedPinPrompt(TerminalPinPrompt(from_stdin=True, stdin=io.BytesIO(b"1234\n")),
                              "jean.martin@hopital-sandbox.mssante.fr", "card-tls")
    request = PinRequest.build(holder=None, token_label="CPS3 V3 MARTIN JEAN",
                               state=PinState(count_low=True), retry_reason=RETRY_INCORRECT)
    assert prompt.ask_pin(request) == "1234"
    [entry] = AuditLog().entries()
    assert (entry.event, dict(entry.fields)) == (
        "pin-refused", {"address": "jean.martin@hopital-sandbox.mssante.fr",
                        "method": "card-tls", "attempts_left": request.attempts_left})


@pytest.mark.sandbox
@pytest.mark.timeout(8 * LIVE_TIMEOUT)
def test_cli_login_with_a_wrong_pin_is_audited(sandbox_operator: Sandbox,
                                               app_home: Path) -> None:
    env = {**os.environ, **sandbox_operator.card.environment(),
           "MSSANTE_COMPANION_HOME": str(app_home),
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    env.pop("MSSANTE_COMPANION_PROFILE", None)
    result = subprocess.run(
        [sys.executable, "-m", "client.cli", "login", "--profile",
         str(sandbox_operator.profile), "--pin-stdin"],
        input=WRONG_PIN + "\n", capture_output=True, text=True, env=env, timeout=6 * LIVE_TIMEOUT,
        check=False)
    assert result.returncode != 0
    entries = AuditLog().entries()
    # A wrong PIN is an event of its own (with the tries left), never a generic failure.
    refused = [e for e in entries if e.event == "pin-incorrect"]
    assert len(refused) == 1
    assert "attempts_left" in dict(refused[0].fields)
    assert not [e for e in entries if e.event == "sign-in-failed"]
    for entry in entries:
        assert WRONG_PIN not in [str(v) for v in entry.fields.values()]
    # Reset SoftHSM2's try counter for the other tests sharing the token.
    ok = subprocess.run(
        [sys.executable, "-m", "client.cli", "login", "--profile",
         str(sandbox_operator.profile), "--pin-stdin"],
        input=sandbox_operator.card.pin + "\n", capture_output=True, text=True, env=env,
        timeout=6 * LIVE_TIMEOUT, check=False)
    assert ok.returncode == 0, ok.stderr
