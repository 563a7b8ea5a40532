"""e-CPS sign-in by CIBA (OpenID Client Initiated Backchannel Authentication, poll mode).

ANS recommends CIBA for desktop software: the app asks for a sign-in of a national
identifier, the professional approves it in the e-CPS application of their phone (or with
the CPx card in CPS-Gestion), and the app polls for the tokens. Pro Santé Connect only
accepts it from a confidential client, so every call goes through the profile's gateway
(``[auth] gateway``): ``POST /v1/ciba`` (CIBA Core 1.0 section 7.1: ``login_hint``,
``binding_message``, ``scope``, ``acr_values``) then ``POST /v1/token`` with
``grant_type=urn:openid:params:grant-type:ciba`` (section 10.1) until the answer is not
``authorization_pending``; ``slow_down`` adds 5 s to the interval (section 11).

Errors (branches of :class:`client.auth.errors.OidcError`)::

    OidcError
     ├── ProviderUnreachable
     │    └── GatewayUnreachable(gateway, reason)
     ├── GatewayRequired                 the profile has no [auth] gateway
     ├── EcpsDenied(national_id)         refused on the phone (access_denied)
     ├── EcpsExpired(national_id)        not approved in time (expired_token)
     ├── EcpsCancelled                   the user cancelled while waiting
     └── EcpsUnknownUser(national_id)    PSC knows no such identifier (unknown_user_id)
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from client.auth.errors import (
    IdTokenInvalid,
    OidcError,
    ProviderError,
    ProviderUnreachable,
)
from client.auth.oidc import OidcClient, TokenSet
from client.profiles.model import Profile

if TYPE_CHECKING:
    from client.auth.psc import PscAuthenticator
    from client.tls.signer import Signer
    from client.trust import TrustStore

__all__ = [
    "CIBA_GRANT",
    "CibaPending",
    "EcpsCancelled",
    "EcpsDenied",
    "EcpsExpired",
    "EcpsUnknownUser",
    "GatewayRequired",
    "GatewayUnreachable",
    "binding_message",
    "build_ecps_authenticator",
    "ciba_sign_in",
    "remember_national_id",
    "remembered_national_id",
    "valid_national_id",
]

logger = logging.getLogger(__name__)

CIBA_GRANT = "urn:openid:params:grant-type:ciba"
#: CIBA Core 1.0 section 11: slow_down means the interval grows by at least 5 s.
_SLOW_DOWN_STEP = 5.0


class GatewayUnreachable(ProviderUnreachable):
    """The PSC gateway does not answer, or says Pro Santé Connect is unavailable.

    Attributes:
        gateway: the gateway's URL.
        reason: what failed.
    """

    def __init__(self, gateway: str, reason: str) -> None:
        super().__init__(gateway, reason)
        self.gateway = gateway


class GatewayRequired(OidcError):
    """An e-CPS sign-in needs the profile's ``[auth] gateway`` (PSC's confidential client)."""

    def __init__(self) -> None:
        super().__init__("the profile has no [auth] gateway: e-CPS needs one")


class _EcpsError(OidcError):
    def __init__(self, national_id: str, message: str) -> None:
        super().__init__(message)
        self.national_id = national_id


class EcpsDenied(_EcpsError):
    """The professional refused the sign-in on the phone (``access_denied``)."""

    def __init__(self, national_id: str) -> None:
        super().__init__(national_id, "the e-CPS sign-in was refused")


class EcpsExpired(_EcpsError):
    """The request was not approved in time (``expired_token``)."""

    def __init__(self, national_id: str) -> None:
        super().__init__(national_id, "the e-CPS sign-in request expired")


class EcpsUnknownUser(_EcpsError):
    """Pro Santé Connect knows no e-CPS for this identifier (``unknown_user_id``)."""

    def __init__(self, national_id: str) -> None:
        super().__init__(national_id, "no e-CPS for this national identifier")


class EcpsCancelled(OidcError):
    """The user cancelled while the app waited for the approval."""

    def __init__(self) -> None:
        super().__init__("e-CPS sign-in cancelled")


@dataclass(frozen=True)
class CibaPending:
    """A started sign-in: what to show while waiting."""

    national_id: str
    binding_message: str
    expires_at: float  # clock() deadline
    interval: float
    auth_req_id: str = field(repr=False, default="")

    def seconds_left(self, clock: Callable[[], float] = time.monotonic) -> int:
        """Whole seconds before the request expires (for a countdown)."""
        return max(0, int(self.expires_at - clock()))


def binding_message() -> str:
    """A short code shown on both screens (CIBA Core 1.0 section 7.1): 4 digits."""
    return f"{secrets.randbelow(10_000):04d}"


def _document(oidc: OidcClient, response: Any) -> dict[str, Any]:
    return oidc._json(response)


def _start(oidc: OidcClient, national_id: str, message: str) -> CibaPending:
    settings = oidc.settings
    response = oidc.gateway_post("/v1/ciba", {
        "login_hint": national_id, "binding_message": message, "scope": settings.scope,
        "acr_values": settings.acr_values, "client_id": settings.client_id,
    })
    if response.status_code >= 400:
        try:
            error = str(_document(oidc, response).get("error", ""))
        except ProviderError:
            error = f"http_{response.status_code}"
        if error == "unknown_user_id":
            raise EcpsUnknownUser(national_id)
        oidc._raise_for_error(response)
    document = _document(oidc, response)
    auth_req_id = str(document.get("auth_req_id") or "")
    try:
        expires_in = float(document.get("expires_in") or 0)
        interval = float(document.get("interval") or 5)
    except (TypeError, ValueError) as exc:
        raise ProviderError("invalid_response", "expires_in or interval not a number") \
            from exc
    if not auth_req_id or expires_in <= 0:
        raise ProviderError("invalid_response", "no auth_req_id in the CIBA answer")
    return CibaPending(national_id, message, oidc.clock() + expires_in,
                       max(1.0, interval), auth_req_id)


def ciba_sign_in(
    oidc: OidcClient,
    national_id: str,
    *,
    on_pending: Callable[[CibaPending], None] | None = None,
    cancel: threading.Event | None = None,
    message: str | None = None,
) -> TokenSet:
    """Run one e-CPS sign-in and return the tokens.

    Args:
        oidc: the profile's client (its ``[auth] gateway`` is required).
        national_id: the professional's national identifier (``login_hint``).
        on_pending: called once the request is started (show the binding message).
        cancel: set from another thread to stop waiting.
        message: the binding message (default: :func:`binding_message`).

    Raises:
        GatewayRequired, GatewayUnreachable, EcpsDenied, EcpsExpired, EcpsUnknownUser,
        EcpsCancelled, UnknownClient, ProviderError, IdTokenInvalid, TrustError.
    """
    if not oidc.gateway:
        raise GatewayRequired()
    cancel = cancel or threading.Event()
    oidc.discover()
    pending = _start(oidc, national_id, message or binding_message())
    logger.info("e-CPS sign-in started; waiting for the approval on the phone")
    if on_pending is not None:
        on_pending(pending)
    interval = pending.interval
    while True:
        # CIBA Core 1.0 section 7.3: never poll more often than the interval.
        if cancel.wait(interval):
            raise EcpsCancelled()
        if oidc.clock() > pending.expires_at:
            raise EcpsExpired(national_id)
        response = oidc.gateway_post("/v1/token", {
            "grant_type": CIBA_GRANT, "auth_req_id": pending.auth_req_id,
            "client_id": oidc.settings.client_id,
        })
        if response.status_code < 400:
            break
        try:
            error = str(_document(oidc, response).get("error", ""))
        except ProviderError:
            error = ""
        if error == "authorization_pending":
            continue
        if error == "slow_down":
            interval += _SLOW_DOWN_STEP
            continue
        if error == "access_denied":
            raise EcpsDenied(national_id)
        if error == "expired_token":
            raise EcpsExpired(national_id)
        oidc._raise_for_error(response)
    tokens = TokenSet.from_response(_document(oidc, response), oidc.clock)
    if tokens.id_token:
        claims = oidc.verify_id_token(tokens.id_token, None)
        # The approval must be the one asked for: a token for someone else is refused.
        subject = str(claims.get("SubjectNameID") or claims.get("preferred_username") or "")
        if subject and subject != national_id:
            raise IdTokenInvalid("the approval is for another professional")
    logger.info("e-CPS sign-in approved")
    return tokens



# -- the authenticator and the remembered national identifier -----------------------------

_NATIONAL_ID = re.compile(r"[0-9]{9,12}")


def valid_national_id(value: str) -> bool:
    """True for a national identifier's shape (``8`` + RPPS or ``0`` + ADELI...)."""
    return bool(_NATIONAL_ID.fullmatch(value.strip()))


