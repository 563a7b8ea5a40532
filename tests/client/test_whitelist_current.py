"""The list in force: imported, else shipped; an import is seen at the next question."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from client.whitelist import import_whitelist
from client.whitelist_current import (
    ORIGIN_IMPORTED,
    ORIGIN_NONE,
    ORIGIN_SHIPPED,
    CurrentWhitelist,
    current_whitelist,
)
from tests.helpers.data import LISTE_BLANCHE

SANDBOX_DOMAIN = "clinique-sandbox.mssante.fr"


def _with_domain(tmp_path: Path, domain: str, date: str = "2026-11-30T06:00:00Z") -> Path:
    text = LISTE_BLANCHE.read_text(encoding="utf-8")
    text = text.replace("<ListeDomaines>",
                        f"<ListeDomaines><Domaine><Nom>{domain}</Nom></Domaine>", 1)
    text = text.replace("2025-03-13T14:54:10Z", date, 1)
    path = tmp_path / "liste.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_fresh_install_starts_from_the_shipped_list() -> None:
    status = current_whitelist().status()
    assert status.origin == ORIGIN_SHIPPED and status.loaded
    assert status.generated == datetime(2025, 3, 13, 14, 54, 10, tzinfo=UTC)
    assert status.domains > 300
    assert status.path == LISTE_BLANCHE


def test_an_import_replaces_the_shipped_list_at_once(tmp_path: Path) -> None:
    current = current_whitelist()
    space = current.space()
    assert space is not None and not space.check(f"a@{SANDBOX_DOMAIN}").inside
    import_whitelist(_with_domain(tmp_path, SANDBOX_DOMAIN))
    status = current.status()
    assert status.origin == ORIGIN_IMPORTED
    assert status.generated == datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
    space = current.space()
    assert space is not None and space.check(f"a@{SANDBOX_DOMAIN}").inside


def test_an_unreadable_import_falls_back_to_the_shipped_list_and_says_so(
        tmp_path: Path) -> None:
    broken = tmp_path / "imported.xml"
    broken.write_text("<not-a-list/>", encoding="utf-8")
    status = CurrentWhitelist(broken, LISTE_BLANCHE).status()
    assert status.origin == ORIGIN_SHIPPED
    assert status.error is not None


def test_no_list_at_all(tmp_path: Path) -> None:
    current = CurrentWhitelist(tmp_path / "a.xml", tmp_path / "b.xml")
    assert current.space() is None
    assert current.status().origin == ORIGIN_NONE and not current.status().loaded
