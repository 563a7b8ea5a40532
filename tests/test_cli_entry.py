"""The command-line entry point: --version, --help, error wording."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from client import __version__
from client.cli import COMMAND_HELP, COMMAND_MODULES, build_parser, main
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


def _run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False,
    )


def test_help_lists_every_command_module(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for name in COMMAND_MODULES:
        assert f"    {name} " in out


def test_each_help_line_is_the_one_its_module_registers() -> None:
    parser = build_parser()
    subparsers = next(
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    )
    registered = {choice.dest: choice.help for choice in subparsers._choices_actions}
    assert set(COMMAND_MODULES) <= set(registered)
    assert {name: COMMAND_HELP.get(name) for name in COMMAND_MODULES} == {
        name: registered[name] for name in COMMAND_MODULES
    }


def test_version_and_help_load_no_command_module() -> None:
    # A whole process, so that nothing imported by other tests hides a heavy import.
    result = _run_python(
        "import contextlib, io, sys\n"
        "from client.cli import main\n"
        "for argv in (['--version'], ['--help']):\n"
        "    with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "        main(argv)\n"
        "heavy = ('tlslite', 'cryptography', 'client.mail', 'client.auth', 'client.tls', 'cps',\n"
        "         'client.cli.mail', 'client.cli.card', 'imapclient', 'httpx')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy or m in heavy))\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_command_loads_its_own_module_only() -> None:
    result = _run_python(
        "import contextlib, io, sys\n"
        "from client.cli import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['whitelist', '--help'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('client.cli.')\n"
        "             and not m.startswith('client.cli._')))\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['client.cli.whitelist']"


def test_an_error_is_worded_by_the_module_of_another_command() -> None:
    # The card wording lives in client.cli.card; a failure met by another command
    # (here xdm, whose handler is replaced) must still read the card's sentence.
    result = _run_python(
        "import client.cli.xdm as xdm\n"
        "from cps.errors import TokenNotPresent\n"
        "def fail(args):\n"
        "    raise TokenNotPresent()\n"
        "xdm._inspect = fail\n"
        "from client.cli import main\n"
        "raise SystemExit(main(['xdm', 'inspect', 'package.zip']))\n"
    )
    assert result.returncode != 0
    assert "No CPS card is inserted" in result.stderr


def test_a_card_sync_does_not_load_the_psc_sign_in() -> None:
    # httpx (and whatever it pulls in) is for Pro Santé Connect only.
    result = _run_python(
        "import sys\n"
        "import client.cli.mail\n"
        "from client.auth import build_authenticator\n"
        "print(sorted(m for m in ('httpx', 'client.auth.psc', 'client.auth.oidc')\n"
        "             if m in sys.modules))\n"
        "from client.auth import PscAuthenticator\n"
        "print(PscAuthenticator.__module__)\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[]", "client.auth.psc"]


@pytest.mark.parametrize(("argv", "command"), [
    (["mail", "sync"], "mail"),
    (["--json", "-v", "card"], "card"),
    (["--profile", "mail", "whitelist", "check", "a@b.fr"], "whitelist"),
    (["--profile=mail", "xdm", "inspect", "p.zip"], "xdm"),
    (["--help"], None),
    (["mial", "sync"], None),
    (["--", "mail"], None),
])
def test_the_command_is_found_before_parsing(argv: list[str], command: str | None) -> None:
    from client.cli import _command_named

    assert _command_named(argv) == command
