"""Fixtures of the provisioning tests: an operator profile with the virtual card, and a
Thunderbird profile folder that already holds an account of the user's."""

from __future__ import annotations

from pathlib import Path

import pytest

from client.thunderbird.prefs import update_prefs_js
from sandbox.card import VirtualCard
from sandbox.identities import DOCTOR
from sandbox.pki import Pki


@pytest.fixture()
def profile_toml(tmp_path: Path, sandbox_card: VirtualCard, sandbox_pki: Pki) -> Path:
    """The doctor's operator profile: IMAP 143 STARTTLS, SMTP 465 TLS, the card's module."""
    path = tmp_path / "profile.toml"
    path.write_text(
        f'[account]\naddress = "{DOCTOR.address}"\n'
        '[imap]\nhost = "imap.hopital-sandbox.mssante.fr"\nport = 143\nsecurity = "starttls"\n'
        '[smtp]\nhost = "smtp.hopital-sandbox.mssante.fr"\nport = 465\nsecurity = "tls"\n'
        f'[trust]\nca_file = "{sandbox_pki.directory / "root.pem"}"\n'
        f'[auth]\nmethod = "card-tls"\npkcs11_module = "{sandbox_card.module}"\n',
        encoding="utf-8")
    return path


@pytest.fixture()
def profile_dir(tmp_path: Path) -> Path:
    """A Thunderbird profile folder with the user's own accounts and a user.js line."""
    folder = tmp_path / "abcd.default-release"
    folder.mkdir()
    # An existing account of the user's that must survive setup and removal.
    update_prefs_js(folder / "prefs.js", set_values={
        "mail.accountmanager.accounts": "account1,account2",
        "mail.accountmanager.defaultaccount": "account2",
        "mail.smtpservers": "smtp1",
        "mail.server.server2.hostname": "imap.example.org",
    })
    (folder / "user.js").write_text('user_pref("mail.user.own", 1);\n')
    return folder
