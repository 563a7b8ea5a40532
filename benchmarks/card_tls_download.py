"""Bulk IMAP download over card-key TLS (tlslite-ng + cryptography ciphers) vs stdlib ssl.

Target: card-key TLS bulk download >= 0.5x stdlib ssl on the same server.

A private sandbox operator (Dovecot, provider, SoftHSM2 virtual card) is started; the
doctor's mailbox gets a folder of large messages. The card path signs in with card TLS +
EXTERNAL (the key on the SoftHSM2 token); the baseline opens the same mailbox on the same
Dovecot over stdlib ``ssl`` with a PSC access token (XOAUTH2). Only the FETCH of every
message body is timed (handshakes excluded); best of three interleaved rounds.
Run alone: ``python -m benchmarks.card_tls_download [MEGABYTES]``.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["run"]

MEGABYTES = 24
TARGET = 0.5
_FOLDER = "Bench"
_MESSAGE_MB = 2


def _message(n: int, size: int) -> bytes:
    line = (b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/" * 1)[:76]
    body = (line + b"\r\n") * (size // 78)
    return (
        f"From: labo@labo-sandbox.mssante.fr\r\nTo: jean.martin@hopital-sandbox.mssante.fr\r\n"
        f"Subject: Resultats {n}\r\nMessage-ID: <bench-{n}@labo-sandbox>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
    ).encode() + body


def _download(open_imap: Callable[[], Any]) -> tuple[float, int]:
    imap = open_imap()
    try:
        imap.select_folder(_FOLDER, readonly=True)
        uids = imap.search("ALL")
        start = time.perf_counter()
        data = imap.fetch(uids, ["BODY.PEEK[]"])
        elapsed = time.perf_counter() - start
        size = sum(len(item[b"BODY[]"]) for item in data.values())
    finally:
        imap.logout()
    return elapsed, size


def run(megabytes: int = MEGABYTES) -> list[dict[str, Any]]:
    """Measure both paths; one row with the throughput ratio."""
    from client.auth import CertificateTlsAuthenticator, PscAuthenticator, trust_for_profile
    from client.profiles import load_profile
    from cps.service import CardService
    from sandbox.operator import Sandbox
    from tests.helpers.fake_token import FakePinPrompt

    with tempfile.TemporaryDirectory(prefix="bench-cardtls-") as folder:
        sandbox = Sandbox(Path(folder) / "sandbox", with_reader=False)
        sandbox.start()
        previous = os.environ.get("SOFTHSM2_CONF")
        os.environ.update(sandbox.card.environment())
        service = CardService.for_module(Path(sandbox.card.module))
        try:
            profile = load_profile(sandbox.profile)
            trust = trust_for_profile(profile)
            signer = service.signer(FakePinPrompt(sandbox.card.pin))
            card = CertificateTlsAuthenticator(profile, signer, trust)
            psc_profile = load_profile(sandbox.profile_psc)
            psc = PscAuthenticator(psc_profile, trust_for_profile(psc_profile), signer)

            imap = card.open_imap()
            try:
                imap.create_folder(_FOLDER)
                for n in range(max(1, megabytes // _MESSAGE_MB)):
                    imap.append(_FOLDER, _message(n, _MESSAGE_MB * 1024 * 1024))
            finally:
                imap.logout()

            card_times, ssl_times, size = [], [], 0
            for _ in range(3):
                elapsed, size = _download(card.open_imap)
                card_times.append(elapsed)
                elapsed, _ = _download(psc.open_imap)
                ssl_times.append(elapsed)
            psc.close()
        finally:
            service.close()
            if previous is None:
                os.environ.pop("SOFTHSM2_CONF", None)
            else:
                os.environ["SOFTHSM2_CONF"] = previous
            sandbox.stop(purge=True)

    card_mbps = size / min(card_times) / 1e6
    ssl_mbps = size / min(ssl_times) / 1e6
    ratio = card_mbps / ssl_mbps
    return [{
        "name": f"card TLS IMAP download, {size / 1e6:.0f} MB (MB/s vs stdlib ssl)",
        "measured": round(card_mbps, 1),
        "baseline": round(ssl_mbps, 1),
        "ratio": round(ratio, 3),
        "target": f">= {TARGET}",
        "met": ratio >= TARGET,
    }]


if __name__ == "__main__":
    rows = run(int(sys.argv[1]) if len(sys.argv) > 1 else MEGABYTES)
    print(json.dumps(rows, indent=2))
