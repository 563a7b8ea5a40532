"""The card layer's own token interface: what ``cps`` needs from a PKCS#11 token.

:class:`TokenBackend` and :class:`TokenSession` are the seam between the card service
and PKCS#11. :mod:`cps.pkcs11_token` implements them with PyKCS11 (Cryptolib CPS,
SoftHSM2); tests put a hand-written fake behind the same interface for the states
SoftHSM2 cannot produce (final try, locked PIN). Every method runs on the card thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Protocol

from cryptography import x509

__all__ = [
    "CKA_ID_AUTHENTICATION",
    "CKA_ID_SIGNATURE",
    "CPS_PIN_TRIES",
    "CertificateObject",
    "DataObject",
    "KeyObject",
    "PinState",
    "SlotInfo",
    "TokenBackend",
    "TokenInfo",
    "TokenSession",
]

#: Last byte of CKA_ID of the CPS authentication key/certificate (as reported for Cryptolib CPS).
CKA_ID_AUTHENTICATION = 0x20
#: Last byte of CKA_ID of the CPS signature (non-repudiation) key/certificate.
CKA_ID_SIGNATURE = 0x10
#: The CPS PIN allows 3 tries before it locks.
CPS_PIN_TRIES = 3

# PKCS#11 v2.40 section 3.2, CK_TOKEN_INFO flags.
CKF_LOGIN_REQUIRED = 0x00000004
CKF_TOKEN_INITIALIZED = 0x00000400
CKF_USER_PIN_INITIALIZED = 0x00000008
CKF_PROTECTED_AUTHENTICATION_PATH = 0x00000100
CKF_USER_PIN_COUNT_LOW = 0x00010000
CKF_USER_PIN_FINAL_TRY = 0x00020000
CKF_USER_PIN_LOCKED = 0x00040000
CKF_USER_PIN_TO_BE_CHANGED = 0x00080000


@dataclass(frozen=True)
class PinState:
    """The user PIN's state, as the token flags tell it."""

    initialized: bool = True
    count_low: bool = False
    final_try: bool = False
    locked: bool = False
    to_be_changed: bool = False

    @classmethod
    def from_flags(cls, flags: int) -> PinState:
        """Decode CK_TOKEN_INFO.flags."""
        return cls(
            initialized=bool(flags & CKF_USER_PIN_INITIALIZED),
            count_low=bool(flags & CKF_USER_PIN_COUNT_LOW),
            final_try=bool(flags & CKF_USER_PIN_FINAL_TRY),
            locked=bool(flags & CKF_USER_PIN_LOCKED),
            to_be_changed=bool(flags & CKF_USER_PIN_TO_BE_CHANGED),
        )

    def attempts_left(self, max_tries: int | None = CPS_PIN_TRIES) -> int | None:
        """Attempts left, or None when the flags do not tell.

        PKCS#11 gives no counter, only flags: locked = 0, final try = 1; "count low"
        after one failure means ``max_tries - 1`` on a card whose policy is known (CPS: 3).
        """
        if self.locked:
            return 0
        if self.final_try:
            return 1
        if self.count_low:
            return max_tries - 1 if max_tries and max_tries > 2 else None
        return max_tries

    def as_dict(self) -> dict[str, bool]:
        """JSON-ready mapping (CLI contract: count_low, final_try, locked)."""
        return {
            "initialized": self.initialized,
            "count_low": self.count_low,
            "final_try": self.final_try,
            "locked": self.locked,
            "to_be_changed": self.to_be_changed,
        }


@dataclass(frozen=True)
class SlotInfo:
    """A PKCS#11 slot; with Cryptolib CPS its description is the PC/SC reader name."""

    slot_id: int
    description: str
    manufacturer: str
    token_present: bool
    removable: bool = True
    hardware: bool = True


@dataclass(frozen=True)
class TokenInfo:
    """A present token (card)."""

    slot_id: int
    label: str
    serial: str
    manufacturer: str
    model: str
    pin: PinState
    min_pin_length: int | None = None
    max_pin_length: int | None = None
    protected_authentication_path: bool = False
    #: False for a blank token (CKF_TOKEN_INITIALIZED unset): nothing can be read from it.
    initialized: bool = True


@dataclass(frozen=True)
class CertificateObject:
    """A certificate object (CKO_CERTIFICATE, X.509)."""

    id: bytes
    label: str
    der: bytes = field(repr=False)

    @cached_property
    def certificate(self) -> x509.Certificate:
        """The parsed certificate (raises ValueError when it is not DER X.509)."""
        return x509.load_der_x509_certificate(self.der)


@dataclass(frozen=True)
class KeyObject:
    """A private key object; ``handle`` is opaque to everything but the backend."""

    id: bytes
    label: str
    key_type: str  # "RSA" or "EC"
    handle: object = field(repr=False, compare=False)
    can_sign: bool = True


@dataclass(frozen=True)
class DataObject:
    """A data object (CKO_DATA), e.g. CPS_ID_CARD, CPS_NAME_PS, CPS_INFO_PS."""

    label: str
    application: str
    value: bytes = field(repr=False)


class TokenSession(Protocol):
    """An open session with one token. Every method runs on the card thread."""

    slot_id: int

    def login(self, pin: str | None) -> None:
        """Log the user in (``None``: the PIN is typed on the reader's PIN pad).

        Raises: PinIncorrect(attempts_left), PinLocked, PinLengthInvalid, CardRemoved.
        """

    def logout(self) -> None:
        """Log out (errors ignored: the card may be gone)."""

    def close(self) -> None:
        """Close the session."""

    def certificates(self) -> list[CertificateObject]:
        """Every X.509 certificate object (public: readable before login)."""
        ...

    def private_keys(self) -> list[KeyObject]:
        """Every private key object visible in this session."""
        ...

    def data_objects(self) -> list[DataObject]:
        """Every data object visible in this session."""
        ...

    def mechanisms(self) -> frozenset[str]:
        """Names (``CKM_*``) of the mechanisms the token offers."""
        ...

    def sign(self, key: KeyObject, mechanism: str, data: bytes, *,
             hash_name: str | None = None, salt_length: int | None = None) -> bytes:
        """Sign ``data`` with ``key`` using ``mechanism`` (PSS takes hash and salt).

        Raises: CardRemoved, MechanismNotSupported, TokenOperationFailed.
        """
        ...


class TokenBackend(Protocol):
    """A loaded PKCS#11 module. Every method runs on the card thread."""

    module_path: Path | None

    def slots(self) -> Sequence[SlotInfo]:
        """Every slot, with or without a token."""
        ...

    def token_info(self, slot_id: int) -> TokenInfo:
        """The token in ``slot_id``. Raises: TokenNotPresent."""
        ...

    def open_session(self, slot_id: int) -> TokenSession:
        """Open a read-only session. Raises: TokenNotPresent, CardRemoved."""
        ...

    def close(self) -> None:
        """Finalize the module."""
