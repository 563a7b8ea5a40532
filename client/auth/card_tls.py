"""``card-tls``: TLS client authentication with the CPS card, then SASL EXTERNAL.

The historic MSSanté client baseline (the 2014 client specification): the card's
authentication key proves the professional in the TLS handshake (one card signature per
handshake), and SASL EXTERNAL (RFC 4422 appendix A) asks the server to name the user from
the certificate.
The first session opened here costs a card signature; later ones resume its TLS session
where the server allows it (:mod:`client.tls.resumption`), which costs none, and a server
that breaks off such an offer is simply connected to again with a full handshake. The card
layer keeps one logged-in session per insertion, so the PIN is asked once.

The same class serves the ``certificate`` method (applicative mailboxes): only the signer
differs (a key from a PKCS#12 file instead of the card).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from client.audit import record as audit_record
from client.auth.connect import DEFAULT_TIMEOUT, connect_imap, connect_smtp
from client.auth.sasl import imap_external, smtp_external
from client.profiles.model import Profile
from client.tls import card_tls_context
from client.tls.errors import ResumptionRefused
from client.tls.signer import Signer
from client.trust import TrustStore, http_post_ocsp, readable_name

if TYPE_CHECKING:
    from imapclient import IMAPClient

__all__ = ["CertificateTlsAuthenticator"]

logger = logging.getLogger(__name__)

_Session = TypeVar("_Session")


class CertificateTlsAuthenticator:
    """Opens IMAP/SMTP sessions authenticated by a TLS client certificate + EXTERNAL.

    Implements :class:`client.sessions.SessionOpener`.

    Args:
        profile: the operator profile.
        signer: the card signer (``cps``) or a software signer (certificate file).
        trust: server anchors; the signer's certificate is checked against the kept CRL.
        method: ``"card-tls"`` or ``"certificate"`` (reported to the user).
        crl_fetch: downloads a CRL distribution point (None: use the kept CRL only).
    """

    def __init__(
        self,
        profile: Profile,
        signer: Signer,
        trust: TrustStore,
        *,
        method: str = "card-tls",
        timeout: float = DEFAULT_TIMEOUT,
        crl_fetch: Callable[[str], bytes] | None = None,
    ) -> None:
        self.profile = profile
        self.signer = signer
        self.trust = trust
        self.method = method
        self.timeout = timeout
        self._crl_fetch = crl_fetch
        self._context = card_tls_context(
            signer, trust, client_chain=list(getattr(signer, "chain", []) or [])
        )
        self._revocation_checked = False
        audit_record("sign-in", address=profile.address, method=method)

    @property
    def address(self) -> str:
        """The mailbox address (from the profile)."""
        return self.profile.address

    def _check_revocation(self) -> None:
        # Before any connection: a revoked certificate must not even be offered.
        if not self._revocation_checked:
            self.trust.check_revocation(
                self.signer.certificate, fetch=self._crl_fetch,
                chain=list(getattr(self.signer, "chain", []) or []),
                ocsp_post=http_post_ocsp if self._crl_fetch is not None else None)
            self._revocation_checked = True

    def open_imap(self) -> IMAPClient:
        """A new IMAP session: card TLS (a signature unless resumed), AUTHENTICATE EXTERNAL."""
        return self._signed_in(
            lambda: connect_imap(self.profile.imap, self._context, timeout=self.timeout),
            imap_external, lambda client: client.shutdown(),
        )

    def open_smtp(self) -> smtplib.SMTP:
        """A new SMTP session: card TLS (a signature unless resumed), AUTH EXTERNAL."""
        return self._signed_in(
            lambda: connect_smtp(self.profile.smtp, self._context, timeout=self.timeout),
            smtp_external, lambda smtp: smtp.close(),
        )

    def _signed_in(self, connect: Callable[[], _Session],
                   authenticate: Callable[[_Session], object],
                   close: Callable[[_Session], None]) -> _Session:
        """Connect (once more if the server refused to resume the TLS session) and sign in."""
        self._check_revocation()
        try:
            session = connect()
        except ResumptionRefused:
            session = connect()
        try:
            authenticate(session)
        except BaseException:
            close(session)
            raise
        return session

    def describe(self) -> dict[str, Any]:
        """Who signs in and how (for ``login`` and the status bar)."""
        from cryptography.x509.oid import NameOID

        subject = self.signer.certificate.subject

        def first(oid: Any) -> str:
            values = subject.get_attributes_for_oid(oid)
            return str(values[0].value) if values else ""

        return {
            "method": self.method,
            "address": self.address,
            "national_id": first(NameOID.COMMON_NAME),
            "family_name": first(NameOID.SURNAME),
            "given_name": first(NameOID.GIVEN_NAME),
            "subject": readable_name(subject),
        }

    def close(self) -> None:
        """Nothing held between sessions (the card session belongs to ``cps``)."""
