"""TLS session resumption for the card-key backend: one card signature, many connections.

A full handshake with the card costs a signature (CertificateVerify, RFC 8446 section
4.4.3): on a real CPS card a visible pause, sometimes a PIN. A resumed handshake costs
none: in TLS 1.3 the client offers a ticket the server sent after an earlier handshake
(pre-shared key, RFC 8446 section 2.2 and 4.6.1), and the server keeps the identity of
that first handshake, so SASL EXTERNAL still names the card holder; in TLS 1.2 the
client offers the earlier session's identifier (RFC 5246 section 7.3).

The sessions live in this object's memory only, never on disk: they hold the keys of the
sessions they resume. They are keyed by the server's name and address, so a session
is only ever offered to the server that was authenticated (chain and host name) when it
was made (the PSK binder, RFC 8446 section 4.2.11.2, proves that the server holds the
ticket's key). A server that does not take the offer answers with a full handshake, which
tlslite runs as usual; one that breaks the handshake off instead is never offered a
session again (:class:`client.tls.errors.ResumptionRefused`).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509

__all__ = ["ServerKey", "SessionCache"]

logger = logging.getLogger(__name__)

#: (server name used for the handshake, peer address). Not the port: an operator's IMAP
#: and submission services often share their ticket keys, and a service that cannot read
#: the ticket answers with a full handshake.
ServerKey = tuple[str, str]

# Sessions kept per server: the newest, and the one before in case the newest never
# receives its TLS 1.3 ticket (tickets arrive after the handshake, RFC 8446 section 4.6.1,
# which also bounds their life: tlslite drops expired ones before offering).
_KEEP = 2


@dataclass
class _Entry:
    sessions: list[Any] = field(default_factory=list)
    server_chain: list[x509.Certificate] = field(default_factory=list)


class SessionCache:
    """Resumable TLS sessions of one client identity, per server, in memory.

    Thread-safe: the IDLE connection, the sync connection and a send may handshake at
    the same time.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[ServerKey, _Entry] = {}
        self._refusing: set[ServerKey] = set()

    def offer(self, server: ServerKey) -> tuple[Any | None, list[x509.Certificate]]:
        """The session to offer to ``server`` (None: full handshake) and its server chain."""
        with self._lock:
            entry = self._entries.get(server)
            if entry is None or server in self._refusing:
                return None, []
            for session in entry.sessions:
                if _resumable(session):
                    return session, list(entry.server_chain)
            return None, []

    def keep(self, server: ServerKey, session: Any, server_chain: list[x509.Certificate]) -> None:
        """Remember ``session`` (its TLS 1.3 tickets may still arrive after the handshake)."""
        if session is None or not getattr(session, "resumable", False):
            return
        with self._lock:
            entry = self._entries.setdefault(server, _Entry())
            if server_chain:
                entry.server_chain = list(server_chain)
            # Newest first; an older one stays in case the newest never gets a ticket.
            entry.sessions = [session, *(s for s in entry.sessions if s is not session)][:_KEEP]

    def forget(self, server: ServerKey) -> None:
        """Drop what is kept for ``server`` (it answered an offer with a full handshake)."""
        with self._lock:
            self._entries.pop(server, None)

    def refuse(self, server: ServerKey) -> None:
        """Never offer a session to ``server`` again: it aborts handshakes that do."""
        with self._lock:
            self._entries.pop(server, None)
            self._refusing.add(server)

    def refuses(self, server: ServerKey) -> bool:
        """Whether ``server`` aborted a handshake that offered a session."""
        with self._lock:
            return server in self._refusing

    def clear(self) -> None:
        """Drop every session (sign-out, card removed)."""
        with self._lock:
            self._entries.clear()
            self._refusing.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


def _resumable(session: Any) -> bool:
    try:
        return bool(session.valid())
    except (AttributeError, TypeError):
        return False
