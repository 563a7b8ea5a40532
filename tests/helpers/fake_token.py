"""A hand-written FAKE token behind ``cps``'s own token interface.

SoftHSM2 never locks a PIN nor reports "final try", so these states
come from this fake: :class:`FakeTokenBackend` implements :class:`cps.token.TokenBackend`
with a CPS-like PIN counter (3 tries; flags COUNT_LOW after one failure, FINAL_TRY
after two, LOCKED after three; reset by a right PIN) and a software RSA key.
Every method asserts it runs on the card thread, like the real backend.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from cps.card_thread import assert_on_card_thread
from cps.errors import (
    CardRemoved,
    MechanismNotSupported,
    PinIncorrect,
    PinLocked,
    TokenOperationFailed,
)
from cps.pin import PinRequest
from cps.token import (
    CertificateObject,
    DataObject,
    KeyObject,
    PinState,
    SlotInfo,
    TokenInfo,
)

__all__ = [
    "FakeCard",
    "FakePinPrompt",
    "FakeTokenBackend",
    "FakeTokenSession",
    "make_fake_card",
]

_MECHANISMS = frozenset({"CKM_RSA_PKCS", "CKM_SHA256_RSA_PKCS"})  # a CPS3: no PSS


@dataclass
class FakeCard:
    """The fake card's content and PIN counter."""

    pin: str
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    label: str = "CPS3 V3 FAKE"
    serial: str = "FAKE0001"
    max_tries: int = 3
    failures: int = 0
    present: bool = True
    sign_calls: int = 0
    mechanisms: frozenset[str] = _MECHANISMS
    data: dict[str, bytes] = field(default_factory=lambda: {"CPS_ID_CARD": b"fake"})
    #: A PIN-pad reader: ``login(None)`` takes the next PIN "typed on the pad".
    pin_pad: bool = False
    pad_entries: list[str] = field(default_factory=list)
    #: Bumped by :meth:`reset`: sessions logged in before are logged out.
    generation: int = 0

    def reset(self) -> None:
        """Another program reset the card: every session loses its login."""
        self.generation += 1

    @property
    def state(self) -> PinState:
        left = self.max_tries - self.failures
        return PinState(count_low=self.failures > 0 and left > 0, final_try=left == 1,
                        locked=left <= 0)


