"""Entry script of the frozen bundle (PyInstaller): the ``mssante-companion`` executable.

It is the console script ``client.cli:main`` with one addition that only installed
copies need: the operating system hands a clicked ``mailto:`` link to the registered mail
application as its only argument (desktop entry ``Exec=... %u``, the Windows
``mailto\\shell\\open\\command`` and macOS ``CFBundleURLTypes``). Such an argument opens
the desktop application, which finds the link in ``QApplication.arguments()``; anything
else is the command line of design section 5, unchanged.
"""

from __future__ import annotations

import importlib
import multiprocessing
import sys


def _run() -> int:
    args = sys.argv[1:]
    if len(args) == 1 and args[0].lower().startswith("mailto:"):
        desktop = importlib.import_module("ui.app")
        return int(desktop.run_desktop_app(args))
    from client.cli import main

    return main(args)


if __name__ == "__main__":
    # A frozen app that starts worker processes must call this first (PyInstaller docs).
    multiprocessing.freeze_support()
    sys.exit(_run())
