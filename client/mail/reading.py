"""Reading a message: MIME parsing, decoded headers, sanitised HTML, attachments.

Parsing uses the standard ``email`` package with ``policy.default`` (RFC 2047 words and
RFC 2231 parameters decoded). A hostile or broken message never raises here: a header the
parser chokes on is shown raw, an unknown charset falls back to a lossy decode, and the
parser's defects are reported so the UI can warn.

HTML is sanitised with nh3 (ammonia): no scripts, styles, forms, frames or event
attributes; remote images are dropped unless the user allows remote content for that
message (they can track the reader, which matters for health mail). "Remote" is anything
that is not an embedded part (``cid:``) or an inline raster image (``data:image/...``):
``//host/p.gif``, ``/\\host/p.gif`` (browsers read a backslash as a slash) and UNC paths
``\\\\host\\share`` (Windows fetches them over SMB, sending the user's credentials) count
as remote too, in ``src``, ``srcset``, ``background``, ``poster``, ``<object data>``,
``href`` off links (``<base>``, ``<link>``, SVG), CSS ``url()``, ``@import`` and
``image-set()``, and even with remote content allowed only ``http(s)`` images are
kept. Links keep ``http(s)``, ``mailto`` and in-page anchors only: a ``data:`` link (an
HTML page in disguise) is removed, for every consumer of the sanitised HTML, ``mail show
--json`` included.
"""

from __future__ import annotations

import datetime as dt
import email
import email.message
import email.policy
import email.utils
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import nh3

from client.mail.summary import decode_header_text
from client.mail.text import display_subject

__all__ = [
    "Attachment",
    "ReadMessage",
    "display_subject",
    "parse_message",
    "sanitize_html",
]

logger = logging.getLogger(__name__)

_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd",
    "div", "dl", "dt", "em", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "li", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
# srcset and background reach the filter only to be weighed (remote or not), then dropped.
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "srcset", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan", "align", "valign"},
    "th": {"colspan", "rowspan", "align", "valign"},
    "font": {"color"},
    "*": {"dir", "lang", "background"},
}

#: MSSanté headers shown to integrations: the CDA codes, the patient's INS, the sending
#: software and ``X-MSS-MES: FIN`` (no reply expected from the patient).
MSS_HEADERS = ("X-MSS-CODECDA", "X-MSS-INS", "X-MSS-NIL", "X-MSS-MES")


_LOCAL_IMAGE = re.compile(r"^(?:cid:|data:image/(?:png|gif|jpe?g|webp|bmp);base64,)",
                          re.IGNORECASE)
_WEB_IMAGE = re.compile(r"^https?://[^/\\]", re.IGNORECASE)
_LINK = re.compile(r"^(?:https?://|mailto:|#)", re.IGNORECASE)
# Bounded: hostile markup with many "url(" and no ")" must stay linear.
_CSS_URL = re.compile(r"""url\(([^()]{0,2048}+)\)""", re.IGNORECASE)
# Browsers drop ASCII tabs and newlines inside URLs and trim spaces and controls.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")


def _url(value: str) -> str:
    return _URL_NOISE.sub("", value)


def _is_local_image(value: str) -> bool:
    return bool(_LOCAL_IMAGE.match(_url(value)))


def _srcset_urls(value: str) -> list[str]:
    """The candidate URLs of a ``srcset`` as browsers read them: a URL runs to the next
    blank (a ``data:`` URL holds commas), its descriptors to the next comma, so
    ``data:...,AA 1x,https://b.png 2x`` has two."""
    urls: list[str] = []
    i, n = 0, len(value)
    while i < n:
        while i < n and (value[i].isspace() or value[i] == ","):
            i += 1
        start = i
        while i < n and not value[i].isspace():
            i += 1
        url = value[start:i]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            depth = 0
            while i < n and not (value[i] == "," and depth == 0):
                if value[i] == "(":
                    depth += 1
                elif value[i] == ")" and depth:
                    depth -= 1
                i += 1
        if url:
            urls.append(url)
    return urls


