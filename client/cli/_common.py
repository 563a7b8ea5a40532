"""What every command shares: common options, JSON output, error wording, exit codes.

Exit codes (a contract for the programs that call the command line):

====  =========================================================================
 0    success
 1    the command answered "no" (``whitelist check``: outside; ``doctor``: a check failed)
 2    usage error (unknown option, missing argument); nothing was done
 3    not found (folder, message)
 4    refused by policy (a recipient outside the MSSanté trust space); nothing was sent
 5    would overwrite an existing file
 6    authentication failed (PIN, certificate file or its password, refused sign-in)
 7    temporary failure (server unreachable, connection lost, card absent): retry later
 8    any other error
130   interrupted (Ctrl-C)
====  =========================================================================

With ``--json`` every run prints exactly one JSON document on stdout: the result, or
``{"error": {"code", "message", "retry", "kind", "exit_status"}}``; the sentence is on
stderr too. Option abbreviations are off: ``--pin 4827`` is a usage error, and usage
errors never repeat the values given on the command line (one of them may be a secret).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import logging
import re
import sys
from collections.abc import Iterator, Sequence
from typing import Any, NoReturn, TextIO

__all__ = [
    "EXIT_AUTH",
    "EXIT_ERROR",
    "EXIT_EXISTS",
    "EXIT_INTERRUPTED",
    "EXIT_NOT_FOUND",
    "EXIT_NO",
    "EXIT_OK",
    "EXIT_OUTPUT_CLOSED",
    "EXIT_POLICY",
    "EXIT_TEMPORARY",
    "EXIT_USAGE",
    "CommandParser",
    "command_group",
    "common_options",
    "describe_error",
    "describe_errors",
    "emit_json",
    "error_document",
    "error_kind",
    "report_error",
    "report_failure",
    "report_usage_error",
    "terminal_safe_output",
]

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_NO = 1
EXIT_USAGE = 2
EXIT_NOT_FOUND = 3
EXIT_POLICY = 4
EXIT_EXISTS = 5
EXIT_AUTH = 6
EXIT_TEMPORARY = 7
EXIT_ERROR = 8
EXIT_INTERRUPTED = 130
#: Standard output closed by its reader (``| head``): 128 + SIGPIPE, as other tools end.
EXIT_OUTPUT_CLOSED = 141

_KIND_STATUS = {
    "usage": EXIT_USAGE,
    "not-found": EXIT_NOT_FOUND,
    "policy": EXIT_POLICY,
    "exists": EXIT_EXISTS,
    "authentication": EXIT_AUTH,
    "temporary": EXIT_TEMPORARY,
    "other": EXIT_ERROR,
    "interrupted": EXIT_INTERRUPTED,
}
_STATUS_KIND = {status: kind for kind, status in _KIND_STATUS.items()}


class CommandParser(argparse.ArgumentParser):
    """An argument parser for programs: no abbreviations, secret-safe usage errors.

    Sub-parsers created by ``add_subparsers().add_parser`` are of this class too.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)
        self._argv: Sequence[str] = ()

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        """Parse ``args``, remembered so that a usage error can redact them."""
        _ARGV[:] = list(sys.argv[1:] if args is None else args)
        return super().parse_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        """Report a usage error without echoing the values given, then exit with 2."""
        self.print_usage(sys.stderr)
        report_usage_error(
            f"{self.prog}: {redact_arguments(message, _ARGV)}. See {self.prog} --help "
            "(the values given are not repeated here, in case one is a secret).", _ARGV)
        sys.exit(EXIT_USAGE)


# The command line being parsed (argparse gives error() only the message).
_ARGV: list[str] = []


def redact_arguments(message: str, argv: Sequence[str]) -> str:
    """``message`` with every value of ``argv`` that is not an option name masked.

    The list of valid choices argparse appends (``(choose from 'card', 'mail'...)``) is the
    parser's own words: a command name given elsewhere on the line stays readable there.
    """
    message, choices, rest = message.partition(" (choose from ")
    values: set[str] = set()
    for token in argv:
        name, equals, value = token.partition("=")
        if token.startswith("-") and equals:
            values.add(value)
            values.add(token)
        elif not token.startswith("-") or token[1:].isdigit():
            values.add(token)
    for value in sorted((v for v in values if v), key=len, reverse=True):
        message = re.sub(rf"(?<![\w-]){re.escape(value)}(?![\w-])", "…", message)
    return message + choices + rest


def report_usage_error(sentence: str, argv: Sequence[str]) -> None:
    """Print a usage error on stderr, and as the JSON error document if ``--json`` was given."""
    text = sentence
    print(f"Error: {text}", file=sys.stderr)
    if "--json" in argv:
        emit_json({"error": {"code": "usage", "message": text, "retry": False,
                             "kind": "usage", "exit_status": EXIT_USAGE}})


def common_options() -> CommandParser:
    """Options accepted before or after the command name (``--json``, ``--profile``...)."""
    common = CommandParser(add_help=False)
    # SUPPRESS keeps a value given before the command from being reset by the
    # sub-parser's default.
    common.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS,
        help="print one JSON document on stdout (errors too)",
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


def command_group(subparsers: Any, common: argparse.ArgumentParser, name: str,
                  help: str) -> tuple[argparse.ArgumentParser, Any]:
    """Add the command group ``name``; return it and the action its sub-commands join.

    The sub-command chosen lands in ``args.<name>_command``; the group has no handler of
    its own, so :func:`client.cli.main` reports it given alone as a usage error (exit 2).
    """
    group = subparsers.add_parser(name, parents=[common], help=help)
    commands = group.add_subparsers(dest=f"{name}_command", metavar="SUBCOMMAND")
    return group, commands


