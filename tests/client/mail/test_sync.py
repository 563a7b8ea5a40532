"""Sync into the encrypted cache: full, incremental, expunges, UIDVALIDITY, offline list."""

from __future__ import annotations

from pathlib import Path

import pytest

from client.mail.cache import MailCache
from client.mail.errors import CacheCorrupted, FolderNotFound
from client.mail.keystore import MemoryKeyStore
from client.mail.mailbox import Mailbox
from client.mail.sort_index import MAX_SEGMENTS
from client.mail.sync import Synchronizer
from tests.client.mail._messages import JEAN, letter, xdm_letter
from tests.client.mail._servers import Dovecot, PasswordSessionOpener


def _seed(dovecot: Dovecot, user: str, n: int) -> None:
    imap = dovecot.client(user)
    try:
        imap.multiappend(
            "INBOX", [letter(subject=f"Bilan sanguin Hélène n°{i}").as_bytes() for i in range(n)]
        )
    finally:
        imap.logout()


_SORT_INDEXES = {"messages_by_date", "messages_by_size", "messages_by_status"}


def _sort_indexes(cache: MailCache) -> set[str]:
    rows = cache.store.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages'"
    ).fetchall()
    return {name for (name,) in rows} & _SORT_INDEXES


def test_a_cold_sync_builds_the_sort_indexes_after_loading(
    dovecot: Dovecot, user: str, mailbox: Mailbox, cache: MailCache
) -> None:
    import client.mail.sync as sync_module

    _seed(dovecot, user, 12)
    seen: list[set[str]] = []
    sync = Synchronizer(mailbox, cache, progress=lambda *_: seen.append(_sort_indexes(cache)))
    old_batch, sync_module.BATCH = sync_module.BATCH, 5
    try:
        assert sync.sync_folder("INBOX").added == 12
    finally:
        sync_module.BATCH = old_batch
    # Loaded without them (an empty cache), built once at the end, in the folder's
    # final transaction; the list then sorts from them.
    assert seen == [set(), set(), set()]
    assert _sort_indexes(cache) == _SORT_INDEXES
    assert cache.ordered_uids("INBOX", "size") == sorted(
        cache.cached_uids(cache.folder_state("INBOX").folder_id),  # type: ignore[union-attr]
        key=lambda uid: (cache.summary("INBOX", uid).size, uid),  # type: ignore[union-attr]
        reverse=True,
    )
    # A folder smaller than what the cache holds is loaded with them in place.
    mailbox.create_folder("Archives")
    for n in range(2):
        dovecot.append(user, "Archives", letter(subject=f"Archive {n}").as_bytes())
    seen.clear()
    assert sync.sync_folder("Archives").added == 2
    assert seen == [_SORT_INDEXES]


def test_the_desktop_sync_compacts_the_sort_keys_the_others_leave_them(
    dovecot: Dovecot, user: str, mailbox: Mailbox, cache: MailCache
) -> None:
    import client.mail.sync as sync_module

    _seed(dovecot, user, MAX_SEGMENTS + 1)
    old_batch, sync_module.BATCH = sync_module.BATCH, 1
    try:
        Synchronizer(mailbox, cache).sync_folder("INBOX")  # the command line's
        assert len(cache.stored_sort_keys("INBOX")) == MAX_SEGMENTS + 1  # one a batch
        _seed(dovecot, user, 1)
        Synchronizer(mailbox, cache, compact_sort_keys=True).sync_folder("INBOX")
    finally:
        sync_module.BATCH = old_batch
    # Too many segments: rewritten as one, with the keys of every row and their orders.
    [segment] = cache.stored_sort_keys("INBOX")
    assert segment.ordered and sorted(segment.uids) == sorted(cache.cached_uids(
        cache.folder_state("INBOX").folder_id))  # type: ignore[union-attr]


def test_full_then_unchanged_then_incremental(
    dovecot: Dovecot, user: str, mailbox: Mailbox, cache: MailCache
) -> None:
    _seed(dovecot, user, 5)
    sync = Synchronizer(mailbox, cache)
    first = sync.sync_folder("INBOX")
    assert (first.full, first.added, first.total) == (True, 5, 5)

    again = sync.sync_folder("INBOX")
    assert again.unchanged

    dovecot.append(user, "INBOX", xdm_letter().as_bytes())
    uids = sorted(cache.cached_uids(cache.folder_state("INBOX").folder_id))  # type: ignore[union-attr]
    mailbox.add_flags("INBOX", [uids[0]], ["\\Seen"])
    mailbox.delete("INBOX", [uids[1]])
    mailbox.close()
    third = sync.sync_folder("INBOX")
    assert (third.full, third.added, third.removed) == (False, 1, 1)
    assert third.updated >= 1
    total, page = cache.list_messages("INBOX")
    assert total == 5
    assert page[0].subject.startswith("XDM/1.0/DDM+")
    assert page[0].has_attachments
    assert "\\Seen" in cache.summary("INBOX", uids[0]).flags  # type: ignore[union-attr]
    assert cache.summary("INBOX", uids[1]) is None


