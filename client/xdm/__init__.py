"""IHE XDM packages with the patient's INS: pack, inspect, and mail integration.

Structured documents (CDA R2 lab reports, discharge letters...) travel on MSSanté as an
``IHE_XDM.ZIP`` attachment whose ``METADATA.XML`` names the patient by INS (IHE XDM, ITI
TF-1 chapter 16). This package builds and reads them; it knows no mail, no card and no Qt.

Public API (what other layers call):

Packing (``mail send --xdm``, ``xdm pack``)::

    ins = validate_ins("279035121518989", INS_TEST_NIR_OID)      # InvalidIns if wrong
    patient = Patient(ins, family="PAT-TROIS", given="DOMINIQUE", sex="F",
                      birth_date=date(1979, 3, 28))
    author = Author(national_id="810001234567", family="MARTIN", given="JEAN")
    author = Author.from_card(card_identity)     # or from cps.identity.CardIdentity
    result = pack_xdm([DocumentInput(cda_bytes, "cr.xml"), DocumentInput(pdf, "cr.pdf")],
                      patient, author, recipients=["claire@x.mssante.fr"])
    result.data          # the IHE_XDM.ZIP bytes; result.metadata the XdsMetadata

Reading (the reader, ``xdm inspect``)::

    package = read_xdm(zip_bytes_or_path)   # XdmError subclasses on anything unsafe
    package.patient, package.documents      # each with .entry (metadata), .data, .cda
    extract_xdm(package, Path("out"))       # writes only below out/

Desktop dialog: ``client.xdm.service.XdmPackService(author)`` fits ``ui.backend.XdmService``
(``validate_ins(matricule, oid)``, ``pack(paths, patient_form, target) -> target``).

Message integration (the mail engineer)::

    headers = xdm_message_headers(result.data)       # ZIP bytes, a Path or an XdmPackage
    # {"X-MSS-CODECDA": "11502-2", "X-MSS-INS": "O"}  (Référentiel MSSanté #2, ECO.2.4.x)
    subject = integration_subject(patient, "CR de biologie")
    # "XDM/1.0/DDM+CR de biologie PAT-TROIS DOMINIQUE 28/03/1979"
    display_subject(subject)                          # prefix hidden for people
    info = describe_attachment("IHE_XDM.ZIP", data)   # StructuredDocumentInfo | None
    info.label        # "Document structuré pour PAT-TROIS DOMINIQUE"

Errors: see :mod:`client.xdm.errors` (``XdmError`` under ``ClientError``).
"""

from __future__ import annotations

from client.xdm.cda import CdaHeader, parse_cda_header
from client.xdm.errors import (
    CdaRefused,
    DocumentIntegrityError,
    DuplicateEntry,
    EncryptedEntry,
    InvalidIns,
    InvalidXdmInput,
    MetadataInvalid,
    NotAnXdmPackage,
    SymlinkEntry,
    UnsafeEntryName,
    UnsafePackage,
    XdmError,
    ZipBombSuspected,
)
from client.xdm.ins import (
    INS_NIA_OID,
    INS_NIR_OID,
    INS_TEST_NIA_OID,
    INS_TEST_NIR_OID,
    Ins,
    validate_ins,
)
from client.xdm.message import (
    StructuredDocumentInfo,
    describe_attachment,
    display_subject,
    integration_subject,
    xdm_message_headers,
)
from client.xdm.metadata import DocumentEntry, SubmissionSet, XdsMetadata
from client.xdm.model import Author, Code, DocumentInput, Patient
from client.xdm.pack import PackResult, pack_xdm
from client.xdm.reader import (
    DEFAULT_LIMITS,
    Limits,
    PatientSummary,
    XdmDocument,
    XdmPackage,
    extract_xdm,
    read_xdm,
)

__all__ = [
    "DEFAULT_LIMITS",
    "INS_NIA_OID",
    "INS_NIR_OID",
    "INS_TEST_NIA_OID",
    "INS_TEST_NIR_OID",
    "Author",
    "CdaHeader",
    "Code",
    "DocumentEntry",
    "DocumentInput",
    "DocumentIntegrityError",
    "DuplicateEntry",
    "EncryptedEntry",
    "Ins",
    "InvalidIns",
    "InvalidXdmInput",
    "Limits",
    "CdaRefused",
    "MetadataInvalid",
    "NotAnXdmPackage",
    "PackResult",
    "Patient",
    "PatientSummary",
    "StructuredDocumentInfo",
    "SubmissionSet",
    "SymlinkEntry",
    "UnsafeEntryName",
    "UnsafePackage",
    "XdmDocument",
    "XdmError",
    "XdmPackage",
    "XdsMetadata",
    "ZipBombSuspected",
    "describe_attachment",
    "display_subject",
    "extract_xdm",
    "integration_subject",
    "pack_xdm",
    "parse_cda_header",
    "read_xdm",
    "validate_ins",
    "xdm_message_headers",
]
