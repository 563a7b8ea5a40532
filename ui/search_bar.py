"""The search bar above the list: the text, "Tous les dossiers", how many messages match,
and the hits of an all-folders search."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

__all__ = ["SEARCH_DELAY_MS", "SearchBar"]

logger = logging.getLogger(__name__)

#: The search starts once typing pauses this long.
SEARCH_DELAY_MS = 250


class SearchBar(QWidget):
    """Search text and its results; :attr:`requested` fires once typing pauses."""

    requested = Signal()
    hit_activated = Signal(str, int)  # folder, UID

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setObjectName("searchBar")
        self.edit.setPlaceholderText(self.tr("Rechercher dans le dossier (Ctrl+F)"))
        self.edit.setAccessibleName(self.tr("Recherche"))
        self.edit.setClearButtonEnabled(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.requested.emit)
        self.edit.textChanged.connect(lambda _t: self._timer.start())

        self.everywhere = QCheckBox(self.tr("Tous les dossiers"), self)
        self.everywhere.setObjectName("searchEverywhere")
        self.everywhere.setToolTip(self.tr("Rechercher dans tous les dossiers"))
        self.everywhere.toggled.connect(lambda _on: self.requested.emit())
        self.status = QLabel(self)
        self.status.setObjectName("searchStatus")
        self.status.hide()
        self.results = QListWidget(self)
        self.results.setObjectName("searchResults")
        self.results.setAccessibleName(self.tr("Messages trouvés dans tous les dossiers"))
        self.results.setMaximumHeight(180)
        self.results.itemActivated.connect(self._activated)
        self.results.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.edit, 1)
        row.addWidget(self.everywhere)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.results)

    def text(self) -> str:
        """The search text, trimmed."""
        return self.edit.text().strip()

    @property
    def across_folders(self) -> bool:
        """"Tous les dossiers" is ticked."""
        return self.everywhere.isChecked()

    def show_count(self, count: int | None) -> None:
        """"Aucun message ne correspond", "1 message correspond"...; None hides it."""
        if count is None:
            self.status.hide()
            return
        if count == 0:
            text = self.tr("Aucun message ne correspond")
        elif count == 1:
            text = self.tr("1 message correspond")
        else:
            text = self.tr("%1 messages correspondent").replace("%1", str(count))
        self.status.setText(text)
        self.status.setAccessibleDescription(text)
        self.status.show()

    def show_hits(self, hits: list[tuple[str, int, str]]) -> None:
        """All-folders hits as ``(folder, uid, label)``; an empty list hides the list."""
        self.results.clear()
        for folder, uid, label in hits:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, (folder, uid))
            self.results.addItem(item)
        self.results.setVisible(bool(hits))

    def _activated(self, item: QListWidgetItem) -> None:
        folder, uid = item.data(Qt.ItemDataRole.UserRole)
        self.hit_activated.emit(str(folder), int(uid))
