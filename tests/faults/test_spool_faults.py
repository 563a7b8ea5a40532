"""The spool under faults: ``kill -9`` at random points, a full disk, a server restart.

Counts are configurable for longer runs: ``MSSANTE_SPOOL_FAULT_MESSAGES`` (default 200)
and ``MSSANTE_SPOOL_FAULT_KILLS`` (default 8). The random seed is printed; set
``MSSANTE_SPOOL_FAULT_SEED`` to replay a run.
"""

from __future__ import annotations

import collections
import json
import os
import random
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from client.auth import build_authenticator
from client.mail.policy import DomainList, RecipientPolicy
from client.profiles.loader import load_profile
from client.spool import Spool, SpoolSettings
from sandbox.operator import Sandbox
from tests.client.mail._servers import (
    DOMAIN,
    Dovecot,
    PasswordSessionOpener,
    SinkState,
    SmtpSink,
    free_port,
    parse,
    running_dovecot,
)
from tests.faults.test_server_restart import _kill
from tests.helpers.spool_env import SpoolHome, make_spool_home

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

MESSAGES = int(os.environ.get("MSSANTE_SPOOL_FAULT_MESSAGES", "200"))
KILLS = int(os.environ.get("MSSANTE_SPOOL_FAULT_KILLS", "8"))


def _message_ids(sandbox: Sandbox, identity: Any) -> collections.Counter[str]:
    return collections.Counter(str(m.get("Message-ID", "")).strip()
                               for m in sandbox.messages(identity))


def _unseen(home: SpoolHome) -> list[int]:
    auth = build_authenticator(load_profile(home.profile))
    imap = auth.open_imap()
    try:
        imap.select_folder("INBOX", readonly=True)
        return list(imap.search(["UNSEEN"]))
    finally:
        imap.logout()
        auth.close()


@pytest.fixture
def spool_home(sandbox_operator: Sandbox, tmp_path: Path) -> SpoolHome:
    """The applicative mailbox on a keyring-less server; secrets in files."""
    return make_spool_home(sandbox_operator, tmp_path / "server")


def test_kill_9_at_random_points_loses_nothing_and_sends_nothing_twice(
    sandbox_operator: Sandbox, spool_home: SpoolHome
) -> None:
    seed = int(os.environ.get("MSSANTE_SPOOL_FAULT_SEED", str(random.randrange(1 << 30))))
    print(f"seed {seed}")
    rng = random.Random(seed)
    me = spool_home.address
    for n in range(MESSAGES):  # to the mailbox itself: sent, then received
        spool_home.drop_json(f"k{n:04d}.json", {"to": [me], "subject": f"Kill spool-7 {n}",
                                                "body": f"Message {n}."})
    argv = ("spool", "--dir", str(spool_home.spool), "--interval", "0.1",
            "--retry-after", "0.2")
    kills = 0

    def done() -> bool:
        reports = spool_home.reports()
        if len(reports) < MESSAGES:
            return False
        sent = {r["message_id"] for r in reports}
        return sent <= {s["message_id"] for s in spool_home.summaries()}

    deadline = time.monotonic() + 400
    while kills < KILLS and not done() and time.monotonic() < deadline:
        process = spool_home.start(*argv)
        time.sleep(rng.uniform(0.3, 3.0))  # start-up, claims, sending, receiving...
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        kills += 1
    log = spool_home.root / "spool.log"

    def starts() -> int:
        return log.read_text(errors="replace").count("spool started") if log.exists() else 0

    before = starts()
    process = spool_home.start(*argv)
    try:
        while not done() and time.monotonic() < deadline:
            time.sleep(0.3)
    finally:
        # A SIGTERM while the interpreter still starts would meet Python's default
        # handler: stop it once the spool says it runs, as a service manager would.
        started = time.monotonic()
        while starts() <= before and process.poll() is None and time.monotonic() < started + 60:
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0  # SIGTERM: a clean stop
    print(f"{kills} kill(s); log:\n" + (spool_home.root / "spool.log").read_text()[-3000:])

    reports = spool_home.reports()
    assert sorted(r["file"] for r in reports) == [f"k{n:04d}.json" for n in range(MESSAGES)]
    assert not list((spool_home.spool / "failed").iterdir())
    sent_ids = [r["message_id"] for r in reports]
    assert len(set(sent_ids)) == MESSAGES
    # In the recipient's mailbox (the server's store): each exactly once.
    on_server = _message_ids(sandbox_operator, sandbox_operator.applicative)
    assert {i: on_server[i] for i in sent_ids if on_server[i] != 1} == {}
    received = collections.Counter(s["message_id"] for s in spool_home.summaries())
    assert {i: received[i] for i in sent_ids if received[i] != 1} == {}
    assert _unseen(spool_home) == []
    assert not list((spool_home.spool / "incoming").glob(".tmp-*"))
    print(f"unconfirmed: {sum(not r['confirmed'] for r in reports)}")


