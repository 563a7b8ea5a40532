"""Reading an ``Extraction_Correspondance_MSSante`` file: ZIP or text, streamed.

The published file is UTF-8 (seen with and without a byte order mark, with CRLF or LF
line ends; a Windows-1252 copy is recognised by its header and read as such), one
header line, ``|``-separated fields. Columns are found by header
name; a header lacking required columns is refused, naming them. Rows that cannot be
read (wrong field count, NUL byte, invalid UTF-8, no address, unknown BAL type) are
skipped and reported by line number; the reader holds one block of about 1 MB at a time.
"""

from __future__ import annotations

import contextlib
import logging
import operator
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO

from client.directory.columns import BAL_TYPES, FIELD_COLUMNS, SEPARATOR
from client.directory.errors import (
    ExtractionEmptyError,
    ExtractionError,
    ExtractionHeaderError,
)

__all__ = [
    "BadRow",
    "ExtractionReader",
    "MAX_BAD_ROWS_KEPT",
    "extraction_stamp",
    "open_extraction",
]

logger = logging.getLogger(__name__)

MAX_BAD_ROWS_KEPT = 1000  # line numbers kept for the report; all are counted

_BOM = b"\xef\xbb\xbf"
_KNOWN_TYPES = frozenset(BAL_TYPES)
_STAMP = re.compile(r"(\d{12})(?:\.\w+)?$")


@dataclass(frozen=True)
class BadRow:
    """A skipped row: its 1-based line number in the file and why it was skipped."""

    line: int
    reason: str


def _normalise_name(name: str) -> str:
    """Header names compared without case, accents, curly quotes or extra spaces."""
    name = name.replace("\u2019", "'").replace("\ufeff", "")
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.split())


def extraction_stamp(name: str) -> datetime | None:
    """The generation time in ``..._AAAAMMJJhhmm.txt`` / ``.zip``, if the name has one."""
    match = _STAMP.search(Path(name).name)
    if not match:
        return None
    try:
        return datetime.strptime(match.group(1), "%Y%m%d%H%M")
    except ValueError:
        return None


@contextlib.contextmanager
def open_extraction(path: Path) -> Iterator[ExtractionReader]:
    """Open a ZIP or text extraction at ``path`` and yield its reader.

    Raises:
        ExtractionError: the ZIP holds no text file, or is damaged.
        OSError: the file cannot be read.
    """
    path = Path(path)
    with path.open("rb") as raw:
        if not zipfile.is_zipfile(raw):
            raw.seek(0)
            size = path.stat().st_size
            yield ExtractionReader(raw, name=path.name, size=size)
            return
        raw.seek(0)
        try:
            archive = zipfile.ZipFile(raw)
        except (zipfile.BadZipFile, NotImplementedError, ValueError, EOFError, OSError) as exc:
            # NotImplementedError: a central directory claiming a newer ZIP version;
            # ValueError: a UTF-8 flagged name that is not UTF-8.
            raise ExtractionError(path.name, f"damaged ZIP archive ({exc})") from exc
        with archive:
            member = _pick_member(archive, path.name)
            try:
                opened = archive.open(member)
            except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError,
                    ValueError, OSError) as exc:
                # Encrypted or unsupported members (RuntimeError, NotImplementedError), a
                # local header offset pointing before the file (OSError EINVAL on seek).
                raise ExtractionError(
                    path.name, f"damaged or unsupported ZIP archive ({exc})"
                ) from exc
            try:
                with opened as stream:
                    yield ExtractionReader(
                        stream, name=member.filename, size=member.file_size
                    )
            except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
                # A truncated download shows up as a CRC or end-of-stream error midway.
                raise ExtractionError(path.name, f"damaged ZIP archive ({exc})") from exc


def _pick_member(archive: zipfile.ZipFile, source: str) -> zipfile.ZipInfo:
    texts = [
        info for info in archive.infolist()
        if not info.is_dir() and info.filename.lower().endswith(".txt")
    ]
    preferred = [i for i in texts if "extraction_correspondance" in i.filename.lower()]
    chosen = preferred or texts
    if not chosen:
        raise ExtractionError(source, "the ZIP archive holds no .txt extraction")
    if len(chosen) > 1:
        logger.warning("%s holds %d text files; reading %s", source, len(chosen),
                       chosen[0].filename)
    return chosen[0]


