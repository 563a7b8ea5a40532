"""Submission over one kept-open SMTP session, with the journal's ``dot`` step.

smtplib's ``sendmail`` sends the content and the final ``.`` in one write; here the
content leaves first, the journal records ``dot`` durably, and only then the three bytes
``.\\r\\n`` end the DATA phase (RFC 5321 section 4.1.1.4). A message whose ``dot`` was
recorded is never submitted again, whatever happens next.

Failures are sorted by the reply codes (RFC 5321 section 4.2.1): 5yz is permanent,
4yz and lost connections are temporary.
"""

from __future__ import annotations

import contextlib
import logging
import re
import smtplib
import socket
from dataclasses import dataclass, field
from typing import Literal

from client.sessions import SessionOpener
from client.spool.envelope import Prepared
from client.spool.journal import Journal

__all__ = ["Outcome", "Submitter"]

logger = logging.getLogger(__name__)

Kind = Literal["accepted", "unconfirmed", "permanent", "temporary"]


@dataclass(frozen=True)
class Outcome:
    """What happened to one submission.

    ``unconfirmed``: the final dot left but no reply came (the connection dropped); the
    message is treated as sent and never submitted again.
    """

    kind: Kind
    reason: str = ""
    refused: dict[str, str] = field(default_factory=dict)


def _reply(code: int, text: bytes | str) -> str:
    message = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {message}".strip()


def _failure(code: int, text: bytes | str) -> Outcome:
    return Outcome("permanent" if code >= 500 else "temporary", _reply(code, text))


def dot_stuffed(raw: bytes) -> bytes:
    """The DATA content without its final dot: CRLF line ends, leading dots doubled."""
    data = re.sub(rb"\r\n|\r|\n", b"\r\n", raw)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return re.sub(rb"(?m)^\.", b"..", data)


class Submitter:
    """Submits prepared messages for one mailbox over a session kept open between them."""

    def __init__(self, opener: SessionOpener, journal: Journal) -> None:
        self.opener = opener
        self.journal = journal
        self._smtp: smtplib.SMTP | None = None

    def close(self) -> None:
        """End the session politely (QUIT)."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                smtp.quit()
            smtp.close()

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            with contextlib.suppress(OSError):
                smtp.close()

    def submit(self, message: Prepared) -> Outcome:
        """Submit ``message`` once; a dead kept-open session is reopened once first."""
        for reused in (self._smtp is not None, False):
            try:
                outcome = self._transaction(message)
                if outcome.kind != "accepted":
                    self._settle()
                return outcome
            except (smtplib.SMTPServerDisconnected, OSError) as exc:
                self._drop()
                if reused:
                    logger.info("submission session closed by the server; reopening")
                    continue
                return Outcome("temporary", f"connection to the submission server lost: {exc}")
            except smtplib.SMTPException as exc:
                self._drop()
                return Outcome("temporary", f"submission failed: {exc}")
        return Outcome("temporary", "the submission server keeps closing the session")

    def _settle(self) -> None:
        """After a failure: back to a clean session (RSET), or none if it will not."""
        smtp = self._smtp
        if smtp is None:
            return
        try:
            code, _ = smtp.rset()
        except (smtplib.SMTPException, OSError):
            code = 0
        if code != 250:
            self._drop()

    def _session(self) -> smtplib.SMTP:
        if self._smtp is None:
            smtp = self.opener.open_smtp()
            smtp.ehlo_or_helo_if_needed()
            # The final dot leaves alone, after the journal commit: Nagle's algorithm
            # (RFC 896) would hold it until the content is acknowledged, and a delayed
            # ACK (RFC 1122 section 4.2.3.2) costs up to 40 ms per message.
            if smtp.sock is not None:
                with contextlib.suppress(OSError, AttributeError):
                    smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._smtp = smtp
        return self._smtp

    def _transaction(self, message: Prepared) -> Outcome:
        try:
            smtp = self._session()
        except (smtplib.SMTPException, OSError):
            raise
        except Exception as exc:  # sign-in errors: worded, retried later
            self._drop()
            return Outcome("temporary", f"cannot open a submission session: {exc}")
        data = dot_stuffed(message.raw)
        options: list[str] = []
        if smtp.has_extn("size"):
            limit = int((smtp.esmtp_features.get("size") or "0").split()[0] or 0)
            if limit and len(data) > limit:  # RFC 1870: the server announced its refusal
                return Outcome("permanent", f"message of {len(data)} bytes, server limit "
                                            f"{limit}")
            options.append(f"SIZE={len(data) + 3}")
        replies = self._envelope(smtp, message, options)
        code, text = replies[0]
        if code != 250:
            return _failure(code, text)
        refused: dict[str, str] = {}
        for recipient, (code, text) in zip(message.recipients, replies[1:-1], strict=True):
            if code not in (250, 251):
                refused[recipient] = _reply(code, text)
        code, text = replies[-1]
        if len(refused) == len(message.recipients):
            if code == 354:  # RFC 2920 section 3.1: end the DATA that should not have begun
                smtp.send(b".\r\n")
                smtp.getreply()
            detail = "; ".join(f"{a}: {r}" for a, r in refused.items())
            return Outcome("permanent" if all(r.startswith("5") for r in refused.values())
                           else "temporary", f"recipients refused: {detail}")
        if code != 354:
            return _failure(code, text)
        smtp.send(data)
        self.journal.mark_dot(message.message_id)
        try:
            smtp.send(b".\r\n")
        except (smtplib.SMTPException, OSError) as exc:
            # The dot did not leave: the server discards the transaction; sent again later.
            self._drop()
            return Outcome("temporary", f"connection lost before the end of the message: {exc}")
        try:
            code, text = smtp.getreply()
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            return Outcome("unconfirmed", f"no reply after the end of the message: {exc}")
        if code != 250:
            return _failure(code, text)
        return Outcome("accepted", _reply(code, text), refused)

    @staticmethod
    def _envelope(smtp: smtplib.SMTP, message: Prepared,
                  options: list[str]) -> list[tuple[int, bytes]]:
        """MAIL, RCPT... and DATA; their replies in order.

        With PIPELINING (RFC 2920) the commands leave in one write and the replies are
        read afterwards: one round trip instead of two plus one per recipient.
        """
        mail = f"MAIL FROM:{smtplib.quoteaddr(message.sender)}" + "".join(
            f" {o}" for o in options)
        commands = [mail] + [f"RCPT TO:{smtplib.quoteaddr(r)}" for r in message.recipients]
        commands.append("DATA")
        if smtp.does_esmtp and smtp.has_extn("pipelining"):
            smtp.send("".join(f"{c}\r\n" for c in commands))
            return [smtp.getreply() for _ in commands]
        replies = []
        for command in commands:
            smtp.putcmd(command)
            replies.append(smtp.getreply())
            if replies[-1][0] >= 400 and command.startswith("MAIL"):
                break  # RFC 5321 section 3.3: no transaction to continue
        if len(replies) < len(commands):
            replies += [(503, b"not sent")] * (len(commands) - len(replies))
        return replies

