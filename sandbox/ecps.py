"""The sandbox's CIBA back end and its simulated e-CPS phone.

Pro Santé Connect implements OpenID CIBA Core 1.0 in poll mode only: the client starts a
sign-in at the backchannel authentication endpoint (section 7.1) with ``login_hint`` (the
national identifier) and a ``binding_message``, gets ``auth_req_id``, ``expires_in`` and
``interval`` (section 7.3), then polls the token endpoint with
``grant_type=urn:openid:params:grant-type:ciba`` (section 10.1) and meets
``authorization_pending``, ``slow_down`` (poll sooner than the interval: the interval grows
by 5 s, section 11), ``expired_token`` and ``access_denied``.

:class:`CibaBook` keeps the pending requests of the provider process; the e-CPS phone
answers them through the provider's admin API: ``python -m sandbox ecps approve|deny``
(which shows the binding message and checks it when given) or an automatic mode for tests
(:func:`set_auto`). :func:`slow_down` makes the provider answer ``slow_down`` to the next
polls as a provider under load does, whether or not the client polled early, so that a
client's handling of it is seen.
"""

from __future__ import annotations

import json
import secrets
import ssl
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

__all__ = ["CibaBook", "CibaRequest", "answer", "pending", "set_auto", "slow_down"]

#: CIBA Core 1.0 section 11: slow_down adds at least 5 s to the interval.
SLOW_DOWN_STEP = 5


@dataclass
class CibaRequest:
    """One pending CIBA sign-in."""

    national_id: str
    client_id: str
    scope: str
    binding_message: str
    expires: float
    interval: int
    status: str = "pending"  # pending | approved | denied | used
    last_poll: float = 0.0
    created: float = field(default_factory=time.time)
    session_id: str = field(default_factory=lambda: secrets.token_hex(8))


class CibaBook:
    """Pending CIBA requests of one provider (thread-safe).

    Args:
        expires_in: lifetime of a request (Keycloak's default is 120 s).
        interval: minimum polling interval returned to clients.
    """

    def __init__(self, expires_in: int = 120, interval: int = 1) -> None:
        self.expires_in = expires_in
        self.interval = interval
        self.auto: str = "off"  # off | approve | deny
        self.auto_delay = 0.0
        #: polls still to be answered ``slow_down`` whatever their timing (provider load)
        self.forced_slow_downs = 0
        #: ``slow_down`` answers given so far (early polls and forced ones)
        self.slow_downs = 0
        self._lock = threading.Lock()
        self._requests: dict[str, CibaRequest] = {}

    def start(self, national_id: str, client_id: str, scope: str,
              binding_message: str) -> tuple[str, CibaRequest]:
        """Record a new request; return its ``auth_req_id``."""
        auth_req_id = secrets.token_urlsafe(32)
        request = CibaRequest(national_id, client_id, scope, binding_message,
                              time.time() + self.expires_in, self.interval)
        with self._lock:
            now = time.time()
            for key in [k for k, r in self._requests.items() if r.expires < now - 60]:
                del self._requests[key]
            self._requests[auth_req_id] = request
        return auth_req_id, request

    def _auto_answer(self, request: CibaRequest, now: float) -> None:
        if request.status == "pending" and self.auto != "off" and (
                now - request.created >= self.auto_delay):
            request.status = "approved" if self.auto == "approve" else "denied"

    def poll(self, auth_req_id: str, client_id: str) -> tuple[str, CibaRequest | None]:
        """One poll: ``("ok", request)`` once approved, else an error code of section 11."""
        now = time.time()
        with self._lock:
            request = self._requests.get(auth_req_id)
            if request is None or request.client_id != client_id or request.status == "used":
                return "invalid_grant", None
            if now > request.expires:
                return "expired_token", None
            self._auto_answer(request, now)
            too_soon = request.last_poll and now - request.last_poll < request.interval * 0.8
            request.last_poll = now
            if request.status == "denied":
                request.status = "used"
                return "access_denied", None
            if too_soon or self.forced_slow_downs > 0:
                self.forced_slow_downs = max(0, self.forced_slow_downs - 1)
                self.slow_downs += 1
                request.interval += SLOW_DOWN_STEP
                return "slow_down", None
            if request.status == "approved":
                request.status = "used"
                return "ok", request
            return "authorization_pending", None

    def pending(self) -> list[dict[str, Any]]:
        """What the phone shows: pending requests (no auth_req_id: the phone never sees it)."""
        now = time.time()
        with self._lock:
            for request in self._requests.values():
                self._auto_answer(request, now)
            return [{"national_id": r.national_id, "binding_message": r.binding_message,
                     "client_id": r.client_id, "expires_in": int(r.expires - now)}
                    for r in self._requests.values()
                    if r.status == "pending" and r.expires > now]

    def answer(self, national_id: str, decision: str, binding_message: str = "") -> int:
        """Approve or deny the pending requests of ``national_id`` (matching the message).

        Returns how many requests were answered.
        """
        now = time.time()
        answered = 0
        with self._lock:
            for request in self._requests.values():
                if (request.status == "pending" and request.expires > now
                        and request.national_id == national_id
                        and (not binding_message
                             or request.binding_message == binding_message)):
                    request.status = "approved" if decision == "approve" else "denied"
                    answered += 1
        return answered


# -- the phone: admin API client ---------------------------------------------------------


def _admin(directory: Path, action: str, form: dict[str, str] | None = None) -> Any:
    state = json.loads((directory / "state.json").read_text())
    port = state["ports"]["oidc"]
    secret = (directory / "oidc" / "admin-secret").read_text().strip()
    request = urllib.request.Request(
        f"https://127.0.0.1:{port}/sandbox-admin/{action}",
        data=urlencode(form or {}).encode(), method="POST",
        headers={"Authorization": f"Bearer {secret}",
                 "Content-Type": "application/x-www-form-urlencoded"})
    chain = state.get("ca_file") or str(directory / "pki" / "chain.pem")
    context = ssl.create_default_context(cafile=chain)
    with urllib.request.urlopen(request, context=context, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


def pending(directory: Path) -> list[dict[str, Any]]:
    """The sign-ins waiting on the sandbox's e-CPS phone."""
    result: list[dict[str, Any]] = _admin(directory, "ecps/pending")["pending"]
    return result


def answer(directory: Path, decision: str, national_id: str = "",
           binding_message: str = "") -> int:
    """Approve or deny (``decision``) on the phone; return how many requests it answered."""
    form = {"decision": decision, "national_id": national_id,
            "binding_message": binding_message}
    return int(_admin(directory, "ecps/answer", form)["answered"])


def slow_down(directory: Path, polls: int) -> int:
    """Answer ``slow_down`` to the next ``polls`` polls (0: none); return how many
    ``slow_down`` answers the provider has given since it started."""
    return int(_admin(directory, "ecps/slow-down", {"polls": str(polls)})["slow_downs"])


def set_auto(directory: Path, mode: str, delay: float = 0.0) -> None:
    """Automatic phone (tests): ``approve``, ``deny`` or ``off``, after ``delay`` seconds."""
    _admin(directory, "ecps/auto", {"mode": mode, "delay": str(delay)})
