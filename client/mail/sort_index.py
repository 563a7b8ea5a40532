"""The sealed sort keys of a folder: what sorting on the subject or the correspondent,
and the quick filter, compare, kept so a 100,000-message folder sorts without unsealing
every row, and without sorting it either.

A row's keys are :data:`SortKeys`: ``(uid, sender, recipients, subject)`` with case and
accents folded (:func:`client.mail.text.fold`), the subject as people read it without
its reply and forward prefixes. The
cache stores them in *segments*, sealed like the rows and bound to their folder and
number. Each batch of rows the sync writes adds a small segment; once a folder is large
enough, the sync rewrites its segments as one *ordered* segment that also holds, for each
column, the rows' order ascending and descending (:func:`ordered_segment`). A
reader then unseals one blob and reads the order it needs; the few rows written since
are merged into it (Timsort merges a small run into a sorted one in one pass).

The keys of a UID never change (an IMAP UID names one immutable message while the
folder's UIDVALIDITY holds), so a UID found in two segments has the same keys in both,
and a UID no longer cached is simply skipped. Ties keep the folder's date order (the
newest first), in both directions, like a stable sort of the list as it opens.

Segment format (the plaintext inside the seal), version 1, little-endian::

    b"K1" | count: u32 | ordered: u8 | column byte lengths: 3 x u32
    | count UIDs: u32 each
    | if ordered: 6 orders of count u32 row positions
      (sender ascending, sender descending, recipients asc, desc, subject asc, desc)
    | the three columns (senders, recipients, subjects), UTF-8, keys joined by U+001F

U+001F never occurs in a key (replaced by a space when keyed). A segment of another
version or malformed is ignored: its rows are keyed again from the rows themselves.
"""

from __future__ import annotations

import logging
import struct
import sys
import threading
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence

from client.mail.text import fold, subject_sort_key

__all__ = [
    "MAX_SEGMENTS", "ORDERED_FROM", "SENDER", "RECIPIENTS", "SUBJECT", "FolderKeys",
    "Segment", "SortKeys", "compaction_due", "decode_segment", "encode_segment",
    "key_rows_missing", "ordered_segment", "sort_keys", "sorted_positions",
]

logger = logging.getLogger(__name__)

#: ``(uid, sender, recipients, subject)``, folded: what the sealed columns sort on.
SortKeys = tuple[int, str, str, str]

#: Key columns (positions in a segment; ``SortKeys`` holds them at ``column + 1``).
SENDER, RECIPIENTS, SUBJECT = 0, 1, 2
_COLUMNS = (SENDER, RECIPIENTS, SUBJECT)

#: Folders from this many rows keep an ordered segment (smaller ones sort in no time).
ORDERED_FROM = 1_000
#: Segments of a folder beyond which the sync rewrites them as one.
MAX_SEGMENTS = 16
#: Rows outside the ordered segment merged at each read before the sync rewrites it.
_MERGE_LIMIT = 2_000
#: Strings sorted in one C call (the interpreter lock held) by :func:`sorted_positions`.
_SORT_SLICE = 4_000

_MAGIC = b"K1"
_HEADER = struct.Struct("<2sIB3I")
_KEY_SEP = "\x1f"
_UID_TYPE = "I"
if array(_UID_TYPE).itemsize != 4:  # pragma: no cover - every platform Python runs on
    raise ImportError("the sort index needs 32-bit unsigned array items")


def _clean(key: str) -> str:
    if _KEY_SEP in key:  # a hostile header; never in real mail
        key = key.replace(_KEY_SEP, " ")
    return key


def sort_keys(uid: int, sender: str, recipients: Sequence[str], subject: str) -> SortKeys:
    """The keys of one row: the correspondent column of Sent shows the recipients; the
    subject sorts without its reply prefixes (:func:`client.mail.text.subject_sort_key`)."""
    return (uid, _clean(fold(sender)), _clean(fold(", ".join(recipients))),
            _clean(subject_sort_key(subject)))


def sorted_positions(keys: Sequence[str], descending: bool) -> list[int]:
    """Positions of ``keys`` in ``sorted(keys, reverse=descending)`` order, stable.

    Sorting 100,000 strings is one C call that keeps the interpreter lock for tens of
    milliseconds, stopping the GUI thread as long: slices are sorted one by one, then
    merged two by two. Timsort finds the two sorted runs of a concatenation and merges
    them in one pass, so each call stays short and the lock is let go between them.
    Stable like ``sorted`` (a run's positions all precede the next run's)."""
    by_key = keys.__getitem__
    runs = [sorted(range(start, min(start + _SORT_SLICE, len(keys))), key=by_key,
                   reverse=descending)
            for start in range(0, len(keys), _SORT_SLICE)]
    while len(runs) > 1:
        runs = [sorted(runs[i] + runs[i + 1], key=by_key, reverse=descending)
                if i + 1 < len(runs) else runs[i] for i in range(0, len(runs), 2)]
    return runs[0] if runs else []


