"""Composing messages: new, reply, reply-all, forward (inline or attached), receipts.

Every message gets a Message-ID (the outbox key), a Date, ``X-MSS-NIL`` (the sending
software) and, on request, ``Disposition-Notification-To`` (RFC 8098 section 2.1) and
``X-MSS-MES: FIN`` (no reply expected from a patient). An ``IHE_XDM.ZIP`` attached with
:attr:`Draft.xdm` brings ``X-MSS-CODECDA``/``X-MSS-INS`` computed from its metadata.
"""

from __future__ import annotations

import email.message
import email.policy
import email.utils
import logging
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from client import __version__
from client.mail.errors import InvalidMessage
from client.mail.reading import ReadMessage, display_subject

__all__ = [
    "DEFAULT_NIL",
    "AttachmentSource",
    "Draft",
    "build_message",
    "forward",
    "forwarded_xdm",
    "reply",
]

logger = logging.getLogger(__name__)

#: ``X-MSS-NIL``: identifies the sending software to the operator (MSSanté DATIS).
DEFAULT_NIL = f"Compagnon MSSante {__version__}"

XDM_FILENAME = "IHE_XDM.ZIP"


@dataclass(frozen=True)
class AttachmentSource:
    """An attachment to send: name, bytes (never in a repr: health documents reach logs
    no other way) and MIME type."""

    filename: str
    data: bytes = field(repr=False)
    content_type: str = "application/octet-stream"

    @classmethod
    def from_path(cls, path: Path) -> AttachmentSource:
        """Read a file (type guessed from its name)."""
        guessed, _ = mimetypes.guess_type(path.name)
        return cls(path.name, path.read_bytes(), guessed or "application/octet-stream")


@dataclass(frozen=True)
class Draft:
    """A message being written."""

    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    subject: str = ""
    body: str = ""
    attachments: tuple[AttachmentSource, ...] = ()
    xdm: bytes | None = None
    receipt: bool = False
    no_patient_reply: bool = False
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    forwarded: bytes | None = field(default=None, repr=False)
    #: names one draft across its saves (its Message-ID in the Drafts folder); "" for a
    #: message sent at once.
    draft_id: str = ""
    #: attachments still on disk, read when the message is built: a compose window keeps
    #: paths and never reads files on its GUI thread.
    files: tuple[Path, ...] = ()
    #: an ``IHE_XDM.ZIP`` still on disk (the structured-document dialog's package), read
    #: into ``xdm`` when the message is built.
    xdm_file: Path | None = None

    @property
    def recipients(self) -> tuple[str, ...]:
        """Every envelope recipient (To, Cc and Bcc), without duplicates."""
        seen: dict[str, None] = {}
        for value in (*self.to, *self.cc, *self.bcc):
            for _, addr in email.utils.getaddresses([value]):
                if addr:
                    seen.setdefault(addr, None)
        return tuple(seen)

    def is_empty(self) -> bool:
        """Nothing typed or attached yet."""
        return not (self.to or self.cc or self.bcc or self.subject or self.body
                    or self.attachments or self.files or self.xdm is not None
                    or self.xdm_file is not None or self.forwarded is not None)

    def with_files_read(self) -> Draft:
        """The draft with ``files`` and ``xdm_file`` read into ``attachments`` and ``xdm``.

        Raises:
            OSError: a file cannot be read.
        """
        if not self.files and self.xdm_file is None:
            return self
        xdm = self.xdm
        if self.xdm_file is not None and xdm is None:
            xdm = self.xdm_file.read_bytes()
        return replace(self, attachments=(*self.attachments,
                                          *(AttachmentSource.from_path(p) for p in self.files)),
                       files=(), xdm=xdm, xdm_file=None)


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[-1] if "@" in address else "localhost"


def _check_header(name: str, value: str) -> str:
    if "\n" in value or "\r" in value:
        raise InvalidMessage(f"the {name} field contains a line break")
    return value