_TAG_NAME = re.compile(r"<([a-zA-Z][\w:-]{0,40})")
# Attributes whose value a viewer fetches. ``href`` only off links (``<base>``, ``<link>``,
# SVG's ``<image>`` and ``<use>``), ``data`` on ``<object>``; ``lowsrc``/``dynsrc`` are
# old browsers' image and video sources.
_REFERENCE = re.compile(
    r"""[\s"'/](src|srcset|background|poster|lowsrc|dynsrc|data|xlink:href|href)"""
    r"""\s*+=\s*+"""
    # Skip a value that is one embedded image (the common case) at the regex engine's
    # speed; anything else is weighed below.
    r"""(?!"(?:{local})[^\s"]*+"|'(?:{local})[^\s']*+'|(?:{local})[^\s>"']*+(?:[\s>]|$))"""
    r"""("[^"]*+"?|'[^']*+'?|[^\s>]++)""".replace(
        "{local}", r"cid:|data:image/(?:png|gif|jpe?g|webp|bmp);base64,"),
    re.IGNORECASE)


#: Tags whose ``href`` a viewer fetches by itself (a link's waits for a click).
_FETCHING_HREF_TAGS = ("base", "link", "image", "use", "feimage", "script")


def _references_remote(html: str, allow_remote: bool) -> bool:
    """A first look at the raw markup: the parser drops some references (unknown schemes,
    misplaced cells) before the attribute filter could weigh them."""
    lowered = html.lower()
    # Looked for once, so that markup full of links costs no tag lookup per href.
    fetching_href = any(f"<{tag}" in lowered for tag in _FETCHING_HREF_TAGS)
    has_object = "<object" in lowered
    for match in _REFERENCE.finditer(html):
        attribute, value = match.group(1).lower(), match.group(2).strip("\"'")
        if (attribute == "href" and not fetching_href) or (attribute == "data"
                                                           and not has_object):
            continue
        urls = _srcset_urls(value) if attribute == "srcset" else [value]
        remote = [url for url in urls if not _is_local_image(url)]
        if not remote:
            continue
        tag = ""
        if attribute in ("src", "href", "data"):
            start = html.rfind("<", max(0, match.start() - 512), match.start())
            opening = _TAG_NAME.match(html, start) if start >= 0 else None
            tag = opening.group(1).lower() if opening is not None else ""
        if attribute == "href" and tag not in _FETCHING_HREF_TAGS:
            continue  # a link (followed only when clicked, and filtered below)
        if attribute == "data" and tag != "object":
            continue
        if allow_remote and attribute not in ("srcset", "background"):
            if attribute != "src" or tag != "img":
                continue  # dropped with its tag: nothing the reader could allow
            if all(_WEB_IMAGE.match(_url(url)) for url in remote):
                continue
        return True
    return False


# CSS reaches a server through url(...), and through plain strings after @import and in
# image-set(...).
_CSS_STRING = re.compile(r"""(?:@import|image-set\()\s*+(["'])([^"']{0,2048}+)\1""",
                         re.IGNORECASE)


def sanitize_html(html: str, *, allow_remote: bool = False) -> tuple[str, bool]:
    """Sanitise ``html`` for display; returns ``(safe_html, remote_content_blocked)``.

    ``remote_content_blocked`` is true when an image, a background or a stylesheet
    reference was not embedded in the message (whatever its form), and was dropped.
    """
    blocked = (any(not _is_local_image(m.group(1).strip(" \t\r\n'\""))
                   for m in _CSS_URL.finditer(html))
               or any(not _is_local_image(m.group(2)) for m in _CSS_STRING.finditer(html))
               or _references_remote(html, allow_remote))

    def keep(tag: str, attribute: str, value: str) -> str | None:
        nonlocal blocked
        if attribute == "src":
            if _is_local_image(value):
                return value
            if allow_remote and (tag != "img" or _WEB_IMAGE.match(_url(value))):
                return value  # an iframe or video goes with its tag anyway
            blocked = True
            return None
        if attribute in ("srcset", "background"):
            # Never kept (src is enough); but what they point to counts.
            urls = _srcset_urls(value) if attribute == "srcset" else [value]
            if any(not _is_local_image(u) for u in urls):
                blocked = True
            return None
        if attribute == "href":
            return value if _LINK.match(_url(value)) else None
        return value

    cleaned = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        clean_content_tags={"script", "style", "title", "head", "noscript", "template"},
        attributes=_ALLOWED_ATTRIBUTES,
        attribute_filter=keep,
        url_schemes={"http", "https", "mailto", "cid", "data"},
        link_rel="noopener noreferrer nofollow",
    )
    return cleaned, blocked