def _reversed_ties_kept(ascending: list[int], keys: Sequence[str]) -> list[int]:
    """The descending order from the ascending one, equal keys left in their order."""
    descending: list[int] = []
    end = len(ascending)
    while end > 0:
        start = end - 1
        key = keys[ascending[start]]
        while start > 0 and keys[ascending[start - 1]] == key:
            start -= 1
        descending.extend(ascending[start:end])
        end = start
    return descending


def _keys_of(rows: Sequence[SortKeys], column: int) -> list[str]:
    if column == SENDER:
        return [row[1] for row in rows]
    if column == RECIPIENTS:
        return [row[2] for row in rows]
    return [row[3] for row in rows]


def _u32(values: Iterable[int]) -> bytes:
    packed = array(_UID_TYPE, values)
    if sys.byteorder == "big":  # pragma: no cover - the format is little-endian
        packed.byteswap()
    return packed.tobytes()


def _from_u32(data: bytes | memoryview) -> list[int]:
    unpacked = array(_UID_TYPE)
    unpacked.frombytes(data)
    if sys.byteorder == "big":  # pragma: no cover
        unpacked.byteswap()
    return unpacked.tolist()


def encode_segment(rows: Sequence[SortKeys]) -> bytes:
    """The plaintext of one unordered segment (sealed by the cache)."""
    texts = [_KEY_SEP.join(_keys_of(rows, column)).encode("utf-8") for column in _COLUMNS]
    return b"".join([_HEADER.pack(_MAGIC, len(rows), 0, *(len(t) for t in texts)),
                     _u32(row[0] for row in rows), *texts])


def ordered_segment(order: Sequence[int], segments: Sequence[Segment]) -> tuple[bytes, int]:
    """``(plaintext, rows)`` of one ordered segment: the keys ``segments`` hold for the
    UIDs of ``order`` (newest first, which ties keep), each column's orders with them.

    Built one column at a time, each column's keys dropped from the segments once
    placed: compacting a 100,000-row folder holds one column of Python strings at a
    time, not three plus their copies."""
    held: set[int] = set()
    for segment in segments:
        held.update(segment.uids)
    uids = [uid for uid in order if uid in held]
    row_of = {uid: row for row, uid in enumerate(uids)}
    orders: list[bytes] = []
    texts: list[bytes] = []
    for column in _COLUMNS:
        keys = [""] * len(uids)
        for segment in segments:
            for uid, key in zip(segment.uids, segment.column(column), strict=True):
                row = row_of.get(uid)
                if row is not None:
                    keys[row] = key
            segment.forget(column)
        ascending = sorted_positions(keys, False)
        orders += [_u32(ascending), _u32(_reversed_ties_kept(ascending, keys))]
        del ascending
        texts.append(_KEY_SEP.join(keys).encode("utf-8"))
    return b"".join([_HEADER.pack(_MAGIC, len(uids), 1, *(len(t) for t in texts)),
                     _u32(uids), *orders, *texts]), len(uids)


class Segment:
    """One decoded segment: its UIDs at once, its key columns and orders when asked."""

    def __init__(self, uids: list[int], texts: list[str], orders: memoryview | None
                 ) -> None:
        self.uids = uids
        self._texts = texts
        self._orders = orders
        self._columns: dict[int, list[str]] = {}
        self._lock = threading.Lock()

    @property
    def ordered(self) -> bool:
        """The segment holds each column's orders."""
        return self._orders is not None

    def column(self, column: int) -> list[str]:
        """The keys of ``column``, one per UID (safe from two workers at once: a sort
        and a filter of the same listing)."""
        with self._lock:
            keys = self._columns.get(column)
            if keys is None:
                keys = self._texts[column].split(_KEY_SEP) if self.uids else []
                self._columns[column] = keys
                self._texts[column] = ""  # the split keys replace it
            return keys

    def forget(self, column: int) -> None:
        """Drop ``column``'s keys (compaction is done with them)."""
        self._columns.pop(column, None)
        if self._texts:
            self._texts[column] = ""

    def order(self, column: int, descending: bool) -> list[int]:
        """Row positions in ``column``'s order (an ordered segment only)."""
        if self._orders is None:
            raise ValueError("an unordered segment has no order")
        size = 4 * len(self.uids)
        start = size * (2 * column + int(descending))
        positions = _from_u32(self._orders[start:start + size])
        if positions and max(positions) >= len(self.uids):
            raise ValueError("a segment order names a row it does not hold")
        return positions

    @classmethod
    def of(cls, rows: Sequence[SortKeys]) -> Segment:
        """An unordered segment of rows keyed in memory."""
        segment = cls([row[0] for row in rows], [], None)
        for column in _COLUMNS:
            segment._columns[column] = _keys_of(rows, column)
        return segment


