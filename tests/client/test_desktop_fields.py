"""What the core records carry for the desktop's windows (folder counts, row marks,
organisation names, outbox subjects), computed from the records' own data."""

from __future__ import annotations

import dataclasses
import email.message
from pathlib import Path

import pytest

from client.directory.index import DirectoryEntry
from client.mail.compose import AttachmentSource
from client.mail.mailbox import Folder
from client.mail.outbox import OutboxEntry
from client.mail.summary import MessageSummary


def _row(subject: str, flags: tuple[str, ...]) -> MessageSummary:
    return MessageSummary(uid=1, sender="a@b.fr", to=(), subject=subject, date=None,
                          flags=flags, size=10, has_attachments=False)


def test_a_folder_names_its_last_part_and_keeps_its_counts_out_of_the_cli() -> None:
    folder = Folder("Dossiers patients/2024", "/", (), None, unread=2, total=5)
    assert folder.leaf == "2024"
    assert Folder("INBOX", "", (), "inbox").leaf == "INBOX"  # a flat server
    assert folder.to_json() == {"name": "Dossiers patients/2024", "role": None, "flags": []}


def test_a_row_says_flagged_structured_and_its_receipt() -> None:
    row = _row("XDM/1.0/DDM+CR-BIO DUPONT Marie 19610312", ("\\Seen", "\\Flagged"))
    assert row.seen and row.flagged and row.structured
    plain = _row("Avis", ())
    assert not (plain.seen or plain.flagged or plain.structured)
    assert plain.receipt == "" and "receipt" not in plain.to_json()  # the CLI's keys stay
    assert dataclasses.replace(plain, receipt="read").receipt == "read"


def test_an_organisation_is_named_by_its_trade_name_or_service_when_unnamed() -> None:
    base = DirectoryEntry(address="x@h.mssante.fr", bal_type="ORG", family_name="",
                          given_name="", profession="", specialty="", national_id="",
                          organization="", postal_code="", city="")
    assert base.organization_name == ""
    assert dataclasses.replace(base, service="Cardiologie").organization_name == "Cardiologie"
    named = dataclasses.replace(base, organization="CH Exemple", trade_name="Hôpital Nord")
    assert named.organization_name == "CH Exemple"
    assert "organization_name" not in named.to_dict()


def test_an_outbox_entry_reads_its_subject_and_an_attachment_hides_its_bytes() -> None:
    message = email.message.EmailMessage()
    message["Subject"] = "Compte rendu — Mme DUPONT"
    message.set_content("Bonjour")
    entry = OutboxEntry("<1@x>", "a@b.fr", ("c@d.fr",), message.as_bytes(), "queued", 0, "", 0)
    assert entry.subject == "Compte rendu — Mme DUPONT"
    assert dataclasses.replace(entry, raw=b"\xff\xfe").subject == ""
    assert "secret" not in repr(AttachmentSource("cr.pdf", b"secret"))


def test_a_draft_reads_its_files_when_the_message_is_built(tmp_path: Path) -> None:
    from client.mail.compose import Draft, build_message

    report = tmp_path / "cr.pdf"
    report.write_bytes(b"%PDF-1.4 report")
    package = tmp_path / "IHE_XDM.ZIP"
    package.write_bytes(b"PK not read yet")
    draft = Draft(to=("claire.dubois@clinique.mssante.fr",), subject="Avis", files=(report,),
                  draft_id="d1")
    assert not draft.is_empty() and Draft(draft_id="d2").is_empty()
    loaded = draft.with_files_read()
    assert loaded.files == () and loaded.draft_id == "d1"
    assert [(a.filename, a.data, a.content_type) for a in loaded.attachments] == [
        ("cr.pdf", b"%PDF-1.4 report", "application/pdf")]
    assert dataclasses.replace(draft, files=(), xdm_file=package).with_files_read().xdm == (
        b"PK not read yet")
    message = build_message(draft, "jean.martin@hopital.mssante.fr")
    assert [p.get_filename() for p in message.iter_attachments()] == ["cr.pdf"]
    report.unlink()
    with pytest.raises(OSError):  # a file gone since it was attached: said, not dropped
        build_message(draft, "jean.martin@hopital.mssante.fr")
