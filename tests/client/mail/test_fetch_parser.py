"""The fast FETCH parser gives what imapclient's parser gives, on the shapes servers send."""

from __future__ import annotations

from typing import Any

import pytest
from imapclient.exceptions import ProtocolError
from imapclient.response_parser import parse_fetch_response

from client.mail.fetch_parser import _atoms, _Unexpected, parse_fetch

_ENVELOPE = (
    b'ENVELOPE ("Tue, 01 Dec 2026 10:00:00 +0100" "=?utf-8?q?R=C3=A9sultats?="'
    b' (("Dr Jean \\"JM\\" Martin" NIL "jean.martin" "hopital.mssante.fr"))'
    b' (("Dr Jean Martin" NIL "jean.martin" "hopital.mssante.fr")) NIL'
    b' ((NIL NIL "a" "x.fr")("B" NIL "b" "x.fr")) NIL NIL NIL "<id-1@x.fr>")'
)
_MULTIPART = (
    b'BODYSTRUCTURE (("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 12 1 NIL NIL NIL'
    b' NIL)("application" "pdf" ("name" "cr.pdf") NIL NIL "base64" 5000 NIL'
    b' ("attachment" ("filename" "cr.pdf")) NIL NIL) "mixed" ("boundary" "b1") NIL NIL NIL)'
)

