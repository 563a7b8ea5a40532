"""The gateway's side towards Pro Santé Connect: discovery, client authentication, calls.

One ``httpcore.AsyncConnectionPool`` per process keeps connections to PSC open (TLS >= 1.2,
anchors from ``PSC_GATEWAY_CA_FILE``). The gateway calls three endpoints with a form and
reads JSON back, so it talks to httpcore (the transport under httpx) directly: httpx's
request and response models, URL re-parsing, cookie jar and auth flow cost more CPU per
refresh than the rest of the gateway, and a stateless gateway must keep no cookie of PSC
anyway. Client authentication is HTTP Basic with the client secret
(what PSC's CIBA documentation states, and RFC 6749 section 2.3.1 with form-encoded
credentials), or ``private_key_jwt`` (OpenID Connect Core 1.0 section 9) when a key is
configured. PSC's answers are passed back as they are (status and JSON), minus nothing:
they hold no gateway credential.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import socket
import ssl
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import httpcore
import jwt

from gateway.config import GatewayConfig

__all__ = ["Upstream", "UpstreamError", "UpstreamReply"]

logger = logging.getLogger(__name__)

_METADATA_TTL = 3600.0


class UpstreamError(Exception):
    """PSC could not be reached or answered something that is not an OAuth answer."""


@dataclass(frozen=True)
class UpstreamReply:
    """PSC's status and JSON document (``raw``: the body as PSC sent it)."""

    status: int
    document: dict[str, Any]
    raw: bytes = b""


def _tls_context(ca_file: str) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=ca_file or None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


class Upstream:
    """Talks to PSC for one confidential client.

    Args:
        config: the gateway settings.
        pool: an httpcore connection pool (tests give one that answers for PSC), else
            connections to the network.
    """

    def __init__(self, config: GatewayConfig,
                 pool: httpcore.AsyncConnectionPool | None = None) -> None:
        self.config = config
        # TCP_NODELAY: a request's headers and body leave at once (no Nagle wait).
        self._pool = pool or httpcore.AsyncConnectionPool(
            ssl_context=_tls_context(config.ca_file), max_connections=100,
            max_keepalive_connections=50, keepalive_expiry=5.0, retries=1,
            socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
        seconds = config.upstream_timeout
        self._extensions = {"timeout": {"connect": seconds, "read": seconds,
                                        "write": seconds, "pool": seconds}}
        self._basic = b""
        if not config.private_key_pem:
            # RFC 6749 section 2.3.1: both parts form-encoded before Basic. The header never
            # changes, so it is built once.
            pair = f"{quote(config.client_id, safe='')}:{quote(config.client_secret, safe='')}"
            self._basic = b"Basic " + base64.b64encode(pair.encode())
        self._urls: dict[str, httpcore.URL] = {}
        self._metadata: dict[str, Any] | None = None
        self._metadata_at = 0.0
        self._lock = asyncio.Lock()

    async def close(self) -> None:
        """Close the connections to PSC."""
        await self._pool.aclose()

    def _url(self, url: str) -> httpcore.URL:
        parsed = self._urls.get(url)
        if parsed is None:
            parsed = self._urls[url] = httpcore.URL(url)
        return parsed

    async def _send(self, method: str, url: str, headers: list[tuple[bytes, bytes]],
                    body: bytes | None = None) -> httpcore.Response:
        try:
            return await self._pool.request(
                method, self._url(url), headers=[*_HEADERS, *headers], content=body,
                extensions=self._extensions)
        except (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError,
                httpcore.UnsupportedProtocol, OSError) as exc:
            # The URL only: never a form (it carries codes and tokens).
            raise UpstreamError(f"{urlsplit(url).netloc}: {type(exc).__name__}") from exc

    async def metadata(self) -> dict[str, Any]:
        """PSC's discovery document (cached for an hour; the issuer is checked)."""
        now = time.monotonic()
        if self._metadata is not None and now - self._metadata_at < _METADATA_TTL:
            return self._metadata
        async with self._lock:
            if self._metadata is not None and now - self._metadata_at < _METADATA_TTL:
                return self._metadata
            response = await self._send("GET", self.config.effective_discovery_url, [])
            try:
                document = json.loads(response.content)
            except ValueError as exc:
                raise UpstreamError("discovery: not JSON") from exc
            if response.status != 200 or not isinstance(document, dict):
                raise UpstreamError(f"discovery: HTTP {response.status}")
            if str(document.get("issuer", "")).rstrip("/") != self.config.issuer:
                raise UpstreamError("discovery: issuer mismatch")
            if not str(document.get("token_endpoint", "")).startswith("https://"):
                raise UpstreamError("discovery: no https token_endpoint")
            self._metadata, self._metadata_at = document, now
            return document

    def _client_auth(self, audience: str) -> tuple[list[tuple[bytes, bytes]], dict[str, str]]:
        """(headers, extra form fields) authenticating the client to PSC."""
        config = self.config
        if config.private_key_pem:
            now = int(time.time())
            assertion = jwt.encode(
                {"iss": config.client_id, "sub": config.client_id, "aud": audience,
                 "jti": str(uuid.uuid4()), "iat": now, "exp": now + 60},
                config.private_key_pem, algorithm="RS256")
            return [], {
                "client_id": config.client_id,
                "client_assertion_type":
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": assertion,
            }
        return [(b"Authorization", self._basic)], {}

    async def _post(self, endpoint_name: str, form: dict[str, str], *,
                    parse_success: bool = True) -> UpstreamReply:
        metadata = await self.metadata()
        url = str(metadata.get(endpoint_name) or "")
        if not url.startswith("https://"):
            raise UpstreamError(f"PSC publishes no {endpoint_name}")
        headers, extra = self._client_auth(str(metadata.get("issuer", url)))
        response = await self._send("POST", url, [*headers, _FORM_TYPE],
                                    urlencode({**form, **extra}).encode())
        status, content = response.status, response.content
        if not content and status < 300:
            return UpstreamReply(status, {})
        if not parse_success and status == 200 and _content_type(response).startswith(
                b"application/json"):
            # A token answer is passed on as PSC wrote it: no parse, no re-encoding.
            return UpstreamReply(200, {}, content)
        try:
            document = json.loads(content)
        except ValueError as exc:
            raise UpstreamError(f"{endpoint_name}: HTTP {status}, not JSON") from exc
        if not isinstance(document, dict):
            raise UpstreamError(f"{endpoint_name}: not a JSON object")
        return UpstreamReply(status, document, content)

    async def token(self, form: dict[str, str]) -> UpstreamReply:
        """POST to PSC's token endpoint with the client's authentication."""
        return await self._post("token_endpoint", form, parse_success=False)

    async def backchannel(self, form: dict[str, str]) -> UpstreamReply:
        """POST to PSC's ``backchannel_authentication_endpoint`` (CIBA Core 1.0 7.1)."""
        return await self._post("backchannel_authentication_endpoint", form)

    async def revoke(self, form: dict[str, str]) -> UpstreamReply:
        """POST to PSC's revocation endpoint (RFC 7009 section 2.1)."""
        return await self._post("revocation_endpoint", form)


_HEADERS = [(b"User-Agent", b"psc-gateway"), (b"Accept", b"application/json")]
_FORM_TYPE = (b"Content-Type", b"application/x-www-form-urlencoded")


def _content_type(response: httpcore.Response) -> bytes:
    for name, value in response.headers:
        if name.lower() == b"content-type":
            return value.lower()
    return b""
