"""``mailto:`` links (RFC 6068): the recipients, subject and body a clicked link proposes.

The operating system hands a clicked link to the registered mail application (the
packaged app's single argument, or a macOS ``QFileOpenEvent``); the desktop opens a
compose window prefilled with :func:`parse_mailto`'s result and the user decides.

What a link may set is limited on purpose (RFC 6068 section 7, security considerations):
``to``, ``cc``, ``subject`` and ``body``. Every other header (``bcc``, ``from``,
``in-reply-to``, anything else) is listed in :attr:`MailtoLink.ignored` and never applied:
a link must not add hidden recipients nor forge headers. Line breaks are removed from the
subject and the addresses (no header injection); the body keeps them.

Parsing never raises on a ``mailto:`` URL, however malformed: a bad percent sequence is
kept as typed (RFC 3986 section 2.1 leaves it undefined), invalid UTF-8 is replaced (RFC
6068 section 2: octets are UTF-8), and an odd address is kept for the compose window to
mark invalid (bad input loses nothing).
"""

from __future__ import annotations

import email.utils
import logging
import re
from dataclasses import dataclass
from urllib.parse import unquote

from client.errors import ClientError

__all__ = ["MAILTO_SCHEME", "MailtoLink", "NotAMailtoLink", "is_mailto", "parse_mailto"]

logger = logging.getLogger(__name__)

MAILTO_SCHEME = "mailto:"
#: Headers a link may set (RFC 6068 section 2 ``hfname``, compared case-insensitively).
_APPLIED = frozenset({"to", "cc", "subject", "body"})
#: A link longer than this is cut (a body of a few pages; nobody types more in a URL).
MAX_LENGTH = 256 * 1024
_LINE_BREAKS = re.compile(r"[\r\n]+")


class NotAMailtoLink(ClientError):
    """The text does not start with ``mailto:``.

    Attributes:
        text: the beginning of what was given (at most 60 characters).
    """

    def __init__(self, text: str) -> None:
        self.text = text[:60]
        super().__init__(f"not a mailto: link: {self.text!r}")


@dataclass(frozen=True)
class MailtoLink:
    """What a ``mailto:`` link proposes (decoded, ready for a compose window).

    Attributes:
        to: addresses from the path and every ``to=`` field, in order, without duplicates.
        cc: addresses of the ``cc=`` fields.
        subject: the first ``subject=`` (one line).
        body: the first ``body=``, line breaks as ``\\n``.
        ignored: lower-cased names of the fields not applied (``bcc``, unknown ones).
    """

    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    subject: str = ""
    body: str = ""
    ignored: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """Nothing to prefill (``mailto:`` alone)."""
        return not (self.to or self.cc or self.subject or self.body)


def is_mailto(text: str) -> bool:
    """Whether ``text`` is a ``mailto:`` URL (the scheme is case-insensitive, RFC 3986 3.1)."""
    return text[: len(MAILTO_SCHEME)].lower() == MAILTO_SCHEME


def _decode(text: str) -> str:
    # RFC 6068 section 2: percent-encoded octets are UTF-8. "+" is not a space in a
    # mailto URL (it is common in addresses), so unquote, not unquote_plus.
    return unquote(text, encoding="utf-8", errors="replace")


def _one_line(text: str) -> str:
    return _LINE_BREAKS.sub(" ", text).strip()


def _addresses(decoded: str) -> list[str]:
    """Split a decoded ``to``/``cc`` value: ``a@x,b@y`` (RFC 6068 section 2), tolerating
    ``Name <a@x>`` forms seen in the wild; an unparsable part is kept as typed."""
    found: list[str] = []
    for part in decoded.split(","):
        part = _one_line(part)
        if not part:
            continue
        _name, address = email.utils.parseaddr(part)
        found.append(address if address and "@" in address else part)
    return found


def _add_unique(target: list[str], values: list[str]) -> None:
    seen = {v.lower() for v in target}
    for value in values:
        if value.lower() not in seen:
            seen.add(value.lower())
            target.append(value)


def parse_mailto(url: str) -> MailtoLink:
    """Decode a ``mailto:`` URL (RFC 6068).

    Raises:
        NotAMailtoLink: ``url`` is not a ``mailto:`` URL (nothing else is raised).
    """
    url = url.strip()
    if not is_mailto(url):
        raise NotAMailtoLink(url)
    if len(url) > MAX_LENGTH:
        logger.warning("mailto link of %d characters cut to %d", len(url), MAX_LENGTH)
        url = url[:MAX_LENGTH]
    rest = url[len(MAILTO_SCHEME):]
    # An unencoded "#" starts a fragment (RFC 3986 section 3.5), not part of any field.
    rest = rest.split("#", 1)[0]
    path, _, query = rest.partition("?")
    to: list[str] = []
    cc: list[str] = []
    subject: str | None = None
    body: str | None = None
    ignored: list[str] = []
    _add_unique(to, _addresses(_decode(path)))
    for field in query.split("&"):
        if not field:
            continue
        raw_name, _, raw_value = field.partition("=")
        name = _one_line(_decode(raw_name)).lower()
        value = _decode(raw_value)
        if name not in _APPLIED:
            if name and name not in ignored:
                ignored.append(name)
            continue
        if name == "to":
            _add_unique(to, _addresses(value))
        elif name == "cc":
            _add_unique(cc, _addresses(value))
        elif name == "subject" and subject is None:
            subject = _one_line(value)
        elif name == "body" and body is None:
            # RFC 6068 section 5: line breaks in a body are encoded as %0D%0A.
            body = value.replace("\r\n", "\n").replace("\r", "\n")
    if ignored:
        logger.info("mailto link: fields not applied: %s", ", ".join(ignored))
    return MailtoLink(to=tuple(to), cc=tuple(cc), subject=subject or "", body=body or "",
                      ignored=tuple(ignored))
