"""How the ``mail`` commands word mail errors: one sentence, what is wrong, what to do.

Registered on :func:`client.cli._common.describe_error` when :mod:`client.cli.mail` is
imported.
"""

from __future__ import annotations

from client.cli._common import describe_error, describe_errors
from client.mail.errors import (
    AttachmentExists,
    CacheCorrupted,
    CacheKeyMismatch,
    CacheKeyUnavailable,
    CacheWriteFailed,
    FolderNotFound,
    InvalidMessage,
    MailConnectionError,
    MailProtocolError,
    MessageNotFound,
    MessageTooLarge,
    ReceiptNotAllowed,
    RecipientRefused,
    SubmissionFailed,
    UnsafeAttachmentName,
)

__all__: list[str] = []


@describe_error.register
def _(exc: RecipientRefused) -> str:
    if exc.rule == "no-recipient":
        return "The message has no recipient: add one with --to."
    if exc.rule == "invalid-address":
        return f"'{exc.address}' is not a valid mail address: check it."
    if exc.rule == "no-trust-list":
        return ("The MSSanté liste blanche is not imported, so recipients cannot be "
                "checked: run 'mssante-companion whitelist import FILE' first.")
    return (f"{exc.address} is outside the MSSanté trust space (its domain is not on the "
            "liste blanche): nothing was sent; use the recipient's MSSanté address.")


@describe_error.register
def _(exc: SubmissionFailed) -> str:
    if exc.permanent:
        return (f"The server refused the message ({exc.reason}); it is kept in the outbox: "
                "fix the cause, then 'mail outbox --retry'.")
    return (f"The message could not be sent now ({exc.reason}); it is kept in the outbox "
            "and will be sent once with 'mail outbox --retry'.")


describe_errors({
    MessageTooLarge:
        "The message is {exc.size} bytes but the server accepts at most {exc.limit}: remove or "
        "shrink attachments.",
    FolderNotFound:
        "There is no folder '{exc.folder}': see 'mail folders' (and 'mail sync' offline).",
    MessageNotFound: "There is no message {exc.uid} in {exc.folder}: see 'mail list {exc.folder}'.",
    AttachmentExists:
        "{exc.path} already exists; nothing was written: choose another directory or add "
        "--overwrite.",
    InvalidMessage: "The message cannot be sent: {exc.reason}.",
    ReceiptNotAllowed: "No receipt sent: {exc.reason}.",
    MailConnectionError:
        "The mail server could not be reached or dropped the connection ({exc.reason}): check the "
        "network and try again.",
    MailProtocolError: "The mail server refused the command ({exc.reason}): try again later.",
    CacheKeyUnavailable:
        "The local mail cache key is not available ({exc.reason}): unlock the system keyring and "
        "try again. On a server without a desktop keyring, name a key file or a systemd "
        "credential in the profile's [secrets] table (see the README).",
    CacheCorrupted:
        "The local mail cache cannot be read ({exc.reason}); it also holds the unsent messages of "
        "the outbox, so do not delete it: see 'mail outbox' if it still opens, then move the "
        "cache file aside and run 'mail sync' to rebuild the cache.",
    CacheWriteFailed:
        "The disk is full ({exc.path}): free some space and run the command again; nothing was "
        "lost.",
})


@describe_error.register
def _(exc: UnsafeAttachmentName) -> str:
    return f"The attachment name {exc.name!r} cannot be saved safely: nothing was written."


@describe_error.register
def _(exc: CacheKeyMismatch) -> str:
    # Never advise deleting: the same file holds the outbox (unsent messages), which only
    # the original key can read. Moving the file aside keeps it for a restored key.
    return (f"The key of the local mail cache is missing from the system keyring, so "
            f"{exc.path} (which also holds the unsent messages of the outbox) cannot be "
            "read: unlock the keyring or restore its 'mssante-companion' entry from a "
            "backup, then try again; nothing was deleted. To start over without losing the "
            "outbox, move that file aside (do not delete it) and run 'mail sync'.")

