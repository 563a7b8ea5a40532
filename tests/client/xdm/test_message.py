"""Mail integration helpers: MSSanté headers, subject convention, reader label."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from client.xdm import (
    Author,
    DocumentInput,
    Patient,
    describe_attachment,
    display_subject,
    integration_subject,
    pack_xdm,
    parse_cda_header,
    read_xdm,
    xdm_message_headers,
)
from sandbox.xdm_sample import SAMPLE_CDA_PATH, build_sample_xdm_zip, minimal_pdf

from .conftest import cda_files


def test_headers_list_each_cda_code_once_in_order(patient: Patient, author: Author) -> None:
    docs = [DocumentInput(p.read_bytes(), p.name) for p in cda_files()]
    docs.append(DocumentInput(minimal_pdf(["x"]), "x.pdf"))
    result = pack_xdm(docs, patient, author)
    expected_codes: list[str] = []
    for doc in docs[:-1]:
        code = parse_cda_header(doc.data).code
        assert code is not None
        if code.code not in expected_codes:
            expected_codes.append(code.code)
    headers = xdm_message_headers(result.data)
    # Référentiel socle MSSanté #2, ECO.2.4.1/2: comma-separated codes; O = qualified INS.
    assert headers == {"X-MSS-CODECDA": ",".join(expected_codes), "X-MSS-INS": "O"}
    assert xdm_message_headers(read_xdm(result.data)) == headers


def test_cda_without_identity_traits_gives_ins_n(patient: Patient, author: Author) -> None:
    cda = SAMPLE_CDA_PATH.read_bytes().replace(b'<birthTime value="19790328"/>', b"", 1)
    assert b"birthTime" not in cda.split(b"<author>")[0]
    result = pack_xdm([DocumentInput(cda, "cr.xml")], patient, author)
    assert xdm_message_headers(result.data) == {"X-MSS-CODECDA": "11502-2", "X-MSS-INS": "N"}


def test_no_cda_means_no_mssante_headers(patient: Patient, author: Author) -> None:
    result = pack_xdm([DocumentInput(minimal_pdf(["x"]), "x.pdf")], patient, author)
    assert xdm_message_headers(result.data) == {}


def test_integration_subject_and_its_display(patient: Patient) -> None:
    subject = integration_subject(patient, "  CR   de biologie ")
    assert subject == "XDM/1.0/DDM+CR de biologie PAT-TROIS DOMINIQUE 28/03/1979"
    assert display_subject(subject) == "CR de biologie PAT-TROIS DOMINIQUE 28/03/1979"
    assert display_subject("Re: résultats") == "Re: résultats"
    assert display_subject("xdm/1.0/ddm+Bilan") == "Bilan"
    assert display_subject("Re: XDM/1.0/DDM+Bilan X Y") == "Re: Bilan X Y"
    assert display_subject("[KO Intégration système !][E12] XDM/1.0/DDM+Bilan") == (
        "[KO Intégration système !][E12] Bilan")
    assert display_subject("Voir AXDM/1.0/DDM+x") == "Voir AXDM/1.0/DDM+x"


def test_integration_subject_upper_cases_the_family_name() -> None:
    from client.xdm import validate_ins

    someone = Patient(validate_ins("279035121518989", "1.2.250.1.213.1.4.10"),
                      family="Pat-Trois", given="Dominique", sex="F",
                      birth_date=dt.date(1979, 3, 28))
    assert integration_subject(someone, "CR").endswith("PAT-TROIS Dominique 28/03/1979")


def test_describe_attachment_recognises_an_xdm_package() -> None:
    info = describe_attachment("IHE_XDM.ZIP", build_sample_xdm_zip())
    assert info is not None
    assert info.label == "Document structuré pour PAT-TROIS DOMINIQUE"
    assert info.patient_ins == "279035121518989"
    assert info.patient_birth_date == dt.date(1979, 3, 28)
    assert info.cda_codes == ("11502-2",)
    assert len(info.document_titles) == 2
    assert info.warnings == ()


def test_describe_attachment_ignores_other_files() -> None:
    assert describe_attachment("rapport.pdf", minimal_pdf(["x"])) is None
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photos/a.jpg", b"\xff\xd8\xff")
    assert describe_attachment("photos.zip", buffer.getvalue()) is None
    assert describe_attachment("IHE_XDM.ZIP", b"PK\x03\x04 broken") is None
