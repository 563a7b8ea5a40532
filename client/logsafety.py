"""Diagnostics without health data: the traffic level and the filters every handler gets.

Mail protocol traces are useful to diagnose an operator, and dangerous: an IMAP FETCH
response carries envelopes (subjects, patients' and professionals' names, addresses) and
whole bodies. So:

- :data:`TRAFFIC` (5, below DEBUG) is the level of protocol traces; ``-vvv`` shows it,
  ``-vv`` (DEBUG) does not;
- :class:`ProtocolTraceFilter` rewrites every record of imapclient's loggers (imapclient
  routes imaplib's own debug output to ``imapclient.imaplib``) to the traffic level and
  keeps only the command or response words, numbers, flags and sizes: ``* 12 FETCH (UID
  44 RFC822.SIZE 1234 ENVELOPE ... [612 bytes])``; quoted strings, literals, mailbox
  names and header values never pass;
- :class:`HealthDataFilter` masks e-mail addresses in every record, tracebacks included
  (exception messages may name a recipient).

``smtplib`` prints its traces with ``print`` when ``set_debuglevel`` is called: the
application never calls it. Importing this module puts the trace filter on imapclient's
loggers (:mod:`client.auth.connect` does, where IMAP sessions start); :func:`install`
puts both filters on a handler, as the CLI does for its standard-error handler.
"""

from __future__ import annotations

import logging
import re

__all__ = ["TRAFFIC", "HealthDataFilter", "ProtocolTraceFilter", "install", "redact_trace"]

#: Protocol traces: below DEBUG.
TRAFFIC = 5
logging.addLevelName(TRAFFIC, "TRAFFIC")

_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_TRACED = ("imapclient",)

# Words of RFC 3501/9051 and their extensions that may appear in commands and responses.
_KEYWORDS = frozenset("""
    OK NO BAD BYE PREAUTH CAPABILITY LOGIN AUTHENTICATE LOGOUT NOOP STARTTLS ID ENABLE
    ENABLED SELECT EXAMINE CREATE DELETE RENAME SUBSCRIBE UNSUBSCRIBE LIST LSUB STATUS
    APPEND CHECK CLOSE UNSELECT EXPUNGE SEARCH ESEARCH FETCH STORE COPY MOVE UID IDLE
    DONE EXISTS RECENT FLAGS PERMANENTFLAGS UIDVALIDITY UIDNEXT UNSEEN MESSAGES
    HIGHESTMODSEQ NOMODSEQ MODSEQ CHANGEDSINCE VANISHED EARLIER QRESYNC CONDSTORE
    READ-WRITE READ-ONLY TRYCREATE ALERT PARSE NAMESPACE COMPRESS DEFLATE ALL NEW OLD
    SEEN UNSEEN ANSWERED FLAGGED DELETED DRAFT INTERNALDATE RFC822 RFC822.SIZE
    RFC822.HEADER RFC822.TEXT ENVELOPE BODY BODYSTRUCTURE BODY.PEEK HEADER HEADER.FIELDS
    TEXT MIME SILENT +FLAGS -FLAGS +FLAGS.SILENT -FLAGS.SILENT COPYUID APPENDUID
    AUTHENTICATIONFAILED UNAVAILABLE SERVERBUG LIMIT INUSE NIL MIN MAX COUNT SAVE
    CHILDREN HASCHILDREN HASNOCHILDREN NOSELECT NOINFERIORS MARKED UNMARKED SPECIAL-USE
    SASL-IR IMAP4REV1 IMAP4REV2 LITERAL+ XOAUTH2 OAUTHBEARER EXTERNAL PLAIN INBOX
""".split())
_SYSTEM_FLAGS = frozenset(r"\SEEN \ANSWERED \FLAGGED \DELETED \DRAFT \RECENT $MDNSENT "
                          r"\* \NOSELECT \HASCHILDREN \HASNOCHILDREN \NOINFERIORS \SENT "
                          r"\TRASH \DRAFTS \JUNK \ARCHIVE \ALL".split())