def decode_segment(data: bytes) -> Segment | None:
    """One segment, or None when it is of another version or malformed. The columns
    are split and the orders read only when asked (a sort needs one of six)."""
    if len(data) < _HEADER.size:
        return None
    magic, count, ordered, *lengths = _HEADER.unpack_from(data)
    orders_size = 6 * 4 * count if ordered else 0
    start = _HEADER.size + 4 * count
    if magic != _MAGIC or ordered not in (0, 1) or (
            len(data) != start + orders_size + sum(lengths)):
        return None
    view = memoryview(data)
    texts = []
    offset = start + orders_size
    for length in lengths:
        # As many keys as UIDs: one separator fewer (none at all in an empty segment).
        if count and data.count(_KEY_SEP.encode(), offset, offset + length) != count - 1:
            return None
        try:
            texts.append(str(view[offset:offset + length], "utf-8"))
        except UnicodeDecodeError:
            return None
        offset += length
    return Segment(_from_u32(view[_HEADER.size:start]), texts,
                   view[start:start + orders_size] if ordered else None)


def compaction_due(cached: int, segments: Sequence[tuple[int, bool]]) -> bool:
    """Whether a folder of ``cached`` rows whose stored segments hold ``(rows,
    ordered)`` (in order) should have them rewritten as one (by the sync, which has the
    time): too many, rows missing or gone, or a large folder without its orders."""
    if not cached:
        return bool(segments)
    stored = sum(rows for rows, _ in segments)
    based = bool(segments) and segments[0][1]
    outside = stored - (segments[0][0] if based else 0)
    return (len(segments) > MAX_SEGMENTS
            or stored < cached  # rows cached before their keys were kept
            or stored - cached > cached // 4  # rows gone (or written twice)
            or (cached >= ORDERED_FROM
                and (not based or outside > max(_MERGE_LIMIT, cached // 10))))


class FolderKeys:
    """The sort keys of one folder listing: its UIDs in date order (newest first) and
    the segments that key them."""

    def __init__(self, order: Sequence[int], positions: Mapping[int, int],
                 segments: Sequence[Segment]) -> None:
        self.order = order
        self._positions = positions
        self._segments = list(segments)
        first = self._segments[0] if self._segments else None
        self._base = first if first is not None and first.ordered else None
        self._maps: dict[int, dict[int, str]] = {}
        self._outside: list[int] | None = None

    def _key_map(self, column: int) -> dict[int, str]:
        keys = self._maps.get(column)
        if keys is None:
            keys = {}
            for segment in self._segments:
                keys.update(zip(segment.uids, segment.column(column), strict=True))
            self._maps[column] = keys
        return keys

    def _outside_base(self) -> list[int]:
        """Current UIDs not in the ordered segment, newest first."""
        if self._outside is None:
            base = set(self._base.uids) if self._base is not None else set()
            self._outside = [uid for uid in self.order if uid not in base]
        return self._outside

    def order_by(self, column: int, descending: bool) -> list[int]:
        """The folder's UIDs sorted on ``column``, ties newest first."""
        positions = None
        if self._base is not None and len(self._outside_base()) <= _MERGE_LIMIT:
            try:
                positions = self._base.order(column, descending)
            except ValueError:  # never written so; the keys are sorted instead
                logger.warning("a stored sort order is malformed; sorting the keys")
        if self._base is None or positions is None:
            keys = self._key_map(column)
            uids = [uid for uid in self.order if uid in keys]
            return [uids[i] for i in sorted_positions([keys[uid] for uid in uids],
                                                      descending)]
        base_uids = self._base.uids
        current = self._positions
        ordered = [uid for uid in (base_uids[i] for i in positions) if uid in current]
        outside = self._outside_base()
        if not outside:
            return ordered
        # New mail first: a stable sort keeps it before older rows of the same key.
        keys = self._key_map(column)
        return sorted([uid for uid in outside if uid in keys] + ordered,
                      key=keys.__getitem__, reverse=descending)

    def matching(self, needle: str) -> set[int]:
        """UIDs whose sender or subject key contains ``needle`` (folded; the subject
        without its reply prefixes)."""
        senders, subjects = self._key_map(SENDER), self._key_map(SUBJECT)
        current = self._positions
        return {uid for uid, sender in senders.items()
                if uid in current and (needle in sender or needle in subjects[uid])}


def key_rows_missing(order: Sequence[int], segments: Sequence[Segment],
                     key_rows: Callable[[list[int]], list[SortKeys]]) -> Segment | None:
    """An in-memory segment for the UIDs of ``order`` no segment keys (rows cached
    before the keys were stored), keyed by ``key_rows``; None when none is missing."""
    known: set[int] = set()
    for segment in segments:
        known.update(segment.uids)
    missing = [uid for uid in order if uid not in known]
    return Segment.of(key_rows(missing)) if missing else None
