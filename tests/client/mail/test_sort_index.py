"""The sealed sort keys: segment format, stored orders, merging new mail, compaction."""

from __future__ import annotations

import random
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from client.mail.sort_index import (
    MAX_SEGMENTS,
    ORDERED_FROM,
    RECIPIENTS,
    SENDER,
    SUBJECT,
    FolderKeys,
    Segment,
    SortKeys,
    compaction_due,
    decode_segment,
    encode_segment,
    key_rows_missing,
    ordered_segment,
    sort_keys,
    sorted_positions,
)

_KEYS = st.tuples(st.integers(1, 2**32 - 1), st.text(), st.text(), st.text())


def _segment(rows: list[SortKeys], *, ordered: bool = False) -> Segment:
    """``rows`` through the stored format (``ordered``: compacted, in their order)."""
    if ordered:
        plaintext, count = ordered_segment([row[0] for row in rows], [Segment.of(rows)])
        assert count == len(rows)
    else:
        plaintext = encode_segment(rows)
    decoded = decode_segment(plaintext)
    assert decoded is not None
    return decoded


def test_keys_are_folded_as_people_compare_them() -> None:
    assert sort_keys(3, "Hélène LEFÈVRE <h@x.fr>", ("A <a@x.fr>", "b@y.fr"),
                     "Re: XDM/1.0/DDM+Résultats") == (
        3, "helene lefevre <h@x.fr>", "a <a@x.fr>, b@y.fr", "resultats")


@pytest.mark.parametrize(("subject", "key"), [
    ("RE : TR: Bilan", "bilan"), ("Re[2]: Fwd: écho", "echo"), ("AW: WG: Befund", "befund"),
    ("Re: XDM/1.0/DDM+CR opératoire", "cr operatoire"),
    ("Réf : dossier 12", "ref : dossier 12"),  # a reference, not a reply
    ("Tribunal: convocation", "tribunal: convocation"), ("re:", ""),
    ("Objet sans préfixe", "objet sans prefixe"),
])
def test_a_reply_sorts_with_the_message_it_answers(subject: str, key: str) -> None:
    assert sort_keys(1, "", (), subject)[3] == key


def test_the_separator_in_a_hostile_header_becomes_a_space() -> None:
    keys = sort_keys(1, "a\x1fb", ("c\x1fd",), "e\x1f\x1ff")
    assert keys == (1, "a b", "c d", "e  f")
    segment = _segment([keys, (2, "", "", "")])
    assert segment.column(SENDER) == ["a b", ""] and segment.column(SUBJECT) == ["e  f", ""]


@given(st.lists(_KEYS, max_size=40, unique_by=lambda row: row[0]), st.booleans())
def test_a_segment_gives_back_its_keys_and_orders(rows: list[SortKeys], ordered: bool
                                                  ) -> None:
    keyed = [sort_keys(uid, sender, (to,), subject) for uid, sender, to, subject in rows]
    segment = _segment(keyed, ordered=ordered)
    assert segment.uids == [row[0] for row in keyed] and segment.ordered is ordered
    for column in (SENDER, RECIPIENTS, SUBJECT):
        keys = [row[column + 1] for row in keyed]
        assert segment.column(column) == keys
        if ordered:  # stable both ways: equal keys keep the rows' order
            ascending = sorted(range(len(keys)), key=keys.__getitem__)
            descending = sorted(range(len(keys)), key=keys.__getitem__, reverse=True)
            assert segment.order(column, False) == ascending
            assert segment.order(column, True) == descending


def _header(count: int, ordered: int, *lengths: int) -> bytes:
    return struct.pack("<2sIB3I", b"K1", count, ordered, *lengths)


@pytest.mark.parametrize("data", [
    b"", b"K1",
    struct.pack("<2sIB3I", b"K2", 1, 0, 1, 1, 1) + b"\x01\x00\x00\x00abc",  # other version
    _header(2, 0, 1, 1, 1) + b"\x01\x00\x00\x00abc",  # fewer UIDs than announced
    _header(1, 0, 1, 1, 2) + b"\x01\x00\x00\x00abc",  # shorter than its columns say
    _header(1, 0, 3, 1, 1) + b"\x01\x00\x00\x00a\x1fzbc",  # a column with two keys
    _header(1, 0, 1, 1, 1) + b"\x01\x00\x00\x00\xffbc",  # not UTF-8
    _header(1, 2, 1, 1, 1) + b"\x01\x00\x00\x00abc",  # an unknown flag
])
def test_a_segment_of_another_version_or_malformed_is_refused(data: bytes) -> None:
    assert decode_segment(data) is None


def test_an_order_naming_a_row_the_segment_lacks_is_refused() -> None:
    segment = decode_segment(_header(1, 1, 1, 1, 1) + b"\x01\x00\x00\x00"
                             + b"\x05\x00\x00\x00" * 6 + b"abc")
    assert segment is not None and segment.column(SUBJECT) == ["c"]
    with pytest.raises(ValueError, match="names a row"):
        segment.order(SUBJECT, False)


def test_an_empty_segment() -> None:
    segment = _segment([], ordered=True)
    assert segment.uids == [] and segment.column(SUBJECT) == []
    with pytest.raises(ValueError, match="unordered"):
        _segment([]).order(SUBJECT, False)


