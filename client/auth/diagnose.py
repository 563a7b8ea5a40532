"""Operator diagnosis steps for ``doctor``: reachability, TLS and trust, authentication.

Each step returns a :class:`Finding` (status, one sentence, advice, details); the CLI's
doctor turns them into its check results. Nothing here asks for a PIN: the authentication
step only runs a full sign-in when the caller passes a PIN prompt (``--pin-stdin``).
"""

from __future__ import annotations

import logging
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from typing import Any, Literal

from client.auth.connect import connect_imap, connect_smtp
from client.profiles.model import Endpoint, Profile
from client.trust import TrustError, TrustStore, readable_name

__all__ = ["Finding", "Status", "check_authentication_setup", "check_reachability", "check_tls"]

logger = logging.getLogger(__name__)

Status = Literal["ok", "warning", "error", "skipped"]


@dataclass(frozen=True)
class Finding:
    """The outcome of one diagnosis step: a status, one sentence, and what to do about it.

    ``doctor`` reports these as they are (its card steps return them too).
    """

    name: str
    status: Status
    summary: str
    advice: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {"name": self.name, "status": self.status, "summary": self.summary,
                "advice": self.advice, "details": self.details}


def _endpoints(profile: Profile) -> list[tuple[str, Endpoint]]:
    return [("IMAP", profile.imap), ("SMTP", profile.smtp)]


def check_reachability(profile: Profile, *, timeout: float = 5.0) -> Finding:
    """Can we open a TCP connection to both endpoints?"""
    problems, details = [], {}
    for label, endpoint in _endpoints(profile):
        try:
            with socket.create_connection((endpoint.host, endpoint.port), timeout=timeout):
                details[label.lower()] = f"{endpoint.host}:{endpoint.port}"
        except OSError as exc:
            problems.append(f"{label} {endpoint.host}:{endpoint.port} ({exc.strerror or exc})")
    if problems:
        return Finding("operator-reachability", "error",
                       "Not reachable: " + ", ".join(problems) + ".",
                       "Check the network, a proxy or firewall, and the profile's hosts and ports.",
                       details)
    return Finding("operator-reachability", "ok",
                   f"IMAP {details['imap']} and SMTP {details['smtp']} answer.", details=details)


def check_tls(profile: Profile, trust: TrustStore, *, timeout: float = 15.0) -> Finding:
    """Does each endpoint offer TLS >= 1.2 with a certificate we trust for its name?"""
    details: dict[str, Any] = {}
    context = trust.ssl_context()
    try:
        imap = connect_imap(profile.imap, context, timeout=timeout)
        try:
            sock = imap._imap.sock
            details["imap"] = {"version": sock.version(), "cipher": sock.cipher()[0]}
            peer = sock.getpeercert()
            details["imap"]["not_after"] = peer.get("notAfter") if peer else None
        finally:
            imap.shutdown()
        smtp = connect_smtp(profile.smtp, context, timeout=timeout)
        try:
            sock = smtp.sock
            if isinstance(sock, ssl.SSLSocket):
                details["smtp"] = {"version": sock.version(), "cipher": (sock.cipher() or ("",))[0]}
        finally:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
    except TrustError as exc:
        return Finding("operator-tls", "error", str(exc),
                       "Do not sign in: check the profile's host, or ask the administrator "
                       "to add the operator's authority ([trust] ca_file).", details)
    except Exception as exc:  # reported, the diagnosis goes on
        return Finding("operator-tls", "error", f"TLS failed: {exc}",
                       "Run with -vv and tell the IT department what it prints.", details)
    versions = ", ".join(f"{k.upper()} {v['version']}" for k, v in details.items())
    return Finding("operator-tls", "ok",
                   f"Server certificates trusted, TLS >= 1.2 ({versions}).", details=details)


def check_authentication_setup(profile: Profile, trust: TrustStore,
                               card_certificate: Any = None) -> Finding:
    """What can be checked of the method without a PIN."""
    method = profile.auth.method
    if method == "psc":
        from client.auth.errors import OidcError
        from client.auth.oidc import OidcClient

        client = OidcClient(profile.auth, trust)
        try:
            metadata = client.discover()
        except (OidcError, TrustError) as exc:
            return Finding("authentication", "error", f"Pro Santé Connect: {exc}",
                           "Check [auth] issuer, discovery_url and client_id in the profile.")
        finally:
            client.close()
        return Finding("authentication", "ok",
                       f"Pro Santé Connect answers as {metadata.issuer}; sign in with 'login'.",
                       details={"authorization_endpoint": metadata.authorization_endpoint})
    if method == "certificate":
        from client.auth.certificate import load_certificate_signer
        from client.auth.errors import CertificateFileError

        if profile.auth.certificate_file is None:
            return Finding("authentication", "error", "No certificate_file in the profile.",
                           "Add [auth] certificate_file to the profile.")
        from client.secrets import SecretSourceError

        try:
            signer = load_certificate_signer(profile.auth.certificate_file,
                                             secrets_settings=profile.secrets)
        except SecretSourceError as exc:
            return Finding("authentication", "error", str(exc),
                           "Fix the file or credential named by the profile's [secrets].")
        except CertificateFileError as exc:
            return Finding("authentication", "warning", str(exc),
                           "Run 'login' once to type the password (and keep it in the keyring).")
        card_certificate = signer.certificate
    if card_certificate is not None:
        try:
            known = trust.check_revocation(card_certificate)
        except TrustError as exc:
            return Finding("authentication", "error", str(exc),
                           "This certificate is revoked: renew the card or certificate.")
        crl = "not revoked per the kept CRL" if known else "no CRL kept yet to check revocation"
        return Finding("authentication", "ok" if known else "warning",
                       f"Certificate {readable_name(card_certificate.subject)}: {crl}.",
                       "" if known else "Revocation is checked once a CRL has been fetched.")
    return Finding("authentication", "skipped",
                   "No card certificate read; run 'login' to test the sign-in.")
