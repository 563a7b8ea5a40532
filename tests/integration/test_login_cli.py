"""``mssante-companion login`` end to end against the sandbox: the user types the PIN once
(here on standard input) and is signed in by each method; failures print one sentence."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox.identities import APPLICATIVE, DOCTOR
from sandbox.operator import Sandbox
from tests.helpers.timeouts import LIVE_TIMEOUT

pytestmark = [pytest.mark.sandbox, pytest.mark.timeout(8 * LIVE_TIMEOUT)]


def _login(
    sandbox: Sandbox, home: Path, *args: str, stdin: str
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **sandbox.card.environment(), "MSSANTE_COMPANION_HOME": str(home),
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    env.pop("MSSANTE_COMPANION_PROFILE", None)
    return subprocess.run(
        [sys.executable, "-m", "client.cli", "login", *args],
        input=stdin, capture_output=True, text=True, env=env, timeout=6 * LIVE_TIMEOUT, check=False,
    )


@pytest.mark.parametrize("which", ["profile", "profile_psc"])
def test_login_with_the_card_json(sandbox_operator: Sandbox, app_home: Path, which: str) -> None:
    profile = getattr(sandbox_operator, which)
    result = _login(sandbox_operator, app_home, "--profile", str(profile), "--pin-stdin",
                    "--json", stdin=sandbox_operator.card.pin + "\n")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["signed_in"] is True
    assert report["address"] == DOCTOR.address
    assert report["national_id"] == DOCTOR.national_id
    assert report["method"] == ("card-tls" if which == "profile" else "psc")


def test_login_text_output(sandbox_operator: Sandbox, app_home: Path) -> None:
    result = _login(sandbox_operator, app_home, "--profile", str(sandbox_operator.profile),
                    "--pin-stdin", stdin=sandbox_operator.card.pin + "\n")
    assert result.returncode == 0, result.stderr
    assert f"Mailbox:   {DOCTOR.address}" in result.stdout
    assert "CPS card" in result.stdout


def test_login_with_certificate_file(sandbox_operator: Sandbox, app_home: Path) -> None:
    password = sandbox_operator.credentials["applicative"].password
    result = _login(sandbox_operator, app_home, "--profile",
                    str(sandbox_operator.profile_certificate), "--password-stdin", "--json",
                    stdin=password + "\n")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["address"], report["method"]) == (APPLICATIVE.address, "certificate")


def test_wrong_pin_is_one_sentence(sandbox_operator: Sandbox, app_home: Path) -> None:
    result = _login(sandbox_operator, app_home, "--profile", str(sandbox_operator.profile),
                    "--pin-stdin", stdin="0000\n")
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [lines[0]] and lines[0].startswith("Error: Incorrect PIN")
    assert result.stdout == ""


def test_missing_profile_says_what_to_do(sandbox_operator: Sandbox, app_home: Path) -> None:
    result = _login(sandbox_operator, app_home, "--pin-stdin", stdin="")
    assert result.returncode != 0
    assert "No operator profile" in result.stderr and "--profile" in result.stderr
