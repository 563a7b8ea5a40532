"""The message list over the encrypted cache: windows on workers, sorts swapped in."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot

from client.mail.cache import MailCache
from client.mail.sort_index import SUBJECT, SortKeys
from client.mail.summary import FetchedRow
from tests.helpers.cached_folder import cached_rows, open_cache, seed_folder
from ui.cached_rows import FIRST_WINDOW, CachedRows
from ui.message_model import LRU_ROWS, Column, MessageTableModel
from ui.workers import WorkerPool

ROWS = 5_000


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[MailCache]:
    with open_cache(tmp_path) as opened:
        seed_folder(opened, "INBOX", ROWS)
        yield opened


@pytest.fixture
def model(qtbot: QtBot) -> Iterator[MessageTableModel]:
    pool = WorkerPool()
    model = MessageTableModel()
    model.runner = lambda fn, done, *args: pool.submit(fn, *args, on_result=done)
    yield model
    pool.wait_for_done(10_000)


def _shown(model: MessageTableModel, row: int, column: int = Column.SUBJECT) -> object:
    return model.data(model.index(row, column))


def test_rows_are_read_as_the_view_scrolls(qtbot: QtBot, cache: MailCache,
                                           model: MessageTableModel) -> None:
    rows = cached_rows(cache, "INBOX")
    assert len(rows.first) == FIRST_WINDOW  # only the first screenful was unsealed
    model.set_messages(rows)
    assert model.lazy and model.rowCount() == ROWS and model.total == ROWS
    assert _shown(model, 0) == "Compte rendu 000001 patient 0"  # newest first, at once
    assert _shown(model, 4_000) is None  # blank for the moment a worker reads it
    with qtbot.wait_signal(model.dataChanged, timeout=10_000):
        pass
    assert _shown(model, 4_000) == "Compte rendu 004001 patient 23"
    assert model.data(model.index(4_000, 0), Qt.ItemDataRole.UserRole) == 4_001
    for row in range(0, ROWS, 90):  # scroll the whole folder
        if _shown(model, row) is None:
            def filled(at: int = row) -> bool:
                return _shown(model, at) is not None

            qtbot.wait_until(filled, timeout=10_000)
    assert len(model._known) <= LRU_ROWS  # a window, never the folder
    far = model.message_at(10)  # read on demand when out of the window
    assert far is not None and far.uid == 11
    assert model.row_of(ROWS) == ROWS - 1


def test_sorting_runs_on_workers_and_keeps_the_selection(qtbot: QtBot, cache: MailCache,
                                                         model: MessageTableModel) -> None:
    model.set_messages(cached_rows(cache, "INBOX"))
    selection = QItemSelectionModel(model)
    selection.select(model.index(2, 0), QItemSelectionModel.SelectionFlag.Select
                     | QItemSelectionModel.SelectionFlag.Rows)
    with qtbot.wait_signal(model.order_changed, timeout=10_000):
        model.sort(Column.SIZE, Qt.SortOrder.AscendingOrder)
    sizes = [model.message_at(r).size for r in range(0, ROWS, 250)]  # type: ignore[union-attr]
    assert sizes == sorted(sizes)
    assert [model.uid_at(i.row()) for i in selection.selectedRows()] == [3]
    with qtbot.wait_signal(model.order_changed, timeout=30_000):
        model.sort(Column.SUBJECT, Qt.SortOrder.DescendingOrder)  # sealed: stored keys
    assert model.uid_at(0) == ROWS and model.uid_at(ROWS - 1) == 1
    # The first screen in the new order came with it: no blank rows to paint first.
    assert [_shown(model, r) for r in (0, 60)] == [
        f"Compte rendu {ROWS:06d} patient {(ROWS - 1) % 97}",
        f"Compte rendu {ROWS - 60:06d} patient {(ROWS - 61) % 97}"]
    assert [model.uid_at(i.row()) for i in selection.selectedRows()] == [3]
    with qtbot.wait_signal(model.order_changed, timeout=10_000):
        model.sort(Column.STATUS, Qt.SortOrder.DescendingOrder)
    first = model.message_at(0)
    assert first is not None and not first.seen and first.flagged and first.has_attachments
    with qtbot.wait_signal(model.order_changed, timeout=10_000):
        model.sort(Column.DATE, Qt.SortOrder.DescendingOrder)
    assert model.uids()[:3] == [1, 2, 3]


def test_filter_flags_and_removals(qtbot: QtBot, cache: MailCache,
                                   model: MessageTableModel) -> None:
    model.set_messages(cached_rows(cache, "INBOX"))
    with qtbot.wait_signal(model.order_changed, timeout=30_000):
        model.set_filter("rendu 00420")
    assert sorted(model.uids()) == list(range(4200, 4210))
    with qtbot.wait_signal(model.order_changed, timeout=10_000):
        model.set_filter("", uids=[7, 9])
    assert model.uids() == [7, 9] and model.total == ROWS
    model.set_filter("")  # every row again, at once: the order is already there
    assert model.rowCount() == ROWS and model.row_of(ROWS) == ROWS - 1
    # A flag set here shows at once and survives the row leaving and re-entering the
    # window (the cache learns it at the next sync).
    read = model.message_at(0)
    assert read is not None and not read.seen
    model.update_message(dataclasses.replace(read, flags=("\\Seen",)))
    model._known.clear()
    assert model.message_at(0).seen  # type: ignore[union-attr]
    model.remove_uids([1, 2])
    assert model.rowCount() == ROWS - 2 and model.total == ROWS - 2 and model.uid_at(0) == 3
    with qtbot.wait_signal(model.order_changed, timeout=10_000):
        model.sort(Column.SIZE, Qt.SortOrder.DescendingOrder)
    assert 1 not in model.uids() and 2 not in model.uids()


def test_without_workers_the_model_reads_at_once(cache: MailCache, qtbot: QtBot) -> None:
    model = MessageTableModel()  # tools and scripts: no pool, answers on the spot
    model.set_messages(cached_rows(cache, "INBOX"))
    assert _shown(model, 3_000) == "Compte rendu 003001 patient 90"
    model.sort(Column.SENDER, Qt.SortOrder.AscendingOrder)
    senders = [model.message_at(r).sender for r in (0, ROWS - 1)]  # type: ignore[union-attr]
    assert senders[0].startswith("Dr Claire") and senders[1].startswith("Secretariat")


def _folder_id(cache: MailCache) -> int:
    state = cache.folder_state("INBOX")
    assert state is not None
    return state.folder_id


def _counting_key_rows(rows: CachedRows) -> list[int]:
    """The UIDs ``rows`` unseals to key them (rows cached before keys were stored)."""
    unsealed: list[int] = []
    key_rows = rows.key_rows

    def counting(uids: Sequence[int]) -> list[SortKeys]:
        unsealed.extend(uids)
        return key_rows(uids)

    rows.key_rows = counting  # type: ignore[method-assign]
    return unsealed


def test_sealed_sorts_read_the_stored_keys_not_the_rows(
        qtbot: QtBot, cache: MailCache, model: MessageTableModel) -> None:
    rows = cached_rows(cache, "INBOX")
    unsealed = _counting_key_rows(rows)
    model.set_messages(rows)
    with qtbot.wait_signal(model.order_changed, timeout=30_000):
        model.sort(Column.SUBJECT, Qt.SortOrder.DescendingOrder)
    assert model.uid_at(0) == ROWS and model.uid_at(ROWS - 1) == 1
    seed_folder(cache, "INBOX", 5, start_uid=ROWS + 1)  # new mail, then a refresh
    refreshed = cached_rows(cache, "INBOX")
    unsealed += _counting_key_rows(refreshed)
    with qtbot.wait_signal(model.order_changed, timeout=30_000):
        model.set_messages(refreshed)  # sorted on the subject again, on a worker
    assert model.uid_at(0) == ROWS + 5 and model.rowCount() == ROWS + 5
    assert unsealed == []  # the sync stored every row's keys as it wrote the row


def test_a_cache_from_before_the_keys_is_keyed_once(
        qtbot: QtBot, cache: MailCache, model: MessageTableModel) -> None:
    with cache.transaction():  # a cache written by a version that kept no keys
        cache.store.conn.execute("DELETE FROM sort_keys")
    rows = cached_rows(cache, "INBOX")
    unsealed = _counting_key_rows(rows)
    model.set_messages(rows)
    with qtbot.wait_signal(model.order_changed, timeout=30_000):
        model.sort(Column.SENDER, Qt.SortOrder.AscendingOrder)
    assert sorted(unsealed) == list(range(1, ROWS + 1))  # each row unsealed once
    assert model.message_at(0).sender.startswith("Dr Claire")  # type: ignore[union-attr]
    segments = cache.stored_sort_keys("INBOX")
    assert [len(s.uids) for s in segments] == [ROWS]  # kept for the next time
    cache.remove_uids(_folder_id(cache), [1, 2])
    again = cached_rows(cache, "INBOX")
    assert _counting_key_rows(again) == []
    assert again.sort_index().order_by(SUBJECT, False)[:2] == [3, 4]


def test_keys_not_stored_when_the_file_stays_busy(cache: MailCache) -> None:
    with cache.transaction():
        cache.store.conn.execute("DELETE FROM sort_keys")
    rows = cached_rows(cache, "INBOX")
    cache.store.begin()  # a sync holds the write lock
    try:
        index = rows.sort_index()  # keyed from the rows; storing them gives up quickly
    finally:
        cache.store.rollback()
    assert len(index.order_by(SUBJECT, True)) == ROWS
    assert cache.stored_sort_keys("INBOX") == []


def test_sealed_sorts_follow_french_order_ties_newest_first(qtbot: QtBot, cache: MailCache,
                                                            model: MessageTableModel) -> None:
    subjects = {1: "zoé", 2: "École", 3: "ecole", 4: "Elise", 5: "Éric", 6: "abc"}
    folder_id = cache.reset_folder("Tri", 1)
    cache.put_rows(folder_id, [FetchedRow(
        uid=uid, modseq=1, flags=(), size=1, date=1_000.0 - uid, has_attachments=False,
        envelope=[text.encode().decode("latin-1"), [["Dr X", "x", "x.fr"]], [], [], ""])
        for uid, text in subjects.items()])
    model.set_messages(cached_rows(cache, "Tri"))
    assert model.uids() == [1, 2, 3, 4, 5, 6]  # newest first
    selection = QItemSelectionModel(model)
    selection.setCurrentIndex(model.index(3, 0), QItemSelectionModel.SelectionFlag.Select
                              | QItemSelectionModel.SelectionFlag.Rows)
    with qtbot.wait_signal(model.order_changed, timeout=30_000):
        model.sort(Column.SUBJECT, Qt.SortOrder.AscendingOrder)
    # Accents and case do not count; "École" and "ecole" tie, the newer first.
    assert model.uids() == [6, 2, 3, 4, 5, 1]
    assert model.uid_at(selection.currentIndex().row()) == 4
    assert [model.uid_at(i.row()) for i in selection.selectedRows()] == [4]
    with qtbot.wait_signal(model.order_changed, timeout=30_000):
        model.sort(Column.SUBJECT, Qt.SortOrder.DescendingOrder)
    assert model.uids() == [1, 5, 4, 2, 3, 6]  # ties stay newest first
    assert model.uid_at(selection.currentIndex().row()) == 4


def test_replies_sort_with_their_original_cached_or_in_memory(
        qtbot: QtBot, cache: MailCache, model: MessageTableModel) -> None:
    subjects = {1: "RE : Bilan", 2: "Compte rendu", 3: "Bilan", 4: "TR: Avis"}
    folder_id = cache.reset_folder("Fils", 1)
    cache.put_rows(folder_id, [FetchedRow(
        uid=uid, modseq=1, flags=(), size=1, date=1_000.0 - uid, has_attachments=False,
        envelope=[text, [["Dr X", "x", "x.fr"]], [], [], ""])
        for uid, text in subjects.items()])
    model.set_messages(cached_rows(cache, "Fils"))
    with qtbot.wait_signal(model.order_changed, timeout=30_000):
        model.sort(Column.SUBJECT, Qt.SortOrder.AscendingOrder)
    assert model.uids() == [4, 1, 3, 2]  # "Avis", the reply then its original, "Compte"
    held = MessageTableModel()  # a list held in memory sorts the same way
    held.set_messages(cache.summaries_of("Fils", [1, 2, 3, 4]))
    held.sort(Column.SUBJECT, Qt.SortOrder.AscendingOrder)
    assert held.uids() == [4, 1, 3, 2]
