"""The token interface implemented with PyKCS11 (Cryptolib CPS, SoftHSM2).

The only module that imports PyKCS11 for card operations: ``PyKCS11Error`` codes are
translated here into :mod:`cps.errors` (``raise ... from exc``). Every method asserts it
runs on the card thread.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import PyKCS11
from PyKCS11 import LowLevel

from cps.card_thread import assert_on_card_thread
from cps.errors import (
    CardRemoved,
    MechanismNotSupported,
    PinIncorrect,
    PinLengthInvalid,
    PinLocked,
    TokenNotPresent,
    TokenOperationFailed,
)
from cps.middleware import load_pkcs11_library
from cps.token import (
    CertificateObject,
    DataObject,
    KeyObject,
    PinState,
    SlotInfo,
    TokenInfo,
)

__all__ = ["Pkcs11Backend", "Pkcs11Session", "translate_error"]

logger = logging.getLogger(__name__)

# Return values meaning "the card is gone" (PKCS#11 v2.40 section 5.1): the session or
# the token vanished under us.
_REMOVED_CODES = frozenset({
    PyKCS11.CKR_DEVICE_REMOVED,
    PyKCS11.CKR_TOKEN_NOT_PRESENT,
    PyKCS11.CKR_SESSION_HANDLE_INVALID,
    PyKCS11.CKR_SESSION_CLOSED,
    PyKCS11.CKR_DEVICE_ERROR,
    PyKCS11.CKR_TOKEN_NOT_RECOGNIZED,
})

_HASHES = {
    "sha1": (PyKCS11.CKM_SHA_1, PyKCS11.CKG_MGF1_SHA1),
    "sha224": (PyKCS11.CKM_SHA224, PyKCS11.CKG_MGF1_SHA224),
    "sha256": (PyKCS11.CKM_SHA256, PyKCS11.CKG_MGF1_SHA256),
    "sha384": (PyKCS11.CKM_SHA384, PyKCS11.CKG_MGF1_SHA384),
    "sha512": (PyKCS11.CKM_SHA512, PyKCS11.CKG_MGF1_SHA512),
}


def _code_name(code: int) -> str:
    name = PyKCS11.CKR.get(code)
    return name if isinstance(name, str) else f"0x{code:08X}"


def translate_error(exc: PyKCS11.PyKCS11Error, operation: str) -> Exception:
    """Map a PyKCS11 error to the card layer's error for ``operation``."""
    code = exc.value
    if code in _REMOVED_CODES:
        return CardRemoved()
    if code == PyKCS11.CKR_PIN_LOCKED:
        return PinLocked()
    if code == PyKCS11.CKR_PIN_LEN_RANGE:
        return PinLengthInvalid()
    if code in (PyKCS11.CKR_MECHANISM_INVALID, PyKCS11.CKR_MECHANISM_PARAM_INVALID):
        return MechanismNotSupported(operation)
    return TokenOperationFailed(operation, _code_name(code))


def _text(value: Any) -> str:
    return str(value).strip().rstrip("\x00").strip()


