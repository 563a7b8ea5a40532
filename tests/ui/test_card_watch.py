"""The Qt card watcher: callbacks from any thread become signals on the GUI thread."""

from __future__ import annotations

import enum
import threading
from dataclasses import dataclass

from PySide6.QtCore import QThread
from pytestqt.qtbot import QtBot

from ui.card_watch import CardEvent, QtCardWatcher, card_event_from


class Kind(enum.Enum):
    CPS = "cps"
    VITALE = "vitale"
    OTHER = "other"


@dataclass
class WatcherEvent:
    kind: Kind
    reader: str
    slot: int


def test_events_are_normalised() -> None:
    assert card_event_from(WatcherEvent(Kind.CPS, "vpcd 0", 0)).is_cps
    assert card_event_from(WatcherEvent(Kind.VITALE, "vpcd 1", 1)).kind == "vitale"
    assert card_event_from(WatcherEvent(Kind.OTHER, "r", 0)).kind == "other"
    assert card_event_from(CardEvent("cps")).kind == "cps"


def test_insertion_from_a_watcher_thread_reaches_the_gui_thread(qtbot: QtBot) -> None:
    watcher = QtCardWatcher()
    gui = QThread.currentThread()
    received: list[tuple[CardEvent, bool]] = []
    watcher.cps_inserted.connect(
        lambda e: received.append((e, QThread.currentThread() is gui))
    )
    with qtbot.wait_signal(watcher.cps_inserted, timeout=2000):
        threading.Thread(
            target=watcher.on_inserted, args=(WatcherEvent(Kind.CPS, "vpcd 0", 0),)
        ).start()
    assert received[0][0].reader == "vpcd 0"
    assert received[0][1] is True


def test_a_vitale_card_is_ignored(qtbot: QtBot) -> None:
    watcher = QtCardWatcher()
    inserted: list[CardEvent] = []
    removed: list[CardEvent] = []
    watcher.cps_inserted.connect(inserted.append)
    watcher.cps_removed.connect(removed.append)
    with qtbot.wait_signal(watcher.other_card, timeout=2000):
        watcher.on_inserted(WatcherEvent(Kind.VITALE, "vpcd 1", 1))
    with qtbot.wait_signal(watcher.other_card, timeout=2000):
        watcher.on_removed(WatcherEvent(Kind.VITALE, "vpcd 1", 1))
    assert inserted == [] and removed == []


def test_removal_of_an_unknown_card_locks(qtbot: QtBot) -> None:
    watcher = QtCardWatcher()
    with qtbot.wait_signal(watcher.cps_removed, timeout=2000) as blocker:
        watcher.on_removed(WatcherEvent(Kind.OTHER, "vpcd 0", 0))
    assert blocker.args[0].reader == "vpcd 0"
