"""``mssante-companion thunderbird setup`` end to end on profile folders (no Thunderbird
running): bridge and direct modes, JSON output, removal, and the error wording."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from client.cli import main
from client.thunderbird import nss
from client.thunderbird.prefs import read_prefs
from client.thunderbird.setup import BRIDGE_CERT_NICKNAME, MODULE_NAME
from sandbox.card import VirtualCard
from sandbox.identities import DOCTOR
from tests.helpers.fake_keyring import fake_keyring


def test_bridge_mode_json_then_remove(profile_toml: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "tb"
    folder.mkdir()
    with fake_keyring() as keyring:
        assert main(["thunderbird", "setup", "--json", "--profile", str(profile_toml),
                     "--profile-dir", str(folder), "--imap-port", "2143"]) == 0
        password = keyring.secrets[("mssante-companion", "bridge-password")]
    report = json.loads(capsys.readouterr().out)
    assert report["mode"] == "bridge" and report["profile"] == str(folder)
    prefs = read_prefs(folder / "user.js")
    assert prefs["mail.server.server_mssante.port"] == 2143
    assert prefs["mail.smtpserver.smtp_mssante.port"] == 1587
    # The name comes from the card (read without a PIN).
    assert prefs["mail.identity.id_mssante.fullName"] == (
        f"{DOCTOR.given_name} {DOCTOR.family_name}")
    entry = nss.saved_logins(folder)[0]
    assert nss.sdr_decrypt(folder, [entry["encryptedPassword"]]) == [password]
    assert nss.has_certificate(folder, BRIDGE_CERT_NICKNAME)

    assert main(["thunderbird", "setup", "--remove", "--profile-dir", str(folder)]) == 0
    assert "removed" in capsys.readouterr().out
    assert not (folder / "user.js").exists()
    assert not nss.has_certificate(folder, BRIDGE_CERT_NICKNAME)


def test_direct_mode_with_policies(profile_toml: Path, tmp_path: Path,
                                   sandbox_card: VirtualCard,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "tb"
    folder.mkdir()
    policies = tmp_path / "distribution" / "policies.json"
    assert main(["thunderbird", "setup", "--mode", "direct", "--profile", str(profile_toml),
                 "--profile-dir", str(folder), "--policies", str(policies)]) == 0
    out = capsys.readouterr().out
    assert "security device" in out
    assert nss.has_module(folder, MODULE_NAME)
    prefs = read_prefs(folder / "user.js")
    assert prefs["mail.server.server_mssante.hostname"] == "imap.hopital-sandbox.mssante.fr"
    assert prefs["mail.server.server_mssante.authMethod"] == 7
    document = json.loads(policies.read_text())["policies"]
    assert document["SecurityDevices"]["Add"][MODULE_NAME] == str(sandbox_card.module)
    assert len(document["Certificates"]["Install"]) >= 1
    assert main(["thunderbird", "setup", "--remove", "--profile-dir", str(folder)]) == 0
    assert not nss.has_module(folder, MODULE_NAME)


def test_errors_are_worded(tmp_path: Path, profile_toml: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "no-such-profile"
    status = main(["thunderbird", "setup", "--remove", "--profile-dir", str(missing)])
    assert status != 0
    assert "give its folder with --profile-dir" in capsys.readouterr().err
    folder = tmp_path / "tb"
    folder.mkdir()
    (folder / "lock").symlink_to(f"127.0.0.1:+{os.getpid()}")
    status = main(["thunderbird", "setup", "--profile", str(profile_toml),
                   "--profile-dir", str(folder)])
    assert status != 0
    assert "Close Thunderbird" in capsys.readouterr().err
