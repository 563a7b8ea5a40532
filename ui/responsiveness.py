"""Keep the GUI thread responsive: no full garbage collection over long-lived objects.

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

__all__ = ["freeze_long_lived"]

logger = logging.getLogger(__name__)


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
