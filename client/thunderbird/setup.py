"""Provisioning a Thunderbird profile for MSSanté, in two modes, idempotent and reversible.

``bridge``: an IMAP + SMTP account on the companion's local bridge (127.0.0.1, STARTTLS,
normal password). The bridge's local CA is trusted for that profile only
(``certutil -t "C,,"``; :mod:`client.bridge.certificate` says why a CA) and the local
password is saved in the profile's ``logins.json``. The identity does not file copies in
Sent (``fcc``): the companion's outbox does it, as for the app's own messages.

``direct``: Thunderbird's own smartcard support. The CPS PKCS#11 module becomes a
security device of the profile (``modutil``), the IGC-Santé anchors are trusted for TLS
servers (``certutil -t "C,,"``), and the account uses TLS client certificate
authentication (``authMethod = 7``: SASL EXTERNAL after the handshake) on the operator's
servers, with the identity from the card. Thunderbird asks the card PIN itself. Sending
goes, by default, through the bridge's SMTP exactly as in the ``bridge`` mode (local CA,
local password): Thunderbird's SMTP client has no SASL EXTERNAL (its table of methods stops
at PLAIN, LOGIN, CRAM-MD5, XOAUTH2, GSSAPI, NTLM), so with ``authMethod = 7`` it sends
``MAIL FROM`` without AUTH, which MSSanté operators refuse; the bridge signs in to the
operator with the card instead. Sending directly stays possible for an operator that
accepts the TLS certificate without AUTH.

The account's keys (``account_mssante``, ``server_mssante``, ``id_mssante``,
``smtp_mssante``) live in a marked ``user.js`` block; the shared list preferences are
merged into ``prefs.js``; what was added to NSS (certificate nicknames, module, saved
login guids) is recorded in ``mssante-companion.json`` in the profile so that
``--remove`` takes away exactly that. Thunderbird must be closed (it rewrites
``prefs.js`` on exit).
"""

from __future__ import annotations

import json
import logging
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from client.profiles.model import Endpoint
from client.thunderbird import nss
from client.thunderbird.errors import (
    NoThunderbirdProfile,
    NssError,
    NssToolMissing,
    ThunderbirdRunning,
)
from client.thunderbird.prefs import (
    PrefValue,
    read_prefs,
    remove_block,
    update_prefs_js,
    write_block,
)
from client.thunderbird.profiles import is_running

__all__ = [
    "ACCOUNT_KEY",
    "BRIDGE_CERT_NICKNAME",
    "MODULE_NAME",
    "STATE_FILE",
    "BridgeAccount",
    "BridgeSending",
    "DirectAccount",
    "SetupReport",
    "remove_setup",
    "setup_bridge",
    "setup_direct",
]

logger = logging.getLogger(__name__)

ACCOUNT_KEY = "account_mssante"
SERVER_KEY = "server_mssante"
IDENTITY_KEY = "id_mssante"
SMTP_KEY = "smtp_mssante"
BRIDGE_CERT_NICKNAME = "Compagnon MSSante bridge"
MODULE_NAME = "CPS (Cryptolib CPS)"
STATE_FILE = "mssante-companion.json"

# Thunderbird's values (mailnews/base/public/nsMsgSocketType, nsMsgAuthMethod).
_SOCKET = {"starttls": 2, "tls": 3}
_AUTH_PASSWORD = 3  # "normal password"
_AUTH_TLS_CERTIFICATE = 7  # TLS client certificate (SASL EXTERNAL)
_OURS = ("." + ACCOUNT_KEY + ".", "." + SERVER_KEY + ".", "." + IDENTITY_KEY + ".",
         "." + SMTP_KEY + ".")


@dataclass(frozen=True)
class BridgeAccount:
    """A bridge account: the mailbox address and where the bridge listens."""

    address: str
    full_name: str
    imap_port: int
    smtp_port: int
    certificate: Path
    password: str | None = field(default=None, repr=False)
    host: str = "127.0.0.1"


@dataclass(frozen=True)
class BridgeSending:
    """Where the bridge takes a direct account's outgoing mail: its SMTP port, its local
    CA and the local password (None: Thunderbird asks it once)."""

    smtp_port: int
    certificate: Path
    password: str | None = field(default=None, repr=False)
    host: str = "127.0.0.1"


@dataclass(frozen=True)
class DirectAccount:
    """A direct account: the operator's servers, the card's module and the anchors.

    ``send_through``: the bridge that sends for Thunderbird; None sends to the operator's
    SMTP with the card's TLS certificate and no AUTH.
    """

    address: str
    full_name: str
    imap: Endpoint
    smtp: Endpoint
    pkcs11_module: Path
    anchors: tuple[Path, ...] = ()
    #: What the server expects as SASL EXTERNAL authorisation identity (Thunderbird sends
    #: the account's user name): the card certificate's CN by default, not the address.
    user_name: str = ""
    send_through: BridgeSending | None = None


