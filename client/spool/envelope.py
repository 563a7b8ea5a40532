"""What the integration drops in ``outgoing/``: an RFC 5322 ``.eml``, or a ``.json`` envelope.

A ``.json`` envelope::

    {"to": ["dr.claire@clinique.mssante.fr"], "cc": [], "subject": "CR de biologie",
     "body": "Bonjour, ...", "attachments": ["cr-1234/CR.pdf"], "xdm": "cr-1234/IHE_XDM.ZIP",
     "receipt": true, "no_patient_reply": false}

Paths are relative to the envelope's folder and may not leave it. Unknown keys are
refused (a misspelt ``"recipients"`` must not send a message to nobody). An ``.eml`` must
come from the mailbox itself (``From``); it gets a ``Message-ID`` if it has none, and its
``Bcc`` header is removed (RFC 5322 section 3.6.3) after its addresses joined the envelope.
"""

from __future__ import annotations

import email.policy
import email.utils
import json
from dataclasses import dataclass
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from client.mail.compose import AttachmentSource, Draft, build_message
from client.mail.errors import MailError
from client.spool.errors import EnvelopeInvalid
from client.xdm.errors import XdmError

__all__ = ["ENVELOPE_KEYS", "Prepared", "prepare"]

ENVELOPE_KEYS = frozenset({"to", "cc", "bcc", "subject", "body", "attachments", "xdm",
                           "receipt", "no_patient_reply"})
_MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Prepared:
    """A message ready for submission."""

    message_id: str
    raw: bytes
    sender: str
    recipients: tuple[str, ...]
    rewritten: bool = True  # False: ``raw`` is the dropped file itself, byte for byte


def prepare(path: Path, name: str, base: Path, mailbox: str) -> Prepared:
    """Turn the claimed file ``path`` (named ``name`` in ``base``) into a message.

    Raises:
        EnvelopeInvalid: anything that makes the file unsendable, worded.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise EnvelopeInvalid(name, f"cannot be read ({exc.strerror or exc})") from exc
    if len(data) > _MAX_BYTES:
        raise EnvelopeInvalid(name, f"larger than {_MAX_BYTES // (1024 * 1024)} MB")
    if name.lower().endswith(".json"):
        return _from_json(data, name, base, mailbox)
    return _from_eml(data, name, mailbox)


def _addresses(values: list[str]) -> tuple[str, ...]:
    return tuple(addr for _, addr in email.utils.getaddresses(values) if addr)


def _values(headers: Any, name: str) -> list[str]:
    """The unfolded values of header ``name`` (raw, as compat32 keeps them)."""
    return ["".join(str(v).splitlines()) for v in headers.get_all(name, [])]


def _from_eml(data: bytes, name: str, mailbox: str) -> Prepared:
    # The headers are enough to check and route it; the body is parsed only when the
    # message must be rewritten (no Message-ID, a Bcc to remove). The header-only pass
    # keeps the raw values (compat32): only addresses and the Message-ID are read from
    # them, and the structured header classes of the modern policies cost more than
    # the rest of queuing a message.
    headers = BytesParser(policy=email.policy.compat32).parsebytes(data, headersonly=True)
    senders = _addresses(_values(headers, "From"))
    if len(senders) != 1 or senders[0].lower() != mailbox.lower():
        raise EnvelopeInvalid(name, f"its From must be the mailbox {mailbox} alone")
    declared = _addresses(_values(headers, "Sender"))
    if declared and declared[0].lower() != mailbox.lower():
        raise EnvelopeInvalid(name, f"its Sender must be the mailbox {mailbox}")
    recipients = _addresses([v for h in ("To", "Cc", "Bcc") for v in _values(headers, h)])
    if not recipients:
        raise EnvelopeInvalid(name, "it has no recipient (To, Cc or Bcc)")
    changed = False
    message_id = " ".join((_values(headers, "Message-ID") or [""])[0].split())
    if message_id and "Bcc" not in headers:
        return Prepared(message_id, data, mailbox, tuple(dict.fromkeys(recipients)),
                        rewritten=False)
    message = BytesParser(policy=email.policy.SMTP).parsebytes(data)
    if not message_id:
        message["Message-ID"] = email.utils.make_msgid(domain=mailbox.rpartition("@")[2])
        message_id = str(message["Message-ID"])
        changed = True
    if "Bcc" in message:
        del message["Bcc"]
        changed = True
    raw = message.as_bytes() if changed else data
    return Prepared(message_id, raw, mailbox, tuple(dict.fromkeys(recipients)),
                    rewritten=changed)


def _inside(base: Path, name: str, relative: Any, key: str) -> Path:
    if not isinstance(relative, str) or not relative:
        raise EnvelopeInvalid(name, f"{key} must be a relative path (text)")
    candidate = (base / relative).resolve()
    if Path(relative).is_absolute() or not candidate.is_relative_to(base.resolve()):
        raise EnvelopeInvalid(name, f"{key} {relative!r} is outside the envelope's folder")
    if not candidate.is_file():
        raise EnvelopeInvalid(name, f"{key} {relative!r} does not exist")
    return candidate


def _list(document: dict[str, Any], key: str, name: str) -> tuple[str, ...]:
    value = document.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise EnvelopeInvalid(name, f"{key} must be a list of addresses")
    return tuple(value)


def _from_json(data: bytes, name: str, base: Path, mailbox: str) -> Prepared:
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EnvelopeInvalid(name, f"not UTF-8 JSON ({exc})") from exc
    if not isinstance(document, dict):
        raise EnvelopeInvalid(name, "must be a JSON object")
    unknown = sorted(set(document) - ENVELOPE_KEYS)
    if unknown:
        raise EnvelopeInvalid(name, f"unknown keys {', '.join(unknown)} (known: "
                              f"{', '.join(sorted(ENVELOPE_KEYS))})")
    subject, body = document.get("subject", ""), document.get("body", "")
    if not isinstance(subject, str) or not isinstance(body, str):
        raise EnvelopeInvalid(name, "subject and body must be text")
    paths = document.get("attachments", [])
    if not isinstance(paths, list):
        raise EnvelopeInvalid(name, "attachments must be a list of relative paths")
    attachments = tuple(AttachmentSource.from_path(_inside(base, name, p, "attachment"))
                        for p in paths)
    xdm = None
    if document.get("xdm"):
        xdm = _inside(base, name, document["xdm"], "xdm").read_bytes()
    for flag in ("receipt", "no_patient_reply"):
        if not isinstance(document.get(flag, False), bool):
            raise EnvelopeInvalid(name, f"{flag} must be true or false")
    draft = Draft(to=_list(document, "to", name), cc=_list(document, "cc", name),
                  bcc=_list(document, "bcc", name), subject=subject, body=body,
                  attachments=attachments, xdm=xdm, receipt=document.get("receipt", False),
                  no_patient_reply=document.get("no_patient_reply", False))
    try:
        message = build_message(draft, mailbox)
    except (MailError, XdmError) as exc:
        raise EnvelopeInvalid(name, f"cannot be built: {exc}") from exc
    return Prepared(str(message["Message-ID"]), message.as_bytes(), mailbox,
                    draft.recipients)
