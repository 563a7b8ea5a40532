"""``mssante-companion directory``: the national MSSanté directory.

``directory import FILE|URL`` replaces the local index with an extraction
(``Extraction_Correspondance_MSSante`` ZIP or text); ``directory search TEXT [--limit N]``
searches it offline; ``directory info`` says what it holds; ``directory online TEXT``
asks the Annuaire Santé FHIR API (API key in the keyring). ``--json`` everywhere.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import Any

from client.cli._common import (
    EXIT_OK,
    command_group,
    describe_error,
    describe_errors,
    emit_json,
    option,
)
from client.directory import fhir
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
from client.directory.importer import ImportProgress
from client.directory.index import DirectoryEntry
from client.directory.service import Directory

__all__ = ["register"]

logger = logging.getLogger(__name__)

EXIT_NO_RESULT = 1


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add ``directory import|search|info|online``."""
    _, commands = command_group(subparsers, common, "directory",
                                "national MSSanté directory (offline search)")

    load = commands.add_parser(
        "import", parents=[common],
        help="import the public extraction Extraction_Correspondance_MSSante (ZIP or .txt)",
    )
    load.add_argument("source", metavar="FILE|URL", help="the extraction file or its https URL")
    load.set_defaults(handler=_import)

    search = commands.add_parser(
        "search", parents=[common],
        help="search by name, given name, specialty, city, postal code, organisation",
    )
    search.add_argument("text", nargs="+", metavar="TEXT",
                        help='words or word beginnings, e.g. "card lyon" or "dubo cla"')
    search.add_argument("--limit", type=_positive, default=20, metavar="N",
                        help="at most N results (default 20)")
    search.add_argument("--type", dest="bal_type", choices=("PER", "CAB", "ORG", "APP"),
                        help="only this kind of mailbox")
    search.set_defaults(handler=_search)

    info = commands.add_parser("info", parents=[common], help="what the local index holds")
    info.set_defaults(handler=_info)

    online = commands.add_parser(
        "online", parents=[common],
        help="search the Annuaire Santé FHIR API (needs an API key, see --set-key)",
    )
    online.add_argument("text", nargs="*", metavar="TEXT", help="name or address fragment")
    online.add_argument("--limit", type=_positive, default=20, metavar="N")
    online.add_argument("--set-key", action="store_true",
                        help="store the ESANTE-API-KEY read from standard input in the keyring")
    online.set_defaults(handler=_online)


def _positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be a positive number")
    return value


def _progress_printer() -> Any:
    """A progress line on stderr when it is a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(step: ImportProgress) -> None:
        fraction = step.fraction
        percent = f"{fraction * 100:5.1f} %" if fraction is not None else ""
        print(f"\r{step.rows:>10,} rows {percent}", end="", file=sys.stderr, flush=True)

    return show


def _import(args: argparse.Namespace) -> int:
    directory = Directory()
    try:
        progress = None if option(args, "json", False) else _progress_printer()
        report = directory.import_source(args.source, progress=progress)
    finally:
        directory.close()
    if progress is not None:
        print(file=sys.stderr)
    if option(args, "json", False):
        emit_json(report.to_dict())
        return EXIT_OK
    print(f"Imported {report.rows:,} mailboxes from {report.source} "
          f"in {report.seconds:.1f} s into {report.path}.")
    if report.bad_rows_count:
        print(f"Skipped {report.bad_rows_count:,} unreadable rows:", file=sys.stderr)
        for bad in report.bad_rows[:20]:
            print(f"  line {bad.line}: {bad.reason}", file=sys.stderr)
        if report.bad_rows_count > 20:
            print(f"  ... and {report.bad_rows_count - 20:,} more (see --json)",
                  file=sys.stderr)
    return EXIT_OK


def _line(entry: DirectoryEntry) -> str:
    work = ", ".join(p for p in (entry.profession, entry.specialty) if p)
    place = " ".join(p for p in (entry.postal_code, entry.city) if p)
    details = " | ".join(p for p in (work, entry.organization, place) if p)
    return f"{entry.address:<45} {entry.bal_type}  {entry.display_name}  {details}"


def _search(args: argparse.Namespace) -> int:
    directory = Directory()
    try:
        filters = {"bal_type": args.bal_type} if args.bal_type else None
        results = directory.search(" ".join(args.text), args.limit, filters)
    finally:
        directory.close()
    return _results(args, results)


def _results(args: argparse.Namespace, results: Sequence[DirectoryEntry]) -> int:
    """Print the mailboxes found (one line each, or JSON); exit 1 when there is none."""
    if option(args, "json", False):
        emit_json([entry.to_dict() for entry in results])
    else:
        for entry in results:
            print(_line(entry))
        if not results:
            print("No mailbox matches.", file=sys.stderr)
    return EXIT_OK if results else EXIT_NO_RESULT


def _info(args: argparse.Namespace) -> int:
    directory = Directory()
    try:
        info = directory.info()
    finally:
        directory.close()
    if info is None:
        raise DirectoryNotImported(directory.index.path)
    if option(args, "json", False):
        emit_json({
            "index": str(info.path), "rows": info.rows, "source": info.source,
            "extraction_date": info.extraction_date, "imported_at": info.imported_at,
            "bad_rows": info.bad_rows,
        })
    else:
        print(f"{info.rows:,} mailboxes from {info.source} "
              f"(extraction {info.extraction_date or 'undated'}, imported {info.imported_at})")
    return EXIT_OK


def _online(args: argparse.Namespace) -> int:
    if args.set_key:
        key = sys.stdin.readline().strip()
        fhir.store_api_key(key)
        print("API key stored in the keyring.", file=sys.stderr)
        return EXIT_OK
    if not args.text:
        raise AnnuaireError("give a name or an address fragment to search")
    with fhir.AnnuaireClient.from_keyring() as client:
        results = client.search_mailboxes(" ".join(args.text), limit=args.limit)
    return _results(args, results)


@describe_error.register
def _describe_header(exc: ExtractionHeaderError) -> str:
    return (f"{exc.source} is not an MSSanté directory extraction: its header lacks "
            f"{', '.join(exc.missing)}. Download Extraction_Correspondance_MSSante again "
            "from annuaire.sante.fr and import the ZIP as it is.")


describe_errors({
    ExtractionEmptyError:
        "{exc.source} holds no usable row ({exc.reason}); the current index is kept.",
    ExtractionError:
        "{exc.source} cannot be read ({exc.reason}); the current index is kept. Download the "
        "extraction again.",
    ImportCancelled: "Import stopped; the previous directory index is unchanged.",
    DirectoryNotImported:
        "No directory imported yet: run `mssante-companion directory import FILE` with the "
        "Extraction_Correspondance_MSSante ZIP from annuaire.sante.fr.",
    DirectoryImportFailed:
        "The disk is full ({exc.path.parent}): free some space and run the command again; "
        "nothing was lost (the previous directory index is unchanged).",
    DownloadError:
        "Cannot download {exc.url}: {exc.reason}. Check the address and the network, or "
        "download the file yourself and import it.",
    AnnuaireAuthError:
        "The Annuaire Santé API refused access ({exc}). Store a valid key with "
        "`mssante-companion directory online --set-key` (reads it from standard input).",
    AnnuaireError: "The Annuaire Santé API failed: {exc}. Try again later, or search offline.",
    DirectoryError: "Directory error: {exc}.",
})
