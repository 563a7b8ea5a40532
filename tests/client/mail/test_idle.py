"""IDLE notifications and reconnection against the private Dovecot."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from client.mail.idle import IdleEvent, IdleWatcher
from tests.client.mail._messages import letter
from tests.client.mail._servers import CuttingProxy, Dovecot, PasswordSessionOpener


def _wait(predicate: Callable[[], bool], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_new_mail_is_notified_and_the_watcher_reconnects(dovecot: Dovecot, user: str) -> None:
    dovecot.append(user, "INBOX", letter().as_bytes())
    proxy = CuttingProxy(dovecot.port)
    opener = PasswordSessionOpener(dovecot, user, imap_port=proxy.port)
    watcher = IdleWatcher(opener, reconnect_delays=(0.2,), check_seconds=0.2)
    events: list[IdleEvent] = []
    lock = threading.Lock()

    def collect(batch: list[IdleEvent]) -> None:
        with lock:
            events.extend(batch)

    thread = threading.Thread(target=watcher.run, args=(collect,), daemon=True)
    thread.start()
    try:
        assert _wait(lambda: opener.imap_opens == 1)
        time.sleep(0.5)  # let IDLE start
        dovecot.append(user, "INBOX", letter(subject="Nouveau résultat").as_bytes())
        assert _wait(lambda: IdleEvent("exists", 2) in events), events

        proxy.drop_all()
        assert _wait(lambda: IdleEvent("reconnected") in events), events
        assert watcher.reconnections == 1 and opener.imap_opens == 2
        time.sleep(0.5)
        dovecot.append(user, "INBOX", letter(subject="Après coupure").as_bytes())
        assert _wait(lambda: IdleEvent("exists", 3) in events), events
    finally:
        watcher.stop()
        thread.join(timeout=10)
        proxy.close()
    assert not thread.is_alive()
