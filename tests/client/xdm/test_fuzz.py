"""Whatever bytes arrive, reading fails only with an XDM error (never a crash)."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from client.xdm import XdmError, parse_cda_header, read_xdm
from client.xdm.metadata import parse_metadata
from sandbox.xdm_sample import build_sample_xdm_zip

SAMPLE = build_sample_xdm_zip()
with zipfile.ZipFile(io.BytesIO(SAMPLE)) as _archive:
    MEMBERS = {info.filename: _archive.read(info) for info in _archive.infolist()}
METADATA = MEMBERS["IHE_XDM/SUBSET01/METADATA.XML"]
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(position=st.integers(min_value=0, max_value=len(SAMPLE) - 1),
       value=st.integers(min_value=0, max_value=255),
       cut=st.integers(min_value=0, max_value=len(SAMPLE)))
def test_mutated_package_reads_or_fails_with_an_xdm_error(position: int, value: int,
                                                           cut: int) -> None:
    data = bytearray(SAMPLE)
    data[position] = value
    try:
        package = read_xdm(bytes(data[: max(cut, position + 1)]))
    except XdmError:
        return
    # A mutation that survives every check left the documents intact.
    assert package.documents[0].entry.size == len(package.documents[0].data)


@FUZZ
@given(data=st.binary(max_size=2048))
def test_random_metadata_fails_with_an_xdm_error(data: bytes) -> None:
    with pytest.raises(XdmError):
        parse_metadata(data)


@FUZZ
@given(text=st.text(max_size=400))
def test_random_xml_text_is_refused_as_cda_with_value_error(text: str) -> None:
    document = f'<?xml version="1.0"?><ClinicalDocument xmlns="urn:hl7-org:v3">{text}'
    try:
        parse_cda_header(document.encode("utf-8", "surrogatepass"))
    except ValueError:
        return


def test_unknown_encoding_is_a_metadata_error() -> None:
    with pytest.raises(XdmError, match="not well-formed"):
        parse_metadata(b'<?xml version="1.0" encoding="x-unknown"?><a/>')


@FUZZ
@given(position=st.integers(min_value=0, max_value=len(METADATA) - 1),
       replacement=st.sampled_from([b"<", b">", b"&", b'"', b"^", b"x", b"", b"\x00",
                                    b"<!DOCTYPE a>", b"</rim:Slot>", b"\xff"]))
def test_mutated_metadata_reads_or_fails_with_an_xdm_error(position: int,
                                                           replacement: bytes) -> None:
    members = dict(MEMBERS)
    members["IHE_XDM/SUBSET01/METADATA.XML"] = (
        METADATA[:position] + replacement + METADATA[position + 1:])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    try:
        package = read_xdm(buffer.getvalue())
    except XdmError:
        return
    assert all(d.entry.size == len(d.data) for d in package.documents)
