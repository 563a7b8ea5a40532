"""The .deb pieces: desktop entry, maintainer scripts, control template."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from .conftest import PACKAGING, load_script

LINUX = PACKAGING / "linux"
build_linux = load_script("build_linux")


def test_desktop_entry_is_valid_and_handles_mailto() -> None:
    validate = shutil.which("desktop-file-validate")
    assert validate, "desktop-file-validate is missing: sandbox/install-system-packages.sh"
    entry = LINUX / "mssante-companion.desktop"
    result = subprocess.run([validate, str(entry)], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout == "", result.stdout
    text = entry.read_text(encoding="utf-8")
    assert "MimeType=x-scheme-handler/mailto;" in text.splitlines()
    assert "Exec=mssante-companion %u" in text.splitlines()
    assert "Icon=mssante-companion" in text.splitlines()


@pytest.mark.parametrize("script", build_linux.MAINTAINER_SCRIPTS)
def test_maintainer_scripts_are_executable_posix_shell(script: str) -> None:
    path = LINUX / script
    assert path.stat().st_mode & 0o111
    subprocess.run(["sh", "-n", str(path)], check=True)
    if script != "prerm":
        assert "update-desktop-database" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("script", build_linux.MAINTAINER_SCRIPTS)
def test_maintainer_scripts_succeed_when_tools_are_absent(script: str, tmp_path) -> None:
    # "when present": with none of the tools (nor systemctl) on PATH the scripts exit 0.
    result = subprocess.run(
        ["/bin/sh", str(LINUX / script), "configure" if script == "postinst" else "remove"],
        env={"PATH": str(tmp_path)}, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr


def test_maintainer_scripts_leave_the_spool_unit_to_the_admin() -> None:
    # The unit is installed disabled: no script enables or starts it; removal stops it.
    for script in build_linux.MAINTAINER_SCRIPTS:
        commands = "\n".join(
            line for line in (LINUX / script).read_text(encoding="utf-8").splitlines()
            if not line.lstrip().startswith("#")
        )
        assert "enable" not in commands and "systemctl start" not in commands, script
    assert "deb-systemd-invoke stop mssante-companion-spool.service" in (LINUX / "prerm").read_text(
        encoding="utf-8"
    )


def test_control_is_filled_from_the_template() -> None:
    control = build_linux.render_control(
        version="1.2.0~rc1", arch="amd64", maintainer="A B <a@b.invalid>",
        installed_size_kib=1234, depends=["libc6 (>= 2.36)", "pcscd"],
    )
    fields = dict(
        line.split(": ", 1) for line in control.splitlines() if line and not line[0].isspace()
    )
    assert fields["Package"] == "mssante-companion"
    assert fields["Version"] == "1.2.0~rc1"
    assert fields["Installed-Size"] == "1234"
    assert fields["Depends"] == "libc6 (>= 2.36), pcscd"
    assert "pcscd" in build_linux.BASE_DEPENDS
