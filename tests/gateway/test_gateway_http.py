"""The gateway over HTTP against the sandbox's PSC-like provider (real TLS, real PSC-side
checks): the three grants, CIBA, revocation, and hostile requests (oversized bodies, bad
content types, forged or replayed values, floods until rate-limited). Logs and answers
never show the gateway's credential, a token or a code.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from client.auth import trust_for_profile
from client.auth.oidc import LoopbackReceiver, OidcClient
from client.profiles import load_profile
from client.tls import card_tls_context
from cps.service import CardService
from gateway.app import CIBA_GRANT, create_app
from gateway.config import GatewayConfig
from sandbox import ecps
from sandbox.identities import DOCTOR
from sandbox.operator import CLIENT_ID, Sandbox
from tests.helpers.fake_token import FakePinPrompt
from tests.helpers.gateway_server import serve_app

pytestmark = [pytest.mark.sandbox, pytest.mark.timeout(240)]

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _config(sandbox: Sandbox, **overrides: object) -> GatewayConfig:
    settings: dict[str, object] = {
        "issuer": sandbox.issuer, "client_id": CLIENT_ID,
        "discovery_url": sandbox.wallet_discovery_url,
        "client_secret": sandbox.gateway_secret_file.read_text().strip(),
        "ca_file": str(sandbox.pki.chain_pem),
    }
    settings.update(overrides)
    return GatewayConfig(**settings)  # type: ignore[arg-type]


@contextmanager
def _gateway(config: GatewayConfig, source: str = "127.0.0.1") -> Iterator[httpx.Client]:
    transport = httpx.HTTPTransport(local_address=source)
    with serve_app(create_app(config)) as url, httpx.Client(
            base_url=url, transport=transport, timeout=30) as http:
        yield http


@pytest.fixture()
def client(sandbox_operator: Sandbox) -> Iterator[httpx.Client]:
    with _gateway(_config(sandbox_operator)) as http:
        yield http


@pytest.fixture()
def phone(sandbox_operator: Sandbox) -> Iterator[Path]:
    yield sandbox_operator.directory
    ecps.set_auto(sandbox_operator.directory, "off")


def _card_code(sandbox: Sandbox) -> tuple[str, str, str]:
    """A real authorization code from the wallet (card TLS): (code, redirect, verifier)."""
    profile = load_profile(sandbox.profile_gateway)
    trust = trust_for_profile(profile)
    oidc = OidcClient(profile.auth, trust)
    service = CardService.for_module(Path(sandbox.card.module))
    try:
        receiver = LoopbackReceiver()
        receiver.close()
        request = oidc.authorization_request(receiver.redirect_uri)
        context = card_tls_context(service.signer(FakePinPrompt(sandbox.card.pin)), trust)
        code = oidc.authorize_with_card(request, context)
    finally:
        service.close()
        oidc.close()
    return code, request.redirect_uri, request.code_verifier


def test_health_readiness_and_metrics(client: httpx.Client, sandbox_operator: Sandbox) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}
    client.post("/v1/token", data={"grant_type": "password"})
    page = client.get("/metrics")
    assert page.headers["content-type"].startswith("text/plain")
    assert 'psc_gateway_requests_total{endpoint="/v1/token",status="400"} 1.0' in page.text
    assert 'psc_gateway_refused_total{reason="grant-type"} 1.0' in page.text
    with _gateway(_config(sandbox_operator, issuer="https://127.0.0.1:1/nowhere")) as broken:
        assert broken.get("/readyz").status_code == 503
        assert broken.get("/healthz").status_code == 200


def test_code_exchange_then_refresh_then_revoke(client: httpx.Client,
                                                sandbox_operator: Sandbox) -> None:
    code, redirect, verifier = _card_code(sandbox_operator)
    answer = client.post("/v1/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
        "code_verifier": verifier, "client_id": CLIENT_ID})
    assert answer.status_code == 200, answer.text
    tokens = answer.json()
    assert answer.headers["cache-control"] == "no-store"
    assert {"access_token", "refresh_token", "id_token"} <= set(tokens)
    # The same code again: PSC refuses a replayed code, the gateway passes that on.
    replay = client.post("/v1/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
        "code_verifier": verifier})
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    fresh = client.post("/v1/token", data={"grant_type": "refresh_token",
                                           "refresh_token": tokens["refresh_token"]})
    assert fresh.status_code == 200
    refresh = fresh.json()["refresh_token"]
    assert client.post("/v1/revoke", data={"token": refresh,
                                           "token_type_hint": "refresh_token"}).status_code == 200
    ended = client.post("/v1/token", data={"grant_type": "refresh_token",
                                           "refresh_token": refresh})
    assert ended.status_code == 400
    assert ended.json()["error"] == "invalid_grant"


def test_a_wrong_pkce_verifier_is_refused_by_psc(client: httpx.Client,
                                                 sandbox_operator: Sandbox) -> None:
    code, redirect, _verifier = _card_code(sandbox_operator)
    answer = client.post("/v1/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
        "code_verifier": "x" * 43})
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(("form", "error"), [
    ({"grant_type": "authorization_code", "code": "c", "redirect_uri": "http://127.0.0.1/"},
     "invalid_request"),  # no verifier: never forwarded
    ({"grant_type": "authorization_code", "code": "c", "redirect_uri": "http://127.0.0.1/",
      "code_verifier": "short"}, "invalid_request"),
    ({"grant_type": "client_credentials"}, "unsupported_grant_type"),
    ({"grant_type": "password", "username": "u", "password": "p"}, "unsupported_grant_type"),
    ({"grant_type": CIBA_GRANT, "auth_req_id": "psc-raw-id"}, "invalid_grant"),
    ({"grant_type": CIBA_GRANT, "auth_req_id": "gw1.e30.AAAA"}, "invalid_grant"),
    ({"grant_type": "refresh_token"}, "invalid_request"),
])
def test_requests_without_proof_never_reach_psc(client: httpx.Client, form: dict[str, str],
                                                error: str) -> None:
    answer = client.post("/v1/token", data=form)
    assert answer.status_code == 400
    assert answer.json()["error"] == error
    assert "psc_gateway_upstream_seconds_count" not in client.get("/metrics").text


def test_hostile_bodies_and_content_types(client: httpx.Client) -> None:
    big = client.post("/v1/token", content=b"grant_type=refresh_token&refresh_token="
                      + b"A" * 100_000, headers=FORM)
    assert big.status_code == 413

    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield b"A" * 1024  # no Content-Length: the stream is cut at the limit

    assert client.post("/v1/token", content=chunks(), headers=FORM).status_code == 413
    as_json = client.post("/v1/token", json={"grant_type": "refresh_token"})
    assert as_json.status_code == 415
    assert client.post("/v1/token", content=b"\xff\xfe=\x00", headers=FORM).status_code == 400
    repeated = client.post("/v1/token", content=b"grant_type=a&grant_type=b", headers=FORM)
    assert repeated.status_code == 400
    assert client.get("/v1/token").status_code == 405
    foreign = client.post("/v1/token", data={"grant_type": "refresh_token",
                                             "refresh_token": "x", "client_id": "intrus"})
    assert foreign.status_code == 401
    assert foreign.json()["error"] == "invalid_client"


def test_a_flood_is_rate_limited_per_address(sandbox_operator: Sandbox) -> None:
    config = _config(sandbox_operator, rate=2.0, burst=5.0)
    with serve_app(create_app(config)) as url, httpx.Client(base_url=url) as flooder, \
            httpx.Client(base_url=url, transport=httpx.HTTPTransport(
                local_address="127.0.0.2")) as other:
        codes = [flooder.post("/v1/token", data={"grant_type": "x"}).status_code
                 for _ in range(12)]
        assert codes[:5] == [400] * 5
        assert set(codes[5:]) == {429}
        limited = flooder.post("/v1/token", data={"grant_type": "x"})
        assert limited.json()["error"] == "slow_down"
        assert int(limited.headers["retry-after"]) >= 1
        assert flooder.get("/healthz").status_code == 200  # probes are never limited
        assert other.post("/v1/token", data={"grant_type": "x"}).status_code == 400


def test_ciba_start_and_poll(client: httpx.Client, phone: Path) -> None:
    start = client.post("/v1/ciba", data={"login_hint": DOCTOR.login,
                                          "binding_message": "4821"})
    assert start.status_code == 200, start.text
    document = start.json()
    assert document["auth_req_id"].startswith("gw1.")
    assert document["interval"] >= 1 and document["expires_in"] > 0
    pending = client.post("/v1/token", data={"grant_type": CIBA_GRANT,
                                             "auth_req_id": document["auth_req_id"]})
    assert pending.json()["error"] == "authorization_pending"
    waiting = ecps.pending(phone)
    # The phone shows the request with its binding message (other tests' may be pending).
    assert "4821" in [w["binding_message"] for w in waiting]
    assert ecps.answer(phone, "approve", DOCTOR.login, "4821") == 1
    import time

    time.sleep(document["interval"])
    tokens = client.post("/v1/token", data={"grant_type": CIBA_GRANT,
                                            "auth_req_id": document["auth_req_id"]})
    assert tokens.status_code == 200, tokens.text
    assert "access_token" in tokens.json()
    unknown = client.post("/v1/ciba", data={"login_hint": "899999999999"})
    assert unknown.json()["error"] == "unknown_user_id"
    assert client.post("/v1/ciba", data={"binding_message": "1"}).status_code == 400


def test_logs_reveal_no_credential_token_or_code(client: httpx.Client, sandbox_operator: Sandbox,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    code, redirect, verifier = _card_code(sandbox_operator)
    tokens = client.post("/v1/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
        "code_verifier": verifier}).json()
    client.post("/v1/token", data={"grant_type": "refresh_token",
                                   "refresh_token": tokens["refresh_token"]})
    secret = sandbox_operator.gateway_secret_file.read_text().strip()
    text = "\n".join(f"{r.getMessage()} {getattr(r, 'fields', '')}" for r in caplog.records)
    assert "/v1/token" in text
    for value in (secret, code, verifier, tokens["access_token"], tokens["refresh_token"]):
        assert value not in text
    answers = client.post("/v1/token", data={"grant_type": "x"}).text
    assert secret not in answers