@dataclass
class ExtractionReader:
    """Streams the rows of one extraction, with its columns mapped by header name.

    Attributes:
        name: the file name (for messages and the index metadata).
        size: bytes of text to read (for progress), when known.
        bytes_read: bytes consumed so far.
        bad_rows_count: rows skipped so far; ``bad_rows`` keeps the first
            :data:`MAX_BAD_ROWS_KEPT` of them.
    """

    stream: IO[bytes]
    name: str
    size: int | None = None
    bytes_read: int = 0
    line_number: int = 0
    bad_rows_count: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)
    header: tuple[str, ...] = ()
    encoding: str = "utf-8"
    _indexes: tuple[int, ...] = ()

    def read_header(self, wanted: tuple[str, ...] = tuple(FIELD_COLUMNS.values())) -> None:
        """Read the header line and map ``wanted`` column names to field positions.

        Raises:
            ExtractionEmptyError: the file is empty or the header is not text.
            ExtractionHeaderError: some ``wanted`` columns are absent (named).
        """
        first = self.stream.readline()
        self.bytes_read += len(first)
        self.line_number = 1
        if not first.strip():
            raise ExtractionEmptyError(self.name, "the file is empty (no header line)")
        first = first.removeprefix(_BOM).rstrip(b"\r\n")
        if b"\x00" in first:
            raise ExtractionEmptyError(self.name, "the header line holds NUL bytes: not a "
                                                  "text extraction")
        try:
            text = first.decode("utf-8")
        except UnicodeDecodeError:
            # The extraction is specified as UTF-8; a file re-saved by a spreadsheet on
            # Windows comes back as Windows-1252, which the accented header reveals.
            text = first.decode("cp1252", errors="replace")
            self.encoding = "cp1252"
            logger.warning("%s is not UTF-8; reading it as Windows-1252", self.name)
        self.header = tuple(name.strip() for name in text.split(SEPARATOR))
        positions: dict[str, int] = {}
        for position, name in enumerate(self.header):
            positions.setdefault(_normalise_name(name), position)
        missing = tuple(w for w in wanted if _normalise_name(w) not in positions)
        if missing:
            raise ExtractionHeaderError(self.name, missing)
        self._indexes = tuple(positions[_normalise_name(w)] for w in wanted)

    def _bad(self, reason: str) -> None:
        self.bad_rows_count += 1
        if len(self.bad_rows) < MAX_BAD_ROWS_KEPT:
            self.bad_rows.append(BadRow(self.line_number, reason))

    def rows(self) -> Iterator[tuple[str, ...]]:
        """Yield, for each valid row, the wanted fields in the order given to the header."""
        for batch in self.batches():
            yield from batch

    def batches(self, block_size: int = 1 << 20) -> Iterator[list[tuple[str, ...]]]:
        """Yield lists of valid rows (wanted fields, in the order given to the header).

        The text is read and decoded a block at a time (about ``block_size`` bytes, cut
        at a line end); a block that is not valid UTF-8 or holds NUL bytes is redone
        line by line to name the bad rows. The first two wanted columns must be the BAL
        type and the address (validated here); :meth:`read_header` must come first.
        """
        if not self._indexes:
            raise ExtractionError(self.name, "read_header() must come before rows()")
        pending = b""
        while True:
            chunk = self.stream.read(block_size)
            if not chunk:
                break
            chunk = pending + chunk
            cut = chunk.rfind(b"\n") + 1
            if cut == 0:
                pending = chunk
                continue
            pending = chunk[cut:]
            self.bytes_read += cut
            yield self._block(chunk[:cut])
        if pending:
            self.bytes_read += len(pending)
            yield self._block(pending + b"\n")

    def _block(self, block: bytes) -> list[tuple[str, ...]]:
        """The valid rows of whole lines ``block`` (ending with a line feed)."""
        # Byte searches (memchr) are cheaper than searching the decoded text.
        if b"\x00" in block:
            return self._slow_block(block)
        try:
            text = block.decode(self.encoding)
        except UnicodeDecodeError:
            return self._slow_block(block)
        if b"\r" in block:
            text = text.replace("\r\n", "\n")
        return self._lines(text.split("\n")[:-1])

    def _slow_block(self, block: bytes) -> list[tuple[str, ...]]:
        valid: list[tuple[str, ...]] = []
        for raw in block.split(b"\n")[:-1]:
            line = raw.rstrip(b"\r")
            if b"\x00" in line:
                self.line_number += 1
                self._bad("NUL byte in the row")
                continue
            try:
                text = line.decode(self.encoding)
            except UnicodeDecodeError:
                self.line_number += 1
                self._bad(f"not valid {self.encoding.upper()}")
                continue
            valid.extend(self._lines([text]))
        return valid

    def _lines(self, lines: list[str]) -> list[tuple[str, ...]]:
        # Local names: this loop runs a million times per import.
        expected = len(self.header)
        indexes = self._indexes
        bal_at, address_at = indexes[0], indexes[1]
        known_types = _KNOWN_TYPES
        pick = operator.itemgetter(*indexes)
        valid: list[tuple[str, ...]] = []
        append = valid.append
        number = self.line_number
        for line in lines:
            number += 1
            fields = line.split(SEPARATOR)
            if len(fields) != expected:
                if line.strip():  # blank lines (typically a trailing one) carry nothing
                    self.line_number = number
                    self._bad(f"{len(fields)} fields, expected {expected}")
                continue
            if fields[bal_at] not in known_types:
                bal_type = fields[bal_at].strip().upper()
                if bal_type not in known_types:
                    self.line_number = number
                    self._bad(f"unknown BAL type {fields[bal_at]!r}")
                    continue
                fields[bal_at] = bal_type
            if "@" not in fields[address_at]:
                self.line_number = number
                self._bad("no mailbox address")
                continue
            append(pick(fields))
        self.line_number = number
        return valid
