"""Build the Linux bundle, .deb and .tar.gz, then install, run and remove the .deb.

Marker ``slow``: about two minutes on two cores (PyInstaller about 30 s, the .deb about
20 s, the .tar.gz about 15 s, the smoke test about 10 s). Needs root for dpkg (CI runs as
root) and the Debian packages of sandbox/install-system-packages.sh.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

import client

from .conftest import PACKAGING, REPO, load_script

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]

version = load_script("version")
SCREENSHOT = REPO / ".test-artifacts" / "packaging" / "first-window.png"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Run ``build_linux.py all`` into a private directory; return what it wrote."""
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        pytest.fail("PyInstaller is missing: pip install -e '.[test]' (or '.[packaging]')")
    root = tmp_path_factory.mktemp("package")
    # The modules as they are when the build starts (a shared checkout may gain some).
    (root / "modules.txt").write_text("\n".join(sorted(_our_modules())), encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable, str(PACKAGING / "build_linux.py"), "all",
            "--dist", str(root / "dist"), "--work", str(root / "work"),
        ],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    written = [Path(line) for line in result.stdout.splitlines() if line.startswith("/")]
    return {
        "work": root / "work",
        "bundle": next(p for p in written if p.is_dir()),
        "deb": next(p for p in written if p.suffix == ".deb"),
        "tarball": next(p for p in written if p.name.endswith(".tar.gz")),
    }


def _our_modules() -> set[str]:
    return {
        ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
        for package in ("cps", "client", "ui")
        for path in (REPO / package).rglob("*.py")
    }


def test_bundle_prints_the_version(built: dict[str, Path]) -> None:
    result = subprocess.run(
        [str(built["bundle"] / "mssante-companion"), "--version"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.stdout.strip() == f"mssante-companion {client.__version__}"


def test_bundle_carries_resources_and_only_the_used_qt(built: dict[str, Path]) -> None:
    internal = built["bundle"] / "_internal"
    for source in (REPO / "resources").rglob("*"):
        if source.is_file() and source.suffix not in (".ts", ".qm"):
            assert (internal / source.relative_to(REPO)).is_file(), source
    # Translations ship compiled, without their Linguist sources.
    for ts in (REPO / "resources" / "i18n").glob("*.ts"):
        assert (internal / "resources" / "i18n" / f"{ts.stem}.qm").is_file(), ts
        assert not (internal / "resources" / "i18n" / ts.name).exists()
    qt_modules = {p.name.split(".")[0] for p in (internal / "PySide6").glob("Qt*.so")}
    assert {"QtCore", "QtGui", "QtWidgets"} <= qt_modules
    heavy = {"QtQml", "QtQuick", "QtNetwork", "QtSql", "QtDesigner", "QtPrintSupport"}
    assert not {m for m in heavy & qt_modules if not _ui_uses(m)}
    translations = {p.name for p in (internal / "PySide6" / "Qt" / "translations").glob("*.qm")}
    assert "qtbase_fr.qm" in translations and "qtbase_de.qm" not in translations
    assert not (internal / "sandbox").exists()


def test_bundle_holds_every_module_loaded_by_name(built: dict[str, Path]) -> None:
    # The CLI loads its commands and the desktop app with importlib; keyring finds its
    # backends through entry points: PyInstaller's analysis sees neither.
    from PyInstaller.archive.readers import ZlibArchiveReader

    pyz = next((built["work"] / "mssante-companion").glob("PYZ-*.pyz"))
    modules = set(ZlibArchiveReader(str(pyz)).toc)
    ours = set((built["work"].parent / "modules.txt").read_text("utf-8").split())
    assert "client.cli" in ours and "ui.app" in ours
    assert ours - modules == set()
    assert {"keyring.backends.SecretService", "secretstorage", "smartcard.scard"} <= modules
    assert not {m for m in modules if m == "sandbox" or m.startswith("sandbox.")}


def _ui_uses(module: str) -> bool:
    return any(module in p.read_text("utf-8") for p in (REPO / "ui").rglob("*.py"))


def test_deb_metadata(built: dict[str, Path]) -> None:
    info = subprocess.run(
        ["dpkg-deb", "--field", str(built["deb"]), "Package", "Version", "Depends"],
        capture_output=True, text=True, check=True,
    ).stdout
    fields = dict(line.split(": ", 1) for line in info.splitlines())
    assert fields["Package"] == "mssante-companion"
    assert fields["Version"] == version.deb_version(client.__version__)
    depends = [d.strip().split(" ")[0] for d in fields["Depends"].split(",")]
    assert "pcscd" in depends and "libc6" in depends
    assert built["deb"].name == (
        f"mssante-companion_{fields['Version']}_"
        + subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                         check=True).stdout.strip()
        + ".deb"
    )


def test_tarball_holds_the_bundle_under_a_versioned_folder(built: dict[str, Path]) -> None:
    top = f"mssante-companion-{client.__version__}"
    with tarfile.open(built["tarball"]) as archive:
        names = set(archive.getnames())
        executable = archive.getmember(f"{top}/mssante-companion")
    assert executable.mode & 0o111
    assert f"{top}/share/mssante-companion.desktop" in names
    assert f"{top}/_internal/resources/igc-sante/AC_RACINE_IGC-SANTE_ELEMENTAIRE.pem" in names
    assert all(name == top or name.startswith(f"{top}/") for name in names)


def test_deb_installs_runs_shows_the_first_window_and_uninstalls_cleanly(
    built: dict[str, Path],
) -> None:
    result = subprocess.run(
        [
            sys.executable, str(PACKAGING / "smoke_deb.py"), str(built["deb"]),
            "--screenshot", str(SCREENSHOT),
        ],
        capture_output=True, text=True, timeout=900, check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    report = json.loads(result.stdout)
    assert report["version"] == f"mssante-companion {client.__version__}"
    assert report["offscreen"] == "ok"
    assert report["mailto_link_opens_app"] is True
    assert report["doctor_checks"]  # a diagnosis with at least one check
    assert report["mailto_registered"] is True
    assert report["removed"] is True
    assert "not-installed" in report["status_after_purge"]
    width, height = report["window"]
    assert width > 100 and height > 100
    assert SCREENSHOT.read_bytes().startswith(b"\x89PNG")
