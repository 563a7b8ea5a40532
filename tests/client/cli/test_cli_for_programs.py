"""The command line as a program calls it: one JSON document, exit codes, no echo, no abbreviation.

Runs the real entry point (in process, and as a subprocess without a terminal for the
password paths); the PKCS#12 file is a real one made with ``cryptography``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from client.cli import main
from client.cli._common import (
    EXIT_AUTH,
    EXIT_ERROR,
    EXIT_OUTPUT_CLOSED,
    EXIT_POLICY,
    EXIT_TEMPORARY,
    EXIT_USAGE,
    error_document,
)
from client.mail.errors import RecipientRefused, SubmissionFailed

ROOT = Path(__file__).resolve().parents[3]
PIN = "4827"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        status = main(list(argv))
    except SystemExit as exc:
        status = int(exc.code or 0)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("argv", [
    ["card", "--pin", PIN],
    ["card", f"--pin={PIN}"],
    ["mail", "send", "--pin", PIN, "--to", "a@b.mssante.fr", "--subject", "s", "--body", "b"],
    ["--pin", PIN, "mail", "folders"],
])
def test_a_pin_given_as_an_argument_is_a_usage_error_and_never_echoed(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    status, out, err = _run(capsys, *argv, "--json")
    assert status == EXIT_USAGE
    assert PIN not in out and PIN not in err
    document = json.loads(out)
    assert document["error"]["code"] == "usage" and document["error"]["retry"] is False
    assert "--help" in document["error"]["message"]


def test_abbreviations_are_refused_on_every_level(capsys: pytest.CaptureFixture[str]) -> None:
    # "--pin-std" would have meant --pin-stdin, "--subj" --subject: both are refused.
    status, _, err = _run(capsys, "card", "--pin-std")
    assert status == EXIT_USAGE and "unrecognized arguments" in err
    status, _, err = _run(capsys, "mail", "send", "--to", "a@b.mssante.fr", "--subj", "x",
                          "--body", "b")
    assert status == EXIT_USAGE


def test_a_group_without_its_sub_command_prints_a_json_usage_error(
    capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = _run(capsys, "mail", "--json")
    assert status == EXIT_USAGE and json.loads(out)["error"]["kind"] == "usage"


def test_version_with_json_is_one_document(capsys: pytest.CaptureFixture[str]) -> None:
    from client import __version__

    status, out, _ = _run(capsys, "--version", "--json")
    assert status == 0 and json.loads(out) == {"version": __version__}
    status, out, _ = _run(capsys, "--version")
    assert status == 0 and out == f"mssante-companion {__version__}\n"


@pytest.mark.parametrize("argv", [["--version", "--json"], ["whitelist", "info", "--json"]])
def test_output_closed_by_its_reader_stops_quietly(tmp_path: Path, argv: list[str]) -> None:
    # `... --json | head`: the reader left; no traceback, no worded "error", status 141.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "client.cli", *argv], stdout=write_end,
            stderr=subprocess.PIPE, text=True, timeout=120, check=False,
            env={**os.environ, "MSSANTE_COMPANION_HOME": str(tmp_path)})
    finally:
        os.close(write_end)
    assert result.returncode == EXIT_OUTPUT_CLOSED
    assert result.stderr == ""


def test_an_unknown_command_masks_the_word_given_but_not_the_valid_choices(
    capsys: pytest.CaptureFixture[str]
) -> None:
    # "4827" may be a PIN typed in the wrong place; "mail" in the list is the parser's word.
    status, out, err = _run(capsys, "mail", PIN, "--json")
    assert status == EXIT_USAGE and PIN not in out + err
    message = json.loads(out)["error"]["message"]
    assert "invalid choice: '…'" in message and "'folders'" in message
    status, out, _ = _run(capsys, "--profile", "mail", "frobnicate", "--json")
    message = json.loads(out)["error"]["message"]
    assert "'frobnicate'" not in message and "'mail', 'directory'" in message


def test_a_failure_with_json_prints_one_error_document(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, err = _run(capsys, "mail", "folders", "--json",
                            "--profile", str(tmp_path / "missing.toml"))
    assert status == EXIT_ERROR
    document = json.loads(out)  # exactly one document
    assert set(document["error"]) >= {"code", "message", "retry"}
    assert document["error"]["code"] == "profile-error"
    assert "missing.toml" in document["error"]["message"] and "Error:" in err


def test_error_families_map_to_documented_exit_codes() -> None:
    refused = error_document(RecipientRefused("x@gmail.com", "outside-trust-space"))["error"]
    assert (refused["kind"], refused["exit_status"], refused["retry"]) == (
        "policy", EXIT_POLICY, False)
    later = error_document(SubmissionFailed("<id@x>", "421 busy"))["error"]
    assert (later["kind"], later["exit_status"], later["retry"]) == (
        "temporary", EXIT_TEMPORARY, True)
    final = error_document(SubmissionFailed("<id@x>", "554 no", permanent=True))["error"]
    assert final["retry"] is False and final["exit_status"] == EXIT_ERROR
    full = error_document(OSError(28, "No space left on device", "/spool/x"))["error"]
    assert full["retry"] is True


# -- the certificate password without a terminal ------------------------------------------


def _p12(path: Path, password: bytes) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "dpi@hopital.mssante.fr")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + dt.timedelta(days=2))
            .sign(key, hashes.SHA256()))
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"dpi", key, cert, None, serialization.BestAvailableEncryption(password)))
    return path


def _profile(directory: Path, secrets: str = "") -> Path:
    _p12(directory / "bal.p12", b"right-password")
    profile = directory / "profile.toml"
    profile.write_text(
        '[account]\naddress = "dpi@hopital.mssante.fr"\n'
        '[imap]\nhost = "127.0.0.1"\nport = 9\nsecurity = "starttls"\n'
        '[smtp]\nhost = "127.0.0.1"\nport = 9\nsecurity = "starttls"\n'
        '[auth]\nmethod = "certificate"\ncertificate_file = "bal.p12"\n' + secrets,
        encoding="utf-8")
    return profile


def _cli(profile: Path, *argv: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The CLI as a service runs it: no controlling terminal, no desktop keyring."""
    env = {**os.environ, "PYTHONPATH": str(ROOT),
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    return subprocess.run(
        [sys.executable, "-m", "client.cli", *argv, "--profile", str(profile), "--json"],
        input=stdin, capture_output=True, text=True, timeout=120, env=env, check=False,
        start_new_session=True,  # no /dev/tty: getpass would read with echo
    )


def test_no_terminal_means_no_echoed_prompt_but_a_worded_authentication_error(
    tmp_path: Path
) -> None:
    result = _cli(_profile(tmp_path), "mail", "folders")
    assert result.returncode == EXIT_AUTH, result.stderr
    assert "may be echoed" not in result.stderr
    document = json.loads(result.stdout)["error"]
    assert document["code"] == "certificate-password-required"
    assert "--password-stdin" in document["message"] and "[secrets]" in document["message"]


def test_password_stdin_is_accepted_by_mail_commands(tmp_path: Path) -> None:
    wrong = _cli(_profile(tmp_path), "mail", "folders", "--password-stdin", stdin="nope\n")
    assert wrong.returncode == EXIT_AUTH
    assert "nope" not in wrong.stdout + wrong.stderr
    # The right password opens the file; the (closed) port 9 is then a temporary failure.
    right = _cli(_profile(tmp_path), "mail", "send", "--to", "x@hopital.mssante.fr",
                 "--subject", "s", "--body", "b", "--password-stdin", stdin="right-password\n")
    assert right.returncode in (EXIT_TEMPORARY, EXIT_POLICY, EXIT_ERROR), right.stderr
    assert "right-password" not in right.stdout + right.stderr
    json.loads(right.stdout)


def test_a_secret_file_others_can_read_is_refused_with_the_fix(tmp_path: Path) -> None:
    password = tmp_path / "p12-password"
    password.write_text("right-password\n", encoding="utf-8")
    password.chmod(0o644)
    key = tmp_path / "cache-key"
    key.write_text("A" * 44, encoding="ascii")
    key.chmod(0o600)
    profile = _profile(tmp_path, '[secrets]\nsource = "file"\npassword_file = "p12-password"\n'
                                 'cache_key_file = "cache-key"\n')
    result = _cli(profile, "login")
    document = json.loads(result.stdout)["error"]
    assert document["code"] == "secret-file-refused"
    assert f"chmod 600 {password}" in document["message"]
    assert "nothing else was tried" in document["message"]
    password.chmod(0o600)
    result = _cli(profile, "login")
    # The password opened the file: what fails now is the closed port, worth a retry.
    assert json.loads(result.stdout)["error"]["retry"] is True, result.stderr


def test_a_systemd_credential_that_is_absent_is_worded(tmp_path: Path) -> None:
    profile = _profile(tmp_path, '[secrets]\nsource = "systemd-credential"\n')
    result = _cli(profile, "login")
    document = json.loads(result.stdout)["error"]
    assert document["code"] == "credential-missing"
    assert "LoadCredential=mssante-p12-password" in document["message"]


@pytest.mark.parametrize("extra", [["--national-id", "999"], []])
@pytest.mark.parametrize("command", ["login", "bridge"])
def test_e_cps_without_a_national_identifier_is_a_usage_error(
    tmp_path: Path, command: str, extra: list[str]
) -> None:
    profile = tmp_path / "psc.toml"
    profile.write_text(
        '[account]\naddress = "jean.martin@hopital.mssante.fr"\n'
        '[imap]\nhost = "127.0.0.1"\nport = 9\nsecurity = "starttls"\n'
        '[smtp]\nhost = "127.0.0.1"\nport = 9\nsecurity = "starttls"\n'
        '[auth]\nmethod = "psc"\nissuer = "https://127.0.0.1:9/auth/realms/esante-wallet"\n'
        'client_id = "mssante-companion"\ngateway = "https://127.0.0.1:9"\n', encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MSSANTE_COMPANION_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [sys.executable, "-m", "client.cli", command, "--ecps", *extra, "--profile",
         str(profile), "--json"], capture_output=True, text=True, timeout=120, env=env,
        check=False)
    assert result.returncode == EXIT_USAGE, result.stderr
    document = json.loads(result.stdout)["error"]
    assert document["kind"] == "usage" and document["exit_status"] == EXIT_USAGE
    assert "national identifier" in document["message"]
    assert "national identifier" in result.stderr


def test_the_bridge_without_a_keyring_says_it_is_a_desktop_feature(tmp_path: Path) -> None:
    result = _cli(_profile(tmp_path), "bridge", "--imap-port", "0", "--smtp-port", "0")
    document = json.loads(result.stdout)["error"]
    assert document["code"] == "bridge-needs-keyring", result.stderr
    assert "desktop feature" in document["message"] and "keyring" in document["message"]
    assert "type the password" not in document["message"]
