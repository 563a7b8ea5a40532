"""New-mail notification with IMAP IDLE (RFC 2177), reconnecting when the session drops.

:class:`IdleWatcher` keeps one session on a folder and reports untagged ``EXISTS``,
``EXPUNGE`` and ``FETCH`` (flag) responses as :class:`IdleEvent`. The IDLE command is
re-issued every :attr:`IdleWatcher.renew_seconds` (RFC 2177 section 3: servers may drop
an idle client after 30 minutes, so clients re-issue it at least every 29 minutes). When
the connection drops (network, server restart, expired token), the watcher opens a new
session through the opener after a growing delay, and reports a ``reconnected`` event so
the caller resyncs what it may have missed. A server without IDLE is polled with NOOP.
Runs on a worker thread; :meth:`IdleWatcher.stop` ends it within about a second.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import select
import ssl
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from client.mail.errors import MailError
from client.sessions import SessionOpener

if TYPE_CHECKING:
    from imapclient import IMAPClient

__all__ = ["IdleEvent", "IdleWatcher"]

logger = logging.getLogger(__name__)

_EVENT_KINDS = {b"EXISTS": "exists", b"EXPUNGE": "expunge", b"FETCH": "flags",
                b"RECENT": "recent"}


@dataclass(frozen=True)
class IdleEvent:
    """What the server said: ``exists`` (message count), ``expunge`` (sequence number),
    ``flags`` (sequence number), ``recent``, or ``reconnected`` (resync advised)."""

    kind: str
    number: int = 0


def _events(responses: Sequence[Any]) -> list[IdleEvent]:
    events = []
    for response in responses:
        if isinstance(response, tuple) and len(response) >= 2 and isinstance(response[0], int):
            kind = _EVENT_KINDS.get(bytes(response[1]) if isinstance(response[1], bytes)
                                    else b"")
            if kind is not None:
                events.append(IdleEvent(kind, response[0]))
    return events


def _readable(imap: IMAPClient) -> bool:
    try:
        return bool(select.select([imap.socket()], [], [], 0)[0])
    except (OSError, ValueError):
        return True


class IdleWatcher:
    """Watches one folder for changes until stopped."""

    def __init__(
        self,
        opener: SessionOpener,
        folder: str = "INBOX",
        *,
        renew_seconds: float = 29 * 60,
        poll_seconds: float = 60.0,
        reconnect_delays: Sequence[float] = (1, 2, 5, 10, 30, 60),
        check_seconds: float = 1.0,
    ) -> None:
        self.opener = opener
        self.folder = folder
        self.renew_seconds = renew_seconds
        self.poll_seconds = poll_seconds
        self.reconnect_delays = tuple(reconnect_delays)
        self.check_seconds = check_seconds
        self.reconnections = 0
        self._stop = threading.Event()

    def stop(self) -> None:
        """Ask :meth:`run` to return (it does within ``check_seconds``)."""
        self._stop.set()

    def run(self, on_events: Callable[[list[IdleEvent]], None]) -> None:
        """Watch until :meth:`stop`; ``on_events`` is called from this thread."""
        failures = 0
        first = True
        while not self._stop.is_set():
            imap: IMAPClient | None = None
            try:
                imap = self.opener.open_imap()
                imap.select_folder(self.folder, readonly=True)
                if not first:
                    self.reconnections += 1
                    on_events([IdleEvent("reconnected")])
                first = False
                failures = 0
                if b"IDLE" in imap.capabilities():
                    self._idle(imap, on_events)
                else:
                    self._poll(imap, on_events)
            except (imaplib.IMAP4.error, OSError, ssl.SSLError, MailError) as exc:
                # Every way a session can die ends up here; the opener brings a new one.
                delay = self.reconnect_delays[min(failures, len(self.reconnect_delays) - 1)]
                failures += 1
                logger.info("IDLE session lost (%s); reconnecting in %s s",
                            type(exc).__name__, delay)
                self._stop.wait(delay)
            finally:
                if imap is not None:
                    with contextlib.suppress(Exception):
                        imap.logout()
                    with contextlib.suppress(Exception):
                        imap.shutdown()

    def _idle(self, imap: IMAPClient, on_events: Callable[[list[IdleEvent]], None]) -> None:
        imap.idle()
        started = time.monotonic()
        empty_reads = 0
        while not self._stop.is_set():
            responses = imap.idle_check(timeout=self.check_seconds)
            events = _events(responses)
            if events:
                on_events(events)
            # imapclient's idle_check swallows EOF: a socket that stays readable while
            # yielding nothing is a closed connection.
            if not responses and _readable(imap):
                empty_reads += 1
                if empty_reads >= 3:
                    raise ConnectionResetError("the server closed the IDLE connection")
            else:
                empty_reads = 0
            if time.monotonic() - started >= self.renew_seconds:
                imap.idle_done()
                imap.idle()
                started = time.monotonic()
        # Stopped: end IDLE politely so the LOGOUT that follows is understood.
        with contextlib.suppress(Exception):
            imap.idle_done()

    def _poll(self, imap: IMAPClient, on_events: Callable[[list[IdleEvent]], None]) -> None:
        while not self._stop.wait(self.poll_seconds):
            _, responses = imap.noop()
            events = _events(responses)
            if events:
                on_events(events)
