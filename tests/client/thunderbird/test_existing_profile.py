"""Bridge setup into a profile the real Thunderbird has already opened: its key database
comes from Thunderbird's own (newer) NSS, and the password must still be saved there."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from client.cli import main
from client.thunderbird import nss
from sandbox.card import VirtualCard
from sandbox.identities import DOCTOR
from sandbox.pki import Pki
from tests.helpers.fake_keyring import fake_keyring

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]


def _opened_by_thunderbird(folder: Path, home: Path) -> None:
    program = shutil.which("thunderbird")
    assert program, "Debian's thunderbird is needed (sandbox/install-system-packages.sh)"
    env = dict(os.environ, HOME=str(home), MOZ_HEADLESS="1")
    process = subprocess.Popen(  # a fixed program and arguments
        [program, "--headless", "-no-remote", "-profile", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        # logins.db: Thunderbird's password manager started and keyed the database.
        while not all((folder / name).exists() for name in ("key4.db", "logins.db")):
            assert time.monotonic() < deadline, "Thunderbird did not create its profile"
            assert process.poll() is None, "Thunderbird exited early"
            time.sleep(0.5)
        time.sleep(3)  # let it finish writing its databases
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for name in ("lock", ".parentlock"):
        (folder / name).unlink(missing_ok=True)


def test_bridge_password_saved_into_a_profile_thunderbird_made(
    sandbox_card: VirtualCard, sandbox_pki: Pki, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder, home = tmp_path / "tb", tmp_path / "tb-home"
    folder.mkdir()
    home.mkdir()
    _opened_by_thunderbird(folder, home)
    profile = tmp_path / "profile.toml"
    profile.write_text(
        f'[account]\naddress = "{DOCTOR.address}"\n'
        '[imap]\nhost = "imap.hopital-sandbox.mssante.fr"\nport = 143\nsecurity = "starttls"\n'
        '[smtp]\nhost = "smtp.hopital-sandbox.mssante.fr"\nport = 587\nsecurity = "starttls"\n'
        f'[trust]\nca_file = "{sandbox_pki.root_pem}"\n'
        f'[auth]\nmethod = "card-tls"\npkcs11_module = "{sandbox_card.module}"\n',
        encoding="utf-8")
    with fake_keyring() as keyring:
        assert main(["thunderbird", "setup", "--json", "--profile", str(profile),
                     "--profile-dir", str(folder)]) == 0
        password = keyring.secrets[("mssante-companion", "bridge-password")]
    actions = json.loads(capsys.readouterr().out)["actions"]
    assert "saved the bridge password for IMAP and SMTP" in actions, actions
    logins = nss.saved_logins(folder)
    assert sorted(e["hostname"] for e in logins) == ["imap://127.0.0.1", "smtp://127.0.0.1"]
    assert nss.sdr_decrypt(folder, [logins[0]["encryptedPassword"]]) == [password]