@dataclass(frozen=True)
class Attachment:
    """One attachment: decoded name, MIME type, size, and its bytes (not in repr)."""

    index: int
    filename: str
    content_type: str
    size: int
    inline: bool
    content_id: str = ""
    data: bytes = field(default=b"", repr=False)

    def to_json(self) -> dict[str, Any]:
        """The ``mail show --json`` attachment item."""
        return {
            "index": self.index,
            "filename": self.filename,
            "content_type": self.content_type,
            "size": self.size,
            "inline": self.inline,
        }


@dataclass(frozen=True)
class ReadMessage:
    """A message ready for display."""

    subject: str
    sender: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    reply_to: tuple[str, ...]
    date: dt.datetime | None
    message_id: str
    in_reply_to: str
    references: tuple[str, ...]
    text: str
    html: str | None
    remote_content_blocked: bool
    attachments: tuple[Attachment, ...]
    mss_headers: Mapping[str, str]
    disposition_notification_to: str
    return_path: str
    defects: tuple[str, ...]
    message: email.message.EmailMessage = field(repr=False, compare=False)

    @property
    def display_subject(self) -> str:
        """The subject without the integration prefix."""
        return display_subject(self.subject)

    def to_json(self) -> dict[str, Any]:
        """The ``mail show --json`` document."""
        return {
            "subject": self.subject,
            "display_subject": self.display_subject,
            "from": self.sender,
            "to": list(self.to),
            "cc": list(self.cc),
            "date": self.date.isoformat() if self.date else None,
            "message_id": self.message_id,
            "text": self.text,
            "html": self.html,
            "remote_content_blocked": self.remote_content_blocked,
            "attachments": [a.to_json() for a in self.attachments],
            "mss_headers": dict(self.mss_headers),
            "receipt_requested": bool(self.disposition_notification_to),
            "defects": list(self.defects),
        }


def _header(msg: email.message.Message, name: str) -> str:
    """A header's decoded text; a header the modern parser cannot handle is shown raw."""
    try:
        value = msg.get(name)
    except Exception:  # email's header parser has known crashes on junk
        logger.debug("header %s could not be parsed", name)
        # get_all() would run the same parser again: read the unparsed value instead.
        raw = [v for k, v in msg.raw_items() if k.lower() == name.lower()]
        return decode_header_text(str(raw[0])) if raw else ""
    if value is None:
        return ""
    return " ".join(str(value).split())


def _addresses(msg: email.message.Message, name: str) -> tuple[str, ...]:
    text = _header(msg, name)
    if not text:
        return ()
    pairs = email.utils.getaddresses([text])
    out = []
    for display, addr in pairs:
        if not addr:
            continue
        out.append(f"{display} <{addr}>" if display else addr)
    return tuple(out) or (text,)


def _part_text(part: email.message.Message) -> str:
    """Decode a text part; a missing, unknown or lying charset does not lose the text.

    The declared charset is tried strictly first, then UTF-8, then Windows-1252 (the
    usual truth behind a wrong label in French mail), then Latin-1, which never fails.
    """
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    declared = part.get_content_charset() or "us-ascii"
    for charset in (declared, "utf-8", "cp1252"):
        try:
            text = data.decode(charset)
        except (LookupError, ValueError):  # ValueError: a NUL in the charset name
            continue
        return text.replace("\r\n", "\n")
    return data.decode("latin-1").replace("\r\n", "\n")


def _as_text_bytes(message: email.message.Message) -> bytes:
    """A damaged inner message the generator cannot re-serialise as bytes (non-ASCII
    in a 7bit multipart...): its text if it has one, else nothing; never an error."""
    try:
        return message.as_string().encode("utf-8", "surrogateescape")
    except Exception:  # header folding crashes on junk (bpo-39512...)
        return b""


