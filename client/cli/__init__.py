"""The ``mssante-companion`` command line (design section 5, a contract).

No argument opens the desktop app. Each command lives in its own module of this package
and exposes ``register(subparsers, common)``; :data:`COMMAND_MODULES` lists them in the
order ``--help`` shows them. ``--json`` prints one JSON document on stdout; errors go to
stderr with a non-zero exit and a sentence that says what to do.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from client import __version__
from client.cli._common import (
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    CommandParser,
    common_options,
    emit_json,
    error_document,
    report_error,
    report_usage_error,
)

__all__ = ["COMMAND_MODULES", "build_parser", "main"]

logger = logging.getLogger(__name__)

# One module per command group; each registers its sub-commands.
COMMAND_MODULES: tuple[str, ...] = (
    "card",
    "doctor",
    "login",
    "mail",
    "directory",
    "whitelist",
    "xdm",
    "bridge",
    "thunderbird",
    "audit",
    "spool",
)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every available command registered."""
    common = common_options()
    parser = CommandParser(
        prog="mssante-companion",
        description=(
            "Compagnon MSSanté: sign in to your MSSanté secure mailbox with your CPS card. "
            "Without a command, opens the desktop application."
        ),
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"client.cli.{name}")
        except ModuleNotFoundError as exc:
            # A command group whose module is not part of this build is simply absent.
            if exc.name != f"client.cli.{name}":
                raise
            continue
        module.register(subparsers, common)
    return parser


def _configure_logging(verbosity: int) -> None:
    level = logging.WARNING
    if verbosity == 1:
        level = logging.INFO
    elif verbosity >= 2:
        level = logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list:
        # The one upward reference of the core: the launcher hands over to the desktop
        # app, loaded by name so that the CLI and the bridge never import Qt.
        desktop = importlib.import_module("ui.app")
        return int(desktop.run_desktop_app([]))
    parser = build_parser()
    args = parser.parse_args(args_list)
    _configure_logging(getattr(args, "verbose", 0))
    handler = getattr(args, "handler", None)
    as_json = bool(getattr(args, "json", False))
    group = getattr(args, "command", None)
    if handler is None or (group is not None and getattr(args, f"{group}_command", "") is None):
        # No command, or a command group without its sub-command: a usage error.
        what = f"'{group}' needs a sub-command" if group else "No command given"
        report_usage_error(f"{what}: see {parser.prog} {group or ''} --help.".replace("  ", " "),
                           args_list)
        return EXIT_USAGE
    try:
        status: int = handler(args)
    except KeyboardInterrupt as exc:
        print("Interrupted.", file=sys.stderr)
        if as_json:
            emit_json(error_document(exc))
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - every failure is worded for the user
        return report_error(exc, as_json=as_json)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
