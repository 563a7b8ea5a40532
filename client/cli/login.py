"""``mssante-companion login``: strong authentication with the profile, and who is signed in.

Opens one IMAP and one SMTP session with the profile's method (card TLS, Pro Santé
Connect, certificate file), then prints who is signed in, the mailbox and the method.
The PIN is typed on the terminal or read once from standard input (``--pin-stdin``);
a certificate file's password comes from the keyring, else is asked on the terminal (or
read from standard input with ``--password-stdin``) and kept only if the user agrees.

With two CPS cards inserted, ``--reader NAME`` or ``--card SERIAL`` says which one
(:mod:`client.cli._card_choice`); a terminal is asked, a script must name it.

``login --ecps [--national-id ID]`` signs in with e-CPS instead: a CIBA request through the
profile's ``[auth] gateway``; the binding message is printed on standard error and the
command waits for the approval on the phone (Ctrl-C cancels). The national identifier is
remembered per profile for the next time.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from pathlib import Path
from typing import Any

from client.auth import (
    AuthenticationRefused,
    CertificateFileError,
    CertificatePasswordRequired,
    IdTokenInvalid,
    InteractiveLoginRequired,
    IssuerMismatch,
    OperatorUnreachable,
    PasswordAnswer,
    ProviderError,
    ProviderUnreachable,
    SessionEnded,
    TokenRejected,
    UnknownClient,
    build_authenticator,
)
from client.auth.ciba import (
    CibaPending,
    EcpsCancelled,
    EcpsDenied,
    EcpsExpired,
    EcpsUnknownUser,
    GatewayRequired,
    GatewayUnreachable,
    build_ecps_authenticator,
    remember_national_id,
    remembered_national_id,
    valid_national_id,
)
from client.cli._card_choice import add_card_options
from client.cli._common import (
    EXIT_OK,
    EXIT_USAGE,
    describe_error,
    describe_errors,
    emit_json,
    option,
    report_usage_error,
)
from client.cli.card import add_module_option
from client.cli.trust import revocation_reason_words
from client.profiles import NoProfile, ProfileError, load_default_profile
from client.profiles.discovery import DiscoveryFailed
from client.secrets import SecretStoreError, SecretStoreUnavailable
from client.tls.errors import ClientCertificateRefused, HandshakeFailed, TlsBackendUnavailable
from client.trust import (
    CertificateRevoked,
    HostnameMismatch,
    ProtocolTooOld,
    SelfSignedServer,
    ServerCertificateError,
    ServerCertificateExpired,
    ServerCertificateRevoked,
)

__all__ = ["register", "sign_in_report"]

logger = logging.getLogger(__name__)

_METHOD_NAMES = {
    "card-tls": "CPS card (TLS client authentication + SASL EXTERNAL)",
    "psc": "Pro Santé Connect with the CPS card (access token, SASL {mechanism})",
    "psc-ecps": "Pro Santé Connect with e-CPS, by CIBA through {gateway} (access token, "
                "SASL {mechanism})",
    "certificate": "certificate file (TLS client authentication + SASL EXTERNAL)",
}


# -- wording ----------------------------------------------------------------------------


describe_errors({
    NoProfile:
        "No operator profile: none given with --profile and none at {exc.searched}. Give one with "
        "--profile FILE (your operator or IT department provides it).",
    OperatorUnreachable:
        "The operator's server {exc.host}:{exc.port} does not answer ({exc.reason}). Check the "
        "network connection and the profile's host and port.",
    HostnameMismatch:
        "The server's certificate is not for {exc.host}: this may not be your operator's server. "
        "Check the host name in the profile; do not go on.",
    SelfSignedServer:
        "The server {exc.host} presents a self-signed certificate that no trusted authority "
        "vouches for. Check the host in the profile, or ask the administrator to add the "
        "operator's authority ([trust] ca_file).",
    ServerCertificateExpired:
        "The certificate of {exc.host} is expired or not yet valid ({exc.reason}). Check the "
        "computer's date; otherwise tell the operator.",
    ServerCertificateError:
        "The server {exc.host} is not trusted ({exc.reason}). Ask the administrator to add the "
        "operator's authority to the profile ([trust] ca_file).",
    ServerCertificateRevoked:
        "The certificate of {exc.host} was revoked on {exc.revoked_at:%d/%m/%Y}: the connection "
        "was refused. Tell the operator; do not sign in until it is fixed.",
    HandshakeFailed:
        "The secure connection with {exc.host} failed ({exc.reason}). Run 'mssante-companion "
        "doctor' and tell your IT department what it prints.",
    TlsBackendUnavailable: "The TLS backend {exc.backend} cannot be used here ({exc.reason}).",
    TokenRejected:
        "The mail server refused the access token even after a refresh. Sign in again with "
        "'mssante-companion login'; if it persists, tell the operator.",
    UnknownClient:
        "Pro Santé Connect does not know this application (client_id '{exc.client_id}'). Check "
        "[auth] client_id in the profile with your operator.",
    IssuerMismatch:
        "The identity provider at the discovery URL says it is {exc.found}, not {exc.expected}. "
        "Check [auth] issuer and discovery_url in the profile.",
    GatewayUnreachable:
        "The Pro Santé Connect gateway {exc.gateway} cannot be reached, or Pro Santé Connect is "
        "unavailable behind it ({exc.reason}). Check the network and [auth] gateway in the "
        "profile, then try again; if it persists, tell the publisher or operator who runs the "
        "gateway.",
    GatewayRequired:
        "e-CPS sign-in needs a Pro Santé Connect gateway: the profile must use [auth] method = "
        '"psc" with a gateway = "https://..." line. Ask your operator or publisher for such a '
        "profile.",
    EcpsDenied:
        "The sign-in was refused in the e-CPS app. Run the command again and approve it on your "
        "phone if you started it.",
    EcpsExpired:
        "The sign-in was not approved in time in the e-CPS app. Run the command again and approve "
        "it on your phone within the time shown.",
    EcpsUnknownUser:
        "Pro Santé Connect knows no e-CPS for the national identifier {exc.national_id}. Check it "
        "(8 + RPPS number, or 0 + ADELI number) and activate your e-CPS on the ANS portal if "
        "needed.",
    EcpsCancelled: "The e-CPS sign-in was cancelled.",
    ProviderUnreachable:
        "Pro Santé Connect cannot be reached ({exc.reason}). Check the network and the profile's "
        "issuer.",
    IdTokenInvalid:
        "The identity provider's answer does not check ({exc.reason}). Sign in again; if it "
        "persists, tell the operator.",
    InteractiveLoginRequired:
        "Pro Santé Connect asks for an interactive sign-in: finish it in the browser.",
    CertificatePasswordRequired:
        "The certificate file {exc.path} needs its password: type it when asked on a terminal, or "
        "give it on standard input with --password-stdin, or name a file or a systemd credential "
        "in the profile's [secrets] table (see the README).",
    CertificateFileError: "The certificate file {exc.path} cannot be used: {exc.reason}.",
    SecretStoreUnavailable:
        "The system keyring is not available ({exc.reason}). Unlock it (log in to the desktop "
        "session) or type the password when asked; nothing was deleted.",
    SecretStoreError: "The system keyring failed ({exc.reason}); nothing was deleted.",
})


@describe_error.register
def _(exc: ProfileError) -> str:
    where = f" key '{exc.key}'" if exc.key else ""
    return f"The profile {exc.path}{where}: {exc.problem}. Fix the file and try again."


@describe_error.register
def _(exc: DiscoveryFailed) -> str:
    return (f"The domain {exc.domain} publishes no {exc.missing.upper()} service in DNS. "
            "Ask your operator for a profile file.")


@describe_error.register
def _(exc: ProtocolTooOld) -> str:
    version = f" (it offers {exc.version})" if exc.version else ""
    return (f"The server {exc.host} does not offer TLS 1.2 or later{version}, which MSSanté "
            "requires. Tell the operator; the connection was refused.")


@describe_error.register
def _(exc: CertificateRevoked) -> str:
    why = revocation_reason_words(exc.revocation_reason)
    why = f" ({why})" if why else ""
    return (f"The certificate {exc.subject} was revoked on {exc.revoked_at:%d/%m/%Y}{why}. "
            "It can no longer be used; nothing was sent to the server. Order a new card "
            "or certificate.")


@describe_error.register
def _(exc: ClientCertificateRefused) -> str:
    reasons = {
        "certificate_revoked": "it is revoked",
        "certificate_expired": "it is expired",
        "unknown_ca": "its authority is unknown to the server",
    }
    why = reasons.get(exc.alert, f"the server said {exc.alert}")
    return (f"{exc.host} refused the certificate ({why}). Check the card or certificate "
            "file; a revoked or expired one must be renewed.")


@describe_error.register
def _(exc: AuthenticationRefused) -> str:
    if exc.method == "EXTERNAL":
        return ("The mail server refused the certificate sign-in: the certificate may be "
                "revoked, expired, or not registered for this mailbox. Check the address in "
                "the profile, then ask the operator.")
    return f"The mail server refused the sign-in ({exc.method}: {exc.server_message})."


@describe_error.register
def _(exc: SessionEnded) -> str:
    return ("Your Pro Santé Connect session has ended (" + exc.reason + "). Sign in again "
            "with your CPS card.")


@describe_error.register
def _(exc: ProviderError) -> str:
    detail = f": {exc.description}" if exc.description else ""
    return f"Pro Santé Connect refused the sign-in ({exc.error}{detail}). Try again later."


# -- password prompts -------------------------------------------------------------------


def _terminal_password(path: Path, retry: bool) -> PasswordAnswer | None:
    """Ask on the terminal (with the offer to keep it in the keyring); None without one."""
    from client.cli._password import password_prompt_for

    prompt = password_prompt_for(argparse.Namespace(), offer_keyring=True)
    return prompt(path, retry) if prompt is not None else None


def _stdin_password() -> Any:
    from client.cli._password import password_prompt_for

    return password_prompt_for(argparse.Namespace(password_stdin=True))


# -- command ----------------------------------------------------------------------------


def sign_in_report(auth: Any) -> dict[str, Any]:
    """Open one IMAP and one SMTP session with ``auth`` and describe the sign-in."""
    imap = auth.open_imap()
    try:
        capabilities = sorted(c.decode() if isinstance(c, bytes) else str(c)
                              for c in imap.capabilities())
    finally:
        imap.logout()
    smtp = auth.open_smtp()
    try:
        size = smtp.esmtp_features.get("size", "")
    finally:
        smtp.quit()
    report = dict(auth.describe())
    report.update(
        signed_in=True,
        imap_capabilities=capabilities,
        smtp_max_size=int(size) if size.isdigit() else None,
    )
    return report


def print_binding_message(pending: CibaPending) -> None:
    """Tell the terminal user what to check and do on the phone (standard error)."""
    print(f"e-CPS sign-in requested for {pending.national_id}.\n"
          f"  Binding message: {pending.binding_message}\n"
          f"  Approve the request in the e-CPS app of your phone (it shows the same "
          f"message); {pending.seconds_left()} s left. Ctrl-C cancels.",
          file=sys.stderr, flush=True)


def ecps_national_id(args: argparse.Namespace, profile: Any) -> str:
    """``--national-id``, else the one remembered for the profile.

    Neither, or not an identifier: a usage error (exit 2, the JSON error document with
    ``--json``), as argparse's own.
    """
    national_id = str(option(args, "national_id", "") or "").strip()
    if not national_id:
        national_id = remembered_national_id(profile)
    problem = ""
    if not national_id:
        problem = ("e-CPS sign-in: give your national identifier with --national-id "
                   "(8 + RPPS number, or 0 + ADELI number).")
    elif not valid_national_id(national_id):
        problem = (f"e-CPS sign-in: {national_id!r} is not a national identifier "
                   "(9 to 12 digits: 8 + RPPS number, or 0 + ADELI number).")
    if problem:
        report_usage_error(problem, ["--json"] if option(args, "json", False) else [])
        raise SystemExit(EXIT_USAGE)
    return national_id


def _run(args: argparse.Namespace) -> int:
    from client.cli._card_choice import card_chooser_for
    from client.cli._pin import pin_prompt_for

    profile = load_default_profile(option(args, "profile"))
    national_id = ""
    if args.ecps:
        national_id = ecps_national_id(args, profile)
        auth: Any = build_ecps_authenticator(profile, national_id, cancel=threading.Event(),
                                             on_pending=print_binding_message)
    else:
        pin_prompt, _max_prompts = pin_prompt_for(args)
        if args.password_stdin:
            password_prompt = _stdin_password()
        elif profile.secrets.source != "keyring":
            password_prompt = None  # the profile's [secrets] file or systemd credential
        else:
            password_prompt = _terminal_password
        auth = build_authenticator(profile, pin_prompt=pin_prompt,
                                   password_prompt=password_prompt, module=args.module,
                                   chooser=card_chooser_for(args))
    try:
        report = sign_in_report(auth)
    finally:
        auth.close()
    if national_id:
        remember_national_id(profile, national_id)
    report["imap"] = {"host": profile.imap.host, "port": profile.imap.port,
                      "security": profile.imap.security}
    report["smtp"] = {"host": profile.smtp.host, "port": profile.smtp.port,
                      "security": profile.smtp.security}
    report["profile"] = str(profile.source) if profile.source else None
    if option(args, "json", False):
        emit_json(report)
        return EXIT_OK
    who = " ".join(p for p in (report.get("given_name"), report.get("family_name")) if p)
    national = f" ({report['national_id']})" if report.get("national_id") else ""
    name = "psc-ecps" if report.get("proof") == "ecps" else report["method"]
    method = _METHOD_NAMES[name].format(mechanism=report.get("mechanism", ""),
                                        gateway=report.get("gateway", ""))
    print(f"Signed in: {who or report['address']}{national}")
    print(f"Mailbox:   {report['address']}")
    print(f"Method:    {method}")
    print(f"Servers:   IMAP {profile.imap.host}:{profile.imap.port} ({profile.imap.security}), "
          f"SMTP {profile.smtp.host}:{profile.smtp.port} ({profile.smtp.security})")
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
             common: argparse.ArgumentParser) -> None:
    """Register ``login``."""
    parser = subparsers.add_parser(
        "login", parents=[common], help="sign in to the mailbox with the profile's method",
        description="Sign in to the MSSanté mailbox of the profile (CPS card, Pro Santé "
                    "Connect or certificate file) and print who is signed in.")
    add_module_option(parser, instead_of="the profile's or Cryptolib CPS")
    parser.add_argument("--password-stdin", action="store_true",
                        help="read a certificate file's password from standard input")
    parser.add_argument("--ecps", action="store_true",
                        help="sign in with e-CPS (approval on the phone, CIBA through the "
                             "profile's Pro Santé Connect gateway) instead of the card")
    add_card_options(parser)
    parser.add_argument("--national-id", metavar="ID", default="",
                        help="with --ecps: your national identifier (remembered per "
                             "profile)")
    parser.set_defaults(handler=_run)
