"""Stop a sandbox when the process that owns it dies (``python -m sandbox.watchdog PID DIR``).

The sandbox's servers run in their own sessions so that ``python -m sandbox start`` can
return while they keep running. A test session that starts a sandbox and is then killed
(CI timeout, ^C twice) would leave them behind; the operator starts this watchdog for such
owners: when ``PID`` is gone, it runs :func:`sandbox.operator.stop_sandbox` and exits.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

__all__ = ["main", "watch"]

logger = logging.getLogger(__name__)


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def watch(owner: int, directory: Path, interval: float = 1.0) -> None:
    """Wait for ``owner`` to exit, then stop (and purge) the sandbox in ``directory``."""
    while _alive(owner):
        time.sleep(interval)
    state = directory / "state.json"
    if not state.exists():
        return  # stopped normally
    from sandbox.operator import stop_sandbox

    logger.warning("owner %d of the sandbox in %s died: stopping it", owner, directory)
    stop_sandbox(directory, purge=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``python -m sandbox.watchdog PID DIR``."""
    args = sys.argv[1:] if argv is None else argv
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    watch(int(args[0]), Path(args[1]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
