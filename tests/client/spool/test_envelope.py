"""Outgoing files of the spool: .eml and .json envelopes, checked before anything is sent."""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path

import pytest

from client.spool.envelope import prepare
from client.spool.errors import EnvelopeInvalid
from client.spool.files import SpoolLayout, SpoolLock
from client.spool.submission import dot_stuffed

ME = "dpi@hopital-exemple.mssante.fr"
CLAIRE = "claire.dubois@clinique-exemple.mssante.fr"


def _eml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "m.eml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_eml_gets_a_message_id_and_loses_its_bcc_header(tmp_path: Path) -> None:
    path = _eml(tmp_path, f"From: {ME}\nTo: {CLAIRE}\nBcc: archive@hopital-exemple.mssante.fr"
                          "\nSubject: s\n\nbody\n")
    prepared = prepare(path, "m.eml", tmp_path, ME)
    assert prepared.recipients == (CLAIRE, "archive@hopital-exemple.mssante.fr")
    message = email.message_from_bytes(prepared.raw, policy=email.policy.default)
    assert "Bcc" not in message and str(message["Message-ID"]).strip() == prepared.message_id
    assert prepared.message_id.endswith("@hopital-exemple.mssante.fr>")


def test_an_eml_with_its_message_id_is_sent_byte_for_byte(tmp_path: Path) -> None:
    text = f"From: {ME}\r\nTo: {CLAIRE}\r\nMessage-ID: <a@b>\r\nSubject: s\r\n\r\nbody\r\n"
    prepared = prepare(_eml(tmp_path, text), "m.eml", tmp_path, ME)
    assert prepared.raw == text.encode() and prepared.message_id == "<a@b>"


def test_folded_and_encoded_headers_give_their_addresses_and_message_id(
        tmp_path: Path) -> None:
    text = (f"From: =?utf-8?q?Service_d=C3=A9mo?= <{ME}>\r\n"
            f"To: =?utf-8?q?Claire_Dubois_=C3=A9?= <{CLAIRE}>,\r\n"
            " \"Secr\u00e9tariat\" <secretariat@clinique-exemple.mssante.fr>\r\n"
            "Cc: <cc@hopital-exemple.mssante.fr>\r\nMessage-ID:\r\n <folded@b>\r\n"
            "Subject: s\r\n\r\nbody\r\n")
    prepared = prepare(_eml(tmp_path, text), "m.eml", tmp_path, ME)
    assert prepared.recipients == (CLAIRE, "secretariat@clinique-exemple.mssante.fr",
                                   "cc@hopital-exemple.mssante.fr")
    assert prepared.message_id == "<folded@b>" and not prepared.rewritten
    assert prepared.raw == text.encode()


@pytest.mark.parametrize("sender", ["other@hopital-exemple.mssante.fr",
                                    f"{ME}, other@hopital-exemple.mssante.fr"])
def test_an_eml_from_someone_else_is_refused(tmp_path: Path, sender: str) -> None:
    with pytest.raises(EnvelopeInvalid, match="From must be the mailbox"):
        prepare(_eml(tmp_path, f"From: {sender}\nTo: {CLAIRE}\n\nx\n"), "m.eml", tmp_path, ME)


def _json(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "e.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize(("document", "words"), [
    ({"recipients": [CLAIRE]}, "unknown keys recipients"),
    ({"to": [CLAIRE], "attachments": ["../secret.pdf"]}, "outside the envelope's folder"),
    ({"to": [CLAIRE], "attachments": ["/etc/passwd"]}, "outside the envelope's folder"),
    ({"to": [CLAIRE], "attachments": ["missing.pdf"]}, "does not exist"),
    ({"to": [CLAIRE], "receipt": "yes"}, "receipt must be true or false"),
    ({"to": [], "subject": "s"}, "no recipient"),
    ([CLAIRE], "must be a JSON object"),
])
def test_bad_envelopes_are_refused_with_the_reason(
    tmp_path: Path, document: object, words: str
) -> None:
    (tmp_path.parent / "secret.pdf").write_bytes(b"%PDF")
    with pytest.raises(EnvelopeInvalid, match=words):
        prepare(_json(tmp_path, document), "e.json", tmp_path, ME)


def test_an_envelope_with_attachments_becomes_a_message(tmp_path: Path) -> None:
    (tmp_path / "cr").mkdir()
    (tmp_path / "cr" / "cr.pdf").write_bytes(b"%PDF-1.4 test")
    prepared = prepare(_json(tmp_path, {"to": CLAIRE, "cc": [], "subject": "CR", "body": "b",
                                        "attachments": ["cr/cr.pdf"], "receipt": True}),
                       "e.json", tmp_path, ME)
    message = email.message_from_bytes(prepared.raw, policy=email.policy.default)
    assert message["Disposition-Notification-To"] == ME
    assert [p.get_filename() for p in message.iter_attachments()] == ["cr.pdf"]


def test_dot_stuffing_and_line_ends() -> None:
    assert dot_stuffed(b"a\n.b\r\n..c\rd") == b"a\r\n..b\r\n...c\r\nd\r\n"


def test_one_lock_holder_per_directory(tmp_path: Path) -> None:
    layout = SpoolLayout(tmp_path)
    layout.create()
    first, second = SpoolLock(layout), SpoolLock(layout)
    assert first.try_acquire() and not second.try_acquire()
    first.release()
    assert second.try_acquire()
    second.release()


def test_a_claim_interrupted_before_the_journal_is_prepared_again(tmp_path: Path) -> None:
    from client.mail.policy import DomainList, RecipientPolicy
    from client.spool import Spool

    class NoServer:
        address = ME

        def open_smtp(self) -> None:
            raise ConnectionRefusedError("no server in this test")

        def open_imap(self) -> None:
            raise ConnectionRefusedError("no server in this test")

    layout = SpoolLayout(tmp_path)
    layout.create()
    # As left by a process killed after the claim and the prepared copy, before the journal.
    (layout.work / "17-a.eml").write_text(f"From: {ME}\nTo: {CLAIRE}\nMessage-ID: <k@x>\n\nx\n")
    (layout.work / "17-a.eml.msg").write_bytes(b"half")
    (layout.work / ".17-b.eml.msg.tmp").write_bytes(b"half")
    spool = Spool(tmp_path, NoServer(),  # type: ignore[arg-type]
                  RecipientPolicy(DomainList.of(["clinique-exemple.mssante.fr"])))
    try:
        spool.recover()
        row = spool.journal.get("<k@x>")
        assert row is not None and (row.name, row.state) == ("a.eml", "queued")
        # The half-written copy is gone: the claimed file, unchanged, is the message.
        assert not (layout.work / "17-a.eml.msg").exists()
        assert not (layout.work / ".17-b.eml.msg.tmp").exists()
    finally:
        spool.close()
