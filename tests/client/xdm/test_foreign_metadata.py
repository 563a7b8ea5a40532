"""Packages from other producers: another ebRIM layout is read, gaps become warnings."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from client.xdm import MetadataInvalid, read_xdm
from sandbox.xdm_sample import SAMPLE_CDA_PATH

# Shaped like ANS's editor test kit output: default rim namespace, symbolic ids, the
# SubmissionSet node classification nested in the package, no practiceSettingCode.
FOREIGN = """<?xml version="1.0" encoding="UTF-8"?>
<SubmitObjectsRequest xmlns="urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0">
 <RegistryObjectList xmlns="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0">
  <RegistryPackage id="SubmissionSet01">
   <Slot name="submissionTime"><ValueList><Value>20240105101500</Value></ValueList></Slot>
   <Name><LocalizedString xml:lang="FR" charset="UTF8" value="Compte rendu"/></Name>
   <Classification id="cla55" classifiedObject="SubmissionSet01" nodeRepresentation=""
     classificationScheme="urn:uuid:a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d">
    <Slot name="authorPerson"><ValueList><Value>{author}</Value></ValueList></Slot>
   </Classification>
   <Classification id="cla57" classifiedObject="SubmissionSet01"
     classificationNode="urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd"/>
   <ExternalIdentifier id="ei22" registryObject="SubmissionSet01" value="{pid}"
     identificationScheme="urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446"/>
   <ExternalIdentifier id="ei23" registryObject="SubmissionSet01" value="1.2.250.1.999.1.1.7898"
     identificationScheme="urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832"/>
   <ExternalIdentifier id="ei24" registryObject="SubmissionSet01" value="1.2.250.1.999.1.1.7898.5"
     identificationScheme="urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8"/>
  </RegistryPackage>
  <ExtrinsicObject id="Document01" mimeType="text/xml"
    objectType="urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1">
   <Slot name="creationTime"><ValueList><Value>20210401161000</Value></ValueList></Slot>
   <Slot name="hash"><ValueList><Value>{sha1}</Value></ValueList></Slot>
   <Slot name="size"><ValueList><Value>{size}</Value></ValueList></Slot>
   <Slot name="URI"><ValueList><Value>CRBIO.XML</Value></ValueList></Slot>
   <Slot name="sourcePatientInfo"><ValueList><Value>PID-5|PAT-TROIS^DOMINIQUE^^^^^L</Value>
    <Value>PID-7|19790328</Value><Value>PID-8|F</Value></ValueList></Slot>
   <Name><LocalizedString value="CR de biologie"/></Name>
   <Classification id="cla59" classifiedObject="Document01" nodeRepresentation="10"
     classificationScheme="urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a">
    <Slot name="codingScheme"><ValueList><Value>1.2.250.1.213.1.1.4.1</Value></ValueList></Slot>
    <Name><LocalizedString value="Compte rendu"/></Name>
   </Classification>
   <Classification id="cla65" classifiedObject="Document01" nodeRepresentation="11502-2"
     classificationScheme="urn:uuid:f0306f51-975f-434e-a61c-c59651d33983">
    <Slot name="codingScheme"><ValueList><Value>2.16.840.1.113883.6.1</Value></ValueList></Slot>
    <Name><LocalizedString value="CR d'examens biologiques"/></Name>
   </Classification>
   <ExternalIdentifier id="ei25" registryObject="Document01" value="{pid}"
     identificationScheme="urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427"/>
   <ExternalIdentifier id="ei26" registryObject="Document01" value="1.2.250.1.213.1.1.1.55.2024.9.1"
     identificationScheme="urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab"/>
  </ExtrinsicObject>
  <Association id="association1" sourceObject="SubmissionSet01" targetObject="Document01"
    associationType="urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember">
   <Slot name="SubmissionSetStatus"><ValueList><Value>Original</Value></ValueList></Slot>
  </Association>
 </RegistryObjectList>
</SubmitObjectsRequest>
"""
PID = "279035121518989^^^&amp;1.2.250.1.213.1.4.10&amp;ISO^NH"
AUTHOR = "801234534765^CAMPARINI^Marcel^^^^^^&amp;1.2.250.1.71.4.2.1&amp;ISO^D^^^IDNPS"


def _package(metadata: str, cda: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.TXT", "Lab export\r\n")
        archive.writestr("IHE_XDM/SUBSET01/METADATA.XML", metadata)
        archive.writestr("IHE_XDM/SUBSET01/CRBIO.XML", cda)
    return buffer.getvalue()


def test_foreign_layout_is_read_and_gaps_are_warnings() -> None:
    cda = SAMPLE_CDA_PATH.read_bytes()
    metadata = FOREIGN.format(pid=PID, author=AUTHOR, sha1=hashlib.sha1(cda).hexdigest(),  # noqa: S324
                              size=len(cda))
    package = read_xdm(_package(metadata, cda))
    assert package.patient.ins == "279035121518989"
    assert package.metadata.submission_set.entry_id == "SubmissionSet01"
    (doc,) = package.documents
    assert doc.entry.type_code.code == "11502-2" and doc.cda is not None
    assert doc.entry.practice_setting.code == ""
    assert "practiceSettingCode" in doc.entry.missing
    assert any("lacks" in w and "formatCode" in w for w in package.warnings)
    assert package.to_dict()["documents"][0]["missing_metadata"] == list(doc.entry.missing)


def test_entry_outside_the_submission_set_is_refused() -> None:
    cda = SAMPLE_CDA_PATH.read_bytes()
    metadata = FOREIGN.format(pid=PID, author=AUTHOR, sha1=hashlib.sha1(cda).hexdigest(),  # noqa: S324
                              size=len(cda)).replace('targetObject="Document01"',
                                                     'targetObject="Other"')
    with pytest.raises(MetadataInvalid, match="not a member"):
        read_xdm(_package(metadata, cda))


def test_cda_naming_another_patient_than_the_metadata_is_a_warning() -> None:
    cda = SAMPLE_CDA_PATH.read_bytes()
    other = "185022A12345656^^^&amp;1.2.250.1.213.1.4.10&amp;ISO^NH"
    metadata = FOREIGN.format(pid=other, author=AUTHOR,
                              sha1=hashlib.sha1(cda).hexdigest(),  # noqa: S324
                              size=len(cda))
    package = read_xdm(_package(metadata, cda))
    assert package.patient.ins == "185022A12345656"
    assert any("the CDA names INS 279035121518989" in w for w in package.warnings)


def test_two_submission_sets_are_both_read() -> None:
    cda = SAMPLE_CDA_PATH.read_bytes()
    metadata = FOREIGN.format(pid=PID, author=AUTHOR, sha1=hashlib.sha1(cda).hexdigest(),  # noqa: S324
                              size=len(cda))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for subset in ("SUBSET01", "SUBSET02"):
            archive.writestr(f"IHE_XDM/{subset}/METADATA.XML", metadata)
            archive.writestr(f"IHE_XDM/{subset}/CRBIO.XML", cda)
    package = read_xdm(buffer.getvalue())
    assert len(package.subsets) == 2
    assert [d.path for d in package.documents] == [
        "IHE_XDM/SUBSET01/CRBIO.XML", "IHE_XDM/SUBSET02/CRBIO.XML"]
