"""Plain data of the XDM layer: codes, the patient, the author, the documents.

Immutable dataclasses with no behaviour beyond formatting to the HL7 v2 data types that
XDS metadata uses (IHE ITI TF-3 4.2.3: CX for identifiers, XCN for persons, XON for
organisations, ``code^display^system`` for specialties).
"""

from __future__ import annotations

import datetime as _dt
import logging
import unicodedata
from dataclasses import dataclass
from typing import Protocol

from client.xdm.ins import Ins

__all__ = [
    "IDNPS_OID",
    "IDNST_OID",
    "AUTHOR_SPECIALTY_OID",
    "PROFESSION_OID",
    "Author",
    "CardHolder",
    "Code",
    "DocumentInput",
    "Patient",
]

logger = logging.getLogger(__name__)

# ANS identifier OIDs (CI-SIS, "Volet Structuration minimale"): national id of a
# professional (IDNPS = 8+RPPS or 0+ADELI) and of a structure (IDNST).
IDNPS_OID = "1.2.250.1.71.4.2.1"
IDNST_OID = "1.2.250.1.71.4.2.2"
# TRE_G15-ProfessionSante, and JDV_J01-XdsAuthorSpecialty-CISIS, whose codes for a
# profession are "G15_<code>" in the system below (CI-SIS "Volet Partage de documents").
PROFESSION_OID = "1.2.250.1.71.1.2.7"
AUTHOR_SPECIALTY_OID = "1.2.250.1.213.1.1.4.5"

_PROFESSIONS = {
    "10": "Médecin", "21": "Pharmacien", "26": "Audioprothésiste",
    "28": "Opticien-Lunetier", "31": "Assistant dentaire", "32": "Physicien médical",
    "35": "Aide-soignant", "36": "Ambulancier", "37": "Auxiliaire de puériculture",
    "38": "Préparateur en pharmacie hospitalière",
    "39": "Préparateur en pharmacie (officine)", "40": "Chirurgien-Dentiste",
    "50": "Sage-Femme", "60": "Infirmier", "69": "Infirmier psychiatrique",
    "70": "Masseur-Kinésithérapeute", "80": "Pédicure-Podologue", "81": "Orthoprothésiste",
    "82": "Podo-Orthésiste", "83": "Orthopédiste-Orthésiste", "84": "Oculariste",
    "85": "Epithésiste", "86": "Technicien de laboratoire médical", "91": "Orthophoniste",
    "92": "Orthoptiste", "94": "Ergothérapeute", "95": "Diététicien",
    "96": "Psychomotricien", "98": "Manipulateur ERM",
}


@dataclass(frozen=True)
class Code:
    """A coded value (``code``, ``display``, ``scheme`` = the code system OID or URN)."""

    code: str
    display: str
    scheme: str

    def hl7(self) -> str:
        """``code^display^scheme`` (CE-like form used by ``authorSpecialty``)."""
        return f"{self.code}^{self.display}^{self.scheme}"


@dataclass(frozen=True)
class Patient:
    """The patient the documents are about, identified by their INS.

    ``sex`` is the administrative gender ``M``, ``F`` or ``U`` (HL7 AdministrativeGender).
    """

    ins: Ins
    family: str
    given: str
    sex: str
    birth_date: _dt.date

    def source_patient_info(self) -> list[str]:
        """The ``sourcePatientInfo`` values (PID-5 name, PID-7 birth date, PID-8 sex).

        Name type ``L`` (legal): the INS identity traits are those of the birth record.
        """
        return [
            f"PID-5|{self.family}^{self.given}^^^^^L",
            f"PID-7|{self.birth_date:%Y%m%d}",
            f"PID-8|{self.sex}",
        ]


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


class CardHolder(Protocol):
    """What :meth:`Author.from_card` needs (``cps.identity.CardIdentity`` fits)."""

    @property
    def national_id(self) -> str: ...
    @property
    def family_name(self) -> str: ...
    @property
    def given_name(self) -> str: ...
    @property
    def profession(self) -> str | None: ...


@dataclass(frozen=True)
class Author:
    """The professional who authors or sends the documents (from the CPS identity).

    Args:
        national_id: ``8`` + RPPS or ``0`` + ADELI (the certificate CN).
        family, given: names as on the card.
        profession: TRE_G15 code, ``10`` for a doctor.
        specialty: an optional ``authorSpecialty`` code; defaults to the profession.
        institution_name, institution_id: optional IDNST of the structure.
    """

    national_id: str
    family: str
    given: str
    profession: str = "10"
    specialty: Code | None = None
    institution_name: str = ""
    institution_id: str = ""
    institution_id_oid: str = IDNST_OID
    id_oid: str = IDNPS_OID

    @classmethod
    def from_card(cls, holder: CardHolder) -> Author:
        """The signed-in professional as XDM author, from the CPS certificate identity.

        The certificate's ``title`` (``Médecin``, ``Pharmacien``...) is mapped to its
        TRE_G15 code; an unknown title is kept as the specialty's label, without a code.
        """
        title = (holder.profession or "").strip()
        by_label = {_fold(label): code for code, label in _PROFESSIONS.items()}
        code = title if title in _PROFESSIONS else by_label.get(_fold(title), "")
        if not code and title:
            logger.warning("unknown profession %r on the card; author specialty left as text",
                           title)
        specialty = None if code or not title else Code("", title, AUTHOR_SPECIALTY_OID)
        return cls(national_id=holder.national_id, family=holder.family_name,
                   given=holder.given_name, profession=code or "10", specialty=specialty)

    def xcn(self) -> str:
        """``authorPerson`` in XCN form, identifier type ``IDNPS`` (CI-SIS)."""
        return (
            f"{self.national_id}^{self.family}^{self.given}^^^^^^"
            f"&{self.id_oid}&ISO^D^^^IDNPS"
        )

    def xon(self) -> str | None:
        """``authorInstitution`` in XON form, or None without a structure."""
        if not self.institution_name:
            return None
        return (
            f"{self.institution_name}^^^^^&{self.institution_id_oid}&ISO^IDNST^^^"
            f"{self.institution_id}"
        )

    def specialty_code(self) -> Code:
        """The ``authorSpecialty``: the given code, else ``G15_<profession>`` (JDV_J01)."""
        if self.specialty is not None:
            return self.specialty
        display = _PROFESSIONS.get(self.profession, self.profession)
        return Code(f"G15_{self.profession}", display, AUTHOR_SPECIALTY_OID)

    @property
    def display_name(self) -> str:
        """``Prénom NOM`` for people."""
        return f"{self.given} {self.family}".strip()


@dataclass(frozen=True)
class DocumentInput:
    """One document to pack: its bytes, its original file name and optional overrides.

    ``mime_type`` is guessed from the content when empty (CDA -> ``text/xml``, PDF ->
    ``application/pdf``); ``title`` defaults to the CDA title or the file name.
    """

    data: bytes
    filename: str
    mime_type: str = ""
    title: str = ""
