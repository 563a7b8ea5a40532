"""Reader and card events, shared by the watcher and those who follow it.

Kept apart from :mod:`cps.watcher` so that following events does not load pyscard.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from cps.atr import CardKind

__all__ = ["EventType", "WatcherEvent"]


class EventType(enum.Enum):
    """What happened."""

    CARD_INSERTED = "card_inserted"
    CARD_REMOVED = "card_removed"
    READER_ADDED = "reader_added"
    READER_REMOVED = "reader_removed"


@dataclass(frozen=True)
class WatcherEvent:
    """One reader or card event.

    ``kind`` classifies the card (for a removal: the card that was there); ``source``
    is "pcsc" or "pkcs11" (slot polling); ``reader`` is the PC/SC reader name or, when
    polling, the PKCS#11 slot description. ``service_lost`` marks the removals reported
    because the PC/SC service went away (restarted, crashed): the card may still be in
    its reader when the service is back.
    """

    type: EventType
    reader: str
    kind: CardKind = CardKind.UNKNOWN
    atr: bytes = b""
    source: str = "pcsc"
    service_lost: bool = False

    @property
    def card_kind(self) -> CardKind:
        """Alias of ``kind``."""
        return self.kind
