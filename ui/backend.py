"""What the desktop app asks of the layers below: small Protocols, and the few records
the layers below have no type for.

``ui/`` holds no business logic. Windows talk to these Protocols only; the adapters in
:mod:`ui.live` implement them over ``cps/`` and ``client/`` (the card service, the
authenticators, ``client.mail``, ``client.directory``, ``client.whitelist``, ``client.xdm``)
and the tests implement them with hand-written fakes (``tests/helpers/fake_desktop.py``).
Every method here may block: windows call them through :class:`ui.workers.WorkerPool`.

The Protocols speak the core's own records: ``client.mail``'s ``Folder``,
``MessageSummary``, ``Attachment``, ``Draft``, ``Moved`` and ``OutboxEntry``,
``client.directory``'s ``DirectoryEntry``, ``client.whitelist``'s ``TrustDecision`` and
``client.profiles``'s ``Profile``; windows import them from there. The records below exist
only here: who signed in (from a card or e-CPS), the reading pane's view of a message with
its receipts and structured document, the patient form before validation, a proposed
profile and a pending e-CPS request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    # Names for the Protocols only: the start window imports this module and shows
    # before the mail and directory layers load (tests/ui/test_app_startup.py).
    from client.directory.index import DirectoryEntry
    from client.mail.actions import Moved
    from client.mail.compose import Draft
    from client.mail.mailbox import Folder
    from client.mail.outbox import OutboxEntry
    from client.mail.reading import Attachment
    from client.mail.summary import MessageSummary
    from client.profiles.model import Profile
    from client.whitelist import TrustDecision
    from cps.events import WatcherEvent
    from cps.pin import PinPrompt
    from cps.session_card import CardChooser
    from ui.workers import CancelToken

__all__ = [
    "CardHolder",
    "CardSignIn",
    "DirectoryService",
    "EcpsRequest",
    "EcpsSignIn",
    "MailService",
    "MessageView",
    "PatientForm",
    "ProfileChoice",
    "ProfileSetup",
    "Progress",
    "ReadReceipt",
    "ReceiptRequest",
    "RefreshingDirectory",
    "ReloadableTrust",
    "Services",
    "StructuredDocument",
    "TrustService",
    "XdmService",
]

#: ``progress(done, total)``; ``total`` 0 when unknown.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class CardHolder:
    """Who the inserted CPS card belongs to (read without the PIN)."""

    national_id: str
    family_name: str
    given_name: str
    profession: str = ""
    reader: str = ""

    @property
    def display_name(self) -> str:
        """``Jean MARTIN`` as a letter would address them."""
        return f"{self.given_name.title()} {self.family_name.upper()}".strip()


@dataclass(frozen=True)
class ReceiptRequest:
    """The sender of a received message asks for a read receipt (RFC 8098)."""

    requester: str  # "Claire DUBOIS <claire.dubois@...>" as the bar shows it
    address: str  # where the receipt would go (Disposition-Notification-To)
    mismatch: bool = False  # that address is not the message's Return-Path
    answered: bool = False  # sent or declined already ($MDNSent, RFC 3503)


@dataclass(frozen=True)
class ReadReceipt:
    """A read receipt that came back for a sent message."""

    reader: str  # "Claire DUBOIS"
    read_at: datetime | None
    original_subject: str = ""
    original_folder: str = ""  # where the original is, for the link ("" when not found)
    original_uid: int | None = None
    read: bool = True  # False: an MDN saying deleted/denied/error
    error: str = ""


@dataclass(frozen=True)
class StructuredDocument:
    """A structured document (IHE XDM) found among the attachments."""

    patient: str  # "DUPONT Marie, née le 12/03/1961"
    ins: str = ""
    title: str = ""
    attachment_index: int | None = None


@dataclass(frozen=True)
class MessageView:
    """A message ready for the reading pane (HTML already sanitised by ``client``)."""

    folder: str
    uid: int
    subject: str
    sender: str
    to: str = ""
    cc: str = ""
    date: datetime | None = None
    html: str = ""
    text: str = ""
    remote_content_blocked: bool = False
    attachments: tuple[Attachment, ...] = ()  # without their bytes (``attachment()``)
    structured: StructuredDocument | None = None
    receipt_requested: bool = False
    receipt_request: ReceiptRequest | None = None  # the bar above the message
    receipt: ReadReceipt | None = None  # this message is a read receipt
    read_by: tuple[ReadReceipt, ...] = ()  # receipts returned for this (sent) message


class MailService(Protocol):
    """One signed-in mailbox (over ``client.mail`` and a ``SessionOpener``)."""

    @property
    def address(self) -> str:
        """The mailbox address."""
        ...

    def folders(self) -> list[Folder]:
        """The folder tree with unread counts."""
        ...

    def messages(self, folder: str, progress: Progress | None = None
                 ) -> Sequence[MessageSummary]:
        """Synchronise ``folder`` into the cache and return its rows (the live service
        returns :class:`ui.cached_rows.CachedRows`, read lazily by the list)."""
        ...

    def cached_messages(self, folder: str) -> Sequence[MessageSummary] | None:
        """``folder``'s rows as last cached, without the network (None: nothing cached);
        the list shows them while :meth:`messages` syncs."""
        ...

    def message(self, folder: str, uid: int, allow_remote: bool = False,
                mark_read: bool = True) -> MessageView:
        """Fetch one message, sanitised; mark it read unless ``mark_read`` is False."""
        ...

    def set_flag(self, folder: str, uids: Sequence[int], flag: str, on: bool) -> None:
        """Add (``on``) or remove ``flag`` (``\\Seen``, ``\\Flagged``) on the server."""
        ...

    def move(self, folder: str, uids: Sequence[int], target: str) -> Moved:
        """Move messages to the folder ``target``."""
        ...

    def delete(self, folder: str, uids: Sequence[int]) -> Moved | None:
        """To the Trash (undoable); for good in the Trash (None)."""
        ...

    def archive(self, folder: str, uids: Sequence[int]) -> Moved:
        """To the archive folder (RFC 6154 ``\\Archive``, else ``Archives``)."""
        ...

    def undo_move(self, undo: Moved) -> int:
        """Move the messages of ``undo`` back; returns how many came back."""
        ...

    def empty_folder(self, folder: str) -> int:
        """Delete every message of ``folder`` for good (the Trash)."""
        ...

    def create_folder(self, path: str) -> None:
        """Create a folder (full path with the delimiter)."""
        ...

    def rename_folder(self, path: str, new_path: str) -> None:
        """Rename a folder (its subfolders follow)."""
        ...

    def delete_folder(self, path: str) -> None:
        """Delete a folder and its messages."""
        ...

    def reply_draft(self, folder: str, uid: int, reply_all: bool = False) -> Draft:
        """A new draft answering the message (``In-Reply-To``, ``References``, quote)."""
        ...

    def forward_draft(self, folder: str, uid: int, inline: bool = True) -> Draft:
        """A new draft forwarding the message, inline or as an attachment."""
        ...

    def search(self, folder: str, text: str) -> list[int]:
        """UIDs of messages in ``folder`` matching ``text`` (server or cache search)."""
        ...

    def search_all(self, text: str) -> list[tuple[str, MessageSummary]]:
        """``(folder, row)`` of messages matching ``text`` in every folder, newest first
        (case and accents ignored)."""
        ...

    def save_attachment(self, folder: str, uid: int, index: int, target: Path) -> Path:
        """Write an attachment to ``target`` (a file path chosen by the user)."""
        ...

    def attachment(self, folder: str, uid: int, index: int) -> Attachment:
        """One attachment's bytes, for the in-app viewers."""
        ...

    def answer_receipt(self, folder: str, uid: int, send: bool,
                       confirmed_mismatch: bool = False) -> None:
        """Send the read receipt the message asks for (``send``) or decline it; either
        way the answer is remembered on the message (``$MDNSent``, RFC 3503)."""
        ...

    def send(self, draft: Draft) -> str:
        """Policy-check and submit through the outbox; return the Message-ID."""
        ...

    def outbox(self) -> list[OutboxEntry]:
        """Messages queued, sending, failed (with reason) or just sent."""
        ...

    def retry(self, message_id: str) -> None:
        """Submit a failed outbox item again (never twice: Message-ID key)."""
        ...

    def save_draft(self, draft: Draft) -> None:
        """Store the draft durably (encrypted cache or the Drafts folder)."""
        ...

    def drafts(self) -> list[Draft]:
        """Drafts saved earlier, for resuming."""
        ...

    def draft(self, folder: str, uid: int) -> Draft:
        """The message ``uid`` of the Drafts folder as a draft to go on writing."""
        ...

    def delete_draft(self, draft_id: str) -> None:
        """Forget a draft (sent or discarded)."""
        ...

    def wait_for_new_mail(self, timeout: float) -> bool:
        """Block up to ``timeout`` seconds (IMAP IDLE); True when INBOX changed."""
        ...

    def close(self) -> None:
        """Log out every session and drop secrets held in memory."""
        ...


