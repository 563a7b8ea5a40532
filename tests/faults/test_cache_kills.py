"""The process killed at random points while writing the encrypted cache.

A child writes the cache continuously (summaries, a body and an outbox entry per batch);
the parent SIGKILLs it after a random delay, then opens the cache as the app would: the
file must open, pass SQLite's integrity check, hold whole batches only, and every sealed
row must decrypt. Repeated with a seeded random schedule (printed, so a failure can be
replayed with ``FAULT_SEED``).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from client.mail.cache import MailCache
from client.mail.outbox import Outbox
from client.mail.store import EncryptedStore
from tests.faults._workers import BATCH

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = int(os.environ.get("FAULT_KILL_ROUNDS", "20"))


def _check(path: Path, key: bytes) -> tuple[int, int, int]:
    """Open like the app; return (messages, bodies, outbox entries) after full checks."""
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        raw.close()
    with MailCache(EncryptedStore(path, key)) as cache:
        state = cache.folder_state("INBOX")
        if state is None:
            return 0, 0, 0
        total, page = cache.list_messages("INBOX", limit=1_000_000)
        assert total % BATCH == 0, f"a batch was cut: {total} messages"
        assert len(page) == total
        assert sorted(s.uid for s in page) == list(range(1, total + 1))
        bodies = [uid for uid in range(1, total + 1, BATCH) if cache.body("INBOX", uid)]
        assert len(bodies) == total // BATCH  # each batch's body came with it
        entries = Outbox(cache.store).entries()  # every entry decrypts
        assert all(e.recipients == ("b@clinique.mssante.fr",) for e in entries)
        return total, len(bodies), len(entries)


def test_cache_survives_kills_at_random_points(tmp_path: Path) -> None:
    seed = int(os.environ.get("FAULT_SEED", str(int(time.time()))))
    rng = random.Random(seed)
    print(f"cache kill test: seed {seed}, {ROUNDS} rounds")
    path = tmp_path / "cache.sqlite3"
    key = os.urandom(32)
    previous = 0
    for round_no in range(ROUNDS):
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.faults._workers", "cache-writer", str(path),
             key.hex()],
            cwd=ROOT, stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        try:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == b"ready"
            time.sleep(rng.uniform(0.0, 0.3))
            child.send_signal(signal.SIGKILL)
            assert child.wait(timeout=30) == -signal.SIGKILL
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
            if child.stdout is not None:
                child.stdout.close()
        messages, bodies, queued = _check(path, key)
        assert messages >= previous, f"round {round_no}: committed batches were lost"
        # The outbox write follows its batch's commit: a kill in between skips one.
        assert bodies - (round_no + 1) <= queued <= bodies
        previous = messages
    print(f"cache kill test: {ROUNDS} kills, {previous} messages survived intact")
    assert previous > 0
