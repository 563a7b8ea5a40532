"""`make demo` imports the sandbox's liste blanche and directory before the app opens."""

from __future__ import annotations

import tomllib
from pathlib import Path

from client.directory.refresh import UpdateSources, refresh_if_due
from client.directory.service import Directory
from client.paths import app_paths
from client.whitelist_current import ORIGIN_IMPORTED, current_whitelist
from sandbox.demo_data import import_demo_data
from sandbox.directory_sample import write_sample_extraction
from sandbox.identities import DOMAINS
from sandbox.outputs import write_liste_blanche


def test_the_demo_can_write_to_a_colleague_at_once(tmp_path: Path) -> None:
    liste = write_liste_blanche(tmp_path / "listeblanche.xml", DOMAINS)
    extraction = write_sample_extraction(
        tmp_path / "Extraction_Correspondance_MSSante_202611020630.txt", rows=300)
    domains, rows = import_demo_data(liste, extraction)
    assert domains > 300 and rows >= 300
    status = current_whitelist().status()
    assert status.origin == ORIGIN_IMPORTED
    space = current_whitelist().space()
    assert space is not None and space.check("claire.dubois@clinique-sandbox.mssante.fr").inside
    directory = Directory()
    try:
        found = directory.search("dub")  # three letters of the name
        assert any(e.address == "claire.dubois@clinique-sandbox.mssante.fr" for e in found)
    finally:
        directory.close()
    # The ANS refresh would replace the sandbox's list: it is off in the demo home.
    updates = tomllib.loads((app_paths().config / "updates.toml").read_text(encoding="utf-8"))
    assert updates["updates"]["enabled"] is False
    assert not UpdateSources.load().enabled
    assert {o.status for o in refresh_if_due()} == {"skipped"}


def test_the_demo_script_imports_before_opening_the_app() -> None:
    script = Path(__file__).resolve().parents[2] / "sandbox" / "run-demo-app.sh"
    text = script.read_text(encoding="utf-8")
    assert text.index("python -m sandbox.demo_data") < text.index("APP=(")
