"""Import of the national extraction into the local index, atomically.

The new index is built in a temporary file beside the current one (same file system),
then moved over it with :func:`os.replace`: readers see the old index or the new one,
never a half-built one, and a failed or cancelled import leaves the old one intact.
While building, durability is off (``journal_mode=OFF``, ``synchronous=OFF``): a crash
only loses the temporary file. Rows go in with ``executemany`` in large batches, into
the table and the FTS5 index in the same pass; the FTS segments are merged at the end.
"""

from __future__ import annotations

import gc
import logging
import operator
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from client.directory.errors import DirectoryImportFailed, ExtractionEmptyError, ImportCancelled
from client.directory.extraction import (
    BadRow,
    ExtractionReader,
    extraction_stamp,
    open_extraction,
)
from client.directory.index import (
    BAL_TIERS,
    SCHEMA,
    SCHEMA_VERSION,
    TIER_SPAN,
    default_index_path,
)
from client.paths import private_dir
from client.sqlite_faults import is_disk_failure

__all__ = [
    "ImportProgress",
    "ImportReport",
    "ProgressCallback",
    "import_extraction",
    "is_cancelled",
]

logger = logging.getLogger(__name__)

_REPLACE_ATTEMPTS = 10

# Parameters: the fields in FIELD_COLUMNS order (bal_type, address, national_id,
# service, civility, family, given, profession code and label, specialty code and
# label, organisation, trade name, L6 delivery line, postal code). Ids follow the file.
_INSERT_ENTRY = (
    "INSERT INTO entry(bal_type, address, national_id, service, civility, family_name,"
    " given_name, profession_code, profession, specialty_code, specialty, organization,"
    " trade_name, postal_code, city) VALUES (?1, trim(?2), trim(?3), ?4, ?5, ?6, ?7,"
    " ?8, ?9, ?10, ?11, iif(?12 = '', ?13, ?12), ?13, ?15,"
    # "69003 LYON" -> "LYON": the L6 line starts with the postal code (5 characters).
    " iif(substr(?14, 6, 1) = ' ', trim(substr(?14, 7)), trim(?14)))"
)
# The same for a batch whose addresses and national ids hold no surrounding space
# (nearly all): each trim() call costs a copy of its text.
_INSERT_CLEAN_ENTRY = _INSERT_ENTRY.replace("trim(?2), trim(?3)", "?2, ?3")
_PICK_IDS = operator.itemgetter(1), operator.itemgetter(2)


@dataclass(frozen=True)
class ImportProgress:
    """Where an import stands: bytes of text read (of ``bytes_total`` when known), rows."""

    bytes_read: int
    bytes_total: int | None
    rows: int

    @property
    def fraction(self) -> float | None:
        """Done fraction in [0, 1], or ``None`` when the size is unknown."""
        if not self.bytes_total:
            return None
        return min(1.0, self.bytes_read / self.bytes_total)


ProgressCallback = Callable[[ImportProgress], None]


