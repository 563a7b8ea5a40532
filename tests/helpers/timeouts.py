"""How long live and integration tests wait for servers, child processes and workers.

One bound, :data:`LIVE_TIMEOUT` (30 s; :data:`LIVE_TIMEOUT_MS` for Qt and pytest-qt, which
count in milliseconds), scaled by ``MSSANTE_TEST_TIMEOUT_SCALE`` (a positive number,
default 1) on a machine loaded enough that 30 s is short: ``MSSANTE_TEST_TIMEOUT_SCALE=3
make test``. Longer bounds (a whole login, a test's pytest-timeout) are multiples of it.

A wait returns as soon as what it waits for happens, so a generous bound costs nothing on
a healthy run. Pauses that give something time to happen or not (``qtbot.wait(300)``) are
not waits for a server and stay as they are.
"""

from __future__ import annotations

import os

__all__ = ["LIVE_TIMEOUT", "LIVE_TIMEOUT_MS", "TIMEOUT_SCALE"]


def _scale() -> float:
    raw = os.environ.get("MSSANTE_TEST_TIMEOUT_SCALE", "").strip()
    if not raw:
        return 1.0
    try:
        scale = float(raw)
    except ValueError:
        scale = 0.0
    if not scale > 0:
        raise ValueError(f"MSSANTE_TEST_TIMEOUT_SCALE must be a positive number, not {raw!r}")
    return scale


#: The factor every live wait is multiplied by (``MSSANTE_TEST_TIMEOUT_SCALE``).
TIMEOUT_SCALE = _scale()
#: Seconds a test waits for a server, a child process or a worker before failing.
LIVE_TIMEOUT = 30.0 * TIMEOUT_SCALE
#: :data:`LIVE_TIMEOUT` in milliseconds (``qtbot.wait_until``, ``QThreadPool.waitForDone``).
LIVE_TIMEOUT_MS = round(LIVE_TIMEOUT * 1000)
