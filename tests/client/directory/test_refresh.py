"""Scheduled refresh of the directory and the liste blanche from (mirror) URLs."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from client.directory.errors import DirectoryError
from client.directory.refresh import UpdateSources, refresh_if_due
from client.directory.service import Directory
from client.paths import app_paths
from client.whitelist import TrustSpace
from sandbox.directory_sample import write_sample_extraction, write_sample_zip
from tests.helpers.data import LISTE_BLANCHE, LISTE_BLANCHE_CHECKSUM

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)


@pytest.fixture
def sources(tmp_path: Path, web_root: tuple[Path, str]) -> UpdateSources:
    root, base = web_root
    shutil.copy(LISTE_BLANCHE, root)
    shutil.copy(LISTE_BLANCHE_CHECKSUM, root)
    zip_path = write_sample_zip(write_sample_extraction(tmp_path / "x.txt", rows=150), root)
    return UpdateSources(
        directory_url=f"{base}/{zip_path.name}",
        whitelist_url=f"{base}/listeblanchemssante.xml",
        whitelist_checksum_url=f"{base}/listeblanchemssante.xml.checksum",
        interval=timedelta(hours=24),
    )


def test_refresh_when_due_only(sources: UpdateSources) -> None:
    first = refresh_if_due(sources, now=NOW)
    assert [(o.name, o.status) for o in first] == [
        ("whitelist", "refreshed"), ("directory", "refreshed")]
    assert TrustSpace.load().contains("a@adsea29.mssante.fr")
    directory = Directory()
    try:
        assert directory.search("jean martin")[0].national_id == "810001234567"
        later = refresh_if_due(sources, directory=directory, now=NOW + timedelta(hours=2))
        assert {o.status for o in later} == {"skipped"}
        next_day = refresh_if_due(sources, directory=directory, now=NOW + timedelta(hours=25))
        # The list did not change on the server: a conditional GET answers 304.
        assert [(o.name, o.status) for o in next_day] == [
            ("whitelist", "unchanged"), ("directory", "refreshed")]
    finally:
        directory.close()


def test_failure_keeps_current_data(sources: UpdateSources,
                                    web_root: tuple[Path, str]) -> None:
    refresh_if_due(sources, now=NOW)
    published = web_root[0] / "listeblanchemssante.xml"
    later = published.stat().st_mtime + 3600
    os.utime(published, (later, later))  # republished: the conditional GET gets it
    broken = UpdateSources(
        directory_url=sources.directory_url.replace(".zip", "-missing.zip"),
        whitelist_url=sources.whitelist_url,
        whitelist_checksum_url=sources.whitelist_url,  # the XML is not its own checksum
    )
    outcomes = refresh_if_due(broken, force=True, now=NOW)
    assert [(o.name, o.status) for o in outcomes] == [
        ("whitelist", "failed"), ("directory", "failed")]
    assert "HTTP status 404" in outcomes[1].detail
    assert TrustSpace.load().contains("a@adsea29.mssante.fr")
    directory = Directory()
    try:
        info = directory.info()
        assert info is not None and info.rows == 150
    finally:
        directory.close()


def test_updates_toml(tmp_path: Path) -> None:
    assert UpdateSources.load() == UpdateSources()
    config = app_paths().config
    config.mkdir(parents=True)
    (config / "updates.toml").write_text(
        '[updates]\ndirectory_url = "https://mirror.example/extraction.zip"\n'
        "interval_hours = 6\nenabled = false\n", encoding="utf-8")
    loaded = UpdateSources.load()
    assert loaded.directory_url == "https://mirror.example/extraction.zip"
    assert loaded.interval == timedelta(hours=6) and not loaded.enabled
    assert {o.status for o in refresh_if_due(loaded, now=NOW)} == {"skipped"}
    (config / "updates.toml").write_text("[updates\n", encoding="utf-8")
    with pytest.raises(DirectoryError, match="not valid TOML"):
        UpdateSources.load()
    (config / "updates.toml").write_text("[updates]\ninterval_hours = -1\n", encoding="utf-8")
    with pytest.raises(DirectoryError, match="positive"):
        UpdateSources.load()


def test_a_new_list_on_the_server_is_downloaded_and_used(sources: UpdateSources,
                                                         web_root: tuple[Path, str]) -> None:
    refresh_if_due(sources, now=NOW)
    root = web_root[0]
    text = (root / "listeblanchemssante.xml").read_text(encoding="utf-8").replace(
        "<ListeDomaines>", "<ListeDomaines><Domaine><Nom>nouveau.mssante.fr</Nom></Domaine>", 1)
    (root / "listeblanchemssante.xml").write_text(text, encoding="utf-8")
    later = (root / "listeblanchemssante.xml").stat().st_mtime + 3600
    os.utime(root / "listeblanchemssante.xml", (later, later))
    no_checksum = UpdateSources(directory_url=sources.directory_url,
                                whitelist_url=sources.whitelist_url, whitelist_checksum_url="")
    outcomes = refresh_if_due(no_checksum, force=True, now=NOW)
    assert outcomes[0].status == "refreshed"
    assert TrustSpace.load().contains("a@nouveau.mssante.fr")
