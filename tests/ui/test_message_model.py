"""The message list model: 100,000 rows stay virtual, sort and filter in Python."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QTableView
from pytestqt.qtbot import QtBot

from client.mail.summary import MessageSummary
from tests.helpers.fake_desktop import make_messages
from ui.message_model import Column, MessageTableModel


class CountingModel(MessageTableModel):
    """Counts data() calls to prove the view only asks for visible rows."""

    calls = 0
    rows_seen: set[int] = set()

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        CountingModel.calls += 1
        CountingModel.rows_seen.add(index.row())
        return super().data(index, role)


def test_a_hundred_thousand_rows_are_virtual(qtbot: QtBot) -> None:
    model = CountingModel()
    model.set_messages(make_messages(100_000))
    view = QTableView()
    qtbot.addWidget(view)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(24)
    view.setModel(model)
    view.resize(800, 600)
    view.show()
    qtbot.wait_exposed(view)
    view.viewport().grab()  # paint now
    assert model.rowCount() == 100_000
    assert max(CountingModel.rows_seen) < 100  # only what fits on screen was asked
    view.scrollToBottom()
    view.viewport().grab()
    assert 99_999 in CountingModel.rows_seen


def test_sorting_100k_rows(qtbot: QtBot) -> None:
    model = MessageTableModel()
    model.set_messages(make_messages(100_000))
    started = time.perf_counter()
    model.sort(Column.SENDER, Qt.SortOrder.AscendingOrder)
    elapsed = time.perf_counter() - started
    senders = [model.message_at(i).sender for i in (0, 50_000, 99_999)]
    assert senders == sorted(senders, key=str.casefold)
    model.sort(Column.DATE, Qt.SortOrder.DescendingOrder)
    assert model.message_at(0).uid == 1
    model.sort(Column.SIZE, Qt.SortOrder.AscendingOrder)
    assert model.message_at(0).size <= model.message_at(99_999).size
    assert elapsed < 2.0, f"sorting took {elapsed:.2f}s"


def test_filter_and_lookup(qtbot: QtBot) -> None:
    model = MessageTableModel()
    model.set_messages(make_messages(300))
    model.set_filter("n°42 ")
    assert [model.message_at(r).uid for r in range(model.rowCount())] == [42]
    model.set_filter("", uids=[7, 9])
    assert sorted(model.message_at(r).uid for r in range(model.rowCount())) == [7, 9]
    model.set_filter("")
    assert model.rowCount() == 300
    assert model.total == 300
    row = model.row_of(5)
    assert row is not None and model.index(row, Column.SUBJECT).data().startswith(
        "Compte rendu n°5 ")


def test_status_column_describes_the_row(qtbot: QtBot) -> None:
    model = MessageTableModel()
    model.set_messages(make_messages(1))  # unread, flagged, with attachment
    index = model.index(0, Column.STATUS)
    text = model.data(index, Qt.ItemDataRole.AccessibleTextRole)
    assert text == "non lu, suivi, pièce jointe"
    assert not model.data(index, Qt.ItemDataRole.DecorationRole).isNull()
    assert model.data(model.index(0, Column.SENDER), Qt.ItemDataRole.FontRole).bold()
    assert model.headerData(Column.SUBJECT, Qt.Orientation.Horizontal) == "Objet"


def test_a_flag_shows_on_a_structured_document_too(qtbot: QtBot) -> None:
    from tests.helpers.fake_desktop import summary

    def row(*flags: str) -> MessageSummary:
        return summary(1, "Laboratoire Biomed <resultats@labo-sandbox.mssante.fr>",
                       "XDM/1.0/DDM+CR de biologie DUPONT Marie 12/03/1961",
                       flags=("\\Seen", *flags), has_attachments=True)

    model = MessageTableModel()
    model.set_messages([row()])
    index = model.index(0, Column.STATUS)
    unflagged = model.data(index, Qt.ItemDataRole.DecorationRole).pixmap(16, 16).toImage()
    model.set_messages([row("\\Flagged")])
    flagged = model.data(index, Qt.ItemDataRole.DecorationRole).pixmap(16, 16).toImage()
    assert flagged != unflagged  # the flag is drawn over the document's icon
    # Its top right corner carries the flag's red.
    reds = [flagged.pixelColor(x, y) for x in range(8, 16) for y in range(8)]
    assert any(c.red() > 180 and c.green() < 100 and c.alpha() > 0 for c in reds)
    assert model.data(index, Qt.ItemDataRole.AccessibleTextRole) == (
        "suivi, pièce jointe, document structuré")


def test_sent_folders_show_the_recipients(qtbot: QtBot) -> None:
    from datetime import datetime

    from tests.helpers.fake_desktop import summary

    model = MessageTableModel()
    model.set_messages([summary(
        1, "Dr Jean MARTIN <jean.martin@hopital.mssante.fr>", "Demande d'avis",
        datetime(2026, 11, 29, 11, 2),
        to=["Claire DUBOIS <claire.dubois@clinique.mssante.fr>", "paul@x.mssante.fr"])])
    sender = model.index(0, Column.SENDER)
    assert model.data(sender) == "Dr Jean MARTIN"
    assert model.headerData(Column.SENDER, Qt.Orientation.Horizontal) == "Expéditeur"
    with qtbot.wait_signal(model.headerDataChanged):
        model.show_recipients(True)
    assert model.headerData(Column.SENDER, Qt.Orientation.Horizontal) == "Destinataire"
    assert model.data(sender) == "Claire DUBOIS, paul@x.mssante.fr"
    model.show_recipients(False)
    assert model.data(sender) == "Dr Jean MARTIN"
