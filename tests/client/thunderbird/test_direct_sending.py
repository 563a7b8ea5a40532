"""``thunderbird setup --mode direct --smtp bridge|direct``: the account reads with the card
in both, and sends through the bridge's SMTP (local CA, local password, as the bridge mode)
or directly to the operator; ``--remove`` gives back prefs.js, user.js, logins.json and the
NSS databases of a profile that already had its own accounts and saved login.

Profiles are folders whose NSS databases ``certutil`` made, with a login of the user's
saved before the setup; the CPS module is SoftHSM2's library (the virtual card).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from client.cli import main
from client.thunderbird import nss
from client.thunderbird.prefs import read_prefs
from client.thunderbird.setup import BRIDGE_CERT_NICKNAME, MODULE_NAME
from sandbox.identities import DOCTOR
from tests.helpers.fake_keyring import fake_keyring

OPERATOR_SMTP = "smtp.hopital-sandbox.mssante.fr"
SMTP = "mail.smtpserver.smtp_mssante"


@pytest.fixture()
def folder(profile_dir: Path) -> Path:
    """A profile in use: accounts, a saved login and the NSS databases of its own."""
    nss.ensure_key_database(profile_dir)
    nss.add_login(profile_dir, "smtp://smtp.ailleurs.fr", "moi@ailleurs.fr", "mon-mot")
    return profile_dir


def _nss_listing(folder: Path) -> tuple[str, str]:
    """Certificates with their trust, and security devices, as NSS's tools list them."""
    certificates = subprocess.run(["certutil", "-L", "-d", f"sql:{folder}"], check=True,
                                  capture_output=True, text=True).stdout
    modules = subprocess.run(["modutil", "-list", "-dbdir", f"sql:{folder}"], check=True,
                             capture_output=True, text=True).stdout
    return certificates, modules


def _setup(profile: Path, folder: Path, *more: str) -> tuple[int, str]:
    with fake_keyring() as keyring:
        status = main(["thunderbird", "setup", "--json", "--mode", "direct", "--profile",
                       str(profile), "--profile-dir", str(folder), *more])
        return status, keyring.secrets.get(("mssante-companion", "bridge-password"), "")


def _snapshot(folder: Path) -> tuple[object, ...]:
    return (read_prefs(folder / "prefs.js"), (folder / "user.js").read_text(),
            nss.saved_logins(folder), _nss_listing(folder))


def _restored(folder: Path, before: tuple[object, ...]) -> None:
    assert main(["thunderbird", "setup", "--remove", "--profile-dir", str(folder)]) == 0
    assert _snapshot(folder) == before
    assert not (folder / "mssante-companion.json").exists()


def test_direct_reads_with_the_card_and_sends_through_the_bridge(
    profile_toml: Path, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(folder)
    status, password = _setup(profile_toml, folder, "--smtp-port", "2587")
    assert status == 0 and password
    report = json.loads(capsys.readouterr().out)
    assert (report["mode"], report["smtp"]) == ("direct", "bridge")
    assert any("sending through the bridge (127.0.0.1:2587)" in a for a in report["actions"])
    prefs = read_prefs(folder / "user.js")
    # Reading: the operator's IMAP with the card (TLS certificate, SASL EXTERNAL by CN).
    assert prefs["mail.server.server_mssante.hostname"] == "imap.hopital-sandbox.mssante.fr"
    assert prefs["mail.server.server_mssante.socketType"] == 2
    assert prefs["mail.server.server_mssante.authMethod"] == 7
    assert prefs["mail.server.server_mssante.userName"] == DOCTOR.national_id
    # Sending: the bridge's SMTP, STARTTLS, the local password under the address.
    assert (prefs[f"{SMTP}.hostname"], prefs[f"{SMTP}.port"]) == ("127.0.0.1", 2587)
    assert prefs[f"{SMTP}.try_ssl"] == 2 and prefs[f"{SMTP}.authMethod"] == 3
    assert prefs[f"{SMTP}.username"] == DOCTOR.address
    # The bridge's outbox files the copy in Sent; Thunderbird must not file a second one.
    assert prefs["mail.identity.id_mssante.fcc"] is False
    assert nss.has_module(folder, MODULE_NAME)
    assert nss.has_certificate(folder, BRIDGE_CERT_NICKNAME)
    ours = [e for e in nss.saved_logins(folder) if e["hostname"] == "smtp://127.0.0.1"]
    assert len(ours) == 1 and len(nss.saved_logins(folder)) == 2  # no IMAP login: the card
    assert nss.sdr_decrypt(folder, [ours[0]["encryptedUsername"],
                                    ours[0]["encryptedPassword"]]) == [DOCTOR.address, password]
    _restored(folder, before)


def test_direct_sending_keeps_the_certificate_without_auth(
    profile_toml: Path, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(folder)
    status, _password = _setup(profile_toml, folder, "--smtp", "direct")
    assert status == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["mode"], report["smtp"]) == ("direct", "direct")
    assert any(f"sending directly to {OPERATOR_SMTP}:465" in a
               and "only for an operator that accepts it" in a for a in report["actions"])
    prefs = read_prefs(folder / "user.js")
    assert (prefs[f"{SMTP}.hostname"], prefs[f"{SMTP}.port"]) == (OPERATOR_SMTP, 465)
    assert prefs[f"{SMTP}.try_ssl"] == 3 and prefs[f"{SMTP}.authMethod"] == 7
    assert prefs[f"{SMTP}.username"] == DOCTOR.national_id
    assert prefs["mail.identity.id_mssante.fcc"] is True
    assert not nss.has_certificate(folder, BRIDGE_CERT_NICKNAME)
    assert [e["hostname"] for e in nss.saved_logins(folder)] == ["smtp://smtp.ailleurs.fr"]
    _restored(folder, before)


def test_switching_the_way_of_sending_replaces_the_setup(profile_toml: Path,
                                                         folder: Path) -> None:
    before = _snapshot(folder)
    assert _setup(profile_toml, folder)[0] == 0
    assert _setup(profile_toml, folder, "--smtp", "direct")[0] == 0
    assert not nss.has_certificate(folder, BRIDGE_CERT_NICKNAME)
    assert len(nss.saved_logins(folder)) == 1
    assert _setup(profile_toml, folder, "--smtp", "bridge")[0] == 0
    assert len(nss.saved_logins(folder)) == 2
    _restored(folder, before)


def test_direct_smtp_in_bridge_mode_is_a_usage_error(
    profile_toml: Path, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(folder)
    assert main(["thunderbird", "setup", "--json", "--mode", "bridge", "--smtp", "direct",
                 "--profile", str(profile_toml), "--profile-dir", str(folder)]) == 2
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["kind"] == "usage" and "--smtp direct needs --mode direct" in error["message"]
    assert _snapshot(folder) == before


def test_no_profile_is_a_not_found_case(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "no-such-profile"
    assert main(["thunderbird", "setup", "--json", "--remove", "--profile-dir",
                 str(missing)]) == 3
    error = json.loads(capsys.readouterr().out)["error"]
    assert (error["kind"], error["exit_status"]) == ("not-found", 3)
