"""A virtual CPS card in SoftHSM2.

The token lives in a private ``SOFTHSM2_CONF`` + token directory under the sandbox
directory. Its content mimics what Cryptolib CPS exposes for a CPS3 card:

* token label ``CPS3 V3 <FAMILY> <GIVEN>`` (a CPS3 "V3" card; the holder's name makes it
  easy to tell two virtual cards apart; cps/ must not rely on the label to classify cards),
  user PIN ``1234`` (4 digits), SO PIN ``12345678``;
* two RSA-2048 key pairs GENERATED ON THE TOKEN (``C_GenerateKeyPair``; private keys
  sensitive and not extractable): authentication, ``CKA_ID`` ``01 20`` (last byte 0x20), and
  signature, ``CKA_ID`` ``01 10`` (last byte 0x10);
* the matching certificates issued by the sandbox PKI (CKO_CERTIFICATE, same CKA_ID), plus
  the PERSONNES and root CA certificates (category "authority");
* public CKO_DATA objects ``CPS_ID_CARD``, ``CPS_NAME_PS``, ``CPS_INFO_PS`` (application
  ``CPS``). The real objects are binary TLV structures; here they hold ``key=value`` UTF-8
  lines carrying the same information (card type and serial, holder's names, national id
  and profession).

SoftHSM2 never locks a PIN (it reports ``CKR_PIN_INCORRECT`` and COUNT_LOW only):
final-try and locked states need a test double behind cps/'s own interface.
"""

from __future__ import annotations

import ctypes
import dataclasses
import datetime as _dt
import json
import logging
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import PyKCS11
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from sandbox.identities import DOCTOR, REVOKED, Identity
from sandbox.pki import Pki, load_pki

__all__ = [
    "AUTH_KEY_ID",
    "SIGN_KEY_ID",
    "SOFTHSM_MODULE",
    "SO_PIN",
    "VirtualCard",
    "provision_card",
    "provision_revoked_card",
]

logger = logging.getLogger(__name__)

SOFTHSM_MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")
SO_PIN = "12345678"
AUTH_KEY_ID = bytes([0x01, 0x20])
SIGN_KEY_ID = bytes([0x01, 0x10])
# The checkout holding this package: the provisioning child imports it from there.
_ROOT = Path(__file__).resolve().parent.parent
# Two RSA-2048 key generations in SoftHSM2, a few seconds on an idle machine.
_CHILD_TIMEOUT = 300.0
ROOT_CA_ID = bytes([0x0A, 0x01])
PERSONS_CA_ID = bytes([0x0A, 0x02])

AUTH_LABEL = "Certificat d'Authentification CPS"
SIGN_LABEL = "Certificat de Signature CPS"
AUTH_KEY_LABEL = "Cle privee d'Authentification CPS"
SIGN_KEY_LABEL = "Cle privee de Signature CPS"


@dataclass
class VirtualCard:
    """A provisioned SoftHSM2 token standing for the holder's CPS card."""

    softhsm_conf: Path
    module: Path
    token_label: str
    serial: str
    pin: str
    auth_cert: x509.Certificate
    sign_cert: x509.Certificate
    holder: Identity
    so_pin: str = SO_PIN
    auth_key_id: bytes = AUTH_KEY_ID
    sign_key_id: bytes = SIGN_KEY_ID
    files: dict[str, Path] = field(default_factory=dict)

    def environment(self) -> dict[str, str]:
        """Environment variables a process needs to see this token (``SOFTHSM2_CONF``)."""
        return {"SOFTHSM2_CONF": str(self.softhsm_conf)}


def _card_label(holder: Identity) -> str:
    # PKCS#11 token labels are 32 bytes, blank padded.
    return f"CPS3 V3 {holder.family_name} {holder.given_name}"[:32]


def _write_conf(directory: Path, *, keep_tokens: bool = False) -> Path:
    tokens = directory / "tokens"
    if tokens.exists() and not keep_tokens:
        shutil.rmtree(tokens)
    tokens.mkdir(parents=True, mode=0o700, exist_ok=True)
    conf = directory / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {tokens}\n"
        "objectstore.backend = file\n"
        "log.level = ERROR\n"
        "slots.removable = false\n"
    )
    return conf


def _init_token(conf: Path, label: str, pin: str) -> None:
    env = dict(os.environ, SOFTHSM2_CONF=str(conf))
    result = subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", label,
         "--so-pin", SO_PIN, "--pin", pin],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"softhsm2-util --init-token failed: {result.stderr.strip()}")


