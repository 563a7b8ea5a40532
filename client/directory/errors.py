"""Errors of the national directory (import, index, online lookup).

    ClientError
     └── DirectoryError
          ├── ExtractionError             the file is not a usable extraction
          │    ├── ExtractionHeaderError  required columns missing (named)
          │    └── ExtractionEmptyError   no header, or no valid row at all
          ├── ImportCancelled             the user (or the app) stopped an import
          ├── DirectoryNotImported        no local index yet
          ├── DownloadError               a file could not be fetched from its URL
          ├── DirectoryImportFailed       the index could not be written (disk full)
          └── AnnuaireError               the Annuaire Santé FHIR API failed
               └── AnnuaireAuthError      missing or refused API key
"""

from __future__ import annotations

from pathlib import Path

from client.errors import ClientError

__all__ = [
    "AnnuaireAuthError",
    "AnnuaireError",
    "DirectoryError",
    "DirectoryImportFailed",
    "DirectoryNotImported",
    "DownloadError",
    "ExtractionEmptyError",
    "ExtractionError",
    "ExtractionHeaderError",
    "ImportCancelled",
]


class DirectoryError(ClientError):
    """Root of the directory's errors."""


class ExtractionError(DirectoryError):
    """The input is not a usable ``Extraction_Correspondance_MSSante`` file."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class ExtractionHeaderError(ExtractionError):
    """The header line lacks required columns; ``missing`` names them."""

    def __init__(self, source: str, missing: tuple[str, ...]) -> None:
        super().__init__(source, "missing columns: " + ", ".join(missing))
        self.missing = missing


class ExtractionEmptyError(ExtractionError):
    """The file has no header line, or not one valid row."""


class ImportCancelled(DirectoryError):
    """The import was stopped before the end; the previous index is untouched."""

    def __init__(self, rows_done: int) -> None:
        super().__init__(f"import cancelled after {rows_done} rows")
        self.rows_done = rows_done


class DirectoryNotImported(DirectoryError):
    """There is no local directory index yet."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"no directory index at {path}")
        self.path = path


class DirectoryImportFailed(DirectoryError):
    """SQLite could not write the new index at ``path`` (disk full, I/O error); the
    temporary file was removed and the previous index is untouched."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class DownloadError(DirectoryError):
    """A file could not be downloaded from ``url``.

    ``kind`` says why, for wording: ``url`` (refused address), ``redirect`` (a redirect
    to plain HTTP or to a host not allowed), ``status`` (HTTP error, in ``status``),
    ``too-large``, ``network`` (no answer, cut short) or ``other``.
    """

    def __init__(self, url: str, reason: str, *, kind: str = "other",
                 status: int | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.kind = kind
        self.status = status


class AnnuaireError(DirectoryError):
    """The Annuaire Santé FHIR API failed; ``status`` is the HTTP status when there was one."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason if status is None else f"{reason} (HTTP {status})")
        self.reason = reason
        self.status = status


class AnnuaireAuthError(AnnuaireError):
    """No API key is configured, or the API refused it."""