class Pkcs11Session:
    """A PyKCS11 session with one token."""

    def __init__(self, backend: Pkcs11Backend, slot_id: int, session: Any) -> None:
        self.slot_id = slot_id
        self._backend = backend
        self._session = session
        self._mechanisms: frozenset[str] | None = None

    def login(self, pin: str | None) -> None:
        """Log the user in (see :class:`cps.token.TokenSession`)."""
        assert_on_card_thread()
        try:
            self._session.login(pin)
        except PyKCS11.PyKCS11Error as exc:
            if exc.value == PyKCS11.CKR_USER_ALREADY_LOGGED_IN:
                return
            if exc.value == PyKCS11.CKR_PIN_INCORRECT:
                # The counter is not in the error: read the flags the token updated.
                try:
                    state = self._backend.token_info(self.slot_id).pin
                except (TokenNotPresent, CardRemoved):
                    state = PinState()
                if state.locked:
                    raise PinLocked() from exc
                raise PinIncorrect(state.attempts_left()) from exc
            raise translate_error(exc, "login") from exc
        finally:
            del pin

    def logout(self) -> None:
        """Log out; a vanished card is not an error here."""
        self._ending("logout")

    def close(self) -> None:
        """Close the session; a vanished card is not an error here."""
        self._ending("closeSession")

    def _ending(self, call: str) -> None:
        """Call the session's ``call`` (logout, closeSession), whose failure only means the
        card is already gone."""
        assert_on_card_thread()
        try:
            getattr(self._session, call)()
        except PyKCS11.PyKCS11Error as exc:
            logger.debug("%s: %s", call, exc)

    def _find(self, template: list[tuple[int, Any]]) -> list[Any]:
        try:
            return list(self._session.findObjects(template))
        except PyKCS11.PyKCS11Error as exc:
            raise translate_error(exc, "find objects") from exc

    def _attributes(self, obj: Any, attrs: list[int]) -> list[Any]:
        try:
            return list(self._session.getAttributeValue(obj, attrs, allAsBinary=True))
        except PyKCS11.PyKCS11Error as exc:
            raise translate_error(exc, "read attributes") from exc

    def certificates(self) -> list[CertificateObject]:
        """Every X.509 certificate object on the token."""
        assert_on_card_thread()
        found = []
        for obj in self._find([(PyKCS11.CKA_CLASS, PyKCS11.CKO_CERTIFICATE),
                               (PyKCS11.CKA_CERTIFICATE_TYPE, PyKCS11.CKC_X_509)]):
            cka_id, label, value = self._attributes(
                obj, [PyKCS11.CKA_ID, PyKCS11.CKA_LABEL, PyKCS11.CKA_VALUE])
            found.append(CertificateObject(
                id=bytes(cka_id or b""), label=bytes(label or b"").decode("utf-8", "replace"),
                der=bytes(value or b"")))
        return found

    def private_keys(self) -> list[KeyObject]:
        """Every private key visible in this session (all of them once logged in)."""
        assert_on_card_thread()
        keys = []
        for obj in self._find([(PyKCS11.CKA_CLASS, PyKCS11.CKO_PRIVATE_KEY)]):
            cka_id, label = self._attributes(obj, [PyKCS11.CKA_ID, PyKCS11.CKA_LABEL])
            try:
                key_type, can_sign = self._session.getAttributeValue(
                    obj, [PyKCS11.CKA_KEY_TYPE, PyKCS11.CKA_SIGN])
            except PyKCS11.PyKCS11Error as exc:
                raise translate_error(exc, "read key attributes") from exc
            keys.append(KeyObject(
                id=bytes(cka_id or b""),
                label=bytes(label or b"").decode("utf-8", "replace"),
                key_type="EC" if key_type == PyKCS11.CKK_EC else "RSA",
                handle=obj,
                can_sign=bool(can_sign),
            ))
        return keys

    def data_objects(self) -> list[DataObject]:
        """Every data object visible in this session."""
        assert_on_card_thread()
        found = []
        for obj in self._find([(PyKCS11.CKA_CLASS, PyKCS11.CKO_DATA)]):
            label, application, value = self._attributes(
                obj, [PyKCS11.CKA_LABEL, PyKCS11.CKA_APPLICATION, PyKCS11.CKA_VALUE])
            found.append(DataObject(
                label=bytes(label or b"").decode("utf-8", "replace"),
                application=bytes(application or b"").decode("utf-8", "replace"),
                value=bytes(value or b"")))
        return found

    def mechanisms(self) -> frozenset[str]:
        """The ``CKM_*`` names the token offers (cached for the session)."""
        assert_on_card_thread()
        if self._mechanisms is None:
            self._mechanisms = self._backend.mechanisms(self.slot_id)
        return self._mechanisms

    def sign(self, key: KeyObject, mechanism: str, data: bytes, *,
             hash_name: str | None = None, salt_length: int | None = None) -> bytes:
        """Sign ``data`` with ``key`` (see :class:`cps.token.TokenSession`)."""
        assert_on_card_thread()
        if mechanism not in self.mechanisms():
            raise MechanismNotSupported(mechanism)
        mech_code = PyKCS11.CKM[mechanism]
        if mechanism.endswith("_PSS"):
            if hash_name not in _HASHES:
                raise MechanismNotSupported(f"{mechanism} with {hash_name}")
            hash_code, mgf = _HASHES[hash_name]
            mech: Any = PyKCS11.RSA_PSS_Mechanism(mech_code, hash_code, mgf, salt_length or 0)
        else:
            mech = PyKCS11.Mechanism(mech_code, None)
        try:
            signature = self._session.sign(key.handle, data, mech)
        except PyKCS11.PyKCS11Error as exc:
            raise translate_error(exc, mechanism) from exc
        return bytes(signature)