def option(args: argparse.Namespace, name: str, default: Any = None) -> Any:
    """Read a common option that may be absent from the namespace."""
    return getattr(args, name, default)


# What a mail's sender may put in a subject, a name, a file name or a body and a terminal
# would obey rather than show: C0 controls but tab, newline and carriage return (ESC
# starts the sequences that set the title, write the clipboard, clear the screen), DEL,
# C1 controls (U+009B is CSI to xterm, even in UTF-8) and the bidi overrides and
# isolates that reorder what is shown.
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# In JSON, the controls below U+0020 are escaped by the encoder already.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return "^" + chr(code + 64)  # as cat -v shows it: ESC is ^[
    if code == 0x7F:
        return "^?"
    return f"<U+{code:04X}>"


class _TerminalSafe:
    """A text stream that shows control characters instead of writing them."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(_TERMINAL_UNSAFE.sub(_shown, text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def terminal_safe_output() -> Iterator[None]:
    """While a command runs, what it prints on stdout and stderr shows control
    characters (``^[``, ``<U+202E>``) instead of handing them to the terminal; the
    binary ``buffer`` under them is left alone."""
    saved = sys.stdout, sys.stderr
    sys.stdout = _TerminalSafe(saved[0])
    sys.stderr = _TerminalSafe(saved[1])
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def emit_json(document: Any) -> None:
    """Print one JSON document on stdout (the characters a terminal would obey escaped
    as ``\\uXXXX``, which JSON reads back as the same text)."""
    text = json.dumps(document, ensure_ascii=False, indent=2, default=str)
    text = _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    stream = sys.stdout
    if isinstance(stream, _TerminalSafe):  # already escaped, and valid JSON must stay
        stream = stream._stream
    stream.write(text + "\n")
    stream.flush()


@functools.singledispatch
def describe_error(exc: BaseException) -> str:
    """Return the sentence a user reads for ``exc``: what is wrong and what to do.

    Command modules register more specific wordings with ``@describe_error.register``.
    """
    return f"Unexpected error ({type(exc).__name__}): {exc}"


def describe_errors(sentences: dict[type[BaseException], str]) -> None:
    """Register one sentence per error class; ``{exc.field}`` in it is the error's field.

    For the sentences that only put the error's fields in place; one that decides
    something (a plural, a choice) stays a function registered on :func:`describe_error`.
    """
    for kind, sentence in sentences.items():
        describe_error.register(kind, functools.partial(_fill_sentence, sentence))


def _fill_sentence(sentence: str, exc: BaseException) -> str:
    return sentence.format(exc=exc)


@describe_error.register
def _describe_file_exists(exc: FileExistsError) -> str:
    # The command that raises it says how to go on (e.g. "add --overwrite") in strerror.
    what = exc.filename or exc
    return f"{what}: {exc.strerror or 'already exists'}; nothing was written."


@describe_error.register
def _describe_os_error(exc: OSError) -> str:
    target = f" {exc.filename}" if exc.filename else ""
    return f"Cannot access{target}: {exc.strerror or exc}. Check the path and its permissions."


@describe_error.register
def _describe_interrupt(exc: KeyboardInterrupt) -> str:
    return "Interrupted before the end; run the command again to finish."


def error_kind(exc: BaseException) -> str:
    """The family of a failure: ``authentication``, ``policy``, ``temporary``, ``other``...

    An error class may carry its own ``exit_status`` (a code of the table above).
    """
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    from client.cli._error_kinds import classify

    kind = classify(exc)
    if kind is not None:
        return kind
    status = getattr(exc, "exit_status", None)
    if isinstance(status, int) and status in _STATUS_KIND:
        return _STATUS_KIND[status]
    return "other"


def exit_status_for(exc: BaseException) -> int:
    """Exit status for a failure (the table of this module's docstring)."""
    status = getattr(exc, "exit_status", None)
    if isinstance(status, int) and status > 0 and error_kind(exc) == _STATUS_KIND.get(status):
        return status
    return _KIND_STATUS[error_kind(exc)]


def _code(exc: BaseException) -> str:
    name = type(exc).__name__
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def error_document(exc: BaseException) -> dict[str, Any]:
    """The ``--json`` document of a failure."""
    kind = error_kind(exc)
    return {"error": {
        "code": _code(exc),
        "message": describe_error(exc),
        "retry": kind == "temporary",
        "kind": kind,
        "exit_status": exit_status_for(exc),
    }}


def report_failure(*, as_json: bool, code: str, message: str, exit_status: int,
                   retry: bool = False) -> int:
    """Report a failure that is not an exception (a refusal decided by the command)."""
    print(f"Error: {message}", file=sys.stderr)
    if as_json:
        kind = _STATUS_KIND.get(exit_status, "other")
        emit_json({"error": {"code": code, "message": message, "retry": retry,
                             "kind": kind, "exit_status": exit_status}})
    return exit_status


def report_error(exc: BaseException, *, as_json: bool = False) -> int:
    """Print the user-facing sentence for ``exc`` on stderr (and the JSON document on
    stdout with ``as_json``); return the exit status."""
    logger.debug("command failed", exc_info=exc)
    print(f"Error: {describe_error(exc)}", file=sys.stderr)
    if as_json:
        emit_json(error_document(exc))
    return exit_status_for(exc)
