"""The virtual CPS card: token, keys generated on it, certificates, CPS data objects."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import PyKCS11
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from sandbox.card import (
    AUTH_KEY_ID,
    SIGN_KEY_ID,
    VirtualCard,
    provision_card,
    provision_revoked_card,
)
from sandbox.identities import DOCTOR, REVOKED
from sandbox.pki import Pki, build_pki

REPO = Path(__file__).resolve().parents[2]


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


def test_a_card_provisioned_while_another_is_loaded_is_complete(
    session: PyKCS11.Session, tmp_path: Path
) -> None:
    # This process holds SoftHSM2 initialised with the session card's configuration (the
    # ``session`` fixture), which SoftHSM2 never rereads: the revoked card is filled by a
    # child process, so its token exists all the same.
    pki = build_pki(tmp_path / "pki")
    card = provision_revoked_card(tmp_path / "revoked", pki)
    assert card.holder == REVOKED and card.token_label.startswith("CPS3 V3 REVOQUE")
    assert pki.is_revoked(card.auth_cert) and not pki.is_revoked(card.sign_cert)
    slots = subprocess.run(
        ["softhsm2-util", "--show-slots"], env=dict(os.environ, **card.environment()),
        capture_output=True, text=True, check=True,
    ).stdout
    assert f"Label:            {card.token_label}" in slots
    assert f"Serial number:    {card.serial}" in slots
    assert card.files["auth_cert"].read_bytes() == card.auth_cert.public_bytes(
        serialization.Encoding.PEM
    )


def test_a_failed_provisioning_says_why(tmp_path: Path) -> None:
    pki = build_pki(tmp_path / "pki")
    (pki.directory / "persons-ca.key").unlink()
    with pytest.raises(RuntimeError, match=r"No such file or directory: .*persons-ca\.key"):
        provision_card(tmp_path / "card", pki)


def test_the_provisioning_child_refuses_another_configuration(tmp_path: Path) -> None:
    # Filling a token other than the one named in SOFTHSM2_CONF would write nowhere useful.
    pki = build_pki(tmp_path / "pki")
    request = {"directory": str(tmp_path / "card"), "pki": str(pki.directory),
               "holder": dataclasses.asdict(DOCTOR), "pin": "1234"}
    (tmp_path / "card").mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "sandbox.card"], input=json.dumps(request),
        env=dict(os.environ, SOFTHSM2_CONF=str(tmp_path / "elsewhere.conf"),
                 PYTHONPATH=str(REPO)),
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"SOFTHSM2_CONF must name {tmp_path / 'card' / 'softhsm2.conf'} before SoftHSM2 "
        "is loaded"
    )
    assert result.stdout == ""
