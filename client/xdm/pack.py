"""Building an ``IHE_XDM.ZIP`` from documents, a patient (INS) and an author.

Layout (IHE ITI TF-1 16.1.4, XDM "Distribute Document Set on Media", ZIP over e-mail):
``README.TXT`` and ``INDEX.HTM`` at the root, ``IHE_XDM/SUBSET01/METADATA.XML`` and the
documents beside it with ISO 9660-friendly 8.3 upper-case names. The metadata of CDA
documents comes from their header (ANS's ``CDAHeaderToXDM.xsl`` mapping); other
documents packed with a CDA (its PDF rendering) share the CDA's codes.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import html
import io
import logging
import mimetypes
import unicodedata
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from client import __version__
from client.xdm.cda import CdaHeader, class_code_for, looks_like_cda, parse_cda_header
from client.xdm.errors import InvalidXdmInput
from client.xdm.metadata import (
    AuthorInfo,
    DocumentEntry,
    SubmissionSet,
    XdsMetadata,
    serialize_metadata,
)
from client.xdm.model import IDNPS_OID, Author, Code, DocumentInput, Patient

__all__ = [
    "METADATA_PATH",
    "SOURCE_ID",
    "SUBSET_DIR",
    "PackResult",
    "pack_xdm",
    "uuid_oid",
    "xds_time",
]

logger = logging.getLogger(__name__)

SUBSET_DIR = "IHE_XDM/SUBSET01"
METADATA_PATH = f"{SUBSET_DIR}/METADATA.XML"
# XDSSubmissionSet.sourceId: an OID naming this software as the source, derived from a
# UUID (ISO/IEC 9834-8, arc 2.25) so that it needs no registration.
SOURCE_ID = "2.25." + str(uuid.uuid5(uuid.NAMESPACE_URL,
                                     "https://mssante-companion.invalid/xdm-source").int)

_CONFIDENTIALITY_NORMAL = Code("N", "Normal", "2.16.840.1.113883.5.25")
# Defaults for documents without a CDA header: a practice (TRE_R02 SecteurActivite
# "SA07 Cabinet individuel") in ambulatory care (TRE_A00 "AMBULATOIRE").
_DEFAULT_FACILITY = Code("SA07", "Cabinet individuel", "1.2.250.1.71.4.2.4")
_DEFAULT_PRACTICE = Code("AMBULATOIRE", "Ambulatoire", "1.2.250.1.213.1.1.4.9")
_DEFAULT_TYPE = Code("11488-4", "Compte rendu de consultation", "2.16.840.1.113883.6.1")
_MIME_SUFFICIENT = Code("urn:ihe:iti:xds:2017:mimeTypeSufficient",
                        "Format défini par le type MIME", "1.3.6.1.4.1.19376.1.2.3")
_EXTENSIONS = {"text/xml": "XML", "application/pdf": "PDF", "text/plain": "TXT",
               "image/jpeg": "JPG", "image/png": "PNG", "application/xml": "XML"}


def uuid_oid() -> str:
    """A fresh globally unique OID (``2.25.<uuid as integer>``), at most 44 characters."""
    return f"2.25.{uuid.uuid4().int}"


def xds_time(value: str | _dt.datetime) -> str:
    """An HL7 DTM in UTC (``YYYYMMDDhhmmss``) as XDS requires (ITI TF-3 4.2.3.1.7).

    Accepts a datetime or an HL7 TS such as ``20240104160527+0100``; a TS without an
    offset is taken as given (local time of the author), truncated to what it states.
    """
    if isinstance(value, _dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=_dt.UTC)
        return moment.astimezone(_dt.UTC).strftime("%Y%m%d%H%M%S")
    text = value.strip()
    digits, offset = text, ""
    for sign in "+-":
        if sign in text[8:]:
            digits, offset = text[: text.rindex(sign)], text[text.rindex(sign):]
            break
    digits = digits.split(".")[0]
    if not offset or len(digits) < 12:
        return digits
    moment = _dt.datetime.strptime(digits[:14].ljust(14, "0"), "%Y%m%d%H%M%S")
    hours, minutes = int(offset[1:3]), int(offset[3:5] or 0)
    delta = _dt.timedelta(hours=hours, minutes=minutes)
    utc = moment - delta if offset[0] == "+" else moment + delta
    return utc.strftime("%Y%m%d%H%M%S")[: len(digits)]


@dataclass(frozen=True)
class PackResult:
    """The built package: ZIP bytes and the metadata written into it."""

    data: bytes
    metadata: XdsMetadata
    file_names: tuple[str, ...]


def _guess_mime(doc: DocumentInput) -> str:
    if doc.mime_type:
        return doc.mime_type
    if looks_like_cda(doc.data):
        return "text/xml"
    if doc.data.startswith(b"%PDF-"):
        return "application/pdf"
    guessed, _ = mimetypes.guess_type(doc.filename)
    return guessed or "application/octet-stream"


def _file_name(index: int, mime: str, original: str) -> str:
    ext = _EXTENSIONS.get(mime)
    if ext is None:
        suffix = original.rsplit(".", 1)[-1] if "." in original else ""
        ext = "".join(c for c in suffix.upper() if c.isalnum())[:3] or "BIN"
    return f"DOC{index:04d}.{ext}"


# HL7 v2 delimiters (ITI TF-3 4.2.3.1): in a name they would shift every field after it.
_HL7_DELIMITERS = set("^&|~\\")


def _check_identity(patient: Patient, author: Author) -> None:
    """Refuse identity traits that would make wrong metadata, naming the field."""
    fields = {
        "patient family name": patient.family, "patient given name": patient.given,
        "author national id": author.national_id, "author family name": author.family,
        "author given name": author.given, "author structure": author.institution_name,
    }
    for label, value in fields.items():
        if _HL7_DELIMITERS & set(value):
            raise InvalidXdmInput(
                f"The {label} {value!r} contains one of ^ & | ~ \\; remove it."
            )
    for label in ("patient family name", "patient given name", "author national id"):
        if not fields[label].strip():
            raise InvalidXdmInput(f"The {label} is empty; give it.")
    if patient.sex not in ("M", "F", "U"):
        raise InvalidXdmInput(f"The patient sex {patient.sex!r} must be M, F or U.")
    if patient.birth_date > _dt.date.today():
        raise InvalidXdmInput(
            f"The birth date {patient.birth_date:%Y-%m-%d} is in the future; check it."
        )


def _recipient(address: str) -> str:
    address = address.strip()
    if not address or "@" not in address or _HL7_DELIMITERS & set(address):
        raise InvalidXdmInput(f"The recipient {address!r} is not a mail address; check it.")
    return f"|^^Internet^{address}"


def _check_cda_patient(doc: DocumentInput, header: CdaHeader, patient: Patient) -> None:
    """Refuse a CDA about someone else: the package and the document must agree."""
    if header.patient_ins and (header.patient_ins, header.patient_ins_oid) != (
        patient.ins.matricule, patient.ins.oid
    ):
        raise InvalidXdmInput(
            f"{doc.filename} is about the patient with INS {header.patient_ins} "
            f"({header.patient_ins_oid}), not {patient.ins.matricule} ({patient.ins.oid}); "
            "pack it for its own patient."
        )
    # Identity vigilance: the traits typed for the package must be the document's.
    checks = [
        ("birth date", header.patient_birth_time[:8], f"{patient.birth_date:%Y%m%d}"),
        ("sex", header.patient_sex, patient.sex),
        ("birth family name", _fold(header.patient_family), _fold(patient.family)),
    ]
    for label, in_cda, given in checks:
        if in_cda and given and in_cda != given:
            raise InvalidXdmInput(
                f"{doc.filename} gives the patient's {label} as {in_cda!r}, the package "
                f"{given!r}; correct the patient identity (INS traits) before packing."
            )


def _fold(text: str) -> str:
    """Names compared without case, accents or spacing differences."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(kept.upper().replace("-", " ").split())


