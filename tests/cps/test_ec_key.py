"""ECDSA when the authentication key is EC: a SoftHSM2 token with a P-256 key made here.

CPS cards carry RSA-2048 keys; future cards and software tokens may not. The key pair is
generated ON the token, its certificate issued by the sandbox PKI and stored beside it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import PyKCS11
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from cps.service import CardService
from sandbox.card import SOFTHSM_MODULE, _store_certificate
from sandbox.pki import Pki
from tests.helpers.fake_token import FakePinPrompt

PIN = "4321"
# DER OID of prime256v1 (RFC 5480 section 2.1.1.1).
_P256_PARAMS = bytes.fromhex("06082a8648ce3d030107")


def _make_ec_token(directory: Path, pki: Pki) -> Path:
    tokens = directory / "tokens"
    tokens.mkdir(parents=True)
    conf = directory / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n"
                    "log.level = ERROR\n")
    env = dict(os.environ, SOFTHSM2_CONF=str(conf))
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "EC CARD",
                    "--so-pin", "12345678", "--pin", PIN], env=env, check=True,
                   capture_output=True)
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    lib = PyKCS11.PyKCS11Lib()
    try:
        lib.load(str(SOFTHSM_MODULE))
        slot = next(s for s in lib.getSlotList(tokenPresent=True)
                    if lib.getTokenInfo(s).label.strip() == "EC CARD")
        session = lib.openSession(slot, PyKCS11.CKF_SERIAL_SESSION | PyKCS11.CKF_RW_SESSION)
        session.login(PIN)
        key_id = (0x01, 0x20)
        public, _ = session.generateKeyPair(
            [(PyKCS11.CKA_CLASS, PyKCS11.CKO_PUBLIC_KEY), (PyKCS11.CKA_KEY_TYPE, PyKCS11.CKK_EC),
             (PyKCS11.CKA_TOKEN, PyKCS11.CK_TRUE), (PyKCS11.CKA_EC_PARAMS, _P256_PARAMS),
             (PyKCS11.CKA_VERIFY, PyKCS11.CK_TRUE), (PyKCS11.CKA_ID, key_id)],
            [(PyKCS11.CKA_CLASS, PyKCS11.CKO_PRIVATE_KEY), (PyKCS11.CKA_KEY_TYPE, PyKCS11.CKK_EC),
             (PyKCS11.CKA_TOKEN, PyKCS11.CK_TRUE), (PyKCS11.CKA_PRIVATE, PyKCS11.CK_TRUE),
             (PyKCS11.CKA_SENSITIVE, PyKCS11.CK_TRUE), (PyKCS11.CKA_SIGN, PyKCS11.CK_TRUE),
             (PyKCS11.CKA_ID, key_id)],
            mecha=PyKCS11.Mechanism(PyKCS11.CKM_EC_KEY_PAIR_GEN, None))
        (point,) = session.getAttributeValue(public, [PyKCS11.CKA_EC_POINT])
        raw = bytes(point)[2:]  # CKA_EC_POINT is a DER OCTET STRING (short form here)
        public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        cert = pki.issue_person_certificate(
            public_key, national_id="0751234567", family_name="DURAND", given_name="ALICE",
            profession="Infirmier", usage="auth")
        _store_certificate(session, cert, bytes(key_id), "auth", ca=False)
        session.logout()
        session.closeSession()
    finally:
        lib.unload()
        del lib
        if previous is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = previous
    return conf


@pytest.fixture(scope="module")
def ec_conf(tmp_path_factory: pytest.TempPathFactory, sandbox_pki: Pki) -> Path:
    return _make_ec_token(tmp_path_factory.mktemp("ec-card"), sandbox_pki)


@pytest.fixture
def ec_service(ec_conf: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CardService]:
    monkeypatch.setenv("SOFTHSM2_CONF", str(ec_conf))
    service = CardService.for_module(SOFTHSM_MODULE)
    yield service
    service.close()


def test_ecdsa_signatures_verify(ec_service: CardService) -> None:
    contents = ec_service.read_card()
    assert contents.identity is not None and contents.identity.id_type == "ADELI"
    signer = ec_service.signer(FakePinPrompt(PIN))
    assert (signer.key_type, signer.key_size, signer.supports_pss) == ("EC", 256, False)
    public = signer.certificate.public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey)
    public.verify(signer.sign(b"hello"), b"hello", ec.ECDSA(hashes.SHA256()))
    digest = hashlib.sha384(b"tls").digest()
    public.verify(signer.sign_digest(digest, hash_name="sha384"), b"tls",
                  ec.ECDSA(hashes.SHA384()))
    assert signer.signature_count == 2
