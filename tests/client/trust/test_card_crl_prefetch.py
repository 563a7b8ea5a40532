"""A CPS card inserted in a (virtual) reader: the CRLs of its chain are downloaded from the
sandbox's publication point on a worker, before any PIN is asked, so the revocation check
of the sign-in that follows finds them kept and asks the network for nothing; with the
publication point down, the last valid CRL is what the check uses."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from client.trust import CardCrlPrefetch, CrlStore, TrustStore, http_fetch, refuse_revoked_card
from cps.service import CardService
from cps.watcher import CardWatcher
from sandbox.card import VirtualCard
from sandbox.crl_server import CrlServer
from sandbox.pki import Pki
from sandbox.reader import VirtualReader
from tests.helpers.fake_token import FakePinPrompt

pytestmark = [pytest.mark.reader, pytest.mark.timeout(180)]


class _CountingFetch:
    """The real HTTP download, counting the URLs asked and the threads asking."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.threads: set[str] = set()

    def __call__(self, url: str) -> bytes:
        self.urls.append(url)
        self.threads.add(threading.current_thread().name)
        return http_fetch(url, timeout=10)


def _wait(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s")
        time.sleep(0.05)


@pytest.fixture
def desk(sandbox_card: VirtualCard, monkeypatch: pytest.MonkeyPatch
         ) -> Iterator[tuple[CardService, CardWatcher]]:
    for name, value in sandbox_card.environment().items():
        monkeypatch.setenv(name, value)
    service = CardService.for_module(sandbox_card.module)
    watcher = CardWatcher()
    service.watch(watcher)
    try:
        yield service, watcher
    finally:
        watcher.stop()
        service.close()


def _trust(pki: Pki, directory: Path) -> TrustStore:
    return TrustStore.from_files([pki.root_pem], use_system=False, crls=CrlStore(directory))


def _prefetch_on_insertion(desk: tuple[CardService, CardWatcher], reader: VirtualReader,
                           trust: TrustStore, fetch: _CountingFetch) -> CardCrlPrefetch:
    """Watch the reader with a prefetch attached, then insert the sandbox's card."""
    service, watcher = desk
    prefetch = CardCrlPrefetch(service, trust, fetch=fetch).attach()
    watcher.start()
    reader.insert("cps", slot=0)
    return prefetch


def test_insertion_fills_the_crl_cache_before_any_pin(
    desk: tuple[CardService, CardWatcher], empty_reader: VirtualReader, sandbox_card: VirtualCard,
    sandbox_pki: Pki, sandbox_crl_server: CrlServer, tmp_path: Path,
) -> None:
    trust = _trust(sandbox_pki, tmp_path / "crl")
    assert trust.crls.kept() == []
    fetch = _CountingFetch()
    prompt = FakePinPrompt(sandbox_card.pin)
    prefetch = _prefetch_on_insertion(desk, empty_reader, trust, fetch)
    try:
        persons, root = sandbox_pki.persons_ca_cert, sandbox_pki.root_cert
        _wait(lambda: trust.crls.get(persons.subject) is not None
              and trust.crls.get(root.subject) is not None, 60)
        assert prompt.requests == []  # no PIN was asked: the insertion alone did it
        assert sorted(fetch.urls) == sorted([sandbox_pki.crl_url("persons"),
                                             sandbox_pki.crl_url("root")])
        # Downloaded off the caller's thread (the follower's callback is the watcher's).
        assert threading.current_thread().name not in fetch.threads
        assert prefetch.last is not None and prefetch.last.result(30) == 2

        # The sign-in's check that follows (a new store, as each sign-in builds one)
        # finds the kept CRL: no download, nothing waited for.
        at_sign_in = _CountingFetch()
        again = _trust(sandbox_pki, tmp_path / "crl")
        assert refuse_revoked_card(desk[0], again, fetch=at_sign_in, ocsp_post=None) is True
        assert at_sign_in.urls == []
    finally:
        prefetch.close()


def test_publication_point_down_keeps_the_last_valid_crl(
    desk: tuple[CardService, CardWatcher], empty_reader: VirtualReader, sandbox_card: VirtualCard,
    sandbox_pki: Pki, sandbox_crl_server: CrlServer, tmp_path: Path,
) -> None:
    trust = _trust(sandbox_pki, tmp_path / "crl")
    now = dt.datetime.now(dt.UTC)
    stale = sandbox_pki.signed_crl("persons", this_update=now - dt.timedelta(days=9),
                                   next_update=now - dt.timedelta(days=2))
    assert trust.crls.add(stale, [sandbox_pki.root_cert, sandbox_pki.persons_ca_cert])
    fetch = _CountingFetch()
    sandbox_crl_server.offline()
    prefetch = _prefetch_on_insertion(desk, empty_reader, trust, fetch)
    try:
        _wait(lambda: sandbox_pki.crl_url("persons") in fetch.urls, 60)
        assert prefetch.last is not None
        prefetch.last.result(60)
        kept = trust.crls.get(sandbox_pki.persons_ca_cert.subject)
        assert kept is not None and kept.last_update_utc == stale.last_update_utc
        status = trust.crls.status(sandbox_card.auth_cert)
        assert (status.state, status.stale) == ("good", True)
        # The sign-in goes on with the last valid CRL (the failed point is not retried
        # at once by the same downloader).
        assert refuse_revoked_card(desk[0], trust, fetch=fetch, ocsp_post=None) is True
    finally:
        sandbox_crl_server.online()
        prefetch.close()
