"""The macOS definitions: Info.plist from the spec, entitlements, build script."""

from __future__ import annotations

import plistlib
import re
import subprocess
from collections.abc import Callable

import client

from .conftest import PACKAGING, REPO, SpecRun, load_script

BUILD_SH = PACKAGING / "macos" / "build.sh"
ENTITLEMENTS = PACKAGING / "macos" / "entitlements.plist"
version = load_script("version")


def test_bundle_carries_the_version_and_the_mailto_handler(
    spec_runner: Callable[[str], SpecRun],
) -> None:
    run = spec_runner("darwin")
    assert run.bundle is not None
    info = run.bundle["info_plist"]
    assert info["CFBundleShortVersionString"] == version.numeric_version(client.__version__)
    assert info["CFBundleVersion"] == client.__version__
    assert run.bundle["version"] == version.numeric_version(client.__version__)
    assert run.bundle["name"] == "Compagnon MSSanté.app"
    schemes = [s for t in info["CFBundleURLTypes"] for s in t["CFBundleURLSchemes"]]
    assert schemes == ["mailto"]
    # The bundle's main executable is windowed: no Terminal window opens with the app.
    assert [(e["name"], e["console"]) for e in run.exes] == [("mssante-companion", False)]
    # Info.plist must survive plistlib (what PyInstaller writes it with).
    assert plistlib.loads(plistlib.dumps(info)) == info


def test_entitlements_allow_loading_the_cryptolib_module() -> None:
    with ENTITLEMENTS.open("rb") as handle:
        entitlements = plistlib.load(handle)
    assert entitlements["com.apple.security.cs.disable-library-validation"] is True


def test_build_script_is_valid_bash_and_references_existing_files() -> None:
    subprocess.run(["bash", "-n", str(BUILD_SH)], check=True)
    script = BUILD_SH.read_text(encoding="utf-8")
    referenced = set(re.findall(r"packaging/[\w/.-]+\.(?:py|spec|plist)", script))
    assert {
        "packaging/version.py",
        "packaging/make_icons.py",
        "packaging/mssante-companion.spec",
        "packaging/macos/entitlements.plist",
    } <= referenced
    for path in referenced:
        assert (REPO / path).exists(), path
    # The icon file the spec picks up is the one the script makes.
    assert "build/icons/mssante-companion.icns" in script
    assert client.__version__ not in script


def test_signing_and_notarisation_hooks_are_documented() -> None:
    script = BUILD_SH.read_text(encoding="utf-8")
    readme = (PACKAGING / "README.md").read_text(encoding="utf-8")
    for hook in ("MACOS_SIGN_IDENTITY", "MACOS_NOTARY_PROFILE"):
        assert hook in script and hook in readme
    assert "--options runtime" in script
    assert "notarytool submit" in script and "stapler staple" in script
