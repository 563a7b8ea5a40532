"""What every command shares: common options, JSON output, error wording."""

from __future__ import annotations

import argparse
import functools
import json
import logging
import sys
from typing import Any

__all__ = [
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "common_options",
    "describe_error",
    "emit_json",
    "report_error",
]

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130


def common_options() -> argparse.ArgumentParser:
    """Options accepted before or after the command name (``--json``, ``--profile``...)."""
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS keeps a value given before the command from being reset by the
    # sub-parser's default.
    common.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS,
        help="print one JSON document on stdout",
    )
    common.add_argument(
        "--profile", metavar="FILE", default=argparse.SUPPRESS,
        help="operator profile (TOML) to use",
    )
    common.add_argument(
        "--pin-stdin", action="store_true", default=argparse.SUPPRESS,
        help="read the card PIN from standard input instead of the terminal",
    )
    common.add_argument(
        "-v", "--verbose", action="count", default=argparse.SUPPRESS,
        help="more diagnostics on stderr (-vv debug, -vvv protocol traces)",
    )
    return common


def option(args: argparse.Namespace, name: str, default: Any = None) -> Any:
    """Read a common option that may be absent from the namespace."""
    return getattr(args, name, default)


def emit_json(document: Any) -> None:
    """Print one JSON document on stdout."""
    json.dump(document, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
    sys.stdout.flush()


@functools.singledispatch
def describe_error(exc: BaseException) -> str:
    """Return the sentence a user reads for ``exc``: what is wrong and what to do.

    Command modules register more specific wordings with ``@describe_error.register``.
    """
    return f"Unexpected error ({type(exc).__name__}): {exc}"


@describe_error.register
def _describe_os_error(exc: OSError) -> str:
    target = f" {exc.filename}" if exc.filename else ""
    return f"Cannot access{target}: {exc.strerror or exc}. Check the path and its permissions."


def exit_status_for(exc: BaseException) -> int:
    """Exit status for a failure; errors may carry their own ``exit_status``."""
    status = getattr(exc, "exit_status", EXIT_ERROR)
    return status if isinstance(status, int) and status > 0 else EXIT_ERROR


def report_error(exc: BaseException) -> int:
    """Print the user-facing sentence for ``exc`` on stderr and return the exit status."""
    logger.debug("command failed", exc_info=exc)
    print(f"Error: {describe_error(exc)}", file=sys.stderr)
    return exit_status_for(exc)
