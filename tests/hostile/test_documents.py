"""Hostile documents: MIME messages, MDN reports, the liste blanche XML, the directory
extraction. Mutations of real samples (bytes flipped, cut, spliced) and generated
structures; every outcome is a value or the module's own error, never a crash or a hang.
"""

from __future__ import annotations

import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from client.directory import ExtractionError, import_extraction
from client.directory.errors import DirectoryError
from client.mail.attachments import safe_filename
from client.mail.reading import parse_message
from client.mail.receipts import DeliveryFailure, Mdn, parse_report
from client.whitelist import TrustSpace, WhitelistError
from sandbox.directory_sample import write_sample_extraction
from tests.helpers.data import LISTE_BLANCHE
from tests.hostile._budget import HOSTILE, count

MDN = (
    b"From: claire.dubois@clinique.mssante.fr\r\nTo: jean.martin@hopital.mssante.fr\r\n"
    b"Subject: =?utf-8?q?Accus=C3=A9_de_lecture?=\r\nMessage-ID: <r1@clinique>\r\n"
    b"MIME-Version: 1.0\r\nContent-Type: multipart/report; "
    b"report-type=disposition-notification; boundary=\"B\"\r\n\r\n"
    b"--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nLu.\r\n"
    b"--B\r\nContent-Type: message/disposition-notification\r\n\r\n"
    b"Reporting-UA: x\r\nFinal-Recipient: rfc822;claire.dubois@clinique.mssante.fr\r\n"
    b"Original-Message-ID: <m1@hopital>\r\n"
    b"Disposition: manual-action/MDN-sent-manually; displayed\r\n"
    b"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <m1@hopital>\r\n"
    b"--B--\r\n"
)

LETTER = (
    b"From: =?utf-8?b?SMOpbMOobmU=?= <helene@hopital.mssante.fr>\r\n"
    b"To: a@b.mssante.fr, \"x\" <c@d.mssante.fr>\r\nDate: Mon, 2 Nov 2026 10:00:00 +0100\r\n"
    b"Subject: XDM/1.0/DDM+CR DUPONT Jean 19700101\r\nMessage-ID: <m1@hopital>\r\n"
    b"Disposition-Notification-To: helene@hopital.mssante.fr\r\n"
    b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"X\"\r\n\r\n"
    b"--X\r\nContent-Type: multipart/alternative; boundary=\"Y\"\r\n\r\n"
    b"--Y\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
    b"Content-Transfer-Encoding: quoted-printable\r\n\r\nBonjour h=E9l=E8ne\r\n"
    b"--Y\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p onclick=x>Bonjour"
    b"<img src=http://track/x.png><script>alert(1)</script></p>\r\n--Y--\r\n"
    b"--X\r\nContent-Type: application/pdf; name=\"../../etc/passwd\"\r\n"
    b"Content-Disposition: attachment; filename*=utf-8''%2E%2E%2Fcr.pdf\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--X--\r\n"
)


def _mutate(data: bytes, edits: list[tuple[int, int]], cut: int, splice: bytes) -> bytes:
    buffer = bytearray(data)
    for position, value in edits:
        buffer[position % len(buffer)] = value
    return bytes(buffer[: cut % (len(buffer) + 1)]) + splice


mutations = st.tuples(
    st.lists(st.tuples(st.integers(0, 1 << 16), st.integers(0, 255)), max_size=8),
    st.integers(0, 1 << 16),
    st.binary(max_size=64),
)


def _read(raw: bytes) -> None:
    read = parse_message(raw)
    # What the UI shows: every field a plain string, HTML sanitised, names safe.
    assert isinstance(read.subject, str) and isinstance(read.text, str)
    if read.html is not None:
        assert "<script" not in read.html.lower()
    for index, attachment in enumerate(read.attachments):
        safe = safe_filename(attachment.filename, index)  # the name save-attachments uses
        assert safe and "/" not in safe and "\\" not in safe and not safe.startswith(".")
        assert len(safe.encode("utf-8")) <= 220
    parse_report(read)


@HOSTILE
@given(mutation=mutations, base=st.sampled_from([LETTER, MDN]))
def test_mutated_messages_parse(mutation: tuple[list[tuple[int, int]], int, bytes],
                                base: bytes) -> None:
    count("MIME/MDN mutated")
    _read(_mutate(base, *mutation))


