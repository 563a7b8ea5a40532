"""A fast parser of IMAP FETCH responses, giving what imapclient's parser gives.

imapclient's lexer walks a response one byte at a time through Python iterators; on a
first sync of 10,000 headers that is most of the process's time. Here one regular
expression cuts each line into tokens in C, and a small loop nests them. The result is
the same structure as :func:`imapclient.response_parser.parse_fetch_response`
(``{uid: {b"SEQ": n, b"FLAGS": (...), b"ENVELOPE": Envelope, ...}}``), the per-item
conversions (dates, ENVELOPE, BODYSTRUCTURE) being imapclient's own. Whatever this
parser does not expect (a character outside the usual grammar, unbalanced parentheses, a
literal of the wrong size) hands the whole response to imapclient's parser, which then
parses it or raises its usual error.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any

__all__ = ["RawEnvelope", "RawTime", "parse_fetch", "raw_timestamp"]

# One token: a parenthesis, a quoted string (backslash escapes), an atom (anything but
# spaces, controls and ( ) % " [, with [...] sections such as BODY[HEADER] kept whole),
# or any other non-blank character, which sends the response to the slow parser.
_TOKEN = re.compile(
    rb'[()]|"(?:[^"\\]|\\.)*"|(?:[^\x00-\x20()%"\[]|\[[^\]]*\])+|[^ \t\r\n]', re.DOTALL
)
_UNESCAPE = re.compile(rb'\\([\\"])')
_ATOM_STOP = frozenset(b'\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f'
                       b'\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e'
                       b'\x1f ()%"[')
_OPEN, _CLOSE, _QUOTE, _BRACE, _ZERO = (ord(c) for c in '()"{0')


# A date as servers nearly always write it: INTERNALDATE ("01-Dec-2026 10:00:05 +0100")
# or RFC 5322 without comment ("Tue, 1 Dec 2026 10:00:05 +0100"). Anything else (two-
# digit years, zone names, comments, "-0000") goes to imapclient's parsing.
_DATE = re.compile(
    rb"(?:[A-Z][a-z]{2}, )?([ \d]?\d)[ -](Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    rb"[ -]([1-9]\d{3}) ([01]\d|2[0-3]):([0-5]\d):([0-5]\d) ([+-])([01]\d|2[0-3])([0-5]\d)"
)
_MONTHS = {name: number for number, name in enumerate(
    (b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
     b"Dec"), start=1)}


def _local_time(raw: Any, system: tzinfo) -> datetime | None:
    """``raw`` as imapclient normalises it (naive, in the system's current offset), or
    None when it is not in the usual form."""
    match = _DATE.fullmatch(raw) if isinstance(raw, bytes) else None
    if match is None:
        return None
    day, month, year, hour, minute, second, sign, zone_hours, zone_minutes = match.groups()
    offset = int(zone_hours) * 60 + int(zone_minutes)
    if sign == b"-":
        if not offset:
            return None  # "-0000": no zone at all (RFC 5322 section 3.3)
        offset = -offset
    try:
        moment = datetime(int(year), _MONTHS[month], int(day), int(hour), int(minute),
                          int(second), tzinfo=timezone(timedelta(minutes=offset)))
    except ValueError:
        return None
    return moment.astimezone(system).replace(tzinfo=None)


def _date(raw: Any, system: tzinfo) -> datetime | None:
    """A date value of a FETCH item, as imapclient gives it (normalised); None if unreadable."""
    from imapclient.datetime_util import parse_to_datetime

    fast = _local_time(raw, system)
    if fast is not None:
        return fast
    try:
        parsed: datetime = parse_to_datetime(raw, normalise=True)
    except ValueError:
        return None
    return parsed


def _envelope(value: Any, system: tzinfo) -> Any:
    """imapclient's ``_convert_ENVELOPE`` (normalised times), with the fast date."""
    from imapclient.response_types import Address, Envelope

    addresses: list[tuple[Any, ...] | None] = []
    for addr_list in value[2:8]:
        if addr_list:
            addresses.append(tuple(Address(*item) for item in addr_list if item))
        else:
            addresses.append(None)
    return Envelope(
        date=_date(value[0], system) if value[0] else None, subject=value[1], from_=addresses[0],
        sender=addresses[1], reply_to=addresses[2], to=addresses[3], cc=addresses[4],
        bcc=addresses[5], in_reply_to=value[8], message_id=value[9],
    )


class RawEnvelope(tuple):  # type: ignore[type-arg]
    """An ENVELOPE left as the server's nested values (``parse_fetch(..., raw=True)``):
    a cold sync stores it undecoded, so building imapclient's Envelope and Address
    objects only to take them apart again is work it skips."""

    __slots__ = ()


class RawTime(bytes):
    """An INTERNALDATE left unparsed (``parse_fetch(..., raw=True)``): the sync reads it
    only for a message whose ENVELOPE has no usable date."""

    __slots__ = ()


def raw_timestamp(raw: bytes | None) -> float | None:
    """The POSIX time of a date as a FETCH gives it (ENVELOPE date, INTERNALDATE), read
    exactly as the normalised naive time of :func:`parse_fetch` is; None if unreadable."""
    from imapclient.fixed_offset import FixedOffset

    if not raw:
        return None
    system = FixedOffset.for_system()
    moment = _date(raw, system)
    # The naive time is in the offset the system has now; reading it back with that
    # same offset (not the local rules of its own date) keeps the instant across DST.
    return None if moment is None else moment.replace(tzinfo=system).timestamp()


class _Unexpected(Exception):
    """The response is outside what the fast path handles."""


def _atoms(data: list[Any]) -> list[Any]:
    """The top-level values of the response lines (nested tuples, ints, bytes, None)."""
    top: list[Any] = []
    stack: list[list[Any]] = []
    current = top
    findall = _TOKEN.findall
    unescape = _UNESCAPE.sub
    for chunk in data:
        if chunk is None:
            continue
        if isinstance(chunk, tuple):
            text, literal = chunk
        else:
            text, literal = chunk, None
        tokens = findall(text)
        if literal is not None:
            # The line stops at the literal's {size}; the literal is the next value.
            marker = tokens.pop() if tokens else b""
            if marker[:1] != b"{" or marker[-1:] != b"}" or int(marker[1:-1]) != len(literal):
                raise _Unexpected
        # Quoted strings, NIL and parentheses are most tokens of an ENVELOPE: first.
        for token in tokens:
            first = token[0]
            if first == _QUOTE:
                if len(token) == 1:  # an unclosed quote
                    raise _Unexpected
                value = token[1:-1]
                current.append(unescape(rb"\1", value) if b"\\" in value else value)
            elif first == _OPEN:
                stack.append(current)
                current = []
            elif first == _CLOSE:
                if not stack:
                    raise _Unexpected
                done = tuple(current)
                current = stack.pop()
                current.append(done)
            elif token == b"NIL":
                current.append(None)
            elif first in _ATOM_STOP or first == _BRACE:
                raise _Unexpected
            elif token.isdigit() and (first != _ZERO or len(token) == 1):
                current.append(int(token))
            else:
                current.append(token)
        if literal is not None:
            current.append(literal)
    if stack:
        raise _Unexpected
    return top


def parse_fetch(
    data: list[Any], normalise_times: bool = True, *, raw: bool = False
) -> dict[int, dict[bytes, Any]]:
    """Parse the untagged FETCH data of imaplib into ``{uid: {item: value}}``.

    The same result as imapclient's ``parse_fetch_response(data, normalise_times, True)``;
    with ``raw`` (and normalised times), well-formed ENVELOPE and INTERNALDATE values are
    left as :class:`RawEnvelope` and :class:`RawTime` for the caller to read (a response
    imapclient's parser takes over still gives its usual objects).
    """
    from imapclient.fixed_offset import FixedOffset
    from imapclient.response_parser import (
        _convert_ENVELOPE,
        _convert_INTERNALDATE,
        parse_fetch_response,
    )
    from imapclient.response_types import BodyData

    if data == [None] or not data:
        return {}
    try:
        values = _atoms(data)
    except (_Unexpected, ValueError):
        return dict(parse_fetch_response(data, normalise_times, True))
    if len(values) % 2:
        return dict(parse_fetch_response(data, normalise_times, True))
    system = FixedOffset.for_system()  # what imapclient normalises to (its own rule)
    parsed: dict[int, dict[bytes, Any]] = {}
    for index in range(0, len(values), 2):
        seq, items = values[index], values[index + 1]
        if not isinstance(seq, int) or not isinstance(items, tuple) or len(items) % 2:
            # Not a FETCH response as expected: imapclient words the error.
            return dict(parse_fetch_response(data, normalise_times, True))
        key = seq
        message: dict[bytes, Any] = {b"SEQ": seq}
        for position in range(0, len(items), 2):
            name = items[position]
            if not isinstance(name, bytes):
                return dict(parse_fetch_response(data, normalise_times, True))
            word = name.upper()
            value = items[position + 1]
            if word == b"UID":
                if not isinstance(value, int):
                    return dict(parse_fetch_response(data, normalise_times, True))
                key = value
            elif raw and normalise_times and word == b"ENVELOPE" and isinstance(
                value, tuple) and len(value) >= 10:
                message[word] = RawEnvelope(value)
            elif raw and normalise_times and word == b"INTERNALDATE" and isinstance(
                value, bytes):
                message[word] = RawTime(value)
            elif word == b"INTERNALDATE":
                message[word] = (_date(value, system) if normalise_times and value is not None
                                 else _convert_INTERNALDATE(value, normalise_times))
            elif word == b"ENVELOPE":
                message[word] = (_envelope(value, system) if normalise_times
                                 and isinstance(value, tuple) and len(value) >= 10
                                 else _convert_ENVELOPE(value, normalise_times))
            elif word in (b"BODY", b"BODYSTRUCTURE"):
                message[word] = BodyData.create(value)
            else:
                message[word] = value
        parsed.setdefault(key, {}).update(message)
    return parsed
