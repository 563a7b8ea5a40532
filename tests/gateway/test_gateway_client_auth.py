"""How the gateway authenticates to PSC: HTTP Basic with the form-encoded secret, or a
``private_key_jwt`` assertion; seen by a connection pool that answers for PSC."""

from __future__ import annotations

import asyncio
import base64
import json
from urllib.parse import parse_qs, unquote

import httpcore
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from gateway.config import GatewayConfig
from gateway.upstream import Upstream

ISSUER = "https://psc.example/auth/realms/esante-wallet"


class _Seen:
    """A request as it left the gateway: method, headers, body."""

    def __init__(self, request: httpcore.Request, body: bytes) -> None:
        self.method = request.method.decode()
        self.headers = {k.decode(): v.decode() for k, v in request.headers}
        self.content = body


class _Psc(httpcore.AsyncConnectionPool):
    """Answers for PSC (discovery and token endpoint) and keeps what it was sent."""

    def __init__(self, seen: list[_Seen]) -> None:
        super().__init__()
        self.seen = seen

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        body = b"".join([part async for part in request.stream])  # type: ignore[union-attr]
        self.seen.append(_Seen(request, body))
        document: dict[str, object]
        if request.url.target.endswith(b"wallet-openid-configuration"):
            document = {"issuer": ISSUER,
                        "token_endpoint": ISSUER + "/protocol/openid-connect/token"}
        else:
            document = {"access_token": "a", "expires_in": 60}
        return httpcore.Response(200, headers=[(b"Content-Type", b"application/json")],
                                 content=json.dumps(document).encode())


def _psc(seen: list[_Seen]) -> _Psc:
    return _Psc(seen)


def _token(config: GatewayConfig, seen: list[_Seen]) -> None:
    async def call() -> None:
        upstream = Upstream(config, _psc(seen))
        try:
            reply = await upstream.token({"grant_type": "refresh_token", "refresh_token": "r"})
            assert reply.status == 200
            assert json.loads(reply.raw) == {"access_token": "a", "expires_in": 60}
        finally:
            await upstream.close()

    asyncio.run(call())


def test_client_secret_basic_encodes_the_credentials() -> None:
    seen: list[_Seen] = []
    _token(GatewayConfig(issuer=ISSUER, client_id="éditeur:1", client_secret="s&e:cret"), seen)
    request = seen[-1]
    scheme, _, value = request.headers["Authorization"].partition(" ")
    assert scheme == "Basic"
    user, _, password = base64.b64decode(value).decode().partition(":")
    # RFC 6749 section 2.3.1: form-encoded before Basic, so ':' and non-ASCII survive.
    assert (unquote(user), unquote(password)) == ("éditeur:1", "s&e:cret")
    assert "client_secret" not in parse_qs(request.content.decode())


def test_private_key_jwt_signs_a_fresh_assertion() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    seen: list[_Seen] = []
    config = GatewayConfig(issuer=ISSUER, client_id="editeur", private_key_pem=pem)
    assert config.auth_method == "private_key_jwt"
    _token(config, seen)
    _token(config, seen)
    forms = [parse_qs(r.content.decode()) for r in seen if r.method == "POST"]
    assertions = [f["client_assertion"][0] for f in forms]
    assert forms[0]["client_assertion_type"] == [
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"]
    assert "Authorization" not in seen[-1].headers
    claims = [jwt.decode(a, key.public_key(), algorithms=["RS256"], audience=ISSUER)
              for a in assertions]
    assert all(c["iss"] == c["sub"] == "editeur" for c in claims)
    assert claims[0]["jti"] != claims[1]["jti"]  # never replayed
    assert claims[0]["exp"] - claims[0]["iat"] <= 60
