"""The seam between authentication and mail: something that opens ready sessions.

Authenticators (card TLS + EXTERNAL, PSC + XOAUTH2/OAUTHBEARER, certificate file)
implement :class:`SessionOpener`; the mailbox, the outbox, the sync engine and the bridge
only ever ask it for an authenticated IMAP or SMTP session. A token refresh or a new TLS
handshake is the opener's business, invisible to its users.
"""

from __future__ import annotations

import smtplib
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from imapclient import IMAPClient

__all__ = ["SessionOpener"]


class SessionOpener(Protocol):
    """Opens authenticated sessions with the operator for one signed-in mailbox."""

    @property
    def address(self) -> str:
        """The mailbox address these sessions belong to."""
        ...

    def open_imap(self) -> IMAPClient:
        """Return a connected, authenticated IMAP client (caller logs out)."""
        ...

    def open_smtp(self) -> smtplib.SMTP:
        """Return a connected, authenticated SMTP submission client (caller quits)."""
        ...
