"""Hostile VANISHED responses (RFC 7162 section 3.2.10): the parser returns ranges that say
exactly what the server listed, or raises ValueError (worded as a protocol error by the
sync), never a crash, a hang or four billion UIDs in memory."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from client.mail.qresync import MAX_RANGES, MAX_UID, Vanished, parse_vanished, vanished_among
from tests.hostile._budget import HOSTILE, count

uids = st.integers(min_value=1, max_value=MAX_UID)
pieces = st.one_of(
    st.builds(str, uids),
    st.builds(lambda a, b: f"{a}:{b}", uids, uids),
)


def _expected(parts: list[str]) -> list[tuple[int, int]]:
    spans = []
    for part in parts:
        low, _, high = part.partition(":")
        a, b = int(low), int(high or low)
        spans.append((min(a, b), max(a, b)))
    return spans


@HOSTILE
@given(parts=st.lists(pieces, min_size=1, max_size=30), earlier=st.booleans(),
       probes=st.lists(uids, max_size=30))
def test_well_formed_sets_mean_what_they_say(parts: list[str], earlier: bool,
                                             probes: list[int]) -> None:
    count("VANISHED well formed")
    text = ("(EARLIER) " if earlier else "") + ",".join(parts)
    vanished = parse_vanished(text.encode())
    assert vanished.earlier is earlier
    spans = _expected(parts)
    ranges = vanished.ranges
    assert all(low <= high for low, high in ranges)
    assert all(ranges[i][1] + 1 < ranges[i + 1][0] for i in range(len(ranges) - 1))
    for uid in probes + [low for low, _ in spans] + [high for _, high in spans]:
        assert (uid in vanished) == any(low <= uid <= high for low, high in spans)


junk_tokens = st.sampled_from([
    b"(EARLIER)", b"(earlier)", b"( EARLIER )", b"(LATER)", b"*", b"0", b"-1", b"1:*",
    b"4294967296", b"99999999999", b"1:", b":5", b"1::2", b",", b",,", b" ", b"\x00",
    b"1e3", b"01", b"NIL", b"()", b"\xff\xfe", b"1:4294967295", b"{5}",
])
hostile = st.one_of(
    st.binary(max_size=80),
    st.lists(junk_tokens | st.builds(lambda n: b"%d" % n, st.integers(-10, 2**40)),
             min_size=1, max_size=12).map(b"".join),
    st.lists(junk_tokens, min_size=1, max_size=8).map(b",".join),
)


@HOSTILE
@given(data=hostile)
def test_hostile_sets_parse_or_raise_value_error(data: bytes) -> None:
    count("VANISHED hostile")
    try:
        vanished = parse_vanished(data)
    except ValueError:
        return
    assert isinstance(vanished, Vanished)
    assert all(1 <= low <= high <= MAX_UID for low, high in vanished.ranges)


def test_a_huge_range_stays_two_numbers() -> None:
    vanished = parse_vanished(b"(EARLIER) 1:4294967295")
    assert vanished.ranges == ((1, MAX_UID),)
    assert vanished_among([vanished], [3, 10**6]) == {3, 10**6}


def test_too_many_ranges_refused() -> None:
    data = ",".join(str(2 * i + 1) for i in range(MAX_RANGES + 1)).encode()
    with pytest.raises(ValueError, match="too many"):
        parse_vanished(data)


def test_only_listed_cached_uids_are_reported() -> None:
    answers = [parse_vanished(b"(EARLIER) 41,43:116,118"), parse_vanished(b"200")]
    assert vanished_among(answers, [40, 41, 42, 43, 100, 116, 117, 118, 200, 201]) == {
        41, 43, 100, 116, 118, 200,
    }
