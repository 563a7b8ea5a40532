"""Mail integration of XDM packages: MSSanté headers, subject convention, reader label.

MSSanté (DATIS / "Guide d'intégration MSSanté" for software vendors) asks a message that
carries an ``IHE_XDM.ZIP`` to announce it: ``X-MSS-CODECDA`` with the CDA ``code`` of the
structured documents and ``X-MSS-INS`` with the patient's INS. Integrations that file
documents automatically recognise the subject ``XDM/1.0/DDM+<label> <NOM> <prénom>
<date de naissance>``; people should not see that prefix.
"""

from __future__ import annotations

import datetime as _dt
import logging
import re
from dataclasses import dataclass

from client.xdm.errors import XdmError
from client.xdm.ins import INS_OIDS
from client.xdm.metadata import XdsMetadata
from client.xdm.model import Patient

__all__ = [
    "SUBJECT_PREFIX",
    "StructuredDocumentInfo",
    "describe_attachment",
    "display_subject",
    "integration_subject",
    "metadata_message_headers",
    "xdm_message_headers",
]

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "XDM/1.0/DDM+"
HEADER_CODECDA = "X-MSS-CODECDA"
HEADER_INS = "X-MSS-INS"
_CDA_MIME = ("text/xml", "application/xml")
_PREFIX_RE = re.compile(r"^\s*XDM/1\.0/DDM\+\s*", re.IGNORECASE)


def _ins_of(patient_id: str) -> tuple[str, str] | None:
    """(matricule, OID) of a CX ``<id>^^^&<OID>&ISO...`` whose OID is an INS register."""
    parts = patient_id.split("^")
    if len(parts) < 4:
        return None
    authority = parts[3].split("&")
    oid = authority[1] if len(authority) > 1 else ""
    return (parts[0], oid) if oid in INS_OIDS else None


def metadata_message_headers(metadata: XdsMetadata) -> dict[str, str]:
    """The MSSanté headers for a package described by ``metadata``.

    ``X-MSS-CODECDA`` lists the distinct CDA type codes, in document order, separated by
    ``", "`` (one value per CDA code); ``X-MSS-INS`` is the INS in CX form
    (``<matricule>^^^&<OID>&ISO^NH``). Both are absent when no CDA document is packed.
    """
    codes: list[str] = []
    ins_values: list[str] = []
    for doc in metadata.documents:
        if doc.mime_type not in _CDA_MIME or not doc.type_code.code:
            continue
        if doc.type_code.code not in codes:
            codes.append(doc.type_code.code)
        ins = _ins_of(doc.patient_id)
        value = f"{ins[0]}^^^&{ins[1]}&ISO^NH" if ins else ""
        if value and value not in ins_values:
            ins_values.append(value)
    headers: dict[str, str] = {}
    if codes:
        headers[HEADER_CODECDA] = ", ".join(codes)
    if ins_values:
        headers[HEADER_INS] = ins_values[0]
    return headers


def xdm_message_headers(package: bytes | XdsMetadata) -> dict[str, str]:
    """The MSSanté headers for an ``IHE_XDM.ZIP`` (bytes) or its parsed metadata.

    Raises:
        XdmError: the bytes are not a safe, valid XDM package.
    """
    if isinstance(package, XdsMetadata):
        return metadata_message_headers(package)
    from client.xdm.reader import read_xdm  # late: the reader imports this module's peers

    return metadata_message_headers(read_xdm(package).metadata)


def integration_subject(patient: Patient, label: str) -> str:
    """``XDM/1.0/DDM+<label> <NOM> <prénom> <JJ/MM/AAAA>`` (integration convention)."""
    label = " ".join(label.split())
    return (f"{SUBJECT_PREFIX}{label} {patient.family.upper()} {patient.given} "
            f"{patient.birth_date:%d/%m/%Y}")


def display_subject(subject: str) -> str:
    """The subject a person reads: the ``XDM/1.0/DDM+`` prefix removed, if present."""
    return _PREFIX_RE.sub("", subject, count=1)


@dataclass(frozen=True)
class StructuredDocumentInfo:
    """What the reader shows for an attached XDM package instead of a bare ZIP."""

    label: str
    patient_name: str
    patient_ins: str
    patient_birth_date: _dt.date | None
    document_titles: tuple[str, ...]
    cda_codes: tuple[str, ...]


def _birth_date(info: tuple[str, ...]) -> _dt.date | None:
    for value in info:
        if value.startswith("PID-7|"):
            try:
                return _dt.datetime.strptime(value[6:14], "%Y%m%d").date()
            except ValueError:
                return None
    return None


def _patient_name(info: tuple[str, ...]) -> str:
    for value in info:
        if value.startswith("PID-5|"):
            parts = value[6:].split("^")
            given = parts[1] if len(parts) > 1 else ""
            return f"{parts[0].upper()} {given}".strip()
    return ""


def describe_attachment(filename: str, data: bytes) -> StructuredDocumentInfo | None:
    """Recognise an attached XDM package; None for any other attachment.

    A file is tried when it is a ZIP (name ending in ``.zip`` or ZIP magic). A package
    that is hostile or invalid also gives None: the reader then shows a plain
    attachment, and ``xdm inspect`` says what is wrong.
    """
    if not (filename.lower().endswith(".zip") or data[:4] == b"PK\x03\x04"):
        return None
    from client.xdm.reader import read_xdm

    try:
        package = read_xdm(data)
    except XdmError as exc:
        logger.info("attachment %r is not a readable XDM package: %s", filename, exc)
        return None
    docs = package.metadata.documents
    first = docs[0]
    name = _patient_name(first.source_patient_info)
    ins = _ins_of(first.patient_id)
    return StructuredDocumentInfo(
        label=f"Document structuré pour {name}" if name else "Document structuré",
        patient_name=name,
        patient_ins=ins[0] if ins else "",
        patient_birth_date=_birth_date(first.source_patient_info),
        document_titles=tuple(d.title for d in docs),
        cda_codes=tuple(d.type_code.code for d in docs if d.mime_type in _CDA_MIME),
    )
