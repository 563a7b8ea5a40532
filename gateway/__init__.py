"""The Pro Santé Connect gateway: the one server part of Compagnon MSSanté.

Pro Santé Connect (PSC) registers confidential clients only, and ANS's CIBA documentation
requires desktop and mobile software to go through an intermediate server of the
publisher or operator that holds the client credentials. This package is that server: a
small stateless ASGI service (Starlette on uvicorn, httpcore towards PSC) that does for the
app exactly what needs the credentials:

* ``POST /v1/token``: the token endpoint for the app: ``authorization_code`` (a PKCE
  verifier is required; PSC checks it, RFC 7636 section 4.6), ``refresh_token``, and
  ``urn:openid:params:grant-type:ciba`` with an ``auth_req_id`` this gateway sealed;
* ``POST /v1/ciba``: starts a CIBA sign-in (OpenID CIBA Core 1.0 section 7.1, poll mode);
* ``POST /v1/revoke``: revocation at sign-out (RFC 7009);
* ``GET /healthz``, ``GET /readyz``, ``GET /metrics`` (Prometheus text format).

It stores no token and no session: the only state a sign-in needs between two requests
travels in the sealed ``auth_req_id`` (:mod:`gateway.seal`), so any instance answers any
request. No Qt, no card, no import of the app's packages.

Run: ``python -m gateway --host H --port P [--certfile F --keyfile K] [--workers N]`` with
``PSC_GATEWAY_ISSUER``, ``PSC_GATEWAY_CLIENT_ID``, ``PSC_GATEWAY_CLIENT_SECRET_FILE`` (or
``PSC_GATEWAY_PRIVATE_KEY_FILE`` for ``private_key_jwt``) and ``PSC_GATEWAY_CA_FILE``.
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "1.0.0"
