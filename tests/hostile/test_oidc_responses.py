"""Hostile OpenID provider responses: bad JSON, wrong issuer, ``alg: none``, expired ID
token, wrong audience, wrong nonce, foreign key. Every outcome is a value or an
:class:`client.auth.errors.AuthError` subclass (worded by the CLI), never a crash."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import jwt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from client.auth.errors import AuthError, IdTokenInvalid, IssuerMismatch, ProviderError
from client.auth.oidc import OidcClient, TokenSet
from client.profiles import parse_profile
from client.trust import TrustStore
from sandbox.pki import generate_rsa_key
from tests.hostile._budget import HOSTILE, count

ISSUER = "https://idp.hostile.test/auth/realms/esante-wallet"
CLIENT = "mssante-companion"
KEY = generate_rsa_key()
OTHER_KEY = generate_rsa_key()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=20), inner,
                                                                 max_size=5),
    max_leaves=12,
)


def _b64(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _discovery() -> dict[str, Any]:
    return {"issuer": ISSUER, "authorization_endpoint": f"{ISSUER}/auth",
            "token_endpoint": f"{ISSUER}/token", "userinfo_endpoint": f"{ISSUER}/userinfo",
            "jwks_uri": f"{ISSUER}/certs"}


def _jwks() -> dict[str, Any]:
    n = KEY.public_key().public_numbers()
    return {"keys": [{"kty": "RSA", "kid": "k1", "alg": "RS256", "use": "sig",
                      "n": _b64(n.n), "e": _b64(n.e)}]}


_ROUTES: dict[str, Callable[[httpx.Request], httpx.Response]] = {}


def _handler(request: httpx.Request) -> httpx.Response:
    for suffix, answer in _ROUTES.items():
        if request.url.path.endswith(suffix):
            return answer(request)
    return httpx.Response(404)


_SETTINGS = parse_profile({
    "account": {"address": "jean.martin@hopital.mssante.fr"},
    "imap": {"host": "127.0.0.1", "port": 143, "security": "starttls"},
    "smtp": {"host": "127.0.0.1", "port": 587, "security": "starttls"},
    "auth": {"method": "psc", "issuer": ISSUER, "client_id": CLIENT},
}).auth
_SHARED: list[OidcClient] = []


@pytest.fixture(autouse=True, scope="module")
def _shared_client() -> Iterator[None]:
    # One client for the module: building the system trust store per example is slow.
    _SHARED.append(OidcClient(_SETTINGS, TrustStore.from_files([]),
                              transport=httpx.MockTransport(_handler)))
    yield
    _SHARED.pop().close()


class _Borrowed:
    """The shared client with fresh routes and no cached discovery."""

    def __init__(self, routes: dict[str, Callable[[httpx.Request], httpx.Response]]) -> None:
        _ROUTES.clear()
        _ROUTES.update(routes)
        self.inner = _SHARED[0]
        self.inner._metadata = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def close(self) -> None:
        _ROUTES.clear()


def _client(routes: dict[str, Callable[[httpx.Request], httpx.Response]]) -> Any:
    return _Borrowed(routes)


def _json(document: Any) -> Callable[[httpx.Request], httpx.Response]:
    return lambda _r: httpx.Response(200, json=document)


def _raw(body: bytes, status: int = 200) -> Callable[[httpx.Request], httpx.Response]:
    return lambda _r: httpx.Response(status, content=body)


@HOSTILE
@given(document=json_values, status=st.sampled_from([200, 200, 400, 401, 500]))
def test_discovery_any_json(document: Any, status: int) -> None:
    count("oidc discovery (JSON)")
    client = _client({"/.well-known/openid-configuration":
                      lambda _r: httpx.Response(status, json=document)})
    try:
        client.discover()
    except AuthError:
        pass
    finally:
        client.close()


@HOSTILE
@given(body=st.binary(max_size=300))
def test_discovery_any_bytes(body: bytes) -> None:
    count("oidc discovery (bytes)")
    client = _client({"/.well-known/openid-configuration": _raw(body)})
    try:
        with pytest.raises(AuthError):
            client.discover()
    finally:
        client.close()


def test_discovery_wrong_issuer_and_plain_http() -> None:
    wrong = {**_discovery(), "issuer": "https://evil.example/realms/x"}
    client = _client({"/.well-known/openid-configuration": _json(wrong)})
    with pytest.raises(IssuerMismatch):
        client.discover()
    client.close()
    plain = {**_discovery(), "token_endpoint": "http://idp.hostile.test/token"}
    client = _client({"/.well-known/openid-configuration": _json(plain)})
    with pytest.raises(ProviderError, match="not https"):
        client.discover()
    client.close()


def _exchange(token_answer: Callable[[httpx.Request], httpx.Response]) -> TokenSet:
    client = _client({"/.well-known/openid-configuration": _json(_discovery()),
                      "/certs": _json(_jwks()), "/token": token_answer})
    try:
        request = client.authorization_request("http://127.0.0.1:9/callback")
        return client.exchange_code("code", request)
    finally:
        client.close()


@HOSTILE
@given(document=json_values)
def test_token_response_any_json(document: Any) -> None:
    count("oidc token response (JSON)")
    try:
        tokens = _exchange(_json(document))
    except AuthError:
        return
    assert tokens.access_token  # accepted only with an access token


@HOSTILE
@given(access=st.text(min_size=1, max_size=20),
       expires=st.one_of(st.none(), st.integers(),
                         st.floats(allow_nan=False, allow_infinity=False),
                         st.text(max_size=8),
                         st.lists(st.integers(), max_size=2)),
       refresh_in=st.one_of(st.none(), st.integers(), st.text(max_size=8)))
def test_token_response_odd_lifetimes(access: str, expires: Any, refresh_in: Any) -> None:
    count("oidc token lifetimes")
    document = {"access_token": access, "expires_in": expires, "refresh_expires_in": refresh_in}
    try:
        tokens = _exchange(_json(document))
    except AuthError:
        return
    assert tokens.expires_at == tokens.expires_at  # not NaN


def _id_token(nonce_of: Callable[[httpx.Request], str], **changes: Any) -> Callable[
    [httpx.Request], httpx.Response
]:
    def answer(request: httpx.Request) -> httpx.Response:
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": CLIENT, "exp": now + 60, "iat": now, "sub": "s",
                  "nonce": nonce_of(request)}
        algorithm = changes.pop("alg", "RS256")
        key = changes.pop("key", KEY)
        claims.update(changes)
        if algorithm == "none":
            token = jwt.encode(claims, None, algorithm="none")
        else:
            token = jwt.encode(claims, key, algorithm=algorithm, headers={"kid": "k1"})
        return httpx.Response(200, json={"access_token": "a", "expires_in": 60,
                                         "id_token": token})
    return answer


CASES_ID_TOKEN = {
    "alg none": {"alg": "none"},
    "expired": {"exp": int(time.time()) - 3600},
    "wrong audience": {"aud": "another-client"},
    "wrong issuer": {"iss": "https://evil.example/realms/x"},
    "wrong nonce": {"nonce": "replayed"},
    "foreign key": {"key": OTHER_KEY},
    "HS256 with the public key as secret": {"alg": "HS256", "key": b"k" * 32},
}


@pytest.mark.parametrize("case", sorted(CASES_ID_TOKEN))
def test_bad_id_tokens_are_refused(case: str) -> None:
    nonce_box: list[str] = []
    answer = _id_token(lambda _r: nonce_box[0], **dict(CASES_ID_TOKEN[case]))
    client = _client({"/.well-known/openid-configuration": _json(_discovery()),
                      "/certs": _json(_jwks()), "/token": answer})
    try:
        request = client.authorization_request("http://127.0.0.1:9/callback")
        nonce_box.append(request.nonce)
        with pytest.raises(IdTokenInvalid):
            client.exchange_code("code", request)
    finally:
        client.close()


def test_good_id_token_is_accepted() -> None:
    nonce_box: list[str] = []
    client = _client({"/.well-known/openid-configuration": _json(_discovery()),
                      "/certs": _json(_jwks()), "/token": _id_token(lambda _r: nonce_box[0])})
    try:
        request = client.authorization_request("http://127.0.0.1:9/callback")
        nonce_box.append(request.nonce)
        assert client.exchange_code("code", request).access_token == "a"
    finally:
        client.close()


@HOSTILE
@given(token=st.text(max_size=200) | st.sampled_from(["a.b.c", "..", "e30.e30.", "x"]))
def test_garbage_id_token(token: str) -> None:
    count("oidc id token (garbage)")
    answer = _json({"access_token": "a", "expires_in": 60, "id_token": token})
    try:
        _exchange(answer)
    except AuthError:
        pass
    assert json.dumps(token)
