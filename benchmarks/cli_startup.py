"""Start-up of the command line as whole processes: ``--version`` and ``--help``.

A scripted call (``mssante-companion --version`` in a deployment script, ``--help`` typed
by an administrator) should cost about what Python itself costs to load the standard TLS
and mail modules. The baseline is ``python -c "import ssl, imaplib, smtplib"`` run in the
same way; each figure is the median of several runs, bytecode compiled first.
Target: at most 1.5x the baseline.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET = 1.5
ROUNDS = 9
_ROOT = Path(__file__).resolve().parent.parent


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(_ROOT)
    return env


def _median_seconds(argv: list[str], env: dict[str, str]) -> float:
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        subprocess.run(argv, env=env, cwd=_ROOT, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run() -> list[dict[str, object]]:
    """Two rows: ``--version`` and ``--help`` against the bare import baseline."""
    env = _environment()
    # Compile once so that no run pays for writing bytecode.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "client"], env=env, cwd=_ROOT, check=False,
        stdout=subprocess.DEVNULL,
    )
    baseline = _median_seconds([sys.executable, "-c", "import ssl, imaplib, smtplib"], env)
    script = Path(sys.executable).with_name("mssante-companion")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "client.cli"]
    rows: list[dict[str, object]] = []
    for option in ("--version", "--help"):
        measured = _median_seconds([*command, option], env)
        ratio = measured / baseline
        rows.append({
            "name": f"mssante-companion {option}, whole process (s)",
            "measured": round(measured, 3),
            "baseline": round(baseline, 3),
            "ratio": round(ratio, 2),
            "target": f"<= {TARGET}x python -c 'import ssl, imaplib, smtplib'",
            "met": ratio <= TARGET,
        })
    return rows


if __name__ == "__main__":
    print(run())