@dataclass
class SetupReport:
    """What was done to the profile; ``smtp``: who sends, ``bridge`` or ``direct``."""

    profile: Path
    mode: str
    actions: list[str] = field(default_factory=list)
    smtp: str = ""

    def to_json(self) -> dict[str, Any]:
        """The ``thunderbird setup --json`` document."""
        document: dict[str, Any] = {"profile": str(self.profile), "mode": self.mode,
                                    "actions": self.actions}
        if self.smtp:
            document["smtp"] = self.smtp
        return document


def _check(profile: Path) -> None:
    if not profile.is_dir():
        raise NoThunderbirdProfile(str(profile))
    if is_running(profile):
        raise ThunderbirdRunning(str(profile))


def _load_state(profile: Path) -> dict[str, Any]:
    try:
        state: dict[str, Any] = json.loads((profile / STATE_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}
    return state


def _save_state(profile: Path, state: dict[str, Any]) -> None:
    (profile / STATE_FILE).write_text(json.dumps(state, indent=2), encoding="utf-8")


def _account_prefs(address: str, full_name: str, *, imap_host: str, imap_port: int,
                   imap_socket: int, smtp_host: str, smtp_port: int, smtp_socket: int,
                   auth_method: int, name: str, fcc: bool, user_name: str = "",
                   smtp_auth_method: int | None = None,
                   smtp_user_name: str = "") -> dict[str, PrefValue]:
    server, identity, smtp = (f"mail.server.{SERVER_KEY}", f"mail.identity.{IDENTITY_KEY}",
                              f"mail.smtpserver.{SMTP_KEY}")
    user_name = user_name or address
    smtp_user_name = smtp_user_name or user_name
    user = urllib.parse.quote(user_name, safe="")
    prefs: dict[str, PrefValue] = {
        f"mail.account.{ACCOUNT_KEY}.server": SERVER_KEY,
        f"mail.account.{ACCOUNT_KEY}.identities": IDENTITY_KEY,
        f"{server}.type": "imap",
        f"{server}.hostname": imap_host,
        f"{server}.port": imap_port,
        f"{server}.socketType": imap_socket,
        f"{server}.authMethod": auth_method,
        f"{server}.userName": user_name,
        f"{server}.name": name,
        # Sign in at start (else the first check waits check_time) and keep offline
        # copies, so messages are in the profile's store (seen with
        # Thunderbird 153 ESR running headless).
        f"{server}.login_at_startup": True,
        f"{server}.check_new_mail": True,
        f"{server}.offline_download": True,
        f"{server}.autosync_offline_stores": True,
        f"{identity}.useremail": address,
        f"{identity}.fullName": full_name,
        f"{identity}.smtpServer": SMTP_KEY,
        f"{identity}.valid": True,
        f"{identity}.fcc": fcc,
        f"{smtp}.hostname": smtp_host,
        f"{smtp}.port": smtp_port,
        f"{smtp}.try_ssl": smtp_socket,
        f"{smtp}.authMethod": auth_method if smtp_auth_method is None else smtp_auth_method,
        f"{smtp}.username": smtp_user_name,
        f"{smtp}.description": name,
    }
    if fcc:
        prefs[f"{identity}.fcc_folder"] = f"imap://{user}@{imap_host}/Sent"
        prefs[f"{identity}.fcc_folder_picker_mode"] = "0"
    return prefs


def _merge_lists(profile: Path) -> list[str]:
    """Add our keys to the shared lists in prefs.js; returns the defaults it created."""
    prefs = read_prefs(profile / "prefs.js")
    accounts = [a for a in str(prefs.get("mail.accountmanager.accounts", "")).split(",") if a]
    servers = [s for s in str(prefs.get("mail.smtpservers", "")).split(",") if s]
    values: dict[str, PrefValue] = {
        "mail.accountmanager.accounts": ",".join(
            accounts + ([ACCOUNT_KEY] if ACCOUNT_KEY not in accounts else [])),
        "mail.smtpservers": ",".join(servers + ([SMTP_KEY] if SMTP_KEY not in servers else [])),
    }
    # Lists that did not exist go away with us (prefs.js as it was, not an empty list).
    created = [key for key in ("mail.accountmanager.accounts", "mail.smtpservers")
               if key not in prefs]
    if not prefs.get("mail.accountmanager.defaultaccount"):
        values["mail.accountmanager.defaultaccount"] = ACCOUNT_KEY
        created.append("mail.accountmanager.defaultaccount")
    if not prefs.get("mail.smtp.defaultserver"):
        values["mail.smtp.defaultserver"] = SMTP_KEY
        created.append("mail.smtp.defaultserver")
    update_prefs_js(profile / "prefs.js", set_values=values)
    return created


def _send_through_bridge(profile: Path, bridge: BridgeSending, address: str,
                         schemes: tuple[str, ...], state: dict[str, Any],
                         report: SetupReport) -> dict[str, Any]:
    """Trust the bridge's local CA, save its password for ``schemes`` (``imap``,
    ``smtp``) and return the SMTP arguments of :func:`_account_prefs` for the bridge."""
    nss.add_certificate(profile, BRIDGE_CERT_NICKNAME, bridge.certificate, "C,,")
    state["certificates"].append(BRIDGE_CERT_NICKNAME)
    _save_state(profile, state)
    report.actions.append(f"trusted the bridge certificate ({BRIDGE_CERT_NICKNAME})")
    if bridge.password is not None:
        try:
            for scheme in schemes:
                guid = nss.add_login(profile, f"{scheme}://{bridge.host}", address,
                                     bridge.password)
                state["logins"].append(guid)
        except (NssError, NssToolMissing) as exc:
            # Not fatal: Thunderbird asks the password once and offers to remember it.
            logger.warning("bridge password not saved in the profile: %s", exc)
            report.actions.append("password not saved (type the bridge password in "
                                  f"Thunderbird once): {exc}")
        else:
            report.actions.append("saved the bridge password for "
                                  + " and ".join(scheme.upper() for scheme in schemes))
        _save_state(profile, state)
    return {"smtp_host": bridge.host, "smtp_port": bridge.smtp_port,
            "smtp_socket": _SOCKET["starttls"], "smtp_auth_method": _AUTH_PASSWORD,
            "smtp_user_name": address}


def setup_bridge(profile: Path, account: BridgeAccount) -> SetupReport:
    """Provision a bridge account in ``profile`` (replacing a previous setup).

    Raises:
        NoThunderbirdProfile, ThunderbirdRunning, NssToolMissing, NssError.
    """
    _check(profile)
    report = SetupReport(profile, "bridge", smtp="bridge")
    if _load_state(profile):
        report.actions.extend(remove_setup(profile).actions)
    state: dict[str, Any] = {"mode": "bridge", "certificates": [], "logins": [],
                             "modules": [], "global_prefs": []}
    sending = BridgeSending(account.smtp_port, account.certificate, account.password,
                            account.host)
    smtp = _send_through_bridge(profile, sending, account.address, ("imap", "smtp"), state,
                                report)
    prefs = _account_prefs(
        account.address, account.full_name, imap_host=account.host,
        imap_port=account.imap_port, imap_socket=_SOCKET["starttls"],
        auth_method=_AUTH_PASSWORD, name=f"MSSante {account.address} (bridge)", fcc=False,
        **smtp)
    write_block(profile / "user.js", prefs)
    state["prefs_js_created"] = not (profile / "prefs.js").exists()
    state["created_prefs"] = _merge_lists(profile)
    _save_state(profile, state)
    report.actions.append(f"account {account.address} on the bridge "
                          f"({account.host}:{account.imap_port}/{account.smtp_port})")
    logger.info("Thunderbird profile %s provisioned for the bridge", profile)
    return report


def _anchor_nickname(pem: Path) -> str:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    certificate = x509.load_pem_x509_certificate(pem.read_bytes())
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else pem.stem


def setup_direct(profile: Path, account: DirectAccount) -> SetupReport:
    """Provision a direct account (Thunderbird's smartcard support) in ``profile``.

    Raises:
        NoThunderbirdProfile, ThunderbirdRunning, NssToolMissing, NssError.
    """
    _check(profile)
    bridge = account.send_through
    report = SetupReport(profile, "direct", smtp="bridge" if bridge else "direct")
    if _load_state(profile):
        report.actions.extend(remove_setup(profile).actions)
    state: dict[str, Any] = {"mode": "direct", "certificates": [], "logins": [],
                             "modules": [], "global_prefs": []}
    nss.add_module(profile, MODULE_NAME, account.pkcs11_module)
    state["modules"].append(MODULE_NAME)
    _save_state(profile, state)
    report.actions.append(f"security device {MODULE_NAME}: {account.pkcs11_module}")
    for anchor in account.anchors:
        nickname = _anchor_nickname(anchor)
        nss.add_certificate(profile, nickname, anchor, "C,,")
        state["certificates"].append(nickname)
        _save_state(profile, state)
        report.actions.append(f"trusted {nickname} for servers")
    name = f"MSSante {account.address}"
    if bridge is not None:
        smtp = _send_through_bridge(profile, bridge, account.address, ("smtp",), state,
                                    report)
        # The bridge's outbox files the copy in Sent, as for the bridge mode.
        prefs = _account_prefs(
            account.address, account.full_name, imap_host=account.imap.host,
            imap_port=account.imap.port, imap_socket=_SOCKET[account.imap.security],
            auth_method=_AUTH_TLS_CERTIFICATE, name=name, fcc=False,
            user_name=account.user_name, **smtp)
    else:
        prefs = _account_prefs(
            account.address, account.full_name, imap_host=account.imap.host,
            imap_port=account.imap.port, imap_socket=_SOCKET[account.imap.security],
            smtp_host=account.smtp.host, smtp_port=account.smtp.port,
            smtp_socket=_SOCKET[account.smtp.security], auth_method=_AUTH_TLS_CERTIFICATE,
            name=name, fcc=True, user_name=account.user_name)
    # Thunderbird picks the card's certificate by itself for the TLS handshake.
    prefs["security.default_personal_cert"] = "Select Automatically"
    state["global_prefs"].append("security.default_personal_cert")
    _save_state(profile, state)
    write_block(profile / "user.js", prefs)
    state["prefs_js_created"] = not (profile / "prefs.js").exists()
    state["created_prefs"] = _merge_lists(profile)
    _save_state(profile, state)
    report.actions.append(f"account {account.address} on {account.imap.host}:"
                          f"{account.imap.port} with the CPS card (TLS certificate), user "
                          f"name {account.user_name or account.address}")
    if bridge is not None:
        report.actions.append(f"sending through the bridge ({bridge.host}:"
                              f"{bridge.smtp_port}), which signs in to the operator with "
                              "the card: keep 'mssante-companion bridge' running")
    else:
        # With the TLS certificate method Thunderbird's SMTP client sends no AUTH.
        report.actions.append(f"sending directly to {account.smtp.host}:{account.smtp.port} "
                              "with the card's TLS certificate and no AUTH (Thunderbird has "
                              "no SASL EXTERNAL for SMTP): only for an operator that accepts "
                              "it; otherwise use --smtp bridge")
    return report


def remove_setup(profile: Path) -> SetupReport:
    """Take away what :func:`setup_bridge` / :func:`setup_direct` added (idempotent).

    Raises:
        NoThunderbirdProfile, ThunderbirdRunning, NssToolMissing, NssError.
    """
    _check(profile)
    state = _load_state(profile)
    report = SetupReport(profile, str(state.get("mode", "none")))
    if remove_block(profile / "user.js"):
        report.actions.append("removed the account preferences from user.js")
    prefs = read_prefs(profile / "prefs.js")
    if prefs:
        accounts = [a for a in str(prefs.get("mail.accountmanager.accounts", "")).split(",")
                    if a and a != ACCOUNT_KEY]
        servers = [s for s in str(prefs.get("mail.smtpservers", "")).split(",")
                   if s and s != SMTP_KEY]
        values: dict[str, PrefValue] = {"mail.accountmanager.accounts": ",".join(accounts),
                                         "mail.smtpservers": ",".join(servers)}
        drop_keys: set[str] = {"mail.accountmanager.defaultaccount", "mail.smtp.defaultserver",
                               *state.get("global_prefs", [])}
        created = set(state.get("created_prefs", []))
        # A default we created goes away with us; one we did not create but that now
        # names our account (the user chose it) falls back to the first remaining.
        if prefs.get("mail.accountmanager.defaultaccount") == ACCOUNT_KEY and accounts and (
                "mail.accountmanager.defaultaccount" not in created):
            values["mail.accountmanager.defaultaccount"] = accounts[0]
        if prefs.get("mail.smtp.defaultserver") == SMTP_KEY and servers and (
                "mail.smtp.defaultserver" not in created):
            values["mail.smtp.defaultserver"] = servers[0]

        for key in ("mail.accountmanager.accounts", "mail.smtpservers"):
            if key in created and not values[key]:
                del values[key]
                drop_keys.add(key)

        def drop(key: str) -> bool:
            if any(part in key for part in _OURS):
                return True
            if key in ("mail.accountmanager.defaultaccount", "mail.smtp.defaultserver"):
                return prefs.get(key) in (ACCOUNT_KEY, SMTP_KEY)
            return key in drop_keys and key not in values

        update_prefs_js(profile / "prefs.js", set_values=values, drop=drop)
        if state.get("prefs_js_created") and not read_prefs(profile / "prefs.js"):
            (profile / "prefs.js").unlink()
    removed_logins = nss.remove_logins(profile, state.get("logins", []))
    if removed_logins:
        report.actions.append(f"removed {removed_logins} saved password(s)")
    for nickname in state.get("certificates", []):
        if nss.remove_certificate(profile, nickname):
            report.actions.append(f"removed the certificate {nickname}")
    for module in state.get("modules", []):
        if nss.remove_module(profile, module):
            report.actions.append(f"removed the security device {module}")
    (profile / STATE_FILE).unlink(missing_ok=True)
    return report
