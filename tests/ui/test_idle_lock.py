"""The e-CPS idle lock: input restarts it, and the desktop's ScreenSaver signal on a real
D-Bus session bus (a private ``dbus-run-session``) locks at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from ui.idle_lock import IdleLock

ROOT = Path(__file__).resolve().parents[2]

_SCRIPT = r"""
import sys
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtDBus import QDBusConnection, QDBusMessage
from PySide6.QtWidgets import QApplication
from ui.idle_lock import IdleLock

app = QApplication([])
lock = IdleLock(15)
assert lock.listening_to_desktop, "not listening on the session bus"
fired = []
lock.lock_now.connect(fired.append)
lock.start()
for interface, path in (("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver"),
                        ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver")):
    for active in (False, True):
        signal = QDBusMessage.createSignal(path, interface, "ActiveChanged")
        signal.setArguments([active])
        QDBusConnection.sessionBus().send(signal)
loop = QEventLoop()
QTimer.singleShot(1500, loop.quit)
loop.exec()
lock.stop()
print("FIRED", fired)
sys.exit(0 if fired == ["desktop", "desktop"] else 1)
"""


def test_the_desktop_screensaver_signal_locks() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    result = subprocess.run(["dbus-run-session", "--", sys.executable, "-c", _SCRIPT],
                            capture_output=True, text=True, env=env, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FIRED ['desktop', 'desktop']" in result.stdout


def test_idle_time_fires_only_while_armed(qtbot: QtBot) -> None:
    lock = IdleLock(15)
    assert lock.interval_ms == 15 * 60_000
    lock.set_interval_ms(100)
    fired: list[str] = []
    lock.lock_now.connect(fired.append)
    lock.screensaver_active(True)
    assert fired == []  # not armed: no e-CPS session open
    lock.start()
    qtbot.wait_until(lambda: fired == ["idle"], timeout=3000)
    lock.stop()
    lock.screensaver_active(True)
    assert fired == ["idle"]