def _cda_author(header: CdaHeader, fallback: AuthorInfo) -> AuthorInfo:
    person = header.author
    if person is None or not person.id:
        return fallback
    institution = ""
    if person.organization_name:
        institution = (f"{person.organization_name}^^^^^&{person.organization_id_root}&ISO"
                       f"^IDNST^^^{person.organization_id}")
    return AuthorInfo(
        person=(f"{person.id}^{person.family}^{person.given}^^^^^^&{person.id_root or IDNPS_OID}"
                "&ISO^D^^^IDNPS"),
        institution=institution,
        specialty=person.specialty.hl7() if person.specialty else "",
    )


def _author_info(author: Author) -> AuthorInfo:
    return AuthorInfo(person=author.xcn(), institution=author.xon() or "",
                      specialty=author.specialty_code().hl7())


def _readme(author: Author, patient: Patient, names: Sequence[tuple[str, str]]) -> str:
    lines = [
        "IHE XDM package (IHE ITI Technical Framework, volume 1, chapter 16)",
        "",
        f"Produced by Compagnon MSSante {__version__}",
        f"Sender: {author.display_name} (national id {author.national_id})",
        f"Patient: {patient.family} {patient.given}, INS {patient.ins.matricule}",
        "",
        "Contents:",
        "  INDEX.HTM                    list of the documents",
        f"  {METADATA_PATH:<28} XDS metadata (ebRS SubmitObjectsRequest)",
    ]
    lines += [f"  {SUBSET_DIR}/{name:<13} {title}" for name, title in names]
    return "\r\n".join(lines) + "\r\n"


