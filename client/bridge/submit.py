"""Outgoing mail from the bridge: the app's recipient policy, outbox and sending path.

The SMTP side hands each accepted message here. What the desktop app's "send" does
happens in the same order (:class:`client.mail.sending.MailSender`): the recipient policy
(:class:`client.mail.policy.RecipientPolicy`, checked already at ``RCPT`` so the mail
client shows which address was refused), then the account's outbox stores the message
before submission, then the operator's submission server gets it over the signed-in
session and a copy is filed in Sent. The message bytes are the mail client's, untouched;
only a missing ``Message-ID`` (the outbox's key) is added as a first header line.
"""

from __future__ import annotations

import email.utils
import logging
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from client.bridge.gate import CardGate
from client.mail.mailbox import Mailbox
from client.mail.outbox import Outbox, SubmitOutcome
from client.mail.policy import RecipientPolicy, RecipientVerdict

__all__ = ["CacheOpener", "OutboxSubmitter", "ensure_message_id"]

logger = logging.getLogger(__name__)

#: Opens the account's mail cache (its encrypted store holds the outbox).
CacheOpener = Callable[[str], AbstractContextManager[Any]]


def _default_cache(address: str) -> AbstractContextManager[Any]:
    from client.mail.cache import MailCache

    return MailCache.open(address)


def ensure_message_id(raw: bytes, address: str) -> bytes:
    """``raw`` itself when it has a Message-ID header, else with one prepended."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    for line in head.splitlines():
        if line[:11].lower() == b"message-id:":
            return raw
    domain = address.rsplit("@", 1)[-1]
    return f"Message-ID: {email.utils.make_msgid(domain=domain)}\r\n".encode() + raw


class _GateOpener:
    """The gate seen as a SessionOpener: a removal during submission is noticed."""

    def __init__(self, gate: CardGate) -> None:
        self._gate = gate

    @property
    def address(self) -> str:
        return self._gate.address

    def open_imap(self) -> Any:
        return self._gate.open_imap()

    def open_smtp(self) -> Any:
        return self._gate.open_smtp()


class OutboxSubmitter:
    """Checks recipients and submits messages for the bridge's account.

    Args:
        gate: the card gate (signed-in opener, or CardAbsent).
        policy: the app's recipient policy (liste blanche).
        open_cache: opens the account's cache (default: :meth:`MailCache.open`).
    """

    def __init__(self, gate: CardGate, policy: RecipientPolicy, *,
                 open_cache: CacheOpener | None = None) -> None:
        self.gate = gate
        self.policy = policy
        self._open_cache = open_cache or _default_cache
        # One submission at a time: the outbox is one SQLite file, and the operator
        # gains nothing from parallel submissions of one user.
        self._lock = threading.Lock()

    def check_recipient(self, address: str) -> RecipientVerdict:
        """The policy's verdict for one recipient.

        Raises:
            client.mail.errors.RecipientRefused: outside the trust space, malformed...
        """
        (verdict,) = self.policy.check([address], sender=self.gate.address)
        return verdict

    def submit(self, recipients: list[str], raw: bytes) -> SubmitOutcome:
        """Store in the outbox, submit, file in Sent; the outcome says what happened.

        Raises:
            CardAbsent: no card session (nothing stored).
            client.mail.errors.RecipientRefused: a recipient is refused (nothing stored).
            client.mail.errors.InvalidMessage: the outbox cannot take the message.
            client.mail.errors.CacheKeyUnavailable: the outbox cannot be opened.
        """
        self.policy.check(recipients, sender=self.gate.address)
        with self._lock:
            self.gate.opener()  # CardAbsent before anything is stored
            opener = _GateOpener(self.gate)
            raw = ensure_message_id(raw, opener.address)
            with self._open_cache(opener.address) as cache, Mailbox(opener) as mailbox:
                outbox = Outbox(cache.store)
                message_id = outbox.enqueue(raw, opener.address, recipients)
                (outcome,) = outbox.flush(opener, mailbox, only=message_id)
        logger.info("bridge message %s: %s", "submitted" if outcome.sent else outcome.state,
                    outcome.state)
        return outcome
