"""The national MSSanté directory: extraction import, local index, search, online lookup.

Public API (what the desktop app and the CLI call)::

    directory = Directory()                                # index under app_paths().data
    directory.import_source(path_or_url, progress=..., cancel=...) -> ImportReport
    directory.import_file(path, progress(done, total), cancel) -> rows   # UI protocol
    directory.search("card lyon", limit=20, filters={"bal_type": "PER"}) -> [DirectoryEntry]
    directory.autocomplete("dubo", limit=8) -> [DirectoryEntry]       # compose window
    directory.lookup("claire.dubois@...") -> DirectoryEntry | None
    refresh_if_due()            # client.directory.refresh: scheduled update when online
    fhir.AnnuaireClient.from_keyring().search_mailboxes("dubois")      # online lookup

Modules: ``columns`` (the 31-column format), ``extraction`` (streamed reading),
``importer`` (atomic build), ``index`` (FTS5 search), ``service`` (facade),
``download``, ``refresh``, ``fhir`` (Annuaire Santé API), ``errors``.
"""

from client.directory.errors import (
    AnnuaireAuthError,
    AnnuaireError,
    DirectoryError,
    DirectoryImportFailed,
    DirectoryNotImported,
    DownloadError,
    ExtractionEmptyError,
    ExtractionError,
    ExtractionHeaderError,
    ImportCancelled,
)
from client.directory.importer import ImportProgress, ImportReport, import_extraction
from client.directory.index import DirectoryEntry, DirectoryIndex, DirectoryInfo
from client.directory.service import Directory

__all__ = [
    "AnnuaireAuthError",
    "AnnuaireError",
    "Directory",
    "DirectoryEntry",
    "DirectoryError",
    "DirectoryImportFailed",
    "DirectoryIndex",
    "DirectoryInfo",
    "DirectoryNotImported",
    "DownloadError",
    "ExtractionEmptyError",
    "ExtractionError",
    "ExtractionHeaderError",
    "ImportCancelled",
    "ImportProgress",
    "ImportReport",
    "import_extraction",
]
