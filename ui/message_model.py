"""The message list as a table model, virtualised for 100,000 rows.

The model holds the folder as an order of UIDs; the view asks ``data()`` only for the
rows on screen (uniform row height, no per-row widgets). The rows come from one of two
sources:

* a list of :class:`client.mail.summary.MessageSummary` held in memory (the test double, small
  folders): sorting and the quick filter run here at once, with ``list.sort`` and
  precomputed keys instead of a ``QSortFilterProxyModel``, whose C++ comparisons would
  call back into Python millions of times for 100,000 rows;
* :class:`ui.cached_rows.CachedRows`, the encrypted cache read lazily: the model keeps
  only the rows in view (a window fetched and unsealed on a worker, a small LRU); sorting
  on date, size or status is an indexed SQLite query on a worker; sorting on the sealed
  subject or correspondent, and the quick filter, read the folder's sealed sort keys
  once on a worker (:mod:`client.mail.sort_index`). The new order is swapped in when
  ready (``order_changed``), selection kept by UID.
"""

from __future__ import annotations

import functools
import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
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
    QRect,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QIcon, QPainter, QPixmap

from client.mail import sort_index
from client.mail.sort_index import FolderKeys
from client.mail.summary import MessageSummary
from client.mail.text import display_subject, fold, subject_sort_key
from ui.cached_rows import CachedRows
from ui.folder_tree import MESSAGES_MIME, encode_messages
from ui.icons import icon

__all__ = [
    "LRU_ROWS", "WINDOW", "Column", "MessageTableModel", "display_subject", "fold",
    "search_key", "search_keys",
]

logger = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex

#: Rows fetched around a row the view asks for and does not hold (a screenful or two).
WINDOW = 100
#: Rows of a cached folder kept unsealed in memory: a few screens, never the folder.
LRU_ROWS = 1_000
#: Sort keys a cached folder answers in SQLite (``client.mail.cache.SORT_KEYS``).
_SQL_KEYS = {0: "status", 3: "date", 4: "size"}

#: The roles :meth:`MessageTableModel.data` answers.
_ROLES = frozenset(int(role) for role in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole,
    Qt.ItemDataRole.UserRole))

#: ``runner(fn, on_result, *args)``: run ``fn(*args)`` on a worker, ``on_result`` on the
#: GUI thread (the mail view plugs its worker pool in).
Runner = Callable[..., object]
#: What :func:`_arrange` gives: full order, shown order, rows of the shown and of all UIDs.
Arranged = tuple[list[int], list[int], dict[int, int], dict[int, int]]


class Column:
    """Column numbers."""

    STATUS = 0
    SENDER = 1
    SUBJECT = 2
    DATE = 3
    SIZE = 4
    COUNT = 5


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


