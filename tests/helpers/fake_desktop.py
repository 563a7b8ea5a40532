"""Hand-written fakes of the desktop app's services (``ui.backend`` Protocols).

They stand in for ``cps``/``client`` in fast widget tests only; the integration tests in
``tests/integration/test_desktop*.py`` drive the real card, operator and directory.
The fake card asks the PIN exactly like ``cps``'s service does (a real
``cps.pin.PinRequest`` handed to the prompt, retry with attempts left, locked at 0).
"""

from __future__ import annotations

import email.message
import email.utils
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from client.auth.ciba import EcpsCancelled, EcpsDenied
from client.directory.index import DirectoryEntry
from client.mail.actions import Moved
from client.mail.compose import AttachmentSource, Draft
from client.mail.errors import FolderNotFound, RecipientRefused
from client.mail.mailbox import Folder
from client.mail.outbox import OutboxEntry
from client.mail.reading import Attachment
from client.mail.summary import MessageSummary
from client.whitelist import TrustDecision
from client.xdm.errors import InvalidIns
from cps.atr import CardKind
from cps.errors import PinEntryCancelled, PinIncorrect, PinLocked
from cps.events import EventType, WatcherEvent
from cps.pin import PinRequest
from ui.backend import (
    CardHolder,
    MessageView,
    PatientForm,
    ProfileChoice,
    StructuredDocument,
)

__all__ = [
    "DOCTOR",
    "FakeCard",
    "FakeDirectory",
    "FakeEcps",
    "FakeMailService",
    "FakeProfileSetup",
    "FakeRefreshingDirectory",
    "FakeTrust",
    "FakeXdm",
    "an_attachment",
    "make_messages",
    "summary",
]

DOCTOR = CardHolder("810001234567", "MARTIN", "JEAN", "Médecin", "Virtual PCD 00 00")
OTHER_DOCTOR = CardHolder("899700000001", "BERNARD", "LUCIE", "Infirmière", "Virtual PCD 00 00")


# The fakes raise the layers' real errors: the desktop words them by type.
FakePinIncorrect = PinIncorrect
FakePinLocked = PinLocked
FakePinEntryCancelled = PinEntryCancelled


def summary(uid: int, sender: str, subject: str, date: datetime | None = None, *,
            to: Sequence[str] = (), flags: Sequence[str] = (), size: int = 0,
            has_attachments: bool = False, message_id: str = "",
            receipt: str = "") -> MessageSummary:
    """A message list row as ``client.mail`` makes it, with a test's few fields."""
    return MessageSummary(uid=uid, sender=sender, to=tuple(to), subject=subject, date=date,
                          flags=tuple(flags), size=size, has_attachments=has_attachments,
                          message_id=message_id, receipt=receipt)


def an_attachment(filename: str, content_type: str, data: bytes = b"", *, index: int = 0,
                  size: int | None = None) -> Attachment:
    """An attachment as ``client.mail.reading`` parses it (not inline)."""
    return Attachment(index=index, filename=filename, content_type=content_type,
                      size=len(data) if size is None else size, inline=False, data=data)


def make_messages(count: int, start_uid: int = 1) -> list[MessageSummary]:
    """``count`` plausible rows (dates descending, some unread/flagged/attached)."""
    base = datetime(2026, 11, 20, 9, 0)
    senders = ["Laboratoire Biomed <resultats@labo-sandbox.mssante.fr>",
               "Dr Claire DUBOIS <claire.dubois@clinique-sandbox.mssante.fr>",
               "Secrétariat cardiologie <cardio@hopital-sandbox.mssante.fr>"]
    rows = []
    for i in range(count):
        uid = start_uid + i
        flags = ["\\Seen"] if i % 3 else []
        if i % 17 == 0:
            flags.append("\\Flagged")
        rows.append(summary(
            uid, senders[i % len(senders)], f"Compte rendu n°{uid} — patient {i % 97}",
            base - timedelta(minutes=i), flags=flags, size=1000 + (i * 37) % 50_000,
            has_attachments=i % 5 == 0,
        ))
    return rows


