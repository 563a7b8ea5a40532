"""The local directory index: SQLite with FTS5, searched as the user types.

One file, ``directory.sqlite3`` under ``app_paths().data``, replaced atomically by each
import (:mod:`client.directory.importer`). ``entry`` holds the display fields;
``entry_fts`` is a contentless FTS5 table (``unicode61 remove_diacritics 2`` folds case
and accents, a prefix index makes 2-letter prefixes cheap) over five columns: the
names, the organisation (with service and trade name), the place (city, postal code),
the work (profession and specialty labels) and the identifiers (address, national id).

Ranking without sorting: FTS row ids are ``tier * TIER_SPAN + entry id`` with the BAL
type tier (PER, then CAB, ORG, APP), and FTS5 returns matches in row id order, so
``LIMIT`` stops early. Exact name
matches come first through tiered queries: every word a whole name word, then at least
one, then prefixes anywhere. Several words narrow (AND): "card lyon" finds
cardiologists in Lyon.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from client.directory.errors import DirectoryError, DirectoryNotImported
from client.paths import app_paths

__all__ = [
    "BAL_TIERS",
    "DirectoryEntry",
    "DirectoryIndex",
    "DirectoryInfo",
    "INDEX_FILENAME",
    "SCHEMA_VERSION",
    "default_index_path",
    "fold",
    "indexed_address_words",
    "query_words",
]

logger = logging.getLogger(__name__)

INDEX_FILENAME = "directory.sqlite3"
SCHEMA_VERSION = "3"
MAX_QUERY_WORDS = 6

# Row id = tier * TIER_SPAN + sequence: personal mailboxes first, then practices,
# organisations and applications: a person is what a sender looks for most often.
BAL_TIERS: dict[str, int] = {"PER": 0, "CAB": 1, "ORG": 2, "APP": 3}
TIER_SPAN = 1 << 40

ENTRY_COLUMNS: tuple[str, ...] = (
    "address", "bal_type", "family_name", "given_name", "civility", "profession_code",
    "profession", "specialty_code", "specialty", "national_id", "organization", "service",
    "postal_code", "city", "trade_name",
)

SCHEMA = f"""
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entry(
    id INTEGER PRIMARY KEY,
    {", ".join(f"{name} TEXT NOT NULL" for name in ENTRY_COLUMNS)}
);
CREATE VIRTUAL TABLE entry_fts USING fts5(
    name, organization, place, work, ident,
    content='', detail=column, columnsize=0,
    tokenize="unicode61 remove_diacritics 2", prefix='2'
);
CREATE TABLE term(
    term TEXT NOT NULL, col TEXT NOT NULL, docs INTEGER NOT NULL,
    PRIMARY KEY(term, col)
) WITHOUT ROWID;
"""

# Words are runs of letters and digits; everything else separates them, as the
# unicode61 tokenizer does. This also keeps FTS5 query syntax out of user input.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def default_index_path() -> Path:
    """Where the index lives: ``app_paths().data / directory.sqlite3``."""
    return app_paths().data / INDEX_FILENAME


def fold(text: str) -> str:
    """Lower case without diacritics, as FTS5's ``unicode61 remove_diacritics 2`` folds."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def query_words(text: str, limit: int | None = MAX_QUERY_WORDS) -> list[str]:
    """The distinct folded words of ``text``, at most ``limit`` of them."""
    words: list[str] = []
    for word in _WORD.findall(fold(text)):
        if word not in words:
            words.append(word)
    return words if limit is None else words[:limit]


@dataclass(frozen=True)
class DirectoryEntry:
    """One mailbox of the national directory (``directory search --json`` fields, and a few)."""

    address: str
    bal_type: str
    family_name: str
    given_name: str
    profession: str
    specialty: str
    national_id: str
    organization: str
    postal_code: str
    city: str
    service: str = ""
    civility: str = ""
    profession_code: str = ""
    specialty_code: str = ""
    trade_name: str = ""

    @property
    def display_name(self) -> str:
        """A label for a recipient list: the person, else the service or organisation."""
        if self.family_name or self.given_name:
            return " ".join(p for p in (self.given_name, self.family_name) if p)
        return " - ".join(p for p in (self.service, self.organization) if p) or self.address

    @property
    def organization_name(self) -> str:
        """Where the person works, as a reader names it: the organisation, else its trade
        name, else the service."""
        return self.organization or self.trade_name or self.service

    def to_dict(self) -> dict[str, str]:
        """The entry as a JSON-ready mapping (CLI ``--json``)."""
        return asdict(self)


