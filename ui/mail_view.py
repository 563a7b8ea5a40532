"""The mail area: folder tree, message list, reading pane and search bar.

It only wires widgets to :class:`ui.backend.MailService` calls run on workers. Every
result carries the generation it was asked in; a result that arrives after the mailbox
changed (lock, other user) is dropped, so a late answer never shows the previous user's mail.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from client.mail.mailbox import Folder
from client.mail.summary import MessageSummary
from ui.backend import MailService, MessageView
from ui.folder_tree import FolderTree
from ui.message_list import ROW_HEIGHT, MessageList
from ui.message_model import MessageTableModel, display_subject, search_keys
from ui.open_attachment import AttachmentOpener
from ui.reading_pane import ReadingPane
from ui.responsiveness import freeze_long_lived
from ui.search_bar import SearchBar
from ui.wording import describe_error
from ui.workers import WorkerPool

__all__ = ["READ_DELAY_MS", "ROW_HEIGHT", "MailView"]

logger = logging.getLogger(__name__)

FREEZE_ROWS = 2_000
#: A message counts as read once shown this long (Thunderbird's "mark as read after"):
#: walking down the list with the arrow keys does not mark every message read.
READ_DELAY_MS = 1500


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
    selection_changed = Signal()

    def __init__(self, pool: WorkerPool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pool = pool
        self.mail: MailService | None = None
        self._generation = 0
        self._folders: dict[str, Folder] = {}
        self.current_folder = ""
        self.current_uid: int | None = None
        self._restore_uid: int | None = None
        self._wanted_folder = ""

        self.search_bar = SearchBar(self)
        self.search_bar.requested.connect(self._run_search)
        self.search_bar.hit_activated.connect(self.open_message)
        self.search = self.search_bar.edit
        self.everywhere = self.search_bar.everywhere
        self.search_status = self.search_bar.status
        self.results = self.search_bar.results

        self.folders = FolderTree(self)
        self.folders.folder_selected.connect(self.open_folder)

        self.model = MessageTableModel(self)
        self.model.runner = self._model_job
        self.model.order_changed.connect(self._order_changed)
        self._synced = False  # the current folder's synced rows are in (not the cache's)
        self.table = MessageList(self)
        self.table.setModel(self.model)
        self.table.configure_columns()
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.activated.connect(self._activated)
        self.list_status = QLabel(self)
        self.list_status.setObjectName("listStatus")
        self.list_status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.list_status.hide()
        self._read_timer = QTimer(self)
        self._read_timer.setSingleShot(True)
        self._read_timer.timeout.connect(self._mark_shown_read)
        self.read_delay_ms = READ_DELAY_MS

        self.pane = ReadingPane(self)
        self.pane.allow_remote_requested.connect(self._allow_remote)
        self.pane.save_attachment_requested.connect(self._save_attachment)
        self.pane.open_attachment_requested.connect(self._open_attachment)
        self.pane.receipt_answered.connect(self._answer_receipt)
        self.pane.open_message_requested.connect(self.open_message)
        self.opener = AttachmentOpener(pool, self)
        self.opener.status.connect(self.busy)
        self.opener.error.connect(self.error)

        list_box = QWidget(self)
        list_layout = QVBoxLayout(list_box)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addWidget(self.list_status)
        list_layout.addWidget(self.table, 1)
        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(list_box)
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
        layout.addWidget(self.search_bar)
        layout.addWidget(self.splitter, 1)
        # Tab walks the four areas in reading order; the arrows move inside each.
        QWidget.setTabOrder(self.folders, self.table)
        QWidget.setTabOrder(self.table, self.pane.body)
        QWidget.setTabOrder(self.pane.body, self.search)
        QWidget.setTabOrder(self.search, self.everywhere)

    # -- mailbox ------------------------------------------------------------------------
    def set_mail(self, mail: MailService | None, *, resume: bool = False) -> None:
        """Show ``mail`` (None: clear everything). ``resume`` reopens the same place."""
        self._generation += 1
        self._read_timer.stop()
        self.mail = mail
        if not resume or mail is None:
            self._synced = False
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
            if not resume:
                # The inbox from the cache while the server lists the folders: signing
                # in shows mail at once (the folder list then opens the same folder).
                self._model_job(mail.cached_messages, self._cached_inbox, "INBOX")

    def _cached_inbox(self, rows: Sequence[MessageSummary] | None) -> None:
        if self.current_folder in ("", "INBOX") and not self._synced and rows:
            self.current_folder = self.model.folder = "INBOX"
            self.model.show_recipients(False)
            self._cached_loaded("INBOX", rows)

    def clear_for_lock(self) -> None:
        """Hide the content while locked, remembering where the user was."""
        self._read_timer.stop()
        self._generation += 1
        self.mail = None
        self.pane.clear()
        self.opener.close_all()  # open documents show patient data too

    def refresh_folders(self, select: str = "") -> None:
        """Reload the folder list and counters (then open ``select`` when given)."""
        if self.mail is None:
            return
        self._wanted_folder = select
        self._call(self.mail.folders, self._folders_loaded, self.tr("Chargement des dossiers…"))

    def refresh_counts(self) -> None:
        """Reload the counters only (after a move, a flag), not the current list."""
        if self.mail is None:
            return
        self._call(self.mail.folders, self._counts_loaded, "")

    def _counts_loaded(self, folders: list[Folder]) -> None:
        if set(self._folders) != {f.name for f in folders}:
            self._folders = {f.name: f for f in folders}
            self.folders.set_folders(folders)  # a folder appeared (archives) or went away
            return
        for folder in folders:
            self._folders[folder.name] = folder
            self.folders.update_folder(folder)

    def folder_record(self, path: str | None = None) -> Folder | None:
        """The current folder's record (or ``path``'s)."""
        return self._folders.get(self.current_folder if path is None else path)

    def folder_records(self) -> list[Folder]:
        """Every folder known, as listed by the server."""
        return list(self._folders.values())

    def _folders_loaded(self, folders: list[Folder]) -> None:
        self._folders = {f.name: f for f in folders}
        wanted = self._wanted_folder or self.current_folder
        self._wanted_folder = ""
        self.folders.set_folders(folders)
        if wanted not in self._folders:
            wanted = next((f.name for f in folders if f.role == "inbox"), "")
            wanted = wanted or (folders[0].name if folders else "")
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
            # The previous folder's messages go at once: while this one syncs (the first
            # time, it can take a while) the list says so, with its own progress.
            self.current_uid = None
            self.model.folder = path
            record = self._folders.get(path)
            self.model.show_recipients(record is not None and record.role in ("sent", "drafts"))
            self.model.set_messages([])
            self.list_status.setText(
                self.tr("Synchronisation de « %1 »…").replace("%1", self._label(path)))
            self.list_status.show()
            self._synced = False
            # What the cache holds shows at once; the sync's rows replace it.
            self._model_job(self.mail.cached_messages,
                            lambda rows: self._cached_loaded(path, rows), path)
        self.current_folder = path
        self._call(
            self.mail.messages, lambda rows: self._messages_loaded(path, rows),
            self.tr("Synchronisation de %1…").replace("%1", self._label(path)), path,
            progress=True,
        )

    def _label(self, path: str) -> str:
        return self.folders.label_of(path).split(" (")[0] or path

    def _sync_progress(self, done: int, total: int) -> None:
        if self.list_status.isVisible() and total:
            self.list_status.setText(
                self.tr("Synchronisation de « %1 » : %2 / %3")
                .replace("%1", self._label(self.current_folder))
                .replace("%2", str(done)).replace("%3", str(total)))

    def _cached_loaded(self, path: str, rows: Sequence[MessageSummary] | None) -> None:
        if path != self.current_folder or self._synced or not rows:
            return
        self.list_status.hide()
        self.model.folder = path
        self.model.set_messages(rows)
        if self._restore_uid is not None:
            row = self.model.row_of(self._restore_uid)
            if row is not None:
                self._restore_uid = None
                self.table.selectRow(row)

    def _messages_loaded(self, path: str, rows: Sequence[MessageSummary]) -> None:
        if path != self.current_folder:
            return
        self._synced = True
        self.list_status.hide()
        # The same folder again (new mail, a refresh, the cache's rows before the sync):
        # what was selected stays selected.
        kept = self.selected_uids() if self.model.folder == path else []
        self.model.folder = path
        self.model.set_messages(rows)
        self._reselect(kept)
        if not self.model.lazy:
            # The search keys (accents folded) are made on a worker once the list
            # shows: folding 100,000 rows at the first search would stall the GUI
            # thread. A cached folder makes them when first filtered, on a worker too.
            model_rows = self.model.generation
            self._call(search_keys, lambda keys: self.model.add_keys(keys, model_rows), "",
                       rows)
        if len(rows) >= FREEZE_ROWS and not self.model.lazy:
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

    def _reselect(self, uids: list[int]) -> None:
        selection = QItemSelection()
        for uid in uids:
            row = self.model.row_of(uid)
            if row is not None:
                selection.select(self.model.index(row, 0),
                                 self.model.index(row, self.model.columnCount() - 1))
        if not selection.isEmpty():
            self.table.selectionModel().select(
                selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def select_uid(self, uid: int) -> bool:
        """Select the message ``uid`` in the list (tests, notifications)."""
        row = self.model.row_of(uid)
        if row is None:
            return False
        self.table.selectRow(row)
        return True

    def selected_uids(self) -> list[int]:
        """UIDs of the selected messages, top to bottom."""
        uids = (self.model.uid_at(r) for r in self.table.selected_rows())
        return [uid for uid in uids if uid is not None]

    def selected_messages(self) -> list[MessageSummary]:
        """The selected rows' records."""
        rows = (self.model.message_at(r) for r in self.table.selected_rows())
        return [m for m in rows if m is not None]

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.selection_changed.emit()
        rows = self.table.selected_rows()
        if len(rows) != 1 or self.mail is None:
            return  # several messages: the actions act on all, the pane keeps its message
        summary = self.model.message_at(rows[0])
        if summary is None or (summary.uid == self.current_uid and self.pane.view is not None
                               and self.pane.view.uid == summary.uid):
            return
        self._read_timer.stop()
        self.current_uid = summary.uid
        self._load_message(self.current_folder, summary.uid, allow_remote=False)

    def _load_message(self, folder: str, uid: int, *, allow_remote: bool) -> None:
        if self.mail is None:
            return
        self._call(self.mail.message, self._message_loaded, self.tr("Ouverture du message…"),
                   folder, uid, allow_remote, False)

    def _message_loaded(self, view: MessageView) -> None:
        if view.folder != self.current_folder or view.uid != self.current_uid:
            return
        self.pane.show_message(view)
        self.message_shown.emit(view)
        row = self.model.row_of(view.uid)
        summary = self.model.message_at(row) if row is not None else None
        if summary is not None and not summary.seen:
            self._read_timer.start(self.read_delay_ms)

    def _mark_shown_read(self) -> None:
        view = self.pane.view
        if view is None or view.folder != self.current_folder or view.uid != self.current_uid:
            return
        self.set_flag_on([view.uid], "\\Seen", True)

    def set_flag_on(self, uids: list[int], flag: str, on: bool) -> None:
        """Set ``flag`` on the server and show it at once in the list and the counts."""
        if self.mail is None or not uids:
            return
        changed = 0
        for uid in uids:
            row = self.model.row_of(uid)
            summary = self.model.message_at(row) if row is not None else None
            if summary is None or (flag in summary.flags) == on:
                continue
            flags = (*summary.flags, flag) if on else tuple(f for f in summary.flags if f != flag)
            self.model.update_message(dataclasses.replace(summary, flags=flags))
            changed += 1
        if flag == "\\Seen" and changed:
            folder = self._folders.get(self.current_folder)
            if folder is not None:
                unread = max(folder.unread + (-changed if on else changed), 0)
                folder = dataclasses.replace(folder, unread=unread)
                self._folders[folder.name] = folder
                self.folders.update_folder(folder)
        self._call(self.mail.set_flag, lambda _r: None, "", self.current_folder, list(uids),
                   flag, on)

    def remove_messages(self, uids: list[int]) -> None:
        """Take moved or deleted messages out of the list; the next one is shown."""
        rows = [r for r in (self.model.row_of(u) for u in uids) if r is not None]
        following = None
        if rows:
            after = self.model.message_at(max(rows) + 1) or self.model.message_at(min(rows) - 1)
            following = after.uid if after is not None and after.uid not in uids else None
        if self.current_uid in uids:
            self.current_uid = None
            self.pane.clear()
        self.model.remove_uids(uids)
        if following is not None:
            self.select_uid(following)

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
        text = self.search_bar.text()
        if self.search_bar.across_folders:
            self.model.set_filter("")
            self._search_everywhere(text)
            return
        self.search_bar.show_hits([])
        self.model.set_filter(text)
        self._search_shown()
        if text and self.mail is not None:
            folder = self.current_folder
            self._call(self.mail.search,
                       lambda uids: self._search_done(folder, text, uids), "",
                       folder, text)

    def _search_done(self, folder: str, text: str, uids: list[int]) -> None:
        if folder == self.current_folder and text == self.search_bar.text():
            self.model.set_filter(text, uids)
            self._search_shown()

    def _search_everywhere(self, text: str) -> None:
        if not text or self.mail is None:
            self.search_bar.show_hits([])
            self.search_bar.show_count(None)
            return
        self._call(self.mail.search_all, lambda hits: self._everywhere_done(text, hits),
                   self.tr("Recherche dans tous les dossiers…"), text)

    def _everywhere_done(self, text: str, hits: list[tuple[str, MessageSummary]]) -> None:
        if text != self.search_bar.text() or not self.search_bar.across_folders:
            return
        self.search_bar.show_hits([
            (folder, row.uid, f"{self._label(folder)} — {row.sender.split('<')[0].strip()}"
                              f" — {display_subject(row.subject)}")
            for folder, row in hits])
        self.search_bar.show_count(len(hits))

    def open_message(self, folder: str, uid: int) -> None:
        """Open ``folder`` (if needed) and show the message ``uid``."""
        if folder == self.current_folder and self.select_uid(uid):
            return
        self.folders.select_path(folder)
        self._restore_uid = uid  # selected once the folder's rows are in

    def _search_shown(self) -> None:
        """Say how many messages match; a shown message that does not match goes."""
        if not self.model.filtering:
            self.search_bar.show_count(None)
            if self.current_uid is not None and self.model.row_of(self.current_uid) is not None:
                self.table.selectRow(self.model.row_of(self.current_uid) or 0)
            return
        self.search_bar.show_count(self.model.rowCount())
        if self.current_uid is not None:
            row = self.model.row_of(self.current_uid)
            if row is None:
                self._read_timer.stop()
                self.current_uid = None
                self.pane.clear()
            else:
                self.table.selectRow(row)

    # -- attachments -------------------------------------------------------------------
    def _save_attachment(self, folder: str, uid: int, index: int) -> None:
        from client.mail.attachments import assess_filename

        view = self.pane.view
        found = next((a for a in view.attachments if a.index == index), None) \
            if view else None
        # The sender's name made safe (no folder, no format character, a program's type
        # neutralised), as the command line saves it.
        name = assess_filename(found.filename, index, found.data or None).name \
            if found is not None else ""
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

    # -- plumbing ----------------------------------------------------------------------
    def _model_job(self, fn: Any, on_result: Any, *args: Any) -> None:
        """The list's reads of a cached folder (windows, sorts, filters) on a worker,
        without the busy/idle status of user actions."""
        self._call(fn, on_result, "", *args, quiet=True)

    def _order_changed(self) -> None:
        if self.model.filtering or self.search.text():
            self._search_shown()

    def _call(self, fn: Any, on_result: Any, status: str, *args: Any,
              progress: bool = False, quiet: bool = False) -> None:
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
            def on_progress(done: int, total: int) -> None:
                if generation == self._generation:
                    self.progress.emit(done, total)
                    self._sync_progress(done, total)

            kwargs["on_progress"] = on_progress
        # A read may still run when the view goes (the window closed, a test ended): its
        # answer is then dropped, not emitted on a deleted widget.
        self.pool.submit(fn, *args, on_result=result, on_error=failed,
                         on_finished=None if quiet else self.idle.emit, owner=self, **kwargs)
