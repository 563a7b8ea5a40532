"""Errors of the mail layer, each carrying the data a user-facing sentence needs.

    ClientError
     └── MailError
          ├── MailConnectionError        the server is unreachable or dropped the session
          ├── MailProtocolError          the server refused a command (IMAP NO/BAD)
          ├── FolderNotFound(folder)
          ├── MessageNotFound(folder, uid)
          ├── RecipientRefused(address, rule)
          ├── MessageTooLarge(size, limit)
          ├── SubmissionFailed(message_id, reason, permanent)
          ├── InvalidMessage(reason)
          ├── UnsafeAttachmentName(name)
          ├── AttachmentExists(path)
          ├── CacheKeyUnavailable(reason)
          ├── CacheWriteFailed(path, reason)  the disk is full (or failing) under the cache
          └── CacheCorrupted(reason)
               └── CacheKeyMismatch(path)  the keyring's key is not this cache's (missing)

``imaplib.IMAP4.error``, ``smtplib.SMTPException``, ``sqlite3.Error`` and
``keyring.errors.*`` are translated where they enter, with ``raise ... from exc``.
"""

from __future__ import annotations

from pathlib import Path

from client.errors import ClientError

__all__ = [
    "AttachmentExists",
    "CacheCorrupted",
    "CacheKeyMismatch",
    "CacheKeyUnavailable",
    "CacheWriteFailed",
    "FolderNotFound",
    "InvalidMessage",
    "MailConnectionError",
    "MailError",
    "MailProtocolError",
    "MessageNotFound",
    "MessageTooLarge",
    "ReceiptNotAllowed",
    "RecipientRefused",
    "SubmissionFailed",
    "UnsafeAttachmentName",
]


class MailError(ClientError):
    """Root of the mail errors."""


class MailConnectionError(MailError):
    """The mail server could not be reached, or it dropped the session."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MailProtocolError(MailError):
    """The server refused a command (an IMAP ``NO`` or ``BAD``)."""

    def __init__(self, command: str, reason: str) -> None:
        super().__init__(f"{command}: {reason}")
        self.command = command
        self.reason = reason


class FolderNotFound(MailError):
    """No folder of that name on the server (or in the cache, offline)."""

    exit_status = 3

    def __init__(self, folder: str) -> None:
        super().__init__(folder)
        self.folder = folder


class MessageNotFound(MailError):
    """No message with that UID in the folder."""

    exit_status = 3

    def __init__(self, folder: str, uid: int) -> None:
        super().__init__(f"{folder} UID {uid}")
        self.folder = folder
        self.uid = uid


class RecipientRefused(MailError):
    """A recipient is outside what the policy allows; nothing was sent.

    ``rule`` names the rule: ``"outside-trust-space"``, ``"invalid-address"``,
    ``"no-recipient"``.
    """

    exit_status = 4

    def __init__(self, address: str, rule: str) -> None:
        super().__init__(f"{address}: {rule}")
        self.address = address
        self.rule = rule


class ReceiptNotAllowed(MailError):
    """No read receipt (MDN) may be sent for this message; nothing was sent.

    ``rule`` names why: ``"not-requested"``, ``"already-sent"`` (this or another client of
    the mailbox answered), ``"report"`` (a report is never answered with a report),
    ``"address-differs"`` (the receipt would go elsewhere than the Return-Path and the
    user did not confirm it).
    """

    exit_status = 4

    def __init__(self, rule: str, reason: str) -> None:
        super().__init__(reason)
        self.rule = rule
        self.reason = reason


class MessageTooLarge(MailError):
    """The message is bigger than the server's SIZE limit (RFC 1870)."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"{size} > {limit}")
        self.size = size
        self.limit = limit


class SubmissionFailed(MailError):
    """The submission server did not take the message; it stays queued in the outbox."""

    def __init__(self, message_id: str, reason: str, *, permanent: bool = False) -> None:
        super().__init__(f"{message_id}: {reason}")
        self.message_id = message_id
        self.reason = reason
        self.permanent = permanent


class InvalidMessage(MailError):
    """The message to compose or parse is unusable (empty, bad header...)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnsafeAttachmentName(MailError):
    """An attachment name cannot be made into a safe file name."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class AttachmentExists(MailError):
    """Saving would overwrite an existing file and overwriting was not allowed."""

    exit_status = 5

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path


class CacheKeyUnavailable(MailError):
    """The cache key could not be read from or stored in the OS keyring."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CacheCorrupted(MailError):
    """The cache file cannot be decrypted or read (wrong key, damaged file)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CacheKeyMismatch(CacheCorrupted):
    """The keyring's cache key does not open this cache file: the original key was lost
    (keyring reset, new profile) or replaced. The file, including the unsent outbox, is
    intact and readable again once the original key is restored."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"the cache key does not match {path}")
        self.path = path


class CacheWriteFailed(MailError):
    """SQLite could not write the cache file (disk full, I/O error); the transaction was
    rolled back, so the previous state is intact."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