header_names = st.sampled_from([
    "From", "To", "Cc", "Subject", "Date", "Message-ID", "Content-Type",
    "Content-Transfer-Encoding", "Content-Disposition", "Disposition-Notification-To",
    "Return-Path", "X-MSS-CODECDA", "X-MSS-INS", "MIME-Version",
])


@HOSTILE
@given(headers=st.lists(st.tuples(header_names, st.text(max_size=80)), max_size=10),
       body=st.binary(max_size=400))
def test_generated_messages_parse(headers: list[tuple[str, str]], body: bytes) -> None:
    count("MIME generated")
    head = "".join(f"{name}: {value}\r\n" for name, value in headers)
    _read(head.encode("utf-8", "surrogateescape") + b"\r\n" + body)


@HOSTILE
@given(fields=st.dictionaries(
    st.sampled_from(["Final-Recipient", "Original-Message-ID", "Disposition",
                     "Reporting-UA", "Original-Recipient", "Action", "Status"]),
    st.text(max_size=60), max_size=7))
def test_generated_mdn_fields(fields: dict[str, str]) -> None:
    count("MDN fields")
    part = "".join(f"{k}: {v}\r\n" for k, v in fields.items()).replace("\n\n", "\n")
    raw = MDN.split(b"Reporting-UA")[0] + part.encode("utf-8", "surrogateescape") + (
        b"--B--\r\n"
    )
    report = parse_report(parse_message(raw))
    assert report is None or isinstance(report, (Mdn, DeliveryFailure))


SAMPLE_XML = LISTE_BLANCHE.read_bytes()[:60_000]


@HOSTILE
@given(mutation=mutations)
def test_mutated_liste_blanche(mutation: tuple[list[tuple[int, int]], int, bytes]) -> None:
    count("liste blanche mutated")
    try:
        space = TrustSpace.parse(_mutate(SAMPLE_XML, *mutation))
    except WhitelistError:
        return
    assert isinstance(space.check("x@hopital.mssante.fr").inside, bool)


HOSTILE_XML = {
    "billion laughs": b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa">'
                      b'<!ENTITY b "&a;&a;&a;&a;">]><ListeBlancheMSSante>&b;'
                      b'</ListeBlancheMSSante>',
    "external entity": b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY x SYSTEM '
                       b'"file:///etc/passwd">]><ListeBlancheMSSante>&x;</ListeBlancheMSSante>',
    "empty": b"",
    "not xml": b"\x89PNG\r\n",
    "other root": b"<html><body/></html>",
    "deep": b"<a>" * 5000 + b"</a>" * 5000,
}


@pytest.mark.parametrize("case", sorted(HOSTILE_XML))
def test_hostile_liste_blanche(case: str) -> None:
    with pytest.raises(WhitelistError):
        TrustSpace.parse(HOSTILE_XML[case])


@pytest.fixture(scope="module")
def extraction(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    directory = tmp_path_factory.mktemp("extraction")
    path = write_sample_extraction(
        directory / "Extraction_Correspondance_MSSante_202611020630.txt", rows=40
    )
    return path.read_bytes()


@HOSTILE
@given(mutation=mutations, zipped=st.booleans())
def test_mutated_extraction(extraction: bytes, tmp_path_factory: pytest.TempPathFactory,
                            mutation: tuple[list[tuple[int, int]], int, bytes],
                            zipped: bool) -> None:
    count("directory extraction mutated")
    work = tmp_path_factory.mktemp("x")
    data = _mutate(extraction, *mutation)
    source = work / "Extraction_Correspondance_MSSante_202611020630.txt"
    if zipped:
        inner = source
        source = work / "Extraction_Correspondance_MSSante.zip"
        with zipfile.ZipFile(source, "w") as archive:
            archive.writestr(inner.name, data)
        raw = bytearray(source.read_bytes())
        for position, value in mutation[0][:2]:  # damage the archive itself too
            raw[position % len(raw)] = value
        source.write_bytes(bytes(raw))
    else:
        source.write_bytes(data)
    try:
        report = import_extraction(source, work / "index.sqlite3")
    except (ExtractionError, DirectoryError):
        return
    assert report is not None


@HOSTILE
@given(name=st.text(max_size=300))
def test_any_attachment_name_is_made_safe(name: str) -> None:
    count("attachment names")
    safe = safe_filename(name)
    assert safe and "/" not in safe and "\\" not in safe and not safe.startswith(".")
    assert "\x00" not in safe
