"""Another local user floods the bridge (connections and parallel password guesses) while
the doctor's mail client works through it: the trail stays small, the guesses are paced,
and the signed-in client is not slowed by more than 10 %.

The flood runs as the ``nobody`` user (the test runs as root, like the sandbox), so the
bridge sees a different local user on the same 127.0.0.1, as on a shared workstation.
Every loop is bounded in time and rate; everything stays on the loopback.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from client.audit import AuditLog
from tests.helpers.timeouts import LIVE_TIMEOUT
from tests.integration.test_bridge_sandbox import Running, running  # noqa: F401 - fixture

pytestmark = [pytest.mark.sandbox, pytest.mark.timeout(10 * LIVE_TIMEOUT)]

# A bound only: the test closes the flood's stdin as soon as it has measured.
FLOOD_SECONDS = 240.0
ROUNDS = 10
TRIPS = 10

FLOOD = textwrap.dedent(
    """
    import json, socket, ssl, sys, threading, time
    port, seconds = int(sys.argv[1]), float(sys.argv[2])
    deadline = time.monotonic() + seconds  # a bound; the test ends it earlier

    def until_stdin_closes():
        global deadline
        sys.stdin.read()
        deadline = 0

    threading.Thread(target=until_stdin_closes, daemon=True).start()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    counts = {"connections": 0, "refused_at_once": 0, "guesses": 0, "answers": {}}
    lock = threading.Lock()
    held = []

    def bump(name, value=1):
        with lock:
            counts[name] += value

    def churn():  # about 70 connections a second, like the review
        while time.monotonic() < deadline:
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=5)
                bump("connections")
                s.settimeout(2)
                if s.recv(100) == b"":
                    bump("refused_at_once")
                if len(held) < 200:
                    held.append(s)  # idle connections hold unauthenticated slots
                else:
                    s.close()
            except OSError:
                bump("refused_at_once")
            time.sleep(1 / 70)

    def guess(n):
        while time.monotonic() < deadline:
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=15)
                s.settimeout(15)
                f = s.makefile("rb")
                if not f.readline():
                    s.close(); time.sleep(0.2); continue
                s.sendall(b"a STARTTLS\\r\\n"); f.readline()
                t = ctx.wrap_socket(s); f = t.makefile("rb")
                t.sendall(b'b LOGIN "jean.martin@hopital-sandbox.mssante.fr" "guess%d"\\r\\n'
                          % n)
                answer = f.readline().split(b" ")[1:3]
                key = b" ".join(answer).decode()
                with lock:
                    counts["guesses"] += 1
                    counts["answers"][key] = counts["answers"].get(key, 0) + 1
                t.close()
            except OSError:
                time.sleep(0.2)

    threads = [threading.Thread(target=churn)] + [
        threading.Thread(target=guess, args=(n,)) for n in range(20)]
    for t in threads: t.start()
    for t in threads: t.join()
    for s in held: s.close()
    print(json.dumps(counts))
    """
)


def _round_trips(imap: Any, count: int) -> list[float]:
    uids = imap.search("ALL")
    times = []
    for _ in range(count):
        start = time.perf_counter()
        imap.fetch(uids, ["FLAGS", "RFC822.SIZE", "BODY.PEEK[]"])
        times.append(time.perf_counter() - start)
        time.sleep(0.02)
    return times


def test_a_local_flood_neither_fills_the_disk_nor_slows_the_signed_in_user(
    running: Running, app_home: Path,  # noqa: F811
) -> None:
    if os.geteuid() != 0:
        pytest.fail("the flood runs as another local user: run this suite as root")
    imap = running.client()
    try:
        imap.select_folder("INBOX", readonly=True)
        _round_trips(imap, 10)  # warm up
        started = time.monotonic()
        flood = subprocess.Popen(
            ["/usr/bin/python3", "-c", FLOOD, str(running.imap_port), str(FLOOD_SECONDS)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, user="nobody",
            group="nogroup", cwd="/", env={"PATH": "/usr/bin:/bin"})
        # The machine is shared: measure with the flood running and paused (SIGSTOP) in
        # alternation, so that other load weighs on both sides alike.
        during: list[float] = []
        paused: list[float] = []
        time.sleep(2.0)  # the flood is at full strength
        for _ in range(ROUNDS):
            flood.send_signal(signal.SIGCONT)
            time.sleep(0.2)
            during += _round_trips(imap, TRIPS)
            flood.send_signal(signal.SIGSTOP)
            time.sleep(0.2)
            paused += _round_trips(imap, TRIPS)
        flood.send_signal(signal.SIGCONT)
        assert flood.poll() is None, "the flood ended before the measure"
        out, _ = flood.communicate("", timeout=4 * LIVE_TIMEOUT)
        lasted = time.monotonic() - started
    finally:
        imap.logout()
        if "flood" in locals() and flood.poll() is None:
            flood.kill()
            flood.communicate(timeout=LIVE_TIMEOUT)  # closes the pipes
    counts = json.loads(out)
    baseline = statistics.median(paused)
    ratio = statistics.median(during) / baseline
    print(f"flood {counts}; median round trip {baseline * 1000:.2f} ms -> "
          f"{statistics.median(during) * 1000:.2f} ms (x{ratio:.3f})", file=sys.stderr)
    assert counts["connections"] > 100
    assert counts["refused_at_once"] > 50  # over the cap: closed without being served
    # 20 guessers: that user's bucket (5, then one per 2 s) lets a handful be
    # checked, until 10 s after the flood at most (longer waits are refused unchecked).
    assert counts["answers"].get("NO [AUTHENTICATIONFAILED]", 0) <= 5 + (lasted + 10) / 2 + 1
    assert ratio <= 1.10
    entries = AuditLog().entries()
    assert not [e for e in entries if e.event == "bridge-session" and e.seq > 1]
    failed = [e for e in entries if e.event == "bridge-login-failed"]
    # The first failure at once, then one summary per interval: a loaded machine
    # stretches the flood over more than one interval.
    interval = running.bridge.throttle.audit_interval
    assert len(failed) <= 2 + int(lasted // interval)
    running.bridge.stop()  # flushes the summary
    failed = [e for e in AuditLog().entries() if e.event == "bridge-login-failed"]
    assert sum(int(e.fields["count"]) for e in failed) == counts["answers"].get(
        "NO [AUTHENTICATIONFAILED]", 0)
    assert all(e.fields["sources"] == ["uid:65534"] for e in failed)
    total = sum(p.stat().st_size for p in AuditLog().files() if p.exists())
    assert total < 4096
