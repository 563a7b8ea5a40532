"""Everyday actions against a real Dovecot: trash and undo, move, archive, folders, forward."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path
from typing import Any

import pytest

from client.mail import actions
from client.mail.compose import XDM_FILENAME, build_message, forward, reply
from client.mail.mailbox import Mailbox, SearchQuery
from client.mail.reading import parse_message
from sandbox.dovecot import write_password_config
from sandbox.xdm_sample import build_sample_xdm_zip, sample_xdm_headers
from tests.client.mail import _servers
from tests.client.mail._messages import JEAN, letter
from tests.client.mail._servers import Dovecot, PasswordSessionOpener, running_dovecot


def _subjects(dovecot: Dovecot, user: str, folder: str) -> list[str]:
    imap = dovecot.client(user)
    try:
        imap.select_folder(folder, readonly=True)
        uids = imap.search(["ALL"])
        data = imap.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (SUBJECT)]"]) if uids else {}
        return sorted(
            str(email.message_from_bytes(item[b"BODY[HEADER.FIELDS (SUBJECT)]"],
                                         policy=email.policy.default)["Subject"])
            for item in data.values())
    finally:
        imap.logout()


def _uids(mailbox: Mailbox, folder: str) -> list[int]:
    return sorted(mailbox.search(folder, SearchQuery()))


def test_delete_goes_to_the_trash_and_comes_back(
    dovecot: Dovecot, user: str, mailbox: Mailbox
) -> None:
    for subject in ("Lettre A", "Lettre B", "Lettre C"):
        dovecot.append(user, "INBOX", letter(subject=subject).as_bytes())
    uids = _uids(mailbox, "INBOX")
    moved = actions.delete_messages(mailbox, "INBOX", uids[:2])
    assert moved is not None and moved.target == "Trash" and len(moved.message_ids) == 2
    assert _subjects(dovecot, user, "INBOX") == ["Lettre C"]
    assert _subjects(dovecot, user, "Trash") == ["Lettre A", "Lettre B"]

    assert actions.undo_move(mailbox, moved) == 2
    assert _subjects(dovecot, user, "INBOX") == ["Lettre A", "Lettre B", "Lettre C"]
    assert _subjects(dovecot, user, "Trash") == []


def test_delete_in_the_trash_is_for_good_and_emptying_clears_it(
    dovecot: Dovecot, user: str, mailbox: Mailbox
) -> None:
    for subject in ("Vieux 1", "Vieux 2", "Vieux 3"):
        dovecot.append(user, "Trash", letter(subject=subject).as_bytes())
    mailbox.folders()
    uids = _uids(mailbox, "Trash")
    assert actions.delete_messages(mailbox, "Trash", uids[:1]) is None
    assert _subjects(dovecot, user, "Trash") == ["Vieux 2", "Vieux 3"]
    assert actions.empty_folder(mailbox, "Trash") == 2
    assert _subjects(dovecot, user, "Trash") == []


def test_archive_creates_archives_when_the_server_has_none(
    dovecot: Dovecot, user: str, mailbox: Mailbox
) -> None:
    dovecot.append(user, "INBOX", letter(subject="À archiver").as_bytes())
    moved = actions.archive_messages(mailbox, "INBOX", _uids(mailbox, "INBOX"))
    assert moved.target == "Archives"
    assert "Archives" in {f.name for f in mailbox.folders()}
    assert _subjects(dovecot, user, "Archives") == ["À archiver"]
    # A second archive finds the folder again instead of creating it.
    dovecot.append(user, "INBOX", letter(subject="Encore").as_bytes())
    assert actions.archive_folder(mailbox) == "Archives"


def test_archive_uses_the_server_s_archive_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    """An operator that announces a ``\\Archive`` folder (RFC 6154), whatever its name,
    gets the archives there: no "Archives" folder is created beside it."""

    def with_archive(directory: Path, **options: Any) -> Path:
        path = write_password_config(directory, **options)
        text = path.read_text()
        assert "  mailbox Junk {" in text
        path.write_text(text.replace(
            "  mailbox Junk {",
            "  mailbox Classement {\n    special_use = \\Archive\n    auto = subscribe\n  }\n"
            "  mailbox Junk {", 1))
        return path

    monkeypatch.setattr(_servers, "write_password_config", with_archive)
    with running_dovecot() as server:
        server.reset_user("archiviste")
        server.append("archiviste", "INBOX", letter(subject="À classer").as_bytes())
        with Mailbox(PasswordSessionOpener(server, "archiviste")) as mailbox:
            assert actions.archive_folder(mailbox) == "Classement"
            moved = actions.archive_messages(mailbox, "INBOX", _uids(mailbox, "INBOX"))
            assert moved.target == "Classement"
            assert "Archives" not in {f.name for f in mailbox.folders()}
        assert _subjects(server, "archiviste", "Classement") == ["À classer"]
        assert _subjects(server, "archiviste", "INBOX") == []


def test_nested_folders_are_created_renamed_and_deleted(
    dovecot: Dovecot, user: str, mailbox: Mailbox
) -> None:
    mailbox.create_folder("Dossiers patients")
    mailbox.create_folder("Dossiers patients/2024")
    dovecot.append(user, "INBOX", letter(subject="Patient 2024").as_bytes())
    actions.move_messages(mailbox, "INBOX", _uids(mailbox, "INBOX"), "Dossiers patients/2024")
    names = {f.name for f in mailbox.folders()}
    assert {"Dossiers patients", "Dossiers patients/2024"} <= names

    mailbox.rename_folder("Dossiers patients", "Patients")
    names = {f.name for f in mailbox.folders()}
    assert "Patients/2024" in names and "Dossiers patients/2024" not in names
    assert _subjects(dovecot, user, "Patients/2024") == ["Patient 2024"]

    mailbox.delete_folder("Patients/2024")
    assert "Patients/2024" not in {f.name for f in mailbox.folders()}


def test_message_ids_are_read_without_marking_seen(
    dovecot: Dovecot, user: str, mailbox: Mailbox
) -> None:
    dovecot.append(user, "INBOX", letter(message_id="<abc.123@clinique>").as_bytes())
    (uid,) = _uids(mailbox, "INBOX")
    assert mailbox.message_ids("INBOX", [uid]) == {uid: "<abc.123@clinique>"}
    (summary,) = mailbox.summaries("INBOX", [uid])
    assert "\\Seen" not in summary.flags


def _structured_letter(package: bytes) -> bytes:
    msg = letter(subject="XDM/1.0/DDM+CR-BIO DUPONT Marie 19610312")
    for name, value in sample_xdm_headers().items():
        msg[name] = value
    msg.add_attachment(package, maintype="application", subtype="zip",
                       filename=XDM_FILENAME)
    msg.add_attachment(b"%PDF-1.4 rendu", maintype="application", subtype="pdf",
                       filename="CR_biologie_TSH.pdf")
    return msg.as_bytes()


def test_forward_inline_keeps_the_xdm_and_its_pdf_with_computed_headers() -> None:
    package = build_sample_xdm_zip()
    raw = _structured_letter(package)
    draft = forward(parse_message(raw), raw, to=("claire.dubois@clinique.mssante.fr",))
    assert draft.xdm == package
    assert [a.filename for a in draft.attachments] == ["CR_biologie_TSH.pdf"]
    message = build_message(draft, JEAN)
    assert message["X-MSS-CODECDA"] == "11502-2" and message["X-MSS-INS"] == "O"
    names = [p.get_filename() for p in message.iter_attachments()]
    assert names == [XDM_FILENAME, "CR_biologie_TSH.pdf"]
    assert message["Subject"].startswith("Tr: ")


def test_forward_as_attachment_announces_the_document_it_carries() -> None:
    raw = _structured_letter(build_sample_xdm_zip())
    draft = forward(parse_message(raw), raw, to=("claire.dubois@clinique.mssante.fr",),
                    inline=False)
    message = build_message(draft, JEAN)
    assert message["X-MSS-CODECDA"] == "11502-2" and message["X-MSS-INS"] == "O"
    (part,) = list(message.iter_attachments())
    assert part.get_content_type() == "message/rfc822"
    # A plain message forwarded as an attachment announces nothing.
    plain = letter().as_bytes()
    message = build_message(forward(parse_message(plain), plain, to=("a@b.mssante.fr",),
                                    inline=False), JEAN)
    assert message["X-MSS-CODECDA"] is None


def test_reply_all_threads_and_leaves_me_out() -> None:
    original = letter(message_id="<orig@clinique>")
    original["Cc"] = f"{JEAN}, Secrétariat <secretariat@clinique.mssante.fr>"
    original["References"] = "<first@clinique>"
    draft = reply(parse_message(original.as_bytes()), JEAN, reply_all=True)
    message = build_message(draft, JEAN)
    assert message["In-Reply-To"] == "<orig@clinique>"
    assert message["References"] == "<first@clinique> <orig@clinique>"
    assert JEAN not in (message["Cc"] or "")
    assert "secretariat@clinique.mssante.fr" in message["Cc"]
