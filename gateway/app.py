"""The gateway's HTTP interface (Starlette).

Every request goes through :class:`_Guard` (a plain ASGI middleware, cheap enough for the
latency budget): per-address rate limit, metrics and one structured log line. The POST
endpoints then read a bounded ``application/x-www-form-urlencoded`` body (RFC 6749
section 3.2 and CIBA Core 1.0 section 7.1 use that type) and check it before anything goes
to PSC:

* ``authorization_code`` needs a PKCE ``code_verifier`` of RFC 7636 section 4.1's form;
  PSC then checks it against the challenge, and refuses a replayed code;
* ``urn:openid:params:grant-type:ciba`` needs an ``auth_req_id`` this gateway sealed
  (:mod:`gateway.seal`), still pending;
* ``refresh_token`` needs a refresh token, which PSC binds to this client.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import parse_qsl

import httpcore
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.config import GatewayConfig
from gateway.observe import Metrics, log_event
from gateway.ratelimit import RateLimiter
from gateway.seal import SealError, open_sealed, seal
from gateway.upstream import Upstream, UpstreamError, UpstreamReply

__all__ = ["CIBA_GRANT", "create_app", "create_app_from_environment"]

logger = logging.getLogger(__name__)

CIBA_GRANT = "urn:openid:params:grant-type:ciba"
_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")  # RFC 7636 section 4.1
_FORM = "application/x-www-form-urlencoded"
_MAX_FIELD = 4096
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class _Refused(Exception):
    def __init__(self, status: int, error: str, description: str, reason: str) -> None:
        super().__init__(error)
        self.status, self.error, self.description, self.reason = (
            status, error, description, reason)


def _oauth_error(status: int, error: str, description: str,
                 headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status,
                        headers={**_NO_STORE, **(headers or {})})


async def _form(request: Request, max_body: int) -> dict[str, str]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != _FORM:
        raise _Refused(415, "invalid_request", f"Content-Type must be {_FORM}",
                       "content-type")
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > max_body):
        raise _Refused(413, "invalid_request", "request body too large", "too-large")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_body:
            raise _Refused(413, "invalid_request", "request body too large", "too-large")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True,
                          strict_parsing=bool(body), max_num_fields=32)
    except (UnicodeDecodeError, ValueError) as exc:
        raise _Refused(400, "invalid_request", "malformed form body", "malformed") from exc
    form: dict[str, str] = {}
    for name, value in pairs:
        if name in form:  # RFC 6749 section 3.2: parameters must not repeat
            raise _Refused(400, "invalid_request", f"{name} repeated", "malformed")
        if len(value) > _MAX_FIELD:
            raise _Refused(400, "invalid_request", f"{name} too long", "malformed")
        form[name] = value
    return form


def _require(form: dict[str, str], *names: str) -> None:
    for name in names:
        if not form.get(name):
            raise _Refused(400, "invalid_request", f"{name} is required", f"missing-{name}")


class _Gateway:
    """The endpoints, bound to one configuration and one upstream."""

    def __init__(self, config: GatewayConfig, upstream: Upstream, metrics: Metrics) -> None:
        self.config = config
        self.upstream = upstream
        self.metrics = metrics

    async def _call(self, endpoint: str, form: dict[str, str]) -> UpstreamReply:
        started = time.perf_counter()
        try:
            if endpoint == "ciba":
                return await self.upstream.backchannel(form)
            if endpoint == "revoke":
                return await self.upstream.revoke(form)
            return await self.upstream.token(form)
        except UpstreamError:
            self.metrics.upstream_errors.labels(endpoint).inc()
            raise
        finally:
            self.metrics.upstream.labels(endpoint).observe(time.perf_counter() - started)

    def _reply(self, request: Request, reply: UpstreamReply) -> Response:
        error = str(reply.document.get("error", "")) if reply.status >= 400 else ""
        request.state.upstream_error = error
        if error in ("invalid_client", "unauthorized_client") and reply.status in (400, 401):
            # PSC refused the gateway's own credentials: an operator problem, not the app's.
            log_event("PSC refused the gateway's client credentials", logging.ERROR,
                      error=error)
            return _oauth_error(502, "server_error",
                                "the gateway is not accepted by Pro Santé Connect")
        if reply.status >= 500:
            return _oauth_error(502, "temporarily_unavailable",
                                "Pro Santé Connect is unavailable")
        if reply.raw:
            return Response(reply.raw, reply.status, headers=_NO_STORE,
                            media_type="application/json")
        return JSONResponse(reply.document, reply.status, headers=_NO_STORE)

    def _check_client(self, form: dict[str, str]) -> None:
        client_id = form.pop("client_id", "")
        if client_id and client_id != self.config.client_id:
            raise _Refused(401, "invalid_client", "this gateway serves another client_id",
                           "client-id")

    async def token(self, request: Request) -> Response:
        form = await _form(request, self.config.max_body)
        self._check_client(form)
        grant = form.get("grant_type", "")
        request.state.grant = grant if grant in (
            "authorization_code", "refresh_token", CIBA_GRANT) else "other"
        if grant == "authorization_code":
            _require(form, "code", "redirect_uri", "code_verifier")
            if not _VERIFIER.fullmatch(form["code_verifier"]):
                raise _Refused(400, "invalid_request", "code_verifier is not an RFC 7636 "
                               "verifier", "pkce")
            upstream = {k: form[k] for k in
                        ("grant_type", "code", "redirect_uri", "code_verifier")}
        elif grant == "refresh_token":
            _require(form, "refresh_token")
            upstream = {"grant_type": grant, "refresh_token": form["refresh_token"]}
            if form.get("scope"):
                upstream["scope"] = form["scope"]
        elif grant == CIBA_GRANT:
            _require(form, "auth_req_id")
            try:
                inner = open_sealed(self.config.seal_key, form["auth_req_id"])
            except SealError as exc:
                # Foreign or expired: CIBA Core 1.0 section 11 names both invalid_grant /
                # expired_token; a forged one must not reach PSC.
                if str(exc) == "expired":
                    raise _Refused(400, "expired_token", "the auth_req_id has expired",
                                   "ciba-expired") from exc
                raise _Refused(400, "invalid_grant", "unknown auth_req_id",
                               "ciba-foreign") from exc
            upstream = {"grant_type": grant, "auth_req_id": inner}
        else:
            raise _Refused(400, "unsupported_grant_type",
                           "authorization_code, refresh_token or CIBA only", "grant-type")
        return self._reply(request, await self._call("token", upstream))

    async def ciba(self, request: Request) -> Response:
        form = await _form(request, self.config.max_body)
        self._check_client(form)
        _require(form, "login_hint")
        if len(form["login_hint"]) > 64 or len(form.get("binding_message", "")) > 64:
            raise _Refused(400, "invalid_request", "login_hint or binding_message too long",
                           "malformed")
        upstream = {
            "scope": form.get("scope") or "openid scope_all",
            "login_hint": form["login_hint"],
            "acr_values": form.get("acr_values") or "eidas1",
        }
        if form.get("binding_message"):
            upstream["binding_message"] = form["binding_message"]
        reply = await self._call("ciba", upstream)
        if reply.status == 200:
            document = dict(reply.document)
            inner = str(document.get("auth_req_id") or "")
            try:
                expires_in = float(document.get("expires_in") or 0)
            except (TypeError, ValueError):
                expires_in = 0.0
            if not inner or expires_in <= 0:
                raise UpstreamError("backchannel: no auth_req_id or expires_in")
            document["auth_req_id"] = seal(self.config.seal_key, inner, expires_in)
            return JSONResponse(document, 200, headers=_NO_STORE)
        return self._reply(request, reply)

    async def revoke(self, request: Request) -> Response:
        form = await _form(request, self.config.max_body)
        self._check_client(form)
        _require(form, "token")
        upstream = {"token": form["token"]}
        if form.get("token_type_hint") in ("refresh_token", "access_token"):
            upstream["token_type_hint"] = form["token_type_hint"]
        reply = await self._call("revoke", upstream)
        if reply.status == 200:
            return Response(status_code=200, headers=_NO_STORE)
        return self._reply(request, reply)

    async def health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def ready(self, request: Request) -> Response:
        try:
            await self.upstream.metadata()
        except UpstreamError:
            return JSONResponse({"status": "unavailable"}, 503)
        return JSONResponse({"status": "ready"})

    async def metrics_page(self, request: Request) -> Response:
        return Response(self.metrics.exposition(),
                        media_type="text/plain; version=0.0.4; charset=utf-8")


class _Guard:
    """Rate limit, refusals worded as OAuth errors, metrics and one log line per request."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter, metrics: Metrics) -> None:
        self.app = app
        self.limiter = limiter
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        endpoint = path if path in _ENDPOINTS else "other"
        client = scope.get("client") or ("unknown", 0)
        address = str(client[0])
        started = time.perf_counter()
        status = [500]
        scope.setdefault("state", {})

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = int(message["status"])
            await send(message)

        try:
            if endpoint.startswith("/v1/") and not self.limiter.allow(address):
                self.metrics.rate_limited.inc()
                response: Response = _oauth_error(
                    429, "slow_down", "too many requests from this address",
                    {"Retry-After": str(self.limiter.retry_after(address))})
                await response(scope, receive, recording_send)
            else:
                await self.app(scope, receive, recording_send)
        finally:
            elapsed = time.perf_counter() - started
            self.metrics.requests.labels(endpoint, str(status[0])).inc()
            self.metrics.duration.labels(endpoint).observe(elapsed)
            if endpoint.startswith("/v1/") or status[0] >= 400:
                state = scope["state"]
                log_event("request", endpoint=endpoint, method=scope.get("method"),
                          status=status[0], ms=round(elapsed * 1000, 2), client=address,
                          grant=state.get("grant", ""),
                          upstream_error=state.get("upstream_error", ""),
                          refused=state.get("refused", ""))