@functools.cache
def _flagged_icon(name: str) -> QIcon:
    """The icon ``name`` with a small flag over its top right corner."""
    size = 16
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    icon(name).paint(painter, QRect(0, 0, size, size))
    icon("flag").paint(painter, QRect(size // 2, 0, size // 2 + 1, size // 2 + 1))
    painter.end()
    return QIcon(pixmap)


def _date_key(message: MessageSummary) -> float:
    return message.date.timestamp() if message.date is not None else 0.0


def _correspondents(message: MessageSummary, recipients: bool) -> str:
    """The correspondent column's text: the sender's name, or the recipients' names."""
    if recipients and message.to:
        return ", ".join(_sender_name(r) for r in message.to)
    return _sender_name(message.sender)


def _sort_key(column: int, recipients: bool) -> Callable[[MessageSummary], Any]:
    keyfuncs: dict[int, Callable[[MessageSummary], Any]] = {
        Column.STATUS: lambda m: (not m.seen, m.flagged, m.has_attachments),
        Column.SENDER: ((lambda m: fold(", ".join(m.to))) if recipients
                        else (lambda m: fold(m.sender))),
        Column.SUBJECT: lambda m: subject_sort_key(m.subject),
        Column.DATE: _date_key,
        Column.SIZE: lambda m: m.size,
    }
    return keyfuncs.get(column, _date_key)


def _key_column(column: int, recipients: bool) -> int:
    """The stored key column (:mod:`client.mail.sort_index`) a sealed column sorts on."""
    if column == Column.SENDER:
        return sort_index.RECIPIENTS if recipients else sort_index.SENDER
    return sort_index.SUBJECT


def _arrange(rows: Callable[[], Sequence[MessageSummary]] | None,
             keyed: Callable[[], FolderKeys] | None,
             sql: Callable[[str, bool], list[int]] | None, full: list[int] | None,
             column: int, descending: bool, recipients: bool,
             needle: str, wanted: set[int] | None, key_of: Callable[[Any], str],
             removed: frozenset[int]) -> Arranged:
    """``(full order, shown order, row of each shown UID, row of each UID unfiltered)``:
    pure, so a cached folder's arrangement runs on a worker. ``full`` given: only the
    filter changed. A cached folder gives ``sql`` and ``keyed`` (its sealed columns), an
    in-memory list ``rows``."""
    if full is None:
        if sql is not None and column in _SQL_KEYS:
            full = sql(_SQL_KEYS[column], descending)
        elif keyed is not None:
            full = keyed().order_by(_key_column(column, recipients), descending)
        elif rows is not None:
            ordered = sorted(rows(), key=_sort_key(column, recipients), reverse=descending)
            full = [m.uid for m in ordered]
        else:
            full = []
        if removed:
            full = [uid for uid in full if uid not in removed]
    order = full
    if needle or wanted is not None:
        matching = set(wanted or ())
        if needle and keyed is not None:
            matching.update(keyed().matching(needle))
        elif needle and rows is not None:
            matching.update(m.uid for m in rows() if needle in key_of(m))
        order = [uid for uid in full if uid in matching]
    pos = {uid: row for row, uid in enumerate(order)}
    return full, order, pos, pos if order is full else {
        uid: row for row, uid in enumerate(full)}


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

    #: A sort or filter computed on a worker was swapped in (a cached folder).
    order_changed = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._source: CachedRows | None = None  # a cached folder, read lazily
        # Rows held: every row of an in-memory list, or the LRU window of a cached folder.
        self._known: OrderedDict[int, MessageSummary] = OrderedDict()
        self._changed: dict[int, MessageSummary] = {}  # changed here since the cache read
        self._removed: set[int] = set()  # moved away since the cache read
        self._pending: set[int] = set()  # UIDs a worker is fetching
        self._full: list[int] = []  # UIDs of the folder in the sort order
        self._order: list[int] = []  # UIDs shown (after the quick filter)
        self._pos: dict[int, int] | None = {}  # row of each shown UID (None: to rebuild)
        self._full_pos: dict[int, int] | None = {}  # the same without the quick filter
        self._subjects: dict[int, str] = {}
        self._senders: dict[int, str] = {}
        self._filter = ""
        self._filter_uids: set[int] | None = None
        self._keys: dict[int, str] = {}
        self._ticket = 0  # the latest arrangement asked of a worker
        self._shown_from = 0  # the first row the view last asked for and lacked
        self.generation = 0  # bumped by each set_messages
        self._sort_column = Column.DATE
        self._sort_order = Qt.SortOrder.DescendingOrder
        self._flags: Qt.ItemFlag | None = None
        self._bold = QFont()
        self._bold.setBold(True)
        self._locale = QLocale()
        self.folder = ""  # the folder these rows belong to (drag payload)
        # Sent and Drafts show whom a message went to, as Thunderbird does.
        self.shows_recipients = False
        #: Runs the cached folder's queries on a worker; None: at once (tests, tools).
        self.runner: Runner | None = None

    # -- content -----------------------------------------------------------------------
    @property
    def lazy(self) -> bool:
        """The rows come from the cache as the view shows them."""
        return self._source is not None

    def show_recipients(self, recipients: bool) -> None:
        """Show the recipients (Sent, Drafts) or the sender in the correspondent column."""
        if recipients != self.shows_recipients:
            self.shows_recipients = recipients
            self._senders = {}
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, Column.SENDER, Column.SENDER)
            if self._order:
                self.dataChanged.emit(self.index(0, Column.SENDER),
                                      self.index(len(self._order) - 1, Column.SENDER))

    def set_messages(self, messages: Iterable[MessageSummary]) -> None:
        """Replace every row (after a sync): a list held in memory, or a cached folder
        (:class:`ui.cached_rows.CachedRows`) read as the view scrolls."""
        self.beginResetModel()
        self.generation += 1
        self._ticket += 1
        self._keys = {}
        # Display texts are computed when a row is first shown (or sorted on): loading
        # 100,000 rows must not stall the GUI thread.
        self._subjects = {}
        self._senders = {}
        self._changed = {}
        self._removed = set()
        self._pending = set()
        newest_first = (self._sort_column == Column.DATE
                        and self._sort_order == Qt.SortOrder.DescendingOrder)
        if isinstance(messages, CachedRows):
            self._source = messages
            self._known = OrderedDict(messages.first)
            self._full = messages.order  # newest first, from an index
            self._order = self._full
            self._pos = self._full_pos = messages.positions
            later = not newest_first or self.filtering
        else:
            self._source = None
            self._known = OrderedDict((m.uid, m) for m in messages)
            self._full = list(self._known)
            later = False
            self._rebuild(resort=True)
        self.endResetModel()
        if later:
            self._rearrange(resort=not newest_first)

    def update_message(self, message: MessageSummary) -> None:
        """Replace one row in place (flags changed, read)."""
        if message.uid in self._known:
            self._known[message.uid] = message
        if self._source is not None:
            self._changed[message.uid] = message
        row = self.row_of(message.uid)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, Column.COUNT - 1))

    def uid_at(self, row: int) -> int | None:
        """The UID shown at ``row`` (known without reading the row)."""
        return self._order[row] if 0 <= row < len(self._order) else None

    def message_at(self, row: int) -> MessageSummary | None:
        """The record shown at ``row``.

        A cached row out of the LRU window (an action on a selection scrolled far away)
        is read here, on the calling thread: a few rows from the local file."""
        uid = self.uid_at(row)
        if uid is None:
            return None
        message = self._held(uid)
        if message is None and self._source is not None:
            self._store(self._source.fetch(self._window(row)))
            message = self._held(uid)
        return message

    def row_of(self, uid: int) -> int | None:
        """Row of ``uid`` in the current order, or None when filtered out."""
        if self._pos is None:
            self._pos = {u: row for row, u in enumerate(self._order)}
            if self._order is self._full:
                self._full_pos = self._pos
        return self._pos.get(uid)

    @property
    def total(self) -> int:
        """Messages in the folder (before the quick filter)."""
        if self._source is not None:
            return len(self._source) - len(self._removed)
        return len(self._known)

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
        for uid in gone:
            self._known.pop(uid, None)
        if self._source is not None:
            self._removed |= gone
        self._full = [uid for uid in self._full if uid not in gone]
        self._order = [uid for uid in self._order if uid not in gone]
        self._pos = self._full_pos = None
        self.endResetModel()

    def uids(self) -> list[int]:
        """UIDs shown, in display order."""
        return list(self._order)

    @property
    def filtering(self) -> bool:
        """A quick filter is on."""
        return bool(self._filter) or self._filter_uids is not None

    def set_filter(self, text: str, uids: Sequence[int] | None = None) -> None:
        """Show only rows whose sender or subject contains ``text`` (or listed ``uids``);
        case and accents do not count ("lefevre" finds "Lefèvre"). A cached folder is
        filtered on a worker (``order_changed`` once shown)."""
        self._filter = fold(text.strip())
        self._filter_uids = set(uids) if uids is not None else None
        if self._source is not None and self.filtering:
            self._rearrange(resort=False)
            return
        self._ticket += 1  # a filter still computing for the previous text is dropped
        self.beginResetModel()
        if self._source is not None:  # no filter: every row, as already sorted
            self._order, self._pos = self._full, self._full_pos
        else:
            self._rebuild(resort=False)
        self.endResetModel()

    def _arrange_args(self, resort: bool) -> tuple[Any, ...]:
        source = self._source
        if source is not None:
            lazy: tuple[Any, ...] = (None, source.sort_index, source.sql_order, self._key_of)
        else:
            lazy = (self._in_memory, None, None, self._key_of)
        rows, texts, sql, key_of = lazy
        return (rows, texts, sql, None if resort else self._full, self._sort_column,
                self._sort_order == Qt.SortOrder.DescendingOrder, self.shows_recipients,
                self._filter, self._filter_uids, key_of, frozenset(self._removed))

    def _in_memory(self) -> list[MessageSummary]:
        return list(self._known.values())

    def _rebuild(self, resort: bool) -> None:
        """Arrange an in-memory list now (inside a reset or a layout change)."""
        self._full, self._order, self._pos, self._full_pos = _arrange(
            *self._arrange_args(resort))

    def _rearrange(self, resort: bool) -> None:
        """Arrange a cached folder on a worker; the answer replaces the order shown
        unless newer rows or a newer arrangement came meanwhile."""
        self._ticket += 1
        ticket, generation = self._ticket, self.generation
        resetting = not resort  # a filter changes which rows show; a sort only moves them

        source, first = self._source, max(self._shown_from - WINDOW // 4, 0)

        def arrange_and_read(*args: Any) -> tuple[Arranged, list[MessageSummary]]:
            # The rows the view will show in the new order are read in the same job: the
            # list then repaints once, with its rows, instead of painting blanks while
            # another worker unseals them (each repaint takes the interpreter lock a few
            # hundred times, and waits for it while a worker runs Python).
            arranged = _arrange(*args)
            window = arranged[1][first:first + WINDOW]
            return arranged, source.fetch(window) if source is not None else []

        def done(result: tuple[Arranged, list[MessageSummary]]) -> None:
            if ticket == self._ticket and generation == self.generation:
                arranged, rows = result
                self._store(rows)
                self._install(arranged, reset=resetting)

        self._run(arrange_and_read, done, *self._arrange_args(resort))

    def _install(self, arranged: Arranged, *, reset: bool) -> None:
        if reset:
            self.beginResetModel()
            self._full, self._order, self._pos, self._full_pos = arranged
            self.endResetModel()
        else:
            self._relayout(lambda: arranged)
        self.order_changed.emit()

    def _relayout(self, arrange: Callable[[], Arranged]) -> None:
        """Swap the order in as a layout change: selected rows follow their UIDs."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        uids = [self.uid_at(index.row()) for index in persistent]
        self._full, self._order, self._pos, self._full_pos = arrange()
        moved = []
        for index, uid in zip(persistent, uids, strict=True):
            row = self.row_of(uid) if uid is not None else None
            moved.append(self.index(row, index.column()) if row is not None else QModelIndex())
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def _run(self, fn: Callable[..., Any], on_result: Callable[[Any], None], *args: Any
             ) -> None:
        if self.runner is None:
            on_result(fn(*args))
        else:
            self.runner(fn, on_result, *args)

    # -- the rows of a cached folder ---------------------------------------------------
    def _held(self, uid: int) -> MessageSummary | None:
        message = self._changed.get(uid) or self._known.get(uid)
        if self._source is not None and uid in self._known:
            self._known.move_to_end(uid)  # recently shown: the last to leave the window
        return message

    def _window(self, row: int) -> list[int]:
        start = max(row - WINDOW // 4, 0)
        return [uid for uid in self._order[start:start + WINDOW]
                if uid not in self._known and uid not in self._pending]

    def _store(self, rows: Iterable[MessageSummary]) -> list[int]:
        stored = []
        for message in rows:
            self._known[message.uid] = message
            self._known.move_to_end(message.uid)
            stored.append(message.uid)
        while len(self._known) > LRU_ROWS:
            self._known.popitem(last=False)
        return stored

    def _request(self, row: int) -> None:
        """Fetch the window around ``row`` on a worker; the rows repaint when in."""
        self._shown_from = row
        source = self._source
        wanted = self._window(row)
        if source is None or not wanted:
            return
        self._pending.update(wanted)
        generation = self.generation

        def done(rows: list[MessageSummary]) -> None:
            if generation != self.generation:
                return
            self._pending.difference_update(wanted)
            rows_in = [r for r in (self.row_of(u) for u in self._store(rows)) if r is not None]
            if rows_in:
                self.dataChanged.emit(self.index(min(rows_in), 0),
                                      self.index(max(rows_in), Column.COUNT - 1))

        self._run(source.fetch, done, wanted)

    # -- Qt model API ------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Rows shown (the view asks; 0 under a parent: this is a flat table)."""
        return 0 if parent.isValid() else len(self._order)

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
        # A screen repaint asks about 1,000 times, 7 roles a cell, 4 of them never
        # answered: those return first. The GUI thread takes the interpreter lock for
        # each call, and gets it late while a worker unseals or sorts a folder.
        if role not in _ROLES or not index.isValid():
            return None
        row = index.row()
        uid = self.uid_at(row)
        if uid is None:
            return None
        if role == Qt.ItemDataRole.UserRole:
            return uid
        message = self._held(uid)
        if message is None:
            if self._source is not None and self.runner is not None:
                if uid not in self._pending:
                    self._request(row)  # the row paints blank for the moment it takes
                return None
            message = self.message_at(row)
            if message is None:
                return None
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
            if self._source is not None and len(self._subjects) > LRU_ROWS:
                self._subjects.clear()  # a cached folder keeps no more than its window
        return text

    def _sender_of(self, message: MessageSummary) -> str:
        # The list shows the sender's name; the address is in the tooltip and the pane.
        text = self._senders.get(message.uid)
        if text is None:
            text = _correspondents(message, self.shows_recipients)
            if self._source is not None and len(self._senders) > LRU_ROWS:
                self._senders.clear()
            self._senders[message.uid] = text
        return text

    def _status_icon(self, message: MessageSummary) -> QIcon:
        name = ("structured" if message.structured
                else "receipt" if message.receipt == "read"
                else "flag" if message.flagged
                else "attachment" if message.has_attachments
                else "unread" if not message.seen
                else "")
        if not name:
            return QIcon()
        if message.flagged and name != "flag":
            # One status cell: the user's flag must show on a structured document or a
            # read sent message too, so it is drawn in the corner of their icon.
            return _flagged_icon(name)
        return icon(name)

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
        if not index.isValid():
            return super().flags(index)
        if self._flags is None:  # the same for every cell: asked once per cell painted
            self._flags = super().flags(index) | Qt.ItemFlag.ItemIsDragEnabled
        return self._flags

    def mimeTypes(self) -> list[str]:
        """The drag payload type the folder tree accepts."""
        return [MESSAGES_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """The dragged messages (their UIDs and folder)."""
        uids: list[int] = []
        for index in indexes:
            uid = self.uid_at(index.row())
            if uid is not None and uid not in uids:
                uids.append(uid)
        data = QMimeData()
        data.setData(MESSAGES_MIME, QByteArray(encode_messages(self.folder, uids)))
        return data

    def supportedDragActions(self) -> Qt.DropAction:
        """Dragging moves."""
        return Qt.DropAction.MoveAction

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort: an in-memory list at once in Python (fast for 100,000 rows), a cached
        folder on a worker (SQLite, or the unsealed rows); selected rows stay selected."""
        if (column, order) == (self._sort_column, self._sort_order) and self._order:
            return
        self._sort_column = column
        self._sort_order = order
        if self._source is not None:
            self._rearrange(resort=True)
            return
        self._relayout(lambda: _arrange(*self._arrange_args(True)))
