"""The ``mssante-companion`` executable: the desktop app or the command line.

With no argument, or with a single ``mailto:`` link (what the desktop hands to the
registered mail application: desktop entry ``Exec=... %u``, the Windows
``mailto\\shell\\open\\command``, macOS ``CFBundleURLTypes``), the desktop app opens;
anything else is the command line of :mod:`client.cli`, unchanged.

The choice lives here because only ``ui`` may depend on both floors: ``client`` never
imports ``ui``. Neither branch is imported before it is chosen, so ``--version`` and
scripted calls never load Qt, and the desktop app never builds the argument parser.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["main", "opens_desktop_app"]


def opens_desktop_app(args: Sequence[str]) -> bool:
    """Whether these arguments open the desktop app rather than a command."""
    return not args or (len(args) == 1 and args[0].lower().startswith("mailto:"))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the desktop app or the command line; return the process exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if opens_desktop_app(args):
        from ui.app import run_desktop_app

        return int(run_desktop_app(args))
    from client.cli import main as command_line

    return command_line(args)


if __name__ == "__main__":
    raise SystemExit(main())