CASES: dict[str, list[Any]] = {
    "summary items": [
        b'1 (UID 7 FLAGS (\\Seen $Label1) INTERNALDATE "01-Dec-2026 10:00:05 +0100"'
        b" RFC822.SIZE 1234 " + _ENVELOPE + b' BODYSTRUCTURE ("text" "plain" ("charset"'
        b' "utf-8") NIL NIL "7bit" 12 1 NIL NIL NIL NIL) MODSEQ (42))',
        b"2 (UID 8 FLAGS () RFC822.SIZE 0 " + _MULTIPART + b")",
    ],
    "literal subject": [
        (b'3 (UID 9 ENVELOPE (NIL {11}', b'Hello\r\n(x)"'),
        b' NIL NIL NIL NIL NIL NIL NIL NIL) FLAGS (\\Answered))',
    ],
    "body section and literal": [
        (b"4 (UID 10 BODY[HEADER.FIELDS (SUBJECT)] {16}", b"Subject: a b\r\n\r\n"),
        b" FLAGS (\\Recent))",
    ],
    "numbers and escapes": [
        b'5 (UID 11 X-GM-THING 0123 X-OTHER "0" X-Q "a\\\\b\\"c\\d" X-NIL "NIL")',
    ],
    "uid before seq items": [b"6 (FLAGS (\\Deleted) UID 12)", b"7 (UID 13)"],
    "no uid": [b"8 (FLAGS (\\Seen))"],
    "empty": [None],
    "bad date": [b'9 (UID 14 INTERNALDATE "garbage")'],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_result_as_imapclient(name: str) -> None:
    data = CASES[name]
    for normalise in (True, False):
        assert parse_fetch(data, normalise) == dict(parse_fetch_response(data, normalise, True))


def test_the_fast_path_parses_these_shapes_itself() -> None:
    for name, data in CASES.items():
        if data != [None]:
            assert _atoms(data), name  # no _Unexpected: the fast path took them


@pytest.mark.parametrize("data", [
    [b"1 (UID 5 FLAGS (\\Seen)"],  # unclosed
    [b"1 (UID 5))"],  # one too many
    [b'1 (UID 5 X "open)'],
    [b"1 (UID 5 X %)"],
    [b"1 (UID 5 X [abc)"],
    [(b"1 (UID 5 X {4}", b"abc"), b")"],  # literal shorter than announced
])
def test_odd_responses_go_to_imapclient(data: list[Any]) -> None:
    with pytest.raises(_Unexpected):
        _atoms(data)
    try:
        expected: object = dict(parse_fetch_response(data, True, True))
    except ProtocolError as exc:
        with pytest.raises(ProtocolError) as raised:
            parse_fetch(data)
        assert str(raised.value) == str(exc)
    else:
        assert parse_fetch(data) == expected


def test_not_a_fetch_response_raises_as_imapclient_does() -> None:
    with pytest.raises(ProtocolError, match="invalid message ID"):
        parse_fetch([b"X (UID 1)"])


_DATES = [
    b"01-Dec-2026 10:00:05 +0100", b" 1-Dec-2026 10:00:05 +0100", b"29-Mar-2026 01:30:00 +0000",
    b"25-Oct-2026 02:30:00 +0200", b"31-Dec-1999 23:59:59 -0500", b"30-Feb-2026 10:00:00 +0100",
    b"Tue, 1 Dec 2026 10:00:05 +0100", b"Sun, 29 Mar 2026 02:30:00 +0100",
    b"1 Dec 2026 10:00:05 -0000", b"1 Dec 26 10:00:05 +0100", b"1 Dec 2026 10:00:05 GMT",
    b"Tue, 1 Dec 2026 10:00:05 +0100 (CET)", b"Tue, 1 Dec 2026 10:00 +0100",
    b"Tue, 1 Dec 2026 10.00.05 +0100",
    b"Tue, 1 Dec 2026 24:00:05 +0100", b"Tue, 1 Dec 2026 10:00:05 +2500", b"garbage", b"",
]


@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "America/Sao_Paulo"])
def test_dates_as_imapclient_normalises_them(zone: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        for date in _DATES:
            quoted = b'"' + date + b'"'
            data = [b"1 (UID 3 INTERNALDATE " + quoted + b" ENVELOPE (" + quoted
                    + b' "s" NIL NIL NIL NIL NIL NIL NIL "<m@x>"))']
            # Unnormalised, an offset of 25 hours makes a datetime that cannot be compared.
            for normalise in (True, False) if b"+2500" not in date else (True,):
                assert parse_fetch(data, normalise) == dict(
                    parse_fetch_response(data, normalise, True)), (date, normalise)
    finally:
        monkeypatch.undo()
        time.tzset()


def test_usual_dates_take_the_fast_path() -> None:
    from imapclient.fixed_offset import FixedOffset

    from client.mail.fetch_parser import _local_time

    system = FixedOffset.for_system()
    for date in (b"01-Dec-2026 10:00:05 +0100", b" 1-Dec-2026 10:00:05 -0300",
                 b"Tue, 1 Dec 2026 10:00:05 +0100", b"1 Dec 2026 10:00:05 +0000"):
        assert _local_time(date, system) is not None, date
    for date in (b"1 Dec 2026 10:00:05 -0000", b"1 Dec 26 10:00:05 +0100", b"garbage"):
        assert _local_time(date, system) is None, date


@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "America/Sao_Paulo"])
def test_raw_values_give_the_rows_of_the_decoded_ones(
    zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sync's raw ENVELOPE/INTERNALDATE make the very rows imapclient's objects make."""
    import time

    from client.mail.fetch_parser import RawEnvelope, RawTime
    from client.mail.summary import fetched_row

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        responses = [data for data in CASES.values() if data != [None]]
        for date in _DATES:
            quoted = b'"' + date + b'"'
            for envelope_date in (quoted, b"NIL", b'"garbage"'):
                responses.append([
                    b"1 (UID 3 INTERNALDATE " + quoted + b" ENVELOPE (" + envelope_date
                    + b' "s" NIL NIL NIL NIL NIL NIL NIL "<m@x>"))'])
        for data in responses:
            raw = parse_fetch(data, raw=True)
            decoded = parse_fetch(data)
            assert raw.keys() == decoded.keys()
            for uid, item in raw.items():
                assert item.keys() == decoded[uid].keys()
                for name, value in item.items():
                    if not isinstance(value, RawEnvelope | RawTime):
                        assert value == decoded[uid][name], (data, name)
                assert fetched_row(uid, item) == fetched_row(uid, decoded[uid]), data
        took = parse_fetch(CASES["summary items"], raw=True)[7]
        assert isinstance(took[b"ENVELOPE"], RawEnvelope)
        assert isinstance(took[b"INTERNALDATE"], RawTime)
    finally:
        monkeypatch.undo()
        time.tzset()
