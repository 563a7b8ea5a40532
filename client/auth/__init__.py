"""Strong authentication to the operator: from a profile to ready IMAP/SMTP sessions.

:func:`build_authenticator` turns a validated profile into a
:class:`client.sessions.SessionOpener`:

- ``card-tls``: :class:`~client.auth.card_tls.CertificateTlsAuthenticator` over the CPS
  card signer (card TLS + SASL EXTERNAL);
- ``psc``: :class:`~client.auth.psc.PscAuthenticator` (PSC sign-in over card TLS, then
  XOAUTH2 sessions on stdlib TLS, tokens refreshed without the card);
- ``certificate``: :class:`~client.auth.card_tls.CertificateTlsAuthenticator` over the
  PKCS#12 file's key (password from the keyring, asked once).

Every authenticator has ``address``, ``open_imap()``, ``open_smtp()``, ``describe()`` and
``close()``. Errors are :mod:`client.auth.errors`, :mod:`client.trust`,
:mod:`client.tls.errors` and ``cps.errors`` (PIN, card).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from client.audit import record as audit_record
from client.auth.card_tls import CertificateTlsAuthenticator
from client.auth.certificate import PasswordAnswer, PasswordPrompt, load_certificate_signer
from client.auth.errors import (
    AuthenticationRefused,
    AuthError,
    CertificateFileError,
    CertificatePasswordRequired,
    IdTokenInvalid,
    InteractiveLoginRequired,
    IssuerMismatch,
    OidcError,
    OperatorUnreachable,
    ProviderError,
    ProviderUnreachable,
    SessionEnded,
    TokenRejected,
    UnknownClient,
)
from client.profiles.model import Profile
from client.trust import CrlStore, TrustStore, http_fetch, refuse_revoked_card

if TYPE_CHECKING:
    from imapclient import IMAPClient

    from client.auth.psc import PscAuthenticator
    from cps.pin import PinPrompt, PinRequest
    from cps.service import CardService
    from cps.session_card import CardChooser

__all__ = [
    "AuthError",
    "AuditedPinPrompt",
    "AuthenticationRefused",
    "Authenticator",
    "CertificateFileError",
    "CertificatePasswordRequired",
    "CertificateTlsAuthenticator",
    "IdTokenInvalid",
    "InteractiveLoginRequired",
    "IssuerMismatch",
    "OidcError",
    "OperatorUnreachable",
    "PasswordAnswer",
    "PasswordPrompt",
    "ProviderError",
    "ProviderUnreachable",
    "PscAuthenticator",
    "SessionEnded",
    "TokenRejected",
    "UnknownClient",
    "build_authenticator",
    "open_session",
    "record_sign_in_failed",
    "trust_for_profile",
]


def __getattr__(name: str) -> Any:
    # The PSC sign-in (OpenID Connect over httpx) loads only when asked for: a card-tls
    # or certificate sign-in never needs it, and httpx is a large import.
    if name == "PscAuthenticator":
        from client.auth.psc import PscAuthenticator

        return PscAuthenticator
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

logger = logging.getLogger(__name__)


class Authenticator(Protocol):
    """A :class:`client.sessions.SessionOpener` that can also say who it is and close."""

    @property
    def address(self) -> str:
        """The mailbox address."""
        ...

    def open_imap(self) -> IMAPClient:
        """A connected, authenticated IMAP client."""
        ...

    def open_smtp(self) -> smtplib.SMTP:
        """A connected, authenticated SMTP client."""
        ...

    def describe(self) -> dict[str, Any]:
        """Who is signed in and by which method."""
        ...

    def close(self) -> None:
        """Forget the sign-in."""
        ...


def trust_for_profile(profile: Profile, *, crls: CrlStore | None = None) -> TrustStore:
    """Anchors for the profile: system store, shipped IGC-Santé root, profile ``ca_file``;
    server chains' CRLs are refreshed in the background."""
    files = [profile.ca_file] if profile.ca_file else []
    return TrustStore.from_files(files, crls=crls, crl_fetch=http_fetch)


class _ClosingCard:
    """Closes the card service the factory created when the authenticator closes."""

    def __init__(self, inner: Any, service: CardService | None) -> None:
        self._inner = inner
        self._service = service

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    @property
    def address(self) -> str:
        return str(self._inner.address)

    def open_imap(self) -> IMAPClient:
        return self._inner.open_imap()

    def open_smtp(self) -> smtplib.SMTP:
        return self._inner.open_smtp()  # type: ignore[no-any-return]

    def describe(self) -> dict[str, Any]:
        return self._inner.describe()  # type: ignore[no-any-return]

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            if self._service is not None:
                self._service.close()
                self._service = None


