"""Desktop launch to the lock screen, as whole processes, vs the same Qt hello-world window.

The user double-clicks and waits for the window that asks for the CPS card. Measured from
the parent: process start to the moment the first window is shown and the event loop
runs (the child prints a line then quits). The baseline is a Qt hello-world: the same
interpreter, ``QApplication`` plus one ``QMainWindow`` with a label, timed the same way.
Both run offscreen with an isolated home holding a card-tls profile (no first-run
assistant) and no card reader. Median of several runs; targets: at most 1.5x the
baseline, and at most 1 s.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["run"]

TARGET_RATIO = 1.5
TARGET_SECONDS = 1.0
ROUNDS = 5
_ROOT = Path(__file__).resolve().parent.parent

_PROFILE = """[account]
address = "jean.martin@hopital-sandbox.mssante.fr"
[imap]
host = "127.0.0.1"
port = 1
security = "starttls"
[smtp]
host = "127.0.0.1"
port = 1
security = "starttls"
[auth]
method = "card-tls"
pkcs11_module = "auto"
"""

# Prints once a window has been painted for the first time, then quits.
_PROBE = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

class _FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and hasattr(watched, "window"):
            QApplication.instance().removeEventFilter(self)
            name = type(watched.window()).__name__
            QTimer.singleShot(0, lambda: (print("SHOWN " + name, flush=True),
                                          QApplication.instance().exit(0)))
        return False

_probe = _FirstPaint()
_exec = QApplication.exec
def exec_and_probe(*_args):
    QApplication.instance().installEventFilter(_probe)
    return _exec()
QApplication.exec = staticmethod(exec_and_probe)
"""

_APP = _PROBE + """
from ui.app import run_desktop_app
raise SystemExit(run_desktop_app([]))
"""

_HELLO = _PROBE + """
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow
app = QApplication([sys.argv[0]])
window = QMainWindow()
label = QLabel("Insérez votre carte CPS pour ouvrir votre messagerie.")
label.setAlignment(Qt.AlignmentFlag.AlignCenter)
window.setCentralWidget(label)
window.resize(900, 600)
window.show()
raise SystemExit(app.exec())
"""


def _median(code: str, env: dict[str, str]) -> tuple[float, str]:
    times, shown = [], ""
    for _ in range(ROUNDS):
        started = time.perf_counter()
        done = subprocess.run(  # our own interpreter and script
            [sys.executable, "-c", code], env=env, cwd=_ROOT, capture_output=True,
            text=True, timeout=120, check=False,
        )
        elapsed = time.perf_counter() - started
        if "SHOWN" not in done.stdout:
            raise RuntimeError(f"no window shown:\n{done.stdout}\n{done.stderr[-2000:]}")
        shown = done.stdout.split("SHOWN", 1)[1].split()[0]
        times.append(elapsed)
    return statistics.median(times), shown


def run() -> list[dict[str, object]]:
    """One row: app launch to lock screen against the hello-world window."""
    with tempfile.TemporaryDirectory(prefix="bench-desktop-") as home:
        config = Path(home) / "config"
        config.mkdir(parents=True)
        (config / "profile.toml").write_text(_PROFILE, encoding="utf-8")
        env = dict(
            os.environ, PYTHONPATH=str(_ROOT), QT_QPA_PLATFORM="offscreen",
            MSSANTE_COMPANION_HOME=home, MSSANTE_COMPANION_PROFILE=str(config / "profile.toml"),
        )
        subprocess.run([sys.executable, "-m", "compileall", "-q", "ui", "client", "cps"],
                       cwd=_ROOT, env=env, check=False, stdout=subprocess.DEVNULL)
        baseline, _ = _median(_HELLO, env)
        measured, window = _median(_APP, env)
    ratio = measured / baseline
    return [{
        "name": f"desktop launch to lock screen, whole process (s; first window: {window})",
        "measured": round(measured, 3),
        "baseline": round(baseline, 3),
        "ratio": round(ratio, 2),
        "target": f"<= {TARGET_RATIO}x Qt hello-world and <= {TARGET_SECONDS} s",
        "met": ratio <= TARGET_RATIO and measured <= TARGET_SECONDS,
    }]


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
