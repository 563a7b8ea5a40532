"""XDS metadata of an XDM package: ``METADATA.XML`` written and read.

``METADATA.XML`` is an ebRS 3.0 ``SubmitObjectsRequest`` (IHE ITI TF-3 4.2 and 4.1.x,
"Metadata Attributes"; ITI TF-1 16 for the XDM media layout): one ``RegistryPackage``
(the submission set, classified by the SubmissionSet node), one ``ExtrinsicObject`` per
document (stable DocumentEntry), one ``HasMember`` association each. Classification
schemes and external identifiers are the UUIDs XDS fixes (ITI TF-3 Table 4.2.5-1 and
4.2.5-2); the value sets are the French ones (CI-SIS "Volet Partage de documents").
Reading uses defusedxml with DTDs refused: the file comes from whoever sent the mail.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET  # writing only; reading is defusedxml
from dataclasses import dataclass, field

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from client.xdm.errors import MetadataInvalid
from client.xdm.model import Code

__all__ = [
    "ASSOC_HAS_MEMBER",
    "DOCUMENT_ENTRY_TYPE",
    "LCM_NS",
    "RIM_NS",
    "SCHEME",
    "DocumentEntry",
    "SubmissionSet",
    "XdsMetadata",
    "parse_metadata",
    "serialize_metadata",
]

logger = logging.getLogger(__name__)

LCM_NS = "urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0"
RIM_NS = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

DOCUMENT_ENTRY_TYPE = "urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1"  # stable entry
SUBMISSION_SET_NODE = "urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd"
ASSOC_HAS_MEMBER = "urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember"
_PACKAGE_TYPE = "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:RegistryPackage"
_ASSOC_TYPE = "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Association"
_CLASSIFICATION_TYPE = (
    "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Classification"
)
_EXT_ID_TYPE = "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:ExternalIdentifier"

# ITI TF-3 Table 4.2.5-1 (classification schemes) and 4.2.5-2 (external identifiers).
SCHEME: dict[str, str] = {
    "DE.author": "urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d",
    "DE.classCode": "urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a",
    "DE.confidentialityCode": "urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f",
    "DE.eventCodeList": "urn:uuid:2c6b8cb7-8b2a-4051-b291-b1ae6a575ef4",
    "DE.formatCode": "urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d",
    "DE.healthcareFacilityTypeCode": "urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1",
    "DE.practiceSettingCode": "urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead",
    "DE.typeCode": "urn:uuid:f0306f51-975f-434e-a61c-c59651d33983",
    "DE.patientId": "urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427",
    "DE.uniqueId": "urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab",
    "SS.author": "urn:uuid:a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d",
    "SS.contentTypeCode": "urn:uuid:aa543740-bdda-424e-8c96-df4873be8500",
    "SS.patientId": "urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446",
    "SS.sourceId": "urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832",
    "SS.uniqueId": "urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8",
}
_EXT_NAMES = {
    "DE.patientId": "XDSDocumentEntry.patientId",
    "DE.uniqueId": "XDSDocumentEntry.uniqueId",
    "SS.patientId": "XDSSubmissionSet.patientId",
    "SS.sourceId": "XDSSubmissionSet.sourceId",
    "SS.uniqueId": "XDSSubmissionSet.uniqueId",
}


@dataclass(frozen=True)
class AuthorInfo:
    """The author slots of a classification (values in HL7 v2 form)."""

    person: str = ""
    institution: str = ""
    specialty: str = ""
    role: str = ""


@dataclass(frozen=True)
class DocumentEntry:
    """One ``XDSDocumentEntry`` (an ExtrinsicObject)."""

    entry_id: str
    uri: str
    mime_type: str
    hash_sha1: str
    size: int
    title: str
    creation_time: str
    language: str
    unique_id: str
    patient_id: str
    source_patient_id: str
    source_patient_info: tuple[str, ...]
    class_code: Code
    type_code: Code
    format_code: Code
    confidentiality: Code
    facility_type: Code
    practice_setting: Code
    author: AuthorInfo
    event_codes: tuple[Code, ...] = ()
    legal_authenticator: str = ""
    service_start: str = ""
    service_stop: str = ""
    missing: tuple[str, ...] = ()
    """Attributes XDS requires that a received entry lacks (reading only)."""


@dataclass(frozen=True)
class SubmissionSet:
    """The ``XDSSubmissionSet`` (a RegistryPackage)."""

    entry_id: str
    unique_id: str
    source_id: str
    submission_time: str
    patient_id: str
    title: str
    content_type: Code
    author: AuthorInfo
    intended_recipients: tuple[str, ...] = ()
    """``intendedRecipient`` values (XON|XCN|XTN; an address is ``|^^Internet^addr``)."""


@dataclass(frozen=True)
class XdsMetadata:
    """A submission set and its document entries."""

    submission_set: SubmissionSet
    documents: tuple[DocumentEntry, ...] = field(default_factory=tuple)


# --------------------------------------------------------------------------- writing


def _q(tag: str) -> str:
    return f"{{{RIM_NS}}}{tag}"


def _slot(parent: ET.Element, name: str, *values: str) -> None:
    slot = ET.SubElement(parent, _q("Slot"), {"name": name})
    value_list = ET.SubElement(slot, _q("ValueList"))
    for value in values:
        ET.SubElement(value_list, _q("Value")).text = value


def _localized(parent: ET.Element, tag: str, value: str) -> None:
    holder = ET.SubElement(parent, _q(tag))
    ET.SubElement(holder, _q("LocalizedString"),
                  {_XML_LANG: "fr-FR", "charset": "UTF-8", "value": value})


class _Ids:
    """Symbolic ids for the objects of one request (ebRS allows them in a submission)."""

    def __init__(self) -> None:
        self._count = 0

    def next(self, prefix: str) -> str:
        self._count += 1
        return f"{prefix}{self._count:02d}"


def _classification(parent: ET.Element, ids: _Ids, scheme: str, target: str,
                    code: Code) -> None:
    element = ET.SubElement(parent, _q("Classification"), {
        "id": ids.next("cl"), "objectType": _CLASSIFICATION_TYPE,
        "classificationScheme": SCHEME[scheme], "classifiedObject": target,
        "nodeRepresentation": code.code,
    })
    _slot(element, "codingScheme", code.scheme)
    _localized(element, "Name", code.display)


def _author(parent: ET.Element, ids: _Ids, scheme: str, target: str,
            author: AuthorInfo) -> None:
    element = ET.SubElement(parent, _q("Classification"), {
        "id": ids.next("cl"), "objectType": _CLASSIFICATION_TYPE,
        "classificationScheme": SCHEME[scheme], "classifiedObject": target,
        "nodeRepresentation": "",
    })
    for name, value in (("authorInstitution", author.institution),
                        ("authorPerson", author.person), ("authorRole", author.role),
                        ("authorSpecialty", author.specialty)):
        if value:
            _slot(element, name, value)


def _external_id(parent: ET.Element, ids: _Ids, scheme: str, target: str, value: str) -> None:
    element = ET.SubElement(parent, _q("ExternalIdentifier"), {
        "id": ids.next("ei"), "objectType": _EXT_ID_TYPE,
        "identificationScheme": SCHEME[scheme], "registryObject": target, "value": value,
    })
    _localized(element, "Name", _EXT_NAMES[scheme])


def _document(parent: ET.Element, ids: _Ids, doc: DocumentEntry) -> None:
    element = ET.SubElement(parent, _q("ExtrinsicObject"), {
        # No ``status``: the receiving registry or application sets it (ITI TF-3 4.2.3.2).
        "id": doc.entry_id, "mimeType": doc.mime_type, "objectType": DOCUMENT_ENTRY_TYPE,
    })
    _slot(element, "creationTime", doc.creation_time)
    _slot(element, "hash", doc.hash_sha1)
    _slot(element, "languageCode", doc.language)
    if doc.legal_authenticator:
        _slot(element, "legalAuthenticator", doc.legal_authenticator)
    if doc.service_start:
        _slot(element, "serviceStartTime", doc.service_start)
    if doc.service_stop:
        _slot(element, "serviceStopTime", doc.service_stop)
    _slot(element, "size", str(doc.size))
    _slot(element, "sourcePatientId", doc.source_patient_id)
    _slot(element, "sourcePatientInfo", *doc.source_patient_info)
    _slot(element, "URI", doc.uri)
    _localized(element, "Name", doc.title)
    _author(element, ids, "DE.author", doc.entry_id, doc.author)
    _classification(element, ids, "DE.classCode", doc.entry_id, doc.class_code)
    _classification(element, ids, "DE.confidentialityCode", doc.entry_id, doc.confidentiality)
    for event in doc.event_codes:
        _classification(element, ids, "DE.eventCodeList", doc.entry_id, event)
    _classification(element, ids, "DE.formatCode", doc.entry_id, doc.format_code)
    _classification(element, ids, "DE.healthcareFacilityTypeCode", doc.entry_id,
                    doc.facility_type)
    _classification(element, ids, "DE.practiceSettingCode", doc.entry_id,
                    doc.practice_setting)
    _classification(element, ids, "DE.typeCode", doc.entry_id, doc.type_code)
    _external_id(element, ids, "DE.patientId", doc.entry_id, doc.patient_id)
    _external_id(element, ids, "DE.uniqueId", doc.entry_id, doc.unique_id)


def serialize_metadata(metadata: XdsMetadata) -> bytes:
    """Write ``METADATA.XML`` (UTF-8, with an XML declaration)."""
    ET.register_namespace("lcm", LCM_NS)
    ET.register_namespace("rim", RIM_NS)
    ids = _Ids()
    ss = metadata.submission_set
    root = ET.Element(f"{{{LCM_NS}}}SubmitObjectsRequest")
    objects = ET.SubElement(root, _q("RegistryObjectList"))
    package = ET.SubElement(objects, _q("RegistryPackage"),
                            {"id": ss.entry_id, "objectType": _PACKAGE_TYPE})
    if ss.intended_recipients:
        _slot(package, "intendedRecipient", *ss.intended_recipients)
    _slot(package, "submissionTime", ss.submission_time)
    _localized(package, "Name", ss.title)
    _author(package, ids, "SS.author", ss.entry_id, ss.author)
    _classification(package, ids, "SS.contentTypeCode", ss.entry_id, ss.content_type)
    _external_id(package, ids, "SS.patientId", ss.entry_id, ss.patient_id)
    _external_id(package, ids, "SS.sourceId", ss.entry_id, ss.source_id)
    _external_id(package, ids, "SS.uniqueId", ss.entry_id, ss.unique_id)
    # The package is a submission set because it is classified by this node (ITI TF-3 4.2.1).
    ET.SubElement(objects, _q("Classification"), {
        "id": ids.next("cl"), "objectType": _CLASSIFICATION_TYPE,
        "classifiedObject": ss.entry_id, "classificationNode": SUBMISSION_SET_NODE,
    })
    for doc in metadata.documents:
        _document(objects, ids, doc)
    for doc in metadata.documents:
        association = ET.SubElement(objects, _q("Association"), {
            "id": ids.next("as"), "objectType": _ASSOC_TYPE,
            "associationType": ASSOC_HAS_MEMBER, "sourceObject": ss.entry_id,
            "targetObject": doc.entry_id,
        })
        _slot(association, "SubmissionSetStatus", "Original")
    ET.indent(root, space="  ")
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body


# --------------------------------------------------------------------------- reading


def _slots(element: ET.Element) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for slot in element.findall(_q("Slot")):
        values = [(v.text or "").strip() for v in slot.findall(f"{_q('ValueList')}/{_q('Value')}")]
        found.setdefault(slot.get("name", ""), []).extend(values)
    return found


def _name(element: ET.Element, tag: str = "Name") -> str:
    string = element.find(f"{_q(tag)}/{_q('LocalizedString')}")
    return string.get("value", "") if string is not None else ""


def _codes(element: ET.Element, scheme: str) -> list[Code]:
    codes = []
    for cl in element.findall(_q("Classification")):
        if cl.get("classificationScheme") == SCHEME[scheme]:
            coding = _slots(cl).get("codingScheme", [""])
            codes.append(Code(cl.get("nodeRepresentation", ""), _name(cl),
                              coding[0] if coding else ""))
    return codes


_EMPTY_CODE = Code("", "", "")


def _optional_code(element: ET.Element, scheme: str, missing: list[str]) -> Code:
    """The first code of ``scheme``; an empty code (noted in ``missing``) if absent.

    XDS requires these codes of a sender, but a receiver files what it can: a missing
    code is reported as a warning, not a refusal (integrity items stay mandatory).
    """
    codes = _codes(element, scheme)
    if not codes:
        missing.append(scheme.split(".", 1)[1])
        return _EMPTY_CODE
    return codes[0]


def _author_info(element: ET.Element, scheme: str) -> AuthorInfo:
    for cl in element.findall(_q("Classification")):
        if cl.get("classificationScheme") == SCHEME[scheme]:
            slots = _slots(cl)
            return AuthorInfo(
                person=(slots.get("authorPerson") or [""])[0],
                institution=(slots.get("authorInstitution") or [""])[0],
                specialty=(slots.get("authorSpecialty") or [""])[0],
                role=(slots.get("authorRole") or [""])[0],
            )
    return AuthorInfo()


def _ext_id(element: ET.Element, scheme: str, where: str) -> str:
    for ext in element.findall(_q("ExternalIdentifier")):
        if ext.get("identificationScheme") == SCHEME[scheme]:
            value = ext.get("value", "").strip()
            if value:
                return value
    raise MetadataInvalid(f"{where} has no {_EXT_NAMES[scheme]} external identifier")


def _one(slots: dict[str, list[str]], name: str, where: str) -> str:
    values = slots.get(name) or []
    if not values or not values[0]:
        raise MetadataInvalid(f"{where} lacks the required slot {name!r}")
    return values[0]


def _parse_document(element: ET.Element) -> DocumentEntry:
    entry_id = element.get("id", "")
    where = f"document entry {entry_id!r}"
    if element.get("objectType") != DOCUMENT_ENTRY_TYPE:
        raise MetadataInvalid(f"{where} is not a stable XDS DocumentEntry (objectType)")
    mime_type = element.get("mimeType", "")
    if not mime_type:
        raise MetadataInvalid(f"{where} has no mimeType")
    slots = _slots(element)
    size_text = _one(slots, "size", where)
    if not size_text.isdigit():
        raise MetadataInvalid(f"{where} has a non-numeric size {size_text!r}")
    missing: list[str] = []
    hash_text = _one(slots, "hash", where).lower()
    if len(hash_text) != 40 or any(c not in "0123456789abcdef" for c in hash_text):
        raise MetadataInvalid(f"{where} has a hash that is not a SHA-1 in hexadecimal")
    return DocumentEntry(
        entry_id=entry_id,
        uri=_one(slots, "URI", where),
        mime_type=mime_type,
        hash_sha1=hash_text,
        size=int(size_text),
        title=_name(element),
        creation_time=(slots.get("creationTime") or [""])[0],
        language=(slots.get("languageCode") or [""])[0],
        unique_id=_ext_id(element, "DE.uniqueId", where),
        patient_id=_ext_id(element, "DE.patientId", where),
        source_patient_id=(slots.get("sourcePatientId") or [""])[0],
        source_patient_info=tuple(slots.get("sourcePatientInfo", [])),
        class_code=_optional_code(element, "DE.classCode", missing),
        type_code=_optional_code(element, "DE.typeCode", missing),
        format_code=_optional_code(element, "DE.formatCode", missing),
        confidentiality=_optional_code(element, "DE.confidentialityCode", missing),
        facility_type=_optional_code(element, "DE.healthcareFacilityTypeCode", missing),
        practice_setting=_optional_code(element, "DE.practiceSettingCode", missing),
        author=_author_info(element, "DE.author"),
        event_codes=tuple(_codes(element, "DE.eventCodeList")),
        legal_authenticator=(slots.get("legalAuthenticator") or [""])[0],
        service_start=(slots.get("serviceStartTime") or [""])[0],
        service_stop=(slots.get("serviceStopTime") or [""])[0],
        missing=tuple(missing + ([] if slots.get("creationTime") else ["creationTime"])),
    )


def parse_metadata(data: bytes) -> XdsMetadata:
    """Read ``METADATA.XML``.

    Raises:
        MetadataInvalid: not well-formed, a DTD or entity declaration (XXE, billion
            laughs), the wrong root or namespaces, or a required slot, classification
            or external identifier missing (named in the message).
    """
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise MetadataInvalid(
            f"it declares a DTD or entities ({type(exc).__name__}), refused as hostile"
        ) from exc
    except (ET.ParseError, LookupError, ValueError) as exc:
        # LookupError: an unknown encoding in the XML declaration.
        raise MetadataInvalid(f"not well-formed XML ({exc})") from exc
    if root.tag != f"{{{LCM_NS}}}SubmitObjectsRequest":
        raise MetadataInvalid(
            f"the root element is {root.tag!r}, not an ebRS 3.0 lcm:SubmitObjectsRequest"
        )
    objects = root.find(_q("RegistryObjectList"))
    if objects is None:
        raise MetadataInvalid("no rim:RegistryObjectList in the rim:3.0 namespace")
    packages = objects.findall(_q("RegistryPackage"))
    # The SubmissionSet node classification may sit beside the package or inside it
    # (both forms are valid ebRIM); a lone package is taken as the submission set.
    node_classified = {
        c.get("classifiedObject") for c in objects.iter(_q("Classification"))
        if c.get("classificationNode") == SUBMISSION_SET_NODE
    }
    sets = [p for p in packages if p.get("id") in node_classified]
    if not sets and len(packages) == 1:
        sets = packages
    if len(sets) != 1:
        raise MetadataInvalid(f"expected one submission set, found {len(sets)}")
    package = sets[0]
    ss_id = package.get("id", "")
    where = "the submission set"
    slots = _slots(package)
    content = _codes(package, "SS.contentTypeCode")
    submission = SubmissionSet(
        entry_id=ss_id,
        unique_id=_ext_id(package, "SS.uniqueId", where),
        source_id=_ext_id(package, "SS.sourceId", where),
        submission_time=_one(slots, "submissionTime", where),
        patient_id=_ext_id(package, "SS.patientId", where),
        title=_name(package),
        content_type=content[0] if content else Code("", "", ""),
        author=_author_info(package, "SS.author"),
        intended_recipients=tuple(slots.get("intendedRecipient", [])),
    )
    documents = tuple(_parse_document(e) for e in objects.findall(_q("ExtrinsicObject")))
    if not documents:
        raise MetadataInvalid("no document entry (rim:ExtrinsicObject)")
    members = {a.get("targetObject") for a in objects.findall(_q("Association"))
               if a.get("associationType") == ASSOC_HAS_MEMBER and a.get("sourceObject") == ss_id}
    for doc in documents:
        if doc.entry_id not in members:
            raise MetadataInvalid(
                f"document entry {doc.entry_id!r} is not a member of the submission set "
                "(no HasMember association)"
            )
    return XdsMetadata(submission_set=submission, documents=documents)
