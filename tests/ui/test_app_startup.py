"""Start-up order: the lock screen is on screen before the mailbox code is loaded, then
the main window takes its place (a whole process, offscreen, with a card-tls profile)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from ui.app import APP_NAME, StartWindow

ROOT = Path(__file__).resolve().parents[2]

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
pkcs11_module = "/nonexistent/libcps.so"
"""

_DRIVER = """
import json, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
from ui.app import run_desktop_app

seen = {}

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and "first" not in seen:
            seen["first"] = type(watched.window()).__name__
            seen["loaded_then"] = sorted(
                m for m in ("ui.main_window", "ui.live", "client.mail", "client.auth",
                            "client.tls", "ui.mail_view", "ui.compose") if m in sys.modules)
        return False

probe = FirstPaint()
_exec = QApplication.exec
def exec_with_probe(*_args):
    QApplication.instance().installEventFilter(probe)
    return _exec()
QApplication.exec = staticmethod(exec_with_probe)

def ready(window):
    seen["ready"] = type(window).__name__
    seen["visible"] = sorted(
        type(w).__name__ for w in QApplication.topLevelWidgets()
        if w.isVisible() and type(w).__name__.endswith("Window"))
    QTimer.singleShot(0, lambda: QApplication.instance().exit(0))

status = run_desktop_app([], on_ready=ready)
print("RESULT " + json.dumps({**seen, "status": status}), flush=True)
"""


def test_lock_screen_first_then_the_main_window(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "profile.toml").write_text(_PROFILE, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
           "MSSANTE_COMPANION_HOME": str(tmp_path),
           "MSSANTE_COMPANION_PROFILE": str(config / "profile.toml")}
    done = subprocess.run(
        [sys.executable, "-c", _DRIVER], env=env, cwd=ROOT, capture_output=True, text=True,
        timeout=120, check=False,
    )
    assert "RESULT " in done.stdout, done.stderr[-3000:]
    result = json.loads(done.stdout.split("RESULT ", 1)[1])
    assert result["first"] == "StartWindow"
    assert result["loaded_then"] == []
    assert result["ready"] == "MainWindow"
    assert result["visible"] == ["MainWindow"]
    assert result["status"] == 0


def test_start_window_is_the_waiting_lock_screen(qtbot: QtBot) -> None:
    window = StartWindow()
    qtbot.addWidget(window)
    with qtbot.wait_signal(window.painted, timeout=5000):
        window.show()
    assert window.windowTitle() == APP_NAME
    assert window.lock_screen.isVisible()
    assert window.lock_screen.title.text()


def test_app_name_is_the_main_window_title() -> None:
    from ui.main_window import APP_NAME as MAIN_WINDOW_NAME

    assert APP_NAME == MAIN_WINDOW_NAME
