"""Cold header sync of a 10,000-message folder as whole processes, the way a user waits.

Measured: ``mssante-companion --pin-stdin mail sync INBOX`` with the sandbox's card-tls
profile (the virtual CPS card in SoftHSM2, one card TLS handshake, SASL EXTERNAL) into a
fresh, empty application home: start-up, sign-in, FETCH, parsing, sealing and writing the
encrypted cache. Baseline: a bare imapclient script, also a whole process, that signs in
with a certificate over stdlib TLS (SASL EXTERNAL), searches and FETCHes the same items of
a folder holding the same 10,000 messages (the colleague's mailbox: the card holder's
key cannot leave the card for stdlib TLS), and keeps nothing. Interleaved rounds, best of
each. Target: at most 1.0x the baseline.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.mail_sync import _message
from client.auth import CertificateTlsAuthenticator, trust_for_profile
from client.profiles import load_profile
from cps.service import CardService
from sandbox.identities import COLLEAGUE
from sandbox.operator import Sandbox
from tests.helpers.fake_token import FakePinPrompt

__all__ = ["run"]

MESSAGES = 10_000
ROUNDS = 3
TARGET = 1.0
_ROOT = Path(__file__).resolve().parent.parent

_BARE = """
import ssl, sys
from imapclient import IMAPClient
host, port, ca, cert, key = sys.argv[1:6]
context = ssl.create_default_context(cafile=ca)
context.load_cert_chain(cert, key)
client = IMAPClient(host, int(port), ssl=False, timeout=120)
client.starttls(context)
client._imap.authenticate("EXTERNAL", lambda challenge: b"")
client.select_folder("INBOX", readonly=True)
uids = client.search(["ALL"])
data = client.fetch(uids, ["UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE",
                           "BODYSTRUCTURE"])
client.logout()
print(len(data))
"""


def _seed(client: object, count: int) -> None:
    batch = 500
    for start in range(0, count, batch):
        client.multiappend(  # type: ignore[attr-defined]
            "INBOX", [_message(n) for n in range(start, min(count, start + batch))])


def _timed(argv: list[str], env: dict[str, str], stdin: str = "") -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(  # our interpreter and scripts
        argv, env=env, cwd=_ROOT, input=stdin, capture_output=True, text=True, timeout=900,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{argv[:3]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed, done.stdout


def run(messages: int = MESSAGES) -> list[dict[str, object]]:
    """One row: the whole ``mail sync`` process against the bare imapclient process."""
    with tempfile.TemporaryDirectory(prefix="bench-sync-process-") as tmp:
        sandbox = Sandbox(Path(tmp) / "sbx", with_reader=False)
        sandbox.start()
        try:
            os.environ.update(sandbox.card.environment())
            profile = load_profile(sandbox.profile)
            service = CardService.for_module(Path(sandbox.card.module))
            try:
                signer = service.signer(FakePinPrompt(sandbox.card.pin))
                auth = CertificateTlsAuthenticator(profile, signer, trust_for_profile(profile))
                doctor = auth.open_imap()
                _seed(doctor, messages)
                doctor.logout()
            finally:
                service.close()
            colleague = sandbox.credentials["colleague"]
            import ssl

            from imapclient import IMAPClient

            context = ssl.create_default_context(cafile=str(sandbox.pki.chain_pem))
            context.load_cert_chain(str(colleague.cert_pem), str(colleague.key_pem))
            other = IMAPClient(sandbox.host, sandbox.ports.imap, ssl=False, timeout=120)
            other.starttls(context)
            other._imap.authenticate("EXTERNAL", lambda challenge: b"")
            _seed(other, messages)
            other.logout()
            if COLLEAGUE.address == profile.address:
                raise RuntimeError("the baseline must read another mailbox")

            env = {**os.environ, **sandbox.card.environment(), "PYTHONPATH": str(_ROOT),
                   "PYTHON_KEYRING_BACKEND": "tests.helpers.fake_keyring.FakeKeyring"}
            script = Path(sys.executable).with_name("mssante-companion")
            cli = [str(script)] if script.exists() else [sys.executable, "-m", "client.cli"]
            bare = [sys.executable, "-c", _BARE, sandbox.host, str(sandbox.ports.imap),
                    str(sandbox.pki.chain_pem), str(colleague.cert_pem), str(colleague.key_pem)]
            base_times, sync_times = [], []
            for round_ in range(ROUNDS):
                elapsed, out = _timed(bare, env)
                if int(out.strip()) < messages:
                    raise RuntimeError(f"the bare script fetched {out.strip()}")
                base_times.append(elapsed)
                home = Path(tmp) / f"home-{round_}"
                elapsed, out = _timed(
                    [*cli, "--profile", str(sandbox.profile), "--pin-stdin", "--json",
                     "mail", "sync", "INBOX"],
                    {**env, "MSSANTE_COMPANION_HOME": str(home)}, f"{sandbox.card.pin}\n")
                sync_times.append(elapsed)
                if _added(json.loads(out)) < messages:  # the sandbox's own letters come too
                    raise RuntimeError(f"mail sync did not fill the cache: {out[:500]}")
        finally:
            sandbox.stop(purge=True)
    measured, baseline = min(sync_times), min(base_times)
    ratio = measured / baseline
    return [{
        "name": f"cold mail sync, {messages:,} headers, whole process vs bare imapclient (s)",
        "measured": round(measured, 3),
        "baseline": round(baseline, 3),
        "ratio": round(ratio, 2),
        "target": f"<= {TARGET}x",
        "met": ratio <= TARGET,
    }]


def _added(document: object) -> int:
    """Messages added according to ``mail sync --json`` (a list or a mapping of results)."""
    items = document.get("results", document) if isinstance(document, dict) else document
    if isinstance(items, dict):
        items = [items]
    return sum(int(item.get("added", 0)) for item in items if isinstance(item, dict))


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else MESSAGES), indent=2))
