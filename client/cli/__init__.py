"""The ``mssante-companion`` command line (a contract: scripts call it and read its output).

Without arguments it prints its usage: the
desktop app is opened by :mod:`ui.launcher`, the installed executable, which hands
everything else to :func:`main`. Each command lives in its own module of this package
and exposes ``register(subparsers, common)``; :data:`COMMAND_MODULES` lists them in the
order ``--help`` shows them. ``--json`` prints one JSON document on stdout; errors go to
stderr with a non-zero exit and a sentence that says what to do.

Start-up is part of the contract: a scripted call pays for the command it runs and nothing
else. The parser therefore loads only the module of the command named on the command line;
every other command is registered as a light entry (its name and the one line of
:data:`COMMAND_HELP`), which is all the top-level ``--help`` shows. A command listed in
:data:`COMMAND_MODULES` without a help line still works: it is simply loaded every time.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import logging
import os
import sys
from collections.abc import Sequence

from client import __version__
from client.cli._common import (
    _ARGV,
    EXIT_INTERRUPTED,
    EXIT_OUTPUT_CLOSED,
    EXIT_USAGE,
    CommandParser,
    common_options,
    emit_json,
    error_document,
    report_error,
    report_usage_error,
    terminal_safe_output,
)

__all__ = ["COMMAND_HELP", "COMMAND_MODULES", "build_parser", "load_all_commands", "main"]

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
    "trust",
    "spool",
)

# Modules that only word errors (singledispatch registrations), which a command module may
# import lazily: the error path loads them too.
WORDING_MODULES: tuple[str, ...] = ("_mail_words", "_password", "_card_choice")

# The line ``--help`` shows for each command, without importing its module; it must be the
# ``help=`` the module registers (a test compares them).
COMMAND_HELP: dict[str, str] = {
    "card": "show readers, CPS cards, holder identity and PIN state",
    "doctor": "diagnose the card, the reader and the operator",
    "login": "sign in to the mailbox with the profile's method",
    "mail": "read, sync and send mail",
    "directory": "national MSSanté directory (offline search)",
    "whitelist": "MSSanté liste blanche (trust space domains)",
    "xdm": "IHE XDM packages (structured documents with the INS)",
    "bridge": "local IMAP/SMTP bridge for Thunderbird and other mail clients",
    "thunderbird": "set up Thunderbird for MSSante",
    "audit": "security audit trail (sign-ins, sends, receipts...)",
    "trust": "certificate revocation lists (CRLs) kept by the app",
    "spool": "send and receive unattended through a directory",
}


def _available(name: str) -> bool:
    # A command group whose module is not part of this build is simply absent.
    return importlib.util.find_spec(f"client.cli.{name}") is not None


def _register_module(
    name: str,
    subparsers: argparse._SubParsersAction[CommandParser],
    common: argparse.ArgumentParser,
) -> None:
    try:
        module = importlib.import_module(f"client.cli.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"client.cli.{name}":
            raise
        return
    module.register(subparsers, common)


def _command_named(argv: Sequence[str]) -> str | None:
    """Return the command ``argv`` asks for, or None (``--help``, ``--version``, a typo)."""
    take_value = {"--profile"}
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg == "--":
            return None
        if arg in take_value:
            skip = True
            continue
        if arg.startswith("-"):
            continue
        return arg if arg in COMMAND_MODULES else None
    return None


class _VersionAction(argparse.Action):
    """``--version``: the version line, or ``{"version": ...}`` with ``--json``."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        if "--json" in _ARGV:
            emit_json({"version": __version__})
        else:
            print(f"{parser.prog} {__version__}")
        parser.exit()


def build_parser(command: str | None = "*") -> argparse.ArgumentParser:
    """Build the argument parser.

    Args:
        command: the command whose module is loaded and registered in full; ``None``
            loads none (enough for ``--help`` and ``--version``); ``"*"`` (the default)
            loads every command.
    """
    common = common_options()
    parser = CommandParser(
        prog="mssante-companion",
        description=(
            "Compagnon MSSanté: sign in to your MSSanté secure mailbox with your CPS card. "
            "Without a command, opens the desktop application."
        ),
        parents=[common],
    )
    parser.add_argument("--version", action=_VersionAction, nargs=0,
                        help="show the program's version and exit")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        help_line = COMMAND_HELP.get(name)
        if command in ("*", name) or help_line is None:
            _register_module(name, subparsers, common)
        elif _available(name):
            subparsers.add_parser(name, parents=[common], help=help_line, add_help=False)
    return parser


def load_all_commands() -> None:
    """Import every command module, which registers every error wording they hold.

    An error raised while one command runs may be worded by another command's module
    (a card error met by ``mail``): the error path loads them all before wording it.
    """
    for name in (*COMMAND_MODULES, *WORDING_MODULES):
        try:
            importlib.import_module(f"client.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"client.cli.{name}":
                raise


def _configure_logging(verbosity: int) -> None:
    from client import logsafety

    level = logging.WARNING
    if verbosity == 1:
        level = logging.INFO
    elif verbosity == 2:
        level = logging.DEBUG
    elif verbosity >= 3:
        level = logsafety.TRAFFIC  # protocol traces, redacted
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        logsafety.install(handler)  # no health data on stderr at any verbosity


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit status."""
    try:
        status = _run(argv)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader of the output went away (`... --json | head`): stop quietly, as other
        # tools do, with nothing more written to the closed pipe at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OUTPUT_CLOSED
    return status


def _run(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list:
        # The desktop app is opened by ``ui.launcher`` (the installed executable), which
        # may import both floors; this package never imports ``ui``.
        build_parser(None).print_help(sys.stderr)
        return EXIT_USAGE
    parser = build_parser(_command_named(args_list))
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
    # What the command prints may quote a sender (subjects, names, bodies, and errors
    # quoting a server): shown, never obeyed by the terminal.
    with terminal_safe_output():
        try:
            status: int = handler(args)
        except KeyboardInterrupt as exc:
            print("Interrupted.", file=sys.stderr)
            if as_json:
                emit_json(error_document(exc))
            return EXIT_INTERRUPTED
        except BrokenPipeError:
            raise  # the output's reader left: not a failure to word (see main)
        except Exception as exc:  # every failure is worded for the user
            load_all_commands()
            return report_error(exc, as_json=as_json)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
