"""``ui.backend.MailService`` over ``client.mail`` and a ``SessionOpener``.

A thin adapter: it hands ``client.mail``'s records to the windows as they are (it builds
only the reading pane's view and converts the compose window's draft) and serialises
access to the one IMAP session and the cache (workers run in parallel; an IMAP
connection is not thread-safe). New-mail watching uses a second IMAP session in IDLE
(RFC 2177) so that it never holds the lock.
"""

from __future__ import annotations

import contextlib
import dataclasses
import email.utils
import logging
import threading
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from client.mail import actions
from client.mail.cache import MailCache
from client.mail.compose import (
    XDM_FILENAME,
    AttachmentSource,
    Draft,
    build_message,
    forward,
    reply,
)
from client.mail.mailbox import Folder, Mailbox, SearchQuery
from client.mail.opening import save_copy
from client.mail.outbox import Outbox, OutboxEntry
from client.mail.policy import RecipientPolicy, load_trust_space
from client.mail.reading import Attachment, ReadMessage, parse_message
from client.mail.receipts import ReceiptBook
from client.mail.sending import MailSender
from client.mail.summary import MessageSummary
from client.sessions import SessionOpener
from ui.backend import (
    MessageView,
    Progress,
    StructuredDocument,
)
from ui.cached_rows import CachedRows
from ui.live_receipts import REPORT_PART_TYPES, ReceiptLinks

if TYPE_CHECKING:
    # The IDLE watcher loads with the first wait for new mail.
    from client.mail.idle import IdleEvent, IdleWatcher

__all__ = ["LiveMailService"]

logger = logging.getLogger(__name__)

DRAFT_DOMAIN = "draft.compagnon.invalid"


def _structured(message: ReadMessage) -> StructuredDocument | None:
    try:
        from client.xdm import describe_attachment
    except ImportError:
        return None
    for attachment in message.attachments:
        info = describe_attachment(attachment.filename, attachment.data)
        if info is not None:
            born = f", {info.patient_birth_date:%d/%m/%Y}" if info.patient_birth_date else ""
            return StructuredDocument(
                patient=f"{info.patient_name}{born}", ins=info.patient_ins.split("^")[0],
                title=", ".join(info.document_titles), attachment_index=attachment.index,
            )
    return None


def _draft_message_id(draft_id: str) -> str:
    return f"<{draft_id}@{DRAFT_DOMAIN}>"


def _draft_from(message: ReadMessage, draft_id: str = "") -> Draft | None:
    """A draft saved by this app (its Message-ID), or any message when ``draft_id``."""
    mid = message.message_id.strip("<>")
    if not draft_id:
        if not mid.endswith("@" + DRAFT_DOMAIN):
            return None
        draft_id = mid.split("@", 1)[0]
    return Draft(
        draft_id=draft_id, to=_bare(message.to), cc=_bare(message.cc),
        subject=message.subject, body=message.text,
        receipt=bool(message.disposition_notification_to),
        in_reply_to=message.in_reply_to, references=tuple(message.references),
        # A draft reopened from the server keeps what it carried, in memory only.
        attachments=tuple(
            AttachmentSource(a.filename or f"piece-jointe-{a.index + 1}", a.data,
                             a.content_type)
            for a in message.attachments if not a.inline),
    )


def _bare(values: Sequence[str]) -> tuple[str, ...]:
    """``Name <address>`` -> ``address`` (the recipient fields hold addresses)."""
    return tuple(a for _, a in email.utils.getaddresses(list(values)) if a)


def _for_compose(draft: Draft) -> Draft:
    """A reply or forward (``client.mail.compose``) for a new compose window: addresses
    only, a fresh identity, a forwarded structured document among the carried files."""
    carried = draft.attachments
    if draft.xdm is not None:
        carried = (AttachmentSource(XDM_FILENAME, draft.xdm, "application/zip"), *carried)
    # Each compose window keeps its own draft: a fresh id, never one per original.
    return dataclasses.replace(draft, draft_id=uuid.uuid4().hex, to=_bare(draft.to),
                               cc=_bare(draft.cc), attachments=carried, xdm=None)