def make_fake_card(pin: str = "1234", *, national_id: str = "810001234567",
                   family: str = "DUPONT", given: str = "MARIE", **kwargs: object) -> FakeCard:
    """A fake card holding a self-issued CPS-shaped authentication certificate."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([
        x509.RelativeDistinguishedName([
            x509.NameAttribute(NameOID.COMMON_NAME, national_id),
            x509.NameAttribute(NameOID.SURNAME, family),
            x509.NameAttribute(NameOID.GIVEN_NAME, given),
        ]),
        x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.TITLE, "Médecin")]),
        x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.COUNTRY_NAME, "FR")]),
    ])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "FAKE CA")]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False,
                                     False), critical=True)
        .sign(key, hashes.SHA256())
    )
    return FakeCard(pin=pin, key=key, certificate=cert, **kwargs)  # type: ignore[arg-type]


class FakeTokenSession:
    """A session with the fake card."""

    def __init__(self, card: FakeCard, slot_id: int) -> None:
        self.slot_id = slot_id
        self._card = card
        self.logged_in = False
        self.closed = False
        self._generation = card.generation

    def _check(self) -> None:
        assert_on_card_thread()
        if not self._card.present or self.closed:
            raise CardRemoved()

    def login(self, pin: str | None) -> None:
        self._check()
        card = self._card
        if pin is None:
            if not card.pin_pad:
                raise PinIncorrect(card.state.attempts_left(card.max_tries))
            pin = card.pad_entries.pop(0)
        if card.state.locked:
            raise PinLocked()
        if pin != card.pin:
            card.failures += 1
            if card.state.locked:
                raise PinLocked()
            raise PinIncorrect(card.state.attempts_left(card.max_tries))
        card.failures = 0
        self.logged_in = True
        self._generation = card.generation

    def logout(self) -> None:
        assert_on_card_thread()
        self.logged_in = False

    def close(self) -> None:
        assert_on_card_thread()
        self.closed = True

    def certificates(self) -> list[CertificateObject]:
        self._check()
        der = self._card.certificate.public_bytes(serialization.Encoding.DER)
        return [CertificateObject(id=b"\x01\x20", label="Certificat d'Authentification CPS",
                                  der=der)]

    def private_keys(self) -> list[KeyObject]:
        self._check()
        if not self.logged_in:
            return []
        return [KeyObject(id=b"\x01\x20", label="auth", key_type="RSA", handle=self._card.key)]

    def data_objects(self) -> list[DataObject]:
        self._check()
        return [DataObject(label=k, application="CPS", value=v) for k, v in self._card.data.items()]

    def mechanisms(self) -> frozenset[str]:
        self._check()
        return self._card.mechanisms

    def sign(self, key: KeyObject, mechanism: str, data: bytes, *,
             hash_name: str | None = None, salt_length: int | None = None) -> bytes:
        self._check()
        if not self.logged_in or self._generation != self._card.generation:
            raise TokenOperationFailed(mechanism, "CKR_USER_NOT_LOGGED_IN")
        if mechanism not in self._card.mechanisms:
            raise MechanismNotSupported(mechanism)
        self._card.sign_calls += 1
        private: rsa.RSAPrivateKey = key.handle  # type: ignore[assignment]
        if mechanism == "CKM_SHA256_RSA_PKCS":
            return private.sign(data, padding.PKCS1v15(), hashes.SHA256())
        # CKM_RSA_PKCS over a DigestInfo: raw PKCS#1 v1.5 type 1 padding of ``data``.
        size = private.key_size // 8
        block = b"\x00\x01" + b"\xff" * (size - len(data) - 3) + b"\x00" + data
        numbers = private.private_numbers()
        value = pow(int.from_bytes(block, "big"), numbers.d, numbers.public_numbers.n)
        return value.to_bytes(size, "big")


class FakeTokenBackend:
    """A module with one slot holding (or not) a :class:`FakeCard`."""

    def __init__(self, card: FakeCard | None, *, slot_id: int = 7,
                 description: str = "FAKE Reader 00 00") -> None:
        self.module_path: Path | None = None
        self.card = card
        self.slot_id = slot_id
        self.description = description
        self.closed = False

    def slots(self) -> Sequence[SlotInfo]:
        assert_on_card_thread()
        present = self.card is not None and self.card.present
        return [SlotInfo(self.slot_id, self.description, "FAKE", present)]

    def token_info(self, slot_id: int) -> TokenInfo:
        assert_on_card_thread()
        from cps.errors import TokenNotPresent

        if self.card is None or not self.card.present or slot_id != self.slot_id:
            raise TokenNotPresent(slot_id)
        return TokenInfo(slot_id=slot_id, label=self.card.label, serial=self.card.serial,
                         manufacturer="FAKE", model="FAKE CPS3", pin=self.card.state,
                         min_pin_length=4, max_pin_length=8,
                         protected_authentication_path=self.card.pin_pad)

    def open_session(self, slot_id: int) -> FakeTokenSession:
        assert_on_card_thread()
        from cps.errors import TokenNotPresent

        if self.card is None or not self.card.present or slot_id != self.slot_id:
            raise TokenNotPresent(slot_id)
        return FakeTokenSession(self.card, slot_id)

    def close(self) -> None:
        assert_on_card_thread()
        self.closed = True


class FakePinPrompt:
    """A FAKE PinPrompt answering from a script (None = cancel), recording the requests."""

    def __init__(self, *answers: str | None) -> None:
        self.answers = list(answers)
        self.requests: list[PinRequest] = []

    def ask_pin(self, request: PinRequest) -> str | None:
        self.requests.append(request)
        return self.answers.pop(0) if self.answers else None
