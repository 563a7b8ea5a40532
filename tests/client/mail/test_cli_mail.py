"""``mssante-companion mail ...`` end to end against the private Dovecot and SMTP sink."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest

import client.cli.mail as cli_mail
from client.cli import main
from client.cli._common import EXIT_ERROR, EXIT_POLICY, EXIT_USAGE
from client.mail.policy import DomainList
from tests.client.mail._fakes import FakeKeyring
from tests.client.mail._messages import letter, xdm_letter
from tests.client.mail._servers import (
    COLLEAGUE_DOMAIN,
    DOMAIN,
    Dovecot,
    PasswordSessionOpener,
    SmtpSink,
)

CLAIRE = f"claire.dubois@{COLLEAGUE_DOMAIN}"


@pytest.fixture
def fake_keyring() -> Iterator[FakeKeyring]:
    previous = keyring.get_keyring()
    fake = FakeKeyring()
    keyring.set_keyring(fake)
    yield fake
    keyring.set_keyring(previous)


@pytest.fixture
def signed_in(
    sender_opener: PasswordSessionOpener,
    fake_keyring: FakeKeyring,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Path:
    """The CLI signs in as Jean (test opener); returns the profile path."""
    calls: list[argparse.Namespace] = []

    def factory(args: argparse.Namespace) -> PasswordSessionOpener:
        calls.append(args)
        return sender_opener

    monkeypatch.setattr(cli_mail, "opener_factory", factory)
    monkeypatch.setattr(
        cli_mail, "load_trust_space", lambda: DomainList.of([DOMAIN, COLLEAGUE_DOMAIN])
    )
    profile = tmp_path / "profile.toml"
    profile.write_text(
        f'[account]\naddress = "{sender_opener.address}"\n'
        '[imap]\nhost = "127.0.0.1"\nport = 143\nsecurity = "starttls"\n'
        '[smtp]\nhost = "127.0.0.1"\nport = 587\nsecurity = "starttls"\n'
        '[auth]\nmethod = "card-tls"\n',
        encoding="utf-8",
    )
    return profile


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_folders_list_show_save(
    dovecot: Dovecot, signed_in: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    dovecot.append("jean.martin", "INBOX", letter().as_bytes())
    dovecot.append("jean.martin", "INBOX", xdm_letter().as_bytes())
    status, out, _ = _run(capsys, "mail", "folders", "--json")
    assert status == 0
    assert {f["role"] for f in json.loads(out)} >= {"inbox", "sent", "trash"}

    status, out, _ = _run(capsys, "mail", "list", "INBOX", "--limit", "1", "--json")
    document = json.loads(out)
    assert status == 0 and document["total"] == 2 and not document["offline"]
    (item,) = document["messages"]
    assert set(item) >= {"uid", "from", "to", "subject", "date", "flags", "size",
                         "has_attachments"}
    assert item["has_attachments"] is True and "LEFÈVRE" in item["subject"]

    status, out, _ = _run(capsys, "mail", "show", "INBOX", str(item["uid"]), "--json")
    shown = json.loads(out)
    assert shown["display_subject"] == "Compte rendu biologie LEFÈVRE Hélène 19650312"
    assert [a["filename"] for a in shown["attachments"]] == [
        "IHE_XDM.ZIP", "Compte rendu Hélène.pdf"
    ]

    target = tmp_path / "pj"
    status, out, _ = _run(capsys, "mail", "save-attachments", "INBOX", str(item["uid"]),
                          str(target), "--json")
    assert status == 0 and sorted(Path(p).name for p in json.loads(out)) == [
        "Compte rendu Hélène.pdf", "IHE_XDM.ZIP"
    ]
    status, _, err = _run(capsys, "mail", "save-attachments", "INBOX", str(item["uid"]),
                          str(target))
    assert status == 5 and "already exists" in err and "--overwrite" in err

    status, out, _ = _run(capsys, "mail", "show", "INBOX", str(item["uid"]))
    assert status == 0 and "IHE_XDM.ZIP" in out and "Subject: Compte rendu" in out


def test_sync_then_offline_list(
    dovecot: Dovecot, signed_in: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, fake_keyring: FakeKeyring,
) -> None:
    dovecot.append("jean.martin", "INBOX", letter(subject="Hémogramme").as_bytes())
    status, out, _ = _run(capsys, "mail", "sync", "--json")
    assert status == 0
    inbox = next(r for r in json.loads(out) if r["folder"] == "INBOX")
    assert inbox["added"] == 1 and inbox["full"]
    assert any(k[1].startswith("mail-cache:") for k in fake_keyring.entries)
    uid = json.loads(_run(capsys, "mail", "list", "INBOX", "--json")[1])["messages"][0]["uid"]
    assert _run(capsys, "mail", "show", "INBOX", str(uid))[0] == 0  # opened: cached

    class Unreachable(PasswordSessionOpener):
        def open_imap(self) -> Any:
            raise ConnectionRefusedError(111, "Connection refused")

    down = Unreachable(dovecot, "jean.martin")
    monkeypatch.setattr(cli_mail, "opener_factory", lambda _args: down)
    status, out, err = _run(capsys, "--profile", str(signed_in), "mail", "list", "INBOX",
                            "--json")
    document = json.loads(out)
    assert status == 0 and document["offline"] and "local cache" in err
    assert [m["subject"] for m in document["messages"]] == ["Hémogramme"]
    status, out, _ = _run(capsys, "mail", "list", "INBOX", "--offline",
                          "--profile", str(signed_in))
    assert status == 0 and "Hémogramme" in out
    status, out, err = _run(capsys, "--profile", str(signed_in), "mail", "show", "INBOX",
                            str(uid), "--json")
    shown = json.loads(out)
    assert status == 0 and shown["offline"] and shown["subject"] == "Hémogramme"
    assert "cached copy" in err


def test_send_and_refusals(
    dovecot: Dovecot, smtp_sink: SmtpSink, signed_in: Path,
    capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    dovecot.reset_user("claire.dubois")
    body = tmp_path / "lettre.txt"
    body.write_text("Chère consœur,\nci-joint le compte rendu.\n", encoding="utf-8")
    attachment = tmp_path / "cr.pdf"
    attachment.write_bytes(b"%PDF-1.4")
    status, out, err = _run(
        capsys, "mail", "send", "--to", CLAIRE, "--subject", "Compte rendu",
        "--body-file", str(body), "--attach", str(attachment), "--receipt", "--json",
    )
    assert status == 0, err
    sent = json.loads(out)
    assert sent["message_id"].startswith("<") and sent["state"] == "sent"
    delivered = smtp_sink.state.received[-1][2]
    assert b"Disposition-Notification-To: jean.martin@" in delivered

    status, _, err = _run(capsys, "mail", "send", "--to", "x@gmail.com", "--subject", "s",
                          "--body", "b")
    assert status == 4 and "outside the MSSanté trust space" in err
    assert len(smtp_sink.state.received) == 1

    smtp_sink.state.drop_connection = True
    status, _, err = _run(capsys, "mail", "send", "--to", CLAIRE, "--subject", "t",
                          "--body", "b")
    assert status != 0 and "kept in the outbox" in err
    status, out, _ = _run(capsys, "mail", "outbox", "--json", "--profile", str(signed_in))
    assert [e["state"] for e in json.loads(out)] == ["queued"]
    smtp_sink.state.drop_connection = False
    status, out, _ = _run(capsys, "mail", "outbox", "--retry", "--json")
    assert status == 0 and json.loads(out) == []
    assert len(smtp_sink.state.received) == 2


def test_bad_input_is_worded(
    signed_in: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, _, err = _run(capsys, "mail", "show", "INBOX", "999")
    assert status == 3 and "There is no message 999" in err
    status, _, err = _run(capsys, "mail", "list", "Nowhere")
    assert status == 3 and "no folder 'Nowhere'" in err
    with pytest.raises(SystemExit):
        main(["mail", "list", "INBOX", "--limit", "0"])
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(b"d\xe9j\xe0")
    status, _, err = _run(capsys, "mail", "send", "--to", CLAIRE, "--subject", "s",
                          "--body-file", str(bad))
    assert status == EXIT_ERROR and "not UTF-8" in err


def test_no_keyring_is_worded(
    dovecot: Dovecot, signed_in: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        status, _, err = _run(capsys, "mail", "sync", "INBOX")
    finally:
        keyring.set_keyring(previous)
    assert status == EXIT_ERROR and "unlock the system keyring" in err


def test_receipt_request_answered_with_consent_and_linked(
    dovecot: Dovecot, smtp_sink: SmtpSink, signed_in: Path,
    sender_opener: PasswordSessionOpener, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    dovecot.reset_user("claire.dubois")
    status, out, _ = _run(capsys, "mail", "send", "--to", CLAIRE, "--subject", "Avis ?",
                          "--body", "x", "--receipt", "--json")
    message_id = json.loads(out)["message_id"]
    claire = PasswordSessionOpener(dovecot, "claire.dubois", smtp_sink.port,
                                   domain=COLLEAGUE_DOMAIN)
    monkeypatch.setattr(cli_mail, "opener_factory", lambda _args: claire)
    uid = json.loads(_run(capsys, "mail", "list", "INBOX", "--json")[1])["messages"][0]["uid"]
    status, out, _ = _run(capsys, "mail", "show", "INBOX", str(uid), "--json")
    assert json.loads(out)["receipt_requested"] and json.loads(out)["receipt_can_be_sent"]
    status, _, err = _run(capsys, "mail", "send-receipt", "INBOX", str(uid))
    assert status == EXIT_USAGE and "--yes" in err  # no consent, nothing sent
    assert len(smtp_sink.state.received) == 1
    status, _, err = _run(capsys, "mail", "send-receipt", "INBOX", str(uid), "--yes")
    assert status == 0, err
    status, _, err = _run(capsys, "mail", "send-receipt", "INBOX", str(uid), "--yes")
    assert status == EXIT_POLICY and "already sent" in err
    monkeypatch.setattr(cli_mail, "opener_factory", lambda _args: sender_opener)
    status, out, _ = _run(capsys, "mail", "receipts", message_id, "--json")
    (linked,) = json.loads(out)
    assert linked["final_recipient"] == CLAIRE and linked["read"]
    status, out, _ = _run(capsys, "mail", "receipts", message_id)
    assert out.startswith("read on ") and CLAIRE in out


def test_search(dovecot: Dovecot, signed_in: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dovecot.append("jean.martin", "INBOX", letter(subject="Scanner thoracique").as_bytes())
    dovecot.append("jean.martin", "INBOX", letter(subject="Bilan hépatique",
                                                  body="transaminases élevées").as_bytes())
    status, out, _ = _run(capsys, "mail", "search", "INBOX", "--body", "élevées", "--json")
    found = json.loads(out)
    assert status == 0 and [m["subject"] for m in found["messages"]] == ["Bilan hépatique"]
    status, out, _ = _run(capsys, "mail", "search", "INBOX", "--since", "2000-01-01")
    assert status == 0 and "2 of 2" in out
    with pytest.raises(SystemExit):
        main(["mail", "search", "INBOX", "--since", "hier"])


def test_what_a_sender_wrote_cannot_drive_the_terminal(
    dovecot: Dovecot, signed_in: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Escape sequences (set the title, write the clipboard with OSC 52, clear the
    screen) and bidi overrides in a subject, a name, an attachment name or the body are
    shown, not obeyed, by the human-readable output."""
    hostile = (
        "From: =?utf-8?q?Dr_=1B[31mROUGE?= <claire.dubois@" + COLLEAGUE_DOMAIN + ">\r\n"
        "To: jean.martin@" + DOMAIN + "\r\n"
        "Subject: =?utf-8?q?RDV_=1B]52;c;cm0gLXJmIH4=07_=1B]2;titre=07?=\r\n"
        "Message-ID: <esc@test>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "Bonjour \x1b[2J\x1b[H efface\x9b31m\r\n"
        "--b\r\nContent-Type: application/octet-stream\r\n"
        "Content-Disposition: attachment; filename*=utf-8''ordonnance%E2%80%AEfdp.exe%1B[0m\r\n"
        "\r\nAAAA\r\n--b--\r\n"
    ).encode("utf-8")
    dovecot.append("jean.martin", "INBOX", hostile)
    status, listed, _ = _run(capsys, "mail", "list", "INBOX")
    assert status == 0
    uid = json.loads(_run(capsys, "mail", "list", "INBOX", "--json")[1])["messages"][0]["uid"]
    status, shown, _ = _run(capsys, "mail", "show", "INBOX", str(uid))
    assert status == 0 and "RDV" in shown and "efface" in shown
    for out in (listed, shown):
        for control in ("\x1b", "\x07", "\x9b", "\u202e"):
            assert control not in out
    assert "^[" in shown  # shown as cat -v shows it
    # For programs the text stays whole, escaped the JSON way.
    status, raw, _ = _run(capsys, "mail", "show", "INBOX", str(uid), "--json")
    assert status == 0 and "\u202e" not in raw and "\x9b" not in raw
    document = json.loads(raw)
    assert "\u202e" in document["attachments"][0]["filename"]
    assert "\x9b" in document["text"]
