"""Mailbox operations against a real Dovecot."""

from __future__ import annotations

import datetime as dt

import pytest

from client.mail.errors import FolderNotFound, MessageNotFound
from client.mail.mailbox import Mailbox, SearchQuery
from tests.client.mail._messages import letter, xdm_letter
from tests.client.mail._servers import Dovecot


def test_folders_carry_special_use_roles(mailbox: Mailbox) -> None:
    roles = {f.role: f.name for f in mailbox.folders()}
    assert roles == {
        "inbox": "INBOX", "sent": "Sent", "drafts": "Drafts", "trash": "Trash", "junk": "Junk"
    }
    assert mailbox.folder_for("trash") == "Trash"


def test_list_is_newest_first_with_pagination(
    dovecot: Dovecot, user: str, mailbox: Mailbox
) -> None:
    for n in range(7):
        dovecot.append(user, "INBOX", letter(subject=f"Résultat n°{n}").as_bytes())
    first = mailbox.list_messages("INBOX", limit=3)
    second = mailbox.list_messages("INBOX", limit=3, offset=3)
    assert first.total == 7
    assert [m.subject for m in first.messages] == ["Résultat n°6", "Résultat n°5", "Résultat n°4"]
    assert [m.subject for m in second.messages] == [
        "Résultat n°3", "Résultat n°2", "Résultat n°1"
    ]
    item = first.messages[0].to_json()
    assert set(item) >= {"uid", "from", "to", "subject", "date", "flags", "size",
                         "has_attachments"}
    assert item["from"] == "Dr Claire Dubois <claire.dubois@clinique-sandbox.mssante.fr>"
    assert item["has_attachments"] is False


def test_accented_subject_and_xdm_attachment_flag(
    dovecot: Dovecot, user: str, mailbox: Mailbox
) -> None:
    dovecot.append(user, "INBOX", letter().as_bytes())
    dovecot.append(user, "INBOX", xdm_letter().as_bytes())
    page = mailbox.list_messages("INBOX")
    xdm, plain = page.messages
    assert xdm.subject == "XDM/1.0/DDM+Compte rendu biologie LEFÈVRE Hélène 19650312"
    assert xdm.has_attachments is True
    assert plain.subject == "Compte rendu de consultation — Mme Hélène Lefèvre"
    assert plain.has_attachments is False


def test_fetch_does_not_mark_seen_then_flags(dovecot: Dovecot, user: str, mailbox: Mailbox) -> None:
    raw = letter().as_bytes()
    dovecot.append(user, "INBOX", raw)
    (summary,) = mailbox.list_messages("INBOX").messages
    assert mailbox.fetch_raw("INBOX", summary.uid).replace(b"\r\n", b"\n") == raw.replace(
        b"\r\n", b"\n"
    )
    assert not mailbox.summaries("INBOX", [summary.uid])[0].seen
    mailbox.add_flags("INBOX", [summary.uid], ["\\Seen", "\\Flagged"])
    (after,) = mailbox.summaries("INBOX", [summary.uid])
    assert {"\\Seen", "\\Flagged"} <= set(after.flags)
    mailbox.remove_flags("INBOX", [summary.uid], ["\\Flagged"])
    assert "\\Flagged" not in mailbox.summaries("INBOX", [summary.uid])[0].flags


def test_delete_moves_to_trash_then_expunges(
    dovecot: Dovecot, user: str, mailbox: Mailbox
) -> None:
    dovecot.append(user, "INBOX", letter(subject="À supprimer").as_bytes())
    (summary,) = mailbox.list_messages("INBOX").messages
    mailbox.delete("INBOX", [summary.uid])
    assert mailbox.list_messages("INBOX").total == 0
    trash = mailbox.list_messages("Trash")
    assert [m.subject for m in trash.messages] == ["À supprimer"]
    mailbox.delete("Trash", [trash.messages[0].uid])
    assert mailbox.list_messages("Trash").total == 0


def test_move_between_folders(dovecot: Dovecot, user: str, mailbox: Mailbox) -> None:
    dovecot.append(user, "INBOX", letter().as_bytes())
    (summary,) = mailbox.list_messages("INBOX").messages
    mailbox.move("INBOX", [summary.uid], "Junk")
    assert mailbox.list_messages("Junk").total == 1


