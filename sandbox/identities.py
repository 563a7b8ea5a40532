"""The people and mailboxes of the sandbox, and their software credentials.

* :data:`DOCTOR` holds the virtual CPS card (keys on the SoftHSM2 token, see
  :mod:`sandbox.card`).
* :data:`COLLEAGUE` is a nurse at another sandbox domain; her certificate and key are
  software files (PKCS#12 and PEM) so that tests can open her mailbox and read what the
  doctor sent.
* :data:`REVOKED` has a mailbox but a certificate revoked in the CRL: Dovecot and the
  OpenID provider must refuse it.
* :data:`APPLICATIVE` is an applicative mailbox ("BAL applicative") fed by a patient-record
  system with an ORGANISATIONS certificate in a PKCS#12.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from sandbox.pki import Pki, generate_rsa_key, write_pkcs12, write_private_key

__all__ = [
    "APPLICATIVE",
    "COLLEAGUE",
    "DOCTOR",
    "DOMAINS",
    "REVOKED",
    "USERS",
    "Identity",
    "SoftwareCredential",
    "issue_software_credentials",
    "load_software_credentials",
]

logger = logging.getLogger(__name__)

#: The sandbox MSSanté domains (added to the liste blanche).
DOMAINS = ("hopital-sandbox.mssante.fr", "clinique-sandbox.mssante.fr")

#: Password of every sandbox PKCS#12 file (a test fixture, not a secret).
PKCS12_PASSWORD = "sandbox-p12"


@dataclass(frozen=True)
class Identity:
    """A person or application with a mailbox.

    ``login`` is what the TLS certificate names (the CN, Dovecot's
    ``ssl_cert_username_field``): the national id for people.
    """

    login: str
    address: str
    family_name: str = ""
    given_name: str = ""
    profession: str = ""
    #: "RPPS" (id = "8" + RPPS), "ADELI" (id = "0" + ADELI), or "" for an application.
    id_type: str = ""

    @property
    def national_id(self) -> str:
        """The national id (``8`` + RPPS or ``0`` + ADELI); empty for an application."""
        return self.login if self.id_type else ""

    @property
    def display_name(self) -> str:
        """``Given FAMILY`` as shown in mail headers."""
        if not self.family_name:
            return self.address
        return f"{self.given_name.title()} {self.family_name}"


DOCTOR = Identity(
    login="810001234567",
    address="jean.martin@hopital-sandbox.mssante.fr",
    family_name="MARTIN",
    given_name="JEAN",
    profession="Médecin",
    id_type="RPPS",
)
COLLEAGUE = Identity(
    login="0759312345",
    address="claire.dubois@clinique-sandbox.mssante.fr",
    family_name="DUBOIS",
    given_name="CLAIRE",
    profession="Infirmier",
    id_type="ADELI",
)
REVOKED = Identity(
    login="810009876543",
    address="paul.revoque@hopital-sandbox.mssante.fr",
    family_name="REVOQUE",
    given_name="PAUL",
    profession="Médecin",
    id_type="RPPS",
)
APPLICATIVE = Identity(
    login="BAL-APP-DPI-HOPITAL-SANDBOX",
    address="dpi@hopital-sandbox.mssante.fr",
)
#: Every mailbox of the sandbox.
USERS = (DOCTOR, COLLEAGUE, REVOKED, APPLICATIVE)


@dataclass(frozen=True)
class SoftwareCredential:
    """A certificate and its key in files: PKCS#12 (password :data:`PKCS12_PASSWORD`) and PEM."""

    identity: Identity
    cert: x509.Certificate
    pkcs12: Path
    cert_pem: Path
    key_pem: Path
    password: str = PKCS12_PASSWORD


def _write_credential(
    directory: Path, stem: str, identity: Identity, pki: Pki, *, person: bool
) -> SoftwareCredential:
    key = generate_rsa_key()
    if person:
        cert = pki.issue_person_certificate(
            key.public_key(),
            national_id=identity.login,
            family_name=identity.family_name,
            given_name=identity.given_name,
            profession=identity.profession,
            usage="auth",
            email=identity.address,
        )
        chain = [pki.persons_ca_cert, pki.root_cert]
    else:
        cert = pki.issue_organisation_certificate(identity.login, key.public_key())
        chain = [pki.orgs_ca_cert, pki.root_cert]
    p12 = directory / f"{stem}.p12"
    write_pkcs12(p12, key, cert, chain, PKCS12_PASSWORD, identity.login)
    cert_pem = directory / f"{stem}.crt.pem"
    cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_pem = directory / f"{stem}.key.pem"
    write_private_key(key, key_pem)
    return SoftwareCredential(identity, cert, p12, cert_pem, key_pem)


def issue_software_credentials(directory: Path, pki: Pki) -> dict[str, SoftwareCredential]:
    """Issue the colleague's, the revoked person's and the applicative mailbox's credentials.

    The revoked certificate is revoked at once (the CRLs are rewritten).

    Returns:
        ``{"colleague": ..., "revoked": ..., "applicative": ...}``
    """
    directory.mkdir(parents=True, exist_ok=True)
    creds = {
        "colleague": _write_credential(directory, "colleague", COLLEAGUE, pki, person=True),
        "revoked": _write_credential(directory, "revoked", REVOKED, pki, person=True),
        "applicative": _write_credential(
            directory, "applicative", APPLICATIVE, pki, person=False
        ),
    }
    pki.revoke(creds["revoked"].cert)
    logger.info("software credentials written to %s", directory)
    return creds


def load_software_credentials(directory: Path) -> dict[str, SoftwareCredential]:
    """Reload what :func:`issue_software_credentials` wrote in ``directory``."""
    identities = {"colleague": COLLEAGUE, "revoked": REVOKED, "applicative": APPLICATIVE}
    return {
        key: SoftwareCredential(
            identity,
            x509.load_pem_x509_certificate((directory / f"{key}.crt.pem").read_bytes()),
            directory / f"{key}.p12",
            directory / f"{key}.crt.pem",
            directory / f"{key}.key.pem",
        )
        for key, identity in identities.items()
    }
