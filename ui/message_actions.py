"""The everyday actions on messages, one QAction each, with Thunderbird's keys.

Each action is built once and shown in the toolbar, the menu bar and the list's context
menu; it acts on every selected message. The IMAP work runs on the worker pool; the list
and the counters change at once, and a move can be undone from the status bar for a few
seconds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QPoint, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from client.mail.actions import Moved
from ui.folder_actions import FolderActions
from ui.icons import icon
from ui.mail_view import MailView
from ui.printing import export_pdf, print_message
from ui.undo_bar import UndoBar
from ui.wording import describe_error
from ui.workers import WorkerPool

__all__ = ["MessageActions"]

logger = logging.getLogger(__name__)

SEEN = "\\Seen"
FLAGGED = "\\Flagged"


class MessageActions(QObject):
    """Delete, move, archive, reply, forward, mark, flag, print; folders via
    :class:`ui.folder_actions.FolderActions`."""

    draft_ready = Signal(object)  # a Draft for a new compose window

    def __init__(self, view: MailView, pool: WorkerPool, undo_bar: UndoBar,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.view = view
        self.pool = pool
        self.undo_bar = undo_bar
        self._window = parent
        self.last_menu: QMenu | None = None
        self.last_dialog: QWidget | None = None
        self.folder_actions = FolderActions(view, pool, parent)

        def make(text: str, shortcut: str | QKeySequence | QKeySequence.StandardKey | None,
                 slot: Callable[[], Any],
                 icon_name: str = "") -> QAction:
            action = QAction(text, parent)
            if icon_name:
                action.setIcon(icon(icon_name))
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(lambda _checked=False: slot())
            parent.addAction(action)
            return action

        self.reply = make(self.tr("&Répondre"), "Ctrl+R", lambda: self.answer(False), "reply")
        self.reply_all = make(self.tr("Répondre à &tous"), "Ctrl+Shift+R",
                              lambda: self.answer(True), "reply-all")
        self.forward = make(self.tr("&Transférer"), "Ctrl+L", lambda: self.pass_on(True),
                            "forward")
        self.forward_attached = make(self.tr("Transférer en tant que pièce &jointe"), None,
                                     lambda: self.pass_on(False))
        self.delete = make(self.tr("&Supprimer"), QKeySequence.StandardKey.Delete,
                           self.delete_selected, "trash")
        self.archive = make(self.tr("&Archiver"), "A", self.archive_selected, "archive")
        self.mark_read = make(self.tr("Marquer comme &lu / non lu"), "M", self.toggle_read,
                              "unread")
        self.flag = make(self.tr("Su&ivre / ne plus suivre"), "S", self.toggle_flag, "flag")
        # Short toolbar labels, so every toolbar button fits a laptop-wide window.
        self.flag.setIconText(self.tr("Suivre"))
        self.print = make(self.tr("&Imprimer…"), QKeySequence.StandardKey.Print,
                          self.print_shown)
        self.export_pdf = make(self.tr("&Exporter en PDF…"), None, self.export_shown)
        self.move_menu = QMenu(self.tr("&Déplacer vers"), parent)
        self.move_menu.setObjectName("moveMenu")
        self.move_menu.aboutToShow.connect(self._fill_move_menu)
        self.empty_trash = self.folder_actions.empty_trash
        # The toolbar has room for the frequent actions only; the others sit behind
        # "Plus", as in Thunderbird's message toolbar, so each one is reachable there too.
        self.more_menu = QMenu(self.tr("Plus"), parent)
        self.more_menu.setObjectName("moreMenu")
        for action in (self.forward_attached, self.mark_read):
            self.more_menu.addAction(action)
        self.more_menu.addMenu(self.move_menu)
        self.more_menu.addSeparator()
        for action in (self.print, self.export_pdf):
            self.more_menu.addAction(action)
        self.more = QAction(icon("more"), self.tr("Plus"), parent)
        self.more.setObjectName("moreAction")
        self.more.setMenu(self.more_menu)
        self.more.setToolTip(self.tr("Autres actions sur les messages"))

        self.selection_actions = [self.reply, self.reply_all, self.forward,
                                  self.forward_attached, self.delete, self.archive,
                                  self.mark_read, self.flag, self.print, self.export_pdf]
        self.all_actions = [*self.selection_actions, *self.folder_actions.actions]
        view.selection_changed.connect(self.update_enabled)
        view.message_shown.connect(lambda _v: self.update_enabled())
        view.table.context_menu_requested.connect(self.show_context_menu)
        view.folders.messages_dropped.connect(self.move_dropped)
        self.update_enabled()

    # -- state -------------------------------------------------------------------------
    def update_enabled(self) -> None:
        """Actions that need a selection are off without one."""
        chosen = bool(self.view.selected_uids())
        shown = self.view.pane.view is not None
        for action in self.selection_actions:
            action.setEnabled(chosen)
        for action in (self.print, self.export_pdf):
            action.setEnabled(shown)
        self.move_menu.setEnabled(chosen)
        self.folder_actions.update_enabled()

    def context_menu(self) -> QMenu:
        """The list's context menu (the same actions as the menu bar)."""
        menu = QMenu(self.view)
        menu.setObjectName("messageContextMenu")
        self.fill_menu(menu)
        return menu

    def show_context_menu(self, pos: QPoint) -> QMenu:
        """Pop the context menu up at ``pos`` (global)."""
        self.update_enabled()
        menu = self.context_menu()
        self.last_menu = menu
        menu.popup(pos)
        return menu

    def fill_menu(self, menu: QMenu) -> None:
        """The message actions, grouped as Thunderbird does (menu bar and context menu)."""
        for action in (self.reply, self.reply_all, self.forward, self.forward_attached):
            menu.addAction(action)
        menu.addSeparator()
        for action in (self.mark_read, self.flag):
            menu.addAction(action)
        menu.addSeparator()
        menu.addMenu(self.move_menu)
        for action in (self.archive, self.delete):
            menu.addAction(action)
        menu.addSeparator()
        for action in (self.print, self.export_pdf):
            menu.addAction(action)

    # -- answer ------------------------------------------------------------------------
    def _one(self) -> int | None:
        view = self.view.pane.view
        if view is not None and view.folder == self.view.current_folder:
            return view.uid
        uids = self.view.selected_uids()
        return uids[0] if uids else None

    def answer(self, reply_all: bool) -> None:
        """Reply (Ctrl+R) or reply to all (Ctrl+Shift+R) to the shown message."""
        uid = self._one()
        mail = self.view.mail
        if uid is None or mail is None:
            return
        self._submit(mail.reply_draft, self.draft_ready.emit, self.view.current_folder, uid,
                     reply_all)

    def pass_on(self, inline: bool) -> None:
        """Forward inline (Ctrl+L) or as an attachment."""
        uid = self._one()
        mail = self.view.mail
        if uid is None or mail is None:
            return
        self._submit(mail.forward_draft, self.draft_ready.emit, self.view.current_folder,
                     uid, inline)

    # -- moves -------------------------------------------------------------------------
    def delete_selected(self) -> None:
        """Del: to the Trash with "Annuler"; in the Trash, for good after a question."""
        uids = self.view.selected_uids()
        mail = self.view.mail
        folder = self.view.folder_record()
        if not uids or mail is None or folder is None:
            return
        if folder.role == "trash":
            box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Supprimer définitivement"),
                              self.tr("Supprimer définitivement %n message(s) ? Cette action "
                                      "ne peut pas être annulée.", "", len(uids)),
                              QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                              self._window)
            box.setObjectName("confirmDelete")
            box.setDefaultButton(QMessageBox.StandardButton.No)
            box.accepted.connect(lambda: self._delete(folder.name, uids))
            self.last_dialog = box
            box.open()
            return
        self._delete(folder.name, uids)

    def _delete(self, folder: str, uids: list[int]) -> None:
        mail = self.view.mail
        if mail is None:
            return
        self.view.remove_messages(uids)
        self._submit(mail.delete, lambda undo: self._moved(undo, len(uids), deleted=True),
                     folder, uids, restore=folder)

    def archive_selected(self) -> None:
        """A: to the archive folder."""
        self._move_with(lambda mail, folder, uids: (mail.archive, folder, uids))

    def move_to(self, target: str) -> None:
        """Move the selection to ``target``."""
        self._move_with(lambda mail, folder, uids: (mail.move, folder, uids, target))

    def move_dropped(self, source: str, target: str, uids: list[int]) -> None:
        """Messages dropped on the folder tree."""
        mail = self.view.mail
        if mail is None or source != self.view.current_folder:
            return
        self.view.remove_messages(uids)
        self._submit(mail.move, lambda undo: self._moved(undo, len(uids)), source, uids,
                     target, restore=source)

    def _move_with(self, call: Callable[[Any, str, list[int]], tuple[Any, ...]]) -> None:
        uids = self.view.selected_uids()
        mail = self.view.mail
        folder = self.view.current_folder
        if not uids or mail is None:
            return
        fn, *args = call(mail, folder, uids)
        self.view.remove_messages(uids)
        self._submit(fn, lambda undo: self._moved(undo, len(uids)), *args, restore=folder)

    def _moved(self, undo: Moved | None, count: int, *, deleted: bool = False) -> None:
        self.view.refresh_counts()
        if undo is None:
            self.undo_bar.offer(self.tr("%n message(s) supprimé(s) définitivement.", "",
                                        count), None)
            return
        target = self.view.folders.label_of(undo.target).split(" (")[0] or undo.target
        text = (self.tr("%n message(s) placé(s) dans la corbeille.", "", count) if deleted
                else self.tr("%n message(s) déplacé(s) vers « %1 ».", "", count)
                .replace("%1", target))
        self.undo_bar.offer(text, lambda: self.undo(undo))

    def undo(self, undo: Moved) -> None:
        """Move the messages back; the list shows them again."""
        mail = self.view.mail
        if mail is None:
            return

        def done(_count: int) -> None:
            if self.view.current_folder == undo.source:
                self.view.open_folder(undo.source)
            self.view.refresh_counts()

        self._submit(mail.undo_move, done, undo, restore=undo.source)

    def _fill_move_menu(self) -> None:
        self.move_menu.clear()
        current = self.view.current_folder
        for path in self.view.folders.paths():
            if path == current:
                continue
            label = self.view.folders.label_of(path).split(" (")[0]
            record = self.view.folders.folder(path)
            depth = path.count(record.delimiter) if record is not None and record.delimiter \
                else 0
            action = self.move_menu.addAction(icon("folder"), "    " * depth + label)
            action.setData(path)
            action.triggered.connect(lambda _c=False, p=path: self.move_to(p))

    # -- flags -------------------------------------------------------------------------
    def toggle_read(self) -> None:
        """M: unread when any selected message is read, else read (Thunderbird)."""
        messages = self.view.selected_messages()
        if messages:
            self.view.set_flag_on([m.uid for m in messages], SEEN,
                                  any(not m.seen for m in messages))

    def toggle_flag(self) -> None:
        """S: flag, or unflag when every selected message is flagged."""
        messages = self.view.selected_messages()
        if messages:
            self.view.set_flag_on([m.uid for m in messages], FLAGGED,
                                  not all(m.flagged for m in messages))

    # -- print -------------------------------------------------------------------------
    def print_shown(self) -> QWidget | None:
        """Ctrl+P: the print dialog for the message shown."""
        view = self.view.pane.view
        if view is None:
            return None
        dialog = print_message(view, self._window)
        self.last_dialog = dialog
        return dialog

    def export_shown(self, target: Path | None = None) -> Path | None:
        """"Exporter en PDF": asks where (unless ``target``), writes the PDF."""
        view = self.view.pane.view
        if view is None:
            return None
        if target is None:
            name = "".join(c for c in view.subject if c.isalnum() or c in " -_")[:60].strip()
            chosen, _ = QFileDialog.getSaveFileName(
                self._window, self.tr("Exporter en PDF"),
                str(Path.home() / f"{name or 'message'}.pdf"), self.tr("PDF (*.pdf)"))
            if not chosen:
                return None
            target = Path(chosen)
        path = export_pdf(view, target)
        self.undo_bar.offer(self.tr("Exporté : %1").replace("%1", str(path)), None)
        return path

    # -- plumbing ----------------------------------------------------------------------
    def _submit(self, fn: Any, on_result: Callable[[Any], None], *args: Any,
                restore: str = "") -> None:
        mail = self.view.mail

        def failed(exc: BaseException) -> None:
            self.view.error.emit(describe_error(exc))
            if restore and self.view.mail is mail and self.view.current_folder == restore:
                self.view.open_folder(restore)  # show the server's truth again

        def result(value: Any) -> None:
            if self.view.mail is mail:
                on_result(value)

        self.pool.submit(fn, *args, on_result=result, on_error=failed, owner=self.view)
