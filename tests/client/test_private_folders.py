"""Every folder the application creates is owner-only (0700) on POSIX, parents included,
whatever the umask; folders an earlier version left wider are narrowed."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from client.audit import AuditLog
from client.bridge.certificate import load_or_create_certificate
from client.directory.importer import import_extraction
from client.mail.cache import MailCache
from client.mail.keystore import MemoryKeyStore
from client.paths import app_paths, private_dir
from client.whitelist import import_whitelist
from sandbox.directory_sample import write_sample_extraction
from sandbox.identities import DOMAINS
from sandbox.outputs import write_liste_blanche


@pytest.fixture(params=[0o022, 0o002, 0o000])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    previous = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(previous)


def _modes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root.parent)): oct(stat.S_IMODE(p.stat().st_mode))
            for p in [root, *root.rglob("*")] if p.is_dir()}


def test_every_folder_the_app_creates_is_owner_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask: int,
) -> None:
    root = tmp_path / "new" / "deeper"
    home = root / "home"
    monkeypatch.setenv("MSSANTE_COMPANION_HOME", str(home))
    sources = tmp_path / "sources"
    sources.mkdir()
    paths = app_paths()
    # What the application writes in a day: audit, cache, liste blanche, directory index,
    # bridge certificate (each creates its folders on first use, nothing prepared).
    AuditLog().append("sign-in", address="a@x.mssante.fr")
    MailCache.open("jean.martin@hopital-sandbox.mssante.fr",
                   keystore=MemoryKeyStore()).close()
    import_whitelist(write_liste_blanche(sources / "lb.xml", DOMAINS))
    import_extraction(write_sample_extraction(sources / "extraction.txt"))
    load_or_create_certificate(paths.data / "bridge")
    paths.ensure()
    modes = _modes(tmp_path / "new")
    assert modes and set(modes.values()) == {"0o700"}, modes


def test_folders_left_wide_are_narrowed_and_others_left_alone(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              ) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("MSSANTE_COMPANION_HOME", str(home))
    for name in ("config", "data", "cache", "logs"):
        (home / name).mkdir(parents=True)
        os.chmod(home / name, 0o755)  # noqa: S103 - what an earlier version left
    os.chmod(home, 0o755)  # noqa: S103 - a home the user made readable
    app_paths().ensure()
    assert {oct(stat.S_IMODE((home / n).stat().st_mode))
            for n in ("config", "data", "cache", "logs")} == {"0o700"}
    # The home itself existed: the user's choice, not narrowed; a file is refused.
    assert stat.S_IMODE(home.stat().st_mode) == 0o755
    (home / "file").write_text("x")
    with pytest.raises(NotADirectoryError):
        private_dir(home / "file")


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_the_interface_catalog_compiled_into_the_cache_is_owner_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask: int,
) -> None:
    """Installed where it cannot write, the app compiles its English catalog into its
    cache: the cache folder (created first by this, at start) is owner-only too."""
    import shutil

    from ui import i18n

    home = tmp_path / "new" / "home"
    monkeypatch.setenv("MSSANTE_COMPANION_HOME", str(home))
    installed = tmp_path / "installed"
    installed.mkdir()
    shutil.copy(i18n.i18n_dir() / f"{i18n.CATALOG_PREFIX}_en.ts", installed)
    # Something that is not a file where the catalog would go (a read-only folder
    # stops no root user).
    blocker = installed / f"{i18n.CATALOG_PREFIX}_en.qm"
    blocker.mkdir()
    os.utime(blocker, (0, 0))  # older than the catalog: to be compiled again
    monkeypatch.setattr(i18n, "i18n_dir", lambda: installed)
    compiled = i18n.compiled_catalog("en")
    assert compiled is not None and compiled.parent == app_paths().cache / "i18n"
    modes = _modes(tmp_path / "new")
    assert set(modes.values()) == {"0o700"}, modes