@dataclass
class FakeMailService:
    """An in-memory mailbox with a lab result, a discharge letter and an XDM."""

    address: str = "jean.martin@hopital-sandbox.mssante.fr"
    rows: dict[str, list[MessageSummary]] = field(default_factory=dict)
    drafts_saved: dict[str, Draft] = field(default_factory=dict)
    sent: list[Draft] = field(default_factory=list)
    outbox_items: list[OutboxEntry] = field(default_factory=list)
    closed: bool = False
    refuse: set[str] = field(default_factory=set)
    new_mail: threading.Event = field(default_factory=threading.Event)
    sync_delay: float = 0.0
    #: (folder, uid) -> the view to show instead of the generated one (receipts, ...).
    views: dict[tuple[str, int], MessageView] = field(default_factory=dict)
    #: (folder, uid, index) -> the attachment's bytes; default: a small PDF-like blob.
    attachment_bytes: dict[tuple[str, int, int], Attachment] = field(
        default_factory=dict)
    #: (folder, uid, send, confirmed_mismatch) per answer to a receipt request.
    receipt_answers: list[tuple[str, int, bool, bool]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.rows:
            self.rows = {
                "INBOX": [
                    summary(1, "Laboratoire Biomed <resultats@labo-sandbox.mssante.fr>",
                            "Résultats d'analyses — TSH", datetime(2026, 11, 20, 8, 30),
                            has_attachments=True, size=42_000),
                    summary(2, "Dr Claire DUBOIS <claire.dubois@clinique-sandbox.mssante.fr>",
                            "Lettre de sortie de Mme DUPONT", datetime(2026, 11, 19, 17, 5),
                            flags=["\\Seen"]),
                    summary(3, "Laboratoire Biomed <resultats@labo-sandbox.mssante.fr>",
                            "XDM/1.0/DDM+CR-BIO DUPONT Marie 19610312",
                            datetime(2026, 11, 18, 11, 0), has_attachments=True),
                ],
                "Sent": [],
                "Drafts": [summary(10, "jean.martin@hopital-sandbox.mssante.fr",
                                   "Certificat de reprise", datetime(2026, 11, 20, 7),
                                   to=["claire.dubois@clinique-sandbox.mssante.fr"],
                                   flags=["\\Seen", "\\Draft"])],
                "Trash": [],
            }

    def folders(self) -> list[Folder]:
        self._check_open()
        roles = {"INBOX": "inbox", "Sent": "sent", "Drafts": "drafts", "Trash": "trash",
                 "Archives": "archive"}
        return [Folder(path, "/", (), roles.get(path), unread=sum(1 for r in rows if not r.seen),
                       total=len(rows)) for path, rows in self.rows.items()]

    def messages(self, folder: str, progress: Callable[[int, int], None] | None = None
                 ) -> list[MessageSummary]:
        self._check_open()
        rows = self.rows[folder]
        if self.sync_delay and progress is not None:
            # A first sync that takes a while, reporting as it goes.
            for done in range(0, len(rows), max(len(rows) // 4, 1)):
                progress(done, len(rows))
                threading.Event().wait(self.sync_delay / 4)
        if progress is not None:
            progress(len(rows), len(rows))
        return list(rows)

    def cached_messages(self, folder: str) -> list[MessageSummary] | None:
        return None  # no cache: the list waits for messages()

    def message(self, folder: str, uid: int, allow_remote: bool = False,
                mark_read: bool = True) -> MessageView:
        self._check_open()
        if (folder, uid) in self.views:
            view = self.views[(folder, uid)]
            request = view.receipt_request
            if request is not None and any(a[:2] == (folder, uid)
                                           for a in self.receipt_answers):
                view = replace(view, receipt_request=replace(request, answered=True))
            return view
        row = next(r for r in self.rows[folder] if r.uid == uid)
        if mark_read:
            self.set_flag(folder, [uid], "\\Seen", True)
        remote = "<img src='https://tracker.example/x.png'>" if uid == 1 else ""
        structured = None
        attachments: tuple[Attachment, ...] = ()
        if row.has_attachments:
            attachments = (an_attachment("Résultats TSH.pdf", "application/pdf", size=42_000),)
        if row.structured:
            attachments = (an_attachment("IHE_XDM.ZIP", "application/zip", size=9_000),)
            structured = StructuredDocument("DUPONT Marie, née le 12/03/1961",
                                            "261037512345678", "CR de biologie", 0)
        body = f"<p>Bonjour, ci-joint {row.subject}.</p>"
        return MessageView(folder, uid, row.subject, row.sender, to=self.address,
                           date=row.date, html=body + ("" if allow_remote else ""),
                           text=f"Bonjour, ci-joint {row.subject}.",
                           remote_content_blocked=bool(remote) and not allow_remote,
                           attachments=attachments, structured=structured)

    def search(self, folder: str, text: str) -> list[int]:
        return [r.uid for r in self.rows[folder] if text.casefold() in r.subject.casefold()]

    def search_all(self, text: str) -> list[tuple[str, MessageSummary]]:
        from client.mail.search import fold

        needle = fold(text)
        return [(folder, r) for folder, rows in self.rows.items() for r in rows
                if needle in fold(r.subject) or needle in fold(r.sender)]

    def save_attachment(self, folder: str, uid: int, index: int, target: Path) -> Path:
        target.write_bytes(b"%PDF-1.4 fake")
        return target

    def attachment(self, folder: str, uid: int, index: int) -> Attachment:
        self._check_open()
        if (folder, uid, index) in self.attachment_bytes:
            return self.attachment_bytes[(folder, uid, index)]
        return an_attachment("Résultats TSH.pdf", "application/pdf", b"%PDF-1.4 fake")

    def answer_receipt(self, folder: str, uid: int, send: bool,
                       confirmed_mismatch: bool = False) -> None:
        self._check_open()
        self.receipt_answers.append((folder, uid, send, confirmed_mismatch))

    def send(self, draft: Draft) -> str:
        self._check_open()
        for address in draft.to + draft.cc:
            if address in self.refuse:
                raise _recipient_refused(address, "domaine hors liste blanche")
        self.sent.append(draft)
        message_id = f"<{len(self.sent)}@sandbox>"
        message = email.message.EmailMessage()
        message["Subject"] = draft.subject
        message.set_content(draft.body)
        self.outbox_items.append(OutboxEntry(message_id, self.address, tuple(draft.to),
                                             message.as_bytes(), "submitted", 1, "", 0.0))
        return message_id

    def outbox(self) -> list[OutboxEntry]:
        return list(self.outbox_items)

    def retry(self, message_id: str) -> None:
        self.outbox_items = [replace(i, state="submitted", reason="") if i.message_id == message_id
                             else i for i in self.outbox_items]

    def save_draft(self, draft: Draft) -> None:
        self.drafts_saved[draft.draft_id] = draft

    def drafts(self) -> list[Draft]:
        return list(self.drafts_saved.values())

    def delete_draft(self, draft_id: str) -> None:
        self.drafts_saved.pop(draft_id, None)

    def draft(self, folder: str, uid: int) -> Draft:
        row = next(r for r in self.rows[folder] if r.uid == uid)
        return Draft(draft_id=f"imap-{uid}", to=row.to,
                     subject=row.subject, body="Texte du brouillon")

    # -- everyday actions: the same moves as the live service, in memory -----------------
    def set_flag(self, folder: str, uids: Sequence[int], flag: str, on: bool) -> None:
        self._check_open()
        self.rows[folder] = [
            replace(r, flags=tuple(dict.fromkeys((*r.flags, flag))) if on
                    else tuple(f for f in r.flags if f != flag))
            if r.uid in uids else r for r in self.rows[folder]]

    def move(self, folder: str, uids: Sequence[int], target: str) -> Moved:
        self._check_open()
        if target not in self.rows:
            raise FolderNotFound(target)
        moving = [r for r in self.rows[folder] if r.uid in uids]
        self.rows[folder] = [r for r in self.rows[folder] if r.uid not in uids]
        next_uid = max((r.uid for rows in self.rows.values() for r in rows), default=0) + 1
        moved = [replace(r, uid=next_uid + i) for i, r in enumerate(moving)]
        self.rows[target] = self.rows[target] + moved
        return Moved(folder, target, tuple(r.uid for r in moved), ())

    def delete(self, folder: str, uids: Sequence[int]) -> Moved | None:
        if folder != "Trash":
            return self.move(folder, uids, "Trash")
        self.rows[folder] = [r for r in self.rows[folder] if r.uid not in uids]
        return None

    def archive(self, folder: str, uids: Sequence[int]) -> Moved:
        self.rows.setdefault("Archives", [])
        return self.move(folder, uids, "Archives")

    def undo_move(self, undo: Moved) -> int:
        back = self.move(undo.target, list(undo.uids), undo.source)
        return len(back.uids)

    def empty_folder(self, folder: str) -> int:
        count = len(self.rows[folder])
        self.rows[folder] = []
        return count

    def create_folder(self, path: str) -> None:
        self.rows.setdefault(path, [])

    def rename_folder(self, path: str, new_path: str) -> None:
        for name in [p for p in self.rows if p == path or p.startswith(path + "/")]:
            self.rows[new_path + name[len(path):]] = self.rows.pop(name)

    def delete_folder(self, path: str) -> None:
        for name in [p for p in self.rows if p == path or p.startswith(path + "/")]:
            del self.rows[name]

    def reply_draft(self, folder: str, uid: int, reply_all: bool = False) -> Draft:
        row = next(r for r in self.rows[folder] if r.uid == uid)
        cc = (self.address.replace("jean.martin", "secretariat"),) if reply_all else ()
        return Draft(draft_id=uuid.uuid4().hex, to=(email.utils.parseaddr(row.sender)[1],),
                     cc=cc, subject=f"Re: {row.subject}", body=f"\n\n> {row.subject}",
                     in_reply_to=f"<{uid}@sandbox>", references=(f"<{uid}@sandbox>",))

    def forward_draft(self, folder: str, uid: int, inline: bool = True) -> Draft:
        row = next(r for r in self.rows[folder] if r.uid == uid)
        draft = Draft(draft_id=uuid.uuid4().hex, subject=f"Tr: {row.subject}")
        if not inline:
            return replace(draft, forwarded=f"Subject: {row.subject}\r\n\r\nBonjour\r\n".encode())
        carried = ((AttachmentSource("Résultats TSH.pdf", b"%PDF-1.4 fake", "application/pdf"),)
                   if row.has_attachments else ())
        return replace(draft, body=f"-------- Message transféré --------\n{row.subject}",
                       attachments=carried)

    def wait_for_new_mail(self, timeout: float) -> bool:
        changed = self.new_mail.wait(min(timeout, 0.2))
        self.new_mail.clear()
        return changed and not self.closed

    def close(self) -> None:
        self.closed = True

    def _check_open(self) -> None:
        if self.closed:
            raise ConnectionError("closed")


def _recipient_refused(address: str, rule: str) -> Exception:
    return RecipientRefused(address, rule)


class FakeCard:
    """A CPS card in a reader: insert/remove call the watcher from another thread."""

    def __init__(self, pin: str = "1234", holder: CardHolder = DOCTOR,
                 inserted: bool = False) -> None:
        self.pin = pin
        self.current: CardHolder | None = holder if inserted else None
        self._holder = holder
        self.attempts_left = 3
        self.mailboxes: list[FakeMailService] = []
        self.on_inserted: Callable[[WatcherEvent], None] | None = None
        self.on_removed: Callable[[WatcherEvent], None] | None = None
        self.stopped = False
        #: A second CPS card inserted beside this one (another reader), if any.
        self.second: CardHolder | None = None
        self.mail_factory: Callable[[CardHolder], FakeMailService] = \
            lambda holder: FakeMailService()

    # -- CardSignIn --------------------------------------------------------------------
    def holder(self) -> CardHolder | None:
        return self.current

    def sign_in(self, pin_prompt: Any, card_chooser: Any = None) -> FakeMailService:
        retry: str | None = None
        if self.second is not None and self.current is not None and card_chooser is not None:
            # Two CPS cards: asked before the PIN, as cps's CardService does.
            from cps.session_card import CardChoice

            cards = [self.current, self.second]
            choices = [CardChoice(h.reader, n, f"{h.given_name} {h.family_name}", str(n),
                                  h.profession, h.national_id, h.family_name, h.given_name)
                       for n, h in enumerate(cards)]
            chosen = card_chooser.choose_card(choices)
            if chosen is None:
                raise FakePinEntryCancelled()
            self.current = cards[chosen.slot_id]
        while True:
            holder = self.current
            if holder is None:
                raise ConnectionError("card removed")
            if self.attempts_left == 0:
                raise FakePinLocked()
            request = PinRequest(
                holder_name=holder.display_name, profession=holder.profession,
                attempts_left=self.attempts_left, count_low=self.attempts_left < 3,
                final_try=self.attempts_left == 1, retry_reason=retry)
            pin = pin_prompt.ask_pin(request)
            if pin is None:
                raise FakePinEntryCancelled()
            if pin == self.pin:
                self.attempts_left = 3
                mail = self.mail_factory(holder)
                self.mailboxes.append(mail)
                return mail
            self.attempts_left -= 1
            retry = "incorrect"

    def watch(self, on_inserted: Callable[[WatcherEvent], None],
              on_removed: Callable[[WatcherEvent], None]) -> None:
        self.on_inserted = on_inserted
        self.on_removed = on_removed

    def stop(self) -> None:
        self.stopped = True

    # -- test controls -----------------------------------------------------------------
    def insert(self, holder: CardHolder | None = None) -> None:
        self.current = holder or self._holder
        assert self.on_inserted is not None
        threading.Thread(target=self.on_inserted,
                         args=(_cps_event(EventType.CARD_INSERTED, self.current.reader),)
                         ).start()

    def remove(self) -> None:
        reader = self.current.reader if self.current else ""
        self.current = None
        assert self.on_removed is not None
        threading.Thread(target=self.on_removed,
                         args=(_cps_event(EventType.CARD_REMOVED, reader),)).start()


def _cps_event(kind: EventType, reader: str) -> WatcherEvent:
    return WatcherEvent(kind, reader, CardKind.CPS3)


def _entry(address: str, family_name: str, given_name: str, profession: str, specialty: str,
           organization: str, postal_code: str, city: str, bal_type: str,
           national_id: str = "") -> DirectoryEntry:
    return DirectoryEntry(
        address=address, bal_type=bal_type, family_name=family_name, given_name=given_name,
        profession=profession, specialty=specialty, national_id=national_id,
        organization=organization, postal_code=postal_code, city=city)


SAMPLE_DIRECTORY = [
    _entry("claire.dubois@clinique-sandbox.mssante.fr", "DUBOIS", "Claire", "Médecin",
           "Cardiologie et maladies vasculaires", "Clinique Sandbox", "69003", "Lyon",
           "PER", "0123456789"),
    _entry("cardio@hopital-sandbox.mssante.fr", "", "", "", "", "Hôpital Sandbox — "
           "Cardiologie", "75013", "Paris", "ORG"),
    _entry("eloise.duboisset@hopital-sandbox.mssante.fr", "DUBOISSET", "Éloïse",
           "Infirmier", "", "Hôpital Sandbox", "75013", "Paris", "PER"),
]


class FakeDirectory:
    """Prefix search over a few records, accent-insensitive enough for tests."""

    def __init__(self, entries: list[DirectoryEntry] | None = None) -> None:
        self.entries = entries if entries is not None else list(SAMPLE_DIRECTORY)
        self.queries: list[str] = []
        self.closed = False

    def search(self, text: str, limit: int = 20, filters: dict[str, str] | None = None
               ) -> list[DirectoryEntry]:
        self.queries.append(text)
        words = text.casefold().split()
        found = []
        for entry in self.entries:
            hay = " ".join([entry.family_name, entry.given_name, entry.specialty, entry.city,
                            entry.organization, entry.address]).casefold().split()
            if all(any(h.startswith(w) for h in hay) for w in words):
                if filters and any(str(getattr(entry, k)).casefold() != v.casefold()
                                   and v.casefold() not in str(getattr(entry, k)).casefold()
                                   for k, v in filters.items()):
                    continue
                found.append(entry)
        return found[:limit]

    def import_file(self, path: Path, progress: Callable[[int, int], None] | None = None,
                    cancel: Any = None) -> int:
        lines = path.read_text(encoding="utf-8").splitlines()[1:]
        for i, _line in enumerate(lines, 1):
            if cancel is not None:
                cancel.raise_if_cancelled()
            if progress is not None:
                progress(i, len(lines))
        return len(lines)

    def rows(self) -> int:
        return len(self.entries)

    def close(self) -> None:
        self.closed = True


class FakeRefreshingDirectory(FakeDirectory):
    """A directory whose published-file refresh reports one update and one failure."""

    def refresh(self, force: bool = True) -> list[tuple[str, str, str]]:
        return [("whitelist", "refreshed", ""),
                ("directory", "failed", "Le serveur de l'ANS a répondu par une erreur (503).")]


class FakeTrust:
    """The trust space: *.mssante.fr inside, anything else outside."""

    def check(self, address: str) -> TrustDecision:
        domain = address.rpartition("@")[2].lower()
        inside = domain.endswith(".mssante.fr") or domain == "mssante.fr"
        return TrustDecision(address, inside, domain, is_patient=domain == "patient.mssante.fr",
                             reason="" if inside else f"le domaine {domain} n'est pas dans la "
                                                      "liste blanche")

    def import_file(self, path: Path) -> int:
        return 2


class FakeXdm:
    """INS check: 15 digits; pack writes a small file."""

    def validate_ins(self, matricule: str, oid: str) -> None:
        if len(matricule) != 15 or not matricule.isdigit():
            raise InvalidIns(matricule, "the matricule must have 15 digits", "length")

    def pack(self, documents: list[Path], patient: PatientForm, target: Path) -> Path:
        target.write_bytes(b"PK fake " + patient.ins.encode())
        return target




class FakeProfileSetup:
    """Known operators and a saved-profile record."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.saved: list[ProfileChoice] = []

    def operators(self) -> list[str]:
        return ["Hôpital Sandbox"]

    def _choice(self, address: str, source: str) -> ProfileChoice:
        return ProfileChoice(address, "Hôpital Sandbox", "imap.sandbox:143 (starttls)",
                             "smtp.sandbox:587 (starttls)", "card-tls", source)

    def from_operator(self, name: str, address: str) -> ProfileChoice:
        return self._choice(address, "known")

    def discover(self, address: str) -> ProfileChoice:
        return self._choice(address, "dns")

    def from_file(self, path: Path) -> ProfileChoice:
        return self._choice("jean.martin@hopital-sandbox.mssante.fr", "file")

    def test_connection(self, choice: ProfileChoice) -> str:
        return "IMAP et SMTP joignables (TLS 1.3)"

    def save(self, choice: ProfileChoice) -> Path:
        self.saved.append(choice)
        self.target.write_text("[account]\n", encoding="utf-8")
        return self.target


class FakeEcps:
    """A fake e-CPS sign-in (``ui.backend.EcpsSignIn``): the test plays the phone.

    :meth:`sign_in` hands a request to ``on_pending`` then waits until the test calls
    :meth:`approve` or :meth:`deny`, or the cancel event is set. ``alive`` says whether the
    PSC session survives a lock.
    """

    def __init__(self, remembered: str = "", holder: CardHolder = DOCTOR) -> None:
        self.remembered = remembered
        self.holder = holder
        self.alive = True
        self.sign_ins: list[str] = []
        self.alive_checks = 0
        self._answer: str | None = None
        self._answered = threading.Event()
        self.pending = threading.Event()

    def remembered_national_id(self) -> str:
        return self.remembered

    def approve(self) -> None:
        self._answer = "approve"
        self._answered.set()

    def deny(self) -> None:
        self._answer = "deny"
        self._answered.set()

    def sign_in(self, national_id: str, on_pending: Callable[[Any], None],
                cancel: threading.Event) -> tuple[CardHolder, FakeMailService]:
        from ui.backend import EcpsRequest

        self.sign_ins.append(national_id)
        self._answered.clear()
        on_pending(EcpsRequest("4821", 120))
        self.pending.set()
        while not self._answered.wait(0.02):
            if cancel.is_set():
                self.pending.clear()
                raise EcpsCancelled()
        self.pending.clear()
        if self._answer == "deny":
            raise EcpsDenied(national_id)
        self.remembered = national_id
        self.alive = True
        return self.holder, FakeMailService()

    def session_alive(self) -> bool:
        self.alive_checks += 1
        return self.alive
