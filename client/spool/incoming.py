"""Receiving: each new INBOX message becomes a folder of ``incoming/``, then is marked seen.

``incoming/<UIDVALIDITY>-<UID>/`` holds ``message.eml`` (as received), ``summary.json``
(headers, attachments, structured documents, receipt link), ``attachments/`` (safe
names) and, for each IHE XDM package, ``xdm/<n>/`` with its members and ``metadata.json``
(patient INS, document entries). The folder is written under a ``.tmp-`` name, every file
fsynced, then renamed into place; only then is the server copy flagged ``\\Seen`` (RFC 9051
section 2.3.2). A failure on the way (a full disk) leaves the server copy unseen, to be
fetched again later; nothing is half-written under the final name.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from client.mail.attachments import save_attachments
from client.mail.reading import ReadMessage, parse_message
from client.mail.receipts import DeliveryFailure, Mdn, parse_report
from client.sessions import SessionOpener
from client.spool.files import SpoolLayout, fsync_directory, write_durably, write_json
from client.spool.journal import Journal

__all__ = ["Receiver"]

logger = logging.getLogger(__name__)

SEEN = b"\\Seen"


def _fsync_tree(root: Path) -> None:
    for directory, _dirs, files in os.walk(root, topdown=False):
        for name in files:
            fd = os.open(Path(directory) / name, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_directory(Path(directory))


def _structured(read: ReadMessage, target: Path) -> list[dict[str, Any]]:
    """Unpack every IHE XDM attachment under ``target/xdm/<n>/``; their metadata."""
    from client.xdm.errors import XdmError
    from client.xdm.reader import extract_xdm, read_xdm

    found = []
    for attachment in read.attachments:
        if not attachment.filename.upper().endswith(".ZIP"):
            continue
        try:
            package = read_xdm(attachment.data)
        except XdmError as exc:
            if attachment.filename.upper() == "IHE_XDM.ZIP":
                found.append({"attachment": attachment.filename, "error": str(exc)})
            continue
        folder = target / "xdm" / str(attachment.index)
        extract_xdm(package, folder)
        metadata = package.to_dict()
        (folder / "metadata.json").write_text(
            json.dumps(metadata, ensure_ascii=False, indent=2, default=str) + "\n",
            encoding="utf-8")
        found.append({"attachment": attachment.filename,
                      "folder": f"xdm/{attachment.index}", **metadata})
    return found


class Receiver:
    """Fetches new INBOX messages into ``incoming/`` for one mailbox."""

    def __init__(self, opener: SessionOpener, journal: Journal, layout: SpoolLayout,
                 *, on_receipt: Callable[[Mdn | DeliveryFailure, str], str | None]) -> None:
        self.opener = opener
        self.journal = journal
        self.layout = layout
        self.on_receipt = on_receipt
        self._imap: Any = None

    def close(self) -> None:
        """Log out."""
        imap, self._imap = self._imap, None
        if imap is not None:
            with contextlib.suppress(Exception):
                imap.logout()

    def poll(self, stop: Callable[[], bool] = lambda: False) -> int:
        """Write every unseen INBOX message; returns how many were written.

        Raises:
            OSError: writing failed (a full disk): the messages stay unseen on the server.
            Exception: the IMAP session failed; the caller retries later.
        """
        if self._imap is not None:
            try:
                self._imap.noop()  # a session the server closed while idle: open another
            except Exception:  # any failure means "reconnect"
                self.close()
        if self._imap is None:
            self._imap = self.opener.open_imap()
        imap = self._imap
        try:
            selected = imap.select_folder("INBOX")
            uidvalidity = int(selected[b"UIDVALIDITY"])
            uids = sorted(imap.search(["UNSEEN"]))
            written = 0
            for uid in uids:
                if stop():
                    break
                if self._one(imap, uidvalidity, uid):
                    written += 1
            return written
        except BaseException:
            self.close()
            raise

    def _one(self, imap: Any, uidvalidity: int, uid: int) -> bool:
        known = self.journal.incoming_name(uidvalidity, uid)
        if known is None:
            fetched = imap.fetch([uid], ["BODY.PEEK[]"]).get(uid)
            if not fetched or b"BODY[]" not in fetched:
                return False  # expunged meanwhile
            name = f"{uidvalidity}-{uid:010d}"
            self._write(name, bytes(fetched[b"BODY[]"]), uidvalidity, uid)
            self.journal.add_incoming(uidvalidity, uid, name)
            logger.info("received message uid %d into incoming/%s", uid, name)
        imap.add_flags([uid], [SEEN])  # only now: the files are on disk
        self.journal.mark_flagged(uidvalidity, uid)
        return known is None

    def _write(self, name: str, raw: bytes, uidvalidity: int, uid: int) -> None:
        final = self.layout.incoming / name
        if final.is_dir():
            return  # written before a crash, flag not yet set
        temporary = self.layout.incoming / f".tmp-{name}"
        shutil.rmtree(temporary, ignore_errors=True)
        try:
            temporary.mkdir(mode=0o700)
            write_durably(temporary / "message.eml", raw, sync=False)
            read = parse_message(raw)
            paths = save_attachments(read.attachments, temporary / "attachments") \
                if read.attachments else []
            structured = _structured(read, temporary)
            summary = self._summary(read, uidvalidity, uid, paths, temporary, structured)
            write_json(temporary / "summary.json", summary, sync=False)
            _fsync_tree(temporary)
            temporary.rename(final)
            fsync_directory(self.layout.incoming)
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise

    def _summary(self, read: ReadMessage, uidvalidity: int, uid: int, paths: list[Path],
                 folder: Path, structured: list[dict[str, Any]]) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "message_id": read.message_id, "from": read.sender, "to": list(read.to),
            "cc": list(read.cc), "subject": read.subject,
            "date": read.date.isoformat() if read.date else None,
            "received": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "uid": uid, "uidvalidity": uidvalidity, "mss_headers": dict(read.mss_headers),
            "receipt_requested": bool(read.disposition_notification_to),
            "attachments": [
                {"filename": a.filename, "content_type": a.content_type, "size": a.size,
                 "path": str(p.relative_to(folder))}
                for a, p in zip(read.attachments, paths, strict=False)
            ],
            "structured_documents": structured,
        }
        report = parse_report(read)
        if report is not None:
            summary["report"] = report.to_json()
            linked = self.on_receipt(report, f"incoming/{folder.name.removeprefix('.tmp-')}")
            if linked is not None:
                summary["report"]["sent_report"] = linked
        return summary
