"""packaging/version.py: one version, spelled for each installer format."""

from __future__ import annotations

import subprocess
import sys

import pytest

import client

from .conftest import PACKAGING, load_script

version = load_script("version")


def test_reads_the_version_of_client_package() -> None:
    assert version.app_version() == client.__version__


@pytest.mark.parametrize(
    ("flag", "expected"),
    [
        ("", client.__version__),
        ("--deb", version.deb_version(client.__version__)),
        ("--windows", version.windows_version(client.__version__)),
        ("--macos", version.numeric_version(client.__version__)),
    ],
)
def test_script_prints_each_spelling(flag: str, expected: str) -> None:
    # The Windows and macOS build scripts call it with a bare Python, before any venv.
    result = subprocess.run(
        [sys.executable, "-I", str(PACKAGING / "version.py"), *([flag] if flag else [])],
        capture_output=True, text=True, check=True,
    )
    assert result.stdout.strip() == expected


@pytest.mark.parametrize(
    ("pep440", "deb", "windows", "macos"),
    [
        ("0.1.0", "0.1.0", "0.1.0.0", "0.1.0"),
        ("1.2", "1.2", "1.2.0.0", "1.2.0"),
        ("2.0.0rc1", "2.0.0~rc1", "2.0.0.0", "2.0.0"),
        ("2.0.0.dev3", "2.0.0~dev3", "2.0.0.0", "2.0.0"),
        ("1.4.2.post1", "1.4.2+post1", "1.4.2.0", "1.4.2"),
    ],
)
def test_spellings(pep440: str, deb: str, windows: str, macos: str) -> None:
    assert version.deb_version(pep440) == deb
    assert version.windows_version(pep440) == windows
    assert version.numeric_version(pep440) == macos


def test_prerelease_sorts_before_release_for_dpkg() -> None:
    # Debian policy 5.6.12: "~" sorts first. dpkg itself is the judge.
    result = subprocess.run(
        ["dpkg", "--compare-versions", version.deb_version("2.0.0rc1"), "lt", "2.0.0"],
        check=False,
    )
    assert result.returncode == 0


def test_rejects_a_version_that_is_not_pep440() -> None:
    with pytest.raises(ValueError, match="not a PEP 440 version"):
        version.deb_version("1.0-beta")