def test_a_full_disk_in_incoming_keeps_the_message_on_the_server(
    sandbox_operator: Sandbox, spool_home: SpoolHome
) -> None:
    outgoing = spool_home.spool / "outgoing"
    (outgoing / "big").mkdir(parents=True)
    (outgoing / "big" / "scan.pdf").write_bytes(os.urandom(400 * 1024))
    spool_home.drop_json("big.json", {"to": [spool_home.address], "subject": "Gros spool-8",
                                      "body": "x", "attachments": ["big/scan.pdf"]})
    sent = spool_home.run("spool", "--dir", str(spool_home.spool), "--once", "--no-receive")
    assert sent.returncode == 0, sent.stdout + sent.stderr
    (report,) = spool_home.reports()
    sandbox_operator.wait_for_message(sandbox_operator.applicative, "Gros spool-8")

    full = spool_home.run("spool", "--dir", str(spool_home.spool), "--once", "--no-send",
                          "--json", file_size_limit=256 * 1024)
    assert full.returncode == 7, full.stdout + full.stderr  # temporary: retry later
    problems = json.loads(full.stdout)["problems"]
    assert any("disk full" in p and "stay unread on the server" in p for p in problems)
    ids = {s["message_id"] for s in spool_home.summaries()}
    assert report["message_id"] not in ids
    assert not list((spool_home.spool / "incoming").glob(".tmp-*"))
    assert _unseen(spool_home)  # still unseen on the server

    again = spool_home.run("spool", "--dir", str(spool_home.spool), "--once", "--no-send")
    assert again.returncode == 0, again.stdout + again.stderr
    (summary,) = [s for s in spool_home.summaries() if s["message_id"] == report["message_id"]]
    assert summary["attachments"][0]["size"] == 400 * 1024
    assert _unseen(spool_home) == []


# -- the operator's servers restarted mid-batch (a private Dovecot and SMTP server) -------


@pytest.fixture
def server() -> Iterator[Dovecot]:
    """A private Dovecot for this test only (it gets killed)."""
    with running_dovecot() as dovecot:
        yield dovecot


def test_servers_restarted_mid_batch_lose_nothing_and_send_nothing_twice(
    server: Dovecot, tmp_path: Path
) -> None:
    count = 60
    sink = SmtpSink(SinkState(server), free_port())
    sink.start()
    opener = PasswordSessionOpener(server, "jean.martin", sink.port)
    settings = SpoolSettings(interval=0.05, retry_after=0.2, retry_max=1.0)
    spool = Spool(tmp_path / "spool", opener, RecipientPolicy(DomainList.of([DOMAIN])),
                  settings)
    for n in range(count):
        (tmp_path / "spool" / "outgoing" / f"r{n:03d}.json").write_text(json.dumps(
            {"to": [opener.address], "subject": f"Restart {n}", "body": "x"}))
    original = spool.submitter.submit
    calls: list[int] = []
    restarted = threading.Event()
    killed_at: list[float] = []

    def restart() -> None:
        server.start()
        sink.state.fail_with = None
        sink.start()
        restarted.set()

    def submit_with_a_restart(message: Any) -> Any:
        calls.append(1)
        if len(calls) == 21:  # 20 sent: both servers die; they come back 1.5 s later
            # A server going down answers 421 on the sessions it still has (RFC 5321
            # section 3.8), here the one the spool keeps open.
            sink.state.fail_with = (421, "4.3.0 shutting down")
            sink.stop()
            _kill(server)
            killed_at.append(time.monotonic())
        return original(message)

    spool.submitter.submit = submit_with_a_restart  # type: ignore[method-assign]
    worker = threading.Thread(target=spool.run)
    worker.start()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            # Restarted from this thread: Dovecot dies with the thread that started it.
            if killed_at and not restarted.is_set() and time.monotonic() > killed_at[0] + 1.5:
                restart()
            received = list((tmp_path / "spool" / "incoming").glob("[!.]*/summary.json"))
            if len(received) >= count and restarted.is_set():
                break
            time.sleep(0.2)
    finally:
        spool.stop.set()
        worker.join(timeout=60)
        spool.close()
        sink.stop()
    failed = [json.loads(p.read_text())["reason"]
              for p in (tmp_path / "spool" / "failed").glob("*.reason.json")]
    assert failed == []
    assert restarted.is_set() and len(calls) > count  # failures were retried
    ids = collections.Counter(str(parse(data)["Message-ID"]).strip()
                              for _from, _to, data in sink.state.received)
    reports = [json.loads(p.read_text()) for p in (tmp_path / "spool" / "sent").glob(
        "*.report.json")]
    assert len(reports) == count
    assert {r["message_id"]: (ids[r["message_id"]], r["confirmed"], r["server_reply"])
            for r in reports if ids[r["message_id"]] != 1} == {}  # each submitted once
    assert sum(ids.values()) == count
    summaries = [json.loads(p.read_text()) for p in
                 (tmp_path / "spool" / "incoming").glob("[!.]*/summary.json")]
    assert sorted(s["subject"] for s in summaries) == sorted(f"Restart {n}"
                                                             for n in range(count))
