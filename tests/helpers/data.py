"""Paths of the public data the tests read, all inside the repository."""

from __future__ import annotations

from pathlib import Path

from client.whitelist import bundled_whitelist_path

__all__ = ["CDA_DIR", "LISTE_BLANCHE", "LISTE_BLANCHE_CHECKSUM", "REPO", "TEST_DATA"]

REPO = Path(__file__).resolve().parents[2]
TEST_DATA = REPO / "tests" / "data"
#: ANS's CDA R2 examples (tests/data/README.md).
CDA_DIR = TEST_DATA / "cda"
#: The published liste blanche the application ships (resources/data/SOURCE.md).
LISTE_BLANCHE = bundled_whitelist_path()
LISTE_BLANCHE_CHECKSUM = LISTE_BLANCHE.with_name(LISTE_BLANCHE.name + ".checksum")
