"""``mssante-companion whitelist``: the MSSanté liste blanche.

``whitelist import FILE|URL [--checksum FILE|URL]`` validates and stores the list;
``whitelist check ADDRESS...`` exits 0 when every address is inside the trust space,
1 otherwise; ``whitelist info`` says what is stored. ``--json`` everywhere.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
from pathlib import Path
from typing import Any

from client.cli._common import EXIT_OK, command_group, describe_errors, emit_json, option
from client.directory.download import download, is_url
from client.paths import private_dir
from client.whitelist import (
    DEFAULT_URL,
    TrustSpace,
    WhitelistChecksumError,
    WhitelistError,
    WhitelistFormatError,
    WhitelistNotImported,
    WhitelistUnsafeXml,
    default_whitelist_path,
    import_whitelist,
)

__all__ = ["register"]

logger = logging.getLogger(__name__)

EXIT_OUTSIDE = 1


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add ``whitelist import|check|info``."""
    _, commands = command_group(subparsers, common, "whitelist",
                                "MSSanté liste blanche (trust space domains)")

    load = commands.add_parser("import", parents=[common], help="import listeblanchemssante.xml")
    load.add_argument("source", metavar="FILE|URL", nargs="?", default=DEFAULT_URL,
                      help=f"the XML file or its URL (default {DEFAULT_URL})")
    load.add_argument("--checksum", metavar="FILE|URL",
                      help="the published .checksum file to verify the XML against")
    load.set_defaults(handler=_import)

    check = commands.add_parser(
        "check", parents=[common],
        help="exit 0 if every ADDRESS is inside the MSSanté trust space, 1 otherwise",
    )
    check.add_argument("addresses", nargs="+", metavar="ADDRESS")
    check.set_defaults(handler=_check)

    info = commands.add_parser("info", parents=[common], help="what the stored list holds")
    info.set_defaults(handler=_info)


def _fetch(source: str, scratch: Path) -> Path:
    return download(source, scratch) if is_url(source) else Path(source)


def _import(args: argparse.Namespace) -> int:
    target = default_whitelist_path()
    private_dir(target.parent)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".download-") as tmp:
        scratch = Path(tmp)
        xml = _fetch(args.source, scratch)
        checksum = None
        if args.checksum:
            checksum = _fetch(args.checksum, scratch).read_text(encoding="ascii",
                                                                errors="replace")
        space = import_whitelist(xml, checksum=checksum, target=target)
    summary = {
        "domains": len(space),
        "generated": space.generated.isoformat() if space.generated else "",
        "checksum_verified": checksum is not None,
        "skipped": space.skipped,
        "path": str(target),
    }
    if option(args, "json", False):
        emit_json(summary)
    else:
        verified = " (checksum verified)" if checksum is not None else ""
        print(f"Imported {len(space)} MSSanté domains generated {summary['generated']}"
              f"{verified}.")
    return EXIT_OK


def _space_in_force() -> TrustSpace:
    """The imported list, else the one shipped with the application."""
    from client.whitelist_current import current_whitelist

    space = current_whitelist().space()
    if space is None:
        raise WhitelistNotImported(default_whitelist_path())
    return space


def _check(args: argparse.Namespace) -> int:
    space = _space_in_force()
    decisions = space.check_all(args.addresses)
    if option(args, "json", False):
        document: Any = [d.to_dict() for d in decisions]
        emit_json(document[0] if len(document) == 1 else document)
    else:
        for decision in decisions:
            if decision.inside:
                kind = "patient mailbox, " if decision.is_patient else ""
                print(f"{decision.address}: inside the MSSanté trust space "
                      f"({kind}operator {decision.operator or 'unnamed'})")
            else:
                print(f"{decision.address}: OUTSIDE the MSSanté trust space "
                      f"({decision.reason})")
    return EXIT_OK if all(d.inside for d in decisions) else EXIT_OUTSIDE


def _info(args: argparse.Namespace) -> int:
    from client.whitelist_current import current_whitelist

    status = current_whitelist().status()
    if not status.loaded:
        raise WhitelistNotImported(default_whitelist_path())
    summary = {
        "domains": status.domains,
        "generated": status.generated.isoformat() if status.generated else "",
        "path": str(status.path),
        "origin": status.origin,
    }
    if option(args, "json", False):
        emit_json(summary)
    else:
        origin = "shipped with the application" if status.origin == "shipped" else "imported"
        print(f"{summary['domains']} MSSanté domains, generated {summary['generated']} "
              f"({origin}).")
    return EXIT_OK


describe_errors({
    WhitelistUnsafeXml:
        "{exc.source} was refused: it contains {exc.construct} (a DTD, entities or external "
        "references), which the liste blanche never has. Download it again from "
        "espacedeconfiance.mssante.fr; the current list is kept.",
    WhitelistChecksumError:
        "The liste blanche does not match its published checksum (corrupted or incomplete "
        "download); the current list is kept. Download both files again.",
    WhitelistFormatError:
        "{exc.source} is not a usable liste blanche ({exc.reason}); the current list is kept.",
    WhitelistNotImported:
        "No liste blanche imported yet: run `mssante-companion whitelist import` (downloads "
        "it) or give the listeblanchemssante.xml file.",
    WhitelistError: "Liste blanche error: {exc}.",
})
