"""Slowing down password guessing and connection floods from other local users.

The bridge listens on the loopback, where every local user and program can connect.
Three limits keep one of them from guessing the local password or starving the signed-in
user:

- **who is connecting**: on Linux the peer socket's owner (asked of the kernel through
  ``sock_diag``, what ``ss -e`` shows) tells local users apart even though they all come
  from ``127.0.0.1``; elsewhere the source address is all there is (then every local
  program shares one source, and a flood also slows the user's own new sign-ins: it
  cannot read their mail either way);
- **token buckets on sign-in attempts**: each attempt takes a token from its source's
  bucket and, unless it comes from the bridge's own user, from one global bucket, *before*
  the password is checked (waiting after a wrong answer would let parallel guesses learn
  a right one at once). A successful sign-in gives its tokens back; an attempt that
  would wait longer than ``max_wait`` is refused without being checked;
- **a cap on connections not yet signed in**, per source and for all other users
  together; connections above it are closed at once, without a thread.

Failed sign-ins go to the audit trail summarised (``bridge-login-failed`` with a count,
at most one entry per ``audit_interval``), so that a flood cannot fill the disk or push
real events out of the size-bounded trail; unauthenticated connections are not audited.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from client.audit import record as audit_record

__all__ = ["AuthThrottle", "ConnectionCap", "PeerIdentity", "TokenBucket", "peer_identity"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeerIdentity:
    """Who is on the other end: a local user id when the system tells, else the address."""

    address: str
    uid: int | None = None

    @property
    def key(self) -> str:
        """The throttling key."""
        return f"uid:{self.uid}" if self.uid is not None else f"ip:{self.address}"

    @property
    def is_owner(self) -> bool:
        """The bridge's own user (the one whose mail it relays)."""
        return self.uid is not None and hasattr(os, "getuid") and self.uid == os.getuid()


# sock_diag (linux/sock_diag.h, linux/inet_diag.h): ask the kernel about one TCP socket.
_NETLINK_SOCK_DIAG = 4
_SOCK_DIAG_BY_FAMILY = 20
_NLM_F_REQUEST = 1
_NLMSG_ERROR = 2
_UID_OFFSET = 16 + 4 + 48 + 12  # nlmsghdr, inet_diag_msg head, sockid, expires/queues


def _sockid(src: str, sport: int, dst: str, dport: int) -> bytes:
    def address(text: str) -> bytes:
        return ipaddress.ip_address(text).packed.ljust(16, b"\0")

    # Ports and addresses in network order; no interface; INET_DIAG_NOCOOKIE.
    return (struct.pack("!HH", sport, dport) + address(src) + address(dst)
            + struct.pack("=I", 0) + b"\xff" * 8)


def _uid_by_sock_diag(family: int, peer: tuple[str, int], local: tuple[str, int]) -> int | None:
    """The uid owning the peer's end of a loopback TCP connection (Linux), or None.

    One exact lookup in the kernel's socket table, in microseconds, where parsing
    ``/proc/net/tcp`` costs milliseconds on a busy machine.
    """
    request = struct.pack("=BBBBI", family, socket.IPPROTO_TCP, 0, 0, 0xFFFFFFFF) + _sockid(
        peer[0], peer[1], local[0], local[1])
    header = struct.pack("=IHHII", 16 + len(request), _SOCK_DIAG_BY_FAMILY, _NLM_F_REQUEST,
                         1, 0)
    with socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, _NETLINK_SOCK_DIAG) as diag:
        diag.settimeout(1.0)
        diag.sendto(header + request, (0, 0))
        answer = diag.recv(65536)
    if len(answer) < _UID_OFFSET + 4:
        return None
    kind = struct.unpack_from("=H", answer, 4)[0]
    if kind != _SOCK_DIAG_BY_FAMILY:
        return None  # NLMSG_ERROR: no such socket (the peer already left)
    return int(struct.unpack_from("=I", answer, _UID_OFFSET)[0])


def peer_identity(sock: socket.socket) -> PeerIdentity:
    """The peer's address, and on Linux the uid owning the peer's socket."""
    try:
        peer = sock.getpeername()
        local = sock.getsockname()
    except OSError:
        return PeerIdentity("?")
    address = str(peer[0]).split("%", 1)[0]
    if not sys.platform.startswith("linux"):
        return PeerIdentity(address)
    try:
        uid = _uid_by_sock_diag(sock.family, (address, int(peer[1])),
                                (str(local[0]).split("%", 1)[0], int(local[1])))
    except (OSError, ValueError, struct.error):
        uid = None
    return PeerIdentity(address, uid)


