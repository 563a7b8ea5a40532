"""Bridge setup into a profile the real Thunderbird has already opened: its key database
comes from Thunderbird's own (newer) NSS, and the password must still be saved there."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from client.cli import main
from client.thunderbird import nss
from tests.helpers.fake_keyring import fake_keyring
from tests.helpers.thunderbird import headless_thunderbird

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]


def _opened_by_thunderbird(folder: Path, tmp_path: Path) -> None:
    with headless_thunderbird(folder, tmp_path) as thunderbird:
        deadline = time.monotonic() + 90
        # logins.db: Thunderbird's password manager started and keyed the database.
        while not all((folder / name).exists() for name in ("key4.db", "logins.db")):
            assert time.monotonic() < deadline, "Thunderbird did not create its profile"
            thunderbird.check_alive()
            time.sleep(0.5)
        time.sleep(3)  # let it finish writing its databases
    for name in ("lock", ".parentlock"):
        (folder / name).unlink(missing_ok=True)


def test_bridge_password_saved_into_a_profile_thunderbird_made(
    profile_toml: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "tb"
    folder.mkdir()
    _opened_by_thunderbird(folder, tmp_path)
    with fake_keyring() as keyring:
        assert main(["thunderbird", "setup", "--json", "--profile", str(profile_toml),
                     "--profile-dir", str(folder)]) == 0
        password = keyring.secrets[("mssante-companion", "bridge-password")]
    actions = json.loads(capsys.readouterr().out)["actions"]
    assert "saved the bridge password for IMAP and SMTP" in actions, actions
    logins = nss.saved_logins(folder)
    assert sorted(e["hostname"] for e in logins) == ["imap://127.0.0.1", "smtp://127.0.0.1"]
    assert nss.sdr_decrypt(folder, [logins[0]["encryptedPassword"]]) == [password]
