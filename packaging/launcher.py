"""Entry script of the frozen bundle (PyInstaller): the ``mssante-companion`` executable.

It runs :func:`ui.launcher.main`, the same entry point as the installed console script
(desktop app without arguments or for a clicked ``mailto:`` link, the command line
otherwise). Only what a frozen executable needs is added here.
"""

from __future__ import annotations

import multiprocessing
import sys

from ui.launcher import main

if __name__ == "__main__":
    # A frozen app that starts worker processes must call this first (PyInstaller docs).
    multiprocessing.freeze_support()
    sys.exit(main())
