"""The message list view: rows, not cells, as in every mail client.

Tab leaves the list (to the reading pane) instead of walking its cells; Home and End go to
the first and last message, Page Up and Page Down by a screenful; several messages can be
selected (Shift, Ctrl) and dragged onto the folder tree.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from ui.message_model import Column

__all__ = ["ROW_HEIGHT", "MessageList"]

logger = logging.getLogger(__name__)

ROW_HEIGHT = 24

_Action = QAbstractItemView.CursorAction


class MessageList(QTableView):
    """A row-wise table of messages."""

    context_menu_requested = Signal(QPoint)  # global position

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageList")
        self.setAccessibleName(self.tr("Liste des messages"))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setTabKeyNavigation(False)
        self.setSortingEnabled(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        vertical = self.verticalHeader()
        vertical.hide()
        # Fixed row heights keep the view virtual: no per-row size queries on 100,000 rows.
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(ROW_HEIGHT)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)

    def configure_columns(self) -> None:
        """Column widths (after the model is set)."""
        header = self.horizontalHeader()
        header.setSectionResizeMode(Column.SUBJECT, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(Column.STATUS, 28)
        header.resizeSection(Column.SENDER, 200)
        header.resizeSection(Column.DATE, 130)
        header.resizeSection(Column.SIZE, 70)
        self.sortByColumn(Column.DATE, Qt.SortOrder.DescendingOrder)

    def selected_rows(self) -> list[int]:
        """Selected rows, top to bottom."""
        return sorted(i.row() for i in self.selectionModel().selectedRows())

    def moveCursor(
        self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        """Home/End: first/last message (a table would go to the first/last cell)."""
        model = self.model()
        if model is None or model.rowCount() == 0:
            return super().moveCursor(action, modifiers)
        column = max(self.currentIndex().column(), 0)
        if action == _Action.MoveHome:
            return model.index(0, column)
        if action == _Action.MoveEnd:
            return model.index(model.rowCount() - 1, column)
        return super().moveCursor(action, modifiers)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.indexAt(pos)
        if index.isValid() and not self.selectionModel().isRowSelected(index.row()):
            # Right-click on a row outside the selection acts on that row (Thunderbird).
            self.selectRow(index.row())
        self.context_menu_requested.emit(self.viewport().mapToGlobal(pos))
