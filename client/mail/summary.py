"""Message summaries: what a list shows, built from an IMAP FETCH of ENVELOPE and friends.

The same FETCH items feed the mailbox list and the cache sync (:data:`SUMMARY_ITEMS`), so
one conversion serves both; it is on the hot path of a 10,000-message sync, hence the
fast path for headers that carry no RFC 2047 encoded word.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import email.errors
import email.header
import functools
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "STRUCTURED_SUBJECT",
    "SUMMARY_ITEMS",
    "MessageSummary",
    "decode_header_text",
    "format_addresses",
    "FetchedRow",
    "fetched_row",
    "has_attachments",
    "envelope_texts",
    "summary_from_envelope",
    "summary_from_fetch",
]

logger = logging.getLogger(__name__)

#: The subject prefix of a message carrying an IHE XDM package (MSSanté integration
#: convention, ``XDM/1.0/DDM+...``).
STRUCTURED_SUBJECT = "XDM/1.0/"

#: FETCH items of a summary (RFC 3501 section 6.4.5); MODSEQ is added when CONDSTORE is on.
SUMMARY_ITEMS: tuple[str, ...] = (
    "UID",
    "FLAGS",
    "INTERNALDATE",
    "RFC822.SIZE",
    "ENVELOPE",
    "BODYSTRUCTURE",
)


@dataclass(frozen=True)
class MessageSummary:
    """One line of a message list (the ``mail list --json`` item)."""

    uid: int
    sender: str
    to: tuple[str, ...]
    subject: str
    date: dt.datetime | None
    flags: tuple[str, ...]
    size: int
    has_attachments: bool
    message_id: str = ""
    cc: tuple[str, ...] = ()
    modseq: int = 0
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)
    #: read receipts of a sent message: "" (none known), "requested", "read" (an MDN came
    #: back), "failed"; set by whoever links receipts (the cache knows none).
    receipt: str = ""

    @property
    def seen(self) -> bool:
        """Whether the message was read (``\\Seen``)."""
        return "\\Seen" in self.flags

    @property
    def flagged(self) -> bool:
        """Whether the user marked it (``\\Flagged``)."""
        return "\\Flagged" in self.flags

    @property
    def structured(self) -> bool:
        """Whether it carries a structured document (IHE XDM integration subject)."""
        return self.subject.startswith(STRUCTURED_SUBJECT)

    def to_json(self) -> dict[str, Any]:
        """The ``mail list --json`` item (keys are the CLI contract)."""
        return {
            "uid": self.uid,
            "from": self.sender,
            "to": list(self.to),
            "cc": list(self.cc),
            "subject": self.subject,
            "date": self.date.isoformat() if self.date else None,
            "flags": list(self.flags),
            "size": self.size,
            "has_attachments": self.has_attachments,
            "message_id": self.message_id,
        }


def _text(value: bytes | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=")


def _word_bytes(encoding: str, data: str) -> bytes:
    if encoding in "Bb":
        return base64.b64decode(data + "=" * (-len(data) % 4))
    # binascii's C decoder; header=True maps "_" to a space (RFC 2047 section 4.2).
    return binascii.a2b_qp(data.encode("ascii"), header=True)


def _decode_words(text: str) -> str:
    """RFC 2047 decoding (section 6.2: whitespace between adjacent words is dropped).

    Adjacent words in one charset are joined as bytes before decoding, since a
    multi-byte character may be split across two words. Raises on anything odd; the
    caller falls back to the standard library.
    """
    out: list[str] = []
    pending = bytearray()
    pending_charset = ""
    position = 0
    for match in _ENCODED_WORD.finditer(text):
        between = text[position : match.start()]
        charset = match.group(1).split("*", 1)[0].lower()  # RFC 2231 language suffix
        adjacent = position > 0 and not between.strip() and pending_charset
        if not adjacent or charset != pending_charset:
            if pending:
                out.append(bytes(pending).decode(pending_charset))
                pending.clear()
            if not adjacent or charset != pending_charset:
                out.append(between if not adjacent else "")
        pending += _word_bytes(match.group(2), match.group(3))
        pending_charset = charset
        position = match.end()
    if pending:
        out.append(bytes(pending).decode(pending_charset))
    out.append(text[position:])
    return "".join(out)


def decode_header_text(value: bytes | str | None) -> str:
    """Decode an RFC 2047 header value (encoded words in any charset) into text.

    Unknown charsets and broken encoded words give the raw text rather than an error:
    a list must show something for a malformed header. This is on the sync hot path, so
    a small decoder handles the common case and the ``email`` package the rest.
    """
    text = _text(value)
    if "\n" in text or "\r" in text:
        text = " ".join(text.split())
    if "=?" not in text:
        return text
    try:
        return _decode_words(text)
    except (LookupError, UnicodeError, ValueError, binascii.Error):
        pass
    try:
        return str(email.header.make_header(email.header.decode_header(text)))
    except (LookupError, UnicodeError, ValueError, email.errors.HeaderParseError):
        logger.debug("undecodable header kept raw")
        return text


def _format_address(address: Any) -> str:
    return _format_parts(address.name, address.mailbox, address.host)


@functools.lru_cache(maxsize=4096)
def _format_parts(
    raw_name: bytes | None, raw_mailbox: bytes | None, raw_host: bytes | None
) -> str:
    # Correspondents repeat across a mailbox: caching their formatting pays on a sync.
    name = decode_header_text(raw_name) if raw_name else ""
    mailbox = _text(raw_mailbox)
    host = _text(raw_host)
    addr = f"{mailbox}@{host}" if host else mailbox
    if name and name != addr:
        return f"{name} <{addr}>"
    return addr


def format_addresses(addresses: Iterable[Any] | None) -> tuple[str, ...]:
    """Format IMAP ENVELOPE addresses as ``Name <mailbox@host>`` strings."""
    if not addresses:
        return ()
    # Group syntax (RFC 3501 ENVELOPE, host NIL) carries no address of its own.
    return tuple(_format_address(a) for a in addresses if a.host is not None or a.mailbox)


#: The machine-readable parts of a read receipt or a delivery report (RFC 6522, 8098,
#: 3464): the receipt reads as a sentence, so they are no attachment of the list's row.
_REPORT_PARTS = frozenset({
    ("message", "disposition-notification"), ("message", "delivery-status"),
    ("message", "global-disposition-notification"), ("message", "global-delivery-status"),
    ("text", "rfc822-headers"), ("message", "rfc822-headers"), ("message", "global-headers"),
})


def _leaf_is_attachment(part: Sequence[Any]) -> bool:
    main = _text(part[0]).lower() if part and isinstance(part[0], bytes | str) else ""
    sub = _text(part[1]).lower() if len(part) > 1 and isinstance(part[1], bytes | str) else ""
    if (main, sub) in _REPORT_PARTS:
        return False
    if main == "message":
        return True
    params = part[2] if len(part) > 2 else None
    if isinstance(params, tuple | list):
        keys = {_text(k).lower() for k in params[0::2]}
        if "name" in keys:
            return True
    for item in part[7:]:
        if (
            isinstance(item, tuple | list)
            and item
            and isinstance(item[0], bytes | str)
            and _text(item[0]).lower() == "attachment"
        ):
            return True
    return False


def has_attachments(bodystructure: Any) -> bool:
    """Whether a BODYSTRUCTURE (RFC 3501 section 7.4.2) holds an attachment."""
    if bodystructure is None:
        return False
    if getattr(bodystructure, "is_multipart", False) or (
        isinstance(bodystructure, tuple | list)
        and bodystructure
        and isinstance(bodystructure[0], list)
    ):
        parts = bodystructure[0]
        return any(has_attachments(part) for part in parts)
    if isinstance(bodystructure, tuple | list):
        return _leaf_is_attachment(bodystructure)
    return False


def _flags(raw: Iterable[bytes | str]) -> tuple[str, ...]:
    return tuple(_text(f) for f in raw)


def _aware(value: Any) -> dt.datetime | None:
    """imapclient gives naive local times (``normalise_times``): make them aware."""
    if not isinstance(value, dt.datetime):
        return None
    return value if value.tzinfo is not None else _in_normalised_offset(value)


def _in_normalised_offset(value: dt.datetime) -> dt.datetime:
    # imapclient normalises to the offset the system has *now* (FixedOffset.for_system),
    # not the local rules of the message's own date: a summer date read in winter would
    # be an hour off if the naive time were read as local time (astimezone, timestamp).
    from imapclient.fixed_offset import FixedOffset

    return value.replace(tzinfo=FixedOffset.for_system())


def _latin1(value: bytes | str | None) -> str | None:
    # Lossless bytes -> str for JSON; undone with .encode("latin-1") when read.
    if value is None or isinstance(value, str):
        return value
    return value.decode("latin-1")


def _raw_addresses(addresses: Iterable[Any] | None) -> list[list[str | None]]:
    if not addresses:
        return []
    latin1 = _latin1
    return [[latin1(a.name), latin1(a.mailbox), latin1(a.host)] for a in addresses]


@dataclass(frozen=True, slots=True)
class FetchedRow:
    """One message as the sync stores it: the columns sorting and resync need, and the
    envelope still undecoded (decoding waits until a list shows it)."""

    uid: int
    modseq: int
    flags: tuple[str, ...]
    size: int
    date: float | None
    has_attachments: bool
    envelope: list[Any]


def fetched_row(uid: int, data: Mapping[bytes, Any]) -> FetchedRow:
    """A :class:`FetchedRow` from one FETCH result; cheap (the sync's hot path). The
    ENVELOPE and INTERNALDATE may be imapclient's objects or left raw by
    ``parse_fetch(..., raw=True)``."""
    from client.mail.fetch_parser import RawEnvelope, RawTime, raw_timestamp

    envelope = data.get(b"ENVELOPE")
    if isinstance(envelope, RawEnvelope):
        when = raw_timestamp(envelope[0])
        raw = _raw_envelope_row(envelope)
    else:
        when = _timestamp(envelope.date if envelope is not None else None)
        raw = _envelope_row(envelope)
    if when is None:  # no (readable) date in the ENVELOPE: the server's arrival time
        internal = data.get(b"INTERNALDATE")
        when = raw_timestamp(internal) if isinstance(internal, RawTime) else _timestamp(internal)
    modseq = data.get(b"MODSEQ")
    return FetchedRow(
        uid=uid,
        modseq=int(modseq[0]) if isinstance(modseq, tuple | list) and modseq else 0,
        flags=_flags(data.get(b"FLAGS", ())),
        size=int(data.get(b"RFC822.SIZE", 0) or 0),
        date=when,
        has_attachments=has_attachments(data.get(b"BODYSTRUCTURE")),
        envelope=raw,
    )


def _timestamp(value: Any) -> float | None:
    if not isinstance(value, dt.datetime):
        return None
    return (value if value.tzinfo is not None else _in_normalised_offset(value)).timestamp()


def _envelope_row(envelope: Any) -> list[Any]:
    if envelope is not None:
        raw = [_latin1(envelope.subject), _raw_addresses(envelope.from_),
               _raw_addresses(envelope.to), _raw_addresses(envelope.cc),
               _latin1(envelope.message_id)]
    else:
        raw = [None, [], [], [], None]
    return raw


def _raw_envelope_row(envelope: Sequence[Any]) -> list[Any]:
    # The server's ENVELOPE (date, subject, from, sender, reply-to, to, cc, bcc,
    # in-reply-to, message-id; addresses as (name, route, mailbox, host)) stored as
    # _envelope_row stores imapclient's Envelope.
    def addresses(value: Any) -> list[list[str | None]]:
        if not value:
            return []
        rows = []
        for item in value:
            if item:
                name, _route, mailbox, host = item  # as strict as imapclient's Address
                rows.append([_latin1(name), _latin1(mailbox), _latin1(host)])
        return rows

    return [_latin1(envelope[1]), addresses(envelope[2]), addresses(envelope[5]),
            addresses(envelope[6]), _latin1(envelope[9])]


def _addresses_from_raw(items: Iterable[Sequence[str | None]]) -> tuple[str, ...]:
    out = []
    for name, mailbox, host in items:
        if host is None and not mailbox:
            continue
        out.append(_format_parts(
            name.encode("latin-1") if name is not None else None,
            mailbox.encode("latin-1") if mailbox is not None else None,
            host.encode("latin-1") if host is not None else None,
        ))
    return tuple(out)


def envelope_texts(envelope: Sequence[Any]) -> tuple[str, tuple[str, ...], str]:
    """``(sender, recipients, subject)`` of a stored raw envelope, as its summary has
    them: what sorting a folder on its sealed columns reads, without the rest."""
    subject, sender, to, _cc, _message_id = envelope
    senders = _addresses_from_raw(sender)
    return (senders[0] if senders else "", _addresses_from_raw(to),
            decode_header_text(subject.encode("latin-1") if subject else None))


def summary_from_envelope(
    uid: int,
    envelope: Sequence[Any],
    *,
    flags: tuple[str, ...],
    size: int,
    date: dt.datetime | None,
    has_attachments: bool,
    modseq: int = 0,
) -> MessageSummary:
    """Decode a stored raw envelope (see :func:`fetched_row`) into a summary."""
    _subject, _sender, _to, cc, message_id = envelope
    sender, to, subject = envelope_texts(envelope)
    return MessageSummary(
        uid=uid,
        sender=sender,
        to=to,
        subject=subject,
        date=date,
        flags=flags,
        size=size,
        has_attachments=has_attachments,
        message_id=(message_id or "").encode("latin-1").decode("utf-8", "replace").strip(),
        cc=_addresses_from_raw(cc),
        modseq=modseq,
    )


def summary_from_fetch(uid: int, data: Mapping[bytes, Any]) -> MessageSummary:
    """Build a summary from one imapclient FETCH result (items of :data:`SUMMARY_ITEMS`)."""
    envelope = data.get(b"ENVELOPE")
    internal = data.get(b"INTERNALDATE")
    if envelope is not None:
        date = envelope.date or internal
        sender_list = format_addresses(envelope.from_)
        to = format_addresses(envelope.to)
        cc = format_addresses(envelope.cc)
        subject = decode_header_text(envelope.subject)
        message_id = _text(envelope.message_id).strip()
    else:
        date, sender_list, to, cc, subject, message_id = internal, (), (), (), "", ""
    modseq = data.get(b"MODSEQ")
    return MessageSummary(
        uid=uid,
        sender=sender_list[0] if sender_list else "",
        to=to,
        subject=subject,
        date=_aware(date),
        flags=_flags(data.get(b"FLAGS", ())),
        size=int(data.get(b"RFC822.SIZE", 0) or 0),
        has_attachments=has_attachments(data.get(b"BODYSTRUCTURE")),
        message_id=message_id,
        cc=cc,
        modseq=int(modseq[0]) if isinstance(modseq, tuple | list) and modseq else 0,
    )
