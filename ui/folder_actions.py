"""Folder actions: create, rename, delete a folder, empty the Trash.

They live in the folder tree's context menu and the menu bar. Questions are window-modal
dialogs opened with ``open()`` (the event loop keeps running); the IMAP work runs on the
worker pool.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QPoint
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMenu, QMessageBox, QWidget

from client.mail.mailbox import Folder
from ui.icons import icon
from ui.mail_view import MailView
from ui.wording import describe_error
from ui.workers import WorkerPool

__all__ = ["FolderActions"]

logger = logging.getLogger(__name__)

#: Folders the app relies on: never renamed or deleted from here.
_KEPT_ROLES = {"inbox", "sent", "drafts", "trash", "junk"}


class FolderActions(QObject):
    """New folder, rename, delete, empty the Trash."""

    def __init__(self, view: MailView, pool: WorkerPool, parent: QWidget) -> None:
        super().__init__(parent)
        self.view = view
        self.pool = pool
        self._window = parent
        self.last_dialog: QWidget | None = None
        self.last_menu: QMenu | None = None
        self._target = ""  # the folder a context menu was opened on

        def make(text: str, slot: Callable[[], Any], icon_name: str = "") -> QAction:
            action = QAction(text, parent)
            if icon_name:
                action.setIcon(icon(icon_name))
            action.triggered.connect(lambda _checked=False: slot())
            return action

        self.new_folder = make(self.tr("&Nouveau dossier…"), self.ask_new_folder, "folder")
        self.rename_folder = make(self.tr("&Renommer le dossier…"), self.ask_rename)
        self.delete_folder = make(self.tr("Supprimer le &dossier…"), self.ask_delete)
        self.empty_trash = make(self.tr("&Vider la corbeille…"), self.ask_empty_trash,
                                "trash")
        self.actions = [self.new_folder, self.rename_folder, self.delete_folder,
                        self.empty_trash]
        view.folders.context_menu_requested.connect(self.show_context_menu)

    def _folder(self) -> Folder | None:
        return self.view.folder_record(self._target or self.view.current_folder)

    def update_enabled(self) -> None:
        """Rename and delete only for the user's own folders."""
        folder = self._folder()
        own = folder is not None and folder.role not in _KEPT_ROLES
        self.rename_folder.setEnabled(own)
        self.delete_folder.setEnabled(own)
        self.empty_trash.setEnabled(self._trash() is not None)

    def _trash(self) -> Folder | None:
        return next((f for f in self.view.folder_records() if f.role == "trash"), None)

    def show_context_menu(self, path: str, pos: QPoint) -> QMenu:
        """The folder tree's context menu for ``path``."""
        self._target = path
        self.update_enabled()
        menu = QMenu(self.view.folders)
        menu.setObjectName("folderContextMenu")
        for action in self.actions:
            menu.addAction(action)
        menu.aboutToHide.connect(self._forget_target_later)
        self.last_menu = menu
        menu.popup(pos)
        return menu

    def _forget_target_later(self) -> None:
        # The triggered action runs after aboutToHide: forget the target afterwards.
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, self._forget_target)

    def _forget_target(self) -> None:
        self._target = ""
        self.update_enabled()

    # -- questions ---------------------------------------------------------------------
    def ask_new_folder(self) -> QInputDialog:
        """Name a new folder, created under the chosen one (unless it is the inbox)."""
        parent = self._folder()
        dialog = self._text_dialog(self.tr("Nouveau dossier"), self.tr("Nom du dossier :"), "")
        base = parent.name if parent is not None and parent.role != "inbox" else ""
        delimiter = parent.delimiter if parent is not None else "/"
        dialog.textValueSelected.connect(
            lambda name: self._create(f"{base}{delimiter}{name}" if base else name, name,
                                      delimiter))
        dialog.open()
        return dialog

    def ask_rename(self) -> QInputDialog | None:
        """A new name for the chosen folder (same parent)."""
        folder = self._folder()
        if folder is None or folder.role in _KEPT_ROLES:
            return None
        dialog = self._text_dialog(self.tr("Renommer le dossier"), self.tr("Nouveau nom :"),
                                   folder.leaf)
        parent, sep, _leaf = folder.name.rpartition(folder.delimiter)

        def chosen(name: str) -> None:
            if self._valid(name, folder.delimiter) and name != folder.leaf:
                mail = self.view.mail
                if mail is not None:
                    self._run(mail.rename_folder, folder.name, f"{parent}{sep}{name}",
                              select=f"{parent}{sep}{name}")

        dialog.textValueSelected.connect(chosen)
        dialog.open()
        return dialog

    def ask_delete(self) -> QMessageBox | None:
        """Confirm, then delete the chosen folder and its messages."""
        folder = self._folder()
        if folder is None or folder.role in _KEPT_ROLES:
            return None
        box = self._confirm(
            self.tr("Supprimer le dossier"),
            self.tr("Supprimer le dossier « %1 » et son contenu (%n message(s)) ? Cette "
                    "action ne peut pas être annulée.", "", folder.total)
            .replace("%1", folder.leaf))
        mail = self.view.mail
        if mail is not None:
            box.accepted.connect(lambda: self._run(mail.delete_folder, folder.name,
                                                   select="INBOX"))
        box.open()
        return box

    def ask_empty_trash(self) -> QMessageBox | None:
        """Confirm, then delete every message of the Trash for good."""
        trash = self._trash()
        if trash is None:
            return None
        box = self._confirm(
            self.tr("Vider la corbeille"),
            self.tr("Supprimer définitivement les %n message(s) de la corbeille ?", "",
                    trash.total))
        mail = self.view.mail
        if mail is not None:
            box.accepted.connect(lambda: self._run(mail.empty_folder, trash.name,
                                                   reopen=trash.name))
        box.open()
        return box

    def _text_dialog(self, title: str, label: str, value: str) -> QInputDialog:
        dialog = QInputDialog(self._window)
        dialog.setObjectName("folderNameDialog")
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        dialog.setTextValue(value)
        self.last_dialog = dialog
        return dialog

    def _confirm(self, title: str, text: str) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                          self._window)
        box.setObjectName("confirmFolderAction")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        self.last_dialog = box
        return box

    def _valid(self, name: str, delimiter: str) -> bool:
        if not name.strip() or (delimiter and delimiter in name):
            self.view.error.emit(
                self.tr("Nom de dossier invalide : il ne peut être vide ni contenir « %1 ».")
                .replace("%1", delimiter))
            return False
        return True

    def _create(self, path: str, name: str, delimiter: str) -> None:
        mail = self.view.mail
        if mail is not None and self._valid(name, delimiter):
            self._run(mail.create_folder, path, select=path)

    def _run(self, fn: Callable[..., object], *args: str, select: str = "",
             reopen: str = "") -> None:
        mail = self.view.mail

        def done(_result: object) -> None:
            if self.view.mail is not mail:
                return
            if reopen and self.view.current_folder == reopen:
                self.view.open_folder(reopen)
            self.view.refresh_folders(select=select)

        self.pool.submit(fn, *args, on_result=done,
                         on_error=lambda exc: self.view.error.emit(describe_error(exc)),
                         owner=self.view)
