"""``mssante-companion bridge`` as a process against the sandbox: settings printed as
JSON, a mail client signs in through it, SIGTERM stops it cleanly.

The keyring is the FAKE in-memory backend (``tests.helpers.fake_keyring``) so the
process makes a new local password and shows it once in its JSON output.
"""

from __future__ import annotations

import json
import os
import signal
import ssl
import subprocess
import sys
from pathlib import Path

import pytest
from imapclient import IMAPClient

from sandbox.identities import DOCTOR
from sandbox.operator import Sandbox
from tests.helpers.timeouts import LIVE_TIMEOUT

pytestmark = [pytest.mark.sandbox, pytest.mark.timeout(6 * LIVE_TIMEOUT)]

ROOT = Path(__file__).resolve().parents[2]


def _read_json(stream: object) -> dict[str, object]:
    lines = []
    for line in stream:  # type: ignore[attr-defined]
        lines.append(line)
        if line.rstrip() == "}":
            break
    return json.loads("".join(lines))  # type: ignore[no-any-return]


def test_bridge_command_serves_a_mail_client(
    sandbox_operator: Sandbox, app_home: Path, tmp_path: Path
) -> None:
    exported = tmp_path / "bridge.pem"
    env = dict(os.environ, MSSANTE_COMPANION_HOME=str(app_home),
               PYTHON_KEYRING_BACKEND="tests.helpers.fake_keyring.FakeKeyring",
               PYTHONPATH=str(ROOT), **sandbox_operator.card.environment())
    process = subprocess.Popen(
        [sys.executable, "-m", "client.cli", "bridge", "--json", "--pin-stdin",
         "--profile", str(sandbox_operator.profile), "--imap-port", "0", "--smtp-port", "0",
         "--no-card-watch", "--export-cert", str(exported)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=env, cwd=ROOT)
    try:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(sandbox_operator.card.pin + "\n")
        process.stdin.close()
        settings = _read_json(process.stdout)
        assert settings["user"] == DOCTOR.address
        imap_settings = settings["imap"]
        assert isinstance(imap_settings, dict) and imap_settings["host"] == "127.0.0.1"
        password = settings["password"]  # a new password is shown once
        assert isinstance(password, str) and len(password) >= 16
        assert exported.read_bytes() == Path(str(settings["certificate"])).read_bytes()

        context = ssl.create_default_context(cafile=str(exported))
        imap = IMAPClient("127.0.0.1", int(imap_settings["port"]), ssl=False,
                          timeout=2 * LIVE_TIMEOUT)
        try:
            imap.starttls(context)
            imap.login(DOCTOR.address, password)
            assert imap.select_folder("INBOX", readonly=True)[b"EXISTS"] >= 1
        finally:
            imap.logout()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=LIVE_TIMEOUT) == 0
        stderr = process.stderr.read() if process.stderr else ""
        assert "1234" not in stderr  # no PIN anywhere in the output
        assert "Traceback" not in stderr
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def test_bridge_says_when_its_port_is_taken(
    sandbox_operator: Sandbox, app_home: Path
) -> None:
    # A port already taken: one clear sentence, exit 2, nothing left running.
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        env = dict(os.environ, MSSANTE_COMPANION_HOME=str(app_home),
                   PYTHON_KEYRING_BACKEND="tests.helpers.fake_keyring.FakeKeyring",
                   PYTHONPATH=str(ROOT), **sandbox_operator.card.environment())
        result = subprocess.run(
            [sys.executable, "-m", "client.cli", "bridge", "--pin-stdin", "--no-card-watch",
             "--profile", str(sandbox_operator.profile), "--imap-port", str(port),
             "--smtp-port", "0"],
            input=sandbox_operator.card.pin + "\n", capture_output=True, text=True, env=env,
            cwd=ROOT, timeout=4 * LIVE_TIMEOUT, check=False)
    assert result.returncode != 0
    assert f"Port {port} is not available" in result.stderr
