"""Connect to the operator's IMAP and SMTP endpoints over a given TLS context.

The same two functions serve every method: the context is stdlib ``ssl`` (tokens,
certificate files) or the card's (:mod:`client.tls`). Implicit TLS (``security = "tls"``,
RFC 8314) wraps at connect time; STARTTLS (RFC 3501 section 6.2.1, RFC 3207) upgrades a
clear connection and refuses to go on if the server does not offer it. Library errors
are translated here: unreachable server, trust failures, TLS failures.
"""

from __future__ import annotations

import imaplib
import logging
import smtplib
import socket
import ssl
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

import client.logsafety  # noqa: F401 - redacts imapclient's protocol traces at the source
from client.auth.errors import OperatorUnreachable
from client.profiles.model import Endpoint
from client.tls.errors import HandshakeFailed
from client.trust import translate_ssl_error

__all__ = ["DEFAULT_TIMEOUT", "connect_imap", "connect_smtp"]

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 60.0


def _translate(exc: BaseException, endpoint: Endpoint) -> BaseException:
    if isinstance(exc, ssl.SSLError):
        trust = translate_ssl_error(exc, endpoint.host)
        return trust or HandshakeFailed(endpoint.host, str(exc))
    if isinstance(exc, OSError):
        return OperatorUnreachable(endpoint.host, endpoint.port, exc.strerror or str(exc))
    return exc


def connect_imap(
    endpoint: Endpoint, context: Any, *, timeout: float = DEFAULT_TIMEOUT
) -> IMAPClient:
    """An IMAP client over TLS with the server authenticated, not yet logged in.

    Raises:
        OperatorUnreachable, client.trust.TrustError, client.tls.TlsError,
        cps.errors.CardError (when the context signs with the card).
    """
    client: IMAPClient | None = None
    try:
        if endpoint.implicit_tls:
            client = IMAPClient(endpoint.host, endpoint.port, ssl=True, ssl_context=context,
                                timeout=timeout)
        else:
            client = IMAPClient(endpoint.host, endpoint.port, ssl=False, timeout=timeout)
            if not client.has_capability("STARTTLS"):
                raise HandshakeFailed(endpoint.host, "the IMAP server does not offer STARTTLS")
            client.starttls(context)
    except (ssl.SSLError, OSError) as exc:
        _close_imap(client)
        raise _translate(exc, endpoint) from exc
    except (IMAPClientError, imaplib.IMAP4.error) as exc:
        _close_imap(client)
        raise HandshakeFailed(endpoint.host, f"IMAP: {exc}") from exc
    except BaseException:
        _close_imap(client)
        raise
    logger.debug("IMAP connected to %s:%s", endpoint.host, endpoint.port)
    return client


def _close_imap(client: IMAPClient | None) -> None:
    if client is None:
        return
    try:
        client.shutdown()
    except (OSError, IMAPClientError, imaplib.IMAP4.error):
        logger.debug("IMAP socket already closed")


def connect_smtp(
    endpoint: Endpoint, context: Any, *, timeout: float = DEFAULT_TIMEOUT,
    local_hostname: str | None = None,
) -> smtplib.SMTP:
    """An SMTP submission client over TLS (EHLO done), not yet authenticated.

    Raises:
        OperatorUnreachable, client.trust.TrustError, client.tls.TlsError,
        cps.errors.CardError.
    """
    smtp: smtplib.SMTP | None = None
    try:
        if endpoint.implicit_tls:
            smtp = smtplib.SMTP_SSL(endpoint.host, endpoint.port, context=context,
                                    timeout=timeout, local_hostname=local_hostname)
            smtp.ehlo()
        else:
            smtp = smtplib.SMTP(endpoint.host, endpoint.port, timeout=timeout,
                                local_hostname=local_hostname)
            smtp.ehlo()
            if not smtp.has_extn("starttls"):
                raise HandshakeFailed(endpoint.host, "the SMTP server does not offer STARTTLS")
            smtp.starttls(context=context)
            smtp.ehlo()
    except (ssl.SSLError, OSError) as exc:
        if isinstance(exc, smtplib.SMTPException):
            _close_smtp(smtp)
            raise HandshakeFailed(endpoint.host, f"SMTP: {exc}") from exc
        _close_smtp(smtp)
        raise _translate(exc, endpoint) from exc
    except BaseException:
        _close_smtp(smtp)
        raise
    logger.debug("SMTP connected to %s:%s", endpoint.host, endpoint.port)
    return smtp


def _close_smtp(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return
    try:
        smtp.close()
    except OSError:
        logger.debug("SMTP socket already closed")


def is_connection_lost(exc: BaseException) -> bool:
    """True for errors that mean "the session dropped, reopen it"."""
    return isinstance(
        exc, (socket.timeout, ConnectionError, imaplib.IMAP4.abort, smtplib.SMTPServerDisconnected)
    )