class DirectoryService(Protocol):
    """The national directory index (``client.directory``)."""

    def search(
        self, text: str, limit: int = 20, filters: dict[str, str] | None = None
    ) -> list[DirectoryEntry]:
        """Accent- and case-insensitive prefix search (name, specialty, city)."""
        ...

    def import_file(
        self, path: Path, progress: Progress | None = None, cancel: CancelToken | None = None
    ) -> int:
        """Import an extraction (ZIP or .txt); return the number of rows."""
        ...

    def rows(self) -> int:
        """How many entries the index holds (0 before the first import)."""
        ...

    def close(self) -> None:
        """Close the index (application exit)."""
        ...


class TrustService(Protocol):
    """The MSSanté trust space (``client.whitelist``)."""

    def check(self, address: str) -> TrustDecision:
        """Whether ``address`` belongs to the trust space; an outside address's ``reason``
        is worded for the user."""
        ...

    def import_file(self, path: Path) -> int:
        """Import a liste blanche XML; return the number of domains."""
        ...


@runtime_checkable
class RefreshingDirectory(Protocol):
    """A directory service that also downloads the published files when due (the live
    one does; a directory given by a test or an offline set-up need not)."""

    def refresh(self, force: bool = True) -> list[tuple[str, str, str]]:
        """Refresh what is due (everything with ``force``); ``(source, status, detail)``
        for each, the detail worded for the user."""
        ...


