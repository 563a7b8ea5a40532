"""Opening attachments: classification by name and content, and the private folder."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from client.mail.opening import OpeningFolder, classify, write_private
from sandbox.xdm_sample import build_sample_xdm_zip, minimal_pdf

CDA = (Path(__file__).resolve().parents[2] / "data" / "cda" / "BIO-CR-BIO_2024.01_TSH_1.xml")


@pytest.mark.parametrize("name, data, detail", [
    ("ordonnance.exe", b"hello", ".exe"),
    ("ordonnance.pdf.exe", b"%PDF-1.4", ".exe"),
    ("Compte-rendu.PDF.Lnk", b"x", ".lnk"),
    ("a.desktop", b"x", ".desktop"),
    ("run.bat", b"x", ".bat"), ("run.cmd", b"x", ".cmd"), ("x.ps1", b"x", ".ps1"),
    ("x.vbs", b"x", ".vbs"), ("x.js", b"x", ".js"), ("x.jar", b"PK\x03\x04", ".jar"),
    ("x.msi", b"\xd0\xcf\x11\xe0", ".msi"), ("x.app", b"x", ".app"), ("x.sh", b"x", ".sh"),
    ("macro.xlsm", b"PK\x03\x04", ".xlsm"),
    # By content, whatever the name says.
    ("resultats.pdf", b"MZ\x90\x00rest", "Windows program (PE)"),
    ("photo.jpg", b"\x7fELF\x02\x01", "Linux program (ELF)"),
    ("notes.txt", b"#!/bin/sh\nrm -rf ~\n", "script (#!)"),
    ("lettre.doc", b"\xcf\xfa\xed\xfe\x07\x00", "macOS program (Mach-O)"),
    ("raccourci", b"L\x00\x00\x00\x01\x14\x02\x00\x00", "Windows shortcut (.lnk)"),
    ("info.txt", b"[Desktop Entry]\nExec=sh -c x\n", "desktop launcher (.desktop)"),
])
def test_programs_and_scripts_are_blocked_by_name_or_content(
    name: str, data: bytes, detail: str
) -> None:
    verdict = classify(name, "application/octet-stream", data)
    assert verdict.kind == "blocked" and not verdict.in_app
    assert verdict.detail == detail and verdict.reason


def test_documents_the_app_shows_itself() -> None:
    assert classify("cr.pdf", "application/pdf", minimal_pdf(["x"])).kind == "pdf"
    assert classify("scan", "application/octet-stream", b"\x89PNG\r\n\x1a\n....").kind == \
        "image"
    assert classify("note.txt", "text/plain", "Bonjour, état stable.".encode()).kind == "text"
    assert classify("IHE_XDM.ZIP", "application/zip", build_sample_xdm_zip()).kind == "xdm"
    assert classify("paquet.zip", "application/zip", build_sample_xdm_zip()).kind == "xdm"
    assert classify("CR.XML", "text/xml", CDA.read_bytes()).kind == "cda"
    assert classify("tableau.ods", "application/vnd.oasis", b"PK\x03\x04xx").kind == "external"
    assert classify("binaire.txt", "text/plain", b"\x00\x01\x02").kind == "external"


def test_the_opening_folder_is_private_and_emptied(tmp_path: Path) -> None:
    folder = OpeningFolder(tmp_path / "cache" / "open")
    first = folder.write("../../Résultats: Élodie.ods", b"data")
    second = folder.write("../../Résultats: Élodie.ods", b"other")
    assert first != second and first.read_bytes() == b"data"
    for path in (first, second):
        assert path.parent.parent == folder.root  # the name cannot climb out
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(folder.root).st_mode) == 0o700
    assert first.name == "Résultats_ Élodie.ods"
    legacy = tmp_path / "cache" / "open-abc123"
    legacy.mkdir()
    (legacy / "old.pdf").write_bytes(b"x")
    packed = tmp_path / "cache" / "xdm-k2j4"  # a structured document packed for a draft
    packed.mkdir()
    (packed / "IHE_XDM.ZIP").write_bytes(b"PK")
    kept = tmp_path / "cache" / "mail.sqlite3"
    kept.write_bytes(b"cache")
    assert folder.purge() == 4
    assert list(folder.root.iterdir()) == [] and not legacy.exists() and not packed.exists()
    assert kept.exists()
    assert folder.purge() == 0


def test_a_private_write_never_follows_a_planted_link(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep")
    link = tmp_path / "planted"
    link.symlink_to(victim)
    with pytest.raises(FileExistsError):
        write_private(link, b"overwrite")
    assert victim.read_bytes() == b"keep"
    old_umask = os.umask(0)
    try:
        written = write_private(tmp_path / "new.bin", b"x")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(os.stat(written).st_mode) == 0o600


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80), st.text(max_size=40), st.binary(max_size=600))
def test_classify_never_raises_and_programs_never_go_out(
    name: str, content_type: str, data: bytes
) -> None:
    verdict = classify(name, content_type, data)
    assert verdict.kind in {"pdf", "image", "text", "cda", "xdm", "external", "blocked"}
    if data.startswith((b"MZ", b"\x7fELF", b"#!")):
        assert verdict.kind == "blocked"


@pytest.mark.parametrize("name, detail", [
    ("ordonnance.e\u200bxe", ".exe"),  # zero-width space inside the extension
    ("ordonnance.ｅｘｅ", ".exe"),  # fullwidth letters: NFKC makes them ".exe"
    ("ordonnance.ex\u00ade", ".exe"),  # soft hyphen
    ("lancer.s\u200dh", ".sh"),  # zero-width joiner
    ("ordonnance.pdf.e\u2028xe", ".exe"),  # line separator
    ("x.A\u200bppImage", ".appimage"),
])
def test_a_name_that_becomes_a_program_once_cleaned_is_blocked(name: str, detail: str) -> None:
    """The name checked is the name written: a format character hidden in the extension
    is stripped by the file name sanitiser, which would hand the system an ``.exe``."""
    verdict = classify(name, "application/octet-stream", b"hello")
    assert verdict.kind == "blocked" and verdict.detail == detail


@pytest.mark.parametrize("name", [
    "page.html", "page.HTM", "page.xhtml", "page.mht", "page.mhtml", "dessin.svg",
    "x.pyz", "x.slk", "x.iqy", "x.appinstaller", "x.rdp", "x.sct", "x.mde", "x.accde",
    "x.shb", "x.xla", "x.mobileconfig",
])
def test_types_that_run_scripts_or_connections_when_opened_are_not_launched(name: str) -> None:
    """A browser runs the scripts of a local HTML or SVG page; the others are programs,
    macros, data connections or remote sessions on the desktops the app supports."""
    assert classify(name, "application/octet-stream", b"<x>").kind == "blocked"


def test_locking_empties_the_opening_folder_but_keeps_a_draft_s_package(
    tmp_path: Path,
) -> None:
    """At lock nothing opened stays on disk; a structured document packed for a draft
    waiting in a hidden compose window stays (it is sent once the user is back)."""
    folder = OpeningFolder(tmp_path / "cache" / "open")
    opened = folder.write("Résultats.ods", b"data")
    packed = tmp_path / "cache" / "xdm-k2j4"
    packed.mkdir()
    (packed / "IHE_XDM.ZIP").write_bytes(b"PK")
    assert folder.purge_opened() == 1
    assert not opened.exists() and list(folder.root.iterdir()) == []
    assert (packed / "IHE_XDM.ZIP").exists()
