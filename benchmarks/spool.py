"""Spool throughput vs a bare smtplib loop over one authenticated connection.

Target: the spool sends 1,000 queued messages at >= 0.8x the rate of
a bare ``smtplib`` loop over one authenticated connection to the same server.

A private sandbox operator is started. Both sides sign in as the applicative mailbox
(PKCS#12 certificate, TLS client authentication + EXTERNAL) and send the same 1,000
``.eml`` messages (new Message-IDs each round) to one recipient of the sandbox:

- baseline: open one session, ``sendmail`` each message, ``quit``;
- spool: the messages are in ``outgoing/``; one pass of :class:`client.spool.Spool`
  claims, checks (policy), journals (with an fsync before each end of DATA) and submits
  them over its own session, then files each in ``sent/`` with its report.

Best of three interleaved rounds (the machine may be shared).
Run alone: ``python -m benchmarks.spool [COUNT]``.
"""

from __future__ import annotations

import email.utils
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["run"]

COUNT = 1000
TARGET = 0.8
_LISTE = Path()


def _message(sender: str, to: str, n: int) -> bytes:
    body = "Compte rendu de consultation, ligne de texte.\r\n" * 40
    return (f"From: {sender}\r\nTo: {to}\r\nSubject: Bench {n}\r\n"
            f"Date: {email.utils.formatdate()}\r\n"
            f"Message-ID: {email.utils.make_msgid(domain='bench.invalid')}\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            f"{body}").encode()


def _baseline(auth: Any, sender: str, to: str, count: int) -> float:
    messages = [_message(sender, to, n) for n in range(count)]
    start = time.perf_counter()
    smtp = auth.open_smtp()
    for raw in messages:
        smtp.sendmail(sender, [to], raw)
    smtp.quit()
    return time.perf_counter() - start


def _spool(auth: Any, sender: str, to: str, count: int, folder: Path) -> float:
    from client.mail.policy import RecipientPolicy, WhitelistTrust
    from client.spool import Spool, SpoolSettings
    from client.whitelist import TrustSpace

    outgoing = folder / "outgoing"
    outgoing.mkdir(parents=True)
    for n in range(count):
        (outgoing / f"m{n:05d}.eml").write_bytes(_message(sender, to, n))
    policy = RecipientPolicy(WhitelistTrust(TrustSpace.parse(_LISTE.read_bytes())))
    spool = Spool(folder, auth, policy, SpoolSettings(receive=False))
    try:
        spool.lock.acquire_or_raise()
        start = time.perf_counter()
        report = spool.run_pass()
        spool.submitter.close()
        elapsed = time.perf_counter() - start
    finally:
        spool.close()
    assert report.sent == count, report.to_json()
    return elapsed


def run(count: int = COUNT) -> list[dict[str, Any]]:
    """Measure both; one row with the throughput ratio."""
    from client.auth import build_authenticator
    from client.auth.certificate import PasswordAnswer
    from client.profiles import load_profile
    from sandbox.operator import Sandbox

    with tempfile.TemporaryDirectory(prefix="bench-spool-") as folder:
        os.environ["MSSANTE_COMPANION_HOME"] = str(Path(folder) / "home")
        sandbox = Sandbox(Path(folder) / "sandbox", with_reader=False)
        sandbox.start()
        try:
            global _LISTE
            _LISTE = sandbox.liste_blanche
            profile = load_profile(sandbox.profile_certificate)
            password = sandbox.credentials["applicative"].password
            auth = build_authenticator(
                profile, password_prompt=lambda _p, _r: PasswordAnswer(password))
            sender, to = profile.address, sandbox.colleague.address
            bare, spooled = [], []
            try:
                for round_ in range(3):
                    bare.append(_baseline(auth, sender, to, count))
                    spooled.append(_spool(auth, sender, to, count,
                                          Path(folder) / f"spool{round_}"))
            finally:
                auth.close()
        finally:
            sandbox.stop(purge=True)
    baseline_rate = count / min(bare)
    spool_rate = count / min(spooled)
    ratio = spool_rate / baseline_rate
    return [{
        "name": f"spool: {count} queued messages (messages/s)",
        "measured": round(spool_rate, 1), "baseline": round(baseline_rate, 1),
        "ratio": round(ratio, 3), "target": f">= {TARGET}", "met": ratio >= TARGET,
    }]


if __name__ == "__main__":
    import json

    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else COUNT), indent=1))
