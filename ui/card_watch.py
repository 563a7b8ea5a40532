"""The card watcher seen from Qt: insertion and removal as signals on the GUI thread.

``cps``'s watcher calls back on its own thread (pyscard monitor or PKCS#11 polling). This
adapter turns those calls into Qt signals; because the adapter lives on the GUI thread,
Qt queues the emission and the connected slots run on the GUI thread. Only CPS cards
matter to the app: a Vitale card in the other slot of a bi-slot reader is ignored.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

__all__ = ["CardEvent", "QtCardWatcher", "card_event_from"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CardEvent:
    """A normalised insertion or removal event."""

    kind: str  # "cps", "vitale", "other"
    reader: str = ""
    slot: int | None = None
    raw: Any = None

    @property
    def is_cps(self) -> bool:
        """A professional card (CPS3, CPS4, CPE...)."""
        return self.kind == "cps"


def _kind_of(value: Any) -> str:
    # cps reports an enum (CardKind.CPS / .VITALE / .OTHER) or a string; accept both.
    raw = getattr(value, "value", value)
    name = getattr(value, "name", raw)
    text = str(name if isinstance(name, str) else raw).lower()
    if text.startswith("cps") or text in {"cpe", "cpf", "professional"}:
        return "cps"
    if "vitale" in text:
        return "vitale"
    return "other"


def card_event_from(raw: Any) -> CardEvent:
    """Read a ``cps`` watcher event (any shape with ``kind``/``reader``/``slot``)."""
    if isinstance(raw, CardEvent):
        return raw
    kind = getattr(raw, "kind", None)
    if kind is None:
        kind = getattr(raw, "card_kind", "other")
    reader = getattr(raw, "reader", "") or getattr(raw, "reader_name", "")
    slot = getattr(raw, "slot", None)
    return CardEvent(kind=_kind_of(kind), reader=str(reader), slot=slot, raw=raw)


class QtCardWatcher(QObject):
    """Receives watcher callbacks on any thread; emits signals on the GUI thread."""

    cps_inserted = Signal(object)
    cps_removed = Signal(object)
    other_card = Signal(object)

    def on_inserted(self, raw: Any) -> None:
        """Watcher callback (any thread): a card was inserted."""
        event = card_event_from(raw)
        logger.info("card inserted: %s in %r", event.kind, event.reader)
        if event.is_cps:
            self.cps_inserted.emit(event)
        else:
            self.other_card.emit(event)

    def on_removed(self, raw: Any) -> None:
        """Watcher callback (any thread): a card was removed."""
        event = card_event_from(raw)
        logger.info("card removed: %s from %r", event.kind, event.reader)
        # A removal event may not know what was removed (the ATR is gone): treat an
        # unknown kind as the CPS, because locking too often is safe and the opposite is not.
        if event.kind != "vitale":
            self.cps_removed.emit(event)
        else:
            self.other_card.emit(event)