class TokenBucket:
    """``capacity`` tokens refilled at ``rate`` per second; reservations may go negative.

    Reserving when empty returns how long to wait for the reserved token, so that waiting
    callers are served in order at exactly ``rate``.
    """

    def __init__(self, capacity: float, rate: float, clock: Callable[[], float]) -> None:
        self.capacity = capacity
        self.rate = rate
        self._clock = clock
        self._tokens = capacity
        self._stamp = clock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def wait_for_one(self) -> float:
        """Seconds before one token would be available (0: now), without taking it."""
        self._refill()
        return max(0.0, (1 - self._tokens) / self.rate)

    def take(self) -> None:
        """Take one token (may go below zero: the next callers wait longer)."""
        self._refill()
        self._tokens -= 1

    def give_back(self) -> None:
        """Return one token (a successful sign-in costs nothing)."""
        self._refill()
        self._tokens = min(self.capacity, self._tokens + 1)


class AuthThrottle:
    """Per-source and global token buckets on sign-in attempts, and the failure summary.

    Args:
        per_source: (capacity, tokens per second) of each source's bucket.
        overall: (capacity, tokens per second) of the bucket shared by every source but
            the bridge's own user.
        max_wait: an attempt that would wait longer is refused unchecked.
        audit_interval: at most one ``bridge-login-failed`` entry per this many seconds.
    """

    def __init__(self, *, per_source: tuple[float, float] = (5, 0.5),
                 overall: tuple[float, float] = (10, 1.0), max_wait: float = 10.0,
                 audit_interval: float = 60.0,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._per_source = per_source
        self._clock = clock
        self._sleep = sleep
        self.max_wait = max_wait
        self.audit_interval = audit_interval
        self._global = TokenBucket(*overall, clock)
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()
        self._pending: dict[str, int] = {}
        self._last_audit = float("-inf")

    def _bucket(self, source: PeerIdentity) -> TokenBucket:
        bucket = self._buckets.get(source.key)
        if bucket is None:
            if len(self._buckets) > 4096:  # many loopback addresses: forget full buckets
                self._buckets = {k: b for k, b in self._buckets.items()
                                 if b.wait_for_one() > 0}
            bucket = self._buckets[source.key] = TokenBucket(*self._per_source, self._clock)
        return bucket

    def admit(self, source: PeerIdentity) -> bool:
        """Wait for this attempt's turn; False when it would wait too long (refuse it).

        Call before checking the password, then :meth:`succeeded` or :meth:`failed`.
        """
        with self._lock:
            buckets = [self._bucket(source)]
            if not source.is_owner:
                buckets.append(self._global)
            wait = max(b.wait_for_one() for b in buckets)
            if wait > self.max_wait:
                return False
            for bucket in buckets:
                bucket.take()
        if wait > 0:
            self._sleep(wait)
        return True

    def succeeded(self, source: PeerIdentity) -> None:
        """The password was right: the attempt's tokens go back."""
        with self._lock:
            self._bucket(source).give_back()
            if not source.is_owner:
                self._global.give_back()

    def failed(self, source: PeerIdentity, listener: str) -> None:
        """A wrong user name or password: counted, and audited in summary."""
        with self._lock:
            self._pending[source.key] = self._pending.get(source.key, 0) + 1
            if self._clock() - self._last_audit < self.audit_interval:
                return
            self._last_audit = self._clock()
            pending, self._pending = self._pending, {}
        self._audit(pending, listener)

    def flush(self, listener: str = "") -> None:
        """Audit the failures not yet recorded (when the bridge stops)."""
        with self._lock:
            pending, self._pending = self._pending, {}
        if pending:
            self._audit(pending, listener)

    @staticmethod
    def _audit(pending: dict[str, int], listener: str) -> None:
        sources = sorted(pending, key=lambda k: -pending[k])
        audit_record("bridge-login-failed", listener=listener, count=sum(pending.values()),
                     sources=sources[:10])


class ConnectionCap:
    """How many connections not yet signed in each source, and all others together, hold.

    The bridge's own user has a share of their own, so other users' idle connections
    never lock them out.
    """

    def __init__(self, *, per_source: int = 8, owner: int = 64, others: int = 32) -> None:
        self.per_source = per_source
        self.owner = owner
        self.others = others
        self._counts: dict[str, int] = {}
        self._others_total = 0
        self._lock = threading.Lock()

    def acquire(self, source: PeerIdentity) -> bool:
        """Count a new connection; False (and nothing counted) when over a cap."""
        with self._lock:
            held = self._counts.get(source.key, 0)
            if source.is_owner:
                if held >= self.owner:
                    return False
            elif held >= self.per_source or self._others_total >= self.others:
                return False
            else:
                self._others_total += 1
            self._counts[source.key] = held + 1
            return True

    def release(self, source: PeerIdentity) -> None:
        """The connection signed in or ended."""
        with self._lock:
            held = self._counts.get(source.key, 0)
            if held <= 0:
                return
            if held == 1:
                del self._counts[source.key]
            else:
                self._counts[source.key] = held - 1
            if not source.is_owner:
                self._others_total -= 1
