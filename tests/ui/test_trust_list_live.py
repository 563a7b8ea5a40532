"""A liste blanche imported while a compose field is open applies to it at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.helpers.data import LISTE_BLANCHE
from tests.helpers.timeouts import LIVE_TIMEOUT_MS
from ui.live import LiveTrust
from ui.recipients import RecipientField
from ui.workers import WorkerPool

COLLEAGUE = "claire.dubois@clinique-sandbox.mssante.fr"


@pytest.fixture
def pool() -> Iterator[WorkerPool]:
    workers = WorkerPool()
    yield workers
    workers.wait_for_done(LIVE_TIMEOUT_MS)


def test_an_import_clears_the_refusal_of_an_open_field(qtbot: QtBot, pool: WorkerPool,
                                                       tmp_path: Path) -> None:
    trust = LiveTrust()
    field = RecipientField("À", pool, None, trust)
    qtbot.addWidget(field)
    field.show()
    field.set_addresses([COLLEAGUE])
    with qtbot.wait_signal(field.verdicts_changed, timeout=LIVE_TIMEOUT_MS):
        field.check_addresses()
    qtbot.wait_until(lambda: COLLEAGUE in field.verdicts, timeout=LIVE_TIMEOUT_MS)
    assert [v.address for v in field.refused()] == [COLLEAGUE]
    assert field.warning.isVisible()

    patched = tmp_path / "liste.xml"
    patched.write_text(LISTE_BLANCHE.read_text(encoding="utf-8").replace(
        "<ListeDomaines>",
        "<ListeDomaines><Domaine><Nom>clinique-sandbox.mssante.fr</Nom></Domaine>", 1),
        encoding="utf-8")
    trust.import_file(patched)  # as Settings does, on a worker or not
    qtbot.wait_until(lambda: COLLEAGUE in field.verdicts and field.refused() == [],
                     timeout=LIVE_TIMEOUT_MS)
    assert not field.warning.isVisible()
