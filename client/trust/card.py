"""The card's certificate against revocation, before the PIN and before any connection.

A revoked CPS card must be refused locally, with its revocation date and reason, by every
way in (CLI, desktop app, bridge): they all sign in through
:func:`client.auth.build_authenticator`, which calls :func:`refuse_revoked_card` first.

That check must not wait on the network while the user stands at the desk: when a CPS
card is inserted, :class:`CardCrlPrefetch` refreshes the CRLs of its chain on a thread of
its own, so the sign-in finds them kept (fresh, or the last valid one when the
publication point cannot be reached).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from client.trust.crl import http_fetch
from client.trust.ocsp import http_post_ocsp
from cps.errors import CardError
from cps.session_card import SessionCardChange

if TYPE_CHECKING:
    from client.trust.store import TrustStore
    from cps.events import WatcherEvent
    from cps.service import CardService

__all__ = ["CardCrlPrefetch", "refuse_revoked_card"]

logger = logging.getLogger(__name__)


def refuse_revoked_card(
    service: CardService,
    trust: TrustStore,
    *,
    fetch: Callable[[str], bytes] | None = http_fetch,
    ocsp_post: Callable[[str, bytes], bytes] | None = http_post_ocsp,
    slot_id: int | None = None,
) -> bool | None:
    """Check the inserted CPS card's authentication certificate (no PIN needed).

    Args:
        slot_id: the chosen card's slot when several are inserted (None: the first).

    Returns:
        True when known good; None when nothing is known or no card could be read (the
        sign-in that follows says why).

    Raises:
        CertificateRevoked: the card is revoked.
    """
    try:
        contents = service.read_card(slot_id)
    except CardError as exc:
        logger.debug("no card to check for revocation: %s", type(exc).__name__)
        return None
    certificate = contents.auth_certificate
    if certificate is None:
        return None
    return trust.check_revocation(certificate, fetch, chain=contents.ca_certificates,
                                  ocsp_post=ocsp_post)


class CardCrlPrefetch:
    """Refreshes the CRLs of the inserted CPS cards' chains when a card is inserted.

    Subscribed to the card service's follower (:meth:`attach`), it hears each CPS
    insertion that may lead to a sign-in and, on a single worker thread of its own (never
    the caller's: the follower calls back on the PC/SC watcher's thread, the desktop's on
    the GUI thread), reads every card present (no PIN) and downloads the CRLs of their
    authentication certificates and of their intermediate authorities that are missing
    or past their ``nextUpdate``. A failed download keeps the last valid CRL.

    Args:
        service: the card service whose cards are read.
        trust: the trust store (anchors, CRL store) the sign-in will use, or a callable
            building it (called on the worker, once).
        fetch: downloads a distribution point.
        wait: how long one prefetch waits for its downloads.
    """

    def __init__(self, service: CardService, trust: TrustStore | Callable[[], TrustStore],
                 *, fetch: Callable[[str], bytes] = http_fetch, wait: float = 30.0) -> None:
        self._service = service
        self._trust = trust
        self._fetch = fetch
        self._wait = wait
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="crl-prefetch")
        self._unsubscribe: Callable[[], None] | None = None
        #: The last prefetch started (tests and callers may wait on it).
        self.last: Future[int] | None = None

    def attach(self) -> CardCrlPrefetch:
        """Prefetch at every CPS insertion the card service's follower reports."""
        self._unsubscribe = self._service.follower.subscribe(self._on_change)
        return self

    def _on_change(self, change: SessionCardChange, _event: WatcherEvent) -> None:
        if change is SessionCardChange.AVAILABLE:
            self.prefetch()

    def _trust_store(self) -> TrustStore:
        trust = self._trust
        if callable(trust):
            with self._lock:
                if callable(self._trust):
                    self._trust = self._trust()
                trust = self._trust
        return trust

    def prefetch(self) -> Future[int] | None:
        """Start a prefetch now (returns at once); None once closed."""
        with self._lock:
            executor = self._executor
            if executor is None:
                return None
            future = executor.submit(self._run)
            self.last = future
        return future

    def _run(self) -> int:
        """Worker: the number of certificates whose CRLs were looked at."""
        try:
            cards = self._service.read_all()
        except CardError as exc:
            logger.info("CRL prefetch: no card read (%s)", type(exc).__name__)
            return 0
        trust = self._trust_store()
        looked_at = 0
        for contents in cards:
            certificate = contents.auth_certificate
            if certificate is None:
                continue
            chain = list(contents.ca_certificates)
            # The card's own authorities too (not the self-signed root: no CRL covers it).
            issued = [certificate, *(c for c in chain if c.issuer != c.subject)]
            trust.prefetch_crls(issued, self._fetch, chain=chain, wait=self._wait)
            looked_at += len(issued)
        logger.info("CRL prefetch done for %d certificate(s) of the inserted card(s)",
                    looked_at)
        return looked_at

    def close(self) -> None:
        """Stop listening; a prefetch under way ends on its own (daemon downloads)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