def _index(patient: Patient, names: Sequence[tuple[str, str]]) -> str:
    items = "\n".join(
        f'<li><a href="{SUBSET_DIR}/{html.escape(n)}">{html.escape(t)}</a></li>'
        for n, t in names
    )
    who = html.escape(f"{patient.family} {patient.given}")
    return (
        "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">"
        f"<title>Documents pour {who}</title></head>\n<body>\n"
        f"<h1>Documents pour {who}</h1>\n<ul>\n{items}\n</ul>\n"
        f'<p><a href="{METADATA_PATH}">Métadonnées XDM</a> · '
        '<a href="README.TXT">README.TXT</a></p>\n</body></html>\n'
    )


def pack_xdm(
    documents: Sequence[DocumentInput],
    patient: Patient,
    author: Author,
    *,
    title: str = "",
    recipients: Sequence[str] = (),
    now: _dt.datetime | None = None,
) -> PackResult:
    """Build an ``IHE_XDM.ZIP`` for ``patient`` holding ``documents``.

    Args:
        documents: CDA R2 documents, PDF renderings and other files, in order.
        patient: the patient, with a validated INS (see :func:`validate_ins`).
        author: the sending professional (submission set author; also the document
            author when a document has no CDA header naming one).
        title: the submission set title; defaults to the first document's title.
        recipients: MSSanté addresses the package is for (``intendedRecipient``, ITI
            TF-3 4.2.3.1.7: XTN ``|^^Internet^<address>``).
        now: the submission time (tests); defaults to the current time.

    Raises:
        InvalidXdmInput: no document, an empty document, a CDA that is not well-formed
            or that names another patient, an empty or malformed identity trait.
    """
    if not documents:
        raise InvalidXdmInput("An XDM package needs at least one document; give one or more.")
    _check_identity(patient, author)
    moment = now or _dt.datetime.now(_dt.UTC)
    headers: list[CdaHeader | None] = []
    for doc in documents:
        if not doc.data:
            raise InvalidXdmInput(f"{doc.filename} is empty; give the file with its content.")
        header = None
        if _guess_mime(doc) in ("text/xml", "application/xml") and looks_like_cda(doc.data):
            try:
                header = parse_cda_header(doc.data)
            except ValueError as exc:
                raise InvalidXdmInput(f"{doc.filename} is not a usable CDA document: {exc}.") \
                    from exc
            _check_cda_patient(doc, header, patient)
        headers.append(header)
    unique_ids = [h.document_id for h in headers if h is not None and h.document_id]
    for unique_id in unique_ids:
        if unique_ids.count(unique_id) > 1:
            raise InvalidXdmInput(
                f"The same CDA document (id {unique_id}) is given twice; give it once."
            )
    first_cda = next((h for h in headers if h is not None), None)
    sender = _author_info(author)
    entries: list[DocumentEntry] = []
    files: list[tuple[str, bytes]] = []
    for index, (doc, header) in enumerate(zip(documents, headers, strict=True), start=1):
        mime = _guess_mime(doc)
        name = _file_name(index, mime, doc.filename)
        basis = header or first_cda
        type_code = (basis.code if basis and basis.code else None) or _DEFAULT_TYPE
        # A bare PDF or image is not CDA level 1 (XDS-SD): its MIME type says it all.
        fmt = header.format_code if header is not None else _MIME_SUFFICIENT
        doc_title = doc.title or (header.title if header else "") or doc.filename
        legal = ""
        if header and header.legal_authenticator and header.legal_authenticator.id:
            la = header.legal_authenticator
            legal = (f"{la.id}^{la.family}^{la.given}^^^^^^&{la.id_root or IDNPS_OID}&ISO"
                     "^D^^^IDNPS")
        entries.append(DocumentEntry(
            entry_id=f"urn:uuid:{uuid.uuid4()}",
            uri=name,
            mime_type=mime,
            hash_sha1=hashlib.sha1(doc.data, usedforsecurity=False).hexdigest(),
            size=len(doc.data),
            title=doc_title,
            creation_time=xds_time(header.effective_time) if header and header.effective_time
            else xds_time(moment),
            language=(header.language if header and header.language else "fr-FR"),
            unique_id=(header.document_id if header and header.document_id else uuid_oid()),
            patient_id=patient.ins.cx(),
            source_patient_id=patient.ins.cx(),
            source_patient_info=tuple(patient.source_patient_info()),
            class_code=class_code_for(type_code),
            type_code=type_code,
            format_code=fmt,
            confidentiality=(basis.confidentiality if basis and basis.confidentiality
                             else _CONFIDENTIALITY_NORMAL),
            facility_type=(basis.facility_type if basis and basis.facility_type
                           else _DEFAULT_FACILITY),
            practice_setting=(basis.practice_setting if basis and basis.practice_setting
                              else _DEFAULT_PRACTICE),
            author=_cda_author(header, sender) if header else sender,
            event_codes=tuple(basis.event_codes) if basis else (),
            legal_authenticator=legal,
            service_start=xds_time(basis.service_start) if basis and basis.service_start else "",
            service_stop=xds_time(basis.service_stop) if basis and basis.service_stop else "",
        ))
        files.append((name, doc.data))
    submission = SubmissionSet(
        entry_id=f"urn:uuid:{uuid.uuid4()}",
        unique_id=uuid_oid(),
        source_id=SOURCE_ID,
        submission_time=xds_time(moment),
        patient_id=patient.ins.cx(),
        title=title or entries[0].title,
        # CI-SIS leaves contentTypeCode to the sender; the main document's type says
        # what the exchange is about.
        content_type=entries[0].type_code,
        author=sender,
        intended_recipients=tuple(_recipient(r) for r in recipients),
    )
    metadata = XdsMetadata(submission_set=submission, documents=tuple(entries))
    listing = [(name, entry.title) for (name, _), entry in zip(files, entries, strict=True)]
    buffer = io.BytesIO()
    stamp = moment.astimezone(_dt.UTC).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        def add(path: str, data: bytes) -> None:
            info = zipfile.ZipInfo(path, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
            archive.writestr(info, data)

        add("README.TXT", _readme(author, patient, listing).encode("utf-8"))
        add("INDEX.HTM", _index(patient, listing).encode("utf-8"))
        add(METADATA_PATH, serialize_metadata(metadata))
        for name, data in files:
            add(f"{SUBSET_DIR}/{name}", data)
    logger.info("packed an XDM package with %d document(s)", len(entries))
    return PackResult(data=buffer.getvalue(), metadata=metadata,
                      file_names=tuple(f"{SUBSET_DIR}/{n}" for n, _ in files))
