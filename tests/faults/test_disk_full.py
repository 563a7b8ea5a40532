"""A disk that fills up while writing the mail cache and the directory index.

The child process runs with ``RLIMIT_FSIZE`` (SIGXFSZ ignored): past the limit every
write fails with EFBIG, which SQLite sees exactly like a full disk. The previous state
must be intact afterwards and the failure must be an error the layers can word.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from client.directory import DirectoryIndex, import_extraction
from client.mail.cache import MailCache
from client.mail.store import EncryptedStore
from sandbox.directory_sample import write_sample_extraction
from tests.faults._workers import _summaries

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

ROOT = Path(__file__).resolve().parents[2]


def _worker(*argv: str) -> dict[str, Any] | None:
    done = subprocess.run(
        [sys.executable, "-m", "tests.faults._workers", *argv], cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    result = json.loads(done.stdout.decode().strip().splitlines()[-1])
    assert result is None or isinstance(result, dict)
    return result


def test_cache_write_on_a_full_disk_keeps_the_previous_state(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    key = os.urandom(32)
    with MailCache(EncryptedStore(path, key)) as cache:
        with cache.transaction():
            folder_id = cache.reset_folder("INBOX", 7)
            cache.put_summaries(folder_id, _summaries(1, 100))  # type: ignore[arg-type]
        with cache.transaction():
            cache.save_folder_state(folder_id, uidnext=101, highestmodseq=5, synced_at=1.0)
    used = sum(p.stat().st_size for p in tmp_path.iterdir())
    failure = _worker("cache-fill", str(path), key.hex(), str(used + 128 * 1024))
    assert failure is not None, "4,000 large rows fitted in 128 KiB?"
    print("cache on a full disk:", failure)
    assert "full" in failure["message"] or "disk" in failure["message"] or (
        "I/O" in failure["message"]
    )
    # Translated where SQLite is called: a mail-layer error with the path, worded.
    assert (failure["module"], failure["type"]) == ("client.mail.errors", "CacheWriteFailed")
    assert failure["words"] == (f"The disk is full ({path}): free some space and run the "
                                "command again; nothing was lost."), failure
    with MailCache(EncryptedStore(path, key)) as cache:
        state = cache.folder_state("INBOX")
        assert state is not None
        assert (state.count, state.uidnext, state.highestmodseq) == (100, 101, 5)
        total, page = cache.list_messages("INBOX", limit=500)
        assert total == 100
        assert {s.uid for s in page} == set(range(1, 101))
        assert page[-1].subject.startswith("Compte rendu 1 ")


def test_directory_import_on_a_full_disk_keeps_the_previous_index(tmp_path: Path) -> None:
    small = write_sample_extraction(
        tmp_path / "Extraction_Correspondance_MSSante_202611010630.txt", rows=300
    )
    index_path = tmp_path / "index" / "directory.sqlite3"
    import_extraction(small, index_path)
    with DirectoryIndex(index_path) as index:
        before = [e.address for e in index.search("dubois", limit=50)]
    big = write_sample_extraction(
        tmp_path / "Extraction_Correspondance_MSSante_202611020630.txt", rows=20000, seed=3
    )
    failure = _worker("directory-fill", str(big), str(index_path),
                      str(index_path.stat().st_size + 64 * 1024))
    assert failure is not None, "a 20,000-row index fitted in 64 KiB more?"
    print("directory import on a full disk:", failure)
    assert (failure["module"], failure["type"]) == (
        "client.directory.errors", "DirectoryImportFailed"
    ), failure
    assert failure["words"].startswith(f"The disk is full ({index_path.parent}): free some "
                                       "space and run the command again; nothing was lost")
    with DirectoryIndex(index_path) as index:
        assert [e.address for e in index.search("dubois", limit=50)] == before
        assert index.info() is not None
    leftovers = [p.name for p in index_path.parent.iterdir() if p != index_path]
    assert not [n for n in leftovers if not n.startswith("directory.sqlite3-")], leftovers
