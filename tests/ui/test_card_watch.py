"""The Qt card watcher: the core's events from any thread become signals on the GUI thread."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread
from pytestqt.qtbot import QtBot

from cps.atr import CardKind
from cps.events import EventType, WatcherEvent
from ui.card_watch import QtCardWatcher


def _inserted(kind: CardKind, reader: str) -> WatcherEvent:
    return WatcherEvent(EventType.CARD_INSERTED, reader, kind)


def _removed(kind: CardKind, reader: str) -> WatcherEvent:
    return WatcherEvent(EventType.CARD_REMOVED, reader, kind)


def test_insertion_from_a_watcher_thread_reaches_the_gui_thread(qtbot: QtBot) -> None:
    watcher = QtCardWatcher()
    gui = QThread.currentThread()
    received: list[tuple[WatcherEvent, bool]] = []
    watcher.cps_inserted.connect(
        lambda e: received.append((e, QThread.currentThread() is gui))
    )
    event = _inserted(CardKind.CPS3, "vpcd 0")
    with qtbot.wait_signal(watcher.cps_inserted, timeout=2000):
        threading.Thread(target=watcher.on_inserted, args=(event,)).start()
    assert received == [(event, True)]


def test_every_cps_generation_is_a_cps(qtbot: QtBot) -> None:
    watcher = QtCardWatcher()
    for kind in (CardKind.CPS, CardKind.CPS3, CardKind.CPS4):
        with qtbot.wait_signal(watcher.cps_inserted, timeout=2000) as blocker:
            watcher.on_inserted(_inserted(kind, "vpcd 0"))
        assert blocker.args[0].kind is kind


def test_a_vitale_card_is_ignored(qtbot: QtBot) -> None:
    watcher = QtCardWatcher()
    inserted: list[WatcherEvent] = []
    removed: list[WatcherEvent] = []
    watcher.cps_inserted.connect(inserted.append)
    watcher.cps_removed.connect(removed.append)
    with qtbot.wait_signal(watcher.other_card, timeout=2000):
        watcher.on_inserted(_inserted(CardKind.VITALE, "vpcd 1"))
    with qtbot.wait_signal(watcher.other_card, timeout=2000):
        watcher.on_removed(_removed(CardKind.VITALE, "vpcd 1"))
    assert inserted == [] and removed == []


def test_an_unknown_card_inserted_is_not_a_cps(qtbot: QtBot) -> None:
    watcher = QtCardWatcher()
    with qtbot.wait_signal(watcher.other_card, timeout=2000):
        watcher.on_inserted(_inserted(CardKind.UNKNOWN, "vpcd 0"))


def test_removal_of_an_unknown_card_locks(qtbot: QtBot) -> None:
    watcher = QtCardWatcher()
    for kind in (CardKind.UNKNOWN, CardKind.OTHER):
        with qtbot.wait_signal(watcher.cps_removed, timeout=2000) as blocker:
            watcher.on_removed(_removed(kind, "vpcd 0"))
        assert blocker.args[0].reader == "vpcd 0"
