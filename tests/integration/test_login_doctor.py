"""``doctor --profile`` operator steps (reachability, TLS and trust, authentication, sign-in)
against the sandbox operator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox.operator import Sandbox
from tests.helpers.timeouts import LIVE_TIMEOUT

pytestmark = [pytest.mark.sandbox, pytest.mark.timeout(8 * LIVE_TIMEOUT)]


def _doctor(sandbox: Sandbox, home: Path, *args: str, stdin: str = "") -> dict[str, dict]:
    env = {**os.environ, **sandbox.card.environment(), "MSSANTE_COMPANION_HOME": str(home),
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    result = subprocess.run(
        [sys.executable, "-m", "client.cli", "doctor", "--json", *args],
        input=stdin, capture_output=True, text=True, env=env, timeout=6 * LIVE_TIMEOUT, check=False,
    )
    document = json.loads(result.stdout)
    return {check["name"]: check for check in document["checks"]}


def test_doctor_checks_the_operator_and_signs_in(sandbox_operator: Sandbox, app_home: Path) -> None:
    checks = _doctor(sandbox_operator, app_home, "--profile", str(sandbox_operator.profile_psc),
                     "--pin-stdin", stdin=sandbox_operator.card.pin + "\n")
    assert checks["operator-reachability"]["status"] == "ok"
    assert checks["operator-tls"]["status"] == "ok"
    assert checks["operator-tls"]["details"]["imap"]["version"] in ("TLSv1.2", "TLSv1.3")
    assert checks["authentication"]["status"] == "ok"
    assert checks["sign-in"]["status"] == "ok"
    assert checks["sign-in"]["details"]["method"] == "psc"


def test_doctor_without_pin_does_not_sign_in(sandbox_operator: Sandbox, app_home: Path) -> None:
    checks = _doctor(sandbox_operator, app_home, "--profile", str(sandbox_operator.profile))
    assert checks["operator-tls"]["status"] == "ok"
    assert checks["sign-in"]["status"] == "skipped"


def test_doctor_reports_an_untrusted_operator(
    sandbox_operator: Sandbox, app_home: Path, tmp_path: Path
) -> None:
    # The same servers, but a profile without the sandbox's authority.
    text = sandbox_operator.profile.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("ca_file")]
    profile = tmp_path / "profile.toml"
    profile.write_text("\n".join(lines) + "\n", encoding="utf-8")
    checks = _doctor(sandbox_operator, app_home, "--profile", str(profile))
    assert checks["operator-reachability"]["status"] == "ok"
    assert checks["operator-tls"]["status"] == "error"
    assert "ca_file" in checks["operator-tls"]["advice"]
