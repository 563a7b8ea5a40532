"""A Pro Santé Connect-like OpenID provider for the sandbox (runs as its own process).

Two HTTPS listeners on loopback, like PSC's two hosts (``auth.*`` and ``wallet.*``):

* the **auth** listener (``auth.esw...`` in production) serves the issuer
  ``https://127.0.0.1:PORT/auth/realms/esante-wallet``: discovery at both
  ``/.well-known/openid-configuration`` and PSC's ``/.well-known/wallet-openid-configuration``,
  token endpoint (``authorization_code`` with PKCE S256, ``refresh_token``), userinfo with
  PSC-shaped claims, JWKS, and a sandbox admin API (``/sandbox-admin/...``, bearer = the
  random secret written in the sandbox directory) to revoke refresh tokens and change the
  access-token lifetime;
  The token endpoint authenticates confidential clients (HTTP Basic or
  ``client_secret_post``) and, in production mode (``public_clients_allowed`` false),
  refuses a client that sends no secret with Keycloak's ``unauthorized_client`` "Client
  secret not provided in request", as PSC does. CIBA (poll mode) lives at PSC's
  ``/protocol/openid-connect/ext/ciba/auth`` (:mod:`sandbox.ecps`);
* the **wallet** listener (``wallet.esw...``) serves the authorize endpoint ``/auth`` and
  REQUIRES a TLS client certificate chained to the test PKI and not revoked: that is how
  the CPS card proves the user. The CRL file is re-read when it changes.

Access tokens are RS256 JWTs (``iss``, ``aud``, ``azp``, ``exp``, ``email`` = mailbox
address, ``preferred_username`` = national id, ``SubjectNameID``...), which Dovecot validates
locally with the public key this process writes into its key dict.

Run: ``python -m sandbox.oidc_provider CONFIG.json`` (written by :mod:`sandbox.operator`).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import logging
import secrets
import socket
import ssl
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from sandbox.ecps import CibaBook

__all__ = ["ProviderConfig", "ProviderState", "main", "serve"]

logger = logging.getLogger(__name__)

REALM_PATH = "/auth/realms/esante-wallet"
ADMIN_PREFIX = "/sandbox-admin/"
_CODE_LIFETIME = 60.0
_PROFESSION_CODES = {"Médecin": "10", "Infirmier": "60", "Pharmacien": "21", "Sage-Femme": "50"}


@dataclass
class ProviderConfig:
    """What the operator writes in the provider's JSON configuration file."""

    host: str
    auth_port: int
    wallet_port: int
    server_cert: str
    server_key: str
    ca_file: str
    crl_file: str
    signing_key: str
    key_dict: str
    admin_secret_file: str
    clients: list[str]
    #: national id (certificate CN) -> {"address", "family_name", "given_name", "profession"}
    users: dict[str, dict[str, str]]
    access_token_lifetime: int = 300
    refresh_token_lifetime: int = 1800
    #: client_id -> secret: confidential clients (the gateway's), HTTP Basic at the token
    #: and backchannel endpoints.
    confidential_clients: dict[str, str] = field(default_factory=dict)
    #: False = production PSC: every token request must authenticate the client.
    public_clients_allowed: bool = True
    ciba_expires_in: int = 120
    ciba_interval: int = 1

    @property
    def issuer(self) -> str:
        """The issuer URL (auth listener)."""
        return f"https://{self.host}:{self.auth_port}{REALM_PATH}"

    @property
    def authorize_url(self) -> str:
        """The authorize endpoint (wallet listener, client certificate required)."""
        return f"https://{self.host}:{self.wallet_port}/auth"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass
class _Grant:
    national_id: str
    client_id: str
    scope: str
    nonce: str | None
    session_id: str
    redirect_uri: str = ""
    code_challenge: str = ""
    expires: float = 0.0


