"""Direct mode names the user as the server expects (the card certificate's CN, or the
profile's ``[auth] external_user``) for IMAP, and for SMTP when it sends directly;
``--remove`` gives prefs.js back as it was, whether the profile had accounts of its own or
none, whichever way it sends."""

from __future__ import annotations

from pathlib import Path

import pytest

from client.cli import main
from client.thunderbird.prefs import read_prefs
from sandbox.card import VirtualCard
from sandbox.identities import DOCTOR
from sandbox.pki import Pki
from tests.helpers.fake_keyring import fake_keyring


def _profile(tmp_path: Path, card: VirtualCard, pki: Pki, extra: str = "") -> Path:
    path = tmp_path / "profile.toml"
    path.write_text(
        f'[account]\naddress = "{DOCTOR.address}"\n'
        '[imap]\nhost = "imap.hopital-sandbox.mssante.fr"\nport = 143\nsecurity = "starttls"\n'
        '[smtp]\nhost = "smtp.hopital-sandbox.mssante.fr"\nport = 587\nsecurity = "starttls"\n'
        f'[trust]\nca_file = "{pki.root_pem}"\n'
        f'[auth]\nmethod = "card-tls"\npkcs11_module = "{card.module}"\n{extra}',
        encoding="utf-8")
    return path


def _setup(profile: Path, folder: Path, *more: str) -> int:
    with fake_keyring():  # the bridge password, when sending through the bridge
        return main(["thunderbird", "setup", "--mode", "direct", "--profile", str(profile),
                     "--profile-dir", str(folder), *more])


def test_user_name_is_the_certificate_cn(sandbox_card: VirtualCard, sandbox_pki: Pki,
                                        tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "tb"
    folder.mkdir()
    assert _setup(_profile(tmp_path, sandbox_card, sandbox_pki), folder, "--smtp",
                  "direct") == 0
    out = capsys.readouterr().out
    assert f"user name {DOCTOR.national_id}" in out and "no SASL EXTERNAL" in out
    prefs = read_prefs(folder / "user.js")
    assert prefs["mail.server.server_mssante.userName"] == DOCTOR.national_id
    assert prefs["mail.smtpserver.smtp_mssante.username"] == DOCTOR.national_id
    assert prefs["mail.identity.id_mssante.useremail"] == DOCTOR.address
    assert str(prefs["mail.identity.id_mssante.fcc_folder"]).startswith(
        f"imap://{DOCTOR.national_id}@")


def test_user_name_from_the_profile(sandbox_card: VirtualCard, sandbox_pki: Pki,
                                    tmp_path: Path) -> None:
    folder = tmp_path / "tb"
    folder.mkdir()
    profile = _profile(tmp_path, sandbox_card, sandbox_pki, 'external_user = "jmartin"\n')
    assert _setup(profile, folder, "--smtp", "direct") == 0
    prefs = read_prefs(folder / "user.js")
    assert prefs["mail.server.server_mssante.userName"] == "jmartin"
    assert prefs["mail.smtpserver.smtp_mssante.username"] == "jmartin"
    # Through the bridge (the default), SMTP signs in to the bridge with the address.
    assert _setup(profile, folder) == 0
    prefs = read_prefs(folder / "user.js")
    assert prefs["mail.server.server_mssante.userName"] == "jmartin"
    assert prefs["mail.smtpserver.smtp_mssante.username"] == DOCTOR.address


@pytest.mark.parametrize("smtp", ["bridge", "direct"])
@pytest.mark.parametrize("before", [
    None,  # a folder Thunderbird never opened
    'user_pref("mail.accountmanager.accounts", "account1");\n'
    'user_pref("mail.accountmanager.defaultaccount", "account1");\n'
    'user_pref("mail.smtpservers", "smtp1");\n'
    'user_pref("mail.smtp.defaultserver", "smtp1");\n'
    'user_pref("mail.server.server1.hostname", "imap.ailleurs.fr");\n',
    'user_pref("browser.cache.disk.capacity", 1000);\n',  # prefs, but no account yet
])
def test_remove_gives_prefs_js_back(sandbox_card: VirtualCard, sandbox_pki: Pki,
                                    tmp_path: Path, before: str | None, smtp: str) -> None:
    folder = tmp_path / "tb"
    folder.mkdir()
    prefs_js = folder / "prefs.js"
    if before is not None:
        prefs_js.write_text('// Mozilla User Preferences\n\n' + before, encoding="utf-8")
    original = read_prefs(prefs_js) if before is not None else None
    assert _setup(_profile(tmp_path, sandbox_card, sandbox_pki), folder, "--smtp", smtp) == 0
    assert "account_mssante" in str(read_prefs(prefs_js)["mail.accountmanager.accounts"])
    assert main(["thunderbird", "setup", "--remove", "--profile-dir", str(folder)]) == 0
    if original is None:
        assert not prefs_js.exists()
    else:
        assert read_prefs(prefs_js) == original
