"""Import the sandbox's liste blanche and directory into the demo app's home.

``make demo`` runs this before opening the app (``sandbox/run-demo-app.sh``), so that the
demo writes to a colleague at once: autocomplete finds Claire DUBOIS from three letters
and the sandbox domains are inside the trust space. The scheduled refresh from ANS is
turned off in the demo home (``updates.toml``): it would replace the sandbox's list,
which adds the sandbox domains to the published one.

    python -m sandbox.demo_data        # reads MSSANTE_SANDBOX_* from sandbox.env
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from client.directory.service import Directory
from client.paths import app_paths
from client.whitelist import import_whitelist

__all__ = ["import_demo_data"]

logger = logging.getLogger(__name__)

_UPDATES = """# Written by `make demo`: the sandbox's own liste blanche and directory are in use;
# a refresh from ANS would replace them.
[updates]
enabled = false
"""


def import_demo_data(liste_blanche: Path, extraction: Path | None) -> tuple[int, int]:
    """Import both files into ``app_paths()`` and turn the ANS refresh off.

    Returns:
        The number of domains and of directory rows imported.
    """
    paths = app_paths().ensure()
    domains = len(import_whitelist(liste_blanche))
    rows = 0
    if extraction is not None and extraction.is_file():
        directory = Directory()
        try:
            rows = directory.import_source(str(extraction)).rows
        finally:
            directory.close()
    updates = paths.config / "updates.toml"
    if not updates.exists():
        updates.write_text(_UPDATES, encoding="utf-8")
    return domains, rows


def main() -> int:
    """Entry point of ``python -m sandbox.demo_data`` (environment of ``sandbox.env``)."""
    liste = os.environ.get("MSSANTE_SANDBOX_LISTE_BLANCHE", "")
    if not liste:
        print("source .sandbox/sandbox.env first", file=sys.stderr)
        return 2
    extraction = os.environ.get("MSSANTE_SANDBOX_DIRECTORY", "")
    domains, rows = import_demo_data(Path(liste), Path(extraction) if extraction else None)
    print(f"demo: liste blanche ({domains} domains) and directory ({rows} rows) imported")
    return 0


if __name__ == "__main__":
    sys.exit(main())
