"""``mssante-companion thunderbird setup``: provision (or un-provision) a Thunderbird profile.

``--mode bridge`` (default) makes an account on the companion's local bridge; ``--mode
direct`` uses Thunderbird's own smartcard support (the CPS module, the IGC-Santé
anchors, TLS certificate authentication) to read, and sends through the bridge's SMTP
(``--smtp bridge``, the default: Thunderbird has no SASL EXTERNAL for SMTP) or directly
(``--smtp direct``: an operator that accepts the TLS certificate without AUTH).
``--remove`` takes the account away again. Thunderbird must be closed.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from client.bridge import DEFAULT_IMAP_PORT, DEFAULT_SMTP_PORT
from client.cli._common import (
    EXIT_OK,
    EXIT_USAGE,
    command_group,
    describe_errors,
    emit_json,
    option,
    report_usage_error,
)
from client.thunderbird import (
    BridgeAccount,
    BridgeSending,
    DirectAccount,
    NoThunderbirdProfile,
    NssError,
    NssToolMissing,
    SetupReport,
    ThunderbirdError,
    ThunderbirdRunning,
    default_profile,
    remove_setup,
    setup_bridge,
    setup_direct,
)

__all__ = ["register"]

logger = logging.getLogger(__name__)


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``thunderbird`` command group."""
    _, commands = command_group(subparsers, common, "thunderbird",
                                "set up Thunderbird for MSSante")
    setup = commands.add_parser(
        "setup", parents=[common], help="add (or --remove) the MSSante account in a profile",
        description="Add the MSSante account to a Thunderbird profile (Thunderbird closed): "
                    "through the companion's bridge, or directly with the CPS card.")
    setup.add_argument("--profile-dir", type=Path, default=None, metavar="DIR",
                       help="the Thunderbird profile folder (default: the default profile)")
    setup.add_argument("--mode", choices=("bridge", "direct"), default="bridge",
                       help="bridge (default): through 'mssante-companion bridge'; direct: "
                            "Thunderbird uses the CPS card itself")
    setup.add_argument("--smtp", choices=("bridge", "direct"), default=None,
                       help="direct mode: send through the bridge (default; it signs in "
                            "with the card), or directly to the operator with the card's "
                            "TLS certificate and no AUTH (only if the operator accepts it)")
    setup.add_argument("--remove", action="store_true",
                       help="remove what a previous setup added")
    setup.add_argument("--imap-port", type=int, default=DEFAULT_IMAP_PORT, metavar="N",
                       help="the bridge's IMAP port (bridge mode)")
    setup.add_argument("--smtp-port", type=int, default=DEFAULT_SMTP_PORT, metavar="N",
                       help="the bridge's SMTP port (bridge mode, direct mode with "
                            "--smtp bridge)")
    setup.add_argument("--policies", type=Path, default=None, metavar="FILE",
                       help="direct mode: also write the module and anchors to this "
                            "enterprise policies.json (install-wide, admin rights)")
    setup.set_defaults(handler=_setup)


def _card_name(profile: Any) -> str:
    """"Given Family" from the card (read without PIN), or "" when no card is readable."""
    identity = _card_identity(profile)
    return f"{identity.given_name} {identity.family_name}".strip() if identity else ""


def _external_user(profile: Any) -> str:
    """The SASL EXTERNAL user name: the profile's ``[auth] external_user``, else the card
    certificate's CN (what operators name the user from), else "" (the address)."""
    if profile.auth.external_user:
        return str(profile.auth.external_user)
    identity = _card_identity(profile)
    return identity.national_id if identity else ""


def _card_identity(profile: Any) -> Any:
    try:
        from cps.middleware import find_pkcs11_module
        from cps.service import CardService

        service = CardService.for_module(find_pkcs11_module(None, profile.auth.pkcs11_module))
        try:
            identity = service.read_card().identity
        finally:
            service.close()
    except Exception as exc:  # the name is a convenience, the address suffices
        logger.info("card identity not read (%s): using the address", type(exc).__name__)
        return None
    return identity


