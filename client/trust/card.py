"""The card's certificate against revocation, before the PIN and before any connection.

A revoked CPS card must be refused locally, with its revocation date and reason, by every
way in (CLI, desktop app, bridge): they all sign in through
:func:`client.auth.build_authenticator`, which calls :func:`refuse_revoked_card` first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from client.trust.crl import http_fetch
from client.trust.ocsp import http_post_ocsp
from cps.errors import CardError

if TYPE_CHECKING:
    from client.trust.store import TrustStore
    from cps.service import CardService

__all__ = ["refuse_revoked_card"]

logger = logging.getLogger(__name__)


def refuse_revoked_card(
    service: CardService,
    trust: TrustStore,
    *,
    fetch: Callable[[str], bytes] | None = http_fetch,
    ocsp_post: Callable[[str, bytes], bytes] | None = http_post_ocsp,
) -> bool | None:
    """Check the inserted CPS card's authentication certificate (no PIN needed).

    Returns:
        True when known good; None when nothing is known or no card could be read (the
        sign-in that follows says why).

    Raises:
        CertificateRevoked: the card is revoked.
    """
    try:
        contents = service.read_card()
    except CardError as exc:
        logger.debug("no card to check for revocation: %s", type(exc).__name__)
        return None
    certificate = contents.auth_certificate
    if certificate is None:
        return None
    return trust.check_revocation(certificate, fetch, chain=contents.ca_certificates,
                                  ocsp_post=ocsp_post)
