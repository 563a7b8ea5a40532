"""Realistic French health mail for the sandbox mailboxes, written as Maildir files.

The doctor's mailbox gets, in INBOX: a lab report with an accented PDF name (RFC 2231),
a discharge letter with accented subject and names (RFC 2047), an ``IHE_XDM.ZIP`` lab
report with its PDF and the ``X-MSS-*`` headers, and an MDN read receipt (RFC 8098) for a
letter that sits in Sent; plus a draft. The colleague gets a welcome message. Files are
written before Dovecot starts (Maildir ``cur/`` entries; Dovecot indexes them on first
access) and given to the mail user.
"""

from __future__ import annotations

import datetime as _dt
import logging
import os
import socket
import time
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path

from sandbox.identities import COLLEAGUE, DOCTOR, Identity

__all__ = ["LAB_DOMAIN", "build_doctor_mail", "maildir_folder", "seed_mailboxes",
           "write_maildir_message"]

logger = logging.getLogger(__name__)

_LAB = ("Laboratoire Biolab Sandbox", "resultats@labo-sandbox.mssante.fr")
#: The seeded lab's MSSanté domain: another operator's, inside the trust space (the
#: sandbox's liste blanche names it), so replying to its results is accepted.
LAB_DOMAIN = _LAB[1].split("@")[1]
_counter = 0
# Long integration subjects (XDM/1.0/DDM+...) stay on one line rather than fold oddly.
_STORE_POLICY = policy.default.clone(max_line_length=200)
# Winter time in Paris (CET); the seeded dates need not follow daylight saving.
_PARIS = _dt.timezone(_dt.timedelta(hours=1))


def maildir_folder(home: Path, folder: str) -> Path:
    """The Maildir++ directory of ``folder`` (``INBOX`` or e.g. ``Sent``) under a user home."""
    root = home / "Maildir"
    path = root if folder.upper() == "INBOX" else root / f".{folder.replace('/', '.')}"
    for sub in ("cur", "new", "tmp"):
        (path / sub).mkdir(parents=True, exist_ok=True)
    return path


def write_maildir_message(home: Path, folder: str, message: EmailMessage, flags: str = "") -> Path:
    """Store ``message`` in ``folder`` with Maildir ``flags`` (e.g. ``"S"`` for seen)."""
    global _counter
    _counter += 1
    directory = maildir_folder(home, folder)
    data = message.as_bytes(policy=_STORE_POLICY)
    name = f"{int(time.time())}.M{_counter}P{os.getpid()}.{socket.gethostname()},S={len(data)}"
    path = directory / "cur" / f"{name}:2,{''.join(sorted(flags))}"
    tmp = directory / "tmp" / name
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


def _address(identity: Identity) -> str:
    return formataddr((f"Dr {identity.given_name.title()} {identity.family_name}"
                       if identity.profession == "Médecin" else identity.display_name,
                       identity.address))  # fmt: skip


def _base(subject: str, sender: str, to: str, days_ago: float) -> EmailMessage:
    message = EmailMessage(policy=policy.default)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    when = _dt.datetime.now(_PARIS) - _dt.timedelta(days=days_ago)
    message["Date"] = format_datetime(when.replace(microsecond=0))
    message["Message-ID"] = make_msgid(domain="sandbox.mssante.fr")
    message["MIME-Version"] = "1.0"
    return message


def _pdf(lines: list[str]) -> bytes:
    try:
        from sandbox.xdm_sample import minimal_pdf
    except ImportError:  # the XDM sample module is another engineer's; degrade gracefully
        return b"%PDF-1.4\n% " + " / ".join(lines).encode("latin-1", "replace") + b"\n%%EOF\n"
    return minimal_pdf(lines)


