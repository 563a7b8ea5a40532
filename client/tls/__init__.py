"""TLS with the key on the card.

:func:`card_tls_context` returns an object with the ``wrap_socket`` of an
:class:`ssl.SSLContext`, usable as ``IMAPClient(ssl_context=...)``,
``IMAPClient.starttls(ctx)``, ``smtplib.SMTP_SSL(context=...)``, ``SMTP.starttls(context=...)``
and ``http.client.HTTPSConnection(context=...)``. Its one backend, ``tlslite``
(:mod:`client.tls.tlslite_backend`), is portable, signs through the card signer (one
signature per full handshake; later connections resume the session while the card stays
in, :mod:`client.tls.resumption`) and validates the server chain itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Literal, Protocol

from cryptography import x509

from client.tls.errors import (
    ClientCertificateRefused,
    HandshakeFailed,
    TlsBackendUnavailable,
    TlsError,
)
from client.tls.signer import Signer, SoftwareSigner
from client.tls.tlslite_backend import CardTlsSocket, TlsliteCardContext
from client.trust import TrustStore

__all__ = [
    "CardTlsSocket",
    "ClientCertificateRefused",
    "HandshakeFailed",
    "Signer",
    "SoftwareSigner",
    "TlsBackendUnavailable",
    "TlsContext",
    "TlsError",
    "TlsliteCardContext",
    "card_tls_context",
]

logger = logging.getLogger(__name__)

Backend = Literal["auto", "tlslite"]


class TlsContext(Protocol):
    """The part of :class:`ssl.SSLContext` that mail and HTTP libraries call."""

    def wrap_socket(self, sock: object, server_hostname: str | None = None) -> object:
        """Handshake over ``sock`` and return the TLS socket."""
        ...


def card_tls_context(
    signer: Signer,
    trust: TrustStore,
    *,
    backend: Backend = "auto",
    client_chain: Sequence[x509.Certificate] = (),
) -> TlsliteCardContext:
    """A client TLS context that authenticates with ``signer``'s key.

    ``auto`` is the tlslite backend, the only one; another name raises
    :class:`TlsBackendUnavailable`.
    """
    if backend not in ("auto", "tlslite"):
        raise TlsBackendUnavailable(str(backend), "unknown backend")
    return TlsliteCardContext(signer, trust, client_chain=client_chain,
                              resumable=_card_present(signer))


def _card_present(signer: Signer) -> Callable[[], bool] | None:
    """For a card signer: whether its card session is still open (card not removed).

    A resumed TLS session needs no signature, so without this check a connection opened
    after the card left the reader would still get in: the sessions are dropped instead,
    and the next handshake asks the card, which fails as removal says it must.
    """
    from cps.signer import CardSigner

    if isinstance(signer, CardSigner):
        session = signer.session
        return lambda: session.active
    return None