def test_uidvalidity_change_refetches(
    dovecot: Dovecot, user: str, mailbox: Mailbox, cache: MailCache
) -> None:
    imap = mailbox.imap()
    imap.create_folder("Dossiers")
    for i in range(3):
        imap.append("Dossiers", letter(subject=f"ancien {i}").as_bytes())
    sync = Synchronizer(mailbox, cache)
    sync.sync_folder("Dossiers")
    before = cache.folder_state("Dossiers")
    # Deleting and recreating a folder gives it a new UIDVALIDITY (RFC 3501 2.3.1.1).
    imap.unselect_folder()
    imap.delete_folder("Dossiers")
    imap.create_folder("Dossiers")
    for i in range(2):
        imap.append("Dossiers", letter(subject=f"nouveau {i}").as_bytes())
    result = sync.sync_folder("Dossiers")
    after = cache.folder_state("Dossiers")
    assert before is not None and after is not None
    assert after.uidvalidity != before.uidvalidity
    assert result.full and result.added == 2
    total, page = cache.list_messages("Dossiers")
    assert total == 2 and {m.subject for m in page} == {"nouveau 0", "nouveau 1"}


def test_offline_list_and_nothing_readable_on_disk(
    dovecot: Dovecot, user: str, opener: PasswordSessionOpener
) -> None:
    dovecot.append(user, "INBOX", xdm_letter().as_bytes())
    keystore = MemoryKeyStore()
    with Mailbox(opener) as box, MailCache.open(opener.address, keystore=keystore) as cache:
        Synchronizer(box, cache).sync_all()
        raw = box.fetch_raw("INBOX", 1)
        cache.put_body("INBOX", 1, raw)
        # What the cache gives back is what the server's FETCH gives (same instant for
        # the date, which the cache keeps in UTC).
        live = box.summaries("INBOX", [1])[0]
        kept = cache.summary("INBOX", 1)
        assert kept is not None and kept.date == live.date
        assert {**kept.to_json(), "date": None} == {**live.to_json(), "date": None}
        path = cache.path
    # Offline: no server involved, only the file and the key.
    with MailCache.open(opener.address, keystore=keystore) as cache:
        total, page = cache.list_messages("INBOX")
        assert total == 1 and page[0].subject.startswith("XDM/1.0/DDM+Compte rendu biologie")
        assert cache.body("INBOX", 1) == raw
        assert set(cache.folder_names()) >= {"INBOX", "Sent", "Trash"}
    on_disk = b"".join(p.read_bytes() for p in path.parent.iterdir())
    for needle in ("Hélène", "LEFÈVRE", "biologie", "claire.dubois", "Claire", JEAN,
                   "clinique-sandbox", "Résultats", "IHE_XDM", "Sent"):
        for encoding in ("utf-8", "latin-1", "utf-16-le"):
            assert needle.encode(encoding, "ignore") not in on_disk, needle


def test_wrong_key_is_refused(
    dovecot: Dovecot, user: str, opener: PasswordSessionOpener
) -> None:
    dovecot.append(user, "INBOX", letter().as_bytes())
    with Mailbox(opener) as box, MailCache.open(opener.address, keystore=MemoryKeyStore()) as c:
        Synchronizer(box, c).sync_folder("INBOX")
    with pytest.raises(CacheCorrupted):
        MailCache.open(opener.address, keystore=MemoryKeyStore())


def test_offline_unknown_folder(cache: MailCache) -> None:
    with pytest.raises(FolderNotFound):
        cache.list_messages("INBOX")


def test_sync_survives_a_dropped_session(
    dovecot: Dovecot, user: str, mailbox: Mailbox, cache: MailCache
) -> None:
    _seed(dovecot, user, 2)
    sync = Synchronizer(mailbox, cache)
    sync.sync_folder("INBOX")
    # The server side goes away (token expiry, network); the next sync reopens.
    mailbox.imap().shutdown()
    mailbox.close()
    _seed(dovecot, user, 1)
    result = sync.sync_folder("INBOX")
    assert result.added == 1 and cache.list_messages("INBOX")[0] == 3


def test_connection_dropped_mid_fetch_keeps_the_cache_consistent(
    dovecot: Dovecot, user: str, keystore: MemoryKeyStore
) -> None:
    from client.mail.errors import MailConnectionError
    from tests.client.mail._servers import CuttingProxy

    _seed(dovecot, user, 40)
    proxy = CuttingProxy(dovecot.port)
    try:
        opener = PasswordSessionOpener(dovecot, user, imap_port=proxy.port)
        # Enough for the greeting, login, ENABLE, SELECT and SEARCH, not for the FETCH.
        proxy.cut_downstream = 3000
        with Mailbox(opener) as box, MailCache.open(opener.address, keystore=keystore) as c:
            with pytest.raises(MailConnectionError):
                Synchronizer(box, c).sync_folder("INBOX")
            assert proxy.cuts >= 1
            state = c.folder_state("INBOX")
            # Nothing half-done is taken for done: the next sync starts again.
            assert state is None or state.uidnext == 1
            proxy.cut_downstream = None
            # The sort indexes left out during the failed cold load are back.
            assert _sort_indexes(c) == _SORT_INDEXES
            result = Synchronizer(box, c).sync_folder("INBOX")
            assert result.total == 40 and c.list_messages("INBOX")[0] == 40
    finally:
        proxy.close()


