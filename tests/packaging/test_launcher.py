"""packaging/launcher.py, the frozen executable's entry: the CLI, or the desktop app for a
``mailto:`` link handed over by the desktop (``Exec=mssante-companion %u``)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import client

from .conftest import PACKAGING, REPO

LAUNCHER = PACKAGING / "launcher.py"


def _env() -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    return env


def test_command_line_is_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, str(LAUNCHER), "--version"], env=_env(),
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"mssante-companion {client.__version__}"


def test_a_mailto_link_opens_the_desktop_app_instead_of_failing_as_a_command() -> None:
    process = subprocess.Popen(
        [sys.executable, str(LAUNCHER), "mailto:claire.dubois@clinique.mssante.fr"],
        env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
        running = process.poll() is None
    finally:
        process.terminate()
        _out, err = process.communicate(timeout=30)
    # argparse would have exited at once with "invalid choice"; the app keeps running.
    assert running, err.decode(errors="replace")
    assert b"invalid choice" not in err