_ENDPOINTS = ("/v1/token", "/v1/ciba", "/v1/revoke", "/healthz", "/readyz", "/metrics")


def create_app(config: GatewayConfig, *,
               pool: httpcore.AsyncConnectionPool | None = None) -> ASGIApp:
    """The ASGI application for ``config`` (``pool``: tests only)."""
    metrics = Metrics()
    upstream = Upstream(config, pool)
    gateway = _Gateway(config, upstream, metrics)

    def refused(request: Request, exc: Exception) -> Response:
        if not isinstance(exc, _Refused):
            raise exc
        request.state.refused = exc.reason
        metrics.refused.labels(exc.reason).inc()
        return _oauth_error(exc.status, exc.error, exc.description)

    def unavailable(request: Request, exc: Exception) -> Response:
        log_event("Pro Santé Connect unavailable", logging.WARNING, reason=str(exc))
        return _oauth_error(502, "temporarily_unavailable", "Pro Santé Connect is unavailable")

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await upstream.close()

    app = Starlette(
        routes=[
            Route("/v1/token", gateway.token, methods=["POST"]),
            Route("/v1/ciba", gateway.ciba, methods=["POST"]),
            Route("/v1/revoke", gateway.revoke, methods=["POST"]),
            Route("/healthz", gateway.health, methods=["GET"]),
            Route("/readyz", gateway.ready, methods=["GET"]),
            Route("/metrics", gateway.metrics_page, methods=["GET"]),
        ],
        exception_handlers={_Refused: refused, UpstreamError: unavailable},
        lifespan=lifespan,
    )
    return _Guard(app, RateLimiter(config.rate, config.burst), metrics)


def create_app_from_environment() -> ASGIApp:
    """Factory for ``uvicorn --factory`` and worker processes (reads the environment)."""
    return create_app(GatewayConfig.from_environment())