def test_server_side_search(dovecot: Dovecot, user: str, mailbox: Mailbox) -> None:
    dovecot.append(user, "INBOX", letter(subject="Biologie Hélène", body="potassium").as_bytes())
    dovecot.append(
        user, "INBOX",
        letter(subject="Radiologie", sender="radio@imagerie.mssante.fr", body="scanner").as_bytes(),
    )
    assert len(mailbox.search("INBOX", SearchQuery(subject="hélène"))) == 1
    assert len(mailbox.search("INBOX", SearchQuery(sender="imagerie"))) == 1
    assert len(mailbox.search("INBOX", SearchQuery(body="potassium"))) == 1
    today = dt.date.today()
    assert len(mailbox.search("INBOX", SearchQuery(since=today - dt.timedelta(days=1)))) == 2
    assert mailbox.search("INBOX", SearchQuery(before=today - dt.timedelta(days=30))) == []


def test_unknown_folder_and_message(mailbox: Mailbox) -> None:
    with pytest.raises(FolderNotFound) as info:
        mailbox.list_messages("Nulle part")
    assert info.value.folder == "Nulle part"
    with pytest.raises(MessageNotFound):
        mailbox.fetch_raw("INBOX", 4242)


def test_append_returns_uid(mailbox: Mailbox) -> None:
    uid = mailbox.append("Drafts", letter().as_bytes(), flags=["\\Draft"])
    assert uid is not None
    assert mailbox.summaries("Drafts", [uid])[0].uid == uid


def test_server_side_sort_by_size(dovecot: Dovecot, user: str, mailbox: Mailbox) -> None:
    for size in (10, 3000, 200):
        dovecot.append(user, "INBOX", letter(subject=f"taille {size}", body="x" * size).as_bytes())
    page = mailbox.list_messages("INBOX", sort="size")
    assert [m.subject for m in page.messages] == ["taille 3000", "taille 200", "taille 10"]
    with pytest.raises(ValueError, match="unknown sort"):
        mailbox.list_messages("INBOX", sort="colour")


def test_search_header_with_accents(dovecot: Dovecot, user: str, mailbox: Mailbox) -> None:
    dovecot.append(user, "INBOX", letter(subject="Avis – Mme Hélène Lefèvre").as_bytes())
    assert len(mailbox.search_header("INBOX", "Subject", "Avis – Mme Hélène")) == 1
    assert mailbox.search_header("INBOX", "Subject", "absent") == []


def test_status_counts(dovecot: Dovecot, user: str, mailbox: Mailbox) -> None:
    dovecot.append(user, "INBOX", letter().as_bytes())
    dovecot.append(user, "INBOX", letter().as_bytes(), flags=(b"\\Seen",))
    assert mailbox.status("INBOX") == {"messages": 2, "unseen": 1, "uidnext": 3}
    with pytest.raises(FolderNotFound):
        mailbox.status("Absent")


def test_junk_on_the_server_lists_and_reads(dovecot: Dovecot, user: str, mailbox: Mailbox) -> None:
    from client.mail.reading import parse_message

    dovecot.append(user, "INBOX", b"x")
    dovecot.append(
        user, "INBOX",
        b"From: =?bogus?Q?=FF?= <<a@@b>>\r\nSubject: \xff\xfe caf\xe9\r\nDate: 31 Feb 99\r\n"
        b"Content-Type: text/plain; charset=utf-16\r\n\r\n\xe9t\xe9\r\n",
    )
    page = mailbox.list_messages("INBOX")
    assert page.total == 2
    for summary in page.messages:
        assert isinstance(summary.subject, str)
        read = parse_message(mailbox.fetch_raw("INBOX", summary.uid))
        assert isinstance(read.text, str)


def test_status_of_the_open_folder_counts_what_another_session_added(
    dovecot: Dovecot, user: str, mailbox: Mailbox
) -> None:
    dovecot.append(user, "INBOX", letter().as_bytes())
    mailbox.select("INBOX", readonly=True)
    assert mailbox.status("INBOX")["messages"] == 1
    dovecot.append(user, "INBOX", letter().as_bytes())  # another session, e.g. a phone
    mailbox.catch_up()
    assert mailbox.status("INBOX")["messages"] == 2
