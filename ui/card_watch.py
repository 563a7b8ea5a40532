"""The card watcher seen from Qt: insertion and removal as signals on the GUI thread.

``cps``'s watcher calls back on its own thread (pyscard monitor or PKCS#11 polling) with
:class:`cps.events.WatcherEvent`. This adapter turns those calls into Qt signals carrying
the same event; because the adapter lives on the GUI thread, Qt queues the emission and
the connected slots run on the GUI thread. Only CPS cards matter to the app: a Vitale
card in the other slot of a bi-slot reader is ignored.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from cps.atr import CardKind
from cps.events import WatcherEvent

__all__ = ["QtCardWatcher"]

logger = logging.getLogger(__name__)


class QtCardWatcher(QObject):
    """Receives watcher callbacks on any thread; emits signals on the GUI thread."""

    cps_inserted = Signal(WatcherEvent)
    cps_removed = Signal(WatcherEvent)
    other_card = Signal(WatcherEvent)

    def on_inserted(self, event: WatcherEvent) -> None:
        """Watcher callback (any thread): a card was inserted."""
        logger.info("card inserted: %s in %r", event.kind.value, event.reader)
        if event.kind.is_cps:
            self.cps_inserted.emit(event)
        else:
            self.other_card.emit(event)

    def on_removed(self, event: WatcherEvent) -> None:
        """Watcher callback (any thread): a card was removed."""
        logger.info("card removed: %s from %r", event.kind.value, event.reader)
        # A removal event may not know what was removed (the ATR is gone): treat an
        # unknown kind as the CPS, because locking too often is safe and the opposite is not.
        if event.kind is not CardKind.VITALE:
            self.cps_removed.emit(event)
        else:
            self.other_card.emit(event)
