"""The EUPL text ships with every deliverable: the wheel, the bundle, the .deb, the .tar.gz.

The .deb and .tar.gz are built here around a stand-in bundle (a shell script where
PyInstaller's executable would be), which is enough to check their layout in seconds; the
slow smoke test (test_deb_smoke.py) installs the real one.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

import client

from .conftest import PACKAGING, REPO, SpecRun, load_script

LICENSE = REPO / "LICENSE"
UNIT = PACKAGING / "systemd" / "mssante-companion-spool.service"
build_linux = load_script("build_linux")


def test_licence_is_the_eupl_1_2_named_by_the_project_metadata() -> None:
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    assert project["license"] == "EUPL-1.2"
    assert project["license-files"] == ["LICENSE"]
    text = LICENSE.read_text("utf-8")
    assert text.lstrip().startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2")
    # Its fifteen articles and the appendix of compatible licences, nothing cut off.
    articles = re.findall(r"^(\d+)\. ", text, re.M)
    assert articles == [str(n) for n in range(1, 16)]
    assert "\nAppendix\n" in text and text.rstrip().endswith("new EUPL version.")


def test_wheel_carries_the_licence(tmp_path: Path) -> None:
    # Built from a copy: an in-tree build would leave build/ and *.egg-info behind in a
    # checkout that other test runs share.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.qm")
    for package in ("cps", "client", "ui", "sandbox", "gateway"):
        shutil.copytree(REPO / package, source / package, ignore=ignore)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir",
         str(tmp_path / "wheels"), str(source)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (wheel,) = (tmp_path / "wheels").glob("mssante_companion-*.whl")
    info = f"mssante_companion-{client.__version__}.dist-info"
    with zipfile.ZipFile(wheel) as archive:
        shipped = archive.read(f"{info}/licenses/LICENSE")
        metadata = archive.read(f"{info}/METADATA").decode("utf-8")
    assert shipped == LICENSE.read_bytes()
    headers = metadata.split("\n\n", 1)[0].splitlines()
    assert "License-Expression: EUPL-1.2" in headers
    assert "License-File: LICENSE" in headers


@pytest.mark.usefixtures("spec_runner")
def test_bundle_carries_the_licence(spec_runner: Callable[[str], SpecRun]) -> None:
    for platform in ("linux", "win32", "darwin"):
        run = spec_runner(platform)
        assert (str(LICENSE), ".") in run.analysis["datas"], platform


@pytest.fixture(scope="module")
def stand_in_deliverables(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Build the .deb and the .tar.gz around a stand-in bundle; return their paths."""
    root = tmp_path_factory.mktemp("deliverables")
    bundle = root / "dist" / "mssante-companion"
    (bundle / "_internal").mkdir(parents=True)
    executable = bundle / "mssante-companion"
    executable.write_text("#!/bin/sh\necho stand-in\n", encoding="utf-8")
    executable.chmod(0o755)
    written = {}
    for what in ("deb", "tarball"):
        # A subprocess: the .deb renders the icons with a QGuiApplication, which must not
        # be this process's.
        result = subprocess.run(
            [sys.executable, str(PACKAGING / "build_linux.py"), what,
             "--dist", str(root / "dist"), "--work", str(root / "work")],
            capture_output=True, text=True, timeout=600, check=False,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        (line,) = [line for line in result.stdout.splitlines() if line.startswith("/")]
        written[what] = Path(line)
    return written


def _deb_files(deb: Path) -> dict[str, tarfile.TarInfo]:
    data = subprocess.run(
        ["dpkg-deb", "--fsys-tarfile", str(deb)], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        return {"/" + m.name.removeprefix("./"): m for m in archive.getmembers()}


def _deb_read(deb: Path, path: str) -> bytes:
    data = subprocess.run(
        ["dpkg-deb", "--fsys-tarfile", str(deb)], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        member = archive.extractfile(f".{path}")
        assert member is not None, path
        return member.read()


def _member_text(archive: tarfile.TarFile, member: tarfile.TarInfo) -> str:
    handle = archive.extractfile(member)
    assert handle is not None, member.name
    return handle.read().decode("utf-8")


def _copyright_licence(copyright: str, name: str) -> str:
    """Return the text of the stand-alone ``License: name`` paragraph (DEP-5)."""
    for paragraph in copyright.split("\n\n"):
        lines = paragraph.splitlines()
        if lines and lines[0] == f"License: {name}" and len(lines) > 1:
            return "\n".join("" if line == " ." else line[1:] for line in lines[1:])
    raise AssertionError(f"no stand-alone License: {name} paragraph")


def test_deb_copyright_holds_the_whole_licence(stand_in_deliverables: dict[str, Path]) -> None:
    copyright = _deb_read(
        stand_in_deliverables["deb"], "/usr/share/doc/mssante-companion/copyright"
    ).decode("utf-8")
    assert copyright.startswith("Format: https://www.debian.org/doc/packaging-manuals/")
    licence = LICENSE.read_text("utf-8")
    assert _copyright_licence(copyright, "EUPL-1.2") == "\n".join(
        line.rstrip() for line in licence.strip("\n").splitlines()
    )
    # The files of the package all point to that paragraph.
    assert "Files: *\nLicense: EUPL-1.2\n" in copyright


def test_deb_installs_the_spool_unit_disabled(stand_in_deliverables: dict[str, Path]) -> None:
    deb = stand_in_deliverables["deb"]
    files = _deb_files(deb)
    unit = files["/usr/lib/systemd/system/mssante-companion-spool.service"]
    assert unit.isfile() and unit.mode == 0o644 and unit.uname == "root"
    assert _deb_read(deb, unit.name.removeprefix(".")) == UNIT.read_bytes()
    # Enabling is the admin's: nothing under /etc, no link into a target's wants.
    assert not [path for path in files if path.startswith("/etc/")]
    assert not [path for path in files if ".wants/" in path]
    control = subprocess.run(
        ["dpkg-deb", "--ctrl-tarfile", str(deb)], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(control)) as archive:
        scripts = {
            m.name.removeprefix("./"): _member_text(archive, m)
            for m in archive.getmembers() if m.isfile()
        }
    # The scripts that reload systemd and stop the spool on removal (their content:
    # test_linux_definitions.py).
    for script in build_linux.MAINTAINER_SCRIPTS:
        assert scripts[script] == (PACKAGING / "linux" / script).read_text("utf-8"), script


def test_deb_keeps_its_other_pieces(stand_in_deliverables: dict[str, Path]) -> None:
    files = _deb_files(stand_in_deliverables["deb"])
    for path in (
        "/opt/mssante-companion/mssante-companion",
        "/usr/bin/mssante-companion",
        "/usr/share/applications/mssante-companion.desktop",
        "/usr/share/icons/hicolor/256x256/apps/mssante-companion.png",
        "/usr/share/icons/hicolor/scalable/apps/mssante-companion.svg",
        "/usr/share/doc/mssante-companion/changelog.gz",
    ):
        assert path in files, path


def test_tarball_carries_the_licence_and_the_unit(
    stand_in_deliverables: dict[str, Path],
) -> None:
    top = f"mssante-companion-{client.__version__}"
    with tarfile.open(stand_in_deliverables["tarball"]) as archive:
        licence = archive.extractfile(f"{top}/LICENSE")
        unit = archive.extractfile(f"{top}/share/mssante-companion-spool.service")
        assert licence is not None and unit is not None
        assert licence.read() == LICENSE.read_bytes()
        assert unit.read() == UNIT.read_bytes()


def test_copyright_text_is_built_from_the_template_and_the_licence() -> None:
    text = build_linux.copyright_text()
    template = (PACKAGING / "linux" / "copyright").read_text("utf-8")
    assert text.startswith(template.rstrip("\n") + "\n\nLicense: EUPL-1.2\n")
    # DEP-5 continuation lines: every line of the paragraph starts with a space.
    paragraph = text.split("\n\nLicense: EUPL-1.2\n", 1)[1]
    assert all(line.startswith(" ") for line in paragraph.splitlines())
