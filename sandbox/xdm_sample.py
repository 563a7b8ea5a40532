"""A real ``IHE_XDM.ZIP`` for the sandbox's seeded mailbox: a lab report with its PDF.

Built with the product's own packer from ANS's CR-BIO TSH example CDA (copied in
``sandbox/data/``), for the example's test patient (INS-NIR de test, OID
``1.2.250.1.213.1.4.10``), sent by the sandbox doctor (national id 810001234567, MARTIN
JEAN, médecin). The PDF rendering is a minimal valid PDF written here.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from client.xdm import (
    Author,
    DocumentInput,
    Patient,
    integration_subject,
    pack_xdm,
    validate_ins,
    xdm_message_headers,
)

__all__ = [
    "SAMPLE_AUTHOR",
    "SAMPLE_CDA_PATH",
    "SAMPLE_LABEL",
    "SAMPLE_PATIENT",
    "build_sample_xdm_zip",
    "minimal_pdf",
    "sample_xdm_headers",
    "sample_xdm_subject",
]

SAMPLE_CDA_PATH = Path(__file__).with_name("data") / "BIO-CR-BIO_2024.01_TSH_1.xml"
SAMPLE_LABEL = "Compte rendu d'examens biologiques"
# The patient of ANS's example documents (its INS-NIR de test and identity traits).
SAMPLE_PATIENT = Patient(
    ins=validate_ins("279035121518989", "1.2.250.1.213.1.4.10"),
    family="PAT-TROIS",
    given="DOMINIQUE",
    sex="F",
    birth_date=_dt.date(1979, 3, 28),
)
SAMPLE_AUTHOR = Author(national_id="810001234567", family="MARTIN", given="JEAN",
                       profession="10")
# A fixed submission time: the seeded message shows the same date on every run.
_SAMPLE_TIME = _dt.datetime(2024, 1, 5, 9, 30, tzinfo=_dt.UTC)


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def minimal_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF 1.4 showing ``lines`` in Helvetica (Latin-1 text).

    Objects are written with exact byte offsets in the cross-reference table, so strict
    readers accept it.
    """
    text = "BT /F1 11 Tf 50 790 Td 14 TL\n" + "".join(
        f"({_pdf_escape(line)}) '\n" for line in lines
    ) + "ET\n"
    stream = text.encode("latin-1", errors="replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
        b"/Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream
        + b"endstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


def _sample_pdf() -> bytes:
    return minimal_pdf([
        "Laboratoire des charmes - Compte rendu d'examens biologiques",
        "Patient : PAT-TROIS DOMINIQUE, nee le 28/03/1979",
        "INS (test) : 279035121518989",
        "TSH : 1,2 mUI/L (0,4 - 4,0)",
        "Rendu PDF du document CDA joint (IHE XDM).",
    ])


def build_sample_xdm_zip() -> bytes:
    """The ``IHE_XDM.ZIP`` to attach to the seeded message (CDA TSH report + PDF)."""
    documents = [
        DocumentInput(data=SAMPLE_CDA_PATH.read_bytes(), filename=SAMPLE_CDA_PATH.name),
        DocumentInput(data=_sample_pdf(), filename="CR-BIO-TSH.pdf",
                      title="Compte rendu d'examens biologiques (PDF)"),
    ]
    return pack_xdm(documents, SAMPLE_PATIENT, SAMPLE_AUTHOR, title=SAMPLE_LABEL,
                    now=_SAMPLE_TIME).data


def sample_xdm_headers() -> dict[str, str]:
    """``X-MSS-CODECDA`` and ``X-MSS-INS`` for the seeded message."""
    return xdm_message_headers(build_sample_xdm_zip())


def sample_xdm_subject() -> str:
    """The seeded message's subject per the integration convention (``XDM/1.0/DDM+...``)."""
    return integration_subject(SAMPLE_PATIENT, SAMPLE_LABEL)