def _for_sending(draft: Draft) -> Draft:
    """The compose window's draft as it is sent or saved: its files read, a carried
    ``IHE_XDM.ZIP`` as the structured document (its headers come from it) and a carried
    ``message/rfc822`` as the forwarded message (a reopened forward-as-attachment). A
    package built in the window wins over a carried one; files from disk are sent as
    they are, whatever their name."""
    xdm, forwarded = draft.xdm, draft.forwarded
    carried: list[AttachmentSource] = []
    for item in draft.attachments:
        if xdm is None and draft.xdm_file is None and item.filename.upper() == XDM_FILENAME:
            xdm = item.data
        elif forwarded is None and item.content_type == "message/rfc822":
            forwarded = item.data
        else:
            carried.append(item)
    return dataclasses.replace(draft, attachments=tuple(carried), xdm=xdm,
                               forwarded=forwarded).with_files_read()


class LiveMailService:
    """One signed-in mailbox for the desktop app."""

    def __init__(self, opener: SessionOpener, *, cache: MailCache | None = None,
                 on_close: Callable[[], None] | None = None,
                 own_domains: Sequence[str] = ()) -> None:
        self.opener = opener
        self._lock = threading.RLock()
        self._mailbox = Mailbox(opener)
        self._cache = cache or MailCache.open(opener.address)
        self._outbox = Outbox(self._cache.store)
        policy = RecipientPolicy(load_trust_space(), own_domains)
        self._sender = MailSender(opener, self._outbox, policy, self._mailbox)
        self._receipts = ReceiptLinks(self._mailbox, self._cache.store)
        self._idle: IdleWatcher | None = None
        self._idle_lock = threading.Lock()
        self._changed = threading.Event()
        self._closed = threading.Event()
        self._on_close = on_close
        self._reader: MailCache | None = None  # the list's connection (ui.cached_rows)
        self._reader_lock = threading.Lock()
        self._sent: str | None = None  # the Sent folder's name, once the server said

    @property
    def address(self) -> str:
        """The mailbox address."""
        return self.opener.address

    def connect(self) -> None:
        """Open the IMAP session now (sign-in: a PSC PIN or a refused certificate shows
        on the lock screen, not later in the status bar)."""
        with self._lock:
            self._mailbox.imap()

    # -- reading -----------------------------------------------------------------------
    def folders(self) -> list[Folder]:
        """Folders with unread and total counts (IMAP STATUS)."""
        with self._lock:
            folders = [f for f in self._mailbox.folders() if f.selectable]
            self._sent = next((f.name for f in folders if f.role == "sent"), None)
            self._mailbox.catch_up()
            imap = self._mailbox.imap()
            result = []
            for folder in folders:
                try:
                    status = imap.folder_status(folder.name, [b"MESSAGES", b"UNSEEN"])
                except Exception:  # a folder we cannot STATUS shows no counts
                    status = {}
                result.append(dataclasses.replace(
                    folder, unread=int(status.get(b"UNSEEN", 0)),
                    total=int(status.get(b"MESSAGES", 0))))
            return result

    def messages(self, folder: str, progress: Progress | None = None) -> CachedRows:
        """Sync ``folder`` into the encrypted cache, then list it from the cache (rows
        unsealed as the list shows them, :mod:`ui.cached_rows`)."""
        from client.mail.sync import Synchronizer

        def report(_folder: str, done: int, total: int) -> None:
            if progress is not None:
                progress(done, total)

        with self._lock:
            # The list sorts on the sealed columns from the compacted sort keys.
            Synchronizer(self._mailbox, self._cache, progress=report,
                         compact_sort_keys=True).sync_folder(folder)
            self._sent = self._mailbox.folder_for("sent")
            if folder == self._sent:
                self._receipts.scan()
        return self._listing(folder)

    def cached_messages(self, folder: str) -> CachedRows | None:
        """``folder`` as the cache last saw it, without the network (None when never
        synced): the list shows it at once while :meth:`messages` syncs."""
        listing = self._listing(folder)
        return listing if len(listing) else None

    def _listing(self, folder: str) -> CachedRows:
        # The reader connection, never the service lock: a sync in progress on the
        # other connection does not hold the list up.
        with self._reader_lock:
            if self._reader is None:
                if self._closed.is_set():
                    raise ConnectionError("mailbox closed")
                self._reader = self._cache.reader()
            reader = self._reader
        convert: Callable[[Sequence[MessageSummary]], list[MessageSummary]] = list
        if folder == self._sent:
            # The Sent list marks messages whose read receipt came back.
            with self._reader_lock:
                read = ReceiptBook(reader.store).read_keys()
            lookup = reader.store.lookup_hash

            def convert(rows: Sequence[MessageSummary]) -> list[MessageSummary]:
                return [dataclasses.replace(r, receipt="read")
                        if r.message_id and lookup(r.message_id.strip()) in read
                        else r for r in rows]

        return CachedRows(reader, self._reader_lock, folder, convert)

    def _read(self, folder: str, uid: int, *, mark_seen: bool, allow_remote: bool
              ) -> ReadMessage:
        with self._lock:
            raw = self._cache.body(folder, uid)
            if raw is None:
                raw = self._mailbox.fetch_raw(folder, uid, mark_seen=mark_seen)
                self._cache.put_body(folder, uid, raw)
            elif mark_seen:
                self._mailbox.add_flags(folder, [uid], ["\\Seen"])
        return parse_message(raw, allow_remote=allow_remote)

    def message(self, folder: str, uid: int, allow_remote: bool = False,
                mark_read: bool = True) -> MessageView:
        """The message, sanitised by ``client.mail.reading``; marked read unless
        ``mark_read`` is False (the list marks it once shown for a moment)."""
        message = self._read(folder, uid, mark_seen=mark_read, allow_remote=allow_remote)
        with self._lock:
            request = self._receipts.request(message, folder, uid)
            receipt = self._receipts.receipt(message)
            if receipt is not None:
                self._receipts.scan(force=True)  # link it now, for the Sent list
            read_by = self._receipts.read_by(message.message_id, (*message.to, *message.cc))
        return MessageView(
            folder=folder, uid=uid, subject=message.subject, sender=message.sender,
            to=", ".join(message.to), cc=", ".join(message.cc), date=message.date,
            html=message.html or "", text=message.text,
            remote_content_blocked=message.remote_content_blocked,
            attachments=tuple(
                dataclasses.replace(a, data=b"")  # the bytes come with ``attachment()``
                for a in message.attachments if not a.inline
                # A receipt reads as a sentence with a link, not as raw report parts.
                and not (receipt is not None and a.content_type in REPORT_PART_TYPES)
            ),
            structured=_structured(message),
            receipt_requested=bool(message.disposition_notification_to),
            receipt_request=request, receipt=receipt, read_by=read_by,
        )

    def attachment(self, folder: str, uid: int, index: int) -> Attachment:
        """One attachment's bytes, for the in-app viewers (nothing written)."""
        message = self._read(folder, uid, mark_seen=False, allow_remote=False)
        return next(a for a in message.attachments if a.index == index)

    def answer_receipt(self, folder: str, uid: int, send: bool,
                       confirmed_mismatch: bool = False) -> None:
        """Send the read receipt (the user's click) or decline it; remembered on the
        message with ``$MDNSent`` (RFC 3503)."""
        message = self._read(folder, uid, mark_seen=False, allow_remote=False)
        with self._lock:
            self._receipts.answer(message, folder, uid, send=send,
                                  confirmed_mismatch=confirmed_mismatch,
                                  sender=self._sender, reporter=self.address)

    def search(self, folder: str, text: str) -> list[int]:
        """Server-side search (RFC 3501 TEXT)."""
        with self._lock:
            return self._mailbox.search(folder, SearchQuery(text=text))

    def search_all(self, text: str) -> list[tuple[str, MessageSummary]]:
        """Every folder: the cache with accents folded, plus the server's SEARCH TEXT."""
        from client.mail.search import search_everywhere

        with self._lock:
            hits = search_everywhere(self._mailbox, self._cache, text)
        return hits

    def save_attachment(self, folder: str, uid: int, index: int, target: Path) -> Path:
        """Write one attachment to the file the user chose (the save dialog asked
        before replacing it); a new private file when opening."""
        message = self._read(folder, uid, mark_seen=False, allow_remote=False)
        attachment = next(a for a in message.attachments if a.index == index)
        # 0600, replaced atomically, a link at the target replaced rather than followed.
        return save_copy(target, attachment.data)

    # -- sending -----------------------------------------------------------------------
    def send(self, draft: Draft) -> str:
        """Policy check, outbox, submission, copy to Sent (``client.mail.sending``)."""
        ready = _for_sending(draft)
        with self._lock:
            report = self._sender.send(ready)
        return report.message_id

    def outbox(self) -> list[OutboxEntry]:
        """The outbox entries with their state and reason."""
        with self._lock:
            return self._outbox.entries()

    def retry(self, message_id: str) -> None:
        """Submit again (the outbox keys on Message-ID: never twice)."""
        with self._lock:
            self._outbox.flush(self.opener, self._mailbox, only=message_id, retry_failed=True)

    # -- drafts (kept in the operator's Drafts folder, RFC 6154 \\Drafts) ---------------
    def save_draft(self, draft: Draft) -> None:
        """Replace the draft's previous copy in Drafts with this one."""
        client_draft = _for_sending(draft)
        if not client_draft.recipients:
            # A draft may have no recipient yet; ``build_message`` (made for sending)
            # wants one: build to ourselves, then drop the To header.
            client_draft = dataclasses.replace(client_draft, to=(self.address,))
            message = build_message(client_draft, self.address)
            del message["To"]
        else:
            message = build_message(client_draft, self.address)
        del message["Message-ID"]
        message["Message-ID"] = _draft_message_id(draft.draft_id)
        with self._lock:
            folder = self._mailbox.folder_for("drafts") or "Drafts"
            old = self._mailbox.uids_with_message_id(folder, _draft_message_id(draft.draft_id))
            self._mailbox.append(folder, message.as_bytes(), flags=["\\Draft", "\\Seen"])
            if old:
                self._mailbox.delete(folder, old)

    def drafts(self) -> list[Draft]:
        """Drafts of this app found in the Drafts folder."""
        with self._lock:
            folder = self._mailbox.folder_for("drafts")
            if folder is None:
                return []
            uids = self._mailbox.search(folder, SearchQuery())
            raws = [self._mailbox.fetch_raw(folder, uid) for uid in uids]
        drafts = [_draft_from(parse_message(raw)) for raw in raws]
        return [d for d in drafts if d is not None]

    def draft(self, folder: str, uid: int) -> Draft:
        """A message of the Drafts folder, to go on writing it."""
        message = self._read(folder, uid, mark_seen=False, allow_remote=False)
        mine = _draft_from(message)
        if mine is not None:
            return mine
        # Someone else's draft (another client): edited as a new draft of this app.
        other = _draft_from(message, f"imap-{uid}")
        if other is None:  # pragma: no cover - a draft_id was given
            raise ValueError("not a draft")
        return other

    def delete_draft(self, draft_id: str) -> None:
        """Remove a draft (sent or discarded)."""
        with self._lock:
            folder = self._mailbox.folder_for("drafts")
            if folder is None:
                return
            uids = self._mailbox.uids_with_message_id(folder, _draft_message_id(draft_id))
            if uids:
                self._mailbox.delete(folder, uids)

    # -- everyday actions (``client.mail.actions``) -------------------------------------
    def set_flag(self, folder: str, uids: Sequence[int], flag: str, on: bool) -> None:
        """Add or remove ``flag`` on the server (the next sync brings it to the cache)."""
        with self._lock:
            if on:
                self._mailbox.add_flags(folder, uids, [flag])
            else:
                self._mailbox.remove_flags(folder, uids, [flag])

    def move(self, folder: str, uids: Sequence[int], target: str) -> actions.Moved:
        """Move to ``target`` (RFC 6851 MOVE, else COPY and expunge)."""
        with self._lock:
            return actions.move_messages(self._mailbox, folder, uids, target)

    def delete(self, folder: str, uids: Sequence[int]) -> actions.Moved | None:
        """To the Trash; in the Trash, for good."""
        with self._lock:
            return actions.delete_messages(self._mailbox, folder, uids)

    def archive(self, folder: str, uids: Sequence[int]) -> actions.Moved:
        """To the archive folder."""
        with self._lock:
            return actions.archive_messages(self._mailbox, folder, uids)

    def undo_move(self, undo: actions.Moved) -> int:
        """Move back what ``undo`` moved."""
        with self._lock:
            return actions.undo_move(self._mailbox, undo)

    def empty_folder(self, folder: str) -> int:
        """Delete every message of ``folder`` for good."""
        with self._lock:
            return actions.empty_folder(self._mailbox, folder)

    def create_folder(self, path: str) -> None:
        """Create a folder."""
        with self._lock:
            self._mailbox.create_folder(path)

    def rename_folder(self, path: str, new_path: str) -> None:
        """Rename a folder."""
        with self._lock:
            self._mailbox.rename_folder(path, new_path)

    def delete_folder(self, path: str) -> None:
        """Delete a folder."""
        with self._lock:
            self._mailbox.delete_folder(path)

    def _raw(self, folder: str, uid: int) -> bytes:
        with self._lock:
            raw = self._cache.body(folder, uid)
            if raw is None:
                raw = self._mailbox.fetch_raw(folder, uid)
                self._cache.put_body(folder, uid, raw)
        return raw

    def reply_draft(self, folder: str, uid: int, reply_all: bool = False) -> Draft:
        """A reply with ``In-Reply-To`` and ``References`` (RFC 5322 section 3.6.4)."""
        original = parse_message(self._raw(folder, uid))
        return _for_compose(reply(original, self.address, reply_all=reply_all))

    def forward_draft(self, folder: str, uid: int, inline: bool = True) -> Draft:
        """A forward: inline keeps the attachments (the XDM and its PDF); otherwise the
        whole message goes as a ``message/rfc822`` attachment."""
        raw = self._raw(folder, uid)
        return _for_compose(forward(parse_message(raw), raw, inline=inline))

    # -- new mail ------------------------------------------------------------------------
    def wait_for_new_mail(self, timeout: float) -> bool:
        """True when INBOX changed within ``timeout`` (``client.mail.idle``, RFC 2177).

        The IDLE watcher runs on a thread of its own with its own IMAP session, started
        on the first call; this only waits for what it reported.
        """
        if self._closed.is_set():
            raise ConnectionError("mailbox closed")
        with self._idle_lock:
            if self._idle is None:
                from client.mail.idle import IdleWatcher

                watcher = IdleWatcher(self.opener, "INBOX")

                def on_events(events: list[IdleEvent]) -> None:
                    if any(e.kind in ("exists", "recent", "reconnected") for e in events):
                        self._changed.set()

                threading.Thread(target=watcher.run, args=(on_events,), daemon=True,
                                 name="imap-idle").start()
                self._idle = watcher
        changed = self._changed.wait(timeout)
        self._changed.clear()
        return changed and not self._closed.is_set()

    def close(self) -> None:
        """Log out both sessions, close the cache, let the opener drop its secrets."""
        self._closed.set()
        with self._idle_lock:
            idle, self._idle = self._idle, None
        if idle is not None:
            idle.stop()  # its thread logs out within a second
        self._changed.set()  # wake a worker waiting for new mail
        with self._reader_lock:
            reader, self._reader = self._reader, None
            if reader is not None:
                reader.close()
        with self._lock:
            self._mailbox.close()
            self._cache.close()
        closer = getattr(self.opener, "close", None)
        if callable(closer):
            with contextlib.suppress(Exception):
                closer()
        if self._on_close is not None:
            self._on_close()
