"""Sign-in throttling and the cap on unauthenticated connections, on real loopback sockets
(peer identity) and with a stepped clock (token buckets)."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest

from client.audit import AuditLog
from client.bridge.throttle import AuthThrottle, ConnectionCap, PeerIdentity, peer_identity

OTHER = PeerIdentity("127.0.0.1", uid=65534)
OWNER = PeerIdentity("127.0.0.1", uid=os.getuid())


class SteppedClock:
    """A clock that moves only when the throttle sleeps (or the test says so)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _throttle(clock: SteppedClock, **kw: object) -> AuthThrottle:
    return AuthThrottle(clock=clock, sleep=clock.sleep, **kw)  # type: ignore[arg-type]


def test_peer_identity_names_the_local_user_of_a_loopback_peer() -> None:
    server = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(server.getsockname())
    accepted, _ = server.accept()
    try:
        identity = peer_identity(accepted)
        assert identity.address == "127.0.0.1"
        assert identity.uid == os.getuid() and identity.is_owner
    finally:
        for sock in (accepted, client, server):
            sock.close()


def test_guesses_from_one_source_are_paced_whatever_the_parallelism() -> None:
    clock = SteppedClock()
    throttle = _throttle(clock, per_source=(5, 0.5), overall=(100, 100.0), max_wait=1e9)
    for _ in range(25):  # 25 "parallel" attempts: each must get its turn first
        assert throttle.admit(OTHER)
        throttle.failed(OTHER, "imap")
    # 5 at once (the bucket), then one every 2 seconds.
    assert clock.now - 1000.0 == pytest.approx(20 * 2.0)


def test_the_global_bucket_paces_many_sources_but_not_the_owner() -> None:
    clock = SteppedClock()
    throttle = _throttle(clock, per_source=(5, 0.5), overall=(10, 1.0), max_wait=1e9)
    for n in range(40):  # 40 loopback addresses, one guess each
        assert throttle.admit(PeerIdentity(f"127.0.0.{n + 2}"))
        throttle.failed(PeerIdentity(f"127.0.0.{n + 2}"), "smtp")
    assert clock.now - 1000.0 == pytest.approx(30.0)
    before = clock.now
    assert throttle.admit(OWNER)  # the global bucket is empty, the owner does not wait
    throttle.succeeded(OWNER)
    assert clock.now == before


def test_an_attempt_that_would_wait_too_long_is_refused_unchecked() -> None:
    clock = SteppedClock()
    throttle = _throttle(clock, per_source=(2, 0.1), max_wait=5.0)
    assert throttle.admit(OTHER) and throttle.admit(OTHER)
    assert not throttle.admit(OTHER)  # 10 s to wait: refused
    assert clock.slept == []


def test_a_right_password_gives_its_token_back() -> None:
    clock = SteppedClock()
    throttle = _throttle(clock, per_source=(2, 0.1), max_wait=0.0)
    for _ in range(10):
        assert throttle.admit(OWNER)
        throttle.succeeded(OWNER)


def test_failures_are_audited_in_summary(app_home: Path) -> None:
    clock = SteppedClock()
    throttle = _throttle(clock, per_source=(1000, 1000.0), overall=(1000, 1000.0),
                         audit_interval=60.0)
    for _ in range(500):
        throttle.admit(OTHER)
        throttle.failed(OTHER, "imap")
    clock.now += 61
    throttle.admit(OTHER)
    throttle.failed(OTHER, "imap")
    throttle.flush("imap")  # nothing left: no entry
    entries = [e for e in AuditLog().entries() if e.event == "bridge-login-failed"]
    assert [e.fields["count"] for e in entries] == [1, 500]
    assert entries[0].fields["sources"] == ["uid:65534"]


def test_connection_cap_keeps_a_share_for_the_owner() -> None:
    cap = ConnectionCap(per_source=3, owner=4, others=5)
    assert [cap.acquire(OTHER) for _ in range(4)] == [True, True, True, False]
    others = [PeerIdentity(f"127.0.0.{n}") for n in range(2, 6)]
    assert [cap.acquire(o) for o in others] == [True, True, False, False]
    assert [cap.acquire(OWNER) for _ in range(5)] == [True, True, True, True, False]
    cap.release(OTHER)
    assert cap.acquire(others[2])


def test_concurrent_admissions_are_consistent() -> None:
    throttle = AuthThrottle(per_source=(50, 0.001), overall=(1000, 1.0), max_wait=0.0)
    admitted: list[bool] = []
    lock = threading.Lock()

    def guess() -> None:
        ok = throttle.admit(OTHER)
        with lock:
            admitted.append(ok)

    threads = [threading.Thread(target=guess) for _ in range(200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert admitted.count(True) == 50