def build_message(
    draft: Draft, sender: str, *, nil: str = DEFAULT_NIL, sender_name: str = ""
) -> email.message.EmailMessage:
    """The RFC 5322 message for ``draft`` (Bcc is left out of the headers).

    Raises:
        InvalidMessage: no recipient, a header with a line break, an unreadable XDM.
        OSError: a file of ``draft.files`` (or its ``xdm_file``) cannot be read.
    """
    draft = draft.with_files_read()
    if not draft.recipients:
        raise InvalidMessage("the message has no recipient")
    msg = email.message.EmailMessage(policy=email.policy.SMTP)
    msg["From"] = email.utils.formataddr((sender_name, sender)) if sender_name else sender
    if draft.to:
        msg["To"] = ", ".join(_check_header("To", a) for a in draft.to)
    if draft.cc:
        msg["Cc"] = ", ".join(_check_header("Cc", a) for a in draft.cc)
    msg["Subject"] = _check_header("Subject", draft.subject)
    msg["Date"] = email.utils.format_datetime(email.utils.localtime())
    msg["Message-ID"] = email.utils.make_msgid(domain=_domain(sender))
    msg["MIME-Version"] = "1.0"
    if draft.in_reply_to:
        msg["In-Reply-To"] = _check_header("In-Reply-To", draft.in_reply_to)
    if draft.references:
        msg["References"] = " ".join(_check_header("References", r) for r in draft.references)
    msg["X-MSS-NIL"] = _check_header("X-MSS-NIL", nil)
    if draft.no_patient_reply:
        msg["X-MSS-MES"] = "FIN"
    if draft.receipt:
        # RFC 8098 section 2.1: where the reader's client should send the MDN.
        msg["Disposition-Notification-To"] = sender
    if draft.xdm is not None:
        for name, value in _xdm_headers(draft.xdm).items():
            msg[name] = value
    elif draft.forwarded is not None:
        # A structured document forwarded inside a message/rfc822 part: this message
        # carries it, so it announces it as its own (ECO.2.4.1, ECO.2.4.2).
        inner_xdm = forwarded_xdm(draft.forwarded)
        if inner_xdm is not None:
            for name, value in _xdm_headers(inner_xdm).items():
                msg[name] = value
    msg.set_content(draft.body or "", charset="utf-8")
    if draft.xdm is not None:
        msg.add_attachment(
            draft.xdm, maintype="application", subtype="zip", filename=XDM_FILENAME
        )
    for attachment in draft.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        msg.add_attachment(
            attachment.data,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    if draft.forwarded is not None:
        inner = email.message_from_bytes(draft.forwarded, policy=email.policy.default)
        msg.add_attachment(inner)
    return msg


def forwarded_xdm(raw: bytes) -> bytes | None:
    """The ``IHE_XDM.ZIP`` carried by the message ``raw``, if any."""
    inner = email.message_from_bytes(raw, policy=email.policy.default)
    for part in inner.walk():
        name = part.get_filename() or ""
        if name.upper() == XDM_FILENAME:
            payload = part.get_payload(decode=True)
            return payload if isinstance(payload, bytes) else None
    return None


def _xdm_headers(package: bytes) -> dict[str, str]:
    from client.xdm.errors import XdmError
    from client.xdm.message import xdm_message_headers

    try:
        return xdm_message_headers(package)
    except XdmError as exc:
        raise InvalidMessage(f"the XDM package is not valid: {exc}") from exc


def _prefixed(prefix: str, subject: str) -> str:
    return subject if subject.lower().startswith(prefix.lower()) else f"{prefix} {subject}"


def _addr(value: str) -> str:
    return email.utils.parseaddr(value)[1].lower()


def reply(original: ReadMessage, me: str, *, reply_all: bool = False, body: str = "") -> Draft:
    """A reply (to Reply-To, else From); ``reply_all`` adds the other recipients to Cc."""
    to = original.reply_to or ((original.sender,) if original.sender else ())
    cc: tuple[str, ...] = ()
    if reply_all:
        mine = {_addr(me)} | {_addr(a) for a in to}
        cc = tuple(a for a in (*original.to, *original.cc) if _addr(a) not in mine)
    quoted = "\n".join(f"> {line}" for line in original.text.splitlines())
    when = original.date.strftime("%d/%m/%Y %H:%M") if original.date else ""
    intro = f"Le {when}, {original.sender} a écrit :" if when else f"{original.sender} a écrit :"
    references = tuple(original.references) + (
        (original.message_id,) if original.message_id else ()
    )
    return Draft(
        to=to,
        cc=cc,
        # A reply carries no structured document: the integration marker would tell the
        # colleague's software to file one (and shows the doctor "XDM/1.0/DDM+").
        subject=_prefixed("Re:", display_subject(original.subject)),
        body=f"{body}\n\n{intro}\n{quoted}\n" if quoted else body,
        in_reply_to=original.message_id,
        references=references,
    )


def forward(
    original: ReadMessage,
    raw: bytes,
    *,
    to: Sequence[str] = (),
    inline: bool = True,
    body: str = "",
) -> Draft:
    """Forward inline (quoted text plus the original attachments) or as ``message/rfc822``."""
    subject = _prefixed("Tr:", original.subject)
    if not inline:
        return Draft(to=tuple(to), subject=subject, body=body, forwarded=raw)
    header = "\n".join(
        [
            "-------- Message transféré --------",
            f"De : {original.sender}",
            f"Date : {original.date.strftime('%d/%m/%Y %H:%M') if original.date else ''}",
            f"Objet : {display_subject(original.subject)}",
            f"À : {', '.join(original.to)}",
            "",
        ]
    )
    # The structured document goes on as the XDM of the new message (its X-MSS-* headers
    # are computed from it by build_message); its PDF rendering and the rest as they are.
    xdm = next((a.data for a in original.attachments
                if a.filename.upper() == XDM_FILENAME and not a.inline), None)
    attachments = tuple(
        AttachmentSource(a.filename or f"piece-jointe-{a.index + 1}", a.data, a.content_type)
        for a in original.attachments
        if not (xdm is not None and a.filename.upper() == XDM_FILENAME)
    )
    draft = Draft(to=tuple(to), subject=subject, body=f"{body}\n\n{header}\n{original.text}")
    return replace(draft, attachments=attachments, xdm=xdm)