_NUMBERISH = re.compile(r"^[0-9:*,<>.]+$")
_TAG = re.compile(r"^[A-Za-z0-9]{1,16}$")
_SECTION = re.compile(r"^(?:BODY|BODY\.PEEK|BINARY|BINARY\.PEEK)\[[0-9.]*\]$")
_LITERAL = re.compile(r"\{(\d+)\+?\}")
_PAYLOAD = re.compile(r"""^(?P<head>.*?)b?(?P<quote>['"])(?P<body>.*)(?P=quote)\s*$""", re.S)


def _safe(token: str, first: bool) -> bool:
    if first and (token in ("*", "+") or _TAG.match(token)):
        return True
    bare = token.strip("()[]")
    if not bare:
        return True
    return (bare.upper() in _KEYWORDS or bare.upper() in _SYSTEM_FLAGS
            or bool(_NUMBERISH.match(bare)) or bool(_SECTION.match(bare.upper())))


def redact_trace(line: str) -> str:
    """Keep the leading protocol words, numbers and flags of one trace line, and its size.

    >>> redact_trace("* 3 FETCH (UID 9 ENVELOPE (\\"Mon\\" \\"Objet\\"))")
    '* 3 FETCH (UID 9 ENVELOPE ... [42 bytes]'
    """
    tokens = line.split()
    kept: list[str] = []
    for index, token in enumerate(tokens):
        if not _safe(token, index == 0):
            break
        kept.append(token)
    if len(kept) == len(tokens):
        return line
    literals = [int(n) for n in _LITERAL.findall(line)]
    size = f"{len(line.encode('utf-8', 'replace'))} bytes"
    if literals:
        size += f", literal {sum(literals)} bytes"
    return " ".join(kept) + f" ... [{size}]"


def _redact_message(text: str) -> str:
    """A trace record's text: direction markers and timestamps kept, payload redacted."""
    match = _PAYLOAD.match(text)
    if match is None:
        head, body = "", text
    else:
        head, body = match.group("head"), match.group("body")
    body = body.replace("\\r\\n", " ").replace("\r\n", " ").strip()
    if "(literal)" in head or "(literal)" in text[:40]:
        return f"{head.strip()} [{len(body)} bytes]"
    return f"{head}{redact_trace(body)}".strip()


class ProtocolTraceFilter(logging.Filter):
    """Demotes imapclient's records to :data:`TRAFFIC` and redacts them; drops them when
    the root logger is not at the traffic level."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(_TRACED) or getattr(record, "trace_redacted", False):
            return True
        if record.levelno > logging.DEBUG:
            return True  # imapclient's INFO/WARNING are plain sentences ("Connection closed")
        if not logging.getLogger().isEnabledFor(TRAFFIC):
            return False
        record.msg = _redact_message(record.getMessage())
        record.args = None
        record.levelno, record.levelname = TRAFFIC, "TRAFFIC"
        record.trace_redacted = True
        return True


class HealthDataFilter(logging.Filter):
    """Masks e-mail addresses in a record's message and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if "@" in text:
            record.msg, record.args = _ADDRESS.sub("<address>", text), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and "@" in record.exc_text:
            record.exc_text = _ADDRESS.sub("<address>", record.exc_text)
        return True


def _guard_sources() -> None:
    """Redact at the source too: a handler someone else adds gets clean records."""
    for name in ("imapclient", "imapclient.imapclient", "imapclient.imaplib"):
        source = logging.getLogger(name)
        if not any(isinstance(f, ProtocolTraceFilter) for f in source.filters):
            source.addFilter(ProtocolTraceFilter())


_guard_sources()


def install(handler: logging.Handler) -> logging.Handler:
    """Put the trace and health-data filters on ``handler`` (once); return it."""
    kinds = {type(f) for f in handler.filters}
    for kind in (ProtocolTraceFilter, HealthDataFilter):
        if kind not in kinds:
            handler.addFilter(kind())
    return handler