@dataclass
class ProviderState:
    """Keys, codes, refresh tokens and settings of a running provider (thread-safe)."""

    config: ProviderConfig
    key: rsa.RSAPrivateKey
    kid: str
    admin_secret: str
    lock: threading.Lock = field(default_factory=threading.Lock)
    codes: dict[str, _Grant] = field(default_factory=dict)
    refresh_tokens: dict[str, _Grant] = field(default_factory=dict)
    ciba: CibaBook = field(default_factory=CibaBook)

    # -- tokens -----------------------------------------------------------------------
    def _claims(self, grant: _Grant) -> dict[str, Any]:
        user = self.config.users[grant.national_id]
        return {
            "email": user["address"],
            "preferred_username": grant.national_id,
            "SubjectNameID": grant.national_id,
            "given_name": user["given_name"],
            "family_name": user["family_name"],
        }

    def issue_tokens(self, grant: _Grant) -> dict[str, Any]:
        """Return a token response (access, refresh, id tokens) for ``grant``."""
        now = int(time.time())
        lifetime = self.config.access_token_lifetime
        subject = str(uuid.uuid5(uuid.NAMESPACE_URL, f"psc-sandbox:{grant.national_id}"))
        common = {
            "iss": self.config.issuer,
            "sub": subject,
            "iat": now,
            "nbf": now,
            "auth_time": now,
            "session_state": grant.session_id,
            "acr": "eidas1",
            "azp": grant.client_id,
        }
        access = {
            **common,
            **self._claims(grant),
            "exp": now + lifetime,
            "jti": str(uuid.uuid4()),
            "aud": [grant.client_id, "account"],
            "typ": "Bearer",
            "scope": grant.scope,
        }
        id_token = {
            **common,
            **self._claims(grant),
            "exp": now + lifetime,
            "aud": grant.client_id,
            "typ": "ID",
        }
        if grant.nonce:
            id_token["nonce"] = grant.nonce
        refresh = secrets.token_urlsafe(48)
        with self.lock:
            self.refresh_tokens[refresh] = _Grant(
                grant.national_id, grant.client_id, grant.scope, None, grant.session_id,
                expires=time.time() + self.config.refresh_token_lifetime,
            )  # fmt: skip
        headers = {"kid": self.kid, "typ": "JWT"}
        return {
            "access_token": jwt.encode(access, self.key, algorithm="RS256", headers=headers),
            "expires_in": lifetime,
            "refresh_expires_in": self.config.refresh_token_lifetime,
            "refresh_token": refresh,
            "token_type": "Bearer",
            "id_token": jwt.encode(id_token, self.key, algorithm="RS256", headers=headers),
            "not-before-policy": 0,
            "session_state": grant.session_id,
            "scope": grant.scope,
        }

    def userinfo(self, national_id: str) -> dict[str, Any]:
        """PSC-shaped userinfo claims for ``national_id``."""
        user = self.config.users[national_id]
        code = _PROFESSION_CODES.get(user["profession"], "10")
        return {
            "sub": str(uuid.uuid5(uuid.NAMESPACE_URL, f"psc-sandbox:{national_id}")),
            "SubjectNameID": national_id,
            "preferred_username": national_id,
            "given_name": user["given_name"],
            "family_name": user["family_name"],
            "email": user["address"],
            "SubjectOrganization": "HOPITAL SANDBOX",
            "SubjectRole": [f"{code}^1.2.250.1.213.1.1.5.5"],
            "otherIds": [{"identifiant": national_id, "origine": "RPPS", "qualite": 1}],
            "SubjectRefPro": {
                "codeCivilite": "M",
                "exercices": [
                    {
                        "codeProfession": code,
                        "codeCategorieProfessionnelle": "C",
                        "codeCiviliteDexercice": "DR" if code == "10" else "",
                        "nomDexercice": user["family_name"],
                        "prenomDexercice": user["given_name"],
                        "codeTypeSavoirFaire": "S" if code == "10" else "",
                        "codeSavoirFaire": "SM54" if code == "10" else "",
                        "activities": [
                            {
                                "codeModeExercice": "S",
                                "codeSecteurDActivite": "SA01",
                                "codeSectionPharmacien": "",
                                "codeRole": "FON-05",
                                "numeroSiretSite": "",
                                "numeroSirenSite": "",
                                "numeroFinessSite": "010000000",
                                "numeroFinessetablissementJuridique": "010000001",
                                "identifiantTechniqueDeLaStructure": "F010000000",
                                "raisonSocialeSite": "HOPITAL SANDBOX",
                                "enseigneCommercialeSite": "",
                                "complementDestinataire": "",
                                "complementPointGeographique": "",
                                "numeroVoie": "1",
                                "indiceRepetitionVoie": "",
                                "codeTypeDeVoie": "R",
                                "libelleVoie": "DE LA SANTE",
                                "mentionDistribution": "",
                                "bureauCedex": "75014 PARIS",
                                "codePostal": "75014",
                                "codeCommune": "75114",
                                "codePays": "99000",
                                "telephone": "",
                                "telephone2": "",
                                "telecopie": "",
                                "adresseEMail": "",
                                "codeDepartement": "75",
                                "ancienIdentifiantDeLaStructure": "",
                                "autoriteDEnregistrement": "ARS/ARS/ARS",
                            }
                        ],
                    }
                ],
            },
        }

    def discovery(self) -> dict[str, Any]:
        """The OpenID Provider metadata (RFC 8414 / OpenID Connect Discovery 1.0)."""
        issuer = self.config.issuer
        oidc = f"{issuer}/protocol/openid-connect"
        return {
            "issuer": issuer,
            "authorization_endpoint": self.config.authorize_url,
            "token_endpoint": f"{oidc}/token",
            "userinfo_endpoint": f"{oidc}/userinfo",
            "jwks_uri": f"{oidc}/certs",
            "end_session_endpoint": f"{oidc}/logout",
            "revocation_endpoint": f"{oidc}/revoke",
            "backchannel_authentication_endpoint": f"{oidc}/ext/ciba/auth",
            "backchannel_token_delivery_modes_supported": ["poll"],
            "grant_types_supported": ["authorization_code", "refresh_token",
                                      "urn:openid:params:grant-type:ciba"],
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic",
                                                      "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "scope_all"],
            "acr_values_supported": ["eidas1"],
            "claims_supported": ["sub", "SubjectNameID", "given_name", "family_name", "email",
                                 "preferred_username", "SubjectRefPro"],
        }  # fmt: skip

    def jwks(self) -> dict[str, Any]:
        """The public signing key as a JWK Set (RFC 7517)."""
        numbers = self.key.public_key().public_numbers()

        def enc(value: int) -> str:
            return _b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))

        return {
            "keys": [
                {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid,
                 "n": enc(numbers.n), "e": enc(numbers.e)}
            ]
        }  # fmt: skip


