"""A server-like home for the spool: no desktop keyring, secrets in files, the sandbox's
applicative mailbox (PKCS#12 certificate), the sandbox's liste blanche imported.

Not a fake: everything here is real (files, the CLI as a subprocess, the sandbox). The
spool runs as ``python -m client.cli spool`` in a new session (no terminal), with
``PYTHON_KEYRING_BACKEND`` set to keyring's "fail" backend and no D-Bus session.
"""

from __future__ import annotations

import base64
import json
import os
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox.operator import Sandbox

__all__ = ["SpoolHome", "make_spool_home"]

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class SpoolHome:
    """Paths and environment of one keyring-less spool installation."""

    root: Path
    home: Path
    profile: Path
    spool: Path
    env: dict[str, str]
    address: str

    def command(self, *argv: str) -> list[str]:
        """The CLI command line with this profile."""
        return [sys.executable, "-m", "client.cli", *argv, "--profile", str(self.profile)]

    def run(self, *argv: str, timeout: float = 300,
            file_size_limit: int | None = None) -> subprocess.CompletedProcess[str]:
        """Run the CLI to completion (no terminal); ``file_size_limit``: RLIMIT_FSIZE, as
        if the disk were full past that size (SIGXFSZ ignored: writes fail with EFBIG)."""
        def limit() -> None:
            if file_size_limit is not None:
                signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
                resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

        return subprocess.run(self.command(*argv), env=self.env, capture_output=True,
                              text=True, timeout=timeout, check=False,
                              start_new_session=True,
                              preexec_fn=limit)  # no threads in the parent

    def start(self, *argv: str, log: Path | None = None) -> subprocess.Popen[bytes]:
        """Start the CLI in the background (stdout and stderr to ``log``)."""
        with (log or self.root / "spool.log").open("ab") as target:
            return subprocess.Popen(self.command(*argv), env=self.env, stdout=target,
                                    stderr=subprocess.STDOUT, start_new_session=True)

    def drop_json(self, name: str, envelope: dict[str, Any]) -> Path:
        """Write an envelope in ``outgoing/`` as an integration should: hidden, then renamed."""
        outgoing = self.spool / "outgoing"
        outgoing.mkdir(parents=True, exist_ok=True)
        temporary = outgoing / f".{name}.part"
        temporary.write_text(json.dumps(envelope, ensure_ascii=False), encoding="utf-8")
        final = outgoing / name
        temporary.rename(final)
        return final

    def summaries(self) -> list[dict[str, Any]]:
        """Every ``incoming/*/summary.json``."""
        return [json.loads(p.read_text(encoding="utf-8"))
                for p in sorted((self.spool / "incoming").glob("[!.]*/summary.json"))]

    def reports(self) -> list[dict[str, Any]]:
        """Every report in ``sent/``."""
        return [json.loads(p.read_text(encoding="utf-8"))
                for p in sorted((self.spool / "sent").glob("*.report.json"))]

    def wait_sent(self, count: int, timeout: float = 120) -> list[dict[str, Any]]:
        """Wait until ``sent/`` holds ``count`` reports."""
        deadline = time.monotonic() + timeout
        while True:
            reports = self.reports()
            if len(reports) >= count or time.monotonic() > deadline:
                return reports
            time.sleep(0.2)


def make_spool_home(sandbox: Sandbox, root: Path, *, source: str = "file") -> SpoolHome:
    """A profile for the applicative mailbox whose secrets come from files (or from a
    systemd-like ``$CREDENTIALS_DIRECTORY`` with ``source="systemd-credential"``)."""
    root.mkdir(parents=True, exist_ok=True)
    home = root / "home"
    home.mkdir(exist_ok=True)
    credential = sandbox.credentials["applicative"]
    secrets = root / ("credentials" if source == "systemd-credential" else "secrets")
    secrets.mkdir(mode=0o700, exist_ok=True)
    key = base64.b64encode(os.urandom(32)).decode("ascii") + "\n"
    names = {"password": "p12-password", "key": "cache-key"}
    if source == "systemd-credential":
        names = {"password": "mssante-p12-password", "key": "mssante-cache-key"}
    for name, value in ((names["password"], credential.password + "\n"), (names["key"], key)):
        path = secrets / name
        path.write_text(value, encoding="utf-8")
        path.chmod(0o400)
    table = ('[secrets]\nsource = "systemd-credential"\n' if source == "systemd-credential"
             else f'[secrets]\nsource = "file"\npassword_file = "{secrets / names["password"]}"'
                  f'\ncache_key_file = "{secrets / names["key"]}"\n')
    text = sandbox.profile_certificate.read_text(encoding="utf-8").replace(
        'certificate_file = "users/applicative.p12"',
        f'certificate_file = "{credential.pkcs12}"')
    profile = root / "profile.toml"
    profile.write_text(text + table, encoding="utf-8")
    env = {k: v for k, v in os.environ.items()
           if k not in ("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY")}
    env.update(PYTHONPATH=str(ROOT), MSSANTE_COMPANION_HOME=str(home),
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    if source == "systemd-credential":
        env["CREDENTIALS_DIRECTORY"] = str(secrets)
    spool_home = SpoolHome(root, home, profile, root / "spool", env, credential.identity.address)
    imported = spool_home.run("whitelist", "import", str(sandbox.liste_blanche))
    assert imported.returncode == 0, imported.stderr
    return spool_home
