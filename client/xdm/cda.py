"""CDA R2 header reading: what XDM metadata and the reader need from a clinical document.

The header fields and their mapping to XDS metadata follow ANS's stylesheet
``CDAHeaderToXDM.xsl`` (``ansforge/TestContenuCDA-3-0``) and the CI-SIS "Volet Partage de
documents de santé": ``code`` -> typeCode, ``templateId`` -> formatCode,
``confidentialityCode``, ``effectiveTime`` -> creationTime, ``documentationOf/serviceEvent``
-> eventCodeList and service start/stop, ``healthCareFacility/code`` ->
healthcareFacilityTypeCode, ``standardIndustryClassCode`` -> practiceSettingCode, the
``recordTarget`` INS -> patientId, ``author`` -> author slots. CDA is untrusted input: it is
parsed with defusedxml, DTDs and entities refused.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET  # only for the Element type; parsing is defusedxml
from dataclasses import dataclass, field

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from client.xdm.ins import INS_OIDS
from client.xdm.model import Code

__all__ = [
    "CDA_NS",
    "CdaHeader",
    "CdaPerson",
    "cda_header_from_root",
    "class_code_for",
    "format_code_for",
    "looks_like_cda",
    "parse_cda_header",
]

logger = logging.getLogger(__name__)

CDA_NS = "urn:hl7-org:v3"
_N = {"h": CDA_NS}

# IHE format code system (IHE ITI TF-3 / PCC) and ANS's TRE_A06 FormatCodeComplementaire.
IHE_FORMAT_SCHEME = "1.3.6.1.4.1.19376.1.2.3"
ANS_FORMAT_SCHEME = "1.2.250.1.213.1.1.4.2.282"
CLASS_SCHEME = "1.2.250.1.213.1.1.4.1"  # TRE_A03-ClasseDocument
LOINC = "2.16.840.1.113883.6.1"

# templateId -> formatCode: a subset of the stylesheet's table and of TRE_A06 for the
# documents French labs and hospitals send most (CR-BIO, LDL, CRH, VSM...).
_FORMAT_BY_TEMPLATE: dict[str, Code] = {
    "1.3.6.1.4.1.19376.1.3.3": Code(
        "urn:ihe:lab:xd-lab:2008",
        "Compte rendu structuré d'examens de biologie médicale",
        IHE_FORMAT_SCHEME,
    ),
    "1.2.250.1.213.1.1.1.29": Code(
        "urn:asip:ci-sis:ldl-ses:2017",
        "Lettre de Liaison à la sortie de l'établissement de santé",
        ANS_FORMAT_SCHEME,
    ),
    "1.2.250.1.213.1.1.1.3.1": Code(
        "urn:asip:ci-sis:crh:2009", "Compte Rendu d'Hospitalisation", ANS_FORMAT_SCHEME
    ),
    "1.2.250.1.213.1.1.1.13": Code(
        "urn:asip:ci-sis:vsm:2012", "Synthèse Médicale", ANS_FORMAT_SCHEME
    ),
    "1.2.250.1.213.1.1.1.10": Code(
        "urn:ihe:pcc:ic:2009", "Carnet de vaccination", IHE_FORMAT_SCHEME
    ),
}
# CDA level 1 (IHE XDS-SD, 1.3.6.1.4.1.19376.1.2.20): the format follows the body's type.
_XDS_SD_TEMPLATE = "1.3.6.1.4.1.19376.1.2.20"
_XDS_SD_FORMATS = {
    "application/pdf": Code(
        "urn:ihe:iti:xds-sd:pdf:2008",
        "Document à corps non structuré en Pdf/A-1",
        IHE_FORMAT_SCHEME,
    ),
    "text/plain": Code(
        "urn:ihe:iti:xds-sd:text:2008",
        "Document à corps non structuré en texte brut",
        IHE_FORMAT_SCHEME,
    ),
}
# The stylesheet's fallback for a CDA whose model the CI-SIS does not list.
_UNLISTED_MODEL = Code(
    "urn:asipSante:modelesHorsProfils:2011",
    "formatCode à prendre pour les documents utilisant un modèle non référencé dans le CI-SIS",
    ANS_FORMAT_SCHEME,
)

# LOINC typeCode -> TRE_A03 classCode: a subset of ANS's ASS_X04-CorrespondanceType-Classe
# for the common documents; other reports are "10 Compte rendu".
_CLASS_NAMES = {"10": "Compte rendu", "11": "Synthèse", "31": "Imagerie médicale",
                "42": "Prescription", "52": "Certificat, déclaration"}
_CLASS_BY_TYPE = {
    "11490-0": "11",  # lettre de liaison à la sortie
    "34133-9": "11",  # synthèse d'épisode de soins
    "60591-5": "11",  # synthèse médicale (VSM)
    "57833-6": "42",  # prescription
    "18748-4": "31",  # compte rendu d'imagerie médicale
    "85895-1": "31",  # compte rendu de médecine nucléaire
}


def format_code_for(template_ids: list[str], body_media_type: str = "") -> Code:
    """The XDS formatCode of a CDA document from its ``templateId`` roots."""
    for root in template_ids:
        if root in _FORMAT_BY_TEMPLATE:
            return _FORMAT_BY_TEMPLATE[root]
    if _XDS_SD_TEMPLATE in template_ids and body_media_type in _XDS_SD_FORMATS:
        return _XDS_SD_FORMATS[body_media_type]
    return _UNLISTED_MODEL


def class_code_for(type_code: Code) -> Code:
    """The TRE_A03 classCode that goes with a LOINC typeCode (default "Compte rendu")."""
    code = _CLASS_BY_TYPE.get(type_code.code, "10") if type_code.scheme == LOINC else "10"
    return Code(code, _CLASS_NAMES[code], CLASS_SCHEME)


@dataclass(frozen=True)
class CdaPerson:
    """A person of the CDA header (author or legal authenticator)."""

    id: str
    id_root: str
    family: str
    given: str
    specialty: Code | None = None
    organization_name: str = ""
    organization_id: str = ""
    organization_id_root: str = ""


@dataclass(frozen=True)
class CdaHeader:
    """What the CDA header says (fields absent from the document are empty / None)."""

    document_id: str
    code: Code | None
    title: str
    effective_time: str
    confidentiality: Code | None
    language: str
    template_ids: list[str]
    patient_ins: str
    patient_ins_oid: str
    patient_family: str
    patient_given: str
    patient_sex: str
    patient_birth_time: str
    author: CdaPerson | None
    legal_authenticator: CdaPerson | None
    service_start: str
    service_stop: str
    event_codes: list[Code] = field(default_factory=list)
    facility_type: Code | None = None
    practice_setting: Code | None = None
    body_media_type: str = ""

    @property
    def format_code(self) -> Code:
        """The XDS formatCode deduced from the templates (ANS matrix)."""
        return format_code_for(self.template_ids, self.body_media_type)

    @property
    def class_code(self) -> Code | None:
        """The TRE_A03 classCode deduced from the document type, if the type is known."""
        return class_code_for(self.code) if self.code else None


def looks_like_cda(data: bytes) -> bool:
    """Cheap sniff: an XML document whose root element is ``ClinicalDocument``."""
    head = data[:4096].lstrip()
    return head.startswith(b"<") and b"ClinicalDocument" in head and b"urn:hl7-org:v3" in head


def _code(element: ET.Element | None) -> Code | None:
    if element is None or not element.get("code"):
        return None
    return Code(element.get("code", ""), element.get("displayName", ""),
                element.get("codeSystem", ""))


def _text(element: ET.Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _name_part(name: ET.Element | None, part: str) -> str:
    """First ``family``/``given`` of a name, preferring the birth (``BR``) qualifier."""
    if name is None:
        return ""
    parts = name.findall(f"h:{part}", _N)
    for element in parts:
        if element.get("qualifier") == "BR":
            return _text(element)
    for element in parts:
        if element.get("qualifier") is None:
            return _text(element)
    return _text(parts[0]) if parts else ""


def _person(entity: ET.Element | None, person_tag: str) -> CdaPerson | None:
    if entity is None:
        return None
    ident = entity.find("h:id", _N)
    name = entity.find(f"h:{person_tag}/h:name", _N)
    org = entity.find("h:representedOrganization", _N)
    org_id = org.find("h:id", _N) if org is not None else None
    return CdaPerson(
        id=ident.get("extension", "") if ident is not None else "",
        id_root=ident.get("root", "") if ident is not None else "",
        family=_name_part(name, "family"),
        given=_name_part(name, "given"),
        specialty=_code(entity.find("h:code", _N)),
        organization_name=_text(org.find("h:name", _N)) if org is not None else "",
        organization_id=org_id.get("extension", "") if org_id is not None else "",
        organization_id_root=org_id.get("root", "") if org_id is not None else "",
    )


def parse_cda_header(data: bytes) -> CdaHeader:
    """Read the header of a CDA R2 document.

    Raises:
        ValueError: not well-formed XML, hostile XML (DTD, entities), or not a
            ``ClinicalDocument`` in the HL7 v3 namespace.
    """
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except (ET.ParseError, DefusedXmlException, LookupError, ValueError) as exc:
        raise ValueError(f"not a well-formed, safe XML document ({exc})") from exc
    if root.tag != f"{{{CDA_NS}}}ClinicalDocument":
        raise ValueError("the root element is not an HL7 CDA ClinicalDocument")
    return cda_header_from_root(root)


def cda_header_from_root(root: ET.Element) -> CdaHeader:
    """The header of an already parsed (safely) ``ClinicalDocument`` element."""
    doc_id = root.find("h:id", _N)
    document_id = ""
    if doc_id is not None:
        document_id = doc_id.get("root", "")
        if doc_id.get("extension"):
            document_id += f"^{doc_id.get('extension')}"
    ins, ins_oid = "", ""
    for ident in root.findall("h:recordTarget/h:patientRole/h:id", _N):
        if ident.get("root") in INS_OIDS:
            ins, ins_oid = ident.get("extension", ""), ident.get("root", "")
            break
    patient = root.find("h:recordTarget/h:patientRole/h:patient", _N)
    name = patient.find("h:name", _N) if patient is not None else None
    gender = patient.find("h:administrativeGenderCode", _N) if patient is not None else None
    birth = patient.find("h:birthTime", _N) if patient is not None else None
    event = root.find("h:documentationOf/h:serviceEvent", _N)
    low = event.find("h:effectiveTime/h:low", _N) if event is not None else None
    high = event.find("h:effectiveTime/h:high", _N) if event is not None else None
    events = [c for e in root.findall("h:documentationOf/h:serviceEvent/h:code", _N)
              if (c := _code(e)) is not None]
    body = root.find("h:component/h:nonXMLBody/h:text", _N)
    effective = root.find("h:effectiveTime", _N)
    language = root.find("h:languageCode", _N)
    return CdaHeader(
        document_id=document_id,
        code=_code(root.find("h:code", _N)),
        title=_text(root.find("h:title", _N)),
        effective_time=effective.get("value", "") if effective is not None else "",
        confidentiality=_code(root.find("h:confidentialityCode", _N)),
        language=language.get("code", "") if language is not None else "",
        template_ids=[t.get("root", "") for t in root.findall("h:templateId", _N)],
        patient_ins=ins,
        patient_ins_oid=ins_oid,
        patient_family=_name_part(name, "family"),
        patient_given=_name_part(name, "given"),
        patient_sex=gender.get("code", "") if gender is not None else "",
        patient_birth_time=birth.get("value", "") if birth is not None else "",
        author=_person(root.find("h:author/h:assignedAuthor", _N), "assignedPerson"),
        legal_authenticator=_person(
            root.find("h:legalAuthenticator/h:assignedEntity", _N), "assignedPerson"
        ),
        service_start=low.get("value", "") if low is not None else "",
        service_stop=high.get("value", "") if high is not None else "",
        event_codes=events,
        facility_type=_code(root.find(
            "h:componentOf/h:encompassingEncounter/h:location/h:healthCareFacility/h:code", _N
        )),
        practice_setting=_code(root.find(
            "h:documentationOf/h:serviceEvent/h:performer/h:assignedEntity/"
            "h:representedOrganization/h:standardIndustryClassCode", _N
        )),
        body_media_type=body.get("mediaType", "") if body is not None else "",
    )