def _ck_ulong(value: int) -> tuple[int, ...]:
    # PyKCS11 treats CKA_CERTIFICATE_CATEGORY as binary: pass a native CK_ULONG.
    return tuple(value.to_bytes(ctypes.sizeof(ctypes.c_ulong), sys.byteorder))


def _der_integer(value: int) -> bytes:
    body = value.to_bytes((value.bit_length() + 8) // 8, "big")
    return bytes([0x02, len(body)]) + body if len(body) < 128 else (
        bytes([0x02, 0x81, len(body)]) + body
    )


def _token_object(kind: int, label: str, *, private: bool) -> list[tuple[int, Any]]:
    """The attributes every object of the card starts with: a token object, its label."""
    return [
        (PyKCS11.CKA_CLASS, kind),
        (PyKCS11.CKA_TOKEN, PyKCS11.CK_TRUE),
        (PyKCS11.CKA_PRIVATE, PyKCS11.CK_TRUE if private else PyKCS11.CK_FALSE),
        (PyKCS11.CKA_LABEL, label),
    ]


def _generate_key_pair(
    session: PyKCS11.Session, key_id: bytes, label: str, sign_usage: str
) -> rsa.RSAPublicKey:
    public_template = [
        *_token_object(PyKCS11.CKO_PUBLIC_KEY, label.replace("Cle privee", "Cle publique"),
                       private=False),
        (PyKCS11.CKA_KEY_TYPE, PyKCS11.CKK_RSA),
        (PyKCS11.CKA_ID, tuple(key_id)),
        (PyKCS11.CKA_MODULUS_BITS, 2048),
        (PyKCS11.CKA_PUBLIC_EXPONENT, (0x01, 0x00, 0x01)),
        (PyKCS11.CKA_VERIFY, PyKCS11.CK_TRUE),
        (PyKCS11.CKA_ENCRYPT, PyKCS11.CK_FALSE),
        (PyKCS11.CKA_WRAP, PyKCS11.CK_FALSE),
    ]
    private_template = [
        *_token_object(PyKCS11.CKO_PRIVATE_KEY, label, private=True),
        (PyKCS11.CKA_KEY_TYPE, PyKCS11.CKK_RSA),
        (PyKCS11.CKA_ID, tuple(key_id)),
        (PyKCS11.CKA_SENSITIVE, PyKCS11.CK_TRUE),
        (PyKCS11.CKA_EXTRACTABLE, PyKCS11.CK_FALSE),
        (PyKCS11.CKA_SIGN, PyKCS11.CK_TRUE),
        (PyKCS11.CKA_DECRYPT, PyKCS11.CK_FALSE),
        (PyKCS11.CKA_UNWRAP, PyKCS11.CK_FALSE),
    ]
    public, _private = session.generateKeyPair(
        public_template, private_template, mecha=PyKCS11.MechanismRSAGENERATEKEYPAIR
    )
    modulus, exponent = session.getAttributeValue(
        public, [PyKCS11.CKA_MODULUS, PyKCS11.CKA_PUBLIC_EXPONENT]
    )
    numbers = rsa.RSAPublicNumbers(
        int.from_bytes(bytes(exponent), "big"), int.from_bytes(bytes(modulus), "big")
    )
    logger.debug("generated %s key pair on the token", sign_usage)
    return numbers.public_key()


def _store_certificate(
    session: PyKCS11.Session, cert: x509.Certificate, key_id: bytes, label: str, *, ca: bool
) -> None:
    session.createObject(
        [
            *_token_object(PyKCS11.CKO_CERTIFICATE, label, private=False),
            (PyKCS11.CKA_MODIFIABLE, PyKCS11.CK_FALSE),
            (PyKCS11.CKA_CERTIFICATE_TYPE, PyKCS11.CKC_X_509),
            (PyKCS11.CKA_TRUSTED, PyKCS11.CK_FALSE),
            # PKCS#11 v2.40 4.6.2: 2 = authority, 1 = token user.
            (PyKCS11.CKA_CERTIFICATE_CATEGORY, _ck_ulong(2 if ca else 1)),
            (PyKCS11.CKA_ID, tuple(key_id)),
            (PyKCS11.CKA_SUBJECT, tuple(cert.subject.public_bytes())),
            (PyKCS11.CKA_ISSUER, tuple(cert.issuer.public_bytes())),
            (PyKCS11.CKA_SERIAL_NUMBER, tuple(_der_integer(cert.serial_number))),
            (PyKCS11.CKA_VALUE, tuple(cert.public_bytes(serialization.Encoding.DER))),
        ]
    )


def _store_data(session: PyKCS11.Session, label: str, value: bytes) -> None:
    session.createObject(
        [
            *_token_object(PyKCS11.CKO_DATA, label, private=False),
            (PyKCS11.CKA_MODIFIABLE, PyKCS11.CK_FALSE),
            (PyKCS11.CKA_APPLICATION, "CPS"),
            (PyKCS11.CKA_VALUE, tuple(value)),
        ]
    )


def _data_objects(holder: Identity, serial: str) -> dict[str, bytes]:
    def lines(pairs: dict[str, str]) -> bytes:
        return "".join(f"{k}={v}\n" for k, v in pairs.items()).encode("utf-8")

    profession_codes = {"Médecin": "10", "Infirmier": "60", "Pharmacien": "21"}
    return {
        "CPS_ID_CARD": lines(
            {"type_carte": "CPS", "generation": "CPS3", "version": "V3", "numero_serie": serial,
             "date_fin_validite": (_dt.date.today() + _dt.timedelta(days=3 * 365)).isoformat()}
        ),  # fmt: skip
        "CPS_NAME_PS": lines(
            {"nom": holder.family_name, "prenom": holder.given_name,
             "nom_usage": holder.display_name}
        ),  # fmt: skip
        "CPS_INFO_PS": lines(
            {"identification_nationale": holder.national_id, "type_identifiant": holder.id_type,
             "profession": holder.profession,
             "code_profession": profession_codes.get(holder.profession, "")}
        ),  # fmt: skip
    }


def _issue(
    pki: Pki, public: rsa.RSAPublicKey, holder: Identity, usage: Literal["auth", "sign"]
) -> x509.Certificate:
    return pki.issue_person_certificate(
        public, usage=usage, national_id=holder.national_id, family_name=holder.family_name,
        given_name=holder.given_name, profession=holder.profession, email=holder.address,
    )  # fmt: skip


def provision_card(
    directory: Path, pki: Pki, holder: Identity = DOCTOR, pin: str = "1234", *,
    keep_tokens: bool = False,
) -> VirtualCard:
    """Create a fresh SoftHSM2 token under ``directory`` and fill it like a CPS card.

    The token is filled by a child process (``python -m sandbox.card``) that loads
    SoftHSM2 with this card's configuration alone: SoftHSM2 reads ``SOFTHSM2_CONF`` once per
    process, so in a process that had already loaded it with another card's configuration
    (a test session, the demo) the new token would be invisible. The child issues the
    certificates from ``pki``'s directory.

    Args:
        directory: the card's private directory (``softhsm2.conf``, ``tokens/``); an earlier
            token there is wiped, unless ``keep_tokens`` (then a process seeing this
            directory sees two cards: two CPS cards inserted at once).
        pki: issues the holder's certificates.
        holder: whose card it is.
        pin: the user PIN.
    Raises:
        RuntimeError: softhsm2-util failed, the token was not visible, or the token refused
            an operation (the child's error, in its words).
    """
    directory = directory.resolve()
    directory.mkdir(parents=True, exist_ok=True)
    request = {
        "directory": str(directory),
        "pki": str(pki.directory.resolve()),
        "holder": dataclasses.asdict(holder),
        "pin": pin,
        "keep_tokens": keep_tokens,
    }
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(_ROOT), env.get("PYTHONPATH")) if p
    )
    # The child's own SoftHSM2 reads this card's configuration, whatever the parent has.
    env["SOFTHSM2_CONF"] = str(directory / "softhsm2.conf")
    # The PIN goes through stdin: a command line is visible to every user of the machine.
    result = subprocess.run(
        [sys.executable, "-m", "sandbox.card"], input=json.dumps(request), env=env,
        capture_output=True, text=True, timeout=_CHILD_TIMEOUT, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines()
        raise RuntimeError(lines[-1] if lines else
                           f"provisioning the card exited with status {result.returncode}")
    answer = json.loads(result.stdout)
    files = {f"{name}_cert": directory / f"{name}.crt.pem" for name in ("auth", "sign")}
    card = VirtualCard(
        softhsm_conf=directory / "softhsm2.conf",
        module=SOFTHSM_MODULE,
        token_label=str(answer["token_label"]),
        serial=str(answer["serial"]),
        pin=pin,
        auth_cert=x509.load_pem_x509_certificate(files["auth_cert"].read_bytes()),
        sign_cert=x509.load_pem_x509_certificate(files["sign_cert"].read_bytes()),
        holder=holder,
        files=files,
    )
    logger.info("virtual CPS card %r (serial %s) provisioned in %s", card.token_label,
                card.serial, directory)
    return card


def _fill_token(
    directory: Path, pki: Pki, holder: Identity, pin: str, *, keep_tokens: bool = False
) -> tuple[str, str]:
    """Initialise and fill the token in this process; return its label and serial.

    Runs in the child of :func:`provision_card`, whose ``SOFTHSM2_CONF`` already names
    ``directory``'s configuration: the first SoftHSM2 load of the process reads it.
    """
    conf = _write_conf(directory, keep_tokens=keep_tokens)
    if os.environ.get("SOFTHSM2_CONF") != str(conf):
        raise RuntimeError(f"SOFTHSM2_CONF must name {conf} before SoftHSM2 is loaded")
    label = _card_label(holder)
    _init_token(conf, label, pin)
    lib = PyKCS11.PyKCS11Lib()
    lib.load(str(SOFTHSM_MODULE))
    slot = next(
        (s for s in lib.getSlotList(tokenPresent=True)
         if lib.getTokenInfo(s).label.strip() == label),
        None,
    )  # fmt: skip
    if slot is None:
        raise RuntimeError(
            f"token {label!r} is not visible: SoftHSM2 was initialised with another "
            f"configuration than {conf}")
    serial = lib.getTokenInfo(slot).serialNumber.strip()
    session = lib.openSession(slot, PyKCS11.CKF_SERIAL_SESSION | PyKCS11.CKF_RW_SESSION)
    try:
        session.login(pin)
        auth_public = _generate_key_pair(session, AUTH_KEY_ID, AUTH_KEY_LABEL, "auth")
        sign_public = _generate_key_pair(session, SIGN_KEY_ID, SIGN_KEY_LABEL, "sign")
        auth_cert = _issue(pki, auth_public, holder, "auth")
        sign_cert = _issue(pki, sign_public, holder, "sign")
        _store_certificate(session, auth_cert, AUTH_KEY_ID, AUTH_LABEL, ca=False)
        _store_certificate(session, sign_cert, SIGN_KEY_ID, SIGN_LABEL, ca=False)
        _store_certificate(
            session, pki.persons_ca_cert, PERSONS_CA_ID, "TEST AC IGC-SANTE ELEMENTAIRE "
            "PERSONNES", ca=True,
        )  # fmt: skip
        _store_certificate(
            session, pki.root_cert, ROOT_CA_ID, "TEST AC RACINE IGC-SANTE ELEMENTAIRE",
            ca=True,
        )  # fmt: skip
        for name, value in _data_objects(holder, serial).items():
            _store_data(session, name, value)
        session.logout()
    finally:
        session.closeSession()
    for name, cert in (("auth", auth_cert), ("sign", sign_cert)):
        (directory / f"{name}.crt.pem").write_bytes(
            cert.public_bytes(serialization.Encoding.PEM)
        )
    return label, serial


def provision_revoked_card(directory: Path, pki: Pki, holder: Identity = REVOKED) -> VirtualCard:
    """A CPS-like card whose authentication certificate ``pki`` has revoked (keyCompromise).

    Its own token directory (``directory``), filled by a child process like every card
    (:func:`provision_card`); another process sees it with the card's
    :meth:`VirtualCard.environment` (SoftHSM2 reads ``SOFTHSM2_CONF`` once per process).
    The revocation is recorded by ``pki`` itself, so that it knows of it at once.
    """
    card = provision_card(directory, pki, holder)
    pki.revoke(card.auth_cert)
    return card


def main() -> int:
    """``python -m sandbox.card``: fill one token, as :func:`provision_card` asks on stdin.

    The request is JSON (``directory``, ``pki``, ``holder``, ``pin``, ``keep_tokens``); the
    answer, on stdout, is JSON (``token_label``, ``serial``). A failure exits 1 with its
    sentence as the last line of stderr.
    """
    request = json.loads(sys.stdin.read())
    try:
        label, serial = _fill_token(
            Path(request["directory"]), load_pki(Path(request["pki"])),
            Identity(**request["holder"]), str(request["pin"]),
            keep_tokens=bool(request.get("keep_tokens", False)),
        )
    except (RuntimeError, OSError, PyKCS11.PyKCS11Error) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(json.dumps({"token_label": label, "serial": serial}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