def build_ecps_authenticator(
    profile: Profile,
    national_id: str,
    *,
    on_pending: Callable[[CibaPending], None] | None = None,
    cancel: threading.Event | None = None,
    trust: TrustStore | None = None,
) -> PscAuthenticator:
    """A :class:`PscAuthenticator` that signs in with e-CPS (no card, no middleware).

    Raises:
        GatewayRequired: the profile is not ``psc`` with an ``[auth] gateway``.
    """
    from client.auth import trust_for_profile
    from client.auth.psc import PscAuthenticator

    if profile.auth.method != "psc" or not profile.auth.gateway:
        raise GatewayRequired()

    def no_card() -> Signer:
        raise GatewayRequired()  # never called: e-CPS sign-ins involve no card

    auth = PscAuthenticator(profile, trust or trust_for_profile(profile), no_card)
    auth.use_ecps(national_id, on_pending=on_pending, cancel=cancel)
    return auth


def _store() -> Path:
    from client.paths import app_paths

    return app_paths().ensure().config / "ecps.json"


def _profile_key(profile: Profile) -> str:
    return f"{profile.address}|{profile.auth.gateway}"


def remembered_national_id(profile: Profile) -> str:
    """The national identifier last used with e-CPS for this profile (``""`` if none)."""
    try:
        document = json.loads(_store().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    value = document.get(_profile_key(profile), "") if isinstance(document, dict) else ""
    return value if isinstance(value, str) and valid_national_id(value) else ""


def remember_national_id(profile: Profile, national_id: str) -> None:
    """Remember ``national_id`` for this profile (an identifier, not a secret)."""
    path = _store()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(document, dict):
            document = {}
    except (OSError, ValueError):
        document = {}
    document[_profile_key(profile)] = national_id
    try:
        path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    except OSError as exc:
        logger.info("national identifier not remembered: %s", exc.strerror)
