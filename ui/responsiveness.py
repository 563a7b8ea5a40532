"""Keep the GUI thread responsive: the interpreter lock handed over quickly, no full
garbage collection over long-lived objects.

Workers run Python (unsealing rows, parsing a sync's answers) while the GUI thread
paints: every ``data()`` call of a repaint and every timer slot takes the interpreter
lock, and CPython makes a thread that asks for it wait up to the switch interval (5 ms by
default) before the running worker lets go. A repaint asks a few hundred times, so a
busy worker stretched it to 70-130 ms; :func:`prefer_gui_thread` shortens the interval
for the desktop app (only threads that compete for the lock are affected).

A full (generation 2) collection stops every thread, the GUI thread included, for as long
as it takes to traverse every tracked object: with the app's modules and a 10,000-row
folder loaded that is 50 to 130 ms on a desktop, the largest stall measured by
``benchmarks/gui_heartbeat.py``. Objects that live for the whole session (modules, Qt
wrappers, the rows of the list) are moved to the permanent generation with
``gc.freeze()`` (CPython 3.7+), so later collections only traverse what is new. Objects
are still freed by reference counting when released; only cyclic garbage that exists at
the moment of a freeze would be kept, and the app creates little of it.
"""

from __future__ import annotations

import gc
import logging
import sys

__all__ = ["GUI_SWITCH_INTERVAL", "freeze_long_lived", "prefer_gui_thread"]

logger = logging.getLogger(__name__)

#: Seconds a thread waits for the interpreter lock before the holder must let it go.
GUI_SWITCH_INTERVAL = 0.0005


def prefer_gui_thread() -> float:
    """Hand the interpreter lock to a waiting thread (the GUI's) after 0.5 ms, not 5;
    returns the previous interval (benchmarks put it back)."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(GUI_SWITCH_INTERVAL)
    return previous


def freeze_long_lived() -> int:
    """Collect once, then move every surviving object out of the collector's sight.

    Call it at start-up and after loading a large, long-lived structure. Returns the
    number of objects frozen.
    """
    gc.collect()
    gc.freeze()
    count = gc.get_freeze_count()
    logger.debug("%d long-lived objects frozen", count)
    return count
