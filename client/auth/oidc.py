"""A Pro Santé Connect (OpenID Connect) client for a native app.

Authorization code flow with PKCE (RFC 7636, S256) and a loopback redirect URI
(RFC 8252 section 7.3). Pro Santé Connect proves the professional with the CPS card
through TLS client authentication at the wallet's authorize endpoint, so the authorize
request goes over the card TLS context and its redirect is read from the ``Location``
header without following it. When the provider answers with a page instead (a consent or
a choice to make), the same request is opened in the system browser and the loopback
listener receives the redirect (RFC 8252 section 4.1).

Production Pro Santé Connect registers confidential clients only: with ``[auth] gateway``
the token requests (code exchange, refresh, CIBA polls) and the revocation go to the
publisher's or operator's gateway (``python -m gateway``), which adds the client
credentials; discovery, the authorize request, userinfo and the JWKS still go to PSC
(they need no credential). Without a gateway the app is a public client talking to the
provider directly, which only development providers accept.

The discovery URL is configurable (PSC publishes ``wallet-openid-configuration``); the
document's ``issuer`` must equal the profile's (OpenID Connect Discovery 1.0 section 4.3).
Tokens live in memory (:class:`TokenSet` hides them from ``repr``).
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import logging
import math
import secrets
import socket
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, NoReturn
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import jwt

from client.auth.errors import (
    IdTokenInvalid,
    InteractiveLoginRequired,
    IssuerMismatch,
    OidcError,
    ProviderError,
    ProviderUnreachable,
    SessionEnded,
    UnknownClient,
)
from client.profiles.model import AuthSettings
from client.trust import TrustError, TrustStore, translate_ssl_error

__all__ = [
    "AuthorizationRequest",
    "LoopbackReceiver",
    "OidcClient",
    "ProviderMetadata",
    "TokenSet",
]

logger = logging.getLogger(__name__)

_TIMEOUT = 30.0


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class ProviderMetadata:
    """The endpoints the client uses (OpenID Connect Discovery 1.0 section 3)."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    revocation_endpoint: str = ""


@dataclass(frozen=True)
class AuthorizationRequest:
    """One authorization request: its URL and the secrets to check its answer."""

    url: str
    redirect_uri: str
    state: str = field(repr=False)
    nonce: str = field(repr=False)
    code_verifier: str = field(repr=False)


def _raise_trust_failure(exc: httpx.ConnectError, url: str) -> None:
    """Raise the trust failure (a :class:`TrustError`) behind a refused TLS connection."""
    cause = exc.__context__ or exc.__cause__
    if isinstance(cause, ssl.SSLError):
        trust = translate_ssl_error(cause, urlsplit(url).hostname or url)
        if trust is not None:
            raise trust from exc


def _lifetime(document: Mapping[str, Any], name: str) -> float | None:
    """A lifetime in seconds (RFC 6749 section 5.1: a number); junk is a provider error."""
    value = document.get(name)
    if value is None or value == "":
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError) as exc:
        raise ProviderError("invalid_response", f"{name} is not a number") from exc
    if not math.isfinite(seconds) or seconds < 0:
        raise ProviderError("invalid_response", f"{name} is out of range")
    return seconds


@dataclass
class TokenSet:
    """Tokens of a sign-in, in memory only (never logged, never written)."""

    access_token: str = field(repr=False)
    expires_at: float  # time.monotonic() deadline
    refresh_token: str = field(default="", repr=False)
    refresh_expires_at: float | None = None
    id_token: str = field(default="", repr=False)
    scope: str = ""

    @classmethod
    def from_response(cls, document: Mapping[str, Any], clock: Callable[[], float]) -> TokenSet:
        """Build from a token endpoint response (RFC 6749 section 5.1)."""
        now = clock()
        access = document.get("access_token")
        if not isinstance(access, str) or not access:
            raise ProviderError("invalid_response", "no access_token in the token response")
        expires_in = _lifetime(document, "expires_in") or 300.0
        refresh_in = _lifetime(document, "refresh_expires_in")
        return cls(
            access_token=access,
            expires_at=now + expires_in,
            refresh_token=str(document.get("refresh_token") or ""),
            refresh_expires_at=now + refresh_in if refresh_in else None,
            id_token=str(document.get("id_token") or ""),
            scope=str(document.get("scope") or ""),
        )


