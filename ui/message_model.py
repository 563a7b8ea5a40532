"""The message list as a table model, virtualised for 100,000 rows.

Rows are :class:`ui.backend.MessageSummary` records held in a Python list; the view asks
``data()`` only for the rows on screen (uniform row height, no per-row widgets). Sorting
is done here with ``list.sort`` and precomputed keys instead of a ``QSortFilterProxyModel``,
whose C++ comparisons would call back into Python millions of times for 100,000 rows.
The quick filter (search bar) keeps an index of matching rows the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QCoreApplication,
    QDateTime,
    QLocale,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont, QIcon

from client.mail.search import fold
from client.mail.summary import MessageSummary
from ui.folder_tree import MESSAGES_MIME, encode_messages
from ui.icons import icon

__all__ = ["Column", "MessageTableModel", "display_subject", "fold", "search_key", "search_keys"]

logger = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex


class Column:
    """Column numbers."""

    STATUS = 0
    SENDER = 1
    SUBJECT = 2
    DATE = 3
    SIZE = 4
    COUNT = 5


def display_subject(subject: str) -> str:
    """Hide the prefix ``XDM/1.0/DDM+`` integrations put before a subject, via ``client.xdm``."""
    if not subject.startswith("XDM/"):
        return subject  # the common case, without a regex: 10,000 rows load in a blink
    try:
        from client.xdm import display_subject as client_display_subject
    except ImportError:
        prefix = "XDM/1.0/DDM+"
        return subject[len(prefix):] if subject.startswith(prefix) else subject
    return str(client_display_subject(subject))


def search_key(message: MessageSummary) -> str:
    """What the quick filter looks in: sender and shown subject, case and accents folded."""
    return f"{fold(message.sender)}\n{fold(display_subject(message.subject))}"


def search_keys(messages: Iterable[MessageSummary]) -> dict[int, str]:
    """:func:`search_key` of every row; pure Python, run on a worker with the sync."""
    return {m.uid: search_key(m) for m in messages}


def _header(section: int, recipients: bool = False) -> str:
    names = {
        Column.STATUS: "",
        Column.SENDER: (QCoreApplication.translate("MessageTableModel", "Destinataire")
                        if recipients else
                        QCoreApplication.translate("MessageTableModel", "Expéditeur")),
        Column.SUBJECT: QCoreApplication.translate("MessageTableModel", "Objet"),
        Column.DATE: QCoreApplication.translate("MessageTableModel", "Date"),
        Column.SIZE: QCoreApplication.translate("MessageTableModel", "Taille"),
    }
    return names.get(section, "")


def _size_text(size: int) -> str:
    if size < 1024:
        return QCoreApplication.translate("MessageTableModel", "%1 o").replace("%1", str(size))
    if size < 1024 * 1024:
        kilo = f"{size / 1024:.0f}"
        return QCoreApplication.translate("MessageTableModel", "%1 Ko").replace("%1", kilo)
    return QCoreApplication.translate("MessageTableModel", "%1 Mo").replace(
        "%1", f"{size / (1024 * 1024):.1f}")


def _date_key(message: MessageSummary) -> float:
    return message.date.timestamp() if message.date is not None else 0.0


def _sender_name(sender: str) -> str:
    # ``Name <address>`` -> Name. email.utils.parseaddr costs ~0.3 ms a call, too slow for
    # 100,000 rows on the GUI thread; the list only needs the display part.
    cut = sender.find("<")
    if cut > 0:
        name = sender[:cut].strip().strip('"').strip()
        if name:
            return name
    return sender.strip().strip("<>")


class MessageTableModel(QAbstractTableModel):
    """Messages of one folder; sortable and filterable without a proxy."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all: list[MessageSummary] = []
        self._rows: list[MessageSummary] = []
        self._subjects: dict[int, str] = {}
        self._senders: dict[int, str] = {}
        self._filter = ""
        self._keys: dict[int, str] = {}
        self.generation = 0  # bumped by each set_messages
        self._sort_column = Column.DATE
        self._sort_order = Qt.SortOrder.DescendingOrder
        self._bold = QFont()
        self._bold.setBold(True)
        self._locale = QLocale()
        self.folder = ""  # the folder these rows belong to (drag payload)
        # Sent and Drafts show whom a message went to, as Thunderbird does.
        self.shows_recipients = False

    # -- content -----------------------------------------------------------------------
    def show_recipients(self, recipients: bool) -> None:
        """Show the recipients (Sent, Drafts) or the sender in the correspondent column."""
        if recipients != self.shows_recipients:
            self.shows_recipients = recipients
            self._senders = {}
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, Column.SENDER, Column.SENDER)
            if self._rows:
                self.dataChanged.emit(self.index(0, Column.SENDER),
                                      self.index(len(self._rows) - 1, Column.SENDER))

    def set_messages(self, messages: Iterable[MessageSummary]) -> None:
        """Replace every row (after a sync)."""
        self.beginResetModel()
        self.generation += 1
        self._all = list(messages)
        self._keys = {}
        # Display texts are computed when a row is first shown (or sorted on): loading
        # 100,000 rows must not stall the GUI thread.
        self._subjects = {}
        self._senders = {}
        self._rebuild()
        self.endResetModel()

    def update_message(self, message: MessageSummary) -> None:
        """Replace one row in place (flags changed, read)."""
        for collection in (self._all, self._rows):
            for i, existing in enumerate(collection):
                if existing.uid == message.uid:
                    collection[i] = message
        row = self.row_of(message.uid)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, Column.COUNT - 1))

    def message_at(self, row: int) -> MessageSummary | None:
        """The record shown at ``row``."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, uid: int) -> int | None:
        """Row of ``uid`` in the current order, or None when filtered out."""
        for i, message in enumerate(self._rows):
            if message.uid == uid:
                return i
        return None

    @property
    def total(self) -> int:
        """Messages in the folder (before the quick filter)."""
        return len(self._all)

    def add_keys(self, keys: dict[int, str], generation: int) -> None:
        """Install :func:`search_keys` computed on a worker for the rows of
        ``generation`` (ignored once other rows were set)."""
        if generation == self.generation:
            self._keys.update(keys)

    def remove_uids(self, uids: Iterable[int]) -> None:
        """Drop rows (moved or deleted), keeping the order of the others."""
        gone = set(uids)
        if not gone:
            return
        self.beginResetModel()
        self._all = [m for m in self._all if m.uid not in gone]
        self._rows = [m for m in self._rows if m.uid not in gone]
        self.endResetModel()

    def uids(self) -> list[int]:
        """UIDs shown, in display order."""
        return [m.uid for m in self._rows]

    @property
    def filtering(self) -> bool:
        """A quick filter is on."""
        return bool(self._filter) or getattr(self, "_filter_uids", None) is not None

    def set_filter(self, text: str, uids: Sequence[int] | None = None) -> None:
        """Show only rows whose sender or subject contains ``text`` (or listed ``uids``);
        case and accents do not count ("lefevre" finds "Lefèvre")."""
        self.beginResetModel()
        self._filter = fold(text.strip())
        self._filter_uids = set(uids) if uids is not None else None
        self._rebuild()
        self.endResetModel()

    def _rebuild(self) -> None:
        rows = self._all
        needle = self._filter
        wanted = getattr(self, "_filter_uids", None)
        if needle or wanted is not None:
            rows = [
                m for m in rows
                if (wanted is not None and m.uid in wanted)
                or (needle and needle in self._key_of(m))
            ]
        self._rows = list(rows)
        self._sort_rows()

    def _sort_rows(self) -> None:
        column = self._sort_column
        keyfuncs: dict[int, Any] = {
            Column.STATUS: lambda m: (not m.seen, m.flagged, m.has_attachments),
            Column.SENDER: lambda m: m.sender.casefold(),
            Column.SUBJECT: lambda m: self._subject_of(m).casefold(),
            Column.DATE: _date_key,
            Column.SIZE: lambda m: m.size,
        }
        key = keyfuncs.get(column, keyfuncs[Column.DATE])
        self._rows.sort(key=key, reverse=self._sort_order == Qt.SortOrder.DescendingOrder)

    # -- Qt model API ------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Rows shown (the view asks; 0 under a parent: this is a flat table)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Fixed columns."""
        return 0 if parent.isValid() else Column.COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _header(section, self.shows_recipients)
        if (orientation == Qt.Orientation.Horizontal and section == Column.STATUS
                and role == Qt.ItemDataRole.ToolTipRole):
            return QCoreApplication.translate("MessageTableModel", "État")
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell contents; only called for visible rows."""
        if not index.isValid():
            return None
        message = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == Column.SENDER:
                return self._sender_of(message)
            if column == Column.SUBJECT:
                return self._subject_of(message)
            if column == Column.DATE:
                if message.date is None:
                    return ""
                local = message.date.astimezone()  # the user's zone, as the reading pane
                return self._locale.toString(QDateTime(local), QLocale.FormatType.ShortFormat)
            if column == Column.SIZE:
                return _size_text(message.size)
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == Column.STATUS:
            return self._status_icon(message)
        if role == Qt.ItemDataRole.FontRole and not message.seen:
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.STATUS:
                return self._status_text(message)
            if column == Column.SENDER:
                return message.sender
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if column == Column.STATUS:
                return self._status_text(message)
            return self.data(index, Qt.ItemDataRole.DisplayRole)
        if role == Qt.ItemDataRole.UserRole:
            return message.uid
        return None

    def _key_of(self, message: MessageSummary) -> str:
        key = self._keys.get(message.uid)
        if key is None:
            key = self._keys[message.uid] = search_key(message)
        return key

    def _subject_of(self, message: MessageSummary) -> str:
        text = self._subjects.get(message.uid)
        if text is None:
            text = self._subjects[message.uid] = display_subject(message.subject)
        return text

    def _sender_of(self, message: MessageSummary) -> str:
        # The list shows the sender's name; the address is in the tooltip and the pane.
        text = self._senders.get(message.uid)
        if text is None:
            if self.shows_recipients and message.to:
                text = ", ".join(_sender_name(r) for r in message.to)
            else:
                text = _sender_name(message.sender)
            self._senders[message.uid] = text
        return text

    def _status_icon(self, message: MessageSummary) -> QIcon:
        if message.structured:
            return icon("structured")
        if message.receipt == "read":
            return icon("receipt")
        if message.flagged:
            return icon("flag")
        if message.has_attachments:
            return icon("attachment")
        if not message.seen:
            return icon("unread")
        return QIcon()

    def _status_text(self, message: MessageSummary) -> str:
        parts = []
        if not message.seen:
            parts.append(QCoreApplication.translate("MessageTableModel", "non lu"))
        if message.flagged:
            parts.append(QCoreApplication.translate("MessageTableModel", "suivi"))
        if message.has_attachments:
            parts.append(QCoreApplication.translate("MessageTableModel", "pièce jointe"))
        if message.structured:
            parts.append(QCoreApplication.translate("MessageTableModel",
                                                    "document structuré"))
        if message.receipt == "read":
            parts.append(QCoreApplication.translate("MessageTableModel",
                                                    "accusé de lecture reçu"))
        elif message.receipt == "requested":
            parts.append(QCoreApplication.translate("MessageTableModel",
                                                    "accusé de lecture demandé"))
        return ", ".join(parts)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        """Rows can be dragged onto the folder tree."""
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else base

    def mimeTypes(self) -> list[str]:
        """The drag payload type the folder tree accepts."""
        return [MESSAGES_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """The dragged messages (their UIDs and folder)."""
        uids: list[int] = []
        for index in indexes:
            message = self.message_at(index.row())
            if message is not None and message.uid not in uids:
                uids.append(message.uid)
        data = QMimeData()
        data.setData(MESSAGES_MIME, QByteArray(encode_messages(self.folder, uids)))
        return data

    def supportedDragActions(self) -> Qt.DropAction:
        """Dragging moves."""
        return Qt.DropAction.MoveAction

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in Python (fast for 100,000 rows), keeping the view's selection roles."""
        self.layoutAboutToBeChanged.emit()
        self._sort_column = column
        self._sort_order = order
        self._sort_rows()
        self.layoutChanged.emit()
