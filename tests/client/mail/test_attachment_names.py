"""Attachment names that lie about their type: format characters, double extensions,
executable content; saved files are owner-only."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from client.mail.attachments import (
    BLOCKED_SUFFIX,
    assess_filename,
    looks_executable,
    safe_filename,
    save_attachments,
    save_attachments_checked,
)
from client.mail.reading import parse_message
from tests.client.mail._messages import letter


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ordonnance\u202efdp.exe", "ordonnancefdp.exe"),   # right-to-left override
        ("compte\u200b-rendu.pdf", "compte-rendu.pdf"),      # zero-width space
        ("\u2066bilan\u2069.pdf", "bilan.pdf"),              # bidi isolates
        ("\ufeffscan.pdf", "scan.pdf"),                      # byte order mark
        ("lettre\u00ad.pdf", "lettre.pdf"),                  # soft hyphen
        ("a\u2028b.pdf", "ab.pdf"),                          # line separator
    ],
)
def test_format_characters_are_stripped(name: str, expected: str) -> None:
    assert safe_filename(name) == expected
    assert "format-characters" in assess_filename(name).reasons


@pytest.mark.parametrize(
    ("name", "reasons"),
    [
        ("ordonnance.pdf.exe", ("double-extension", "executable-type")),
        ("ordonnance.pdf      .exe", ("double-extension", "executable-type")),
        ("ordonnance.pdf\u202e.exe", ("format-characters", "double-extension",
                                      "executable-type")),
        ("résultats.docx.lnk", ("double-extension", "executable-type")),
        ("setup.exe", ("executable-type",)),
        ("lanceur.desktop", ("executable-type",)),
        ("script.PS1", ("executable-type",)),
        ("ordonnance．pdf．ｅｘｅ", ("double-extension", "executable-type")),  # fullwidth
    ],
)
def test_executable_types_are_renamed_with_the_reason(name: str, reasons: tuple[str, ...]) -> None:
    verdict = assess_filename(name)
    assert verdict.blocked and verdict.reasons == reasons
    assert verdict.name.endswith(BLOCKED_SUFFIX)
    assert verdict.original == name


@pytest.mark.parametrize("name", ["compte-rendu.2026.pdf", "archive.tar.gz", "scan.pdf",
                                  "IHE_XDM.ZIP", "photo.jpeg"])
def test_ordinary_names_pass_unchanged(name: str) -> None:
    verdict = assess_filename(name, data=b"%PDF-1.4\n")
    assert (verdict.name, verdict.reasons, verdict.blocked) == (name, (), False)


@pytest.mark.parametrize("data", [b"MZ\x90\x00", b"\x7fELF\x02", b"#!/bin/sh\nrm -rf ~",
                                  b"[Desktop Entry]\nExec=x", b"L\x00\x00\x00\x01\x14\x02\x00"])
def test_executable_content_under_a_harmless_name(data: bytes) -> None:
    assert looks_executable(data)
    verdict = assess_filename("ordonnance.pdf", data=data)
    assert verdict.blocked and verdict.reasons == ("executable-content",)
    assert verdict.name == "ordonnance.pdf" + BLOCKED_SUFFIX


def test_saved_files_are_owner_only_and_renamed(tmp_path: Path) -> None:
    msg = letter()
    msg.add_attachment(b"%PDF-1.4\n", maintype="application", subtype="pdf",
                       filename="bilan.pdf")
    msg.add_attachment(b"MZ\x90\x00", maintype="application", subtype="octet-stream",
                       filename="ordonnance.pdf.exe")
    read = parse_message(msg.as_bytes())
    target = tmp_path / "a" / "b"
    saved = save_attachments_checked(read.attachments, target)
    assert [s.path.name for s in saved] == ["bilan.pdf", "ordonnance.pdf.exe" + BLOCKED_SUFFIX]
    assert saved[1].verdict.reasons == ("double-extension", "executable-type",
                                        "executable-content")
    for item in saved:
        assert stat.S_IMODE(item.path.stat().st_mode) == 0o600
    for folder in (tmp_path / "a", target):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    again = save_attachments(read.attachments, target, overwrite=True)
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in again)


def test_cli_says_why_a_file_was_renamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    from client.cli import mail as cli_mail

    msg = letter()
    msg.add_attachment(b"MZ\x90\x00", maintype="application", subtype="octet-stream",
                       filename="ordonnance.pdf\u202e.exe")
    import argparse

    monkeypatch.setattr(cli_mail, "_session", _NoSession)
    monkeypatch.setattr(cli_mail, "_fetch", lambda args, mailbox: msg.as_bytes())
    args = argparse.Namespace(directory=tmp_path / "out", overwrite=False, json=True,
                              folder="INBOX", uid=1)
    assert cli_mail._save_attachments(args) == 0
    out, err = capsys.readouterr()
    [path] = json.loads(out)
    assert path.endswith(".pdf.exe" + BLOCKED_SUFFIX) and "\u202e" not in path
    assert "double-extension" in err and "do not open it" in err


class _NoSession:
    """A FAKE mailbox session: the message is handed over by the patched ``_fetch``."""

    def __init__(self, args: object) -> None:
        pass

    def __enter__(self) -> tuple[None, None]:
        return None, None

    def __exit__(self, *exc: object) -> None:
        return None
