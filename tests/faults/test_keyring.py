"""The OS keyring locked or absent: a clear message, nothing deleted, and the
cached mail readable again only once the same key is back."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from client.cli import main
from client.mail.cache import MailCache
from client.mail.errors import CacheKeyUnavailable
from tests.faults._workers import _summaries
from tests.helpers.fake_keyring import FakeKeyring

ADDRESS = "jean.martin@hopital-exemple.mssante.fr"

PROFILE = f"""
[account]
address = "{ADDRESS}"
[imap]
host = "127.0.0.1"
port = 9
security = "tls"
[smtp]
host = "127.0.0.1"
port = 9
security = "tls"
[auth]
method = "card-tls"
pkcs11_module = "/usr/lib/softhsm/libsofthsm2.so"
"""


class LockedKeyring(KeyringBackend):
    """A FAKE Secret Service whose collection is locked (the session was not unlocked)."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("the login keyring is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("the login keyring is locked")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.KeyringLocked("the login keyring is locked")


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[tuple[FakeKeyring, Path, Path]]:
    """A cache of 30 messages made with the key in a (fake) unlocked keyring."""
    previous = keyring.get_keyring()
    unlocked = FakeKeyring()
    keyring.set_keyring(unlocked)
    with MailCache.open(ADDRESS) as cache:
        with cache.transaction():
            folder_id = cache.reset_folder("INBOX", 1)
            cache.put_summaries(folder_id, _summaries(1, 30))  # type: ignore[arg-type]
            cache.save_folder_state(folder_id, uidnext=31, highestmodseq=1, synced_at=1.0)
        path = cache.path
    profile = tmp_path / "profile.toml"
    profile.write_text(PROFILE, encoding="utf-8")
    try:
        yield unlocked, path, profile
    finally:
        keyring.set_keyring(previous)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("backend", [LockedKeyring, fail.Keyring], ids=["locked", "absent"])
def test_no_keyring_clear_message_nothing_deleted(
    backend: type[KeyringBackend], seeded: tuple[FakeKeyring, Path, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    unlocked, path, profile = seeded
    before = _digest(path)
    keyring.set_keyring(backend())
    with pytest.raises(CacheKeyUnavailable):
        MailCache.open(ADDRESS)
    status = main(["--profile", str(profile), "mail", "list", "INBOX", "--offline"])
    err = capsys.readouterr().err
    assert status != 0
    assert "keyring" in err and "unlock" in err, err
    assert path.exists() and _digest(path) == before  # nothing deleted, nothing rewritten
    # The keyring is back (unlocked): the same key opens the same cache.
    keyring.set_keyring(unlocked)
    with MailCache.open(ADDRESS) as cache:
        total, page = cache.list_messages("INBOX", limit=100)
    assert total == 30 and page[0].subject.startswith("Compte rendu 30")
    status = main(["--profile", str(profile), "mail", "list", "INBOX", "--offline"])
    assert status == 0
    assert "Compte rendu 30" in capsys.readouterr().out


def test_missing_key_says_so_and_never_advises_deleting_the_outbox(
    seeded: tuple[FakeKeyring, Path, Path], capsys: pytest.CaptureFixture[str],
) -> None:
    """The keyring works but lost the cache key: the message names the missing key, the
    keyring backup, and a way to start over that keeps the outbox (never 'delete')."""
    from client.mail.errors import CacheKeyMismatch
    from client.mail.outbox import Outbox

    unlocked, path, profile = seeded
    with MailCache.open(ADDRESS) as cache:
        queued = Outbox(cache.store).enqueue(
            b"Message-ID: <cr-1@hopital.mssante.fr>\r\nSubject: CR\r\n\r\nCorps\r\n",
            ADDRESS, ["dr.dubois@hopital.mssante.fr"],
        )
    before = _digest(path)
    saved = dict(unlocked.secrets)
    unlocked.secrets.clear()  # the entry is gone (keyring reset, new session)
    with pytest.raises(CacheKeyMismatch):
        MailCache.open(ADDRESS)
    status = main(["--profile", str(profile), "mail", "list", "INBOX", "--offline"])
    err = capsys.readouterr().err
    assert status != 0
    assert "key" in err and "missing" in err and "keyring" in err, err
    assert "backup" in err and "outbox" in err and "move" in err, err
    assert "delete the" not in err.lower() and "nothing was deleted" in err, err
    assert path.exists() and _digest(path) == before  # nothing deleted, nothing rewritten
    # The key is restored from the backup: the cache and the queued message are back.
    unlocked.secrets.clear()
    unlocked.secrets.update(saved)
    with MailCache.open(ADDRESS) as cache:
        assert [e.message_id for e in Outbox(cache.store).entries()] == [queued]
