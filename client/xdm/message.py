"""Mail integration of XDM packages: MSSanté headers, subject convention, reader label.

The Référentiel socle MSSanté #2 (clients, §3.8) asks a message that carries an
``IHE_XDM.ZIP`` with CDA documents to announce it: ``X-MSS-CODECDA`` with the CDA ``code``
of the documents and ``X-MSS-INS: O|N`` saying whether a qualified INS is inside.
Integrations that file documents automatically recognise the subject
``XDM/1.0/DDM+<label> <NOM> <prénom> <date de naissance>``; people should not see that
prefix.
"""

from __future__ import annotations

import datetime as _dt
import logging
from dataclasses import dataclass
from pathlib import Path

from client.mail.text import SUBJECT_PREFIX, display_subject
from client.xdm.cda import CdaHeader
from client.xdm.errors import XdmError
from client.xdm.ins import INS_OIDS
from client.xdm.model import Patient
from client.xdm.reader import XdmPackage, read_xdm

__all__ = [
    "SUBJECT_PREFIX",
    "StructuredDocumentInfo",
    "describe_attachment",
    "display_subject",
    "integration_subject",
    "xdm_message_headers",
]

logger = logging.getLogger(__name__)

HEADER_CODECDA = "X-MSS-CODECDA"
HEADER_INS = "X-MSS-INS"
_CDA_MIME = ("text/xml", "application/xml")


def _ins_of(patient_id: str) -> tuple[str, str] | None:
    """(matricule, OID) of a CX ``<id>^^^&<OID>&ISO...`` whose OID is an INS register."""
    parts = patient_id.split("^")
    if len(parts) < 4:
        return None
    authority = parts[3].split("&")
    oid = authority[1] if len(authority) > 1 else ""
    return (parts[0], oid) if oid in INS_OIDS else None


def _qualified_ins(cda: CdaHeader) -> bool:
    """The CDA carries an INS: matricule, register OID and the four identity traits.

    Référentiel socle MSSanté #2, ECO.2.4.2: ``O`` when an INS is present with its OID,
    birth name, first given name, birth date and sex. Test registers (``...4.10``/``.11``)
    count, so that test platforms behave as production does.
    """
    return bool(cda.patient_ins and cda.patient_ins_oid in INS_OIDS and cda.patient_family
                and cda.patient_given and cda.patient_birth_time
                and cda.patient_sex in ("M", "F", "U"))


def xdm_message_headers(package: bytes | Path | XdmPackage) -> dict[str, str]:
    """The MSSanté headers for a message carrying this ``IHE_XDM.ZIP``.

    Référentiel socle MSSanté #2 (ECO.2.4.1, ECO.2.4.2): ``X-MSS-CODECDA`` holds the
    ``code`` of each CDA document of the archive, comma-separated (each distinct code
    once, in document order); ``X-MSS-INS`` is ``O`` when a CDA carries a qualified INS
    (see :func:`_qualified_ins`), ``N`` otherwise. Neither is set when the archive holds
    no CDA document.

    Raises:
        XdmError: the bytes are not a safe, valid XDM package.
    """
    checked = package if isinstance(package, XdmPackage) else read_xdm(package)
    cdas = [d.cda for d in checked.documents if d.cda is not None]
    if not cdas:
        return {}
    codes: list[str] = []
    for cda in cdas:
        if cda.code is not None and cda.code.code and cda.code.code not in codes:
            codes.append(cda.code.code)
    headers: dict[str, str] = {}
    if codes:
        headers[HEADER_CODECDA] = ",".join(codes)
    headers[HEADER_INS] = "O" if any(_qualified_ins(c) for c in cdas) else "N"
    return headers


def integration_subject(patient: Patient, label: str) -> str:
    """``XDM/1.0/DDM+<label> <NOM> <prénom> <JJ/MM/AAAA>`` (integration convention)."""
    label = " ".join(label.split())
    return (f"{SUBJECT_PREFIX}{label} {patient.family.upper()} {patient.given} "
            f"{patient.birth_date:%d/%m/%Y}")


@dataclass(frozen=True)
class StructuredDocumentInfo:
    """What the reader shows for an attached XDM package instead of a bare ZIP."""

    label: str
    patient_name: str
    patient_ins: str
    patient_birth_date: _dt.date | None
    document_titles: tuple[str, ...]
    cda_codes: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    """Identity or metadata inconsistencies to show (e.g. a CDA about another INS)."""


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
    try:
        package = read_xdm(data)
    except XdmError as exc:
        # Not the attachment's name: the sender's text often names the patient.
        logger.info("an attachment is not a readable XDM package (%s)", type(exc).__name__)
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
        warnings=package.warnings,
    )
