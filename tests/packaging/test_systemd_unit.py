"""The spool's systemd unit: valid for systemd, hardened, secrets as credentials."""

from __future__ import annotations

import subprocess
from pathlib import Path

UNIT = Path(__file__).resolve().parents[2] / "packaging" / "systemd" / \
    "mssante-companion-spool.service"


def _settings() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith(("#", "[")) and "=" in line:
            key, _, value = line.partition("=")
            found.setdefault(key, []).append(value)
    return found


def test_systemd_accepts_the_unit() -> None:
    result = subprocess.run(["systemd-analyze", "verify", str(UNIT)], capture_output=True,
                            text=True, check=False)
    # The only complaint allowed here: the program is not installed on this machine.
    problems = [line for line in result.stderr.splitlines()
                if "/usr/bin/mssante-companion is not executable" not in line]
    assert problems == []


def test_the_unit_is_hardened_and_takes_secrets_as_credentials() -> None:
    settings = _settings()
    (command,) = settings["ExecStart"]
    assert " spool --dir " in command and "password" not in command.lower()
    assert settings["LoadCredential"] == [
        "mssante-p12-password:/etc/mssante-companion/p12-password",
        "mssante-cache-key:/etc/mssante-companion/cache-key"]
    for key, value in {"ProtectSystem": "strict", "NoNewPrivileges": "yes",
                       "ProtectHome": "yes", "PrivateTmp": "yes", "CapabilityBoundingSet": "",
                       "RestrictSUIDSGID": "yes", "KillSignal": "SIGTERM"}.items():
        assert settings[key] == [value], key
    assert settings["User"] == ["mssante-spool"]
