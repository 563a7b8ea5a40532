"""The patient's INS (Identité Nationale de Santé): matricule + OID, validated.

The INS matricule is the NIR (social security number) or, pending one, the NIA; both are
13 characters plus a 2-digit control key = 97 - (number mod 97). For people born in
Corsica the department is ``2A`` or ``2B``: for the key, ``2A`` counts as ``19`` and ``2B``
as ``18`` (INSEE rule). The OID says which register and whether it is a test identity
(ANS, "Guide d'implémentation de l'INS", and CI-SIS volet "Structuration minimale").
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from client.xdm.errors import InvalidIns

__all__ = [
    "INS_NIA_OID",
    "INS_NIR_OID",
    "INS_OIDS",
    "INS_TEST_NIA_OID",
    "INS_TEST_NIR_OID",
    "Ins",
    "nir_key",
    "validate_ins",
]

logger = logging.getLogger(__name__)

INS_NIR_OID = "1.2.250.1.213.1.4.8"
INS_NIA_OID = "1.2.250.1.213.1.4.9"
INS_TEST_NIR_OID = "1.2.250.1.213.1.4.10"
INS_TEST_NIA_OID = "1.2.250.1.213.1.4.11"

INS_OIDS: dict[str, str] = {
    INS_NIR_OID: "INS-NIR",
    INS_NIA_OID: "INS-NIA",
    INS_TEST_NIR_OID: "INS-NIR de test",
    INS_TEST_NIA_OID: "INS-NIA de test",
}

# First digit: 1/2 born male/female, 3/4 foreign-born pending registration, 7/8 temporary
# numbers (NIA); anything else is not a registration number.
_SEX_DIGITS = frozenset("123478")
_SHAPE = re.compile(r"^[0-9]{5}(?:[0-9]{2}|2[AB])[0-9]{8}$")


def nir_key(body: str) -> int:
    """Control key of a 13-character NIR/NIA body (Corsica ``2A``/``2B`` handled).

    Raises:
        ValueError: ``body`` is not 13 characters of digits (with ``2A``/``2B`` allowed at
            the department position).
    """
    if len(body) != 13 or not _SHAPE.match(body + "00"):
        raise ValueError(f"not a 13-character NIR body: {body!r}")
    department = body[5:7]
    # INSEE rule: replace 2A by 19 and 2B by 18 before the modulo.
    digits = body[:5] + {"2A": "19", "2B": "18"}.get(department, department) + body[7:]
    return 97 - int(digits) % 97


@dataclass(frozen=True)
class Ins:
    """A validated INS: the 15-character matricule and the OID of its register."""

    matricule: str
    oid: str

    @property
    def is_test(self) -> bool:
        """True for test identities (OIDs ``...4.10`` and ``...4.11``)."""
        return self.oid in (INS_TEST_NIR_OID, INS_TEST_NIA_OID)

    @property
    def kind(self) -> str:
        """Human label of the register (``INS-NIR``, ``INS-NIA de test``...)."""
        return INS_OIDS[self.oid]

    def cx(self) -> str:
        """The HL7 v2 CX form used by XDS ``patientId``: ``<INS>^^^&<OID>&ISO^NH``."""
        return f"{self.matricule}^^^&{self.oid}&ISO^NH"


def validate_ins(matricule: str, oid: str) -> Ins:
    """Check an INS matricule and its OID and return them as an :class:`Ins`.

    Spaces are tolerated (``2 79 03 51 215 189 89``); lower-case ``2a``/``2b`` is
    upper-cased.

    Raises:
        InvalidIns: naming what is wrong (unknown OID, length, characters, first digit,
            control key).
    """
    oid = oid.strip()
    if oid not in INS_OIDS:
        known = ", ".join(f"{k} ({v})" for k, v in INS_OIDS.items())
        raise InvalidIns(oid, f"unknown INS OID; expected one of {known}", "oid")
    value = re.sub(r"[\s.]", "", matricule).upper()
    if len(value) != 15:
        raise InvalidIns(
            matricule, f"an INS matricule has 15 characters (13 + 2-digit key), got {len(value)}",
            "length",
        )
    if not _SHAPE.match(value):
        raise InvalidIns(
            matricule,
            "only digits are allowed, except 2A or 2B as the department (characters 6-7)",
            "characters",
        )
    if value[0] not in _SEX_DIGITS:
        raise InvalidIns(
            matricule, f"the first digit must be 1, 2, 3, 4, 7 or 8, not {value[0]}",
            "first-digit",
        )
    expected = nir_key(value[:13])
    if int(value[13:]) != expected:
        raise InvalidIns(
            matricule,
            f"wrong control key {value[13:]}: 97 - (first 13 digits mod 97) gives "
            f"{expected:02d}; check the number",
            "key",
        )
    return Ins(matricule=value, oid=oid)
