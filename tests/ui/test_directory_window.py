"""The directory window: search with filters, details, write to, import and cancel."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.helpers.fake_desktop import FakeDirectory
from ui.backend import Services
from ui.directory_window import DirectoryWindow
from ui.workers import WorkerPool


def _window(qtbot: QtBot, directory: FakeDirectory | None = None) -> DirectoryWindow:
    pool = WorkerPool()
    window = DirectoryWindow(Services(card=None, directory=directory or FakeDirectory()), pool)
    qtbot.addWidget(window)
    window.show()
    return window


def test_search_details_and_write_to(qtbot: QtBot) -> None:
    window = _window(qtbot)
    qtbot.keyClicks(window.query, "dubois")
    qtbot.wait_until(lambda: window.table.rowCount() == 2, timeout=3000)
    assert window.table.item(0, 0).text() == "Claire DUBOIS"
    assert "Cardiologie" in window.details.text()
    assert "Lyon" in window.details.text()
    with qtbot.wait_signal(window.write_to, timeout=1000) as written:
        window.write_button.click()
    assert written.args == ["claire.dubois@clinique-sandbox.mssante.fr"]


def test_filters_narrow_the_search(qtbot: QtBot) -> None:
    directory = FakeDirectory()
    window = _window(qtbot, directory)
    window.bal_type.setCurrentIndex(window.bal_type.findData("ORG"))
    qtbot.keyClicks(window.postal_code, "75013")
    assert window.filters() == {"bal_type": "ORG", "postal_code": "75013"}
    qtbot.keyClicks(window.query, "cardiologie")
    qtbot.wait_until(lambda: window.table.rowCount() == 1, timeout=3000)
    assert window.table.item(0, 4).text() == "cardio@hopital-sandbox.mssante.fr"


def test_import_with_progress(qtbot: QtBot, tmp_path: Path) -> None:
    extraction = tmp_path / "Extraction_Correspondance_MSSante_202611200000.txt"
    extraction.write_text("header\n" + "row\n" * 500, encoding="utf-8")
    window = _window(qtbot)
    with qtbot.wait_signal(window.import_finished, timeout=5000) as finished:
        window.start_import(extraction)
    assert finished.args == [500]
    assert window.import_status.text() == "500 fiches importées."
    qtbot.wait_until(lambda: not window.import_progress.isVisible(), timeout=3000)


class SlowDirectory(FakeDirectory):
    def import_file(self, path, progress=None, cancel=None):  # type: ignore[no-untyped-def]
        import time

        for i in range(10_000):
            cancel.raise_if_cancelled()
            progress(i, 10_000)
            time.sleep(0.001)
        return 10_000


def test_import_can_be_cancelled(qtbot: QtBot, tmp_path: Path) -> None:
    extraction = tmp_path / "big.txt"
    extraction.write_text("header\n", encoding="utf-8")
    window = _window(qtbot, SlowDirectory())
    window.start_import(extraction)
    assert window.cancel_button.isVisible()
    qtbot.wait_until(lambda: window.import_progress.value() > 10, timeout=5000)
    window.cancel_button.click()
    qtbot.wait_until(lambda: "annulé" in window.import_status.text(), timeout=5000)
    assert "précédent est conservé" in window.import_status.text()
    qtbot.wait_until(lambda: window.import_button.isEnabled(), timeout=3000)


def test_empty_state_says_what_to_do_then_details_use_words(qtbot: QtBot,
                                                            tmp_path: Path) -> None:
    from sandbox.directory_sample import write_sample_extraction
    from ui.live import LiveDirectory

    live = LiveDirectory()
    try:
        window = DirectoryWindow(Services(card=None, directory=live), WorkerPool())
        qtbot.addWidget(window)
        window.show()
        qtbot.wait_until(lambda: "pas encore importé" in window.details.text(), timeout=5000)
        assert "Importer l'extraction" in window.details.text()
        extraction = write_sample_extraction(
            tmp_path / "Extraction_Correspondance_MSSante_202611020630.txt", rows=300)
        with qtbot.wait_signal(window.import_finished, timeout=20_000):
            window.start_import(extraction)
        qtbot.keyClicks(window.query, "dubois lyon")
        qtbot.wait_until(lambda: window.table.rowCount() >= 1, timeout=5000)
        details = window.details.text()
        assert "Type de boîte : Personnelle" in details or "Organisationnelle" in details
        assert " : PER" not in details
        window.query.clear()
        qtbot.keyClicks(window.query, "zzzzqx")
        qtbot.wait_until(lambda: "Aucune fiche ne correspond" in window.details.text(),
                         timeout=5000)
        window.pool.wait_for_done(5000)
    finally:
        live.close()
