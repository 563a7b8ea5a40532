"""``psc``: Pro Santé Connect sign-in with the CPS card, then XOAUTH2/OAUTHBEARER sessions.

Sign-in (:meth:`PscAuthenticator.sign_in`): discovery, an authorization request with PKCE
sent over card TLS (the one card signature of the sign-in), the code traded for tokens,
the ID token checked, userinfo read. Sessions then use plain server-authenticated TLS
(stdlib ``ssl``, no client certificate: with ``auth_ssl_username_from_cert`` a certificate
would name the session after the certificate's holder, not the token's) and the access
token in SASL.

With e-CPS (:meth:`PscAuthenticator.use_ecps`) the sign-in is a CIBA request through the
profile's gateway, approved on the professional's phone; no card is involved at all.

PSC access tokens live 2 to 5 minutes: each ``open_*`` refreshes the token
when it expires within ``refresh_margin`` seconds (no card involved), and a token refused
by the server is refreshed once and the session retried. A refused refresh token ends the
sign-in with :class:`SessionEnded`. Tokens are kept in memory only; the refresh token may
be kept in the OS keyring when ``keep_refresh_token`` is set (off by default).
"""

from __future__ import annotations

import logging
import smtplib
import threading
import time
import webbrowser
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from client.audit import record as audit_record
from client.auth.connect import DEFAULT_TIMEOUT, connect_imap, connect_smtp
from client.auth.errors import InteractiveLoginRequired, SessionEnded, TokenRejected
from client.auth.oidc import OidcClient, TokenSet
from client.auth.sasl import TokenMechanism, imap_token, smtp_token
from client.profiles.model import Profile
from client.tls import card_tls_context
from client.tls.signer import Signer
from client.trust import TrustStore

if TYPE_CHECKING:
    from imapclient import IMAPClient

__all__ = ["PscAuthenticator"]

logger = logging.getLogger(__name__)

_Session = TypeVar("_Session")


