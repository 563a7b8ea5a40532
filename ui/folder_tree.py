"""The folder tree: hierarchy from the IMAP delimiter, unread counts in bold."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QTreeView, QWidget

from ui.backend import Folder
from ui.icons import icon

__all__ = ["FolderTree", "folder_label"]

logger = logging.getLogger(__name__)

PATH_ROLE = Qt.ItemDataRole.UserRole + 1
_ROLE_ORDER = {"inbox": 0, "drafts": 1, "sent": 2, "junk": 3, "trash": 4}


def _role_name(role: str) -> str:
    return {
        "inbox": QCoreApplication.translate("FolderTree", "Boîte de réception"),
        "sent": QCoreApplication.translate("FolderTree", "Envoyés"),
        "drafts": QCoreApplication.translate("FolderTree", "Brouillons"),
        "trash": QCoreApplication.translate("FolderTree", "Corbeille"),
        "junk": QCoreApplication.translate("FolderTree", "Indésirables"),
    }.get(role, "")


def folder_label(folder: Folder) -> str:
    """``Boîte de réception (3)``: localised special-use name and unread count."""
    name = _role_name(folder.role) or folder.name
    return f"{name} ({folder.unread})" if folder.unread else name


class FolderTree(QTreeView):
    """Shows :class:`Folder` records; emits the path of the folder the user opens."""

    folder_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("folderTree")
        self.setAccessibleName(self.tr("Dossiers"))
        self.setHeaderHidden(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._model = QStandardItemModel(self)
        self.setModel(self._model)
        self._items: dict[str, QStandardItem] = {}
        self._folders: dict[str, Folder] = {}
        self.selectionModel().currentChanged.connect(self._current_changed)

    def set_folders(self, folders: Iterable[Folder]) -> None:
        """Rebuild the tree, keeping the current folder selected."""
        current = self.current_path()
        self._model.clear()
        self._items.clear()
        self._folders.clear()
        ordered = sorted(
            folders, key=lambda f: (_ROLE_ORDER.get(f.role, 9), f.path.casefold())
        )
        for folder in ordered:
            parent_item = self._model.invisibleRootItem()
            parts = folder.path.split(folder.delimiter) if folder.delimiter else [folder.path]
            for depth in range(1, len(parts)):
                parent_path = folder.delimiter.join(parts[:depth])
                parent_item = self._items.get(parent_path, parent_item)
            item = QStandardItem()
            item.setData(folder.path, PATH_ROLE)
            item.setEditable(False)
            self._items[folder.path] = item
            self._folders[folder.path] = folder
            self._apply(item, folder)
            parent_item.appendRow(item)
        self.expandAll()
        if current and current in self._items:
            self.select_path(current)

    def update_folder(self, folder: Folder) -> None:
        """Refresh one folder's counters."""
        item = self._items.get(folder.path)
        if item is not None:
            self._apply(item, folder)

    def _apply(self, item: QStandardItem, folder: Folder) -> None:
        item.setText(folder_label(folder))
        item.setIcon(icon(folder.role or "folder"))
        font = QFont()
        font.setBold(folder.unread > 0)
        item.setFont(font)
        if folder.unread:
            item.setData(
                self.tr("%1, %n non lu(s)", "", folder.unread).replace(
                    "%1", _role_name(folder.role) or folder.name
                ),
                Qt.ItemDataRole.AccessibleTextRole,
            )

    def select_path(self, path: str) -> None:
        """Make ``path`` the current folder (emits :attr:`folder_selected`)."""
        item = self._items.get(path)
        if item is not None:
            self.setCurrentIndex(item.index())

    def current_path(self) -> str:
        """Path of the current folder, ``""`` if none."""
        index = self.currentIndex()
        return str(index.data(PATH_ROLE) or "") if index.isValid() else ""

    def display_name(self, path: str) -> str:
        """The folder's name for the user: special-use folders by their localised name
        ("Boîte de réception", never "INBOX"), others by their own name."""
        folder = self._folders.get(path)
        if folder is not None:
            return _role_name(folder.role) or folder.name
        if path.upper() == "INBOX":  # RFC 3501 section 5.1: INBOX whatever the case
            return _role_name("inbox")
        return path.rpartition("/")[2] or path

    def label_of(self, path: str) -> str:
        """The text shown for ``path`` (tests, screen readers)."""
        item = self._items.get(path)
        return item.text() if item is not None else ""

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        path = current.data(PATH_ROLE) if current.isValid() else None
        if path:
            self.folder_selected.emit(str(path))