def build_doctor_mail() -> list[tuple[str, EmailMessage, str]]:
    """The doctor's seeded messages as ``(folder, message, maildir flags)``."""
    doctor = _address(DOCTOR)
    colleague = _address(COLLEAGUE)
    out: list[tuple[str, EmailMessage, str]] = []

    lab = _base("Résultats d'analyses – Mme Élodie LEFÈVRE", formataddr(_LAB), doctor, 3)
    lab.set_content(
        "Bonjour Docteur,\n\nVeuillez trouver ci-joint les résultats du bilan sanguin de "
        "Mme Élodie LEFÈVRE (née le 12/04/1968), prélevé le 2 novembre.\n"
        "Hémoglobine : 13,2 g/dL ; TSH : 2,1 mUI/L.\n\nBien confraternellement,\n"
        "Le biologiste responsable\n"
    )
    lab.add_attachment(
        _pdf(["Resultats biologie", "Mme Elodie LEFEVRE", "TSH 2,1 mUI/L"]),
        maintype="application", subtype="pdf",
        filename="Résultats_biologie_Élodie_LEFÈVRE.pdf",
    )  # fmt: skip
    out.append(("INBOX", lab, "S"))

    letter = _base(
        "Lettre de liaison – sortie de M. François Béranger", colleague, doctor, 2
    )
    letter.set_content(
        "Cher confrère,\n\nVotre patient M. François BÉRANGER a quitté le service de "
        "médecine interne ce jour. Traitement de sortie : bisoprolol 2,5 mg, "
        "apixaban 5 mg deux fois par jour.\nUn contrôle de la fonction rénale est à prévoir "
        "sous huit jours.\n\nBien cordialement,\nClaire Dubois, infirmière coordinatrice\n"
    )
    letter.add_alternative(
        "<html><body><p>Cher confrère,</p><p>Votre patient <b>M. François BÉRANGER</b> a "
        "quitté le service de médecine interne ce jour.</p><p>Bien cordialement,<br>"
        "Claire Dubois</p></body></html>",
        subtype="html",
    )
    out.append(("INBOX", letter, ""))

    try:
        from sandbox.xdm_sample import (
            build_sample_xdm_zip,
            sample_xdm_headers,
            sample_xdm_subject,
        )
    except ImportError:
        logger.warning("sandbox.xdm_sample not available: no XDM message seeded")
    else:
        xdm = _base(sample_xdm_subject(), formataddr(_LAB), doctor, 1)
        for name, value in sample_xdm_headers().items():
            xdm[name] = value
        xdm.set_content(
            "Compte rendu d'examens biologiques structuré (CDA R2 niveau 3) joint au format "
            "IHE XDM.\n"
        )
        xdm.add_attachment(build_sample_xdm_zip(), maintype="application", subtype="zip",
                           filename="IHE_XDM.ZIP")  # fmt: skip
        xdm.add_attachment(
            _pdf(["Compte rendu d'examens biologiques", "TSH"]),
            maintype="application", subtype="pdf", filename="CR_biologie_TSH.pdf",
        )  # fmt: skip
        out.append(("INBOX", xdm, ""))

    sent = _base("Demande d'avis – Mme Élodie LEFÈVRE", doctor, colleague, 4)
    sent["Disposition-Notification-To"] = DOCTOR.address
    sent.set_content(
        "Chère collègue,\n\nPourriez-vous passer voir Mme LEFÈVRE demain matin pour le "
        "pansement ?\n\nMerci,\nDr Jean Martin\n"
    )
    out.append(("Sent", sent, "S"))

    receipt = _base(f"Accusé de lecture : {sent['Subject']}", colleague, doctor, 3.5)
    receipt.set_content(
        f"Le message « {sent['Subject']} » envoyé à {COLLEAGUE.address} a été lu.\n"
    )
    receipt.make_mixed()
    report = EmailMessage(policy=policy.default)
    report["Content-Type"] = "message/disposition-notification"
    report.set_payload(
        "Reporting-UA: clinique-sandbox.mssante.fr; Compagnon MSSante\n"
        f"Original-Recipient: rfc822;{COLLEAGUE.address}\n"
        f"Final-Recipient: rfc822;{COLLEAGUE.address}\n"
        f"Original-Message-ID: {sent['Message-ID']}\n"
        "Disposition: manual-action/MDN-sent-manually; displayed\n"
    )
    receipt.attach(report)
    original = EmailMessage(policy=policy.default)
    original["Content-Type"] = "text/rfc822-headers"
    # RFC 8098 section 3: the third part carries the original headers, as sent (RFC 2047
    # encoded, hence ASCII).
    original.set_payload(
        sent.as_bytes(policy=policy.default).split(b"\n\n", 1)[0].decode("ascii") + "\n"
    )
    receipt.attach(original)
    receipt.set_type("multipart/report")
    receipt.set_param("report-type", "disposition-notification")
    out.append(("INBOX", receipt, ""))

    draft = _base("Brouillon : certificat de reprise", doctor, "", 0.5)
    del draft["To"]
    draft.set_content("Je soussigné, Dr Jean MARTIN, certifie que…\n")
    out.append(("Drafts", draft, "DS"))
    return out


def seed_mailboxes(homes: dict[str, Path]) -> int:
    """Write the seeded mail into the homes (address -> home); return the message count."""
    count = 0
    for folder, message, flags in build_doctor_mail():
        write_maildir_message(homes[DOCTOR.address], folder, message, flags)
        count += 1
    welcome = _base("Bienvenue sur la messagerie sécurisée de santé", _address(DOCTOR),
                    _address(COLLEAGUE), 5)  # fmt: skip
    welcome.set_content("Bonjour Claire,\n\nVoici ma nouvelle adresse MSSanté.\n\nJean\n")
    if COLLEAGUE.address in homes:
        write_maildir_message(homes[COLLEAGUE.address], "INBOX", welcome)
        count += 1
    for home in homes.values():
        for folder in ("INBOX", "Sent", "Drafts", "Trash", "Junk"):
            maildir_folder(home, folder)
    logger.info("seeded %d messages", count)
    return count
