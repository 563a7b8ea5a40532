"""Pack -> read round trips with ANS's real CDA examples and a PDF, and the structure of
METADATA.XML checked explicitly against what XDS/XDM receivers expect (IHE ITI TF-3 4.2,
ebRS 3.0 namespaces, CI-SIS value sets)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from client.xdm import (
    Author,
    DocumentInput,
    InvalidXdmInput,
    Patient,
    pack_xdm,
    parse_cda_header,
    read_xdm,
    validate_ins,
)
from client.xdm.ins import nir_key
from client.xdm.pack import xds_time
from sandbox.xdm_sample import minimal_pdf

from .conftest import cda_files

LCM = "urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0"
RIM = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0"
N = {"lcm": LCM, "rim": RIM}

DE_CLASSIFICATIONS = {
    "author": "urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d",
    "classCode": "urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a",
    "confidentialityCode": "urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f",
    "formatCode": "urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d",
    "healthcareFacilityTypeCode": "urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1",
    "practiceSettingCode": "urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead",
    "typeCode": "urn:uuid:f0306f51-975f-434e-a61c-c59651d33983",
}
DE_EXTERNAL_IDS = {
    "urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427": "XDSDocumentEntry.patientId",
    "urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab": "XDSDocumentEntry.uniqueId",
}
SS_EXTERNAL_IDS = {
    "urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446": "XDSSubmissionSet.patientId",
    "urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832": "XDSSubmissionSet.sourceId",
    "urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8": "XDSSubmissionSet.uniqueId",
}
DE_REQUIRED_SLOTS = {"creationTime", "hash", "languageCode", "size", "sourcePatientId",
                     "sourcePatientInfo", "URI"}
OID_RE = re.compile(r"^[0-2](\.(0|[1-9][0-9]*))+$")
NOW = dt.datetime(2024, 2, 1, 8, 0, tzinfo=dt.UTC)


def _pdf() -> bytes:
    return minimal_pdf(["Rendu PDF", "PAT-TROIS DOMINIQUE"])


def _slots(element: ET.Element) -> dict[str, list[str]]:
    return {s.get("name", ""): [v.text or "" for v in s.findall("rim:ValueList/rim:Value", N)]
            for s in element.findall("rim:Slot", N)}


def _localized(element: ET.Element) -> str:
    string = element.find("rim:Name/rim:LocalizedString", N)
    assert string is not None
    return string.get("value", "")


@pytest.mark.parametrize("cda_path", cda_files(), ids=lambda p: p.stem)
def test_round_trip_of_a_real_cda_with_its_pdf(
    cda_path: Path, patient: Patient, author: Author
) -> None:
    cda = cda_path.read_bytes()
    pdf = _pdf()
    result = pack_xdm([DocumentInput(cda, cda_path.name), DocumentInput(pdf, "rendu.pdf")],
                      patient, author, now=NOW)
    package = read_xdm(result.data)
    header = parse_cda_header(cda)
    assert header.code is not None

    assert package.patient.ins == "279035121518989"
    assert package.patient.family == "PAT-TROIS" and package.patient.given == "DOMINIQUE"
    assert package.patient.birth_date == dt.date(1979, 3, 28) and package.patient.sex == "F"
    assert package.warnings == ()
    first, second = package.documents
    assert first.data == cda and second.data == pdf
    assert first.entry.hash_sha1 == hashlib.sha1(cda).hexdigest()  # noqa: S324 - XDS hash
    assert first.entry.size == len(cda)
    assert first.entry.mime_type == "text/xml"
    assert second.entry.mime_type == "application/pdf"
    # Codes come from the CDA header; the PDF rendering shares the CDA's type.
    assert first.entry.type_code == header.code
    assert second.entry.type_code == header.code
    assert first.entry.format_code == header.format_code
    assert second.entry.format_code.code == "urn:ihe:iti:xds:2017:mimeTypeSufficient"
    assert first.entry.unique_id == header.document_id
    assert first.entry.creation_time == xds_time(header.effective_time)
    assert header.confidentiality is not None
    assert first.entry.confidentiality == header.confidentiality
    assert header.facility_type is not None
    assert first.entry.facility_type == header.facility_type
    assert first.entry.event_codes == tuple(header.event_codes)
    assert header.author is not None
    assert first.entry.author.person.startswith(f"{header.author.id}^{header.author.family}^")
    assert second.entry.author.person.startswith("810001234567^MARTIN^JEAN^")
    # The CDA is recognised on the way back.
    assert first.cda is not None and first.cda.code == header.code
    assert first.cda.patient_ins == "279035121518989"
    assert second.cda is None


def test_cda_headers_map_to_the_expected_codes() -> None:
    by_name = {p.name: parse_cda_header(p.read_bytes()) for p in cda_files()}
    tsh = by_name["BIO-CR-BIO_2024.01_TSH_1.xml"]
    assert tsh.format_code.code == "urn:ihe:lab:xd-lab:2008"
    assert tsh.class_code is not None and tsh.class_code.code == "10"
    assert [c.code for c in tsh.event_codes] == ["18719-5", "18727-8", "18718-7"]
    if len(by_name) == 4:
        assert by_name["LDL-SES_2022.01.xml"].format_code.code == "urn:asip:ci-sis:ldl-ses:2017"
        img = by_name["IMG_CR_IMG_2024.01_CDA-R2-Niveau-1.xml"]
        assert img.body_media_type == "application/pdf"
        assert img.format_code.code == "urn:ihe:iti:xds-sd:pdf:2008"
        assert img.class_code is not None and img.class_code.code == "31"
        ldl = by_name["LDL-SES_2022.01.xml"]
        assert ldl.class_code is not None and ldl.class_code.code == "11"


def test_metadata_xml_has_the_structure_receivers_expect(
    patient: Patient, author: Author
) -> None:
    docs = [DocumentInput(p.read_bytes(), p.name) for p in cda_files()]
    docs.append(DocumentInput(_pdf(), "rendu.pdf"))
    result = pack_xdm(docs, patient, author, now=NOW)
    with zipfile.ZipFile(io.BytesIO(result.data)) as archive:
        names = archive.namelist()
        metadata = archive.read("IHE_XDM/SUBSET01/METADATA.XML")
        readme = archive.read("README.TXT").decode()
        index = archive.read("INDEX.HTM").decode()
    assert names[:3] == ["README.TXT", "INDEX.HTM", "IHE_XDM/SUBSET01/METADATA.XML"]
    documents = names[3:]
    assert len(documents) == len(docs)
    for name in documents:
        assert re.fullmatch(r"IHE_XDM/SUBSET01/[A-Z0-9]{1,8}\.[A-Z0-9]{1,3}", name)
        assert name.rsplit("/", 1)[1] in index and name.rsplit("/", 1)[1] in readme

    root = ET.fromstring(metadata)  # noqa: S314 - our own output
    assert root.tag == f"{{{LCM}}}SubmitObjectsRequest"
    objects = root.find("rim:RegistryObjectList", N)
    assert objects is not None

    (package,) = objects.findall("rim:RegistryPackage", N)
    ss_id = package.get("id", "")
    assert ss_id.startswith("urn:uuid:")
    assert re.fullmatch(r"\d{14}", _slots(package)["submissionTime"][0])
    ss_ext = {e.get("identificationScheme"): e for e in package.findall(
        "rim:ExternalIdentifier", N)}
    assert set(ss_ext) == set(SS_EXTERNAL_IDS)
    for scheme, label in SS_EXTERNAL_IDS.items():
        assert _localized(ss_ext[scheme]) == label
        assert ss_ext[scheme].get("registryObject") == ss_id
    patient_cx = "279035121518989^^^&1.2.250.1.213.1.4.10&ISO^NH"
    assert ss_ext["urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446"].get("value") == patient_cx
    for scheme in ("urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832",
                   "urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8"):
        value = ss_ext[scheme].get("value", "")
        assert OID_RE.match(value) and len(value) <= 64
    ss_schemes = {c.get("classificationScheme") for c in package.findall(
        "rim:Classification", N)}
    assert ss_schemes == {"urn:uuid:a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d",
                          "urn:uuid:aa543740-bdda-424e-8c96-df4873be8500"}
    ss_author = next(c for c in package.findall("rim:Classification", N)
                     if c.get("classificationScheme").endswith("e3f0ab85e12d"))
    assert _slots(ss_author)["authorPerson"] == [
        "810001234567^MARTIN^JEAN^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS"]
    nodes = [c for c in objects.findall("rim:Classification", N)
             if c.get("classificationNode") == "urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd"]
    assert [c.get("classifiedObject") for c in nodes] == [ss_id]

    entries = objects.findall("rim:ExtrinsicObject", N)
    assert len(entries) == len(docs)
    uris = set()
    for entry, name in zip(entries, documents, strict=True):
        entry_id = entry.get("id", "")
        assert entry.get("objectType") == "urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1"
        assert entry.get("mimeType") in ("text/xml", "application/pdf")
        slots = _slots(entry)
        assert DE_REQUIRED_SLOTS <= set(slots)
        assert slots["URI"] == [name.rsplit("/", 1)[1]]
        uris.add(slots["URI"][0])
        assert re.fullmatch(r"[0-9a-f]{40}", slots["hash"][0])
        assert slots["sourcePatientId"] == [patient_cx]
        assert slots["sourcePatientInfo"] == [
            "PID-5|PAT-TROIS^DOMINIQUE^^^^^L", "PID-7|19790328", "PID-8|F"]
        assert re.fullmatch(r"\d{8,14}", slots["creationTime"][0])
        assert _localized(entry)
        schemes = {}
        for cl in entry.findall("rim:Classification", N):
            assert cl.get("classifiedObject") == entry_id
            schemes.setdefault(cl.get("classificationScheme"), cl)
        for label, scheme in DE_CLASSIFICATIONS.items():
            assert scheme in schemes, f"{label} classification missing"
            if label != "author":
                coded = schemes[scheme]
                assert coded.get("nodeRepresentation"), label
                assert _slots(coded)["codingScheme"][0], label
                assert _localized(coded), label
        assert "authorPerson" in _slots(schemes[DE_CLASSIFICATIONS["author"]])
        class_cl = schemes[DE_CLASSIFICATIONS["classCode"]]
        assert _slots(class_cl)["codingScheme"] == ["1.2.250.1.213.1.1.4.1"]
        ext = {e.get("identificationScheme"): e for e in entry.findall(
            "rim:ExternalIdentifier", N)}
        assert set(ext) == set(DE_EXTERNAL_IDS)
        for scheme, label in DE_EXTERNAL_IDS.items():
            assert _localized(ext[scheme]) == label
            assert ext[scheme].get("registryObject") == entry_id
        assert ext["urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427"].get("value") == patient_cx
    assert len(uris) == len(docs)

    associations = objects.findall("rim:Association", N)
    assert {(a.get("sourceObject"), a.get("targetObject")) for a in associations} == {
        (ss_id, e.get("id")) for e in entries}
    for association in associations:
        assert association.get("associationType") == (
            "urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember")
        assert _slots(association)["SubmissionSetStatus"] == ["Original"]


def test_other_documents_get_mime_based_names_and_defaults(
    patient: Patient, author: Author
) -> None:
    result = pack_xdm([DocumentInput(b"Compte rendu en texte\n", "note.txt"),
                       DocumentInput(b"\x89PNG\r\n\x1a\nxxxx", "scan.png"),
                       DocumentInput(b"\x00\x01", "blob.dat")], patient, author, now=NOW)
    assert [n.rsplit("/", 1)[1] for n in result.file_names] == [
        "DOC0001.TXT", "DOC0002.PNG", "DOC0003.DAT"]
    package = read_xdm(result.data)
    assert [d.entry.mime_type for d in package.documents] == [
        "text/plain", "image/png", "application/octet-stream"]
    for doc in package.documents:
        assert doc.entry.format_code.code == "urn:ihe:iti:xds:2017:mimeTypeSufficient"
        assert doc.entry.author.person.startswith("810001234567^")
        assert OID_RE.match(doc.entry.unique_id)


def test_a_cda_about_another_patient_is_refused(author: Author) -> None:
    key = nir_key("185022A123456")
    other = Patient(ins=validate_ins(f"185022A123456{key:02d}", "1.2.250.1.213.1.4.10"),
                    family="X", given="Y", sex="M", birth_date=dt.date(1985, 2, 1))
    cda = cda_files()[0]
    with pytest.raises(InvalidXdmInput, match="279035121518989"):
        pack_xdm([DocumentInput(cda.read_bytes(), cda.name)], other, author)


@pytest.mark.parametrize(
    ("documents", "fragment"),
    [([], "at least one document"),
     ([DocumentInput(b"", "vide.pdf")], "vide.pdf is empty"),
     ([DocumentInput(b'<ClinicalDocument xmlns="urn:hl7-org:v3"><oops>', "cassé.xml")],
      "not a usable CDA")],
)
def test_unusable_input_is_refused(documents: list[DocumentInput], fragment: str,
                                   patient: Patient, author: Author) -> None:
    with pytest.raises(InvalidXdmInput, match=fragment):
        pack_xdm(documents, patient, author)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("20240104160527+0100", "20240104150527"),
     ("20240101003000+0200", "20231231223000"),
     ("202401041605-0500", "202401042105"),
     ("20240104", "20240104"),
     (dt.datetime(2024, 1, 4, 16, 5, 27, tzinfo=dt.timezone(dt.timedelta(hours=1))),
      "20240104150527")],
)
def test_times_are_converted_to_utc(value: str | dt.datetime, expected: str) -> None:
    assert xds_time(value) == expected


@pytest.mark.parametrize(
    ("change", "fragment"),
    [({"family": "PAT^TROIS"}, "patient family name"),
     ({"given": "  "}, "patient given name is empty"),
     ({"sex": "X"}, "must be M, F or U"),
     ({"birth_date": dt.date.today() + dt.timedelta(days=2)}, "in the future")],
)
def test_malformed_identity_traits_are_refused(
    change: dict[str, object], fragment: str, patient: Patient, author: Author
) -> None:
    import dataclasses

    wrong = dataclasses.replace(patient, **change)  # type: ignore[arg-type]
    with pytest.raises(InvalidXdmInput, match=fragment):
        pack_xdm([DocumentInput(_pdf(), "x.pdf")], wrong, author)


def test_author_with_hl7_delimiter_is_refused(patient: Patient) -> None:
    with pytest.raises(InvalidXdmInput, match="author family name"):
        pack_xdm([DocumentInput(_pdf(), "x.pdf")], patient,
                 Author(national_id="810001234567", family="MARTIN&CO", given="JEAN"))


@pytest.mark.parametrize(("title", "code", "specialty"),
                         [("Médecin", "10", "G15_10^Médecin^1.2.250.1.213.1.1.4.5"),
                          ("PHARMACIEN", "21", "G15_21^Pharmacien^1.2.250.1.213.1.1.4.5"),
                          ("sage-femme", "50", "G15_50^Sage-Femme^1.2.250.1.213.1.1.4.5"),
                          ("Magnétiseur", "10", "^Magnétiseur^1.2.250.1.213.1.1.4.5"),
                          (None, "10", "G15_10^Médecin^1.2.250.1.213.1.1.4.5")])
def test_author_from_the_card_identity(title: str | None, code: str,
                                       specialty: str) -> None:
    from cps.identity import CardIdentity

    when = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    identity = CardIdentity(
        national_id="810001234567", id_type="RPPS", rpps="10001234567", adeli=None,
        family_name="MARTIN", given_name="JEAN", profession=title,
        subject="CN=810001234567", issuer="CN=TEST AC", not_before=when, not_after=when)
    author = Author.from_card(identity)
    assert author.xcn().startswith("810001234567^MARTIN^JEAN^^^^^^&1.2.250.1.71.4.2.1&ISO")
    assert author.profession == code
    assert author.specialty_code().hl7() == specialty


def test_recipients_become_intended_recipient_slots(patient: Patient, author: Author) -> None:
    result = pack_xdm([DocumentInput(_pdf(), "x.pdf")], patient, author,
                      recipients=["claire.dubois@clinique-sandbox.mssante.fr"])
    package = read_xdm(result.data)
    assert package.metadata.submission_set.intended_recipients == (
        "|^^Internet^claire.dubois@clinique-sandbox.mssante.fr",)
    with pytest.raises(InvalidXdmInput, match="not a mail address"):
        pack_xdm([DocumentInput(_pdf(), "x.pdf")], patient, author, recipients=["nobody"])


def test_the_same_cda_twice_is_refused(patient: Patient, author: Author) -> None:
    cda = cda_files()[0]
    with pytest.raises(InvalidXdmInput, match="given twice"):
        pack_xdm([DocumentInput(cda.read_bytes(), "a.xml"),
                  DocumentInput(cda.read_bytes(), "b.xml")], patient, author)


@pytest.mark.parametrize(
    ("change", "fragment"),
    [({"birth_date": dt.date(1979, 3, 29)}, "birth date as '19790328'"),
     ({"sex": "M"}, "sex as 'F'"),
     ({"family": "PAT-QUATRE"}, "birth family name")],
)
def test_traits_differing_from_the_cda_are_refused(
    change: dict[str, object], fragment: str, patient: Patient, author: Author
) -> None:
    import dataclasses

    wrong = dataclasses.replace(patient, **change)  # type: ignore[arg-type]
    cda = cda_files()[0]
    with pytest.raises(InvalidXdmInput, match=fragment):
        pack_xdm([DocumentInput(cda.read_bytes(), cda.name)], wrong, author)


def test_family_name_case_and_accents_do_not_matter(patient: Patient, author: Author) -> None:
    import dataclasses

    relaxed = dataclasses.replace(patient, family="Pat Trois")
    cda = cda_files()[0]
    assert pack_xdm([DocumentInput(cda.read_bytes(), cda.name)], relaxed, author).data
