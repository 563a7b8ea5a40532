"""The command-line entry point: --version, --help, error wording."""

from __future__ import annotations

import subprocess
import sys

import pytest

from client import __version__
from client.cli import main
from client.cli._common import describe_error


def test_version_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"mssante-companion {__version__}"


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "CPS" in out
    assert "usage: mssante-companion" in out


def test_installed_console_script_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "client.cli", "--version"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_os_errors_name_the_file() -> None:
    message = describe_error(FileNotFoundError(2, "No such file or directory", "/x/profile.toml"))
    assert "/x/profile.toml" in message
    assert "No such file" in message
