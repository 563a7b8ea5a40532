"""The PSC client's edges that the sandbox provider does not exercise: the RFC 8252 browser
fallback when the wallet answers with a page, and OAuth error mapping.

The provider's JSON endpoints are an httpx MockTransport; the wallet's authorize endpoint
is a real local HTTPS server (card TLS with a software key)."""

from __future__ import annotations

import base64
import hashlib
import json
import ssl
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from client.auth import PscAuthenticator, SessionEnded, UnknownClient
from client.auth.oidc import OidcClient, TokenSet
from client.profiles import parse_profile
from client.profiles.model import Profile
from client.tls import SoftwareSigner
from client.trust import CrlStore, TrustStore
from sandbox.pki import Pki, generate_rsa_key
from tests.client.auth.tls_servers import write_pem_pair

ISSUER = "https://idp.sandbox.test/auth/realms/esante-wallet"
CLIENT = "mssante-companion"


def _b64(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class FakeProvider:
    """A FAKE PSC provider behind httpx.MockTransport (discovery, token, JWKS, userinfo)."""

    def __init__(self, authorize_url: str) -> None:
        self.key = generate_rsa_key()
        self.authorize_url = authorize_url
        self.challenges: dict[str, tuple[str, str]] = {}  # code -> (challenge, nonce)
        self.refresh_allowed = True

    def handler(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/.well-known/openid-configuration"):
            return httpx.Response(200, json={
                "issuer": ISSUER, "authorization_endpoint": self.authorize_url,
                "token_endpoint": f"{ISSUER}/token", "userinfo_endpoint": f"{ISSUER}/userinfo",
                "jwks_uri": f"{ISSUER}/certs",
            })
        if path.endswith("/certs"):
            n = self.key.public_key().public_numbers()
            return httpx.Response(200, json={"keys": [
                {"kty": "RSA", "kid": "k1", "alg": "RS256", "use": "sig",
                 "n": _b64(n.n), "e": _b64(n.e)}]})
        if path.endswith("/userinfo"):
            return httpx.Response(200, json={"SubjectNameID": "899700000001",
                                             "given_name": "JEAN", "family_name": "MARTIN"})
        if path.endswith("/token"):
            form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
            if form.get("client_id") != CLIENT:
                return httpx.Response(401, json={"error": "invalid_client"})
            if form["grant_type"] == "refresh_token":
                if not self.refresh_allowed:
                    return httpx.Response(400, json={"error": "invalid_grant",
                                                     "error_description": "Session not active"})
                return httpx.Response(200, json={"access_token": "a2", "expires_in": 120})
            challenge, nonce = self.challenges[form["code"]]
            digest = hashlib.sha256(form["code_verifier"].encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != challenge:
                return httpx.Response(400, json={"error": "invalid_grant"})
            now = int(time.time())
            id_token = jwt.encode({"iss": ISSUER, "aud": CLIENT, "exp": now + 60, "iat": now,
                                   "nonce": nonce, "sub": "s"}, self.key, algorithm="RS256",
                                  headers={"kid": "k1"})
            return httpx.Response(200, json={"access_token": "a1", "expires_in": 120,
                                             "refresh_token": "r1", "id_token": id_token})
        return httpx.Response(404)


@pytest.fixture(scope="module")
def wallet_page(sandbox_pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An HTTPS authorize endpoint that answers with a page (consent to give)."""
    cert, key = sandbox_pki.issue_server_certificate(("127.0.0.1",))
    files = write_pem_pair(tmp_path_factory.mktemp("wallet"), "wallet", cert, key)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*files)
    context.verify_mode = ssl.CERT_OPTIONAL
    context.load_verify_locations(str(sandbox_pki.chain_pem))

    class Page(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            body = b"<html><form>Choisissez votre situation d'exercice</form></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = HTTPServer(("127.0.0.1", 0), Page)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/auth"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture()
def profile(tmp_path: Path) -> Profile:
    return parse_profile({
        "account": {"address": "jean.martin@hopital-sandbox.mssante.fr"},
        "imap": {"host": "127.0.0.1", "port": 143, "security": "starttls"},
        "smtp": {"host": "127.0.0.1", "port": 587, "security": "starttls"},
        "auth": {"method": "psc", "issuer": ISSUER, "client_id": CLIENT},
    }, tmp_path / "p.toml")


@pytest.fixture()
def signer(sandbox_pki: Pki) -> SoftwareSigner:
    key: rsa.RSAPrivateKey = generate_rsa_key()
    cert: x509.Certificate = sandbox_pki.issue_person_certificate(
        key.public_key(), national_id="899700000001", family_name="MARTIN",
        given_name="JEAN", profession="Médecin", usage="auth")
    return SoftwareSigner(key, cert)


def _trust(sandbox_pki: Pki, tmp_path: Path) -> TrustStore:
    return TrustStore.from_files([sandbox_pki.chain_pem], use_system=False,
                                 crls=CrlStore(tmp_path / "crl"))


def test_page_instead_of_redirect_falls_back_to_the_browser(
    wallet_page: str, profile: Profile, signer: SoftwareSigner, sandbox_pki: Pki,
    tmp_path: Path,
) -> None:
    provider = FakeProvider(wallet_page)
    trust = _trust(sandbox_pki, tmp_path)
    oidc = OidcClient(profile.auth, trust, transport=httpx.MockTransport(provider.handler))
    opened: list[str] = []

    def browser(url: str) -> None:
        # The user finishes at the provider, which redirects to our loopback listener.
        opened.append(url)
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        assert query["acr_values"] == "eidas1" and query["scope"] == "openid scope_all"
        provider.challenges["c0de"] = (query["code_challenge"], query["nonce"])
        target = f"{query['redirect_uri']}?{urlencode({'code': 'c0de', 'state': query['state']})}"
        with urllib.request.urlopen(target, timeout=10) as answer:  # loopback http
            assert answer.status == 200

    auth = PscAuthenticator(profile, trust, signer, oidc=oidc, open_browser=browser)
    try:
        info = auth.sign_in()
    finally:
        auth.close()
    assert info["SubjectNameID"] == "899700000001"
    assert len(opened) == 1 and opened[0].startswith(wallet_page)
    assert signer.signature_count == 1  # the card met the wallet once, before the page


def test_unknown_client_and_refused_refresh(
    profile: Profile, sandbox_pki: Pki, tmp_path: Path
) -> None:
    provider = FakeProvider("https://127.0.0.1:1/auth")
    trust = _trust(sandbox_pki, tmp_path)
    transport = httpx.MockTransport(provider.handler)
    oidc = OidcClient(profile.auth, trust, transport=transport)
    tokens = TokenSet(access_token="a1", expires_at=0.0, refresh_token="r1")
    try:
        assert oidc.refresh(tokens).access_token == "a2"
        assert oidc.refresh(tokens).refresh_token == "r1"  # kept when not rotated
        provider.refresh_allowed = False
        with pytest.raises(SessionEnded, match="Session not active"):
            oidc.refresh(tokens)
    finally:
        oidc.close()
    other = profile.auth.__class__(**{**profile.auth.__dict__, "client_id": "inconnu"})
    stranger = OidcClient(other, trust, transport=transport)
    try:
        with pytest.raises(UnknownClient) as info:
            stranger.refresh(tokens)
        assert info.value.client_id == "inconnu"
    finally:
        stranger.close()
    assert "a1" not in repr(tokens) and "r1" not in repr(tokens)
    assert json.dumps({"ok": True})
