"""The mail area: folder tree, message list, reading pane and search bar.

It only wires widgets to :class:`ui.backend.MailService` calls run on workers. Every
result carries the generation it was asked in; a result that arrives after the mailbox
changed (lock, other user) is dropped, so a late answer never shows the previous user's mail.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.backend import Folder, MailService, MessageSummary, MessageView
from ui.folder_tree import FolderTree
from ui.message_model import Column, MessageTableModel
from ui.open_attachment import AttachmentOpener
from ui.reading_pane import ReadingPane
from ui.responsiveness import freeze_long_lived
from ui.wording import describe_error
from ui.workers import WorkerPool

__all__ = ["MailView"]

logger = logging.getLogger(__name__)

ROW_HEIGHT = 24
FREEZE_ROWS = 2_000


class MailView(QWidget):
    """Folders | (messages / reading pane), and the quick search."""

    busy = Signal(str)
    idle = Signal()
    progress = Signal(int, int)
    error = Signal(str)
    folder_loaded = Signal(str, int)
    message_shown = Signal(object)
    reply_requested = Signal(object)
    draft_opened = Signal(object)  # Draft, from the Drafts folder

    def __init__(self, pool: WorkerPool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pool = pool
        self.mail: MailService | None = None
        self._generation = 0
        self._folders: dict[str, Folder] = {}
        self.current_folder = ""
        self.current_uid: int | None = None
        self._restore_uid: int | None = None

        self.search = QLineEdit(self)
        self.search.setObjectName("searchBar")
        self.search.setPlaceholderText(self.tr("Rechercher dans le dossier (Ctrl+F)"))
        self.search.setAccessibleName(self.tr("Recherche"))
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self._run_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())

        self.folders = FolderTree(self)
        self.folders.folder_selected.connect(self.open_folder)

        self.model = MessageTableModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("messageList")
        self.table.setAccessibleName(self.tr("Liste des messages"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.DATE, Qt.SortOrder.DescendingOrder)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        vertical = self.table.verticalHeader()
        vertical.hide()
        # Fixed row heights keep the view virtual: no per-row size queries on 100,000 rows.
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(ROW_HEIGHT)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(Column.SUBJECT, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(Column.STATUS, 28)
        header.resizeSection(Column.SENDER, 200)
        header.resizeSection(Column.DATE, 130)
        header.resizeSection(Column.SIZE, 70)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.activated.connect(self._activated)

        self.pane = ReadingPane(self)
        self.pane.allow_remote_requested.connect(self._allow_remote)
        self.pane.save_attachment_requested.connect(self._save_attachment)
        self.pane.open_attachment_requested.connect(self._open_attachment)
        self.pane.receipt_answered.connect(self._answer_receipt)
        self.pane.open_message_requested.connect(self._open_message)
        self.opener = AttachmentOpener(pool, self)
        self.opener.status.connect(self.busy)
        self.opener.error.connect(self.error)

        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(self.table)
        right.addWidget(self.pane)
        right.setStretchFactor(0, 2)
        right.setStretchFactor(1, 3)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.folders)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setSizes([220, 780])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.splitter, 1)

    # -- mailbox ------------------------------------------------------------------------
    def set_mail(self, mail: MailService | None, *, resume: bool = False) -> None:
        """Show ``mail`` (None: clear everything). ``resume`` reopens the same place."""
        self._generation += 1
        self.mail = mail
        if not resume or mail is None:
            self.model.set_messages([])
            self.pane.clear()
            self.folders.set_folders([])
            self._restore_uid = None
            if mail is None:
                self.current_folder = ""
                self.current_uid = None
                self.opener.close_all()
        else:
            self._restore_uid = self.current_uid
        if mail is not None:
            self.refresh_folders()

    def clear_for_lock(self) -> None:
        """Hide the content while locked, remembering where the user was."""
        self._generation += 1
        self.mail = None
        self.pane.clear()
        self.opener.close_all()  # open documents show patient data too

    def refresh_folders(self) -> None:
        """Reload the folder list and counters."""
        if self.mail is None:
            return
        self._call(self.mail.folders, self._folders_loaded, self.tr("Chargement des dossiers…"))

    def _folders_loaded(self, folders: list[Folder]) -> None:
        self._folders = {f.path: f for f in folders}
        wanted = self.current_folder
        self.folders.set_folders(folders)
        if wanted not in self._folders:
            wanted = next((f.path for f in folders if f.role == "inbox"), "")
            wanted = wanted or (folders[0].path if folders else "")
        if wanted:
            if self.folders.current_path() == wanted:
                self.open_folder(wanted)
            else:
                self.folders.select_path(wanted)

    def open_folder(self, path: str) -> None:
        """Synchronise and list ``path``."""
        if self.mail is None:
            return
        if path != self.current_folder:
            self._restore_uid = None
            self.pane.clear()
        self.current_folder = path
        self._call(
            self.mail.messages, lambda rows: self._messages_loaded(path, rows),
            self.tr("Synchronisation de %1…").replace("%1", path), path, progress=True,
        )

    def _messages_loaded(self, path: str, rows: list[MessageSummary]) -> None:
        if path != self.current_folder:
            return
        self.model.set_messages(rows)
        if len(rows) >= FREEZE_ROWS:
            # These rows live as long as the folder is shown: keep them out of full
            # garbage collections, which would otherwise stall the GUI thread.
            freeze_long_lived()
        if self.search.text():
            self._run_search()
        self.folder_loaded.emit(path, len(rows))
        if self._restore_uid is not None:
            row = self.model.row_of(self._restore_uid)
            self._restore_uid = None
            if row is not None:
                self.table.selectRow(row)

    def select_uid(self, uid: int) -> bool:
        """Select the message ``uid`` in the list (tests, notifications)."""
        row = self.model.row_of(uid)
        if row is None:
            return False
        self.table.selectRow(row)
        return True

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes or self.mail is None:
            return
        summary = self.model.message_at(indexes[0].row())
        if summary is None:
            return
        self.current_uid = summary.uid
        self._load_message(self.current_folder, summary.uid, allow_remote=False)
        if summary.unread:
            self.model.update_message(
                MessageSummary(**{**summary.__dict__,
                                  "flags": frozenset(summary.flags | {"\\Seen"})})
            )
            folder = self._folders.get(self.current_folder)
            if folder is not None and folder.unread > 0:
                folder = Folder(**{**folder.__dict__, "unread": folder.unread - 1})
                self._folders[folder.path] = folder
                self.folders.update_folder(folder)

    def _load_message(self, folder: str, uid: int, *, allow_remote: bool) -> None:
        if self.mail is None:
            return
        self._call(self.mail.message, self._message_loaded, self.tr("Ouverture du message…"),
                   folder, uid, allow_remote)

    def _message_loaded(self, view: MessageView) -> None:
        if view.folder != self.current_folder or view.uid != self.current_uid:
            return
        self.pane.show_message(view)
        self.message_shown.emit(view)

    def _activated(self, index: QModelIndex) -> None:
        # Enter or double-click on a message of the Drafts folder: go on writing it.
        folder = self._folders.get(self.current_folder)
        summary = self.model.message_at(index.row())
        if self.mail is None or summary is None or folder is None or folder.role != "drafts":
            return
        self._call(self.mail.draft, self.draft_opened.emit, self.tr("Ouverture du brouillon…"),
                   self.current_folder, summary.uid)

    def _allow_remote(self, folder: str, uid: int) -> None:
        self._load_message(folder, uid, allow_remote=True)

    # -- search ------------------------------------------------------------------------
    def focus_search(self) -> None:
        """Ctrl+F."""
        self.search.setFocus()
        self.search.selectAll()

    def _run_search(self) -> None:
        text = self.search.text().strip()
        self.model.set_filter(text)
        if text and self.mail is not None:
            folder = self.current_folder
            self._call(self.mail.search,
                       lambda uids: self._search_done(folder, text, uids), "",
                       folder, text)

    def _search_done(self, folder: str, text: str, uids: list[int]) -> None:
        if folder == self.current_folder and text == self.search.text().strip():
            self.model.set_filter(text, uids)

    # -- attachments -------------------------------------------------------------------
    def _save_attachment(self, folder: str, uid: int, index: int) -> None:
        view = self.pane.view
        name = next((a.filename for a in view.attachments if a.index == index), "") \
            if view else ""
        target, _ = QFileDialog.getSaveFileName(
            self, self.tr("Enregistrer la pièce jointe"), str(Path.home() / name)
        )
        if target and self.mail is not None:
            self._call(self.mail.save_attachment,
                       lambda path: self.busy.emit(
                           self.tr("Enregistré : %1").replace("%1", str(path))),
                       self.tr("Enregistrement…"), folder, uid, index, Path(target))

    def _open_attachment(self, folder: str, uid: int, index: int) -> None:
        # In-app viewers from memory; programs never launched; other files through a
        # private folder emptied at start and exit (ui.open_attachment).
        if self.mail is not None:
            self.opener.open(self.mail, folder, uid, index)

    # -- read receipts -----------------------------------------------------------------
    def _answer_receipt(self, folder: str, uid: int, send: bool, confirmed: bool) -> None:
        if self.mail is None:
            return
        done = self.tr("Accusé de lecture envoyé.") if send else \
            self.tr("Demande d'accusé de lecture ignorée.")
        self._call(self.mail.answer_receipt, lambda _r: self.busy.emit(done),
                   self.tr("Envoi de l'accusé de lecture…") if send else "",
                   folder, uid, send, confirmed)

    def _open_message(self, folder: str, uid: int) -> None:
        """Show message ``uid`` of ``folder`` (a receipt's original)."""
        if folder == self.current_folder:
            self.select_uid(uid)
            return

        def loaded(path: str, _count: int) -> None:
            if path == folder:
                self.folder_loaded.disconnect(loaded)
                self.select_uid(uid)

        self.folder_loaded.connect(loaded)
        self.folders.select_path(folder)

    # -- plumbing ----------------------------------------------------------------------
    def _call(self, fn: Any, on_result: Any, status: str, *args: Any,
              progress: bool = False) -> None:
        generation = self._generation

        def result(value: Any) -> None:
            if generation == self._generation:
                on_result(value)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self.error.emit(describe_error(exc))

        if status:
            self.busy.emit(status)
        kwargs: dict[str, Any] = {}
        if progress:
            kwargs["on_progress"] = lambda done, total: (
                self.progress.emit(done, total) if generation == self._generation else None
            )
        self.pool.submit(fn, *args, on_result=result, on_error=failed,
                         on_finished=self.idle.emit, **kwargs)