@dataclass(frozen=True)
class DirectoryInfo:
    """What the index holds: rows, source file, extraction stamp, import time."""

    path: Path
    rows: int
    source: str
    extraction_date: str
    imported_at: str
    bad_rows: int


_SELECT = f"SELECT {', '.join('e.' + c for c in ENTRY_COLUMNS)} FROM entry AS e"  # noqa: S608


def _entry(row: tuple[Any, ...]) -> DirectoryEntry:
    values = dict(zip(ENTRY_COLUMNS, row, strict=True))
    return DirectoryEntry(**values)


# FTS row id = tier * TIER_SPAN + entry id (see importer._index_text).
_MATCH_SQL = (
    f"{_SELECT} JOIN (SELECT rowid AS fid FROM entry_fts "  # noqa: S608 - constants
    "WHERE entry_fts MATCH ? AND rowid >= ? AND rowid < ? LIMIT ?) AS m "
    f"ON e.id = m.fid % {TIER_SPAN} ORDER BY m.fid"
)
_ALL_IDS = (0, len(BAL_TIERS) * TIER_SPAN)

# Search filters (the directory window's fields) -> the FTS5 column they narrow.
FILTER_COLUMNS: dict[str, str] = {
    "profession": "work",
    "specialty": "work",
    "postal_code": "place",
    "city": "place",
    "organization": "organization",
}
_MAX_EXPANSION = 16
_NO_DIGITS = str.maketrans("0123456789", " " * 10)


def indexed_address_words(address: str) -> list[str]:
    """The words :meth:`DirectoryIndex.lookup` asks the ``ident`` column for.

    The index holds the address without ".mssante.fr" and without the digits that end
    its local part (importer._ADDRESS_TEXT); indexes built before that dropped every
    digit. The words both forms share find the address in either index; an address
    whose every word holds a digit ("a1@b2") falls back to the current form.
    """
    folded = address.strip().casefold()
    local, at, domain = folded.partition("@")
    current = query_words(
        local.rstrip("0123456789") + at + domain.replace(".mssante.fr", ""), limit=None
    )
    every_digit = set(query_words(folded.replace(".mssante.fr", "").translate(_NO_DIGITS),
                                  limit=None))
    return [w for w in current if w in every_digit] or current


def _unique(entries: list[DirectoryEntry], limit: int) -> list[DirectoryEntry]:
    """The first entry of each address, at most ``limit``."""
    seen: dict[str, DirectoryEntry] = {}
    for entry in entries:
        seen.setdefault(entry.address.casefold(), entry)
        if len(seen) >= limit:
            break
    return list(seen.values())


