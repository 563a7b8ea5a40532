"""Sending under MSSanté rules: policy check, build, outbox, submit, file in Sent.

:meth:`MailSender.send` is what the CLI and the desktop app call. Order matters: the
recipient policy runs first (a refusal stores and sends nothing), then the message is
built and stored in the outbox, then submitted.
"""

from __future__ import annotations

import email.message
import email.utils
import logging
from dataclasses import dataclass

from client.audit import record as audit_record
from client.mail.compose import DEFAULT_NIL, Draft, build_message
from client.mail.errors import MailError, RecipientRefused, SubmissionFailed
from client.mail.mailbox import Mailbox
from client.mail.outbox import Outbox, SubmitOutcome
from client.mail.policy import RecipientPolicy, RecipientVerdict
from client.sessions import SessionOpener

__all__ = ["MailSender", "SendReport"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SendReport:
    """The result of a send: the Message-ID, patients among the recipients, the outcome."""

    message_id: str
    verdicts: tuple[RecipientVerdict, ...]
    outcome: SubmitOutcome

    @property
    def patients(self) -> tuple[str, ...]:
        """Recipients that are patients' mailboxes."""
        return tuple(v.address for v in self.verdicts if v.patient)


class MailSender:
    """Sends drafts for one account."""

    def __init__(
        self,
        opener: SessionOpener,
        outbox: Outbox,
        policy: RecipientPolicy,
        mailbox: Mailbox | None = None,
        *,
        nil: str = DEFAULT_NIL,
        sender_name: str = "",
    ) -> None:
        self.opener = opener
        self.outbox = outbox
        self.policy = policy
        self.mailbox = mailbox
        self.nil = nil
        self.sender_name = sender_name

    def send(self, draft: Draft, *, replying_to: tuple[str, int] | None = None) -> SendReport:
        """Check, store, submit and file ``draft``.

        ``replying_to`` (folder, UID) gets the ``\\Answered`` flag once the reply is sent.

        Raises:
            RecipientRefused: a recipient is outside the trust space (nothing stored).
            InvalidMessage: the draft cannot be built.
            SubmissionFailed: not accepted now; the message stays in the outbox.
        """
        verdicts = self._check(draft.recipients)
        message = build_message(
            draft, self.opener.address, nil=self.nil, sender_name=self.sender_name
        )
        if draft.receipt:  # RFC 8098 section 2.1: Disposition-Notification-To was set
            audit_record("receipt-requested", message_id=str(message["Message-ID"]))
        report = self._queue_and_submit(message.as_bytes(), draft.recipients, verdicts)
        if replying_to is not None and self.mailbox is not None:
            folder, uid = replying_to
            try:
                self.mailbox.add_flags(folder, [uid], ["\\Answered"])
            except MailError:
                logger.warning("reply sent, but the original could not be flagged answered")
        return report

    def _check(self, recipients: tuple[str, ...]) -> list[RecipientVerdict]:
        """The policy check; a refusal is recorded in the audit trail."""
        try:
            return self.policy.check(recipients, sender=self.opener.address)
        except RecipientRefused as exc:
            audit_record("recipient-refused", address=exc.address, rule=exc.rule)
            raise

    def send_raw(self, message: email.message.EmailMessage) -> SendReport:
        """Send an already built message (an MDN...) through the same policy and outbox."""
        recipients = tuple(
            addr
            for _, addr in email.utils.getaddresses(
                [str(v) for h in ("To", "Cc", "Bcc") for v in message.get_all(h, [])]
            )
            if addr
        )
        verdicts = self._check(recipients)
        if "Bcc" in message:
            del message["Bcc"]
        report = self._queue_and_submit(message.as_bytes(), recipients, verdicts)
        if message.get_content_type() == "multipart/report":  # an MDN (RFC 8098 section 3)
            audit_record("receipt-sent", message_id=report.message_id, to=list(recipients))
        return report

    def _queue_and_submit(
        self, raw: bytes, recipients: tuple[str, ...], verdicts: list[RecipientVerdict]
    ) -> SendReport:
        message_id = self.outbox.enqueue(raw, self.opener.address, recipients)
        logger.info("message queued; submitting")
        (outcome,) = self.outbox.flush(self.opener, self.mailbox, only=message_id)
        if not outcome.sent:
            raise SubmissionFailed(
                message_id, outcome.reason, permanent=outcome.state == "failed"
            )
        return SendReport(message_id, tuple(verdicts), outcome)

    def retry(self) -> list[SubmitOutcome]:
        """Submit again whatever is still queued (after a failure or a restart)."""
        return self.outbox.flush(self.opener, self.mailbox)