def build_authenticator(
    profile: Profile,
    *,
    pin_prompt: PinPrompt | None = None,
    password_prompt: PasswordPrompt | None = None,
    card_service: CardService | None = None,
    trust: TrustStore | None = None,
    module: str | None = None,
    open_browser: Callable[[str], object] | None = None,
    chooser: CardChooser | None = None,
) -> Authenticator:
    """The authenticator for ``profile``'s method.

    For ``card-tls`` the PIN is asked now (through ``pin_prompt``); for ``psc`` it is
    asked at the first session (the sign-in); ``certificate`` asks its password now if
    the keyring does not have it.

    Args:
        card_service: an already running card service (the desktop app's); else one is
            created for the profile's PKCS#11 module (or ``module``) and closed with the
            authenticator.
        chooser: asked which card when two CPS cards are inserted, before the revocation
            check and the PIN (default: the first, said in the log).
    """
    try:
        return _build_authenticator(profile, pin_prompt=pin_prompt,
                                    password_prompt=password_prompt,
                                    card_service=card_service, trust=trust, module=module,
                                    open_browser=open_browser, chooser=chooser)
    except Exception as exc:
        # The one point where card-tls and certificate sign-ins fail (PIN refused, card
        # removed, no middleware, bad certificate file...): the class name only, never a
        # PIN, a password or a token.
        record_sign_in_failed(profile.address, profile.auth.method, exc)
        raise


class AuditedPinPrompt:
    """A PIN prompt that records each PIN the card refused (``pin-refused``, with the
    tries left, never the PIN) before asking again: the card service retries within one
    sign-in, so a wrong PIN followed by the right one leaves no error to record after.
    Every card sign-in's prompt is wrapped (terminal, desktop dialog, bridge)."""

    def __init__(self, inner: PinPrompt, address: str, method: str) -> None:
        self.inner = inner
        self.address = address
        self.method = method

    def ask_pin(self, request: PinRequest) -> str | None:
        """Record a refusal the request reports, then ask ``inner``."""
        from cps.pin import RETRY_INCORRECT

        if request.retry_reason == RETRY_INCORRECT:
            audit_record("pin-refused", address=self.address, method=self.method,
                         attempts_left=request.attempts_left)
        return self.inner.ask_pin(request)


def record_sign_in_failed(address: str, method: str, exc: BaseException) -> None:
    """Append the failed sign-in to the audit trail (never raises, records no secret).

    A wrong PIN (``pin-incorrect``, with the tries left, never the PIN), a locked card
    (``card-locked``) and a cancelled sign-in (``sign-in-cancelled``) are events of their
    own; anything else is ``sign-in-failed`` with the error's class name. One failure is
    recorded once, however many layers it goes up through (the PSC authenticator records
    its own sign-in, the desktop app's mailbox connection records the card TLS one).
    """
    from cps.errors import PinEntryCancelled, PinIncorrect, PinLocked

    if getattr(exc, "_audit_recorded", False):
        return
    try:
        exc._audit_recorded = True  # type: ignore[attr-defined]
    except AttributeError:  # an exception class with __slots__: recorded as it comes
        pass
    if isinstance(exc, PinIncorrect):
        audit_record("pin-incorrect", address=address, method=method,
                     attempts_left=exc.attempts_left)
    elif isinstance(exc, PinLocked):
        audit_record("card-locked", address=address, method=method)
    elif isinstance(exc, PinEntryCancelled):
        audit_record("sign-in-cancelled", address=address, method=method)
    else:
        audit_record("sign-in-failed", address=address, method=method,
                     error=type(exc).__name__)


def _build_authenticator(
    profile: Profile,
    *,
    pin_prompt: PinPrompt | None,
    password_prompt: PasswordPrompt | None,
    card_service: CardService | None,
    trust: TrustStore | None,
    module: str | None,
    open_browser: Callable[[str], object] | None,
    chooser: CardChooser | None = None,
) -> Authenticator:
    trust = trust or trust_for_profile(profile)
    method = profile.auth.method
    if method == "certificate":
        if profile.auth.certificate_file is None:
            raise CertificateFileError(profile.source or Path("profile"),
                                       "no certificate_file in the profile")
        signer = load_certificate_signer(profile.auth.certificate_file, password_prompt,
                                         secrets_settings=profile.secrets)
        return CertificateTlsAuthenticator(profile, signer, trust, method="certificate",
                                           crl_fetch=http_fetch)

    owned: CardService | None = None
    service = card_service
    if service is None:
        from cps.middleware import find_pkcs11_module
        from cps.service import CardService

        path = find_pkcs11_module(module, profile.auth.pkcs11_module)
        service = owned = CardService.for_module(path)
    if pin_prompt is None:
        raise ValueError("a PIN prompt is needed for card methods")
    from cps.session_card import FirstCardChooser

    prompt = AuditedPinPrompt(pin_prompt, profile.address, method)
    card = service
    try:
        which = chooser or FirstCardChooser()
        if method == "card-tls":
            # Which card, before anything else: the revocation check, the PIN and the
            # session's card follower all concern the card chosen here.
            choice = None if card.session is not None else card.choose_card(which)
            # Before the PIN and before any connection: a revoked card is refused here.
            refuse_revoked_card(card, trust,
                                slot_id=choice.slot_id if choice is not None else None)
            inner: Any = CertificateTlsAuthenticator(profile, card.signer(prompt, choice=choice),
                                                     trust, crl_fetch=http_fetch)
        else:
            from client.auth.psc import PscAuthenticator

            # The card is chosen when the PSC sign-in needs it (maybe much later).
            inner = PscAuthenticator(profile, trust,
                                     lambda: card.signer(prompt, chooser=which),
                                     open_browser=open_browser)
    except BaseException:
        if owned is not None:
            owned.close()
        raise
    return _ClosingCard(inner, owned)


#: The name the desktop app looks for ("profile + card service + PIN prompt -> opener").
open_session = build_authenticator