class Pkcs11Backend:
    """A PKCS#11 module loaded with PyKCS11."""

    def __init__(self, module_path: Path) -> None:
        """Load ``module_path`` (on the card thread). Raises: MiddlewareInvalid."""
        assert_on_card_thread()
        self.module_path: Path | None = module_path
        self._lib = load_pkcs11_library(module_path)

    def slots(self) -> Sequence[SlotInfo]:
        """Every slot, with or without a token."""
        assert_on_card_thread()
        try:
            slot_ids = self._lib.getSlotList(tokenPresent=False)
            result = []
            for slot_id in slot_ids:
                info = self._lib.getSlotInfo(slot_id)
                result.append(SlotInfo(
                    slot_id=int(slot_id),
                    description=_text(info.slotDescription),
                    manufacturer=_text(info.manufacturerID),
                    token_present=bool(info.flags & PyKCS11.CKF_TOKEN_PRESENT),
                    removable=bool(info.flags & PyKCS11.CKF_REMOVABLE_DEVICE),
                    hardware=bool(info.flags & PyKCS11.CKF_HW_SLOT),
                ))
        except PyKCS11.PyKCS11Error as exc:
            raise translate_error(exc, "list slots") from exc
        return result

    def token_info(self, slot_id: int) -> TokenInfo:
        """The token in ``slot_id``. Raises: TokenNotPresent."""
        assert_on_card_thread()
        try:
            info = self._lib.getTokenInfo(slot_id)
        except PyKCS11.PyKCS11Error as exc:
            if exc.value in _REMOVED_CODES or exc.value == PyKCS11.CKR_SLOT_ID_INVALID:
                raise TokenNotPresent(slot_id) from exc
            raise translate_error(exc, "read token") from exc
        limits = [getattr(info, name, None) for name in ("ulMinPinLen", "ulMaxPinLen")]
        # CK_UNAVAILABLE_INFORMATION (~0) and 0 both mean "no limit known".
        min_len, max_len = (int(v) if isinstance(v, int) and 0 < v < 2**31 else None
                            for v in limits)
        return TokenInfo(
            slot_id=slot_id,
            label=_text(info.label),
            serial=_text(info.serialNumber),
            manufacturer=_text(info.manufacturerID),
            model=_text(info.model),
            pin=PinState.from_flags(int(info.flags)),
            min_pin_length=min_len,
            max_pin_length=max_len,
            protected_authentication_path=bool(
                info.flags & PyKCS11.CKF_PROTECTED_AUTHENTICATION_PATH),
            initialized=bool(info.flags & PyKCS11.CKF_TOKEN_INITIALIZED),
        )

    def mechanisms(self, slot_id: int) -> frozenset[str]:
        """The ``CKM_*`` names offered by the token in ``slot_id``."""
        assert_on_card_thread()
        try:
            return frozenset(str(m) for m in self._lib.getMechanismList(slot_id))
        except PyKCS11.PyKCS11Error as exc:
            raise translate_error(exc, "list mechanisms") from exc

    def open_session(self, slot_id: int) -> Pkcs11Session:
        """Open a read-only session with the token in ``slot_id``."""
        assert_on_card_thread()
        try:
            session = self._lib.openSession(slot_id, LowLevel.CKF_SERIAL_SESSION)
        except PyKCS11.PyKCS11Error as exc:
            if exc.value in _REMOVED_CODES or exc.value == PyKCS11.CKR_SLOT_ID_INVALID:
                raise TokenNotPresent(slot_id) from exc
            raise translate_error(exc, "open session") from exc
        return Pkcs11Session(self, slot_id, session)

    def close(self) -> None:
        """Unload the module (C_Finalize)."""
        assert_on_card_thread()
        try:
            self._lib.unload()
        except PyKCS11.PyKCS11Error as exc:
            logger.debug("unload: %s", exc)
