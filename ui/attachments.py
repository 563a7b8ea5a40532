"""The compose window's attachment list: a button, drag-and-drop, removal."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from ui.icons import icon

__all__ = ["AttachmentList"]

logger = logging.getLogger(__name__)

PATH_ROLE = Qt.ItemDataRole.UserRole + 3


class AttachmentList(QListWidget):
    """Files to attach; accepts files dropped from the desktop."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composeAttachments")
        self.setAccessibleName(self.tr("Pièces jointes"))
        self.setAcceptDrops(True)
        self.setMaximumHeight(80)
        remove = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self)
        remove.activated.connect(self.remove_selected)

    def paths(self) -> list[Path]:
        """The files, in order."""
        return [Path(self.item(i).data(PATH_ROLE)) for i in range(self.count())]

    def add_paths(self, paths: list[Path]) -> None:
        """Attach files (duplicates ignored, folders refused)."""
        known = set(self.paths())
        for path in paths:
            if path in known or not path.is_file():
                continue
            size = path.stat().st_size
            item = QListWidgetItem(icon("attachment"), f"{path.name} ({size // 1024 + 1} Ko)")
            item.setData(PATH_ROLE, str(path))
            item.setToolTip(str(path))
            self.addItem(item)
            known.add(path)
        self.changed.emit()

    def remove_selected(self) -> None:
        """Drop the selected attachment."""
        for item in self.selectedItems():
            self.takeItem(self.row(item))
        self.changed.emit()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept local files."""
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragEnterEvent) -> None:  # type: ignore[override]
        """Keep accepting while over the list."""
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        """Attach the dropped files."""
        urls = event.mimeData().urls()
        paths = [Path(u.toLocalFile()) for u in urls if u.isLocalFile()]
        if paths:
            self.add_paths(paths)
            event.acceptProposedAction()
        else:
            super().dropEvent(event)
