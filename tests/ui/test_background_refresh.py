"""The published files are refreshed in the background; a new list reaches open windows."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tests.helpers.fake_desktop import FakeRefreshingDirectory, FakeTrust
from ui.app_events import app_events
from ui.backend import Services
from ui.background_refresh import BackgroundRefresh
from ui.workers import WorkerPool


class _ReloadCountingTrust(FakeTrust):
    """The fake trust space, counting the reloads the refresh asks for."""

    def __init__(self) -> None:
        self.reloads = 0

    def reload(self) -> None:
        self.reloads += 1
        app_events().trust_list_changed.emit()


def test_a_refreshed_list_reaches_open_windows(qtbot: QtBot) -> None:
    trust = _ReloadCountingTrust()
    services = Services(card=None, directory=FakeRefreshingDirectory(), trust=trust)
    pool = WorkerPool()
    refresh = BackgroundRefresh(services, pool, first_delay_ms=10, interval_ms=60_000)
    with qtbot.wait_signal(app_events().trust_list_changed, timeout=5000), \
            qtbot.wait_signal(refresh.finished, timeout=5000) as done:
        refresh.start()
    assert ("whitelist", "refreshed", "") in done.args[0]
    assert trust.reloads == 1
    refresh.stop()
    pool.wait_for_done(5000)


def test_without_a_refreshing_directory_nothing_runs(qtbot: QtBot) -> None:
    refresh = BackgroundRefresh(Services(card=None), WorkerPool(), first_delay_ms=10)
    refresh.start()
    qtbot.wait(50)
    assert refresh.last == []
