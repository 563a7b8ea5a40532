"""The directory as the application uses it: one object for search and import.

:class:`Directory` is what the desktop app (``ui.backend.DirectoryService``) and the CLI
hold: search and autocomplete over the local index, import from a file or a URL with
progress and cancellation, and the optional online lookup.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from client.directory.download import download, is_url
from client.directory.importer import (
    ImportProgress,
    ImportReport,
    import_extraction,
    is_cancelled,
)
from client.directory.index import DirectoryEntry, DirectoryIndex, DirectoryInfo
from client.paths import private_dir

__all__ = ["Directory"]

logger = logging.getLogger(__name__)


class Directory:
    """Search and import of the national directory (thread-safe).

    Args:
        index_path: the index file (default: under ``app_paths().data``).
        annuaire_url: the Annuaire Santé FHIR base for online lookups.
    """

    def __init__(self, index_path: Path | None = None, annuaire_url: str | None = None) -> None:
        self.index = DirectoryIndex(index_path)
        self.annuaire_url = annuaire_url

    def close(self) -> None:
        """Release the index file."""
        self.index.close()

    def search(
        self, text: str, limit: int = 20, filters: Mapping[str, str] | None = None
    ) -> list[DirectoryEntry]:
        """See :meth:`DirectoryIndex.search` (raises ``DirectoryNotImported``)."""
        return self.index.search(text, limit, filters)

    def autocomplete(self, text: str, limit: int = 8) -> list[DirectoryEntry]:
        """Recipient suggestions for the compose window; empty when nothing is imported."""
        if not self.index.exists():
            return []
        return self.index.autocomplete(text, limit)

    def lookup(self, address: str) -> DirectoryEntry | None:
        """The entry of an exact address, or ``None`` (also when nothing is imported)."""
        if not self.index.exists():
            return None
        return self.index.lookup(address)

    def search_online(self, text: str, limit: int = 20) -> list[DirectoryEntry]:
        """Ask the Annuaire Santé FHIR API (key from the keyring) for mailboxes.

        Raises:
            AnnuaireAuthError: no key configured, or the key is refused.
            AnnuaireError: the API failed or did not answer in time.
        """
        from client.directory.fhir import API_BASE, AnnuaireClient

        with AnnuaireClient.from_keyring(self.annuaire_url or API_BASE) as client:
            return client.search_mailboxes(text, limit)

    def info(self) -> DirectoryInfo | None:
        """What the index holds, or ``None`` before the first import."""
        return self.index.info() if self.index.exists() else None

    def import_source(
        self,
        source: str | Path,
        *,
        progress: Callable[[ImportProgress], None] | None = None,
        cancel: object = None,
    ) -> ImportReport:
        """Import an extraction from a file path or an https URL.

        Raises:
            DownloadError: the URL could not be fetched.
            ExtractionError (and subclasses), ImportCancelled, OSError: see
                :func:`import_extraction`; the current index is kept.
        """
        text = str(source)
        if not is_url(text):
            return import_extraction(Path(source), self.index.path, progress=progress,
                                     cancel=cancel, before_replace=self.index.close)
        private_dir(self.index.path.parent)
        with tempfile.TemporaryDirectory(dir=self.index.path.parent,
                                         prefix=".download-") as scratch:
            downloaded = download(text, Path(scratch), cancel=lambda: is_cancelled(cancel))
            return import_extraction(downloaded, self.index.path, progress=progress,
                                     cancel=cancel, before_replace=self.index.close)

    def import_file(
        self,
        path: Path,
        progress: Callable[[int, int], None] | None = None,
        cancel: object = None,
    ) -> int:
        """Import for the desktop app: ``progress(done, total)``; returns the row count.

        ``total`` is 0 when unknown; ``cancel`` may be the UI's cancel token.
        """

        def report(step: ImportProgress) -> None:
            if progress is not None:
                progress(step.bytes_read, step.bytes_total or 0)

        return self.import_source(path, progress=report, cancel=cancel).rows
