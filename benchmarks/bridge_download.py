"""Bulk IMAP download through the local bridge vs directly from the operator.

Target: 200 MB through the bridge <= 1.3x the time of a direct
download, and 20 concurrent client sessions through the bridge without error.

A private sandbox operator is started; the doctor's mailbox gets a folder of 2 MB
messages. "Direct" is the companion's own card-TLS session (tlslite + SoftHSM2 card key,
EXTERNAL), "bridge" is imapclient over STARTTLS to ``mssante-companion bridge`` running in its own
process (as deployed: the mail client is another program), relayed to the same kind of
upstream session. Only the FETCH of every body is timed (sign-ins excluded), in batches
of 10 messages; best of two interleaved rounds.
Run alone: ``python -m benchmarks.bridge_download [MEGABYTES]``.
"""

from __future__ import annotations

import json
import os
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["run"]

MEGABYTES = 200
TARGET = 1.3
SESSIONS = 20
_FOLDER = "BridgeBench"
_MESSAGE_MB = 2
_ROOT = Path(__file__).resolve().parents[1]


def _message(n: int, size: int) -> bytes:
    line = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[:76]
    body = (line + b"\r\n") * (size // 78)
    return (
        f"From: labo@labo-sandbox.mssante.fr\r\nTo: jean.martin@hopital-sandbox.mssante.fr\r\n"
        f"Subject: Imagerie {n}\r\nMessage-ID: <bridge-bench-{n}@labo-sandbox>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
    ).encode() + body


def _start_bridge(sandbox: Any, folder: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, MSSANTE_COMPANION_HOME=str(folder / "bridge-home"),
               PYTHON_KEYRING_BACKEND="tests.helpers.fake_keyring.FakeKeyring",
               PYTHONPATH=str(_ROOT), **sandbox.card.environment())
    process = subprocess.Popen(  # this interpreter, fixed arguments
        [sys.executable, "-m", "client.cli", "bridge", "--json", "--pin-stdin",
         "--no-card-watch", "--profile", str(sandbox.profile), "--imap-port", "0",
         "--smtp-port", "0"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=_ROOT)
    assert process.stdin is not None
    process.stdin.write(sandbox.card.pin + "\n")
    process.stdin.close()
    return process


def _read_json(stream: Any) -> dict[str, Any]:
    lines = []
    for line in stream:
        lines.append(line)
        if line.rstrip() == "}":
            break
    document: dict[str, Any] = json.loads("".join(lines))
    return document


def _download(open_imap: Callable[[], Any]) -> tuple[float, int]:
    imap = open_imap()
    try:
        imap.select_folder(_FOLDER, readonly=True)
        uids = imap.search("ALL")
        size = 0
        start = time.perf_counter()
        for i in range(0, len(uids), 10):
            data = imap.fetch(uids[i:i + 10], ["BODY.PEEK[]"])
            size += sum(len(item[b"BODY[]"]) for item in data.values())
        elapsed = time.perf_counter() - start
    finally:
        imap.logout()
    return elapsed, size


def _concurrent(open_imap: Callable[[], Any]) -> tuple[int, float]:
    errors: list[BaseException] = []

    def session() -> None:
        try:
            imap = open_imap()
            try:
                imap.select_folder("INBOX", readonly=True)
                imap.fetch(imap.search("ALL"), ["BODY.PEEK[]"])
            finally:
                imap.logout()
        except BaseException as exc:  # counted
            errors.append(exc)

    threads = [threading.Thread(target=session) for _ in range(SESSIONS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(errors), time.perf_counter() - start


def run(megabytes: int = MEGABYTES) -> list[dict[str, Any]]:
    """Measure both paths; rows for the ratio and the concurrent sessions."""
    from imapclient import IMAPClient

    from client.auth import build_authenticator
    from client.profiles import load_profile
    from cps.service import CardService
    from sandbox.dovecot import chown_mail
    from sandbox.operator import Sandbox
    from sandbox.seed import maildir_folder
    from tests.helpers.fake_token import FakePinPrompt

    with tempfile.TemporaryDirectory(prefix="bench-bridge-") as folder:
        os.environ["MSSANTE_COMPANION_HOME"] = str(Path(folder) / "home")
        sandbox = Sandbox(Path(folder) / "sandbox", with_reader=False)
        sandbox.start()
        previous = os.environ.get("SOFTHSM2_CONF")
        os.environ.update(sandbox.card.environment())
        service = CardService.for_module(Path(sandbox.card.module))
        bridge = None
        try:
            profile = load_profile(sandbox.profile)
            direct = build_authenticator(profile, pin_prompt=FakePinPrompt(sandbox.card.pin),
                                         card_service=service)
            # Straight into the Maildir (Dovecot indexes new files at SELECT): filling
            # 200 MB over IMAP would take longer than the measure.
            target = maildir_folder(sandbox.home_of(profile.address), _FOLDER)
            one = len(_message(0, _MESSAGE_MB * 1024 * 1024))
            for n in range(max(1, -(-megabytes * 1_000_000 // one))):
                data = _message(n, _MESSAGE_MB * 1024 * 1024)
                (target / "cur" / f"{int(time.time())}.M{n}P{os.getpid()}.bench,"
                                  f"S={len(data)}:2,").write_bytes(data)
            chown_mail(target)  # Dovecot's mail processes run as another user

            # The bridge in its own process, as deployed (the mail client is another
            # program): `mssante-companion bridge`, settings read from its JSON output.
            bridge = _start_bridge(sandbox, Path(folder))
            settings = _read_json(bridge.stdout)
            context = ssl.create_default_context(cafile=str(settings["certificate"]))
            port = int(settings["imap"]["port"])
            password = str(settings["password"])

            def through_bridge() -> Any:
                client = IMAPClient("127.0.0.1", port, ssl=False, timeout=120)
                client.starttls(context)
                client.login(profile.address, password)
                return client

            direct_times, bridge_times, size = [], [], 0
            for _ in range(2):
                elapsed, size = _download(direct.open_imap)
                direct_times.append(elapsed)
                elapsed, bridged = _download(through_bridge)
                bridge_times.append(elapsed)
                assert bridged == size, "the bridge changed the byte count"
            errors, concurrent_elapsed = _concurrent(through_bridge)
        finally:
            if bridge is not None:
                bridge.send_signal(signal.SIGTERM)
                try:
                    bridge.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    bridge.kill()
                    bridge.wait()
                for stream in (bridge.stdin, bridge.stdout):
                    if stream is not None:
                        stream.close()
            service.close()
            if previous is None:
                os.environ.pop("SOFTHSM2_CONF", None)
            else:
                os.environ["SOFTHSM2_CONF"] = previous
            sandbox.stop(purge=True)

    ratio = min(bridge_times) / min(direct_times)
    return [
        {
            "name": f"bridge IMAP download, {size / 1e6:.0f} MB (seconds vs direct card TLS)",
            "measured": round(min(bridge_times), 2),
            "baseline": round(min(direct_times), 2),
            "ratio": round(ratio, 3),
            "target": f"<= {TARGET}",
            "met": ratio <= TARGET,
        },
        {
            "name": f"bridge, {SESSIONS} concurrent sessions (errors; {concurrent_elapsed:.1f} s)",
            "measured": errors,
            "baseline": 0,
            "ratio": None,
            "target": "0 errors",
            "met": errors == 0,
        },
    ]


if __name__ == "__main__":
    rows = run(int(sys.argv[1]) if len(sys.argv) > 1 else MEGABYTES)
    print(json.dumps(rows, indent=2))
