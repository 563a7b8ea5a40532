"""The first-run assistant names the operator and the sign-in method in words, then
offers the directory import (progress, cancel) that recipient autocomplete needs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from sandbox.directory_sample import write_sample_extraction
from tests.helpers.fake_desktop import FakeProfileSetup
from ui.first_run import FirstRunAssistant
from ui.live import LiveDirectory
from ui.workers import WorkerPool


@pytest.fixture
def directory() -> Iterator[LiveDirectory]:
    live = LiveDirectory()
    yield live
    live.close()


def _to_directory_page(qtbot: QtBot, assistant: FirstRunAssistant) -> None:
    assistant.show()
    qtbot.keyClicks(assistant.choose_page.address, "jean.martin@hopital-sandbox.mssante.fr")
    assistant.next()
    qtbot.wait_until(lambda: assistant.test_page.tested, timeout=5000)
    with qtbot.wait_signal(assistant.profile_saved, timeout=3000):
        assistant.next()
    assert assistant.currentPage() is assistant.directory_page


def test_summary_in_words_then_directory_import(qtbot: QtBot, tmp_path: Path,
                                               directory: LiveDirectory) -> None:
    pool = WorkerPool()
    assistant = FirstRunAssistant(FakeProfileSetup(tmp_path / "profile.toml"), pool,
                                  directory=directory)
    qtbot.addWidget(assistant)
    _to_directory_page(qtbot, assistant)
    summary = assistant.test_page.summary.text()
    assert "Hôpital Sandbox" in summary
    assert "carte CPS et code PIN" in summary and "card-tls" not in summary
    page = assistant.directory_page
    assert page is not None
    extraction = write_sample_extraction(
        tmp_path / "Extraction_Correspondance_MSSante_202611020630.txt", rows=400)
    page.start_import(extraction)
    qtbot.wait_until(lambda: page.imported > 0, timeout=20_000)
    assert "l'autocomplétion est prête" in page.status.text()
    assert directory.search("dubois lyon", 5)
    with qtbot.wait_signal(assistant.finished, timeout=3000):
        assistant.button(QWizard.WizardButton.FinishButton).click()
    assert assistant.result() == QWizard.DialogCode.Accepted
    pool.wait_for_done(5000)


def test_the_import_can_be_cancelled(qtbot: QtBot, tmp_path: Path,
                                     directory: LiveDirectory) -> None:
    pool = WorkerPool()
    assistant = FirstRunAssistant(FakeProfileSetup(tmp_path / "profile.toml"), pool,
                                  directory=directory)
    qtbot.addWidget(assistant)
    _to_directory_page(qtbot, assistant)
    page = assistant.directory_page
    assert page is not None
    big = write_sample_extraction(tmp_path / "big.txt", rows=20_000, seed=3)
    page.start_import(big)
    page.cancel()
    qtbot.wait_until(lambda: page.import_button.isEnabled(), timeout=20_000)
    assert "Import annulé" in page.status.text()
    pool.wait_for_done(5000)
