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


def test_no_argument_prints_the_usage_instead_of_opening_the_app(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The desktop app is ui.launcher's choice; client never imports ui.
    assert main([]) != 0
    assert "usage: mssante-companion" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "desktop"),
    [
        ([], True),
        (["mailto:claire.dubois@clinique.mssante.fr"], True),
        (["MAILTO:x@y.fr"], True),
        (["--version"], False),
        (["mail", "list", "INBOX"], False),
        (["mailto:a@b.fr", "--json"], False),
    ],
)
def test_the_launcher_chooses_the_desktop_app_or_the_command_line(
    args: list[str], desktop: bool,
) -> None:
    from ui.launcher import opens_desktop_app

    assert opens_desktop_app(args) is desktop


def test_the_installed_executable_is_the_launcher() -> None:
    from importlib.metadata import entry_points

    (script,) = [ep for ep in entry_points(group="console_scripts")
                 if ep.name == "mssante-companion"]
    assert script.value == "ui.launcher:main"
