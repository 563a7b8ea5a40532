"""Sealed ``auth_req_id``: the CIBA state that travels with the app, not in a store.

PSC's ``auth_req_id`` is wrapped as ``gw1.<payload>.<mac>`` where the payload (base64url
JSON) holds PSC's identifier and an expiry, and the MAC is HMAC-SHA256 under the key every
instance derives from the shared credential. A poll is forwarded to PSC only for an
identifier this gateway (or a sibling instance) issued and that has not expired: the
check "a pending ``auth_req_id`` of its own clients", without any shared state.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Callable

__all__ = ["SealError", "open_sealed", "seal"]

_PREFIX = "gw1"
_MAX_LENGTH = 4096


class SealError(ValueError):
    """The value was not sealed by this gateway, was altered, or has expired."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, payload: str) -> str:
    return _b64(hmac.new(key, f"{_PREFIX}.{payload}".encode(), hashlib.sha256).digest())


def seal(key: bytes, auth_req_id: str, expires_in: float,
         clock: Callable[[], float] = time.time) -> str:
    """Wrap PSC's ``auth_req_id`` with its expiry (wall clock: instances share it)."""
    payload = _b64(json.dumps({"r": auth_req_id, "e": int(clock() + expires_in)},
                              separators=(",", ":")).encode())
    return f"{_PREFIX}.{payload}.{_mac(key, payload)}"


def open_sealed(key: bytes, sealed: str, clock: Callable[[], float] = time.time) -> str:
    """PSC's ``auth_req_id`` inside ``sealed``.

    Raises:
        SealError: foreign, altered, malformed or expired.
    """
    if len(sealed) > _MAX_LENGTH:
        raise SealError("too long")
    prefix, _, rest = sealed.partition(".")
    payload, _, mac = rest.partition(".")
    if prefix != _PREFIX or not payload or not mac:
        raise SealError("not sealed by this gateway")
    if not hmac.compare_digest(mac, _mac(key, payload)):
        raise SealError("not sealed by this gateway")
    try:
        document = json.loads(_unb64(payload))
        inner, expiry = str(document["r"]), float(document["e"])
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise SealError("malformed") from exc
    if clock() > expiry:
        raise SealError("expired")
    return inner