class LoopbackReceiver:
    """A one-shot HTTP listener on 127.0.0.1 that receives the authorization redirect."""

    def __init__(self, path: str = "/callback") -> None:
        self.path = path
        self.result: dict[str, str] | None = None
        self._done = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                logger.debug("loopback: " + format, *args)

            def do_GET(self) -> None:  # http.server's interface
                parts = urlsplit(self.path)
                if parts.path != receiver.path:
                    self.send_error(404)
                    return
                receiver.result = {k: v[0] for k, v in parse_qs(parts.query).items()}
                body = (
                    "<!doctype html><meta charset=utf-8><title>Compagnon MSSanté</title>"
                    "<p>Connexion terminée. Vous pouvez fermer cette fenêtre.</p>"
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                receiver._done.set()

        self._server = HTTPServer(("127.0.0.1", 0), Handler)
        self._thread: threading.Thread | None = None

    @property
    def redirect_uri(self) -> str:
        """``http://127.0.0.1:<port>/callback``."""
        return f"http://127.0.0.1:{self._server.server_address[1]}{self.path}"

    def start(self) -> None:
        """Serve in the background until a redirect arrives or :meth:`close`."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._server.serve_forever,
                                            kwargs={"poll_interval": 0.1}, daemon=True)
            self._thread.start()

    def wait(self, timeout: float) -> dict[str, str] | None:
        """The redirect's query parameters, or None after ``timeout`` seconds."""
        self._done.wait(timeout)
        return self.result

    def close(self) -> None:
        """Stop listening."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(5)
        self._server.server_close()


class OidcClient:
    """Talks to one OpenID provider for one client_id (through its gateway, if any).

    Args:
        settings: the profile's ``[auth]`` (issuer, discovery_url, client_id, scope, acr).
        trust: anchors for the provider's HTTPS endpoints.
        clock: monotonic clock (tests move time).
        transport: an httpx transport (tests), else the network.
    """

    def __init__(
        self,
        settings: AuthSettings,
        trust: TrustStore,
        *,
        clock: Callable[[], float] = time.monotonic,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.trust = trust
        self.clock = clock
        self._http = httpx.Client(
            verify=trust.ssl_context(), timeout=_TIMEOUT, transport=transport,
            headers={"User-Agent": "mssante-companion"}, follow_redirects=False,
        )
        self._metadata: ProviderMetadata | None = None
        self.gateway = settings.gateway.rstrip("/")
        self._gateway_http: httpx.Client | None = None
        if self.gateway:
            context = trust.ssl_context()
            if settings.gateway_ca is not None:
                context.load_verify_locations(cafile=str(settings.gateway_ca))
            # Connections to the gateway are reused: one TLS handshake per sign-in.
            # TCP_NODELAY: a request's headers and body leave at once (no Nagle wait).
            gateway_transport = transport or httpx.HTTPTransport(
                verify=context, socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
            self._gateway_http = httpx.Client(
                verify=context, timeout=_TIMEOUT, transport=gateway_transport,
                headers={"User-Agent": "mssante-companion"}, follow_redirects=False,
            )

    def close(self) -> None:
        """Close the HTTP connections."""
        self._http.close()
        if self._gateway_http is not None:
            self._gateway_http.close()

    def _token_post(self, form: dict[str, str]) -> httpx.Response:
        """POST to the token endpoint: the gateway's, else the provider's."""
        if self._gateway_http is not None:
            return self.gateway_post("/v1/token", form)
        return self._request("POST", self.discover().token_endpoint, data=form)

    def gateway_post(self, path: str, form: dict[str, str]) -> httpx.Response:
        """POST a form to the gateway.

        Raises:
            GatewayUnreachable: no answer, or the gateway says PSC is unavailable.
            TrustError: the gateway's certificate is not trusted.
        """
        from client.auth.ciba import GatewayUnreachable

        if self._gateway_http is None:
            raise ValueError("no gateway in the profile")
        url = self.gateway + path
        try:
            response = self._gateway_http.post(url, data=form)
        except httpx.ConnectError as exc:
            _raise_trust_failure(exc, url)
            raise GatewayUnreachable(self.gateway, str(exc)) from exc
        except httpx.HTTPError as exc:
            raise GatewayUnreachable(self.gateway, str(exc) or type(exc).__name__) from exc
        if response.status_code in (502, 503, 504):
            raise GatewayUnreachable(self.gateway, f"HTTP {response.status_code}")
        return response

    # -- HTTP -------------------------------------------------------------------------
    def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return self._http.request(method, url, **kwargs)
        except httpx.ConnectError as exc:
            _raise_trust_failure(exc, url)
            raise ProviderUnreachable(url, str(exc)) from exc
        except httpx.HTTPError as exc:
            raise ProviderUnreachable(url, str(exc) or type(exc).__name__) from exc

    @staticmethod
    def _json(response: httpx.Response) -> dict[str, Any]:
        try:
            document = response.json()
        except ValueError as exc:
            raise ProviderError(
                "invalid_response", f"HTTP {response.status_code}, not JSON"
            ) from exc
        if not isinstance(document, dict):
            raise ProviderError("invalid_response", "JSON object expected")
        return document

    def _raise_for_error(self, response: httpx.Response) -> None:
        if response.status_code < 400:
            return
        try:
            document = self._json(response)
        except ProviderError:
            document = {}
        self._refused(response.status_code, document)

    def _refused(self, status: int, document: Mapping[str, Any]) -> NoReturn:
        """Raise the OAuth error (RFC 6749 section 5.2) of an HTTP error answer."""
        error = str(document.get("error") or f"http_{status}")
        description = str(document.get("error_description") or "")
        if error in ("invalid_client", "unauthorized_client"):
            raise UnknownClient(self.settings.client_id, description)
        raise ProviderError(error, description)

    # -- discovery --------------------------------------------------------------------
    def discover(self) -> ProviderMetadata:
        """Fetch and check the provider metadata (cached).

        Raises:
            IssuerMismatch: the document's issuer is not the profile's.
            ProviderUnreachable, ProviderError, TrustError.
        """
        if self._metadata is not None:
            return self._metadata
        url = self.settings.effective_discovery_url
        response = self._request("GET", url)
        self._raise_for_error(response)
        document = self._json(response)
        issuer = str(document.get("issuer", "")).rstrip("/")
        if issuer != self.settings.issuer.rstrip("/"):
            raise IssuerMismatch(self.settings.issuer, issuer)
        try:
            metadata = ProviderMetadata(
                issuer=issuer,
                authorization_endpoint=str(document["authorization_endpoint"]),
                token_endpoint=str(document["token_endpoint"]),
                userinfo_endpoint=str(document.get("userinfo_endpoint", "")),
                jwks_uri=str(document.get("jwks_uri", "")),
                revocation_endpoint=str(document.get("revocation_endpoint", "")),
            )
        except KeyError as exc:
            raise ProviderError("invalid_discovery", f"{exc.args[0]} missing") from exc
        for endpoint in (metadata.authorization_endpoint, metadata.token_endpoint):
            if urlsplit(endpoint).scheme != "https":
                raise ProviderError("invalid_discovery", f"{endpoint} is not https")
        self._metadata = metadata
        return metadata

    # -- authorization ----------------------------------------------------------------
    def authorization_request(self, redirect_uri: str) -> AuthorizationRequest:
        """A new request with fresh state, nonce and PKCE verifier (RFC 7636 4.1)."""
        metadata = self.discover()
        verifier = _b64url(secrets.token_bytes(32))
        challenge = _b64url(hashlib.sha256(verifier.encode("ascii")).digest())
        state = _b64url(secrets.token_bytes(16))
        nonce = _b64url(secrets.token_bytes(16))
        params = {
            "response_type": "code",
            "client_id": self.settings.client_id,
            "redirect_uri": redirect_uri,
            "scope": self.settings.scope,
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        if self.settings.acr_values:
            params["acr_values"] = self.settings.acr_values
        separator = "&" if "?" in metadata.authorization_endpoint else "?"
        return AuthorizationRequest(
            url=f"{metadata.authorization_endpoint}{separator}{urlencode(params)}",
            redirect_uri=redirect_uri, state=state, nonce=nonce, code_verifier=verifier,
        )

    def authorize_with_card(self, request: AuthorizationRequest, card_context: Any) -> str:
        """Send the authorize request over card TLS and return the authorization code.

        Raises:
            InteractiveLoginRequired: the provider answered with a page.
            UnknownClient, ProviderError: the provider refused the request.
            TrustError, client.tls.TlsError, cps.errors.CardError.
        """
        parts = urlsplit(request.url)
        host = parts.hostname or ""
        connection = http.client.HTTPSConnection(
            host, parts.port or 443, context=card_context, timeout=_TIMEOUT
        )
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request("GET", target, headers={"Accept": "text/html,application/json"})
            response = connection.getresponse()
            body = response.read()
            status, location = response.status, response.getheader("Location", "")
            content_type = response.getheader("Content-Type", "")
        except (TrustError, OidcError):
            raise
        except OSError as exc:
            if isinstance(exc, ssl.SSLError):
                trust = translate_ssl_error(exc, host)
                if trust is not None:
                    raise trust from exc
            raise ProviderUnreachable(request.url.split("?")[0], str(exc)) from exc
        finally:
            connection.close()
        if status in (301, 302, 303, 307, 308) and location:
            return self._code_from_redirect(request, location)
        if status >= 400:
            document: dict[str, Any] = {}
            if "json" in content_type:
                try:
                    document = json.loads(body)
                except ValueError:
                    document = {}
            self._refused(status, document)
        # 200 with a page: the provider wants a human (RFC 8252 section 4.1 fallback).
        raise InteractiveLoginRequired(request.url)

    def _code_from_redirect(self, request: AuthorizationRequest, location: str) -> str:
        if not location.startswith(request.redirect_uri):
            raise ProviderError("invalid_redirect", "redirected elsewhere than our redirect_uri")
        params = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
        return self.code_from_callback(request, params)

    def code_from_callback(self, request: AuthorizationRequest, params: Mapping[str, str]) -> str:
        """Check the redirect's parameters (state, error) and return the code."""
        if not secrets.compare_digest(params.get("state", ""), request.state):
            raise ProviderError("invalid_state", "the answer does not match our request")
        if "error" in params:
            if params["error"] in ("invalid_client", "unauthorized_client"):
                raise UnknownClient(self.settings.client_id, params.get("error_description", ""))
            raise ProviderError(params["error"], params.get("error_description", ""))
        code = params.get("code", "")
        if not code:
            raise ProviderError("invalid_response", "no authorization code")
        return code

    def authorize_in_browser(
        self,
        open_browser: Callable[[str], object],
        *,
        timeout: float = 300.0,
    ) -> tuple[str, AuthorizationRequest]:
        """RFC 8252 fallback: open the request in the browser, receive the redirect locally.

        Returns:
            (code, the request it answers).
        """
        receiver = LoopbackReceiver()
        try:
            request = self.authorization_request(receiver.redirect_uri)
            receiver.start()
            open_browser(request.url)
            params = receiver.wait(timeout)
        finally:
            receiver.close()
        if params is None:
            raise ProviderError("timeout", "no answer from the browser sign-in")
        return self.code_from_callback(request, params), request

    # -- tokens -----------------------------------------------------------------------
    def exchange_code(self, code: str, request: AuthorizationRequest) -> TokenSet:
        """Trade the code for tokens (RFC 6749 section 4.1.3 with the PKCE verifier)."""
        self.discover()
        response = self._token_post({
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": request.redirect_uri,
            "client_id": self.settings.client_id,
            "code_verifier": request.code_verifier,
        })
        self._raise_for_error(response)
        tokens = TokenSet.from_response(self._json(response), self.clock)
        if tokens.id_token:
            self.verify_id_token(tokens.id_token, request.nonce)
        return tokens

    def refresh(self, tokens: TokenSet) -> TokenSet:
        """New tokens from the refresh token (RFC 6749 section 6); no card involved.

        Raises:
            SessionEnded: the provider refused the refresh token (revoked, expired).
        """
        if not tokens.refresh_token:
            raise SessionEnded("the provider gave no refresh token")
        self.discover()
        response = self._token_post({
            "grant_type": "refresh_token",
            "refresh_token": tokens.refresh_token,
            "client_id": self.settings.client_id,
        })
        if response.status_code in (400, 401):
            try:
                self._raise_for_error(response)
            except UnknownClient:
                raise
            except ProviderError as exc:
                raise SessionEnded(exc.description or exc.error) from exc
        self._raise_for_error(response)
        fresh = TokenSet.from_response(self._json(response), self.clock)
        if not fresh.refresh_token:
            fresh.refresh_token = tokens.refresh_token
            fresh.refresh_expires_at = tokens.refresh_expires_at
        return fresh

    def userinfo(self, tokens: TokenSet) -> dict[str, Any]:
        """The userinfo claims (PSC: ``SubjectNameID``, names, ``SubjectRefPro``...)."""
        metadata = self.discover()
        if not metadata.userinfo_endpoint:
            return {}
        response = self._request(
            "GET", metadata.userinfo_endpoint,
            headers={"Authorization": f"Bearer {tokens.access_token}"},
        )
        self._raise_for_error(response)
        return self._json(response)

    def verify_id_token(self, id_token: str, nonce: str | None) -> dict[str, Any]:
        """Check the ID token (signature by the provider's JWKS, iss, aud, exp, nonce).

        ``nonce`` is None for a CIBA sign-in, which has none (CIBA Core 1.0 section 7.1).
        """
        metadata = self.discover()
        try:
            header = jwt.get_unverified_header(id_token)
            response = self._request("GET", metadata.jwks_uri)
            self._raise_for_error(response)
            keys = jwt.PyJWKSet.from_dict(self._json(response))
            kid = header.get("kid")
            candidates = [k for k in keys.keys if kid is None or k.key_id == kid]
            if not candidates:
                raise IdTokenInvalid("signing key not published")
            claims: dict[str, Any] = jwt.decode(
                id_token, candidates[0].key, algorithms=["RS256", "PS256", "ES256"],
                audience=self.settings.client_id, issuer=metadata.issuer, leeway=60,
            )
        except jwt.PyJWTError as exc:
            raise IdTokenInvalid(str(exc)) from exc
        if nonce is not None and claims.get("nonce") != nonce:
            raise IdTokenInvalid("nonce does not match")
        return claims

    def revoke(self, tokens: TokenSet) -> None:
        """Tell the provider the refresh token is no longer needed (RFC 7009), if it can."""
        metadata = self.discover()
        if not tokens.refresh_token:
            return
        try:
            if self._gateway_http is not None:
                self.gateway_post("/v1/revoke", {
                    "token": tokens.refresh_token, "token_type_hint": "refresh_token",
                    "client_id": self.settings.client_id,
                })
                return
            if not metadata.revocation_endpoint:
                return
            self._request("POST", metadata.revocation_endpoint, data={
                "token": tokens.refresh_token, "token_type_hint": "refresh_token",
                "client_id": self.settings.client_id,
            })
        except OidcError as exc:
            logger.info("refresh token not revoked: %s", exc)
