"""The mailbox over one authenticated IMAP session: folders, lists, messages, flags.

Everything goes through a :class:`client.sessions.SessionOpener`; the session is opened on
first use and reopened once when the server dropped it (a token-based session may be cut
when its token expires; the opener brings a fresh one). IMAP errors are translated here
into :mod:`client.mail.errors`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import imaplib
import logging
import ssl
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from client.mail.errors import (
    FolderNotFound,
    MailConnectionError,
    MailProtocolError,
    MessageNotFound,
)
from client.mail.summary import SUMMARY_ITEMS, MessageSummary, summary_from_fetch
from client.sessions import SessionOpener

if TYPE_CHECKING:
    from imapclient import IMAPClient

__all__ = [
    "SPECIAL_USES",
    "Folder",
    "Mailbox",
    "Page",
    "SearchQuery",
    "imap_errors",
    "unexpected_responses",
]

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: RFC 6154 special-use attributes and the role names the app uses for them.
SPECIAL_USES: dict[str, str] = {
    "\\Sent": "sent",
    "\\Drafts": "drafts",
    "\\Trash": "trash",
    "\\Junk": "junk",
    "\\Archive": "archive",
    "\\All": "all",
    "\\Flagged": "flagged",
}

#: Fallback names when a server announces no SPECIAL-USE (common French and English ones).
_ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "sent": ("Sent", "Sent Items", "Sent Messages", "Envoyés", "Éléments envoyés"),
    "drafts": ("Drafts", "Brouillons"),
    "trash": ("Trash", "Deleted Items", "Corbeille"),
    "junk": ("Junk", "Spam", "Indésirables"),
}


_SORT_KEYS = {"date": "DATE", "from": "FROM", "subject": "SUBJECT", "size": "SIZE"}


@dataclass(frozen=True)
class Folder:
    """One IMAP folder with its RFC 6154 role (``inbox``, ``sent``... or ``None``).

    ``unread`` and ``total`` are the STATUS counters (RFC 3501 section 6.3.10) when the
    caller asked for them (the desktop's folder tree); 0 otherwise.
    """

    name: str
    delimiter: str
    flags: tuple[str, ...]
    role: str | None
    unread: int = 0
    total: int = 0

    @property
    def leaf(self) -> str:
        """The last part of the path (``2024`` of ``Dossiers patients/2024``)."""
        return self.name.split(self.delimiter)[-1] if self.delimiter else self.name

    @property
    def selectable(self) -> bool:
        """Whether the folder can hold messages (no ``\\Noselect``)."""
        return not any(f.lower() in ("\\noselect", "\\nonexistent") for f in self.flags)

    def to_json(self) -> dict[str, Any]:
        """The ``mail folders --json`` item."""
        return {"name": self.name, "role": self.role, "flags": list(self.flags)}


@dataclass(frozen=True)
class Page:
    """One page of a message list, newest first, with the folder's total."""

    folder: str
    total: int
    offset: int
    messages: tuple[MessageSummary, ...]


@dataclass(frozen=True)
class SearchQuery:
    """A server-side search (RFC 3501 section 6.4.4); empty fields are ignored."""

    sender: str = ""
    subject: str = ""
    body: str = ""
    text: str = ""
    since: dt.date | None = None
    before: dt.date | None = None
    unseen: bool = False
    flagged: bool = False

    def criteria(self) -> list[Any]:
        """The imapclient search criteria for this query."""
        crit: list[Any] = []
        for key, value in (
            ("FROM", self.sender),
            ("SUBJECT", self.subject),
            ("BODY", self.body),
            ("TEXT", self.text),
        ):
            if value:
                crit += [key, value]
        if self.since:
            crit += ["SINCE", self.since]
        if self.before:
            crit += ["BEFORE", self.before]
        if self.unseen:
            crit.append("UNSEEN")
        if self.flagged:
            crit.append("FLAGGED")
        return crit or ["ALL"]


@contextlib.contextmanager
def imap_errors(command: str, folder: str | None = None) -> Iterator[None]:
    """Translate imaplib/socket errors raised inside the block into mail errors."""
    try:
        yield
    except imaplib.IMAP4.abort as exc:
        if "unexpected response" in str(exc):  # imaplib quotes the whole line
            _log_malformed(exc)
            raise MailConnectionError(f"{command}: unexpected response") from None
        raise MailConnectionError(f"{command}: {exc}") from exc
    except imaplib.IMAP4.error as exc:
        if _is_parse_error(exc):
            _log_malformed(exc)
            raise MailProtocolError(command, _MALFORMED) from None
        text = str(exc)
        if folder is not None and command in ("SELECT", "EXAMINE", "STATUS") and (
            "NONEXISTENT" in text.upper() or "doesn't exist" in text or "not exist" in text
        ):
            raise FolderNotFound(folder) from exc
        raise MailProtocolError(command, text) from exc
    except (TimeoutError, OSError, ssl.SSLError) as exc:
        raise MailConnectionError(f"{command}: {exc}") from exc
    except (ValueError, IndexError, KeyError, TypeError) as exc:
        # imapclient's response parser raises these on a malformed answer (a LIST
        # without a name, a FETCH item list cut short): the server broke RFC 3501.
        _log_malformed(exc)
        raise MailProtocolError(command, f"{_MALFORMED} ({type(exc).__name__})") from None


@contextlib.contextmanager
def unexpected_responses() -> Iterator[None]:
    """Responses of a shape the protocol does not allow (a hostile or broken server)
    become :class:`MailProtocolError` instead of crashing the caller."""
    try:
        yield
    except (TypeError, ValueError, AttributeError, IndexError, KeyError) as exc:
        _log_malformed(exc)
        raise MailProtocolError(
            "response", f"unexpected answer from the server ({type(exc).__name__})") from None


# A parser's message quotes the answer it could not read: an envelope, a body. Neither
# the error the user sees nor a -vv traceback carries it (hence ``from None``): the
# exception's type and where it was raised are what a diagnosis needs.
_MALFORMED = "malformed server response"


def _is_parse_error(exc: BaseException) -> bool:
    import sys

    exceptions = sys.modules.get("imapclient.exceptions")
    return exceptions is not None and isinstance(exc, exceptions.ProtocolError)


def _log_malformed(exc: BaseException) -> None:
    frame = exc.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    where = (f"{frame.tb_frame.f_code.co_filename}:{frame.tb_lineno}"
             if frame is not None else "?")
    logger.debug("malformed IMAP response: %s raised at %s", type(exc).__name__, where)


def _str(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


class Mailbox:
    """Mailbox operations for one signed-in address.

    Use as a context manager (or call :meth:`close`) so the IMAP session is logged out.
    """

    def __init__(self, opener: SessionOpener) -> None:
        self._opener = opener
        self._imap: IMAPClient | None = None
        self._selected: tuple[str, bool] | None = None
        self._folders: list[Folder] | None = None
        self._condstore_session: IMAPClient | None = None
        self._qresync_session: IMAPClient | None = None

    # -- session ---------------------------------------------------------------------------

    @property
    def address(self) -> str:
        """The mailbox address."""
        return self._opener.address

    def imap(self) -> IMAPClient:
        """The open IMAP session (opened on first use)."""
        if self._imap is None:
            with imap_errors("LOGIN"):
                self._imap = self._opener.open_imap()
            self._selected = None
        return self._imap

    def capabilities(self) -> set[str]:
        """The server's capabilities, upper-case."""
        imap = self.imap()
        with imap_errors("CAPABILITY"):
            return {_str(c).upper() for c in imap.capabilities()}

    def close(self) -> None:
        """Log out (errors while leaving a dead session are ignored)."""
        imap, self._imap = self._imap, None
        self._selected = None
        if imap is not None:
            with contextlib.suppress(Exception):
                imap.logout()
            # A dropped session may leave the socket open; logout could not close it.
            with contextlib.suppress(Exception):
                imap.shutdown()

    def __enter__(self) -> Mailbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _retrying(self, action: Callable[[IMAPClient], T]) -> T:
        """Run ``action`` on the session; on a dropped connection reopen once and retry."""
        with unexpected_responses():
            try:
                return action(self.imap())
            except MailConnectionError:
                logger.info("IMAP session dropped; reopening once")
                self.close()
                return action(self.imap())

    def enable_condstore(self) -> bool:
        """Turn on CONDSTORE (RFC 7162 section 3.1) for this session; False if not offered.

        ENABLE is only valid outside a selected folder (RFC 5161 section 3.1), so a
        selected folder is closed first; the state lasts as long as the session.
        """
        imap = self.imap()
        if self._condstore_session is imap:
            return True
        if not self._enable(imap, "CONDSTORE"):
            return False
        self._condstore_session = imap
        return True

    def enable_qresync(self) -> bool:
        """Turn on QRESYNC (RFC 7162 section 3.2.3) for this session; False if not offered.

        QRESYNC implies CONDSTORE. Like :meth:`enable_condstore`, a selected folder is
        closed first; expunges are then reported as VANISHED (see :mod:`client.mail.qresync`).
        """
        imap = self.imap()
        if self._qresync_session is imap:
            return True
        if not self._enable(imap, "QRESYNC"):
            return False
        self._qresync_session = imap
        self._condstore_session = imap
        return True

    def _enable(self, imap: IMAPClient, extension: str) -> bool:
        """ENABLE ``extension`` if the server offers it, closing a selected folder first."""
        if extension.encode() not in imap.capabilities():
            return False
        with imap_errors("ENABLE"):
            if self._selected is not None:
                if b"UNSELECT" in imap.capabilities():
                    imap.unselect_folder()
                else:
                    imap.close_folder()
                self._selected = None
            imap.enable(extension)
        return True

    def select(self, folder: str, *, readonly: bool = False) -> dict[bytes, Any]:
        """Select ``folder`` (EXAMINE when ``readonly``); returns the SELECT response."""
        imap = self.imap()
        with imap_errors("EXAMINE" if readonly else "SELECT", folder):
            response: dict[bytes, Any] = imap.select_folder(folder, readonly=readonly)
        self._selected = (folder, readonly)
        return response

    def _ensure_selected(self, folder: str, *, readonly: bool) -> None:
        if self._selected == (folder, readonly) or (
            readonly and self._selected == (folder, False)
        ):
            return
        self.select(folder, readonly=readonly)

    # -- folders ---------------------------------------------------------------------------

    def folders(self) -> list[Folder]:
        """All folders with their roles (RFC 6154 SPECIAL-USE, else well-known names)."""

        def run(imap: IMAPClient) -> list[Any]:
            with imap_errors("LIST"):
                return list(imap.list_folders())

        with unexpected_responses():
            return self._folders_from(self._retrying(run))

    def _folders_from(self, raw: list[Any]) -> list[Folder]:
        folders: list[Folder] = []
        for flags, delimiter, raw_name in raw:
            if isinstance(raw_name, int):  # imapclient turns a name like 2024 into an int
                raw_name = str(raw_name)
            if not isinstance(raw_name, bytes | str) or not raw_name:
                logger.debug("LIST entry without a usable name ignored")
                continue
            name = raw_name
            if not isinstance(delimiter, bytes | str) or not delimiter:
                delimiter = b"/"  # NIL (flat namespace) or junk
            flags = flags if isinstance(flags, tuple | list) else ()
            flag_names = tuple(_str(f) for f in flags if isinstance(f, bytes | str))
            role = next((SPECIAL_USES[f] for f in flag_names if f in SPECIAL_USES), None)
            if _str(name).upper() == "INBOX":
                role = "inbox"
            folders.append(Folder(_str(name), _str(delimiter), flag_names, role))
        taken = {f.role for f in folders if f.role}
        for role, names in _ROLE_NAMES.items():
            if role in taken:
                continue
            for index, folder in enumerate(folders):
                if folder.role is None and folder.name.split(folder.delimiter)[-1] in names:
                    folders[index] = Folder(folder.name, folder.delimiter, folder.flags, role)
                    break
        self._folders = folders
        return folders

    def create_folder(self, name: str) -> None:
        """Create ``name`` (a full path with the server's delimiter, RFC 3501 CREATE)."""

        def run(imap: IMAPClient) -> None:
            with imap_errors("CREATE", name):
                imap.create_folder(name)
            # RFC 3501 section 6.3.11: a folder the server created is listed; subscribe so
            # that clients listing subscribed folders (LSUB) see it too.
            with contextlib.suppress(MailProtocolError), imap_errors("SUBSCRIBE", name):
                imap.subscribe_folder(name)

        self._retrying(run)
        self._folders = None

    def rename_folder(self, old: str, new: str) -> None:
        """Rename ``old`` to ``new`` (RFC 3501 RENAME; its subfolders follow)."""

        def run(imap: IMAPClient) -> None:
            if self._selected is not None and self._selected[0] == old:
                self._unselect(imap)
            with imap_errors("RENAME", old):
                imap.rename_folder(old, new)
            with contextlib.suppress(MailProtocolError), imap_errors("SUBSCRIBE", new):
                imap.subscribe_folder(new)

        self._retrying(run)
        self._folders = None

    def delete_folder(self, name: str) -> None:
        """Delete ``name`` and the messages it holds (RFC 3501 DELETE)."""

        def run(imap: IMAPClient) -> None:
            if self._selected is not None and self._selected[0] == name:
                self._unselect(imap)
            with contextlib.suppress(MailProtocolError), imap_errors("UNSUBSCRIBE", name):
                imap.unsubscribe_folder(name)
            with imap_errors("DELETE", name):
                imap.delete_folder(name)

        self._retrying(run)
        self._folders = None

    def _unselect(self, imap: IMAPClient) -> None:
        # A selected folder cannot be renamed or deleted safely on every server.
        with imap_errors("UNSELECT"):
            if b"UNSELECT" in imap.capabilities():
                imap.unselect_folder()
            else:
                imap.close_folder()
        self._selected = None

    def catch_up(self) -> None:
        """Let the selected folder's view see what other sessions changed.

        A server answers STATUS on the selected folder from this session's view, which
        only moves on a command (RFC 3501 section 6.3.10): without this, a message that
        arrived in the open folder stays uncounted."""
        if self._selected is None:
            return

        def run(imap: IMAPClient) -> None:
            with imap_errors("NOOP"):
                imap.noop()

        self._retrying(run)

    def status(self, folder: str) -> dict[str, int]:
        """Counts of a folder without selecting it (RFC 3501 STATUS): messages, unseen."""

        def run(imap: IMAPClient) -> dict[str, int]:
            with imap_errors("STATUS", folder):
                raw = imap.folder_status(folder, [b"MESSAGES", b"UNSEEN", b"UIDNEXT"])
            return {_str(k).lower(): int(v) for k, v in raw.items()}

        return self._retrying(run)

    def folder_for(self, role: str) -> str | None:
        """The name of the folder with ``role`` (``sent``, ``trash``...), if any."""
        folders = self._folders if self._folders is not None else self.folders()
        return next((f.name for f in folders if f.role == role), None)

    # -- lists -----------------------------------------------------------------------------

    def list_messages(
        self, folder: str, *, limit: int = 50, offset: int = 0, sort: str = "arrival"
    ) -> Page:
        """A page of summaries, newest (or biggest, last alphabetically) first.

        ``sort`` is ``arrival`` (UID order, exact), or ``date``, ``from``, ``subject``,
        ``size``, which use the server's SORT (RFC 5256) when offered and fall back to
        arrival order otherwise.
        """
        if limit < 1 or offset < 0:
            raise ValueError("limit must be >= 1 and offset >= 0")
        key = _SORT_KEYS.get(sort)
        if key is None and sort != "arrival":
            raise ValueError(f"unknown sort order {sort!r}")

        def run(imap: IMAPClient) -> Page:
            self._ensure_selected(folder, readonly=True)
            with imap_errors("SORT/SEARCH", folder):
                if key is not None and b"SORT" in imap.capabilities():
                    uids = list(imap.sort(["REVERSE", key]))
                else:
                    uids = sorted(imap.search(["ALL"]), reverse=True)
            window = uids[offset : offset + limit]
            summaries = self._fetch_summaries(imap, window)
            by_uid = {s.uid: s for s in summaries}
            ordered = tuple(by_uid[u] for u in window if u in by_uid)
            return Page(folder=folder, total=len(uids), offset=offset, messages=ordered)

        return self._retrying(run)

    def _fetch_summaries(
        self, imap: IMAPClient, uids: Sequence[int]
    ) -> list[MessageSummary]:
        if not uids:
            return []
        with imap_errors("FETCH"):
            data = imap.fetch(list(uids), list(SUMMARY_ITEMS))
        return [summary_from_fetch(uid, item) for uid, item in data.items()]

    def summaries(self, folder: str, uids: Sequence[int]) -> list[MessageSummary]:
        """Summaries of the given UIDs (missing UIDs are left out)."""

        def run(imap: IMAPClient) -> list[MessageSummary]:
            self._ensure_selected(folder, readonly=True)
            return self._fetch_summaries(imap, uids)

        return self._retrying(run)

    def search(self, folder: str, query: SearchQuery) -> list[int]:
        """UIDs matching ``query`` (server-side SEARCH, UTF-8 charset), newest first."""

        def run(imap: IMAPClient) -> list[int]:
            self._ensure_selected(folder, readonly=True)
            with imap_errors("SEARCH", folder):
                return sorted(imap.search(query.criteria(), charset="UTF-8"), reverse=True)

        return self._retrying(run)

    # -- messages --------------------------------------------------------------------------

    def fetch_raw(self, folder: str, uid: int, *, mark_seen: bool = False) -> bytes:
        """The full message (``BODY.PEEK[]``, so not marked read unless ``mark_seen``)."""

        def run(imap: IMAPClient) -> bytes:
            self._ensure_selected(folder, readonly=not mark_seen)
            with imap_errors("FETCH"):
                data = imap.fetch([uid], ["BODY.PEEK[]"])
            item = data.get(uid)
            if item is None or b"BODY[]" not in item:
                raise MessageNotFound(folder, uid)
            raw = item[b"BODY[]"]
            if mark_seen:
                with imap_errors("STORE"):
                    imap.add_flags([uid], [b"\\Seen"], silent=True)
            return bytes(raw)

        return self._retrying(run)

    def add_flags(self, folder: str, uids: Sequence[int], flags: Sequence[str]) -> None:
        """Add flags (``\\Seen``, ``\\Flagged``, ``\\Answered``, ``$MDNSent``...)."""
        self._store(folder, uids, flags, add=True)

    def remove_flags(self, folder: str, uids: Sequence[int], flags: Sequence[str]) -> None:
        """Remove flags."""
        self._store(folder, uids, flags, add=False)

    def _store(self, folder: str, uids: Sequence[int], flags: Sequence[str], *, add: bool) -> None:
        def run(imap: IMAPClient) -> None:
            self._ensure_selected(folder, readonly=False)
            with imap_errors("STORE"):
                if add:
                    imap.add_flags(list(uids), list(flags), silent=True)
                else:
                    imap.remove_flags(list(uids), list(flags), silent=True)

        self._retrying(run)

    def move(self, folder: str, uids: Sequence[int], target: str) -> None:
        """Move messages to ``target`` (RFC 6851 MOVE, else COPY + expunge)."""

        def run(imap: IMAPClient) -> None:
            self._ensure_selected(folder, readonly=False)
            with imap_errors("MOVE", target):
                if b"MOVE" in imap.capabilities():
                    imap.move(list(uids), target)
                else:
                    imap.copy(list(uids), target)
                    imap.delete_messages(list(uids), silent=True)
                    self._expunge(imap, uids)

        self._retrying(run)

    def _expunge(self, imap: IMAPClient, uids: Sequence[int]) -> None:
        # UID EXPUNGE (RFC 4315) removes only these messages, not others marked elsewhere.
        if b"UIDPLUS" in imap.capabilities():
            imap.uid_expunge(list(uids))
        else:
            imap.expunge()

    def delete(self, folder: str, uids: Sequence[int]) -> None:
        """Move to Trash; in Trash itself (or with no Trash), delete for good."""
        trash = self.folder_for("trash")
        if trash is not None and trash != folder:
            self.move(folder, uids, trash)
            return

        def run(imap: IMAPClient) -> None:
            self._ensure_selected(folder, readonly=False)
            with imap_errors("EXPUNGE"):
                imap.delete_messages(list(uids), silent=True)
                self._expunge(imap, uids)

        self._retrying(run)

    def message_ids(self, folder: str, uids: Sequence[int]) -> dict[int, str]:
        """The ``Message-ID`` of each UID (``BODY.PEEK``: nothing is marked read)."""

        def run(imap: IMAPClient) -> dict[int, str]:
            self._ensure_selected(folder, readonly=True)
            with imap_errors("FETCH"):
                data = imap.fetch(list(uids), ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
            found: dict[int, str] = {}
            for uid, item in data.items():
                raw = next((v for k, v in item.items() if k.startswith(b"BODY[HEADER")), b"")
                text = _str(raw) if isinstance(raw, bytes | str) else ""
                # Unfold (RFC 5322 section 2.2.3), then keep the <...> token.
                value = " ".join(text.split()).partition(":")[2].strip()
                if value:
                    found[int(uid)] = value
            return found

        return self._retrying(run)

    def expunge_all(self, folder: str) -> int:
        """Delete every message of ``folder`` for good (emptying the Trash)."""

        def run(imap: IMAPClient) -> int:
            self._ensure_selected(folder, readonly=False)
            with imap_errors("SEARCH", folder):
                # NOOP first: the session's view of an already selected folder catches up
                # with messages other sessions added (RFC 3501 section 6.1.2).
                imap.noop()
                uids = list(imap.search(["ALL"]))
            if uids:
                with imap_errors("EXPUNGE", folder):
                    imap.delete_messages(uids, silent=True)
                    self._expunge(imap, uids)
            return len(uids)

        return self._retrying(run)

    def append(
        self,
        folder: str,
        raw: bytes,
        *,
        flags: Sequence[str] = (),
        when: dt.datetime | None = None,
    ) -> int | None:
        """Store a message in ``folder``; returns its UID when the server says (UIDPLUS)."""

        def run(imap: IMAPClient) -> int | None:
            with imap_errors("APPEND", folder):
                response = imap.append(folder, raw, flags=list(flags), msg_time=when)
            text = _str(response) if isinstance(response, bytes | str) else ""
            # RFC 4315: "[APPENDUID <uidvalidity> <uid>] Append completed."
            if "APPENDUID" in text.upper():
                try:
                    return int(text.split("APPENDUID", 1)[1].split()[1].rstrip("]"))
                except (IndexError, ValueError):
                    return None
            return None

        return self._retrying(run)

    def search_header(self, folder: str, name: str, value: str) -> list[int]:
        """UIDs whose header ``name`` contains ``value`` (``SEARCH HEADER``)."""

        def run(imap: IMAPClient) -> list[int]:
            self._ensure_selected(folder, readonly=True)
            with imap_errors("SEARCH", folder):
                charset = None if value.isascii() else "UTF-8"
                return sorted(imap.search(["HEADER", name, value], charset=charset))

        return self._retrying(run)

    def uids_with_message_id(self, folder: str, message_id: str) -> list[int]:
        """UIDs whose Message-ID header is ``message_id`` (to avoid duplicate copies)."""

        def run(imap: IMAPClient) -> list[int]:
            self._ensure_selected(folder, readonly=True)
            with imap_errors("SEARCH", folder):
                return list(imap.search(["HEADER", "Message-ID", message_id]))

        return self._retrying(run)
