"""The Windows installer definition compiles (makensis runs on Linux too) and agrees with
the spec, the build script and the one version."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import client

from .conftest import PACKAGING, REPO, SpecRun, load_script

NSI = PACKAGING / "windows" / "installer.nsi"
BUILD_PS1 = PACKAGING / "windows" / "build.ps1"
version = load_script("version")


def _nsi_define(name: str) -> str:
    match = re.search(rf'^!define {name} "([^"]*)"', NSI.read_text(encoding="utf-8"), re.M)
    assert match, f"installer.nsi defines no {name}"
    return match.group(1)


def _expand(value: str) -> str:
    return re.sub(r"\$\{(\w+)\}", lambda m: _nsi_define(m.group(1)), value)


@pytest.fixture(scope="module")
def icon(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("icons")
    # A subprocess: rendering needs a QGuiApplication, which must not be this process's.
    subprocess.run(
        [sys.executable, str(PACKAGING / "make_icons.py"), "--out", str(out)],
        check=True, capture_output=True,
    )
    return out / "mssante-companion.ico"


def test_executable_names_match_the_spec(spec_runner: Callable[[str], SpecRun]) -> None:
    names = {exe["name"] + ".exe" for exe in spec_runner("win32").exes}
    assert _expand(_nsi_define("APP_EXE")) in names
    assert _expand(_nsi_define("CLI_EXE")) in names


def test_build_script_passes_every_define_the_installer_requires() -> None:
    required = re.findall(r"^!ifndef (\w+)\s*\n\s*!error", NSI.read_text("utf-8"), re.M)
    assert set(required) == {"VERSION", "VERSION4", "BUNDLE_DIR"}
    script = BUILD_PS1.read_text(encoding="utf-8")
    for name in [*required, "ICON", "OUT_FILE"]:
        assert f'"/D{name}=' in script, name
    # The version comes from the one place, never written in the script.
    assert "packaging\\version.py" in script and "--windows" in script
    assert client.__version__ not in script


def test_build_script_references_existing_files() -> None:
    script = BUILD_PS1.read_text(encoding="utf-8")
    referenced = set(re.findall(r"packaging\\[\w\\.-]+", script))
    assert referenced
    for path in referenced:
        assert (REPO / path.replace("\\", "/")).exists(), path


def test_silent_and_per_machine_flags_are_documented() -> None:
    readme = (PACKAGING / "README.md").read_text(encoding="utf-8")
    for flag in ("/S", "/AllUsers", "/D="):
        assert flag in readme
    assert "/AllUsers" in NSI.read_text(encoding="utf-8")


def test_installer_compiles_and_carries_the_version(tmp_path: Path, icon: Path) -> None:
    makensis = shutil.which("makensis")
    assert makensis, "makensis is missing: run sandbox/install-system-packages.sh (nsis)"
    bundle = tmp_path / "mssante-companion"
    (bundle / "_internal").mkdir(parents=True)
    for name in (_expand(_nsi_define("APP_EXE")), _expand(_nsi_define("CLI_EXE"))):
        (bundle / name).write_bytes(b"MZ stand-in")
    (bundle / "_internal" / "python311.dll").write_bytes(b"stand-in")
    out = tmp_path / f"MSSanteCompanion-{client.__version__}-setup.exe"
    result = subprocess.run(
        [
            makensis, "-V2", "-WX",
            f"-DVERSION={version.app_version()}",
            f"-DVERSION4={version.windows_version(version.app_version())}",
            f"-DBUNDLE_DIR={bundle}", f"-DICON={icon}", f"-DOUT_FILE={out}", str(NSI),
        ],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    data = out.read_bytes()
    assert data[:2] == b"MZ"
    # The version resource (VIAddVersionKey ProductVersion) is UTF-16 in the PE resources.
    assert client.__version__.encode("utf-16-le") in data
    assert "Compagnon MSSanté".encode("utf-16-le") in data


def test_cryptolib_check_looks_where_the_middleware_installs() -> None:
    text = NSI.read_text(encoding="utf-8")
    # Cryptolib CPS installs cps3_pkcs11_w64.dll (System32) / cps3_pkcs11_w32.dll (SysWOW64).
    assert "System32\\cps3_pkcs11_w64.dll" in text
    assert "SysWOW64\\cps3_pkcs11_w32.dll" in text
    assert re.search(r'!define CRYPTOLIB_URL "https://', text)
