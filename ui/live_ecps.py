"""e-CPS sign-in for the desktop app, over ``client.auth.ciba`` (no card, no middleware)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from client.profiles.model import Profile
from ui.backend import CardHolder, EcpsRequest, MailService

if TYPE_CHECKING:
    # OpenID Connect (httpx) loads with the first e-CPS sign-in.
    from client.auth.psc import PscAuthenticator

__all__ = ["LiveEcps"]

logger = logging.getLogger(__name__)


class LiveEcps:
    """Implements :class:`ui.backend.EcpsSignIn` for a ``psc`` profile with a gateway."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self._auth: PscAuthenticator | None = None

    def remembered_national_id(self) -> str:
        """The identifier last used with this profile."""
        from client.auth.ciba import remembered_national_id

        return remembered_national_id(self.profile)

    def sign_in(self, national_id: str, on_pending: Callable[[EcpsRequest], None],
                cancel: threading.Event) -> tuple[CardHolder, MailService]:
        """CIBA through the gateway, then the mailbox (worker thread)."""
        from client.auth.ciba import (
            CibaPending,
            build_ecps_authenticator,
            remember_national_id,
        )
        from ui.live_mail import LiveMailService

        def pending(request: CibaPending) -> None:
            on_pending(EcpsRequest(request.binding_message, request.seconds_left()))

        auth = build_ecps_authenticator(self.profile, national_id, on_pending=pending,
                                        cancel=cancel)
        try:
            auth.sign_in()
        except BaseException:
            auth.close()
            raise
        remember_national_id(self.profile, national_id)
        info = auth.userinfo
        holder = CardHolder(str(info.get("SubjectNameID") or national_id),
                            str(info.get("family_name") or ""),
                            str(info.get("given_name") or ""))
        mail = LiveMailService(auth, own_domains=self.profile.own_domains)
        try:
            mail.connect()
        except BaseException:
            mail.close()
            raise
        self._auth = auth
        return holder, mail

    def session_alive(self) -> bool:
        """Refresh the token now: False once PSC ended the session."""
        from client.auth.errors import AuthError

        auth = self._auth
        if auth is None:
            return False
        try:
            auth.refresh()
        except AuthError as exc:
            logger.info("PSC session over: %s", type(exc).__name__)
            return False
        return True