def _next_after(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix``."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


class _Search:
    """One search: plans the FTS5 query from the vocabulary, runs it, ranks the rows."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        words: list[str],
        limit: int,
        filters: Mapping[str, str] | None = None,
    ) -> None:
        self.conn = conn
        self.limit = limit
        self.filters: list[tuple[str, str]] = []
        self.ids = _ALL_IDS
        self.bal_type = ""
        for key, value in (filters or {}).items():
            if not value.strip():
                continue
            if key == "bal_type":
                tier = BAL_TIERS.get(value.strip().upper())
                if tier is None:
                    raise ValueError(f"unknown BAL type {value!r}; use PER, CAB, ORG or APP")
                # Row ids are tiered by BAL type: the filter is an id range.
                self.ids = (tier * TIER_SPAN, (tier + 1) * TIER_SPAN)
                self.bal_type = value.strip().upper()
            elif key in FILTER_COLUMNS:
                self.filters.extend(
                    (FILTER_COLUMNS[key], w) for w in query_words(value) if len(w) > 1
                )
            else:
                raise ValueError(f"unknown search filter {key!r}")
        # One-letter words would need a huge merged doclist: they filter the results
        # of the other words instead (autocomplete never sends them alone).
        self.letters = [w for w in words if len(w) == 1]
        self.words = [w for w in words if len(w) > 1]

    def _expression(self, word: str) -> str | None:
        """FTS5 expression for a typed word, or ``None`` when no term starts with it."""
        terms = [
            row[0] for row in self.conn.execute(
                "SELECT DISTINCT term FROM term WHERE term >= ? AND term < ? LIMIT ?",
                (word, _next_after(word), _MAX_EXPANSION + 1),
            )
        ]
        if not terms:
            return None
        if len(word) <= 2 or len(terms) > _MAX_EXPANSION:
            # The 2-letter prefix index answers lazily; longer prefixes with many
            # completions ("mar") merge their doclists first, which stays within a few
            # milliseconds (a 3-letter index cost the import about 5% of its work).
            return _quote(word) + "*"
        # Explicit terms: FTS5 walks their doclists lazily and stops at LIMIT, where a
        # prefix without a prefix index would first merge every matching doclist.
        return "(" + " OR ".join(_quote(t) for t in terms) + ")"

    def _name_words(self) -> set[str]:
        """Words that are whole name terms, and mostly names (see :meth:`run`)."""
        marks = ", ".join("?" * len(self.words))
        docs: dict[str, dict[str, int]] = {}
        for term, column, count in self.conn.execute(
            f"SELECT term, col, docs FROM term WHERE term IN ({marks})",  # noqa: S608
            self.words,
        ):
            docs.setdefault(term, {})[column] = count
        # FTS5 checks a column filter by walking the term's whole doclist: a word that
        # is rarely a name but often a city or an article ("la", "paris") would make the
        # name query slow and sparse; those are ranked from the general query instead.
        return {
            word for word, columns in docs.items()
            if columns.get("name", 0) * 4 >= sum(columns.values())
        }

    def _match(self, match: str, limit: int) -> list[DirectoryEntry]:
        return [
            _entry(row)
            for row in self.conn.execute(_MATCH_SQL, (match, *self.ids, limit))
        ]

    def run(self) -> list[DirectoryEntry]:
        if not self.words and not self.filters:
            if self.ids != _ALL_IDS:
                return self._first_of_type()
            return []  # single letters alone would match nearly everything
        restrictions: list[str] = []
        for column, word in self.filters:
            expression = self._expression(word)
            if expression is None:
                return []
            restrictions.append(f"{column} : {expression}")
        expressions: dict[str, str] = {}
        for word in self.words:
            expression = self._expression(word)
            if expression is None:
                return []  # a word nothing starts with: no need to ask FTS5
            expressions[word] = expression
        if not expressions:
            # Filters alone: one query, id order (BAL type tiers) is the ranking.
            return _unique(self._filter(self._match(" AND ".join(restrictions),
                                                    self.limit + 8)), self.limit)
        for index, restriction in enumerate(restrictions):
            expressions[f"\x00filter{index}"] = restriction
        names = self._name_words()
        # Letters filter afterwards, so they need a wider window; duplicates need a few.
        spare = 8 + 3 * len(self.letters) * self.limit
        ranked: list[DirectoryEntry] = []
        if names:
            # Exact name matches first, even when prefix matches come earlier by id.
            exact = " AND ".join(
                "name:" + _quote(w) if w in names else e for w, e in expressions.items()
            )
            ranked.extend(self._filter(self._match(exact, self.limit + spare)))
        found = _unique(ranked, self.limit)
        if len(found) < self.limit:
            candidates = self._match(
                " AND ".join(expressions.values()), self.limit + len(ranked) + spare
            )
            ranked.extend(self._filter(candidates))
        return _unique(ranked, self.limit)

    def _first_of_type(self) -> list[DirectoryEntry]:
        rows = self.conn.execute(
            f"{_SELECT} WHERE e.bal_type = ? ORDER BY e.id LIMIT ?",
            (self.bal_type, self.limit),
        ).fetchall()
        return _unique([_entry(row) for row in rows], self.limit)

    def _filter(self, entries: list[DirectoryEntry]) -> list[DirectoryEntry]:
        if not self.letters:
            return entries
        return [e for e in entries if self._has_letters(e)]

    def _has_letters(self, entry: DirectoryEntry) -> bool:
        tokens = query_words(" ".join((
            entry.family_name, entry.given_name, entry.organization, entry.service,
            entry.city, entry.profession, entry.specialty, entry.address,
        )), limit=None)
        return all(any(t.startswith(letter) for t in tokens) for letter in self.letters)


def _quote(word: str) -> str:
    # Words hold letters and digits only (see _WORD); quoting keeps words such as
    # AND, OR, NOT or NEAR from being read as operators.
    return f'"{word}"'


class DirectoryIndex:
    """Read access to the local directory index; safe to share between threads.

    The index is opened read-only and reopened when an import has replaced the file.

    Raises (from every query):
        DirectoryNotImported: there is no index file yet.
        DirectoryError: the file is not a directory index (damaged or foreign).
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_index_path()
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._identity: tuple[int, int, int] | None = None

    def __enter__(self) -> DirectoryIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the database connection (reopened on the next query)."""
        with self._lock:
            self._close_locked()

    def _close_locked(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
            self._identity = None

    def exists(self) -> bool:
        """Whether an index has been imported."""
        return self.path.is_file()

    def _connection(self) -> sqlite3.Connection:
        """The open connection, reopened if an import replaced the file (lock held)."""
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            self._close_locked()
            raise DirectoryNotImported(self.path) from None
        identity = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if self._conn is not None and identity == self._identity:
            return self._conn
        self._close_locked()
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        # Searches jump across the FTS b-trees: map the file (no read() per page) and
        # keep a larger page cache than the 2 MB default.
        conn.execute("PRAGMA mmap_size = 1073741824")
        conn.execute("PRAGMA cache_size = -32768")
        try:
            version = conn.execute(
                "SELECT value FROM meta WHERE key = 'schema_version'"
            ).fetchone()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise DirectoryError(
                f"{self.path} is not a directory index ({exc}); import the extraction again"
            ) from exc
        if version is None or version[0] != SCHEMA_VERSION:
            conn.close()
            raise DirectoryError(
                f"{self.path} was written by another version; import the extraction again"
            )
        self._conn = conn
        self._identity = identity
        return conn

    def search(
        self, text: str, limit: int = 20, filters: Mapping[str, str] | None = None
    ) -> list[DirectoryEntry]:
        """Mailboxes matching every word of ``text`` (prefixes, any case or accent).

        ``filters`` narrows by field: ``profession``, ``specialty``, ``postal_code``,
        ``city``, ``organization`` (word prefixes in that field) and ``bal_type``
        (PER, CAB, ORG, APP); with filters, ``text`` may be empty.

        Exact name matches come first, then personal mailboxes before practice,
        organisational and applicative ones. A mailbox listed twice in the extraction
        (two exercise situations) is returned once. A word of 9 digits or more is
        looked up as a national id (RPPS or ADELI, with or without its type digit).
        """
        words = query_words(text)
        if (not words and not filters) or limit <= 0:
            return []
        with self._lock:
            conn = self._connection()
            ids = [w for w in words if w.isdigit() and len(w) >= 9]
            if ids:
                return self._by_national_id(conn, ids, limit)
            return _Search(conn, words, limit, filters).run()

    def _by_national_id(
        self, conn: sqlite3.Connection, ids: list[str], limit: int
    ) -> list[DirectoryEntry]:
        # Not in the FTS index (a million unique terms): a scan, for a rare query.
        wanted = [variant for i in ids for variant in (i, "8" + i, "0" + i)]
        marks = ", ".join("?" * len(wanted))
        rows = conn.execute(
            f"{_SELECT} WHERE e.national_id IN ({marks}) ORDER BY e.id LIMIT ?",
            (*wanted, limit),
        ).fetchall()
        return _unique([_entry(row) for row in rows], limit)

    def autocomplete(self, text: str, limit: int = 8) -> list[DirectoryEntry]:
        """Suggestions for the compose window's recipient field (same records as search).

        Returns nothing for fewer than two characters, where every suggestion would be
        noise.
        """
        if len(text.strip()) < 2:
            return []
        return self.search(text, limit)

    def lookup(self, address: str) -> DirectoryEntry | None:
        """The directory entry of an exact address (any case), or ``None``."""
        address = address.strip()
        words = indexed_address_words(address)
        if "@" not in address or not words:
            return None
        match = " AND ".join("ident:" + _quote(w) for w in words)
        with self._lock:
            conn = self._connection()
            # Every row whose address has these words, then the exact comparison; the
            # candidates are few (an address's words rarely recur all together).
            row = conn.execute(
                f"{_SELECT} WHERE e.id IN (SELECT rowid % {TIER_SPAN} FROM entry_fts "  # noqa: S608
                "WHERE entry_fts MATCH ?) AND e.address = ? COLLATE NOCASE "
                "ORDER BY e.id LIMIT 1",
                (match, address),
            ).fetchone()
        return _entry(row) if row else None

    def info(self) -> DirectoryInfo:
        """What the current index holds."""
        with self._lock:
            conn = self._connection()
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        return DirectoryInfo(
            path=self.path,
            rows=int(meta.get("rows", "0")),
            source=meta.get("source", ""),
            extraction_date=meta.get("extraction_date", ""),
            imported_at=meta.get("imported_at", ""),
            bad_rows=int(meta.get("bad_rows", "0")),
        )
