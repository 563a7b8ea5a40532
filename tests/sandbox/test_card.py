"""The virtual CPS card: token, keys generated on it, certificates, CPS data objects."""

from __future__ import annotations

import os
from collections.abc import Iterator

import PyKCS11
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from sandbox.card import AUTH_KEY_ID, SIGN_KEY_ID, VirtualCard
from sandbox.identities import DOCTOR
from sandbox.pki import Pki


@pytest.fixture
def session(sandbox_card: VirtualCard) -> Iterator[PyKCS11.Session]:
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ.update(sandbox_card.environment())
    lib = PyKCS11.PyKCS11Lib()
    lib.load(str(sandbox_card.module))
    slot = next(
        s for s in lib.getSlotList(tokenPresent=True)
        if lib.getTokenInfo(s).label.strip() == sandbox_card.token_label
    )  # fmt: skip
    opened = lib.openSession(slot)
    try:
        yield opened
    finally:
        opened.closeSession()
        del lib
        if previous is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = previous


def _objects(session: PyKCS11.Session, cls: int) -> list[PyKCS11.CK_OBJECT_HANDLE]:
    return list(session.findObjects([(PyKCS11.CKA_CLASS, cls)]))


def test_token_looks_like_a_cps(sandbox_card: VirtualCard, session: PyKCS11.Session) -> None:
    assert sandbox_card.token_label.startswith("CPS3 V3")
    assert sandbox_card.holder == DOCTOR
    assert len(sandbox_card.pin) == 4 and sandbox_card.pin.isdigit()
    labels = {
        session.getAttributeValue(o, [PyKCS11.CKA_LABEL])[0]
        for o in _objects(session, PyKCS11.CKO_DATA)
    }
    assert {"CPS_ID_CARD", "CPS_NAME_PS", "CPS_INFO_PS"} <= labels
    info = next(
        o for o in _objects(session, PyKCS11.CKO_DATA)
        if session.getAttributeValue(o, [PyKCS11.CKA_LABEL])[0] == "CPS_INFO_PS"
    )  # fmt: skip
    value = bytes(session.getAttributeValue(info, [PyKCS11.CKA_VALUE])[0]).decode()
    assert "identification_nationale=810001234567" in value


def test_certificates_match_keys_and_ids(
    sandbox_card: VirtualCard, sandbox_pki: Pki, session: PyKCS11.Session
) -> None:
    certs = {}
    for handle in _objects(session, PyKCS11.CKO_CERTIFICATE):
        key_id, value = session.getAttributeValue(handle, [PyKCS11.CKA_ID, PyKCS11.CKA_VALUE])
        certs[bytes(key_id)] = x509.load_der_x509_certificate(bytes(value))
    assert certs[AUTH_KEY_ID] == sandbox_card.auth_cert
    assert certs[SIGN_KEY_ID] == sandbox_card.sign_cert
    assert AUTH_KEY_ID[-1] == 0x20 and SIGN_KEY_ID[-1] == 0x10
    assert sandbox_pki.root_cert in certs.values()
    assert sandbox_pki.persons_ca_cert in certs.values()
    cn = sandbox_card.auth_cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    assert cn[0].value == "810001234567"


def test_private_keys_are_sensitive_and_sign(
    sandbox_card: VirtualCard, session: PyKCS11.Session
) -> None:
    session.login(sandbox_card.pin)
    try:
        for key_id, cert in (
            (AUTH_KEY_ID, sandbox_card.auth_cert),
            (SIGN_KEY_ID, sandbox_card.sign_cert),
        ):
            (key,) = session.findObjects(
                [(PyKCS11.CKA_CLASS, PyKCS11.CKO_PRIVATE_KEY), (PyKCS11.CKA_ID, tuple(key_id))]
            )
            sensitive, extractable, local = session.getAttributeValue(
                key, [PyKCS11.CKA_SENSITIVE, PyKCS11.CKA_EXTRACTABLE, PyKCS11.CKA_LOCAL]
            )
            assert sensitive and not extractable and local  # generated on the token
            data = b"compte rendu"
            signature = bytes(
                session.sign(key, data, PyKCS11.Mechanism(PyKCS11.CKM_SHA256_RSA_PKCS))
            )
            public = cert.public_key()
            assert isinstance(public, rsa.RSAPublicKey)
            public.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    finally:
        session.logout()


def test_wrong_pin_is_refused(sandbox_card: VirtualCard, session: PyKCS11.Session) -> None:
    with pytest.raises(PyKCS11.PyKCS11Error) as excinfo:
        session.login("0000")
    assert excinfo.value.value == PyKCS11.CKR_PIN_INCORRECT
    # The card is shared by the session: a good PIN clears CKF_USER_PIN_COUNT_LOW again.
    session.login(sandbox_card.pin)
    session.logout()
