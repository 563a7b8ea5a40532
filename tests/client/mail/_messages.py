"""Realistic French health mail for the tests, built with the standard ``email`` package."""

from __future__ import annotations

import email.utils
import io
import zipfile
from email.message import EmailMessage

from tests.client.mail._servers import COLLEAGUE_DOMAIN, DOMAIN

JEAN = f"jean.martin@{DOMAIN}"
CLAIRE = f"claire.dubois@{COLLEAGUE_DOMAIN}"


def letter(
    subject: str = "Compte rendu de consultation — Mme Hélène Lefèvre",
    sender: str = f"Dr Claire Dubois <{CLAIRE}>",
    to: str = f"Dr Jean Martin <{JEAN}>",
    body: str = "Cher confrère,\n\nVoici le compte rendu de la consultation d'hier.\n",
    message_id: str | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = email.utils.format_datetime(email.utils.localtime())
    msg["Message-ID"] = message_id or email.utils.make_msgid(domain=COLLEAGUE_DOMAIN)
    msg.set_content(body)
    return msg


def xdm_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("README.TXT", "Paquet IHE XDM\n")
        archive.writestr("INDEX.HTM", "<html><body>Index</body></html>")
        archive.writestr("IHE_XDM/SUBSET01/METADATA.XML", "<SubmitObjectsRequest/>")
        archive.writestr("IHE_XDM/SUBSET01/DOC0001.XML", "<ClinicalDocument/>")
    return buffer.getvalue()


def xdm_letter() -> EmailMessage:
    msg = letter(
        subject="XDM/1.0/DDM+Compte rendu biologie LEFÈVRE Hélène 19650312",
        body="Résultats de biologie en pièce jointe.\n",
    )
    msg["X-MSS-CODECDA"] = "11502-2"
    msg["X-MSS-INS"] = "1650375123456"
    msg.add_attachment(
        xdm_zip(), maintype="application", subtype="zip", filename="IHE_XDM.ZIP"
    )
    msg.add_attachment(
        b"%PDF-1.4 fake", maintype="application", subtype="pdf",
        filename="Compte rendu Hélène.pdf",
    )
    return msg


def mdn_report(original_message_id: str, recipient: str = CLAIRE) -> EmailMessage:
    """A read receipt (RFC 8098) as an MSSanté client would send it."""
    msg = EmailMessage()
    msg["From"] = recipient
    msg["To"] = JEAN
    msg["Subject"] = "Accusé de lecture : Compte rendu"
    msg["Date"] = email.utils.format_datetime(email.utils.localtime())
    msg["Message-ID"] = email.utils.make_msgid(domain=COLLEAGUE_DOMAIN)
    msg.make_mixed()
    msg.set_type("multipart/report")
    msg.set_param("report-type", "disposition-notification")
    text = EmailMessage()
    text.set_content("Le message a été affiché par le destinataire.\n")
    msg.attach(text)
    report = EmailMessage()
    report.set_content(
        (
            "Reporting-UA: test-client\r\n"
            f"Final-Recipient: rfc822;{recipient}\r\n"
            f"Original-Message-ID: {original_message_id}\r\n"
            "Disposition: manual-action/MDN-sent-manually; displayed\r\n"
        ).encode("ascii"),
        maintype="message",
        subtype="disposition-notification",
        cte="7bit",
    )
    msg.attach(report)
    return msg