class PscAuthenticator:
    """Signs in with Pro Santé Connect and opens token-authenticated sessions.

    Implements :class:`client.sessions.SessionOpener`.

    Args:
        profile: the operator profile (``[auth] method = "psc"``).
        trust: anchors for the operator and the provider.
        signer: the card's authentication signer (asked for its one signature), or a
            callable returning it (so the PIN is asked only when a sign-in is needed).
        mechanism: ``XOAUTH2`` (Ségur requirement) or ``OAUTHBEARER``.
        refresh_margin: refresh when the access token expires within this many seconds.
        open_browser: opens a URL for the RFC 8252 fallback (default: the system browser).
        clock: monotonic clock.
        keep_refresh_token: keep the refresh token in the OS keyring (off by default), so
            that a restart within the PSC session needs no card; the access token is never
            kept.
    """

    method = "psc"

    def __init__(
        self,
        profile: Profile,
        trust: TrustStore,
        signer: Signer | Callable[[], Signer],
        *,
        mechanism: TokenMechanism = "XOAUTH2",
        refresh_margin: float = 30.0,
        open_browser: Callable[[str], object] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
        oidc: OidcClient | None = None,
        keep_refresh_token: bool = False,
    ) -> None:
        self.profile = profile
        self.trust = trust
        self._signer_source = signer
        self.mechanism: TokenMechanism = mechanism
        self.refresh_margin = refresh_margin
        self.timeout = timeout
        self._open_browser = open_browser or webbrowser.open
        self._clock = clock
        self.oidc = oidc or OidcClient(profile.auth, trust, clock=clock)
        self._tokens: TokenSet | None = None
        self._lock = threading.RLock()
        self.userinfo: dict[str, Any] = {}
        self.refresh_count = 0
        self._signer: Signer | None = None
        self.keep_refresh_token = keep_refresh_token
        self._ecps: tuple[str, Callable[[Any], None] | None, threading.Event] | None = None
        # One context for every mail session: loading the anchors costs ~0.1 s.
        self._mail_tls = trust.ssl_context()

    @property
    def address(self) -> str:
        """The mailbox address (from the profile)."""
        return self.profile.address

    @property
    def signer(self) -> Signer:
        """The card signer (obtained on first use: that is when the PIN is asked)."""
        signer = self._signer
        if signer is None:
            source = self._signer_source
            signer = source if isinstance(source, Signer) else source()
            self._signer = signer
        return signer

    def use_ecps(
        self,
        national_id: str,
        *,
        on_pending: Callable[[Any], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        """Sign in with e-CPS (CIBA through the gateway) instead of the card from now on.

        Args:
            national_id: the professional's national identifier.
            on_pending: called with the :class:`client.auth.ciba.CibaPending` of each
                sign-in (show its binding message).
            cancel: set it to stop waiting for an approval.
        """
        self._ecps = (national_id, on_pending, cancel or threading.Event())

    @property
    def method_detail(self) -> str:
        """``"ecps"`` or ``"card"``: how the PSC sign-in is proven."""
        return "ecps" if self._ecps is not None else "card"

    @property
    def signed_in(self) -> bool:
        """True while a token set is held."""
        return self._tokens is not None

    # -- sign-in ----------------------------------------------------------------------
    def sign_in(self) -> dict[str, Any]:
        """Run the card sign-in once; return the userinfo claims.

        Raises:
            IssuerMismatch, UnknownClient, ProviderError, ProviderUnreachable,
            TrustError, TlsError, CardError (PIN...).
        """
        try:
            return self._sign_in()
        except Exception as exc:
            # The class name only (a wrong PIN, a locked card and a cancelled entry as
            # events of their own): never the PIN, a code or a token.
            from client.auth import record_sign_in_failed

            record_sign_in_failed(self.address, "psc", exc)
            raise

    def _sign_in(self) -> dict[str, Any]:
        with self._lock:
            if self._tokens is not None:
                return self.userinfo
            from client.auth.oidc import LoopbackReceiver

            self.oidc.discover()
            if self.keep_refresh_token and self._resume_from_keyring():
                return self.userinfo
            if self._ecps is not None:
                return self._sign_in_ecps(*self._ecps)
            # The redirect is read from the Location header; the loopback address only
            # has to be well-formed and the same in the token request (RFC 8252 7.3).
            receiver = LoopbackReceiver()
            try:
                request = self.oidc.authorization_request(receiver.redirect_uri)
            finally:
                receiver.close()
            context = card_tls_context(self.signer, self.trust)
            try:
                code = self.oidc.authorize_with_card(request, context)
            except InteractiveLoginRequired:
                logger.info("PSC asks for an interactive sign-in: opening the browser")
                code, request = self.oidc.authorize_in_browser(self._open_browser)
            tokens = self.oidc.exchange_code(code, request)
            self._tokens = tokens
            self._keep(tokens)
            self.userinfo = self.oidc.userinfo(tokens)
            logger.info("signed in with Pro Santé Connect as %s",
                        self.userinfo.get("SubjectNameID", "?"))
            audit_record("sign-in", address=self.address, method="psc")
            return self.userinfo

    def _sign_in_ecps(self, national_id: str, on_pending: Callable[[Any], None] | None,
                      cancel: threading.Event) -> dict[str, Any]:
        from client.auth.ciba import ciba_sign_in

        tokens = ciba_sign_in(self.oidc, national_id, on_pending=on_pending, cancel=cancel)
        self._tokens = tokens
        self._keep(tokens)
        self.userinfo = self.oidc.userinfo(tokens)
        logger.info("signed in with e-CPS as %s", self.userinfo.get("SubjectNameID", "?"))
        audit_record("sign-in", address=self.address, method="psc-ecps")
        return self.userinfo

    def _current_token(self, *, force_refresh: bool = False) -> str:
        with self._lock:
            if self._tokens is None:
                self.sign_in()
            tokens = self._held_tokens()
            if force_refresh or tokens.expires_at - self._clock() <= self.refresh_margin:
                self._refresh_locked(tokens)
                tokens = self._held_tokens()
            return tokens.access_token

    def _held_tokens(self) -> TokenSet:
        if self._tokens is None:
            raise SessionEnded("not signed in")
        return self._tokens

    def _refresh_locked(self, tokens: TokenSet) -> None:
        try:
            self._tokens = self.oidc.refresh(tokens)
        except SessionEnded:
            # The PSC session is over: forget everything; the next use asks a new sign-in.
            self._tokens = None
            self.userinfo = {}
            raise
        self.refresh_count += 1
        if self._tokens is not None and self._tokens.refresh_token != tokens.refresh_token:
            self._keep(self._tokens)
        logger.info("access token refreshed (no card needed)")

    # -- refresh token in the keyring (opt-in) ------------------------------------------
    def _secret_name(self) -> str:
        auth = self.profile.auth
        return f"psc-refresh:{auth.issuer}|{auth.client_id}|{self.address}"

    def _keep(self, tokens: TokenSet) -> None:
        if not self.keep_refresh_token or not tokens.refresh_token:
            return
        from client import secrets

        try:
            secrets.store(self._secret_name(), tokens.refresh_token)
        except secrets.SecretStoreError as exc:
            logger.warning("refresh token not kept: %s", exc.reason)

    def _resume_from_keyring(self) -> bool:
        from client import secrets

        try:
            stored = secrets.load(self._secret_name())
        except secrets.SecretStoreError as exc:
            logger.info("keyring not usable: %s", exc.reason)
            return False
        if not stored:
            return False
        try:
            tokens = self.oidc.refresh(TokenSet(access_token="", expires_at=0.0,
                                                refresh_token=stored))
        except SessionEnded:
            logger.info("the kept PSC session has ended: signing in with the card")
            return False
        self._tokens = tokens
        self._keep(tokens)
        self.userinfo = self.oidc.userinfo(tokens)
        logger.info("PSC session resumed from the keyring (no card needed)")
        return True

    def refresh(self) -> None:
        """Refresh the access token now.

        Raises:
            SessionEnded: the provider refused the refresh token.
        """
        self._current_token(force_refresh=True)

    # -- sessions ---------------------------------------------------------------------
    def open_imap(self) -> IMAPClient:
        """An IMAP session with the current (refreshed if needed) token.

        Raises:
            SessionEnded: the token could not be refreshed (sign in again).
            TokenRejected: the server refused even a fresh token.
        """
        return self._signed_in(
            lambda: connect_imap(self.profile.imap, self._mail_tls, timeout=self.timeout),
            lambda client, token: imap_token(client, self.mechanism, self.address, token,
                                             self.profile.imap.host, self.profile.imap.port),
            lambda client: client.shutdown(),
        )

    def open_smtp(self) -> smtplib.SMTP:
        """An SMTP submission session with the current token (see :meth:`open_imap`)."""
        return self._signed_in(
            lambda: connect_smtp(self.profile.smtp, self._mail_tls, timeout=self.timeout),
            lambda smtp, token: smtp_token(smtp, self.mechanism, self.address, token,
                                           self.profile.smtp.host, self.profile.smtp.port),
            lambda smtp: smtp.close(),
        )

    def _signed_in(self, connect: Callable[[], _Session],
                   authenticate: Callable[[_Session, str], None],
                   close: Callable[[_Session], None]) -> _Session:
        """A new session signed in with the current token; if the server refuses it, once
        more with a refreshed token."""
        for attempt in (1, 2):
            token = self._current_token(force_refresh=attempt == 2)
            session = connect()
            try:
                authenticate(session, token)
            except TokenRejected:
                close(session)
                if attempt == 2:
                    raise
                logger.info("the server refused the access token: refreshing once")
                continue
            except BaseException:
                close(session)
                raise
            return session
        raise AssertionError("unreachable")

    def describe(self) -> dict[str, Any]:
        """Who is signed in and how."""
        info = self.userinfo
        return {
            "method": self.method,
            "address": self.address,
            "national_id": str(info.get("SubjectNameID", "")),
            "family_name": str(info.get("family_name", "")),
            "given_name": str(info.get("given_name", "")),
            "mechanism": self.mechanism,
            "proof": self.method_detail,
            "gateway": self.oidc.gateway,
        }

    def close(self) -> None:
        """Forget the tokens; revoke the refresh token unless it is kept in the keyring."""
        with self._lock:
            if self._tokens is not None and not self.keep_refresh_token:
                self.oidc.revoke(self._tokens)
            self._tokens = None
        self.oidc.close()