class _HttpsServer(ThreadingHTTPServer):
    """A threading HTTPS server whose TLS context may change (CRL reload)."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler],
                 state: ProviderState, context_factory: Any) -> None:  # fmt: skip
        super().__init__(address, handler)
        self.state = state
        self._context_factory = context_factory

    def finish_request(self, request: Any, client_address: Any) -> None:
        # The TLS handshake runs in the request's own thread (ThreadingMixIn), so a slow or
        # refused client never holds up the others.
        request.settimeout(10)
        wrapped = self._context_factory().wrap_socket(
            request, server_side=True, do_handshake_on_connect=False
        )
        try:
            wrapped.do_handshake()
        except (ssl.SSLError, OSError) as exc:
            logger.info("TLS handshake from %s refused: %s", client_address, exc)
            _close_gracefully(wrapped)
            return
        try:
            super().finish_request(wrapped, client_address)
        finally:
            with contextlib.suppress(OSError):
                wrapped.close()


def _close_gracefully(wrapped: ssl.SSLSocket) -> None:
    """Close after a refused handshake so that the client reads OpenSSL's alert.

    With TLS 1.3 the client sends its request before the server has judged its
    certificate; closing with that request unread would send a TCP RST, and the client
    would see "connection reset" instead of the ``certificate_revoked`` alert. Half-close,
    drain what the client sent, then close.
    """
    try:
        raw = socket.socket(fileno=wrapped.detach())
    except OSError:
        return
    with raw:
        with contextlib.suppress(OSError):
            raw.shutdown(socket.SHUT_WR)
            raw.settimeout(2)
            while raw.recv(65536):
                pass


class _Handler(BaseHTTPRequestHandler):
    server: _HttpsServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        # Query strings carry codes and state: log the path only.
        logger.info("%s %s -> %s", self.command, self.path.split("?")[0], args[1:2])

    # -- responses --------------------------------------------------------------------
    def _send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, error: str, description: str) -> None:
        self._send_json(status, {"error": error, "error_description": description})

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8") if length else ""
        return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}

    @property
    def state(self) -> ProviderState:
        return self.server.state


class _AuthHandler(_Handler):
    """Issuer side: discovery, token, userinfo, JWKS, admin."""

    # One TLS record per answer and no Nagle delay: a token answer written as two small
    # sends would otherwise wait for the peer's delayed ACK (~40 ms) on keep-alive
    # connections, as a production provider does not.
    disable_nagle_algorithm = True
    wbufsize = -1

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        oidc = f"{REALM_PATH}/protocol/openid-connect"
        if path in (
            f"{REALM_PATH}/.well-known/openid-configuration",
            f"{REALM_PATH}/.well-known/wallet-openid-configuration",
        ):
            self._send_json(200, self.state.discovery())
        elif path == f"{oidc}/certs":
            self._send_json(200, self.state.jwks())
        elif path == f"{oidc}/userinfo":
            self._userinfo()
        elif path == f"{ADMIN_PREFIX}settings" and self._admin_ok():
            self._send_json(200, {
                "access_token_lifetime": self.state.config.access_token_lifetime,
                "refresh_tokens": len(self.state.refresh_tokens),
            })  # fmt: skip
        elif not path.startswith(ADMIN_PREFIX):
            self._error(404, "not_found", f"no such endpoint: {path}")

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        oidc = f"{REALM_PATH}/protocol/openid-connect"
        if path == f"{oidc}/token":
            self._token(self._form())
        elif path == f"{oidc}/ext/ciba/auth":
            self._backchannel(self._form())
        elif path == f"{oidc}/userinfo":
            self._userinfo()
        elif path in (f"{oidc}/revoke", f"{oidc}/logout"):
            form = self._form()
            if self._client(form) is None:
                return
            with self.state.lock:
                self.state.refresh_tokens.pop(form.get("token") or form.get("refresh_token", ""),
                                              None)  # fmt: skip
            self._send_json(200, {})
        elif path.startswith(ADMIN_PREFIX):
            if self._admin_ok():
                self._admin(path[len(ADMIN_PREFIX):], self._form())
        else:
            self._error(404, "not_found", f"no such endpoint: {path}")

    def _admin_ok(self) -> bool:
        supplied = self.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if hmac.compare_digest(supplied.encode(), self.state.admin_secret.encode()):
            return True
        self._error(403, "forbidden", "admin secret required")
        return False

    def _admin(self, action: str, form: dict[str, str]) -> None:
        if action == "revoke-refresh-tokens":
            # Optionally one client's only: tests sharing a provider keep each other's.
            client_id = form.get("client_id")
            with self.state.lock:
                doomed = [t for t, g in self.state.refresh_tokens.items()
                          if client_id is None or g.client_id == client_id]  # fmt: skip
                for token in doomed:
                    del self.state.refresh_tokens[token]
            self._send_json(200, {"revoked": len(doomed)})
        elif action.startswith("ecps/"):
            self._ecps(action[5:], form)
        elif action == "settings":
            if "ciba_expires_in" in form:
                self.state.ciba.expires_in = int(form["ciba_expires_in"])
            if "public_clients_allowed" in form:
                self.state.config.public_clients_allowed = form["public_clients_allowed"] == "1"
            if "access_token_lifetime" in form:
                self.state.config.access_token_lifetime = int(form["access_token_lifetime"])
            if "refresh_token_lifetime" in form:
                self.state.config.refresh_token_lifetime = int(form["refresh_token_lifetime"])
            self._send_json(200, {"access_token_lifetime":
                                  self.state.config.access_token_lifetime})  # fmt: skip
        else:
            self._error(404, "not_found", f"no such admin action: {action}")

    def _userinfo(self) -> None:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            self._send_json(401, {"error": "invalid_token"},
                            {"WWW-Authenticate": 'Bearer error="invalid_token"'})  # fmt: skip
            return
        try:
            claims = jwt.decode(
                header[7:], self.state.key.public_key(), algorithms=["RS256"],
                issuer=self.state.config.issuer, options={"verify_aud": False},
            )  # fmt: skip
        except jwt.PyJWTError as exc:
            self._send_json(401, {"error": "invalid_token", "error_description": str(exc)},
                            {"WWW-Authenticate": 'Bearer error="invalid_token"'})  # fmt: skip
            return
        self._send_json(200, self.state.userinfo(claims["SubjectNameID"]))

    def _ecps(self, action: str, form: dict[str, str]) -> None:
        book = self.state.ciba
        if action == "pending":
            self._send_json(200, {"pending": book.pending()})
        elif action == "answer":
            decision = form.get("decision", "")
            if decision not in ("approve", "deny"):
                self._error(400, "invalid_request", "decision is approve or deny")
                return
            national_id = form.get("national_id", "")
            if not national_id:
                waiting = book.pending()
                national_id = waiting[0]["national_id"] if waiting else ""
            answered = book.answer(national_id, decision, form.get("binding_message", ""))
            self._send_json(200, {"answered": answered})
        elif action == "auto":
            mode = form.get("mode", "off")
            if mode not in ("off", "approve", "deny"):
                self._error(400, "invalid_request", "mode is off, approve or deny")
                return
            book.auto, book.auto_delay = mode, float(form.get("delay") or 0)
            self._send_json(200, {"mode": mode})
        elif action == "slow-down":
            polls = form.get("polls", "0")
            if not polls.isdigit():
                self._error(400, "invalid_request", "polls is a count")
                return
            book.forced_slow_downs = int(polls)
            self._send_json(200, {"slow_downs": book.slow_downs})
        else:
            self._error(404, "not_found", f"no such admin action: ecps/{action}")

    def _client(self, form: dict[str, str]) -> str | None:
        """The authenticated client_id, or None after an error answer (RFC 6749 2.3.1)."""
        config = self.state.config
        header = self.headers.get("Authorization", "")
        client_id, secret = form.get("client_id", ""), form.get("client_secret")
        if header.startswith("Basic "):
            try:
                decoded = base64.b64decode(header[6:], validate=True).decode("utf-8")
            except (ValueError, UnicodeDecodeError):
                self._error(401, "invalid_client", "malformed Basic credentials")
                return None
            user, _, password = decoded.partition(":")
            client_id, secret = unquote(user), unquote(password)
        if secret is not None:
            expected = config.confidential_clients.get(client_id)
            if expected is None or not hmac.compare_digest(secret.encode(), expected.encode()):
                self._error(401, "unauthorized_client", "Invalid client or Invalid client "
                            "credentials")
                return None
            return client_id
        known = client_id in config.clients or client_id in config.confidential_clients
        if not known:
            self._error(401, "invalid_client", f"unknown client_id {client_id!r}")
            return None
        if not config.public_clients_allowed:
            # What Keycloak (hence PSC) answers a confidential client without its secret.
            self._error(401, "unauthorized_client", "Client secret not provided in request")
            return None
        return client_id

    def _backchannel(self, form: dict[str, str]) -> None:
        client_id = self._client(form)
        if client_id is None:
            return
        if client_id not in self.state.config.confidential_clients:
            self._error(401, "unauthorized_client", "CIBA needs a confidential client")
            return
        national_id = form.get("login_hint", "")
        if national_id not in self.state.config.users:
            self._error(400, "unknown_user_id", "no such professional")
            return
        message = form.get("binding_message", "")
        if len(message) > 32:
            self._error(400, "invalid_binding_message", "binding_message too long")
            return
        auth_req_id, request = self.state.ciba.start(
            national_id, client_id, form.get("scope", "openid"), message)
        logger.info("CIBA sign-in started for %s by %s", national_id, client_id)
        self._send_json(200, {"auth_req_id": auth_req_id,
                              "expires_in": int(request.expires - time.time()),
                              "interval": request.interval})

    def _token(self, form: dict[str, str]) -> None:
        client_id = self._client(form)
        if client_id is None:
            return
        grant_type = form.get("grant_type")
        if grant_type == "urn:openid:params:grant-type:ciba":
            outcome, request = self.state.ciba.poll(form.get("auth_req_id", ""), client_id)
            if request is None:
                descriptions = {"authorization_pending": "The authorization request is "
                                "still pending", "slow_down": "Too early to poll",
                                "expired_token": "Requested auth_req_id expired",
                                "access_denied": "Not authorized",
                                "invalid_grant": "Invalid Auth Req ID"}
                self._error(400, outcome, descriptions.get(outcome, outcome))
                return
            ciba_grant = _Grant(request.national_id, client_id, request.scope, None,
                                request.session_id)
            self._send_json(200, self.state.issue_tokens(ciba_grant))
            return
        if grant_type == "authorization_code":
            with self.state.lock:
                grant = self.state.codes.pop(form.get("code", ""), None)
            if grant is None or grant.expires < time.time() or grant.client_id != client_id:
                self._error(400, "invalid_grant", "Code not valid")
                return
            if form.get("redirect_uri", "") != grant.redirect_uri:
                self._error(400, "invalid_grant", "Incorrect redirect_uri")
                return
            verifier = form.get("code_verifier", "")
            expected = _b64url(hashlib.sha256(verifier.encode("ascii")).digest())
            if not verifier or not hmac.compare_digest(expected, grant.code_challenge):
                self._error(400, "invalid_grant", "PKCE verification failed: Code mismatch")
                return
        elif grant_type == "refresh_token":
            with self.state.lock:
                grant = self.state.refresh_tokens.pop(form.get("refresh_token", ""), None)
            if grant is None or grant.expires < time.time() or grant.client_id != client_id:
                self._error(400, "invalid_grant", "Session not active")
                return
        else:
            self._error(400, "unsupported_grant_type", f"grant_type {grant_type!r}")
            return
        self._send_json(200, self.state.issue_tokens(grant))


class _WalletHandler(_Handler):
    """Wallet side: the authorize endpoint, the user proven by the TLS client certificate."""

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != "/auth":
            self._error(404, "not_found", f"no such endpoint: {parts.path}")
            return
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        client_id = query.get("client_id", "")
        redirect_uri = query.get("redirect_uri", "")
        if (client_id not in self.state.config.clients
                and client_id not in self.state.config.confidential_clients):
            self._error(400, "invalid_client", f"unknown client_id {client_id!r}")
            return
        if not _redirect_allowed(redirect_uri):
            self._error(400, "invalid_request", "redirect_uri must be a loopback http URL")
            return
        state = query.get("state")

        def redirect(params: dict[str, str]) -> None:
            if state is not None:
                params["state"] = state
            separator = "&" if "?" in redirect_uri else "?"
            # A small body, as Keycloak sends: some TLS stacks (tlslite-ng 0.8) block on a
            # zero-length read.
            body = b"<html><body>Redirecting...</body></html>"
            self.send_response(302)
            self.send_header("Location", f"{redirect_uri}{separator}{urlencode(params)}")
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        if query.get("response_type") != "code":
            redirect({"error": "unsupported_response_type"})
            return
        challenge = query.get("code_challenge", "")
        if query.get("code_challenge_method") != "S256" or not challenge:
            redirect({"error": "invalid_request", "error_description": "PKCE S256 required"})
            return
        national_id = self._certificate_login()
        if national_id not in self.state.config.users:
            redirect({"error": "access_denied", "error_description": "unknown professional"})
            return
        code = secrets.token_urlsafe(32)
        with self.state.lock:
            self.state.codes[code] = _Grant(
                national_id, client_id, query.get("scope", "openid"), query.get("nonce"),
                str(uuid.uuid4()), redirect_uri, challenge, time.time() + _CODE_LIFETIME,
            )  # fmt: skip
        logger.info("authorized %s for %s", national_id, client_id)
        redirect({"code": code, "session_state": self.state.codes[code].session_id})

    def _certificate_login(self) -> str:
        der = self.connection.getpeercert(binary_form=True)
        if not der:
            return ""
        cert = x509.load_der_x509_certificate(der)
        names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        return str(names[0].value) if names else ""


def _redirect_allowed(uri: str) -> bool:
    # RFC 8252 section 7.3: native apps use loopback redirects on any port.
    parts = urlsplit(uri)
    return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1")


def _server_context(config: ProviderConfig) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(config.server_cert, config.server_key)
    return context


class _WalletContexts:
    """Client-certificate contexts, rebuilt when the CRL file changes."""

    def __init__(self, config: ProviderConfig) -> None:
        self._config = config
        self._stamp = -1.0
        self._context: ssl.SSLContext | None = None
        self._lock = threading.Lock()

    def __call__(self) -> ssl.SSLContext:
        stamp = Path(self._config.crl_file).stat().st_mtime
        with self._lock:
            if self._context is None or stamp != self._stamp:
                context = _server_context(self._config)
                context.verify_mode = ssl.CERT_REQUIRED
                context.load_verify_locations(cafile=self._config.ca_file)
                context.load_verify_locations(cafile=self._config.crl_file)
                context.verify_flags |= ssl.VERIFY_CRL_CHECK_CHAIN
                # TLS 1.2 too: CPS3 cards sign with PKCS#1 v1.5 only (CKM_RSA_PKCS), which TLS
                # 1.3 forbids for CertificateVerify (RFC 8446 section 4.2.3).
                self._context, self._stamp = context, stamp
            return self._context


def _load_or_create_key(path: Path) -> rsa.RSAPrivateKey:
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if isinstance(key, rsa.RSAPrivateKey):
            return key
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))  # fmt: skip
    path.chmod(0o600)
    return key


def publish_key(key: rsa.RSAPublicKey, kid: str, key_dict: Path, clients: list[str]) -> None:
    """Write the public key where Dovecot's local validation looks: ``<azp>/RS256/<kid>``."""
    pem = key.public_bytes(serialization.Encoding.PEM,
                           serialization.PublicFormat.SubjectPublicKeyInfo)  # fmt: skip
    for azp in [*clients, "default"]:
        target = key_dict / azp / "RS256" / kid
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pem)


