"""The local IMAP/SMTP bridge: mail clients (Thunderbird, Outlook...) on 127.0.0.1, the
CPS card doing the strong authentication toward the operator.

- :mod:`client.bridge.service`: :class:`Bridge` (start, stop, status, settings);
- :mod:`client.bridge.gate`: :class:`CardGate` (sessions while the card is in; one PIN
  prompt per insertion);
- :mod:`client.bridge.imap`: local sign-in then a byte-for-byte relay;
- :mod:`client.bridge.smtp` + :mod:`client.bridge.submit`: recipient policy, outbox, send;
- :mod:`client.bridge.certificate`, :mod:`client.bridge.credentials`: local TLS
  certificate (exportable PEM) and the per-install password (OS keyring).
"""

from __future__ import annotations

from client.bridge.certificate import (
    LocalCertificate,
    default_certificate_dir,
    load_or_create_certificate,
)
from client.bridge.credentials import BridgePassword, load_or_create_password, reset_password
from client.bridge.errors import (
    CARD_REMOVED_TEXT,
    BridgeError,
    BridgeNeedsKeyring,
    CardAbsent,
    LocalCertificateError,
    NotLoopback,
    PortUnavailable,
)
from client.bridge.gate import CardGate, OpenerFactory
from client.bridge.service import (
    DEFAULT_IMAP_PORT,
    DEFAULT_SMTP_PORT,
    Bridge,
    BridgeConfig,
    BridgeStatus,
)

__all__ = [
    "CARD_REMOVED_TEXT",
    "DEFAULT_IMAP_PORT",
    "DEFAULT_SMTP_PORT",
    "Bridge",
    "BridgeConfig",
    "BridgeError",
    "BridgeNeedsKeyring",
    "BridgePassword",
    "BridgeStatus",
    "CardAbsent",
    "CardGate",
    "LocalCertificate",
    "LocalCertificateError",
    "NotLoopback",
    "OpenerFactory",
    "PortUnavailable",
    "default_certificate_dir",
    "load_or_create_certificate",
    "load_or_create_password",
    "reset_password",
]
