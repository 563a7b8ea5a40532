"""The cache answers the message list in windows: orders from indexes, rows on demand."""

from __future__ import annotations

import threading
from pathlib import Path

from client.mail.cache import SORT_KEYS, MailCache
from client.mail.sort_index import (
    ORDERED_FROM,
    RECIPIENTS,
    SENDER,
    SUBJECT,
    SortKeys,
    sort_keys,
)
from client.mail.summary import FetchedRow, MessageSummary
from tests.helpers.cached_folder import open_cache, seed_folder


def _all(cache: MailCache, folder: str) -> list[MessageSummary]:
    _, rows = cache.list_messages(folder, limit=100_000)
    return rows


def test_orders_match_the_rows_and_come_from_indexes(tmp_path: Path) -> None:
    with open_cache(tmp_path) as cache:
        seed_folder(cache, "INBOX", 400)
        seed_folder(cache, "Archives", 5, start_uid=1000)
        rows = _all(cache, "INBOX")
        keys = {
            "uid": lambda m: m.uid,
            "date": lambda m: (m.date, m.uid),
            "size": lambda m: (m.size, m.uid),
            "status": lambda m: ("\\Seen" not in m.flags, "\\Flagged" in m.flags,
                                 m.has_attachments, m.uid),
        }
        assert set(keys) == set(SORT_KEYS)
        for key, sort_key in keys.items():
            for descending in (True, False):
                expected = [m.uid for m in sorted(rows, key=sort_key, reverse=descending)]
                assert cache.ordered_uids("INBOX", key, descending=descending) == expected
        assert len(cache.ordered_uids("INBOX")) == 400
        assert cache.ordered_uids("Nowhere") == []
        # Sorting reads an index of clear columns alone; the rows (sealed blobs) are not read.
        for key, index in (("date", "messages_by_date"), ("size", "messages_by_size"),
                           ("status", "messages_by_status")):
            terms = ", ".join(f"{t} DESC" for t in SORT_KEYS[key])
            query = f"EXPLAIN QUERY PLAN SELECT uid FROM messages ORDER BY {terms}"  # noqa: S608
            plan = cache.store.conn.execute(query.replace("ORDER", "WHERE folder_id = 1 ORDER")
                                            ).fetchall()
            text = " ".join(str(step[-1]) for step in plan)
            assert f"COVERING INDEX {index}" in text and "TEMP B-TREE" not in text, text


def test_a_window_unseals_only_its_rows(tmp_path: Path) -> None:
    with open_cache(tmp_path) as cache:
        seed_folder(cache, "INBOX", 1000)
        unsealed: list[bytes] = []
        unseal = cache.store.unseal

        def counting(aad: bytes, blob: bytes) -> bytes:
            unsealed.append(aad)
            return unseal(aad, blob)

        cache.store.unseal = counting  # type: ignore[method-assign]
        window = cache.summaries_of("INBOX", [700, 3, 999_999, 41])
        assert [m.uid for m in window] == [700, 3, 41]  # the order asked; gone ones left out
        assert window[0].subject == "Compte rendu 000700 patient 20"
        assert window[0].sender.startswith("Laboratoire Biomed")  # 699 % 3 == 0
        assert len(unsealed) == 3
        assert cache.summaries_of("INBOX", []) == []
        assert cache.summaries_of("Nowhere", [1]) == []


def test_subjects_and_senders_stay_sealed_on_disk(tmp_path: Path) -> None:
    with open_cache(tmp_path) as cache:
        seed_folder(cache, "INBOX", 50)
        cache.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert b"Compte rendu" not in data and b"DUBOIS" not in data and b"claire" not in data


def test_the_reader_does_not_wait_for_a_sync_in_progress(tmp_path: Path) -> None:
    with open_cache(tmp_path) as cache:
        seed_folder(cache, "INBOX", 100)
        reader = cache.reader()
        try:
            cache.store.begin()  # the sync's transaction, not committed yet
            cache.remove_uids(1, range(1, 51))
            seen: list[int] = []
            thread = threading.Thread(
                target=lambda: seen.extend(reader.ordered_uids("INBOX")))
            thread.start()
            thread.join(10)
            assert not thread.is_alive() and len(seen) == 100  # the last committed state
            cache.store.commit()
            assert len(reader.ordered_uids("INBOX")) == 50
            assert reader.summaries_of("INBOX", [60])[0].uid == 60
        finally:
            reader.close()


