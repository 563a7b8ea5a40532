"""The folder tree: hierarchy from the IMAP delimiter, unread counts in bold."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication, QEvent, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import QAbstractItemView, QTreeView, QWidget

from client.mail.mailbox import Folder
from ui.icons import icon

__all__ = ["MESSAGES_MIME", "FolderTree", "decode_messages", "encode_messages", "folder_label"]

logger = logging.getLogger(__name__)

PATH_ROLE = Qt.ItemDataRole.UserRole + 1
SELECTABLE_ROLE = Qt.ItemDataRole.UserRole + 2
#: Messages dragged from the list (JSON: the source folder and the UIDs).
MESSAGES_MIME = "application/x-mssante-companion-messages"
_ROLE_ORDER = {"inbox": 0, "drafts": 1, "sent": 2, "archive": 3, "junk": 4, "trash": 5}


def _role_name(role: str | None) -> str:
    return {
        "inbox": QCoreApplication.translate("FolderTree", "Boîte de réception"),
        "sent": QCoreApplication.translate("FolderTree", "Envoyés"),
        "drafts": QCoreApplication.translate("FolderTree", "Brouillons"),
        "trash": QCoreApplication.translate("FolderTree", "Corbeille"),
        "junk": QCoreApplication.translate("FolderTree", "Indésirables"),
        "archive": QCoreApplication.translate("FolderTree", "Archives"),
    }.get(role or "", "")


def encode_messages(folder: str, uids: list[int]) -> bytes:
    """The drag payload for ``uids`` of ``folder``."""
    return json.dumps({"folder": folder, "uids": uids}).encode()


def decode_messages(data: bytes) -> tuple[str, list[int]]:
    """``(folder, uids)`` from a drag payload; empty on anything malformed."""
    try:
        value = json.loads(data.decode())
        return str(value["folder"]), [int(u) for u in value["uids"]]
    except (ValueError, KeyError, TypeError):
        return "", []


def folder_label(folder: Folder) -> str:
    """``Boîte de réception (3)``: localised special-use name and unread count."""
    name = _role_name(folder.role) or folder.leaf
    return f"{name} ({folder.unread})" if folder.unread else name


class FolderTree(QTreeView):
    """Shows :class:`Folder` records; emits the path of the folder the user opens."""

    folder_selected = Signal(str)
    messages_dropped = Signal(str, str, list)  # source folder, target folder, UIDs
    context_menu_requested = Signal(str, QPoint)  # folder path ("" on empty space)

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
        # Messages dropped from the list move to the folder under the pointer.
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(
            lambda pos: self.context_menu_requested.emit(self.path_at(pos),
                                                         self.viewport().mapToGlobal(pos)))

    def path_at(self, pos: QPoint) -> str:
        """The folder under ``pos`` (viewport coordinates), ``""`` if none."""
        index = self.indexAt(pos)
        return str(index.data(PATH_ROLE) or "") if index.isValid() else ""

    def _drop_target(self, event: QDropEvent | QDragMoveEvent) -> str:
        if not event.mimeData().hasFormat(MESSAGES_MIME):
            return ""
        path = self.path_at(event.position().toPoint())
        return path if path in self._folders else ""

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept messages from the list."""
        if event.mimeData().hasFormat(MESSAGES_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        """Only a folder that holds messages takes the drop."""
        if self._drop_target(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        """Emit :attr:`messages_dropped`; the move itself is the actions' job."""
        target = self._drop_target(event)
        if not target:
            event.ignore()
            return
        source, uids = decode_messages(bytes(event.mimeData().data(MESSAGES_MIME).data()))
        event.acceptProposedAction()
        if uids and source != target:
            self.messages_dropped.emit(source, target, uids)

    def set_folders(self, folders: Iterable[Folder]) -> None:
        """Rebuild the tree, keeping the current folder selected.

        Subfolders go under their parents ("Dossiers patients/2024" under "Dossiers
        patients"); a parent the server lists as ``\\Noselect`` (or not at all) still
        shows, greyed, so that its children keep their place.
        """
        current = self.current_path()
        self._model.clear()
        self._items.clear()
        self._folders = {f.name: f for f in folders}
        ordered = sorted(self._folders.values(),
                         key=lambda f: (_ROLE_ORDER.get(f.role or "", 9), f.name.casefold()))
        for folder in ordered:
            self._item_for(folder.name, folder.delimiter)
        self.expandAll()
        if current and current in self._items:
            self.select_path(current)

    def _item_for(self, path: str, delimiter: str) -> QStandardItem:
        item = self._items.get(path)
        if item is not None:
            return item
        parent_path, _sep, _leaf = path.rpartition(delimiter) if delimiter else ("", "", path)
        parent_item = (self._item_for(parent_path, delimiter) if parent_path
                       else self._model.invisibleRootItem())
        item = QStandardItem()
        item.setData(path, PATH_ROLE)
        item.setEditable(False)
        self._items[path] = item
        folder = self._folders.get(path)
        if folder is None:
            # A parent without a folder of its own: a label to hold its children.
            item.setText(path.rpartition(delimiter)[2] if delimiter else path)
            item.setIcon(icon("folder"))
            item.setData(False, SELECTABLE_ROLE)
            item.setSelectable(False)
            item.setDropEnabled(False)
        else:
            item.setData(True, SELECTABLE_ROLE)
            self._apply(item, folder)
        parent_item.appendRow(item)
        return item

    def folder(self, path: str) -> Folder | None:
        """The record shown for ``path`` (None for a parent that holds no messages)."""
        return self._folders.get(path)

    def paths(self) -> list[str]:
        """Every folder that can hold messages, in display order."""
        return [p for p, item in self._items.items() if item.data(SELECTABLE_ROLE)]

    def update_folder(self, folder: Folder) -> None:
        """Refresh one folder's counters."""
        item = self._items.get(folder.name)
        if item is not None and folder.name in self._folders:
            self._folders[folder.name] = folder
            self._apply(item, folder)

    def changeEvent(self, event: QEvent) -> None:
        """The language switch names the special-use folders anew ("Inbox" after
        "Boîte de réception"): their labels are built from the catalog, not kept by Qt."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            for path, folder in self._folders.items():
                item = self._items.get(path)
                if item is not None:
                    self._apply(item, folder)

    def _apply(self, item: QStandardItem, folder: Folder) -> None:
        item.setText(folder_label(folder))
        item.setIcon(icon(folder.role if folder.role in _ROLE_ORDER else "folder"))
        font = QFont()
        font.setBold(folder.unread > 0)
        item.setFont(font)
        if folder.unread:
            item.setData(
                self.tr("%1, %n non lu(s)", "", folder.unread).replace(
                    "%1", _role_name(folder.role) or folder.leaf
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
            return _role_name(folder.role) or folder.leaf
        if path.upper() == "INBOX":  # RFC 3501 section 5.1: INBOX whatever the case
            return _role_name("inbox")
        return path.rpartition("/")[2] or path

    def label_of(self, path: str) -> str:
        """The text shown for ``path`` (tests, screen readers)."""
        item = self._items.get(path)
        return item.text() if item is not None else ""

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        path = current.data(PATH_ROLE) if current.isValid() else None
        if path and current.data(SELECTABLE_ROLE):
            self.folder_selected.emit(str(path))
