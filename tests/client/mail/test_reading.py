"""Reading: MIME, charsets, RFC 2047/2231, sanitised HTML, attachments, bad input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from client.mail.attachments import safe_filename, save_attachments
from client.mail.errors import AttachmentExists
from client.mail.reading import parse_message, sanitize_html
from tests.client.mail._messages import letter, mdn_report, xdm_letter


def test_xdm_letter_lists_attachments_and_mss_headers() -> None:
    read = parse_message(xdm_letter().as_bytes())
    assert read.display_subject == "Compte rendu biologie LEFÈVRE Hélène 19650312"
    assert read.text.startswith("Résultats de biologie")
    names = [(a.filename, a.content_type) for a in read.attachments]
    assert names == [
        ("IHE_XDM.ZIP", "application/zip"),
        ("Compte rendu Hélène.pdf", "application/pdf"),
    ]
    assert read.attachments[0].size == len(read.attachments[0].data) > 100
    assert read.mss_headers["X-MSS-CODECDA"] == "11502-2"


def test_rfc2047_and_rfc2231_names_and_latin1_body() -> None:
    raw = (
        b"From: =?ISO-8859-1?Q?Dr_H=E9l=E8ne_L=E9vy?= <helene.levy@chu-sandbox.mssante.fr>\r\n"
        b"To: jean.martin@hopital-sandbox.mssante.fr\r\n"
        b"Subject: =?UTF-8?B?w4ljaG9ncmFwaGllIGNhcmRpYXF1ZQ==?=\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\nR\xe9sultat normal, \xe0 revoir.\r\n"
        b"--b\r\nContent-Type: application/pdf\r\n"
        b"Content-Disposition: attachment; filename*=UTF-8''%C3%A9cho%20c%C5%93ur.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--b--\r\n"
    )
    read = parse_message(raw)
    assert read.sender == "Dr Hélène Lévy <helene.levy@chu-sandbox.mssante.fr>"
    assert read.subject == "Échographie cardiaque"
    assert read.text.strip() == "Résultat normal, à revoir."
    assert [a.filename for a in read.attachments] == ["écho cœur.pdf"]
    assert read.attachments[0].data == b"%PDF-"


def test_wrong_and_unknown_charsets_do_not_raise() -> None:
    raw = (
        b"Subject: =?x-unknown?Q?abc?=\r\nFrom: a@b.mssante.fr\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nd\xe9j\xe0 vu\r\n"
    )
    read = parse_message(raw)
    assert read.text.strip() == "déjà vu" and "abc" in read.subject
    raw2 = b"Subject: x\r\nContent-Type: text/plain; charset=klingon-42\r\n\r\nd\xe9j\xe0\r\n"
    assert parse_message(raw2).text.strip() == "déjà"


def test_malformed_headers_and_tiny_messages() -> None:
    raw = (
        b"From: <<<@@@>>>\r\nTo: ,,, ;;; \r\nDate: not a date\r\n"
        b"Subject: =?utf-8?q?broken\r\nContent-Type: multipart/mixed\r\n\r\nno boundary\r\n"
    )
    read = parse_message(raw)
    assert read.date is None
    assert read.defects
    one = parse_message(b"x")
    assert (one.subject, one.sender, one.attachments) == ("", "", ())
    empty = parse_message(b"")
    assert empty.text == ""


def test_html_is_sanitised_and_remote_images_blocked() -> None:
    html = (
        '<p onclick="steal()">Bonjour <script>alert(1)</script><b>docteur</b></p>'
        '<img src="https://tracker.example/pixel.png"><img src="cid:logo">'
        '<a href="javascript:alert(1)">x</a><style>p{}</style><iframe src="x"></iframe>'
    )
    safe, blocked = sanitize_html(html)
    assert blocked
    for bad in ("script", "onclick", "tracker.example", "javascript:", "iframe", "<style"):
        assert bad not in safe
    assert "<b>docteur</b>" in safe and 'src="cid:logo"' in safe
    allowed, blocked2 = sanitize_html(html, allow_remote=True)
    assert not blocked2 and "tracker.example" in allowed


def test_html_only_message_gets_text_fallback() -> None:
    msg = letter()
    msg.set_content("<p>Résultats <b>normaux</b></p><script>x()</script>", subtype="html")
    read = parse_message(msg.as_bytes())
    assert read.html is not None and "script" not in read.html
    assert "Résultats" in read.text and "normaux" in read.text and "x()" not in read.text


def test_mdn_report_parses() -> None:
    read = parse_message(mdn_report("<orig@hopital-sandbox.mssante.fr>").as_bytes())
    assert "affiché" in read.text


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../x", "x"),
        ("..\\..\\windows\\system32\\evil.dll", "evil.dll"),
        ("/etc/passwd", "passwd"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("COM1.pdf", "_COM1.pdf"),
        ("..", "piece-jointe-1"),
        ("", "piece-jointe-1"),
        ("a\x00b\r\nc.pdf", "a_b__c.pdf"),
        ("rapport?.pdf ", "rapport_.pdf"),
        (".bashrc", "bashrc"),
        ("compte rendu é.pdf", "compte rendu é.pdf"),
    ],
)
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_long_names_keep_their_extension() -> None:
    name = safe_filename("é" * 300 + ".pdf")
    assert name.endswith(".pdf") and len(name.encode()) <= 200


def test_save_attachments_safely(tmp_path: Path) -> None:
    msg = letter()
    msg.add_attachment(b"x" * (5 * 1024 * 1024), maintype="application", subtype="octet-stream",
                       filename="../../x")
    msg.add_attachment(b"second", maintype="application", subtype="octet-stream",
                       filename="x")
    read = parse_message(msg.as_bytes())
    target = tmp_path / "out"
    paths = save_attachments(read.attachments, target)
    assert [p.name for p in paths] == ["x", "x (2)"]
    assert all(p.parent == target.resolve() for p in paths)
    assert paths[0].stat().st_size == 5 * 1024 * 1024
    assert not (tmp_path / "x").exists()
    # A second save refuses before writing anything; with consent it overwrites.
    (target / "x (2)").write_bytes(b"mine")
    os.remove(target / "x")
    with pytest.raises(AttachmentExists) as info:
        save_attachments(read.attachments, target)
    assert info.value.path.name == "x (2)"
    assert not (target / "x").exists() and (target / "x (2)").read_bytes() == b"mine"
    save_attachments(read.attachments, target, overwrite=True)
    assert (target / "x (2)").read_bytes() == b"second"


def test_save_does_not_follow_a_planted_symlink(tmp_path: Path) -> None:
    msg = letter()
    msg.add_attachment(b"data", maintype="application", subtype="pdf", filename="r.pdf")
    read = parse_message(msg.as_bytes())
    outside = tmp_path / "outside.txt"
    outside.write_text("keep")
    target = tmp_path / "dir"
    target.mkdir()
    (target / "r.pdf").symlink_to(outside)
    with pytest.raises(AttachmentExists):
        save_attachments(read.attachments, target)
    save_attachments(read.attachments, target, overwrite=True)
    assert outside.read_text() == "keep"
    assert (target / "r.pdf").read_bytes() == b"data" and not (target / "r.pdf").is_symlink()
