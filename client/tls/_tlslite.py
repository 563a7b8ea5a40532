"""Import tlslite-ng once, quietly.

``tlslite/__init__`` imports its asyncore integration, deprecated in Python 3.11
(removed in 3.12, where tlslite-ng skips it): the warning is tlslite's, not ours, and
``filterwarnings = error`` would turn it into a failure. Everything in ``client`` imports
tlslite through this module.
"""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", category=DeprecationWarning, message=".*asyncore.*")
    warnings.filterwarnings("ignore", category=DeprecationWarning, module="asyncore")
    import tlslite  # noqa: F401 - imported for its side effect of loading the package
    import tlslite.recordlayer as recordlayer
    from tlslite.constants import AlertDescription, ContentType
    from tlslite.errors import (
        TLSAbruptCloseError,
        TLSAlert,
        TLSError,
        TLSLocalAlert,
        TLSRemoteAlert,
    )
    from tlslite.handshakesettings import HandshakeSettings
    from tlslite.tlsconnection import TLSConnection
    from tlslite.utils.cryptomath import powMod
    from tlslite.utils.rsakey import RSAKey
    from tlslite.x509 import X509
    from tlslite.x509certchain import X509CertChain

__all__ = [
    "X509",
    "AlertDescription",
    "ContentType",
    "HandshakeSettings",
    "RSAKey",
    "TLSAbruptCloseError",
    "TLSAlert",
    "TLSConnection",
    "TLSError",
    "TLSLocalAlert",
    "TLSRemoteAlert",
    "X509CertChain",
    "powMod",
    "recordlayer",
]
