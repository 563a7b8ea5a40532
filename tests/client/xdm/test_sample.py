"""The sandbox's seeded XDM package: built by the packer, read back end to end."""

from __future__ import annotations

import re
from pathlib import Path

from client.xdm import display_subject, extract_xdm, read_xdm
from sandbox.xdm_sample import (
    SAMPLE_CDA_PATH,
    build_sample_xdm_zip,
    minimal_pdf,
    sample_xdm_headers,
    sample_xdm_subject,
)


def test_sample_package_reads_back_with_cda_and_pdf(tmp_path: Path) -> None:
    package = read_xdm(build_sample_xdm_zip())
    assert package.patient.ins == "279035121518989"
    assert package.patient.ins_oid == "1.2.250.1.213.1.4.10"
    assert [d.entry.mime_type for d in package.documents] == ["text/xml", "application/pdf"]
    cda = package.documents[0]
    assert cda.data == SAMPLE_CDA_PATH.read_bytes()
    assert cda.cda is not None and cda.cda.code is not None
    assert cda.cda.code.code == "11502-2"
    assert package.metadata.submission_set.author.person.startswith(
        "810001234567^MARTIN^JEAN^"
    )
    written = extract_xdm(package, tmp_path / "out")
    assert {p.relative_to(tmp_path / "out").as_posix() for p in written} == {
        "README.TXT", "INDEX.HTM", "IHE_XDM/SUBSET01/METADATA.XML",
        "IHE_XDM/SUBSET01/DOC0001.XML", "IHE_XDM/SUBSET01/DOC0002.PDF",
    }


def test_sample_headers_and_subject() -> None:
    assert sample_xdm_headers() == {
        "X-MSS-CODECDA": "11502-2",
        "X-MSS-INS": "O",
    }
    subject = sample_xdm_subject()
    assert subject.startswith("XDM/1.0/DDM+")
    assert display_subject(subject) == (
        "Compte rendu d'examens biologiques PAT-TROIS DOMINIQUE 28/03/1979"
    )


def test_minimal_pdf_cross_reference_offsets_point_at_objects() -> None:
    pdf = minimal_pdf(["Bonjour (test)", "Ligne 2"])
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    startxref = int(re.search(rb"startxref\n(\d+)", pdf).group(1))  # type: ignore[union-attr]
    assert pdf[startxref:].startswith(b"xref\n0 6\n")
    offsets = [int(m) for m in re.findall(rb"(\d{10}) 00000 n", pdf)]
    assert len(offsets) == 5
    for number, offset in enumerate(offsets, start=1):
        assert pdf[offset:].startswith(f"{number} 0 obj".encode())
