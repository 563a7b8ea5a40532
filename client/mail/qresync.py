"""QRESYNC (RFC 7162 section 3.2): expunged messages in the same round trip as flag changes.

With QRESYNC enabled, ``UID FETCH <known UIDs> (FLAGS MODSEQ) (CHANGEDSINCE <modseq>
VANISHED)`` (section 3.2.6) answers the flag changes as FETCH responses *and* the UIDs
expunged since ``modseq`` as one ``* VANISHED (EARLIER) <uid set>`` response (section
3.2.10), instead of a ``UID SEARCH ALL`` of the whole folder to compare with the cache.

imapclient does not parse VANISHED; imaplib files it under its name among the untagged
responses. This module parses it, and is strict about it: a server may be broken or
hostile, so a UID set is kept as ranges (``1:4294967295`` is eight bytes on the wire but
four billion UIDs) and only ever intersected with the UIDs the cache holds.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from client.mail.mailbox import imap_errors

if TYPE_CHECKING:
    from imapclient import IMAPClient

__all__ = ["FlagChanges", "Vanished", "fetch_changes", "parse_vanished", "vanished_among"]

logger = logging.getLogger(__name__)

#: RFC 3501 section 9: nz-number is a 32-bit unsigned integer.
MAX_UID = 2**32 - 1
#: Ranges accepted in one VANISHED response; a real one after a day of expunges holds a
#: few hundred. More is a broken or hostile server.
MAX_RANGES = 200_000

_EARLIER = re.compile(rb"^\(\s*EARLIER\s*\)\s*", re.IGNORECASE)
_NUMBER = re.compile(rb"^[1-9][0-9]{0,9}$")


@dataclass(frozen=True)
class Vanished:
    """One VANISHED response: sorted, merged, inclusive UID ranges.

    Attributes:
        earlier: ``(EARLIER)`` was given (an answer to our request, not news).
        ranges: ``(first, last)`` pairs, sorted and not overlapping.
    """

    earlier: bool
    ranges: tuple[tuple[int, int], ...]

    def __contains__(self, uid: object) -> bool:
        if not isinstance(uid, int):
            return False
        index = bisect.bisect_right(self.ranges, (uid, MAX_UID)) - 1
        return index >= 0 and self.ranges[index][0] <= uid <= self.ranges[index][1]


def _uid(token: bytes) -> int:
    if not _NUMBER.match(token):
        raise ValueError(f"not a UID in VANISHED: {token[:20]!r}")
    value = int(token)
    if value > MAX_UID:
        raise ValueError("UID out of range in VANISHED")
    return value


def parse_vanished(data: bytes | str) -> Vanished:
    """Parse what follows ``* VANISHED`` (``(EARLIER) 41,43:116,118``).

    Raises:
        ValueError: anything but an optional ``(EARLIER)`` and a UID set (RFC 7162
            section 7 grammar); ``*`` is not allowed in a VANISHED UID set.
    """
    raw = data.encode("ascii", "replace") if isinstance(data, str) else bytes(data)
    raw = raw.strip()
    match = _EARLIER.match(raw)
    earlier = match is not None
    rest = raw[match.end():] if match else raw
    if not rest or b" " in rest:
        raise ValueError("VANISHED without a single UID set")
    parts = rest.split(b",")
    if len(parts) > MAX_RANGES:
        raise ValueError("VANISHED lists too many ranges")
    ranges: list[tuple[int, int]] = []
    for part in parts:
        first, sep, last = part.partition(b":")
        low = _uid(first)
        high = _uid(last) if sep else low
        ranges.append((min(low, high), max(low, high)))  # RFC 3501: 4:2 is 2:4
    ranges.sort()
    merged: list[tuple[int, int]] = []
    for low, high in ranges:
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return Vanished(earlier, tuple(merged))


def vanished_among(responses: Iterable[Vanished], uids: Iterable[int]) -> set[int]:
    """The ``uids`` that one of ``responses`` reports gone (never more than ``uids``)."""
    # Walk the (few) ranges over the sorted UIDs rather than test every cached UID
    # against every range: a resync holds thousands of UIDs and a few expunges.
    ordered = sorted(set(uids))
    gone: set[int] = set()
    for answer in responses:
        for low, high in answer.ranges:
            start = bisect.bisect_left(ordered, low)
            gone.update(ordered[start:bisect.bisect_right(ordered, high, start)])
    return gone


@dataclass(frozen=True)
class FlagChanges:
    """The answer to one CHANGEDSINCE + VANISHED fetch."""

    fetched: dict[int, dict[bytes, Any]]
    vanished: tuple[Vanished, ...]


def fetch_changes(imap: IMAPClient, uids: str, modseq: int,
                  items: Sequence[str] = ("FLAGS", "MODSEQ")) -> FlagChanges:
    """``UID FETCH <uids> (<items>) (CHANGEDSINCE <modseq> VANISHED)``, one round trip.

    Requires QRESYNC to be enabled on the session. The VANISHED responses that the server
    sent unasked since the previous command (RFC 7162 section 3.2.10: they replace
    EXPUNGE once QRESYNC is on) are returned too: they report expunges just as well.

    Raises:
        ValueError: a VANISHED response that is not one (see :func:`parse_vanished`).
        client.mail.errors.MailError: the server refused the command or dropped the session.
    """
    from client.mail.imapfetch import fetch_uid_set

    fetched = fetch_uid_set(imap, uids, items, [f"CHANGEDSINCE {int(modseq)}", "VANISHED"])
    raw = imap._imap  # imapclient does not parse VANISHED
    with imap_errors("FETCH"):
        pending = raw.untagged_responses.pop("VANISHED", [])
    vanished = tuple(parse_vanished(item) for item in pending if item is not None)
    logger.debug("CHANGEDSINCE fetch: %d changed, %d VANISHED responses",
                 len(fetched), len(vanished))
    return FlagChanges(fetched, vanished)
