"""Errors of the client layer.

Every error raised by ``client`` derives from :class:`ClientError` and carries structured
data; third-party exceptions (``imaplib.IMAP4.error``, ``smtplib.SMTPException``,
``ssl.SSLError``, ``keyring.errors.*``, ``httpx.HTTPError``) are translated at the
boundary with ``raise ... from exc``; the CLI and the dialogs choose the words.

    ClientError
"""

from __future__ import annotations

__all__ = ["ClientError"]


class ClientError(Exception):
    """Root of every error raised by the client layer."""