@dataclass(frozen=True)
class ImportReport:
    """The outcome of an import: rows indexed, rows skipped (first ones by line number)."""

    path: Path
    source: str
    rows: int
    bad_rows_count: int
    bad_rows: list[BadRow] = field(default_factory=list)
    seconds: float = 0.0
    extraction_date: str = ""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping for ``directory import --json``."""
        return {
            "index": str(self.path),
            "source": self.source,
            "rows": self.rows,
            "bad_rows_count": self.bad_rows_count,
            "bad_rows": [{"line": b.line, "reason": b.reason} for b in self.bad_rows],
            "seconds": round(self.seconds, 3),
            "extraction_date": self.extraction_date,
        }


def import_extraction(
    source: Path,
    index_path: Path | None = None,
    *,
    progress: ProgressCallback | None = None,
    cancel: object = None,
    before_replace: Callable[[], None] | None = None,
) -> ImportReport:
    """Import an extraction (ZIP or .txt) and replace the local index with it.

    Args:
        source: the downloaded ``Extraction_Correspondance_MSSante`` ZIP or text file.
        index_path: the index to replace (default: :func:`default_index_path`).
        progress: called every few thousand rows (from this thread) with an
            :class:`ImportProgress`; an exception it raises aborts the import.
        cancel: a ``threading.Event``, a token with a ``cancelled`` attribute, or a
            callable; raise it (from any thread) to stop the import.
        before_replace: called just before the new index takes the old one's place:
            readers close their connection there (Windows refuses to replace an open
            file; they reopen on their next query).

    Raises:
        ExtractionHeaderError: the header lacks required columns (named).
        ExtractionEmptyError: no header, or not one valid row.
        ExtractionError: the ZIP is damaged or holds no text file.
        ImportCancelled: ``cancel`` was set.
        OSError: the source cannot be read or the index cannot be written.
    In every failure the previous index is left as it was.
    """
    started = time.monotonic()
    target = Path(index_path) if index_path is not None else default_index_path()
    private_dir(target.parent)
    handle, temp_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".importing", dir=target.parent
    )
    os.close(handle)
    temp_path = Path(temp_name)
    try:
        with open_extraction(Path(source)) as reader:
            reader.read_header()
            rows = _build(temp_path, reader, progress, cancel)
            if rows == 0:
                raise ExtractionEmptyError(
                    reader.name,
                    f"no valid row ({reader.bad_rows_count} rows skipped)",
                )
            stamp = extraction_stamp(reader.name) or extraction_stamp(Path(source).name)
            extraction_date = stamp.isoformat(timespec="minutes") if stamp else ""
            _write_meta(temp_path, {
                "rows": str(rows),
                "bad_rows": str(reader.bad_rows_count),
                "source": reader.name,
                "extraction_date": extraction_date,
                "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            })
        _fsync(temp_path)
        _replace(temp_path, target, before_replace)
    except sqlite3.OperationalError as exc:
        temp_path.unlink(missing_ok=True)
        if is_disk_failure(exc):
            # The one boundary where SQLite writes the index: a full disk becomes a
            # directory error the CLI and the GUI can word (the old index is untouched).
            raise DirectoryImportFailed(target, str(exc)) from exc
        raise
    except BaseException:
        temp_path.unlink(missing_ok=True)
        raise
    report = ImportReport(
        path=target,
        source=reader.name,
        rows=rows,
        bad_rows_count=reader.bad_rows_count,
        bad_rows=list(reader.bad_rows),
        seconds=time.monotonic() - started,
        extraction_date=extraction_date,
    )
    logger.info("directory index: %d rows from %s (%d skipped) in %.1f s",
                rows, reader.name, reader.bad_rows_count, report.seconds)
    return report


def _build(
    path: Path,
    reader: ExtractionReader,
    progress: ProgressCallback | None,
    cancel: object,
) -> int:
    """Fill the database at ``path`` from ``reader``; return the number of rows."""
    started = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    # The rows are short-lived tuples and lists that form no reference cycle: the
    # cycle collector would only walk each batch again, a million rows over.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for pragma in (
            "journal_mode = OFF", "synchronous = OFF", "locking_mode = EXCLUSIVE",
            "temp_store = MEMORY", "cache_size = -65536", "page_size = 8192",
        ):
            conn.execute(f"PRAGMA {pragma}")
        conn.executescript(SCHEMA)
        conn.execute("BEGIN")
        rows = 0
        # Per-row work stays in C: the reader splits a block of lines at a time and
        # picks the fields with itemgetter; the statement trims, chooses and derives.
        for batch in reader.batches():
            conn.executemany(
                _INSERT_ENTRY if _padded_ids(batch) else _INSERT_CLEAN_ENTRY, batch
            )
            rows += len(batch)
            _report(reader.bytes_read, reader.size, rows, progress, cancel)
        _report(reader.bytes_read, reader.size, rows, progress, cancel)
        phases = [("rows", time.perf_counter())]
        _index_text(conn)
        phases.append(("fts", time.perf_counter()))
        _report(reader.bytes_read, reader.size, rows, progress, cancel)
        _index_terms(conn)
        phases.append(("terms", time.perf_counter()))
        logger.debug("directory build phases: %s", ", ".join(
            f"{name} {end - start:.2f}s" for (_, start), (name, end) in zip(
                [("start", started)] + phases[:-1], phases, strict=True)))
        conn.execute(
            "INSERT INTO meta(key, value) VALUES('schema_version', ?)", (SCHEMA_VERSION,)
        )
        conn.execute("COMMIT")
        return rows
    finally:
        if collecting:
            gc.enable()
        conn.close()


def _padded_ids(batch: list[tuple[str, ...]]) -> bool:
    """Whether an address or a national id of ``batch`` starts or ends with a space."""
    for pick in _PICK_IDS:
        # One join and four searches in C per batch instead of two trim() calls per row.
        text = "\n".join(map(pick, batch))
        if text.startswith(" ") or text.endswith(" ") or " \n" in text or "\n " in text:
            return True
    return False


def _index_terms(conn: sqlite3.Connection) -> None:
    """Copy the FTS5 vocabulary (term, column, documents) into the ``term`` table.

    Search expands a typed prefix into the few full terms it stands for, so that FTS5
    iterates their doclists lazily and stops at ``LIMIT`` instead of materialising a
    merged prefix doclist; and it looks up whether a word is a whole name.
    """
    conn.execute("CREATE VIRTUAL TABLE temp.vocabulary USING fts5vocab(main, entry_fts, col)")
    try:
        conn.execute("INSERT INTO term(term, col, docs) SELECT term, col, doc FROM vocabulary")
    finally:
        conn.execute("DROP TABLE temp.vocabulary")


# The address as indexed: the operator suffix ".mssante.fr" is on every address
# (indexing it would only add two giant doclists), and the digits that end the local
# part are dropped: local parts such as "jean.martin2" would otherwise add thousands of
# "martin2"-like terms that make every prefix expand into too many terms. rtrim() does
# it in one pass, where turning every digit into a space took a GLOB pass and ten
# replace() calls (a copy of the address apiece) for most rows; the rare digits
# elsewhere ("ch13-lyon") stay in their word. National ids are not indexed either
# (a million unique terms); search finds them with an exact comparison.
_ADDRESS_TEXT = (
    "rtrim(substr(address, 1, instr(address, '@') - 1), '0123456789')"
    " || replace(substr(address, instr(address, '@')), '.mssante.fr', '')"
)

_FILL_FTS = (
    "INSERT INTO entry_fts(rowid, name, organization, place, work, ident) "  # noqa: S608
    "SELECT ? + id, family_name || ' ' || given_name, "
    "organization || ' ' || iif(trade_name = organization COLLATE NOCASE, '', trade_name)"
    " || ' ' || service, "
    "city || ' ' || postal_code, profession || ' ' || specialty, "
    f"{_ADDRESS_TEXT} FROM entry WHERE bal_type = ? ORDER BY id"
)


def _index_text(conn: sqlite3.Connection) -> None:
    """Fill the FTS5 index from the entry table, in row id order.

    The FTS row id is ``tier * TIER_SPAN + entry id``: personal mailboxes first. FTS5
    flushes its pending terms whenever a row id is not larger than the previous one,
    so the table is read back one BAL type at a time, in id order: ids only grow. A 64 MB term
    hash (instead of 1 MB) keeps the segment count low, and automatic merging is off.
    """
    conn.execute("INSERT INTO entry_fts(entry_fts, rank) VALUES('automerge', 0)")
    conn.execute("INSERT INTO entry_fts(entry_fts, rank) VALUES('hashsize', ?)", (64 << 20,))
    for bal_type, tier in sorted(BAL_TIERS.items(), key=lambda item: item[1]):
        conn.execute(_FILL_FTS, (tier * TIER_SPAN, bal_type))


def is_cancelled(cancel: object) -> bool:
    """Whether a cancellation flag is raised: an Event (``is_set()``), a token with a
    ``cancelled`` attribute (the UI's CancelToken), or a callable returning a bool."""
    if cancel is None:
        return False
    is_set = getattr(cancel, "is_set", None)
    if callable(is_set):
        return bool(is_set())
    if hasattr(cancel, "cancelled"):
        return bool(cancel.cancelled)
    if callable(cancel):
        return bool(cancel())
    raise TypeError(f"not a cancellation flag: {cancel!r}")


def _report(
    bytes_read: int,
    bytes_total: int | None,
    rows: int,
    progress: ProgressCallback | None,
    cancel: object,
) -> None:
    if is_cancelled(cancel):
        raise ImportCancelled(rows)
    if progress is not None:
        progress(ImportProgress(bytes_read, bytes_total, rows))


def _write_meta(path: Path, values: dict[str, str]) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.executemany(
            "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", list(values.items())
        )
    finally:
        conn.close()


def _replace(temp: Path, target: Path, before: Callable[[], None] | None) -> None:
    """Move the new index over the old one, retrying while a reader holds it (Windows)."""
    for attempt in range(_REPLACE_ATTEMPTS):
        if before is not None:
            before()
        try:
            os.replace(temp, target)
            return
        except PermissionError:
            if attempt == _REPLACE_ATTEMPTS - 1:
                raise
            time.sleep(0.2)


def _fsync(path: Path) -> None:
    """Flush the finished index to disk before it replaces the current one."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
