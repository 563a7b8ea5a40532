"""Application-wide notices that every open window may follow.

One :class:`AppEvents` object lives on the GUI thread; a worker may emit its signals
(Qt queues them to the GUI thread). ``trust_list_changed`` follows an import or a
refresh of the liste blanche, so that an open compose window checks its recipients
again; ``language_changed`` follows the language switch, so that open windows
translate themselves again without a restart.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

__all__ = ["AppEvents", "app_events"]


class AppEvents(QObject):
    """Signals about state shared by every window."""

    trust_list_changed = Signal()
    language_changed = Signal(str)


_EVENTS: AppEvents | None = None


def app_events() -> AppEvents:
    """The process's one :class:`AppEvents` (created on first use, on the GUI thread)."""
    global _EVENTS  # one hub for the process, like QApplication
    if _EVENTS is None:
        _EVENTS = AppEvents()
    return _EVENTS
