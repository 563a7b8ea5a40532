"""Errors of the local bridge.

    ClientError
    └── BridgeError
        ├── NotLoopback          an address other than the loopback was asked for
        ├── PortUnavailable      the port is taken (another bridge, another program)
        ├── LocalCertificateError the bridge's TLS certificate cannot be made or read
        ├── BridgeNeedsKeyring   no keyring to keep the bridge's local password
        └── CardAbsent           no usable card session: removed, or the PIN was refused
"""

from __future__ import annotations

from client.errors import ClientError

__all__ = [
    "CARD_REMOVED_TEXT",
    "BridgeError",
    "BridgeNeedsKeyring",
    "CardAbsent",
    "LocalCertificateError",
    "NotLoopback",
    "PortUnavailable",
]

#: What mail clients see while the card is out (IMAP NO/BYE text, SMTP 4xx text).
CARD_REMOVED_TEXT = "card removed, insert your CPS card"


class BridgeError(ClientError):
    """Root of the bridge's errors."""


class NotLoopback(BridgeError):
    """The bridge only listens on the loopback interface.

    Attributes:
        host: the address that was refused.
    """

    exit_status = 2

    def __init__(self, host: str) -> None:
        super().__init__(f"{host} is not a loopback address")
        self.host = host


class PortUnavailable(BridgeError):
    """A listening port could not be bound.

    Attributes:
        port: the port; reason: what the system said.
    """

    def __init__(self, port: int, reason: str) -> None:
        super().__init__(f"port {port}: {reason}")
        self.port = port
        self.reason = reason


class LocalCertificateError(BridgeError):
    """The bridge's local certificate could not be created, read or exported.

    Attributes:
        path: the file concerned; reason: what went wrong.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class BridgeNeedsKeyring(BridgeError):
    """No usable keyring to keep the bridge's local password (a server without a desktop
    session): the bridge is a desktop feature.

    Attributes:
        reason: what the keyring said.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(f"no keyring for the bridge's local password: {reason}")
        self.reason = reason


class CardAbsent(BridgeError):
    """No card session: the CPS card is out, or its PIN entry failed for this insertion.

    Attributes:
        reason: ``"removed"`` (card out), ``"pin-refused"`` (PIN cancelled or wrong: the
            bridge waits for the card to be reinserted rather than asking again), or
            ``"sign-in-failed"`` (the operator refused; ``detail`` says why).
        detail: a short text for logs and status.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail

    @property
    def client_text(self) -> str:
        """The text a mail client shows (IMAP NO/BYE, SMTP 4xx)."""
        if self.reason == "removed":
            return CARD_REMOVED_TEXT
        if self.reason == "pin-refused":
            return "CPS card PIN not given, remove and insert your CPS card to try again"
        return f"sign-in to the MSSante operator failed: {self.detail or 'see the companion'}"
