"""Clicked ``mailto:`` links: a compose window prefilled, once the mailbox is open.

Links arrive two ways: the packaged app's single ``mailto:`` argument (Linux desktop entry
``%u``, Windows ``mailto\\shell\\open\\command``; see ``packaging/launcher.py``), and on
macOS a ``QFileOpenEvent`` carrying the URL (``CFBundleURLTypes``), possibly before any
window exists. :class:`MailtoInbox` takes both, decodes them with
:func:`client.mail.mailto.parse_mailto`, and keeps them until the main window is unlocked
(card + PIN): a link clicked while the app is locked opens after sign-in, never before.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QFileOpenEvent

from client.mail.compose import Draft
from client.mail.mailto import MailtoLink, NotAMailtoLink, is_mailto, parse_mailto

__all__ = ["MailtoInbox", "draft_from_link", "mailto_arguments"]

logger = logging.getLogger(__name__)


def mailto_arguments(argv: Sequence[str]) -> list[str]:
    """The ``mailto:`` URLs among the command-line arguments."""
    return [arg for arg in argv if is_mailto(arg)]


def draft_from_link(link: MailtoLink) -> Draft:
    """A new draft prefilled from the link (its own id: saved like any draft)."""
    return Draft(draft_id=f"mailto-{uuid.uuid4().hex}", to=tuple(link.to), cc=tuple(link.cc),
                 subject=link.subject, body=link.body)


class MailtoInbox(QObject):
    """Queues the links until :meth:`attach`'s ``ready()`` is true, then composes them.

    Install it on the application (:meth:`install`) as early as possible: macOS delivers
    the launch link as an event as soon as the event loop runs.

    Signals:
        queued(int): a link waits for sign-in (number waiting).
        opened(object): a compose window was opened for a link (the window).
    """

    queued = Signal(int)
    opened = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pending: list[MailtoLink] = []
        self._compose: Callable[[Draft], Any] | None = None
        self._ready: Callable[[], bool] = lambda: False

    def install(self, app: QObject) -> None:
        """Receive the application's ``FileOpen`` events (macOS)."""
        app.installEventFilter(self)

    def attach(self, compose: Callable[[Draft], Any], ready: Callable[[], bool]) -> None:
        """Where links go: ``compose(draft)`` when ``ready()`` (the mailbox is open)."""
        self._compose = compose
        self._ready = ready
        self.flush()

    def receive(self, url: str) -> bool:
        """Take a clicked link; False when it is not a ``mailto:`` URL (nothing done)."""
        try:
            link = parse_mailto(url)
        except NotAMailtoLink:
            logger.info("ignored a link that is not mailto:")
            return False
        self.pending.append(link)
        if not self.flush():
            self.queued.emit(len(self.pending))
        return True

    def flush(self) -> bool:
        """Open every waiting link if the mailbox is open; True if any opened."""
        if self._compose is None or not self.pending or not self._ready():
            return False
        links, self.pending = self.pending, []
        for link in links:
            window = self._compose(draft_from_link(link))
            if window is None:  # locked again in between: keep it for the next sign-in
                self.pending.append(link)
                continue
            self.opened.emit(window)
        return len(self.pending) < len(links)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt's name
        """macOS hands the clicked link to the running app as a ``QFileOpenEvent``."""
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            # Fully encoded: parse_mailto does the RFC 6068 percent-decoding itself.
            url = bytes(event.url().toEncoded().data()).decode("ascii", "replace")
            if self.receive(url):
                return True
        return super().eventFilter(watched, event)
