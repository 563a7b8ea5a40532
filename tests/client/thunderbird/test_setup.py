"""Thunderbird profile files made by the provisioning, checked with NSS's own tools.

Profiles are fresh folders (NSS databases created by ``certutil``); the direct mode
registers SoftHSM2's PKCS#11 library as the card's module (a real PKCS#11 library on
this machine) and the sandbox PKI's root as an anchor.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from client.bridge import load_or_create_certificate
from client.profiles.model import Endpoint
from client.thunderbird import (
    BridgeAccount,
    DirectAccount,
    NoThunderbirdProfile,
    NssError,
    ThunderbirdRunning,
    default_profile,
    find_profiles,
    nss,
    remove_setup,
    setup_bridge,
    setup_direct,
)
from client.thunderbird.policies import remove_policies, write_policies
from client.thunderbird.prefs import BEGIN_MARKER, read_prefs
from client.thunderbird.setup import ACCOUNT_KEY, BRIDGE_CERT_NICKNAME, MODULE_NAME, SMTP_KEY
from sandbox.card import SOFTHSM_MODULE
from sandbox.pki import Pki

ADDRESS = "jean.martin@hopital-sandbox.mssante.fr"
LOCAL = "s3cret-local"  # a test password


def _bridge_account(tmp_path: Path, password: str | None = LOCAL) -> BridgeAccount:
    certificate = load_or_create_certificate(tmp_path / "bridge")
    return BridgeAccount(ADDRESS, "Jean Martin", 1143, 1587, certificate.cert_path, password)


def test_bridge_setup_writes_account_trust_and_password(profile_dir: Path,
                                                        tmp_path: Path) -> None:
    report = setup_bridge(profile_dir, _bridge_account(tmp_path))
    assert report.mode == "bridge" and len(report.actions) == 3
    prefs = read_prefs(profile_dir / "user.js")
    server = "mail.server.server_mssante"
    assert prefs[f"{server}.hostname"] == "127.0.0.1"
    assert prefs[f"{server}.port"] == 1143
    assert prefs[f"{server}.socketType"] == 2 and prefs[f"{server}.authMethod"] == 3
    assert prefs[f"{server}.login_at_startup"] is True
    assert prefs["mail.identity.id_mssante.fcc"] is False
    assert prefs["mail.user.own"] == 1  # the user's own line is kept
    merged = read_prefs(profile_dir / "prefs.js")
    assert merged["mail.accountmanager.accounts"] == f"account1,account2,{ACCOUNT_KEY}"
    assert merged["mail.accountmanager.defaultaccount"] == "account2"
    assert merged["mail.smtpservers"] == f"smtp1,{SMTP_KEY}"
    assert nss.has_certificate(profile_dir, BRIDGE_CERT_NICKNAME)
    logins = nss.saved_logins(profile_dir)
    assert {e["hostname"] for e in logins} == {"imap://127.0.0.1", "smtp://127.0.0.1"}
    for entry in logins:
        user, password = nss.sdr_decrypt(
            profile_dir, [entry["encryptedUsername"], entry["encryptedPassword"]])
        assert (user, password) == (ADDRESS, "s3cret-local")


def test_bridge_setup_is_idempotent_and_reversible(profile_dir: Path, tmp_path: Path) -> None:
    before = (profile_dir / "prefs.js").read_text()
    account = _bridge_account(tmp_path)
    setup_bridge(profile_dir, account)
    setup_bridge(profile_dir, account)
    assert (profile_dir / "user.js").read_text().count(BEGIN_MARKER) == 1
    assert len(nss.saved_logins(profile_dir)) == 2
    merged = read_prefs(profile_dir / "prefs.js")
    assert str(merged["mail.accountmanager.accounts"]).count(ACCOUNT_KEY) == 1

    report = remove_setup(profile_dir)
    assert report.actions
    assert read_prefs(profile_dir / "prefs.js") == read_prefs_from_text(before, tmp_path)
    assert (profile_dir / "user.js").read_text() == 'user_pref("mail.user.own", 1);\n'
    assert nss.saved_logins(profile_dir) == []
    assert not nss.has_certificate(profile_dir, BRIDGE_CERT_NICKNAME)
    assert remove_setup(profile_dir).actions == []  # nothing left to remove


def read_prefs_from_text(text: str, tmp_path: Path) -> dict[str, object]:
    copy = tmp_path / "copy-prefs.js"
    copy.write_text(text)
    return dict(read_prefs(copy))


def test_bridge_setup_without_a_password_leaves_logins_alone(profile_dir: Path,
                                                             tmp_path: Path) -> None:
    report = setup_bridge(profile_dir, _bridge_account(tmp_path, password=None))
    assert nss.saved_logins(profile_dir) == []
    assert not any("password" in action for action in report.actions)


def test_direct_setup_registers_module_anchors_and_certificate_auth(
    profile_dir: Path, sandbox_pki: Pki, tmp_path: Path
) -> None:
    root = sandbox_pki.directory / "root.pem"
    account = DirectAccount(
        ADDRESS, "Jean Martin", Endpoint("imap.hopital-sandbox.mssante.fr", 143, "starttls"),
        Endpoint("smtp.hopital-sandbox.mssante.fr", 465, "tls"), SOFTHSM_MODULE, (root,))
    report = setup_direct(profile_dir, account)
    assert report.mode == "direct"
    assert nss.has_module(profile_dir, MODULE_NAME)
    assert str(SOFTHSM_MODULE) in (profile_dir / "pkcs11.txt").read_text()
    prefs = read_prefs(profile_dir / "user.js")
    assert prefs["mail.server.server_mssante.authMethod"] == 7
    assert prefs["mail.server.server_mssante.socketType"] == 2
    assert prefs["mail.smtpserver.smtp_mssante.try_ssl"] == 3
    assert prefs["mail.smtpserver.smtp_mssante.authMethod"] == 7
    assert prefs["security.default_personal_cert"] == "Select Automatically"
    assert str(prefs["mail.identity.id_mssante.fcc_folder"]).endswith("/Sent")
    state = json.loads((profile_dir / "mssante-companion.json").read_text())
    (anchor,) = state["certificates"]
    assert anchor == "TEST AC RACINE IGC-SANTE ELEMENTAIRE"
    assert nss.has_certificate(profile_dir, anchor)

    # Switching to the bridge mode replaces the direct setup entirely.
    setup_bridge(profile_dir, _bridge_account(tmp_path))
    assert not nss.has_module(profile_dir, MODULE_NAME)
    assert not nss.has_certificate(profile_dir, anchor)
    remove_setup(profile_dir)
    assert "security.default_personal_cert" not in read_prefs(profile_dir / "user.js")


def test_policies_merge_and_removal(tmp_path: Path) -> None:
    path = tmp_path / "distribution" / "policies.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"policies": {"DisableTelemetry": True}}))
    anchor = tmp_path / "root.pem"
    write_policies(path, MODULE_NAME, SOFTHSM_MODULE, [anchor])
    write_policies(path, MODULE_NAME, SOFTHSM_MODULE, [anchor])
    policies = json.loads(path.read_text())["policies"]
    assert policies["DisableTelemetry"] is True
    assert policies["SecurityDevices"]["Add"] == {MODULE_NAME: str(SOFTHSM_MODULE)}
    assert policies["Certificates"]["Install"] == [str(anchor)]
    assert remove_policies(path, MODULE_NAME, [anchor])
    policies = json.loads(path.read_text())["policies"]
    assert policies["SecurityDevices"]["Add"] == {}
    assert policies["Certificates"]["Install"] == []


def test_profiles_ini_install_default_wins(tmp_path: Path) -> None:
    (tmp_path / "aaa.default").mkdir()
    (tmp_path / "bbb.default-release").mkdir()
    (tmp_path / "profiles.ini").write_text(
        "[Profile1]\nName=default\nIsRelative=1\nPath=aaa.default\nDefault=1\n\n"
        "[Profile0]\nName=default-release\nIsRelative=1\nPath=bbb.default-release\n\n"
        "[Install4F96D1932A9F858E]\nDefault=bbb.default-release\nLocked=1\n")
    profiles = find_profiles(tmp_path)
    assert [p.name for p in profiles] == ["default-release", "default"]
    assert default_profile(tmp_path).path == tmp_path / "bbb.default-release"
    with pytest.raises(NoThunderbirdProfile):
        default_profile(tmp_path / "nowhere")


def test_running_thunderbird_is_refused(profile_dir: Path, tmp_path: Path) -> None:
    os.symlink(f"127.0.0.1:+{os.getpid()}", profile_dir / "lock")
    with pytest.raises(ThunderbirdRunning):
        setup_bridge(profile_dir, _bridge_account(tmp_path))
    (profile_dir / "lock").unlink()
    os.symlink("127.0.0.1:+999999999", profile_dir / "lock")  # a stale lock after a crash
    assert setup_bridge(profile_dir, _bridge_account(tmp_path)).actions


def test_primary_password_profile_is_refused_cleanly(profile_dir: Path, tmp_path: Path) -> None:
    # NSS asks the primary password for any change of the profile's trust: the setup
    # stops with NssError (worded by the CLI) before touching the account preferences.
    secret = tmp_path / "primary.txt"
    secret.write_text("primary-password\n")
    subprocess.run(["certutil", "-N", "-d", f"sql:{profile_dir}", "-f", str(secret)],
                   check=True, capture_output=True)
    with pytest.raises(NssError) as info:
        setup_bridge(profile_dir, _bridge_account(tmp_path))
    assert "password" in info.value.reason.lower()
    assert BEGIN_MARKER not in (profile_dir / "user.js").read_text()
    assert nss.saved_logins(profile_dir) == []