def _part_bytes(part: email.message.Message) -> bytes:
    if part.get_content_maintype() == "message":
        payload = part.get_payload()
        if isinstance(payload, list) and payload:
            inner = payload[0]
            if isinstance(inner, email.message.Message):
                try:
                    return inner.as_bytes()
                except Exception:  # email's generator crashes on junk
                    return _as_text_bytes(inner)
        if isinstance(payload, str):
            return payload.encode("utf-8", "surrogateescape")
        return b""
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _leaves(msg: email.message.Message) -> list[email.message.Message]:
    """The leaf parts, a forwarded ``message/rfc822`` counting as one (not walked into)."""
    if msg.get_content_maintype() == "multipart":
        payload = msg.get_payload()
        leaves: list[email.message.Message] = []
        if isinstance(payload, list):
            for part in payload:
                if isinstance(part, email.message.Message):
                    leaves += _leaves(part)
        return leaves
    return [msg]


def _filename(part: email.message.Message) -> str:
    try:
        name = part.get_filename()
    except Exception:  # RFC 2231 junk must not stop the reader
        name = None
    return decode_header_text(name) if name else ""


def _disposition(part: email.message.Message) -> str | None:
    try:
        return part.get_content_disposition()
    except Exception:  # e.g. an RFC 2231 charset holding NUL (ValueError)
        raw = [str(v) for k, v in part.raw_items() if k.lower() == "content-disposition"]
        word = raw[0].split(";", 1)[0].strip().lower() if raw else ""
        return word or None


def _date(msg: email.message.Message) -> dt.datetime | None:
    text = _header(msg, "Date")
    if not text:
        return None
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def parse_message(raw: bytes, *, allow_remote: bool = False) -> ReadMessage:
    """Parse ``raw`` (RFC 5322 bytes) for display; never raises on malformed input."""
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    if not isinstance(parsed, email.message.EmailMessage):  # pragma: no cover - policy
        raise TypeError("policy.default gives EmailMessage")
    msg = parsed
    text_part = html_part = None
    try:
        text_part = msg.get_body(preferencelist=("plain",))
        html_part = msg.get_body(preferencelist=("html",))
    except Exception:  # a broken structure shows as no body
        logger.debug("message structure could not be walked")
    text = _part_text(text_part) if text_part is not None else ""
    html: str | None = None
    blocked = False
    if html_part is not None:
        html, blocked = sanitize_html(_part_text(html_part), allow_remote=allow_remote)
        if not text:
            # Plain-text fallback for clients and the CLI that cannot show HTML.
            text = nh3.clean(html, tags=set()).strip()

    attachments: list[Attachment] = []
    body_parts = {id(p) for p in (text_part, html_part) if p is not None}
    for part in _leaves(msg):
        if id(part) in body_parts:
            continue
        disposition = _disposition(part)
        name = _filename(part)
        if not name and part.get_content_type() == "message/rfc822":
            inner = part.get_payload()
            first = inner[0] if isinstance(inner, list) and inner else None
            title = _header(first, "Subject") if isinstance(first, email.message.Message) else ""
            name = f"{title or 'message'}.eml"
        if part.get_content_maintype() == "text" and not name and disposition != "attachment":
            continue
        data = _part_bytes(part)
        attachments.append(
            Attachment(
                index=len(attachments),
                filename=name,
                content_type=part.get_content_type(),
                size=len(data),
                inline=disposition == "inline",
                content_id=_header(part, "Content-ID").strip("<>"),
                data=data,
            )
        )

    defects = tuple(
        type(d).__name__ for part in msg.walk() for d in getattr(part, "defects", [])
    )
    references = tuple(_header(msg, "References").split())
    return ReadMessage(
        subject=_header(msg, "Subject"),
        sender=(_addresses(msg, "From") or ("",))[0],
        to=_addresses(msg, "To"),
        cc=_addresses(msg, "Cc"),
        reply_to=_addresses(msg, "Reply-To"),
        date=_date(msg),
        message_id=_header(msg, "Message-ID"),
        in_reply_to=_header(msg, "In-Reply-To"),
        references=references,
        text=text,
        html=html,
        remote_content_blocked=blocked,
        attachments=tuple(attachments),
        mss_headers={h: _header(msg, h) for h in MSS_HEADERS if msg.get(h) is not None},
        disposition_notification_to=_header(msg, "Disposition-Notification-To"),
        return_path=_header(msg, "Return-Path"),
        defects=defects,
        message=msg,
    )
