"""Header decoding and attachment detection used by lists and the sync."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import pytest

from client.mail.fetch_parser import parse_fetch
from client.mail.imapfetch import uid_set
from client.mail.summary import (
    decode_header_text,
    fetched_row,
    has_attachments,
    summary_from_fetch,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("=?UTF-8?B?w4ljaG9ncmFwaGllIGNhcmRpYXF1ZQ==?=", "Échographie cardiaque"),
        ("=?ISO-8859-1?Q?Dr_H=E9l=E8ne_L=E9vy?=", "Dr Hélène Lévy"),
        ("a =?utf-8?q?caf=C3=A9?= b", "a café b"),
        ("=?utf-8?q?a?= =?utf-8?q?b?=", "ab"),  # RFC 2047 6.2: no space between words
        ("=?utf-8?b?w4k=?=\r\n =?utf-8?b?w6k=?=", "Éé"),
        ("=?utf-8?B?4p?= =?utf-8?B?gJQ=?=", "—"),  # a character split across two words
        ("=?utf-8*fr?q?d=C3=A9j=C3=A0?=", "déjà"),  # RFC 2231 language suffix
        ("=?iso-8859-1?q?=E9?= =?utf-8?q?=C3=A9?=", "éé"),
        ("=?utf-8?q?broken", "=?utf-8?q?broken"),
        ("Objet\r\n suite", "Objet suite"),
        (b"bytes =?utf-8?q?=C3=A9?=", "bytes é"),
        (None, ""),
    ],
)
def test_decode_header_text(raw: str | bytes | None, expected: str) -> None:
    assert decode_header_text(raw) == expected


def test_unknown_charset_keeps_something() -> None:
    assert "abc" in decode_header_text("=?x-unknown?Q?abc?=")


def test_has_attachments_from_bodystructure_shapes() -> None:
    text = (b"text", b"plain", (b"charset", b"utf-8"), None, None, b"7bit", 10, 1)
    pdf = (b"application", b"pdf", (b"name", b"cr.pdf"), None, None, b"base64", 100,
           None, (b"attachment", (b"filename", b"cr.pdf")), None)
    assert not has_attachments(text)
    assert has_attachments(([text, pdf], b"mixed"))
    assert not has_attachments(([text, text], b"alternative"))
    assert not has_attachments(None)


def test_a_receipt_s_report_parts_are_no_attachment() -> None:
    text = (b"text", b"plain", (b"charset", b"utf-8"), None, None, b"7bit", 10, 1)
    mdn = (b"message", b"disposition-notification", None, None, None, b"7bit", 200)
    headers = (b"text", b"rfc822-headers", (b"charset", b"utf-8"), None, None, b"7bit", 300, 8)
    dsn = (b"message", b"delivery-status", None, None, None, b"7bit", 200)
    assert not has_attachments(([text, mdn, headers], b"report"))
    assert not has_attachments(([text, dsn], b"report"))
    # A forwarded message is one.
    forwarded = (b"message", b"rfc822", None, None, None, b"7bit", 900)
    assert has_attachments(([text, forwarded], b"mixed"))


def test_uid_set_compresses_runs() -> None:
    assert uid_set([5, 1, 2, 3, 9, 10, 12]) == "1:3,5,9:10,12"
    with pytest.raises(ValueError):
        uid_set([])


@pytest.fixture()
def paris_in_winter(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The system in Europe/Paris; what "now" is does not matter, the date's DST does."""
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


# 08:00 UTC on a summer day and on a winter day, as the server writes them.
SUMMER = b"01-Jul-2026 10:00:00 +0200"
WINTER = b"01-Dec-2026 09:00:00 +0100"
SUMMER_UTC = dt.datetime(2026, 7, 1, 8, tzinfo=dt.UTC).timestamp()
WINTER_UTC = dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC).timestamp()


@pytest.mark.parametrize("raw", [True, False])
def test_message_dates_keep_their_instant_across_daylight_saving(
    paris_in_winter: None, raw: bool
) -> None:
    # A summer message synced in winter (or the reverse) was stored an hour off: the
    # normalised naive time is in today's offset and was read back with its own date's.
    for internal, expected in ((SUMMER, SUMMER_UTC), (WINTER, WINTER_UTC)):
        response = [b"1 (UID 7 INTERNALDATE \"" + internal + b"\" RFC822.SIZE 10 FLAGS ())"]
        parsed = parse_fetch(response, raw=raw)
        assert fetched_row(7, parsed[7]).date == expected


def test_summary_dates_keep_their_instant_across_daylight_saving(paris_in_winter: None) -> None:
    parsed = parse_fetch([b"1 (UID 7 INTERNALDATE \"" + SUMMER + b"\" RFC822.SIZE 10 FLAGS ())"])
    summary = summary_from_fetch(7, parsed[7])
    assert summary.date is not None
    assert summary.date.timestamp() == SUMMER_UTC