_KILLED_SYNC = """
import os, signal, sys
from pathlib import Path
import client.mail.sync as sync_module
from client.mail.cache import MailCache
from client.mail.mailbox import Mailbox
from client.mail.store import EncryptedStore
from tests.client.mail._servers import Dovecot, PasswordSessionOpener

port, user, path, key = int(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), bytes.fromhex(sys.argv[4])
sync_module.BATCH = 10
dovecot = Dovecot(root=Path("/nonexistent"), port=port)

def die_after_two_batches(folder, done, total):
    if done >= 20:
        os.kill(os.getpid(), signal.SIGKILL)  # no cleanup, no commit of anything later

cache = MailCache(EncryptedStore(path, key))
box = Mailbox(PasswordSessionOpener(dovecot, user))
sync_module.Synchronizer(box, cache, progress=die_after_two_batches).sync_folder("INBOX")
"""


def test_a_sync_killed_mid_way_leaves_a_cache_the_next_sync_completes(
    dovecot: Dovecot, user: str, tmp_path: Path
) -> None:
    import os
    import sqlite3
    import subprocess
    import sys

    from client.mail.store import EncryptedStore

    _seed(dovecot, user, 45)
    key = os.urandom(32)
    path = tmp_path / "cache.sqlite3"
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_SYNC, str(dovecot.port), user, str(path), key.hex()],
        cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, timeout=120, check=False,
    )
    assert done.returncode == -9
    check = sqlite3.connect(path)
    try:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        check.close()
    with MailCache(EncryptedStore(path, key)) as cache, Mailbox(
        PasswordSessionOpener(dovecot, user)
    ) as box:
        state = cache.folder_state("INBOX")
        assert state is not None and state.uidnext == 1  # the folder state is written last
        assert state.count == 20  # the two batches committed before the kill survived
        result = Synchronizer(box, cache).sync_folder("INBOX")
        assert result.total == 45 and cache.list_messages("INBOX")[0] == 45
        assert Synchronizer(box, cache).sync_folder("INBOX").unchanged


def test_pipelined_fetch_stopped_early_leaves_the_session_usable(
    dovecot: Dovecot, user: str, mailbox: Mailbox
) -> None:
    from client.mail.imapfetch import fetch_pipelined

    _seed(dovecot, user, 6)
    imap = mailbox.imap()
    mailbox.select("INBOX", readonly=True)
    batches = fetch_pipelined(imap, [[1, 2], [3, 4], [5, 6]], ["UID", "FLAGS"])
    assert sorted(next(batches)) == [1, 2]
    batches.close()  # the FETCH of 3:4 was already sent: it is drained
    assert sorted(imap.search(["ALL"])) == [1, 2, 3, 4, 5, 6]
    assert [sorted(b) for b in fetch_pipelined(imap, [[1, 2, 3], [4, 5, 6]], ["UID"])] == [
        [1, 2, 3], [4, 5, 6]
    ]


def test_qresync_resync_finds_expunges_and_flags_in_one_command(
    dovecot: Dovecot, user: str, mailbox: Mailbox, cache: MailCache
) -> None:
    _seed(dovecot, user, 12)
    sync = Synchronizer(mailbox, cache)
    sync.sync_folder("INBOX")
    uids = sorted(cache.cached_uids(cache.folder_state("INBOX").folder_id))  # type: ignore[union-attr]
    # Another client (its own session) flags two messages and expunges three.
    other = dovecot.client(user)
    try:
        other.select_folder("INBOX")
        other.add_flags(uids[:2], [b"\\Flagged"])
        other.delete_messages(uids[5:8])
        other.uid_expunge(uids[5:8])
    finally:
        other.logout()

    imap = mailbox.imap()
    sent: list[str] = []
    original = imap._imap._command  # count what goes on the wire

    def counting(name: str, *args: object) -> object:
        sent.append(" ".join([name, *(str(a) for a in args[:2])]))
        return original(name, *args)

    imap._imap._command = counting  # type: ignore[method-assign]
    try:
        result = sync.sync_folder("INBOX")
    finally:
        imap._imap._command = original  # type: ignore[method-assign]
    assert mailbox.enable_qresync()
    assert (result.added, result.updated, result.removed, result.total) == (0, 2, 3, 9)
    assert not any(command.startswith("SEARCH") for command in sent), sent
    assert [c for c in sent if c.startswith("UID FETCH")] == [f"UID FETCH 1:{uids[-1]}"]
    left = cache.cached_uids(cache.folder_state("INBOX").folder_id)  # type: ignore[union-attr]
    assert left == set(uids) - set(uids[5:8])
    assert "\\Flagged" in cache.summary("INBOX", uids[0]).flags  # type: ignore[union-attr]
