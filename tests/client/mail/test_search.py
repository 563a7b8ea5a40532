"""Searching every folder, case and accents folded, against a real Dovecot."""

from __future__ import annotations

from client.mail.cache import MailCache
from client.mail.mailbox import Mailbox
from client.mail.search import fold, search_everywhere
from client.mail.sync import Synchronizer
from tests.client.mail._messages import letter
from tests.client.mail._servers import Dovecot


def test_fold_drops_case_and_accents() -> None:
    assert fold("Hélène LEFÈVRE — Œdème") == "helene lefevre — œdeme"
    assert fold("plain ASCII") == "plain ascii"


def test_search_everywhere_finds_accented_names_and_body_words(
    dovecot: Dovecot, user: str, mailbox: Mailbox, cache: MailCache
) -> None:
    dovecot.append(user, "INBOX", letter(subject="Compte rendu — Mme Hélène Lefèvre").as_bytes())
    dovecot.append(user, "INBOX", letter(subject="Lettre de sortie M. Durand").as_bytes())
    mailbox.create_folder("Dossiers patients")
    dovecot.append(user, "Dossiers patients",
                   letter(subject="Suivi LEFÈVRE", body="Bilan thyroïdien.\n").as_bytes())
    dovecot.append(user, "Sent", letter(subject="Sans rapport",
                                        body="Mot rare: échographie\n").as_bytes())
    # INBOX is in the cache (opened once); the other folders were never opened.
    Synchronizer(mailbox, cache).sync_folder("INBOX")

    hits = search_everywhere(mailbox, cache, "lefevre")
    assert sorted((folder, s.subject) for folder, s in hits) == [
        ("Dossiers patients", "Suivi LEFÈVRE"), ("INBOX", "Compte rendu — Mme Hélène Lefèvre")]
    # A word of a body, in a folder never opened: the server's SEARCH TEXT finds it.
    (hit,) = search_everywhere(mailbox, cache, "échographie")
    assert hit[0] == "Sent" and hit[1].subject == "Sans rapport"
    assert search_everywhere(mailbox, cache, "introuvable") == []
    assert search_everywhere(mailbox, cache, "  ") == []