@runtime_checkable
class ReloadableTrust(Protocol):
    """A trust service told when a new liste blanche was downloaded."""

    def reload(self) -> None:
        """Read the list in force again at its next use, and tell open windows."""
        ...


@dataclass(frozen=True)
class PatientForm:
    """The patient identity typed in "attach as structured document"."""

    ins: str
    ins_oid: str
    family_name: str
    given_name: str
    sex: str  # "M", "F" or "U"
    birth_date: str  # YYYY-MM-DD


class XdmService(Protocol):
    """Structured documents (``client.xdm``)."""

    def validate_ins(self, matricule: str, oid: str) -> None:
        """Raise a ``client.xdm`` error naming what is wrong with the INS."""
        ...

    def pack(self, documents: Sequence[Path], patient: PatientForm, target: Path) -> Path:
        """Build ``IHE_XDM.ZIP`` for ``documents`` and ``patient``; return its path."""
        ...


@dataclass(frozen=True)
class ProfileChoice:
    """A ready operator profile proposed by the first-run assistant."""

    address: str
    operator: str
    imap: str  # "host:port (starttls)"
    smtp: str
    method: str
    source: str = ""  # "known", "dns", "file"
    payload: Profile | None = None  # the profile behind it (None in a test's fake)


class ProfileSetup(Protocol):
    """Finding and saving the operator profile (``client.profiles``)."""

    def operators(self) -> list[str]:
        """Names of the known operators."""
        ...

    def from_operator(self, name: str, address: str) -> ProfileChoice:
        """The profile of a known operator for ``address``."""
        ...

    def discover(self, address: str) -> ProfileChoice:
        """Known operator of the address's domain, else DNS SRV (RFC 6186)."""
        ...

    def from_file(self, path: Path) -> ProfileChoice:
        """A profile file given by the IT admin."""
        ...

    def test_connection(self, choice: ProfileChoice) -> str:
        """Reach the operator's servers (TLS, trust); return a summary or raise."""
        ...

    def save(self, choice: ProfileChoice) -> Path:
        """Make ``choice`` the default profile; return where it was written."""
        ...


class CardSignIn(Protocol):
    """The card and the operator: who holds the card, and signing in with the PIN."""

    def holder(self) -> CardHolder | None:
        """The CPS card now inserted (identity from its certificate), or None."""
        ...

    def sign_in(self, pin_prompt: PinPrompt, card_chooser: CardChooser | None = None
                ) -> MailService:
        """Ask the PIN through ``pin_prompt`` and open the mailbox; ``card_chooser`` is
        asked first when two CPS cards are inserted."""
        ...

    def watch(self, on_inserted: Callable[[WatcherEvent], None],
              on_removed: Callable[[WatcherEvent], None]) -> None:
        """Call back (on any thread) on card insertion and removal."""
        ...

    def stop(self) -> None:
        """Stop watching and release the card."""
        ...


@dataclass(frozen=True)
class EcpsRequest:
    """A started e-CPS sign-in, as the waiting dialog shows it."""

    binding_message: str
    seconds_left: int


class EcpsSignIn(Protocol):
    """Signing in with e-CPS (CIBA through the profile's PSC gateway); no card involved."""

    def remembered_national_id(self) -> str:
        """The national identifier last used with this profile (``""`` if none)."""
        ...

    def sign_in(
        self, national_id: str, on_pending: Callable[[EcpsRequest], None],
        cancel: threading.Event,
    ) -> tuple[CardHolder, MailService]:
        """Wait for the approval on the phone (``cancel``: a ``threading.Event``)."""
        ...

    def session_alive(self) -> bool:
        """True while the PSC session of the last sign-in can still refresh its token."""
        ...


@dataclass
class Services:
    """Everything the windows need, assembled by :mod:`ui.live` or a test."""

    card: CardSignIn | None
    directory: DirectoryService | None = None
    trust: TrustService | None = None
    xdm: XdmService | None = None
    profiles: ProfileSetup | None = None
    holder: CardHolder | None = None  # who is signed in (XDM author), set by the window
    ecps: EcpsSignIn | None = None  # e-CPS sign-in, when the profile names a PSC gateway
    profile_path: Path | None = None
    extras: dict[str, object] = field(default_factory=dict)

    def has_profile(self) -> bool:
        """A profile is configured (else the first-run assistant opens)."""
        return self.profile_path is not None


def sequence_text(values: Sequence[str]) -> str:
    """Join addresses for display."""
    return ", ".join(v for v in values if v)
