"""Card signatures in a simulated working day with the card-TLS profile.

The day, against the sandbox operator (Dovecot, the virtual CPS card in SoftHSM2): sign in
(IMAP), keep an IDLE session, send 10 messages (one submission session each), and live
through 3 restarts of the mail server (every session dropped, both reopened). Each TLS
connection after the first resumes the first one's session (:mod:`client.tls.resumption`)
instead of asking the card for a signature. Target: 1 signature for the whole day; the
baseline column is the number of TLS connections, what the day costs without resumption.
Run alone: ``python -m benchmarks.card_signatures``.
"""

from __future__ import annotations

import json
import os
import tempfile
from email.message import EmailMessage
from pathlib import Path

from client.auth import CertificateTlsAuthenticator, trust_for_profile
from client.profiles import load_profile
from cps.service import CardService
from sandbox.identities import DOCTOR
from sandbox.operator import Sandbox
from tests.helpers.fake_token import FakePinPrompt

__all__ = ["run"]

SENDS = 10
RESTARTS = 3
TARGET = 1


def _letter(n: int) -> bytes:
    message = EmailMessage()
    message["From"] = DOCTOR.address
    message["To"] = DOCTOR.address
    message["Subject"] = f"Journée simulée {n}"
    message.set_content("Message de la journée simulée.")
    return message.as_bytes()


def run() -> list[dict[str, object]]:
    """One row: the card signatures of the day, against the number of TLS connections."""
    with tempfile.TemporaryDirectory(prefix="bench-signatures-") as tmp:
        sandbox = Sandbox(Path(tmp) / "sbx", with_reader=False)
        sandbox.start()
        # SoftHSM2 finds the virtual card's token directory through its environment.
        os.environ.update(sandbox.card.environment())
        service = CardService.for_module(Path(sandbox.card.module))
        try:
            profile = load_profile(sandbox.profile)
            signer = service.signer(FakePinPrompt(sandbox.card.pin))
            auth = CertificateTlsAuthenticator(profile, signer, trust_for_profile(profile))
            connections = 0

            def open_mailbox() -> tuple[object, object]:
                nonlocal connections
                imap = auth.open_imap()
                imap.select_folder("INBOX", readonly=True)
                idle = auth.open_imap()
                idle.select_folder("INBOX", readonly=True)
                idle.idle()
                idle.idle_check(timeout=0.1)
                connections += 2
                return imap, idle

            imap, idle = open_mailbox()
            for n in range(SENDS):
                smtp = auth.open_smtp()
                connections += 1
                smtp.sendmail(DOCTOR.address, [DOCTOR.address], _letter(n))
                smtp.quit()
            for _ in range(RESTARTS):
                sandbox.restart_dovecot()
                # The sessions died with the server: the app reconnects both.
                for session in (imap, idle):
                    try:
                        session.shutdown()  # type: ignore[attr-defined]
                    except OSError:
                        pass
                imap, idle = open_mailbox()
            for session in (imap, idle):
                try:
                    session.shutdown()  # type: ignore[attr-defined]
                except OSError:
                    pass
            signatures = signer.signature_count
        finally:
            service.close()
            sandbox.stop(purge=True)
    day = f"sign-in, IDLE, {SENDS} sends, {RESTARTS} server restarts"
    return [{
        "name": f"card signatures in a simulated day ({day}; baseline: TLS connections)",
        "measured": signatures,
        "baseline": connections,
        "ratio": round(signatures / connections, 3),
        "target": f"{TARGET}",
        "met": signatures <= TARGET,
    }]


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