def test_sorted_positions_come_in_slices_with_the_order_of_sorted() -> None:
    chooser = random.Random(7)
    keys = [chooser.choice(["dr a", "dr b", "labo", "Labo", ""]) for _ in range(10_001)]
    for descending in (False, True):
        assert sorted_positions(keys, descending) == sorted(
            range(len(keys)), key=keys.__getitem__, reverse=descending)
    assert sorted_positions([], False) == []


def _folder(count: int, seed: int = 3) -> list[SortKeys]:
    """``count`` rows newest first (UID ``count`` the newest), subjects repeating."""
    chooser = random.Random(seed)
    return [(uid, f"dr {chooser.randrange(50)}", f"to {chooser.randrange(9)}",
             chooser.choice(["bilan", "compte rendu", "ordonnance", "résultats"])
             + f" {chooser.randrange(300)}")
            for uid in range(count, 0, -1)]


def _expected(rows: list[SortKeys], column: int, descending: bool) -> list[int]:
    return [row[0] for row in sorted(rows, key=lambda row: row[column + 1],
                                     reverse=descending)]


@pytest.mark.parametrize("column", [SENDER, RECIPIENTS, SUBJECT])
def test_an_ordered_folder_merges_new_mail_and_skips_gone_rows(column: int) -> None:
    older = _folder(3_000)
    base = _segment(older, ordered=True)
    new = [(uid, f"dr {uid % 50}", "to 1", f"bilan {uid % 300}") for uid in (3_002, 3_001)]
    gone = {5, 700, 2_999}
    rows = [row for row in new + older if row[0] not in gone]  # the listing, newest first
    order = [row[0] for row in rows]
    keys = FolderKeys(order, {uid: i for i, uid in enumerate(order)},
                      [base, _segment(new[1:]), _segment(new[:1])])
    for descending in (False, True):  # ties newest first, new mail included
        assert keys.order_by(column, descending) == _expected(rows, column, descending)
    assert keys.matching("dr 4") == {row[0] for row in rows
                                     if "dr 4" in row[1] or "dr 4" in row[3]}
    compacted = _segment_of(*ordered_segment(order, [base, _segment(new)]))
    assert compacted.uids == order and compacted.column(SUBJECT) == [row[3] for row in rows]
    assert compacted.order(column, False) == [
        order.index(uid) for uid in _expected(rows, column, False)]


def _segment_of(plaintext: bytes, count: int) -> Segment:
    segment = decode_segment(plaintext)
    assert segment is not None and len(segment.uids) == count
    return segment


def test_an_unordered_folder_is_sorted_on_reading() -> None:
    rows = _folder(500)
    order = [row[0] for row in rows]
    keys = FolderKeys(order, dict.fromkeys(order, 0),
                      [_segment(rows[250:]), Segment.of(rows[:250])])
    for descending in (False, True):
        assert keys.order_by(SUBJECT, descending) == _expected(rows, SUBJECT, descending)


def test_rows_without_keys_are_keyed_once() -> None:
    rows = _folder(10)
    asked: list[list[int]] = []

    def key_rows(uids: list[int]) -> list[SortKeys]:
        asked.append(uids)
        return [row for row in rows if row[0] in uids]

    order = [row[0] for row in rows]
    missing = key_rows_missing(order, [_segment(rows[3:])], key_rows)
    assert asked == [[10, 9, 8]] and missing is not None and missing.uids == [10, 9, 8]
    assert key_rows_missing(order, [_segment(rows)], key_rows) is None


def test_compaction_is_due_when_segments_pile_up_or_rows_change() -> None:
    big = ORDERED_FROM * 10
    assert not compaction_due(0, []) and compaction_due(0, [(5, False)])
    assert not compaction_due(50, [(50, False)])  # a small folder sorts as it is read
    assert compaction_due(50, [(1, False)] * (MAX_SEGMENTS + 1))
    assert compaction_due(50, [(40, False)])  # rows cached before keys were kept
    assert compaction_due(50, [(50, False), (20, False)])  # many rows gone
    assert compaction_due(big, [(big, False)])  # large: keep the orders
    assert not compaction_due(big, [(big - 5, True), (5, False)])
    assert compaction_due(big, [(big // 2, True), (big // 2, False)])  # much new mail


def test_a_malformed_stored_order_falls_back_to_sorting_the_keys() -> None:
    rows = [(2, "b", "", "b"), (1, "a", "", "a")]
    data = bytearray(ordered_segment([2, 1], [Segment.of(rows)])[0])
    data[19 + 8:19 + 12] = struct.pack("<I", 9)  # the first order names row 9
    segment = decode_segment(bytes(data))
    assert segment is not None
    keys = FolderKeys([2, 1], {2: 0, 1: 1}, [segment])
    assert keys.order_by(SENDER, False) == [1, 2]


def test_two_workers_reading_one_column_get_the_same_keys() -> None:
    import threading

    rows = _folder(20_000)

    def read_together(segment: Segment) -> list[list[str]]:
        results: list[list[str]] = []
        threads = [threading.Thread(target=lambda: results.append(segment.column(SUBJECT)))
                   for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results

    for _ in range(5):
        assert [len(keys) for keys in read_together(_segment(rows))] == [len(rows)] * 4