def test_uidvalidity_without_a_count(tmp_path: Path) -> None:
    with open_cache(tmp_path) as cache:
        assert cache.uidvalidity("INBOX") is None
        seed_folder(cache, "INBOX", 3)
        state = cache.folder_state("INBOX")
        assert state is not None and cache.uidvalidity("INBOX") == state.uidvalidity == 1


def test_sort_keys_are_those_of_the_summaries_and_stored_with_the_rows(
        tmp_path: Path) -> None:
    with open_cache(tmp_path) as cache:
        seed_folder(cache, "INBOX", 30)
        folder_id = cache.reset_folder("Sent", 1)
        encoded = "=?utf-8?q?R=C3=A9sultats_=C3=A9cho?="  # raw ENVELOPE text, latin-1 kept
        cache.put_rows(folder_id, [FetchedRow(
            uid=5, modseq=1, flags=(), size=10, date=1.0, has_attachments=False,
            envelope=[encoded, [["Hélène Lefèvre".encode().decode("latin-1"), "h", "x.fr"]],
                      [["A", "a", "x.fr"], [None, "b", "y.fr"]], [], "<5@x>"])])
        cache.put_summaries(folder_id, [MessageSummary(
            uid=6, sender="Zoé <z@x.fr>", to=("c@x.fr",), subject="XDM/1.0/DDM+Écho",
            date=None, flags=(), size=1, has_attachments=False)])
        for folder, uids in (("INBOX", [7, 999_999, 2]), ("Sent", [6, 5])):
            keys = cache.sort_keys_of(folder, uids)
            rows = cache.summaries_of(folder, uids)
            assert keys == [sort_keys(m.uid, m.sender, m.to, m.subject) for m in rows]
            stored = _stored(cache, folder)
            assert keys == [stored[uid] for uid in uids if uid in stored]
        # Folded, the subject as people read it, the recipients joined.
        assert cache.sort_keys_of("Sent", [5, 6]) == [
            (5, "helene lefevre <h@x.fr>", "a <a@x.fr>, b@y.fr", "resultats echo"),
            (6, "zoe <z@x.fr>", "c@x.fr", "echo")]
        assert cache.sort_keys_of("INBOX", []) == [] and cache.sort_keys_of("Nowhere", [1]) == []
        assert cache.stored_sort_keys("Nowhere") == []
        with cache.transaction():  # a new UIDVALIDITY: the keys go with the rows
            cache.reset_folder("Sent", 2)
        assert cache.stored_sort_keys("Sent") == []


def test_an_unreadable_sort_key_segment_is_skipped(tmp_path: Path) -> None:
    with open_cache(tmp_path) as cache:
        seed_folder(cache, "INBOX", 10)
        seed_folder(cache, "INBOX", 5, start_uid=11)
        assert len(cache.stored_sort_keys("INBOX")) == 2
        with cache.transaction():  # a segment moved to another row: its seal no longer fits
            cache.store.conn.execute(
                "UPDATE sort_keys SET data = (SELECT data FROM sort_keys ORDER BY id LIMIT 1)"
                " WHERE id = (SELECT max(id) FROM sort_keys)")
        assert sorted(_stored(cache, "INBOX")) == list(range(1, 11))


def test_the_sync_compacts_the_keys_of_a_large_folder_into_one_ordered_segment(
        tmp_path: Path) -> None:
    with open_cache(tmp_path) as cache:
        seed_folder(cache, "INBOX", ORDERED_FROM - 1)  # small: left as written
        assert [s.ordered for s in cache.stored_sort_keys("INBOX")] == [False]
        assert not cache.compact_sort_keys("INBOX")
        seed_folder(cache, "INBOX", 2, start_uid=ORDERED_FROM)  # now large enough
        segments = cache.stored_sort_keys("INBOX")
        assert [s.ordered for s in segments] == [True]
        order = cache.ordered_uids("INBOX", "date", descending=True)
        assert segments[0].uids == order  # newest first: ties keep that order
        with cache.transaction():  # a cache from before the keys were kept
            cache.store.conn.execute("DELETE FROM sort_keys")
        assert cache.compact_sort_keys("INBOX")  # keyed from the sealed rows
        assert sorted(_stored(cache, "INBOX")) == list(range(1, ORDERED_FROM + 2))
        assert not cache.compact_sort_keys("INBOX") and not cache.compact_sort_keys("No")


def _stored(cache: MailCache, folder: str) -> dict[int, SortKeys]:
    return {uid: (uid, *keys) for segment in cache.stored_sort_keys(folder)  # type: ignore[misc]
            for uid, keys in zip(segment.uids, zip(segment.column(SENDER),
                                                    segment.column(RECIPIENTS),
                                                    segment.column(SUBJECT), strict=True),
                                 strict=True)}
