"""The terminal's :class:`cps.pin.PinPrompt`: ``getpass`` on the terminal, or ``--pin-stdin``.

A PIN is never taken from an argument or an environment variable: both are visible to
other processes of the same user (``/proc/PID/cmdline``, ``/proc/PID/environ``) and end
up in shell histories.
With ``--pin-stdin`` one line is read from standard input, once: a wrong PIN is then
reported rather than asked again (:func:`pin_prompt_for` returns ``max_prompts=1``).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import BinaryIO, TextIO

from client.cli._common import option
from cps.errors import PinIncorrect, PinLengthInvalid
from cps.pin import RETRY_INCORRECT, RETRY_LENGTH, PinRequest

__all__ = ["TerminalPinPrompt", "describe_request", "pin_prompt_for"]


def describe_request(request: PinRequest) -> list[str]:
    """The lines shown above the PIN question."""
    lines = []
    who = request.holder_name or request.token_label or "CPS card"
    if request.profession:
        who += f" ({request.profession})"
    lines.append(f"CPS card PIN for {who}.")
    if request.retry_reason == RETRY_INCORRECT:
        lines.append("Incorrect PIN.")
    elif request.retry_reason == RETRY_LENGTH:
        lines.append(f"The PIN must have {_length_text(request)}.")
    if request.final_try:
        lines.append("Warning: last try. A wrong PIN now locks the card.")
    elif request.attempts_left is not None and request.retry_reason:
        lines.append(f"{request.attempts_left} tries left.")
    return lines


def _length_text(request: PinRequest) -> str:
    low, high = request.min_length, request.max_length
    if low and high and high < 64:
        return f"{low} to {high} digits" if low != high else f"{low} digits"
    if low:
        return f"at least {low} digits"
    return "the length the card expects"


class TerminalPinPrompt:
    """Asks the PIN on the terminal (no echo), or reads it from standard input."""

    def __init__(self, *, from_stdin: bool = False, stdin: BinaryIO | None = None,
                 stderr: TextIO | None = None) -> None:
        self._from_stdin = from_stdin
        self._stdin = stdin
        self._stderr = stderr
        self._used = False

    def ask_pin(self, request: PinRequest) -> str | None:
        """Return the PIN, or None when the user cancelled (Ctrl-D, Ctrl-C, no input)."""
        err = self._stderr or sys.stderr
        if self._from_stdin:
            if self._used:
                # Standard input gives one PIN: report why it failed instead of asking.
                if request.retry_reason == RETRY_INCORRECT:
                    raise PinIncorrect(request.attempts_left)
                if request.retry_reason == RETRY_LENGTH:
                    raise PinLengthInvalid(request.min_length, request.max_length)
                return None
            self._used = True
            return self._read_stdin()
        for line in describe_request(request):
            print(line, file=err)
        try:
            return getpass.getpass("PIN: ", stream=err)
        except (EOFError, KeyboardInterrupt):
            print("", file=err)
            return None

    def _read_stdin(self) -> str | None:
        stream = self._stdin or sys.stdin.buffer
        buffer = bytearray(stream.readline(256))
        try:
            if not buffer:
                return None
            return buffer.decode("utf-8", "replace").rstrip("\r\n")
        finally:
            # Wipe the bytes we own; the str handed over cannot be wiped in Python.
            buffer[:] = b"\x00" * len(buffer)


def pin_prompt_for(args: argparse.Namespace) -> tuple[TerminalPinPrompt, int]:
    """The prompt chosen by the common options and how many times it may be asked."""
    from_stdin = bool(option(args, "pin_stdin", False))
    return TerminalPinPrompt(from_stdin=from_stdin), 1 if from_stdin else 3
