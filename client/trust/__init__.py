"""Trust: which servers and health certificates we accept, and what we know of revocation.

:mod:`client.trust.store` holds the anchors and verifies server chains;
:mod:`client.trust.crl` keeps the last valid CRL of each authority and downloads new ones;
:mod:`client.trust.ocsp` asks OCSP responders named by certificates; the failures, rooted
at :class:`TrustError`, are drawn in :mod:`client.trust.errors`.
"""

from __future__ import annotations

from client.trust.card import CardCrlPrefetch, refuse_revoked_card
from client.trust.crl import (
    CrlDownloader,
    CrlStore,
    KeptCrl,
    RevocationStatus,
    distribution_points,
    http_fetch,
    parse_crl,
    readable_name,
)
from client.trust.errors import (
    CertificateRevoked,
    CrlRejected,
    HostnameMismatch,
    ProtocolTooOld,
    SelfSignedServer,
    ServerCertificateError,
    ServerCertificateExpired,
    ServerCertificateRevoked,
    TrustError,
)
from client.trust.ocsp import http_post_ocsp, ocsp_status, ocsp_urls
from client.trust.store import (
    CRL_WAIT,
    TrustStore,
    load_pem_objects,
    shipped_anchor_files,
    translate_ssl_error,
)

__all__ = [
    "CRL_WAIT",
    "CardCrlPrefetch",
    "CertificateRevoked",
    "CrlDownloader",
    "CrlRejected",
    "CrlStore",
    "HostnameMismatch",
    "KeptCrl",
    "ProtocolTooOld",
    "RevocationStatus",
    "SelfSignedServer",
    "ServerCertificateError",
    "ServerCertificateExpired",
    "ServerCertificateRevoked",
    "TrustError",
    "TrustStore",
    "distribution_points",
    "http_fetch",
    "http_post_ocsp",
    "load_pem_objects",
    "ocsp_status",
    "ocsp_urls",
    "parse_crl",
    "readable_name",
    "refuse_revoked_card",
    "shipped_anchor_files",
    "translate_ssl_error",
]
