"""Sandbox operator start and stop time.

Target: the sandbox starts in under 30 s once packages are installed, and its
stop leaves no process behind. The start is measured by the operator itself (from the first
file written to the last port listening, logged in ``logs/sandbox.log``); the baseline is
the target. Run alone: ``python -m benchmarks.sandbox_start``.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from sandbox.operator import Sandbox

__all__ = ["run"]

START_TARGET_S = 30.0
STOP_TARGET_S = 10.0


def run(rounds: int = 2) -> list[dict[str, object]]:
    """Start and stop a fresh sandbox ``rounds`` times; rows for the slowest start and stop."""
    starts: list[float] = []
    stops: list[float] = []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory(prefix="bench-sandbox-") as tmp:
            sandbox = Sandbox(Path(tmp) / "sbx", with_reader=False)
            sandbox.start()
            starts.append(sandbox.start_seconds)
            began = time.monotonic()
            sandbox.stop(purge=True)
            stops.append(time.monotonic() - began)
    rows: list[dict[str, object]] = []
    for name, value, target in (
        (f"sandbox start, slowest of {rounds} (s)", max(starts), START_TARGET_S),
        (f"sandbox stop, slowest of {rounds} (s)", max(stops), STOP_TARGET_S),
    ):
        rows.append({
            "name": name,
            "measured": round(value, 3),
            "baseline": target,
            "ratio": round(value / target, 3),
            "target": f"< {target:g} s",
            "met": value < target,
        })  # fmt: skip
    return rows


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 2), indent=1))
