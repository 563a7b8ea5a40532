"""Everyday actions on messages: delete to the Trash (and undo), move, archive, empty.

A move is remembered by the messages' ``Message-ID`` headers rather than by UIDs: the UIDs
a message gets in the target folder are only known with UIDPLUS ``COPYUID`` (RFC 4315
section 3), which not every server sends after ``MOVE``, while ``SEARCH HEADER Message-ID``
works everywhere. Undoing a move looks the messages up again in the target folder and moves
them back.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from client.mail.mailbox import Mailbox

__all__ = [
    "ARCHIVE_NAME",
    "Moved",
    "archive_folder",
    "archive_messages",
    "delete_messages",
    "empty_folder",
    "move_messages",
    "undo_move",
]

logger = logging.getLogger(__name__)

#: The folder created for archives when the server announces no ``\\Archive`` (RFC 6154),
#: the name Thunderbird uses.
ARCHIVE_NAME = "Archives"


@dataclass(frozen=True)
class Moved:
    """Messages moved from ``source`` to ``target``, enough to move them back."""

    source: str
    target: str
    uids: tuple[int, ...]
    message_ids: tuple[str, ...]


def move_messages(mailbox: Mailbox, folder: str, uids: Sequence[int], target: str) -> Moved:
    """Move ``uids`` of ``folder`` to ``target``; the result can undo it.

    Raises:
        MailError: the server refused (``FolderNotFound`` for a missing target).
    """
    if not uids:
        return Moved(folder, target, (), ())
    ids = mailbox.message_ids(folder, uids)
    mailbox.move(folder, uids, target)
    return Moved(folder, target, tuple(uids), tuple(ids[u] for u in uids if u in ids))


def undo_move(mailbox: Mailbox, moved: Moved) -> int:
    """Move the messages of ``moved`` back to their folder; returns how many came back.

    Messages without a ``Message-ID`` cannot be found again and stay where they are.
    """
    found: list[int] = []
    for message_id in moved.message_ids:
        found += mailbox.uids_with_message_id(moved.target, message_id)
    unique = sorted(set(found))
    if unique:
        mailbox.move(moved.target, unique, moved.source)
    return len(unique)


def delete_messages(mailbox: Mailbox, folder: str, uids: Sequence[int]) -> Moved | None:
    """Move to the Trash (undoable), or delete for good when ``folder`` is the Trash or
    the server has none (then None)."""
    trash = mailbox.folder_for("trash")
    if trash is not None and trash != folder:
        return move_messages(mailbox, folder, uids, trash)
    mailbox.delete(folder, uids)
    return None


def archive_folder(mailbox: Mailbox) -> str:
    """The ``\\Archive`` folder (RFC 6154), else ``Archives``, created when missing."""
    special = mailbox.folder_for("archive")
    if special is not None:
        return special
    folders = mailbox.folders()
    for folder in folders:
        if folder.name.split(folder.delimiter)[-1] == ARCHIVE_NAME:
            return folder.name
    mailbox.create_folder(ARCHIVE_NAME)
    mailbox.folders()
    return ARCHIVE_NAME


def archive_messages(mailbox: Mailbox, folder: str, uids: Sequence[int]) -> Moved:
    """Move to the archive folder (see :func:`archive_folder`)."""
    return move_messages(mailbox, folder, uids, archive_folder(mailbox))


def empty_folder(mailbox: Mailbox, folder: str) -> int:
    """Delete every message of ``folder`` for good (the Trash); returns how many."""
    count = mailbox.expunge_all(folder)
    logger.info("emptied a folder: %d message(s)", count)
    return count
