"""Which CPS card a command signs in with when two are inserted (``--reader``, ``--card``).

``login``, ``bridge``, ``card``, ``doctor`` and the ``mail`` commands take
``--reader NAME`` (the reader's PC/SC name, or a part of it) and ``--card SERIAL`` (the
card's serial, as ``card`` prints it). With two CPS cards inserted and neither option, a
terminal gets a numbered list to pick from; a run without a terminal (a script, a
service) stops with :class:`cps.errors.CardChoiceNeeded` (exit status 2) naming the cards
and the option to add, never signing in with a card picked at random.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from client.cli._common import describe_error, option
from cps.errors import CardChoiceNeeded, ChosenCardAbsent
from cps.session_card import CardChoice, CardChooser, NamedCardChooser

__all__ = ["TerminalCardChooser", "add_card_options", "card_chooser_for", "describe_choice"]


def add_card_options(parser: argparse.ArgumentParser, *,
                     verb: str = "with two CPS cards inserted: use") -> None:
    """``--reader NAME`` and ``--card SERIAL`` (``verb`` starts their help)."""
    parser.add_argument("--reader", metavar="NAME", default=None,
                        help=f"{verb} the card in this reader (its name as 'card' prints "
                             "it, or a part of it)")
    parser.add_argument("--card", metavar="SERIAL", default=None,
                        help=f"{verb} the card with this serial (as 'card' prints it)")


def describe_choice(choice: CardChoice) -> str:
    """``JEAN MARTIN (Médecin), reader X, serial Y``."""
    who = choice.holder or "holder unknown"
    if choice.profession:
        who += f" ({choice.profession})"
    where = f"reader {choice.reader}" if choice.reader else f"slot {choice.slot_id}"
    serial = f", serial {choice.serial}" if choice.serial else ""
    return f"{who}, {where}{serial}"


class TerminalCardChooser:
    """Lists the cards on the terminal and reads the number typed (Enter alone or
    end of input cancels)."""

    def __init__(self, *, stdin: TextIO | None = None, stderr: TextIO | None = None) -> None:
        self._stdin = stdin
        self._stderr = stderr

    def choose_card(self, choices: Sequence[CardChoice]) -> CardChoice | None:
        """The card picked, or None when the user cancelled."""
        err = self._stderr or sys.stderr
        source = self._stdin or sys.stdin
        print(f"{len(choices)} CPS cards are inserted. Which one do you sign in with?",
              file=err)
        for number, choice in enumerate(choices, 1):
            print(f"  {number}. {describe_choice(choice)}", file=err)
        while True:
            print(f"Card number (1-{len(choices)}, Enter cancels): ", end="", file=err,
                  flush=True)
            try:
                line = source.readline()
            except KeyboardInterrupt:
                print("", file=err)
                return None
            answer = line.strip()
            if not answer:
                return None
            if answer.isdigit() and 1 <= int(answer) <= len(choices):
                return choices[int(answer) - 1]
            print(f"Type a number between 1 and {len(choices)}.", file=err)


def card_chooser_for(args: argparse.Namespace, *, interactive: bool | None = None
                     ) -> CardChooser:
    """The chooser of a command run: the card named by ``--reader``/``--card``; else a
    terminal question when there is a terminal (and the PIN does not come from standard
    input); else none may be guessed (:class:`NamedCardChooser` with nothing named)."""
    reader = option(args, "reader")
    serial = option(args, "card")
    if reader or serial:
        return NamedCardChooser(reader=reader, serial=serial)
    if interactive is None:
        interactive = (not option(args, "pin_stdin", False) and sys.stdin.isatty()
                       and sys.stderr.isatty())
    return TerminalCardChooser() if interactive else NamedCardChooser()


def _card_list(readers: Sequence[str | None], holders: Sequence[str],
               serials: Sequence[str]) -> str:
    return "; ".join(
        f"{holder or 'holder unknown'} in {reader or 'an unnamed reader'}"
        + (f" (serial {serial})" if serial else "")
        for reader, holder, serial in zip(readers, holders, serials, strict=False))


@describe_error.register
def _(exc: CardChoiceNeeded) -> str:
    example = next((f"--reader \"{r}\"" for r in exc.readers if r), None) or next(
        (f"--card {s}" for s in exc.serials if s), "--reader NAME")
    return (f"{len(exc.readers)} CPS cards are inserted and the command cannot ask which "
            f"one to use: {_card_list(exc.readers, exc.holders, exc.serials)}. Name it "
            f"with --reader NAME or --card SERIAL (for example {example}), or remove the "
            "other card.")


@describe_error.register
def _(exc: ChosenCardAbsent) -> str:
    present = "; ".join(
        f"{reader or 'an unnamed reader'}" + (f" (serial {serial})" if serial else "")
        for reader, serial in zip(exc.readers, exc.serials, strict=False)) or "none"
    return (f"No inserted CPS card matches '{exc.wanted}'. Cards inserted: {present}. "
            "Insert the card, or give a reader name or serial that 'mssante-companion card' "
            "prints.")
