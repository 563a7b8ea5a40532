"""How the command line gets a PKCS#12 password: ``--password-stdin``, or a real terminal.

Without a terminal (a service, a pipe) nothing is asked: ``getpass`` would fall back to
reading with echo ("Password input may be echoed"). The caller then gets
:class:`~client.auth.errors.CertificatePasswordRequired`, worded with the ways out:
``--password-stdin`` or the profile's ``[secrets]`` table.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from client.auth.certificate import PasswordAnswer, PasswordPrompt
from client.cli._common import describe_error, describe_errors, option
from client.secrets import CredentialMissing, SecretFileRefused, SecretSourceError

__all__ = ["add_password_option", "has_terminal", "password_prompt_for"]


def add_password_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--password-stdin`` to a command that may open a PKCS#12 file."""
    parser.add_argument(
        "--password-stdin", action="store_true",
        help="read the certificate file's password from the first line of standard input",
    )


def has_terminal() -> bool:
    """Whether a terminal can be asked without echo (``/dev/tty`` opens)."""
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        return sys.platform == "win32" and sys.stdin.isatty()
    os.close(fd)
    return True


def _stdin_prompt() -> PasswordPrompt:
    # Standard input gives one line, read once: a second sign-in of the same process (a
    # reconnection) gets it again; a retry after a wrong password gets nothing.
    read: list[str | None] = []

    def prompt(path: Path, retry: bool) -> PasswordAnswer | None:
        if retry:
            return None
        if not read:
            line = sys.stdin.readline()
            read.append(line.rstrip("\r\n") if line else None)
        return PasswordAnswer(read[0]) if read[0] else None

    return prompt


def _terminal_prompt(*, offer_keyring: bool) -> PasswordPrompt:
    def prompt(path: Path, retry: bool) -> PasswordAnswer | None:
        if not has_terminal():
            return None  # never read a password with echo
        if retry:
            print("Wrong password.", file=sys.stderr)
        try:
            password = getpass.getpass(f"Password of {path.name}: ")
            keep = ""
            if offer_keyring and password:
                print("Keep it in the system keyring? [y/N] ", end="", file=sys.stderr,
                      flush=True)
                keep = sys.stdin.readline().strip().lower() if sys.stdin.isatty() else ""
        except (EOFError, KeyboardInterrupt):
            print("", file=sys.stderr)
            return None
        if not password:
            return None
        return PasswordAnswer(password, remember=keep in ("y", "yes", "o", "oui"))

    return prompt


def password_prompt_for(
    args: argparse.Namespace, *, offer_keyring: bool = False, profile_source: str = "keyring"
) -> PasswordPrompt | None:
    """The password prompt the options choose.

    ``--password-stdin`` reads one line of standard input. Otherwise, when the profile's
    ``[secrets]`` source is a file or a systemd credential, None (the source is used);
    else the terminal, if there is one.
    """
    if option(args, "password_stdin", False):
        return _stdin_prompt()
    if profile_source != "keyring":
        return None
    return _terminal_prompt(offer_keyring=offer_keyring)


describe_errors({
    SecretFileRefused:
        "The secret file {exc.path} is refused: {exc.reason}. To fix: {exc.fix}. The profile's "
        "[secrets] table names it; nothing else was tried.",
    SecretSourceError:
        "The secret named by the profile's [secrets] table cannot be used ({exc.location}: "
        "{exc.reason}). Fix the profile or the file; nothing else was tried.",
})


@describe_error.register
def _(exc: CredentialMissing) -> str:
    return (f"The systemd credential {exc.name!r} cannot be read: {exc.reason}. "
            "Nothing else was tried.")