def _setup(args: argparse.Namespace) -> int:
    if args.mode == "bridge" and args.smtp == "direct":
        report_usage_error("--smtp direct needs --mode direct (the bridge mode always sends "
                           "through the bridge).", ["--json"] if option(args, "json") else [])
        return EXIT_USAGE
    folder: Path = args.profile_dir or default_profile().path
    if args.remove:
        report = remove_setup(folder)
        if args.policies is not None:
            from client.thunderbird.policies import remove_policies
            from client.thunderbird.setup import MODULE_NAME
            from client.trust import shipped_anchor_files

            if remove_policies(args.policies, MODULE_NAME, shipped_anchor_files()):
                report.actions.append(f"removed the companion's entries from {args.policies}")
        return _print(args, report)

    from client.profiles.loader import load_default_profile

    profile = load_default_profile(option(args, "profile"))
    name = _card_name(profile) or profile.address.split("@", 1)[0]
    if args.mode == "bridge":
        report = _setup_bridge(args, folder, profile, name)
    else:
        report = _setup_direct(args, folder, profile, name)
    return _print(args, report)


def _bridge_secrets() -> tuple[Path, str | None, str]:
    """The bridge's local CA file, its password (None without a keyring) and a note."""
    from client.bridge import load_or_create_certificate, load_or_create_password
    from client.secrets import SecretStoreError

    certificate = load_or_create_certificate()
    try:
        return certificate.cert_path, load_or_create_password().value, ""
    except SecretStoreError:
        # Without a keyring the account still works: Thunderbird asks the password once.
        return (certificate.cert_path, None,
                "no keyring: type the password 'mssante-companion bridge' shows in Thunderbird")


def _setup_bridge(args: argparse.Namespace, folder: Path, profile: Any, name: str
                  ) -> SetupReport:
    certificate, password, note = _bridge_secrets()
    report = setup_bridge(folder, BridgeAccount(
        profile.address, name, args.imap_port, args.smtp_port, certificate, password))
    if note:
        report.actions.append(note)
    return report


def _setup_direct(args: argparse.Namespace, folder: Path, profile: Any, name: str
                  ) -> SetupReport:
    from client.thunderbird.setup import MODULE_NAME
    from client.trust import shipped_anchor_files
    from cps.middleware import find_pkcs11_module

    module = find_pkcs11_module(None, profile.auth.pkcs11_module)
    anchors = tuple(shipped_anchor_files()) + ((Path(profile.ca_file),) if profile.ca_file
                                               else ())
    user_name = _external_user(profile)
    note = ""
    sending: BridgeSending | None = None
    if (args.smtp or "bridge") == "bridge":
        certificate, password, note = _bridge_secrets()
        sending = BridgeSending(args.smtp_port, certificate, password)
    report = setup_direct(folder, DirectAccount(profile.address, name, profile.imap,
                                                profile.smtp, module, anchors, user_name,
                                                sending))
    if note:
        report.actions.append(note)
    if not user_name:
        report.actions.append("no card read: the account's user name is the address; set "
                              "[auth] external_user in the profile if the server refuses it")
    if args.policies is not None:
        from client.thunderbird.policies import write_policies

        write_policies(args.policies, MODULE_NAME, module, anchors)
        report.actions.append(f"wrote the CPS module and anchors to {args.policies}")
    return report


def _print(args: argparse.Namespace, report: SetupReport) -> int:
    if option(args, "json", False):
        emit_json(report.to_json())
    else:
        print(f"Thunderbird profile {report.profile} ({report.mode}):")
        for action in report.actions or ["nothing to do"]:
            print(f"  - {action}")
    return EXIT_OK


describe_errors({
    NoThunderbirdProfile:
        "No Thunderbird profile found ({exc.searched}). Start Thunderbird once to create one, or "
        "give its folder with --profile-dir.",
    ThunderbirdRunning:
        "Thunderbird is running with the profile {exc.profile}. Close Thunderbird and run the "
        "command again.",
    NssToolMissing:
        "{exc.tool} is needed to set up Thunderbird's certificates. Install the NSS tools "
        "(Debian/Ubuntu: apt install libnss3-tools) and try again.",
    NssError:
        "Thunderbird's security database refused {exc.operation} ({exc.reason}). Close "
        "Thunderbird; if the profile has a primary password, type the bridge password in "
        "Thunderbird instead.",
    ThunderbirdError: "Thunderbird setup failed: {exc}. Check the profile folder and try again.",
})

