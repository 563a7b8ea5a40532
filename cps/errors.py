"""Errors of the card layer.

Every error raised by ``cps`` derives from :class:`CardError` and carries structured
data; the wording a user reads is chosen at the edge (CLI, dialog). Third-party errors
(``PyKCS11.PyKCS11Error``, ``smartcard.Exceptions.*``) are translated where they enter.

    CardError
    ├── MiddlewareError
    │   ├── MiddlewareNotFound(paths_tried)
    │   └── MiddlewareInvalid(path, reason)
    ├── TokenNotPresent(slot)
    ├── CardRemoved
    ├── ReaderUnavailable(reason)
    ├── CardChoiceNeeded(readers, holders, serials)
    ├── ChosenCardAbsent(wanted, readers, serials)
    ├── PinError
    │   ├── PinIncorrect(attempts_left)
    │   ├── PinLocked
    │   ├── PinLengthInvalid(min_length, max_length)
    │   └── PinEntryCancelled
    ├── CardContentError
    │   ├── CertificateNotFound(usage)
    │   └── KeyNotFound(usage)
    ├── CertificateError
    │   ├── CertificateExpired(not_after)
    │   ├── CertificateNotYetValid(not_before)
    │   ├── CertificateUntrusted(reason)
    │   └── CertificateMalformed(reason)
    ├── MechanismNotSupported(mechanism)
    └── TokenOperationFailed(operation, code)
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "CardChoiceNeeded",
    "CardContentError",
    "CardError",
    "CardRemoved",
    "CertificateError",
    "CertificateExpired",
    "CertificateMalformed",
    "CertificateNotFound",
    "CertificateNotYetValid",
    "CertificateUntrusted",
    "ChosenCardAbsent",
    "KeyNotFound",
    "MechanismNotSupported",
    "MiddlewareError",
    "MiddlewareInvalid",
    "MiddlewareNotFound",
    "PinEntryCancelled",
    "PinError",
    "PinIncorrect",
    "PinLengthInvalid",
    "PinLocked",
    "ReaderUnavailable",
    "TokenNotPresent",
    "TokenOperationFailed",
]


class CardError(Exception):
    """Root of every error raised by the card layer."""


class MiddlewareError(CardError):
    """The PKCS#11 middleware (Cryptolib CPS) cannot be used."""


class MiddlewareNotFound(MiddlewareError):
    """No PKCS#11 library was found at any of ``paths_tried``."""

    def __init__(self, paths_tried: Sequence[Path]) -> None:
        self.paths_tried = tuple(paths_tried)
        super().__init__(
            "no PKCS#11 module found; tried: " + ", ".join(str(p) for p in self.paths_tried)
        )


class MiddlewareInvalid(MiddlewareError):
    """``path`` exists but is not a usable PKCS#11 library (``reason`` says why)."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path} is not a usable PKCS#11 module: {reason}")


class TokenNotPresent(CardError):
    """No card (token) is present; ``slot`` names the slot looked at, if any."""

    def __init__(self, slot: int | None = None) -> None:
        self.slot = slot
        super().__init__("no card present" + (f" in slot {slot}" if slot is not None else ""))


class CardRemoved(CardError):
    """The card was removed: the session is gone and pending operations failed."""

    def __init__(self, reader: str | None = None) -> None:
        self.reader = reader
        super().__init__("the card was removed" + (f" from {reader}" if reader else ""))


class ReaderUnavailable(CardError):
    """The PC/SC service or the reader cannot be reached (``reason`` says why)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class CardChoiceNeeded(CardError):
    """Several CPS cards are inserted and nothing says which one to sign in with (a run
    that cannot ask: no terminal, no window). Parallel tuples, one entry per card.

    ``exit_status`` 2: a usage error, the command line must name the card.
    """

    exit_status = 2

    def __init__(self, readers: Sequence[str | None], holders: Sequence[str],
                 serials: Sequence[str]) -> None:
        self.readers = tuple(readers)
        self.holders = tuple(holders)
        self.serials = tuple(serials)
        super().__init__(f"{len(self.readers)} CPS cards are inserted and none was chosen")


class ChosenCardAbsent(CardError):
    """The card named to sign in with (``wanted``: a reader name or a card serial) is
    not among the inserted CPS cards (``readers`` and ``serials`` of those present).

    ``exit_status`` 3: not found.
    """

    exit_status = 3

    def __init__(self, wanted: str, readers: Sequence[str | None] = (),
                 serials: Sequence[str] = ()) -> None:
        self.wanted = wanted
        self.readers = tuple(readers)
        self.serials = tuple(serials)
        super().__init__(f"no inserted CPS card matches {wanted!r}")


class PinError(CardError):
    """Root of PIN problems."""


class PinIncorrect(PinError):
    """The PIN was refused; ``attempts_left`` is None when the card does not say."""

    def __init__(self, attempts_left: int | None) -> None:
        self.attempts_left = attempts_left
        super().__init__(f"incorrect PIN (attempts left: {attempts_left})")


class PinLocked(PinError):
    """The PIN is blocked: the card must be unblocked with its PUK (or replaced)."""

    def __init__(self) -> None:
        super().__init__("the PIN is locked")


class PinLengthInvalid(PinError):
    """The PIN typed has a length the card refuses."""

    def __init__(self, min_length: int | None = None, max_length: int | None = None) -> None:
        self.min_length = min_length
        self.max_length = max_length
        super().__init__(f"PIN length outside {min_length}..{max_length}")


class PinEntryCancelled(PinError):
    """The user cancelled the PIN prompt."""

    def __init__(self) -> None:
        super().__init__("PIN entry cancelled")


class CardContentError(CardError):
    """The card lacks an object the application needs."""


class CertificateNotFound(CardContentError):
    """No certificate for ``usage`` ("authentication", "signature") is on the card."""

    def __init__(self, usage: str) -> None:
        self.usage = usage
        super().__init__(f"no {usage} certificate on the card")


class KeyNotFound(CardContentError):
    """No private key pairs with the ``usage`` certificate (same CKA_ID)."""

    def __init__(self, usage: str) -> None:
        self.usage = usage
        super().__init__(f"no private key for the {usage} certificate on the card")


class CertificateError(CardError):
    """A certificate cannot be accepted."""


class CertificateExpired(CertificateError):
    """The certificate expired at ``not_after``."""

    def __init__(self, not_after: _dt.datetime, subject: str = "") -> None:
        self.not_after = not_after
        self.subject = subject
        super().__init__(f"certificate {subject} expired on {not_after.isoformat()}")


class CertificateNotYetValid(CertificateError):
    """The certificate is valid only from ``not_before``."""

    def __init__(self, not_before: _dt.datetime, subject: str = "") -> None:
        self.not_before = not_before
        self.subject = subject
        super().__init__(f"certificate {subject} is not valid before {not_before.isoformat()}")


class CertificateUntrusted(CertificateError):
    """The certificate does not chain to a configured IGC-Santé anchor."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class CertificateMalformed(CertificateError):
    """The certificate cannot be read as a CPS certificate (``reason`` says why)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class MechanismNotSupported(CardError):
    """The card does not offer ``mechanism`` (e.g. RSA-PSS on a CPS3)."""

    def __init__(self, mechanism: str) -> None:
        self.mechanism = mechanism
        super().__init__(f"the card does not support {mechanism}")


class TokenOperationFailed(CardError):
    """A PKCS#11 call failed; ``code`` is the CKR_* name."""

    def __init__(self, operation: str, code: str) -> None:
        self.operation = operation
        self.code = code
        super().__init__(f"{operation} failed: {code}")
