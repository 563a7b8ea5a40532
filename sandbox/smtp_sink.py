"""The sandbox's onward SMTP relay (runs as its own process).

Dovecot submission relays every accepted message here. Recipients in the sandbox domains
are delivered into their mailboxes over LMTP (RFC 2033) to the same Dovecot; anything else
("the rest of the MSSanté trust space and beyond") is appended to an ``outbound`` mbox that
tests inspect. Unknown local recipients are refused at RCPT time (550 5.1.1), as an operator
would.

Run: ``python -m sandbox.smtp_sink CONFIG.json``.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import logging
import smtplib
import socket
import sys
import time
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

__all__ = ["SinkConfig", "SinkHandler", "main"]

logger = logging.getLogger(__name__)


@dataclass
class SinkConfig:
    """The sink's JSON configuration."""

    host: str
    port: int
    lmtp_port: int
    outbound_mbox: str
    local_domains: list[str]
    local_addresses: list[str]


class SinkHandler:
    """aiosmtpd handler: LMTP for local recipients, mbox for the others."""

    def __init__(self, config: SinkConfig) -> None:
        self.config = config
        self._domains = {d.lower() for d in config.local_domains}
        self._addresses = {a.lower() for a in config.local_addresses}

    def _is_local(self, address: str) -> bool:
        return address.rpartition("@")[2].lower() in self._domains

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str,
        rcpt_options: list[str],
    ) -> str:  # fmt: skip
        if self._is_local(address) and address.lower() not in self._addresses:
            return f"550 5.1.1 <{address}>: mailbox unknown in this sandbox"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        content = envelope.original_content or b""
        local = [r for r in envelope.rcpt_tos if self._is_local(r)]
        remote = [r for r in envelope.rcpt_tos if not self._is_local(r)]
        sender = envelope.mail_from or ""
        if local:
            try:
                await asyncio.to_thread(self._deliver_lmtp, sender, local, content)
            except (OSError, smtplib.SMTPException) as exc:
                logger.error("LMTP delivery failed: %s", exc)
                return "451 4.3.0 local delivery failed, try again later"
        if remote:
            await asyncio.to_thread(self._append_outbound, sender, remote, content)
        logger.info("accepted message from %s: %d local, %d outbound recipient(s)",
                    sender, len(local), len(remote))  # fmt: skip
        return "250 2.0.0 OK: queued"

    def _deliver_lmtp(self, sender: str, recipients: list[str], content: bytes) -> None:
        with smtplib.LMTP(self.config.host, self.config.lmtp_port, timeout=30) as lmtp:
            refused = lmtp.sendmail(sender, recipients, content)
        if refused:
            raise smtplib.SMTPRecipientsRefused(refused)

    def _append_outbound(self, sender: str, recipients: list[str], content: bytes) -> None:
        # mboxrd (RFC 4155): "From " separator line, ">From " quoting of body lines.
        lines = content.replace(b"\r\n", b"\n").split(b"\n")
        quoted = [b">" + line if line.lstrip(b">").startswith(b"From ") else line
                  for line in lines]  # fmt: skip
        header = f"From {sender or 'MAILER-DAEMON'} {time.asctime(time.gmtime())}\n"
        extra = f"X-Sandbox-Envelope-To: {', '.join(recipients)}\nX-Sandbox-Received: " \
                f"{formatdate(localtime=False)}\n"  # fmt: skip
        blob = header.encode() + extra.encode() + b"\n".join(quoted).rstrip(b"\n") + b"\n\n"
        with open(self.config.outbound_mbox, "ab") as mbox:
            fcntl.flock(mbox, fcntl.LOCK_EX)
            mbox.write(blob)


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``python -m sandbox.smtp_sink CONFIG.json``."""
    args = sys.argv[1:] if argv is None else argv
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    config = SinkConfig(**json.loads(Path(args[0]).read_text()))
    Path(config.outbound_mbox).touch()
    # Fail fast when the port is taken (aiosmtpd would first wait for its ready timeout).
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((config.host, config.port))
    kwargs: dict[str, Any] = {"data_size_limit": 50 * 1024 * 1024}
    controller = Controller(SinkHandler(config), hostname=config.host, port=config.port,
                            server_kwargs=kwargs)  # fmt: skip
    controller.start()
    print("READY", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
