"""Opening attachments of a real message (private Dovecot): the bytes reach the viewer
from memory, a program is refused, a saved copy is 0600."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from client.mail.cache import MailCache
from client.mail.keystore import MemoryKeyStore
from client.mail.opening import classify
from sandbox.xdm_sample import build_sample_xdm_zip, minimal_pdf
from tests.client.mail._servers import DOMAIN, Dovecot, PasswordSessionOpener, running_dovecot
from ui.live_mail import LiveMailService


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    with running_dovecot() as server:
        yield server


@pytest.fixture
def mail(dovecot: Dovecot, tmp_path: Path) -> Iterator[LiveMailService]:
    dovecot.reset_user("jean.martin")
    message = EmailMessage()
    message["From"] = f"Laboratoire <resultats@{DOMAIN}>"
    message["To"] = f"jean.martin@{DOMAIN}"
    message["Subject"] = "Résultats"
    message["Message-ID"] = f"<pj@{DOMAIN}>"
    message.set_content("Ci-joint.")
    message.add_attachment(minimal_pdf(["TSH 2,1"]), maintype="application",
                           subtype="pdf", filename="Résultats TSH.pdf")
    message.add_attachment(build_sample_xdm_zip(), maintype="application", subtype="zip",
                           filename="IHE_XDM.ZIP")
    message.add_attachment(b"MZ\x90\x00 program", maintype="application", subtype="pdf",
                           filename="ordonnance.pdf")
    dovecot.append("jean.martin", "INBOX", message.as_bytes())
    opener = PasswordSessionOpener(dovecot, "jean.martin")
    cache = MailCache.open(opener.address, keystore=MemoryKeyStore(),
                           path=tmp_path / "cache.sqlite3")
    service = LiveMailService(opener, cache=cache)
    yield service
    service.close()


def test_attachment_bytes_classified_and_saved_privately(
    qtbot: QtBot, mail: LiveMailService, tmp_path: Path
) -> None:
    (row,) = mail.messages("INBOX")
    view = mail.message("INBOX", row.uid)
    kinds = {}
    for info in view.attachments:
        data = mail.attachment("INBOX", row.uid, info.index)
        assert data.filename == info.filename and len(data.data) == info.size
        kinds[info.filename] = classify(data.filename, data.content_type, data.data).kind
    assert kinds == {"Résultats TSH.pdf": "pdf", "IHE_XDM.ZIP": "xdm",
                     "ordonnance.pdf": "blocked"}
    target = tmp_path / "copie.pdf"
    target.write_bytes(b"old")  # the save dialog asked before replacing it
    os.chmod(target, 0o644)
    saved = mail.save_attachment("INBOX", row.uid, view.attachments[0].index, target)
    assert saved.read_bytes().startswith(b"%PDF-")
    assert stat.S_IMODE(os.stat(saved).st_mode) == 0o600
