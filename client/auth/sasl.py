"""SASL exchanges over IMAP and SMTP: EXTERNAL, XOAUTH2, OAUTHBEARER.

- EXTERNAL (RFC 4422 appendix A): identity from the TLS client certificate; we send an
  empty authorization identity (the server derives the user from the certificate).
- XOAUTH2 (Google's mechanism, required by the Ségur MSSanté client spec):
  ``user=<address>^Aauth=Bearer <token>^A^A``.
- OAUTHBEARER (RFC 7628 section 3.1): ``n,a=<address>,^Ahost=..^Aport=..^Aauth=Bearer ..^A^A``.

On failure the server sends a challenge carrying a JSON error document (RFC 7628 section
3.2.2, e.g. ``{"status":"401","schemes":"bearer","scope":"mail"}``); the client answers
with a dummy response (``^A`` for OAUTHBEARER, empty for XOAUTH2) and the server then
fails the exchange: we report :class:`TokenRejected` with the document's fields.

SMTP: Dovecot 2.3 submission refuses AUTH lines over ~1 KB and a PSC token makes a
~1.5 KB initial response ("500 Line too long"), so the response is always sent after the
334, never on the AUTH line. IMAP takes it as a continuation as well (imaplib has no
SASL-IR), which every server accepts.
"""

from __future__ import annotations

import base64
import binascii
import imaplib
import json
import logging
import smtplib
from typing import TYPE_CHECKING, Literal

from client.auth.errors import AuthenticationRefused, TokenRejected

if TYPE_CHECKING:
    from imapclient import IMAPClient

__all__ = [
    "TokenMechanism",
    "imap_external",
    "imap_token",
    "oauthbearer_payload",
    "parse_error_challenge",
    "smtp_external",
    "smtp_token",
    "xoauth2_payload",
]

logger = logging.getLogger(__name__)

TokenMechanism = Literal["XOAUTH2", "OAUTHBEARER"]


def xoauth2_payload(address: str, token: str) -> bytes:
    """The XOAUTH2 initial client response (not base64-encoded)."""
    return f"user={address}\x01auth=Bearer {token}\x01\x01".encode()


def _saslname(value: str) -> str:
    # RFC 5801 section 4: "," and "=" are escaped in the gs2 authzid.
    return value.replace("=", "=3D").replace(",", "=2C")


def oauthbearer_payload(address: str, token: str, host: str, port: int) -> bytes:
    """The OAUTHBEARER initial client response (RFC 7628 section 3.1)."""
    return (
        f"n,a={_saslname(address)},\x01host={host}\x01port={port}\x01"
        f"auth=Bearer {token}\x01\x01"
    ).encode()


def _payload(mechanism: TokenMechanism, address: str, token: str, host: str, port: int) -> bytes:
    if mechanism == "OAUTHBEARER":
        return oauthbearer_payload(address, token, host, port)
    return xoauth2_payload(address, token)


def parse_error_challenge(challenge: bytes) -> dict[str, str]:
    """Decode an RFC 7628 error challenge (already base64-decoded, or raw base64)."""
    text = challenge.strip()
    for candidate in (text, _b64decode(text)):
        if not candidate:
            continue
        try:
            document = json.loads(candidate.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            continue
        if isinstance(document, dict):
            return {str(k): str(v) for k, v in document.items()}
    return {}


def _b64decode(data: bytes) -> bytes:
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return b""


# -- IMAP ------------------------------------------------------------------------------


def _imap_message(exc: imaplib.IMAP4.error) -> str:
    text = str(exc)
    # imaplib words it "AUTHENTICATE command error: BAD [b'...']"
    return text.replace("AUTHENTICATE command error: ", "")[:300]


def imap_external(client: IMAPClient) -> None:
    """AUTHENTICATE EXTERNAL with an empty authorization identity (RFC 4959).

    Raises:
        AuthenticationRefused: the server said NO.
    """
    try:
        client._imap.authenticate("EXTERNAL", lambda challenge: b"")
    except imaplib.IMAP4.error as exc:
        raise AuthenticationRefused("EXTERNAL", _imap_message(exc)) from exc
    logger.info("IMAP EXTERNAL accepted")


def imap_token(
    client: IMAPClient, mechanism: TokenMechanism, address: str, token: str, host: str, port: int
) -> None:
    """AUTHENTICATE XOAUTH2/OAUTHBEARER.

    Raises:
        TokenRejected: the server refused the token (with the RFC 7628 error document).
        AuthenticationRefused: the server refused otherwise.
    """
    payload = _payload(mechanism, address, token, host, port)
    state: dict[str, object] = {"sent": False, "error": None}

    def respond(challenge: bytes) -> bytes:
        if not state["sent"]:
            state["sent"] = True
            return payload
        # A second challenge is the error document: answer with the dummy response.
        state["error"] = parse_error_challenge(challenge)
        return b"\x01" if mechanism == "OAUTHBEARER" else b""

    try:
        client._imap.authenticate(mechanism, respond)
    except imaplib.IMAP4.error as exc:
        error = state["error"]
        message = _imap_message(exc)
        if isinstance(error, dict) and error:
            raise TokenRejected(mechanism, error.get("status", ""), error.get("scope", ""),
                                message) from exc
        raise AuthenticationRefused(mechanism, message) from exc
    logger.info("IMAP %s accepted", mechanism)


# -- SMTP ------------------------------------------------------------------------------


def _smtp_text(reply: bytes | str) -> str:
    return (reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply)[:300]


def smtp_external(smtp: smtplib.SMTP) -> None:
    """AUTH EXTERNAL with an empty authorization identity (RFC 4954: ``=`` means empty).

    Raises:
        AuthenticationRefused: the server refused.
    """
    code, reply = smtp.docmd("AUTH", "EXTERNAL =")
    if code == 334:
        code, reply = smtp.docmd("")
    if code != 235:
        raise AuthenticationRefused("EXTERNAL", f"{code} {_smtp_text(reply)}")
    logger.info("SMTP EXTERNAL accepted")


def smtp_token(
    smtp: smtplib.SMTP, mechanism: TokenMechanism, address: str, token: str, host: str, port: int
) -> None:
    """AUTH XOAUTH2/OAUTHBEARER, the response sent after the 334 (RFC 4954 section 4).

    The response never rides on the AUTH line: Dovecot 2.3 submission refuses lines
    over about 1 KB, shorter than a PSC-sized initial response.

    Raises:
        TokenRejected: 334 with an error document then 5xx.
        AuthenticationRefused: the server refused otherwise.
    """
    code, reply = smtp.docmd("AUTH", mechanism)
    if code != 334:
        raise AuthenticationRefused(mechanism, f"{code} {_smtp_text(reply)}")
    encoded = base64.b64encode(_payload(mechanism, address, token, host, port)).decode("ascii")
    code, reply = smtp.docmd(encoded)
    del encoded
    if code == 235:
        logger.info("SMTP %s accepted", mechanism)
        return
    if code == 334:
        error = parse_error_challenge(reply if isinstance(reply, bytes) else reply.encode())
        dummy = "AQ==" if mechanism == "OAUTHBEARER" else ""
        final_code, final_reply = smtp.docmd(dummy)
        raise TokenRejected(
            mechanism, error.get("status", ""), error.get("scope", ""),
            f"{final_code} {_smtp_text(final_reply)}",
        )
    raise AuthenticationRefused(mechanism, f"{code} {_smtp_text(reply)}")