def key_id(key: rsa.RSAPublicKey) -> str:
    """A stable ``kid``: the SHA-256 thumbprint of the public key (shortened)."""
    der = key.public_bytes(serialization.Encoding.DER,
                           serialization.PublicFormat.SubjectPublicKeyInfo)  # fmt: skip
    return _b64url(hashlib.sha256(der).digest())[:22]


def serve(config: ProviderConfig) -> tuple[_HttpsServer, _HttpsServer]:
    """Start both listeners in daemon threads and return the servers."""
    key = _load_or_create_key(Path(config.signing_key))
    kid = key_id(key.public_key())
    publish_key(key.public_key(), kid, Path(config.key_dict),
                [*config.clients, *config.confidential_clients])
    admin_secret = Path(config.admin_secret_file).read_text().strip()
    state = ProviderState(config, key, kid, admin_secret,
                          ciba=CibaBook(config.ciba_expires_in, config.ciba_interval))
    auth_context = _server_context(config)
    auth = _HttpsServer((config.host, config.auth_port), _AuthHandler, state,
                        lambda: auth_context)  # fmt: skip
    wallet = _HttpsServer((config.host, config.wallet_port), _WalletHandler, state,
                          _WalletContexts(config))  # fmt: skip
    for server in (auth, wallet):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    logger.info("provider ready: issuer %s, authorize %s", config.issuer, config.authorize_url)
    return auth, wallet


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``python -m sandbox.oidc_provider CONFIG.json``."""
    args = sys.argv[1:] if argv is None else argv
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    config = ProviderConfig(**json.loads(Path(args[0]).read_text()))
    auth, wallet = serve(config)
    print("READY", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        auth.shutdown()
        wallet.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
