"""The local audit trail: an append-only, keyed hash chain of security-relevant events.

One JSON object per line in ``<data>/audit/audit.jsonl`` (mode 0600)::

    {"seq": 7, "time": "2026-11-22T22:30:01.123456+00:00", "event": "send",
     "fields": {"message_id": "<...>", "recipients": ["..."]}, "prev": "<hex>",
     "alg": "hmac-sha256", "key_id": "<16 hex>", "hash": "<hex>"}

``hash`` is HMAC-SHA256, under a key kept in the OS keyring or derived from the profile's
``[secrets]`` source (:mod:`client.audit_key`), over ``prev`` and the canonical JSON of the
entry without ``hash`` (sorted keys, no spaces); ``prev`` is the previous entry's ``hash``
(64 zeros for the first). Editing, inserting, reordering or deleting a line breaks the
chain, and without the key nobody can recompute it: :meth:`AuditLog.verify` names the first
bad entry.

Entries without ``alg`` are *unsealed*: plain SHA-256 over the same input. They are the
trail written by earlier versions (kept and reported as such by ``audit verify``; the first
sealed entry starts a new file and chains on), or entries written while the keyring was
unavailable; an unsealed entry after a sealed one fails verification, since that is also
exactly what a rewrite without the key looks like.

Key switch: a user may move a profile from the keyring to a key file, and the desktop app
(keyring) and a service (key file) may share one trail. The first entry sealed with
another key than the entry before it names that entry's key in ``prev_key_id`` (under its
own seal), so relabelling an entry's ``key_id`` to hide an edit is caught by the next entry
the verifier can check. Entries under a key the verifier does not have are chained but
not checked, and :class:`VerifyResult` lists them (``runs``): never reported as intact.

Rotation: when the current file reaches ``max_bytes`` it is renamed
``audit-<first seq>.jsonl`` and a new one continues the same chain (sequence numbers and
``prev`` go on across files). At most ``keep`` rotated files stay; removing older ones is
itself recorded (``audit-pruned``, ``through_seq``), so that a trail whose beginning is
missing verifies only if a sealed entry says why.

End marker: no chain tells a trail whose last entries were removed from a shorter one.
The application's trail (``anchored``) keeps beside it ``<stem>.anchor`` (0600): the last
sealed entry's ``seq`` and ``hash`` under an HMAC of the same key, replaced after each
sealed append. :meth:`AuditLog.verify` fails when sealed entries exist and the marker is
missing, forged, or names an entry the trail no longer holds. A marker behind the trail
is fine (a power cut between the entry's ``fsync`` and the marker's rename). What it
cannot catch is a marker copied earlier and put back with the trail cut to match: the
last verified ``(seq, hash)`` compared with an export kept elsewhere covers that.

Each entry is written with one ``write`` on a file opened ``O_APPEND`` under an exclusive
``flock`` (the CLI, the bridge and the desktop app may append at the same time), then
``fsync``-ed: an event the app reported is on disk. A line torn by a power cut in the
middle of a write is reported by :meth:`AuditLog.verify` (``torn_lines``) and the next
append starts on a fresh line, chained to the last whole entry.

Never message content: :func:`record` refuses fields named like content or secrets
(``body``, ``subject``, ``pin``, ``token``, ``password``...) and accepts only scalars
and lists of scalars. Events in use (:data:`EVENTS`): ``sign-in``, ``sign-in-failed``,
``sign-in-cancelled``, ``pin-refused`` (asked again after a wrong PIN), ``pin-incorrect``
(a sign-in ended by a wrong PIN), ``card-locked``, ``card-removed``, ``send``,
``send-failed``, ``recipient-refused``, ``receipt-requested``, ``receipt-sent``,
``receipt-received``, ``bridge-session``, ``bridge-refused``, ``bridge-login-failed``,
``audit-pruned``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from client.audit_key import (
    AuditKeyUnavailable,
    configured_origin,
    current_key,
    key_id,
    keyring_key,
)
from client.errors import ClientError
from client.paths import app_paths, private_dir

try:  # POSIX; on Windows the in-process lock is all there is (one app per session).
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "EVENTS",
    "AuditBatch",
    "FORBIDDEN_FIELDS",
    "SEALED",
    "AuditEntry",
    "AuditError",
    "AuditKeyUnavailable",
    "AuditLog",
    "AuditTampered",
    "VerifyResult",
    "default_audit_path",
    "record",
    "record_many",
]

logger = logging.getLogger(__name__)

EVENTS = frozenset(
    {
        "sign-in",
        "sign-in-failed",
        "sign-in-cancelled",
        "pin-refused",
        "pin-incorrect",
        "card-locked",
        "card-removed",
        "send",
        "send-failed",
        "recipient-refused",
        "receipt-requested",
        "receipt-sent",
        "receipt-received",
        "bridge-session",
        "bridge-refused",
        "bridge-login-failed",
        "audit-pruned",
    }
)

#: Field names that would carry message content or secrets: refused outright.
FORBIDDEN_FIELDS = frozenset(
    {
        "body", "text", "content", "subject", "raw", "message", "attachment", "attachments",
        "pin", "password", "passphrase", "token", "access_token", "refresh_token",
        "id_token", "secret", "key",
    }
)

#: The ``alg`` of a sealed entry.
SEALED = "hmac-sha256"
_GENESIS = "0" * 64
_MAX_BYTES = 4 * 1024 * 1024
_KEEP = 8


class AuditError(ClientError):
    """The audit trail cannot be read or written."""


class AuditTampered(AuditError):
    """The chain is broken at ``line`` (1-based) of ``path``: the log was edited or damaged.

    Attributes:
        path: the file holding the first bad entry.
        line: its line number in that file.
        reason: what does not match.
        seq: the entry's sequence number when it could be read (0 otherwise).
    """

    #: ``audit verify`` exits with 3 on a broken chain (2 is any other error).
    exit_status = 3

    def __init__(self, path: Path, line: int, reason: str, seq: int = 0) -> None:
        super().__init__(f"{path}: line {line}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason
        self.seq = seq


@dataclass(frozen=True)
class AuditEntry:
    """One event of the trail (``alg`` and ``key_id`` empty on an unsealed entry)."""

    seq: int
    time: str
    event: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    prev: str = _GENESIS
    hash: str = ""
    alg: str = ""
    key_id: str = ""
    prev_key_id: str = ""

    @property
    def sealed(self) -> bool:
        """True when the entry carries an HMAC under the keyring's key."""
        return self.alg == SEALED

    def to_json(self) -> dict[str, Any]:
        """The JSON object written on the entry's line."""
        obj: dict[str, Any] = {
            "seq": self.seq,
            "time": self.time,
            "event": self.event,
            "fields": dict(self.fields),
            "prev": self.prev,
        }
        if self.alg:
            obj["alg"] = self.alg
            obj["key_id"] = self.key_id
        if self.prev_key_id:
            obj["prev_key_id"] = self.prev_key_id
        obj["hash"] = self.hash
        return obj


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of :meth:`AuditLog.verify` on an intact chain.

    Attributes:
        unsealed: sequence numbers of the entries written before the trail was keyed
            (older versions): chained, but not provably unmodified.
        sealed_from: the first sealed entry's sequence number (None: none yet).
        first_seq: the oldest entry kept (> 1 once rotation removed older files).
        files: how many files the trail spans.
        runs: consecutive entries of one kind, oldest first: ``(first seq, last seq, kind,
            key_id)`` where kind is ``unsealed``, ``sealed`` (checked) or ``other-key``
            (sealed with a key this process does not have: not checked).
        key_id: the fingerprint of this process's key (empty when nothing was sealed).
        key_origin: where that key comes from: ``keyring``, ``file``,
            ``systemd-credential`` (or ``given`` for a key passed to :class:`AuditLog`).
        end_checked: False when the end marker is sealed with another key (a cut at the
            end cannot be ruled out by this process).
    """

    count: int
    last_seq: int
    last_hash: str
    torn_lines: tuple[int, ...] = ()
    unsealed: tuple[int, ...] = ()
    sealed_from: int | None = None
    first_seq: int = 1
    files: int = 1
    runs: tuple[tuple[int, int, str, str], ...] = ()
    key_id: str = ""
    key_origin: str = "keyring"
    end_checked: bool = True

    @property
    def unchecked(self) -> tuple[int, ...]:
        """Entries sealed with a key this process does not have."""
        return tuple(n for first, last, kind, _ in self.runs if kind == "other-key"
                     for n in range(first, last + 1))


def default_audit_path() -> Path:
    """``<data>/audit/audit.jsonl`` under the application's data directory."""
    return app_paths().data / "audit" / "audit.jsonl"


def _canonical(payload: Mapping[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def _signed_input(prev: str, payload: Mapping[str, Any]) -> bytes:
    body = {k: v for k, v in payload.items() if k != "hash"}
    return prev.encode("ascii") + b"\n" + _canonical(body)


def _anchor_mac(key: bytes, seq: int, link: str) -> str:
    return hmac.new(key, f"audit end marker\n{seq}\n{link}".encode("ascii", "replace"),
                    hashlib.sha256).hexdigest()


def _chain_hash(prev: str, payload: Mapping[str, Any]) -> str:
    """The unsealed (legacy) link: plain SHA-256."""
    return hashlib.sha256(_signed_input(prev, payload)).hexdigest()


def _seal(key: bytes, prev: str, payload: Mapping[str, Any]) -> str:
    return hmac.new(key, _signed_input(prev, payload), hashlib.sha256).hexdigest()


def _check_value(name: str, value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else list(value)
        for item in items:
            if not (item is None or isinstance(item, (bool, int, float, str))):
                raise TypeError(f"audit field {name!r}: only lists of scalars are recorded")
        return items
    raise TypeError(f"audit field {name!r}: {type(value).__name__} is not recorded")


def _clean_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if name.lower() in FORBIDDEN_FIELDS:
            raise ValueError(f"audit field {name!r} would record content or a secret")
        cleaned[name] = _check_value(name, value)
    return cleaned


@dataclass(frozen=True)
class _Tail:
    seq: int
    hash: str
    sealed: bool
    key_id: str = ""


class AuditLog:
    """The trail (current file plus rotated ones); safe to share between threads and processes.

    Args:
        path: the current file (default :func:`default_audit_path`); rotated files sit
            beside it as ``<stem>-<first seq><suffix>``.
        key_source: returns the sealing key or raises :class:`AuditKeyUnavailable`
            (default: the OS keyring).
        max_bytes: size at which the current file is rotated.
        keep: rotated files kept; older ones are removed (and that is recorded).
    """

    def __init__(self, path: Path | None = None, *,
                 key_source: Callable[[], bytes] | None = None,
                 max_bytes: int = _MAX_BYTES, keep: int = _KEEP,
                 anchored: bool | None = None) -> None:
        self.path = path or default_audit_path()
        # The application's own trail keeps an end marker; a copy (an export) has none.
        self.anchored = path is None if anchored is None else anchored
        # The process's key is looked up at each append: a profile loaded after this
        # object was made still decides (:func:`client.audit_key.use_profile_secrets`).
        self._given_key = key_source
        self._key_source = key_source or current_key
        # Verifying never creates a key: no key in the keyring means nothing was sealed.
        self._verify_key: Callable[[], bytes] = key_source or (
            lambda: current_key(create=False))
        self.max_bytes = max_bytes
        self.keep = keep
        self._lock = threading.Lock()

    # -- files -----------------------------------------------------------------------------

    def segments(self) -> list[Path]:
        """Rotated files, oldest first (the current file is not included)."""
        pattern = f"{self.path.stem}-*{self.path.suffix}"
        found = [p for p in self.path.parent.glob(pattern)
                 if p.name[len(self.path.stem) + 1:-len(self.path.suffix) or None].isdigit()]
        return sorted(found)

    def files(self) -> list[Path]:
        """Every file of the trail, oldest first."""
        return [*self.segments(), self.path]

    @property
    def anchor_path(self) -> Path:
        """The end marker beside the current file (``<stem>.anchor``)."""
        return self.path.with_suffix(".anchor")

    def _segment_name(self, first_seq: int) -> Path:
        return self.path.with_name(f"{self.path.stem}-{first_seq:012d}{self.path.suffix}")

    # -- writing ---------------------------------------------------------------------------

    def append(self, event: str, **fields: Any) -> AuditEntry:
        """Append one event and fsync it; returns the entry written.

        The entry is sealed when the keyring gives the key; otherwise it is written
        unsealed (a warning is logged) rather than lost, and ``audit verify`` flags it.

        Raises:
            ValueError, TypeError: a field would record content or is not a scalar.
            AuditError: the file cannot be written.
        """
        return self.append_many([(event, fields)])[0]

    def append_many(self, events: Sequence[tuple[str, Mapping[str, Any]]]
                    ) -> list[AuditEntry]:
        """Append ``(event, fields)`` pairs, chained in order, with one write, one fsync
        and one end marker: what a batch of sends costs the spool. Same rules and
        errors as :meth:`append`; nothing is written when one of them is refused."""
        batch = []
        for event, fields in events:
            if not event or any(c.isspace() for c in event):
                raise ValueError(f"audit event name {event!r} is not a word")
            batch.append((event, _clean_fields(dict(fields))))
        if not batch:
            return []
        try:
            with self._lock:
                private_dir(self.path.parent)
                fd = _open_locked(self.path)
                try:
                    key = self._key()
                    tail = _last_entry(fd) or self._last_of_segments()
                    rotated = self._maybe_rotate(fd, tail, key)
                    if rotated != fd:
                        # Between the rename and our lock on the new file, another
                        # process may have created it and written there: link to
                        # what is really last, not to the tail read before rotating.
                        fd = rotated
                        tail = _last_entry(fd) or self._last_of_segments()
                    if key is not None:
                        tail = self._prune(fd, tail, key)
                    entries = self._write(fd, tail, key, batch)
                    if key is not None and self.anchored:
                        self._write_anchor(key, entries[-1])
                finally:
                    os.close(fd)  # closing releases the flock
        except OSError as exc:
            raise AuditError(f"cannot write the audit trail {self.path}: {exc}") from exc
        return entries

    def _key(self) -> bytes | None:
        try:
            return self._key_source()
        except AuditKeyUnavailable as exc:
            # INFO: the CLI shows warnings on stderr, and `audit verify` reports it anyway.
            logger.info("audit entry written unsealed: %s", exc.reason)
            return None

    def _write(self, fd: int, tail: _Tail | None, key: bytes | None,
               batch: Sequence[tuple[str, dict[str, Any]]]) -> list[AuditEntry]:
        lines = []
        entries = []
        for event, cleaned in batch:
            seq = 1 if tail is None else tail.seq + 1
            prev = _GENESIS if tail is None else tail.hash
            payload: dict[str, Any] = {
                "seq": seq,
                "time": dt.datetime.now(dt.UTC).isoformat(),
                "event": event,
                "fields": cleaned,
                "prev": prev,
            }
            if key is not None:
                payload["alg"] = SEALED
                payload["key_id"] = key_id(key)
                if tail is not None and tail.sealed and tail.key_id != payload["key_id"]:
                    # A key switch: named under the new seal (see the module's docstring).
                    payload["prev_key_id"] = tail.key_id
                payload["hash"] = _seal(key, prev, payload)
            else:
                payload["hash"] = _chain_hash(prev, payload)
            lines.append(_canonical(payload) + b"\n")
            entry = _entry(payload)
            entries.append(entry)
            tail = _Tail(entry.seq, entry.hash, key is not None, entry.key_id)
        data = b"".join(lines)
        if _needs_newline(fd):
            data = b"\n" + data
        os.write(fd, data)
        os.fsync(fd)
        return entries

    def _write_anchor(self, key: bytes, entry: AuditEntry) -> None:
        """Replace the end marker (under the trail's lock) with ``entry``'s link."""
        marker = {"seq": entry.seq, "hash": entry.hash, "key_id": key_id(key),
                  "mac": _anchor_mac(key, entry.seq, entry.hash)}
        temporary = self.anchor_path.with_name(f".{self.anchor_path.name}.{os.getpid()}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC
                     | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0), 0o600)
        try:
            os.write(fd, _canonical(marker) + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, self.anchor_path)

    def _check_anchor(self, keys: Mapping[str, bytes], hashes: Mapping[int, str],
                      last_seq: int, last_sealed: tuple[int, str, str] | None,
                      where: tuple[Path, int]) -> bool:
        """The end marker is there, sealed, and names an entry the trail holds.

        Returns False when the marker is sealed with a key this process does not have
        and names the trail's last sealed entry, under that key (a writer with another
        key source appended last): the end is then not checked.
        """
        path, line = where

        def bad(reason: str, seq: int = 0) -> AuditTampered:
            return AuditTampered(path, line, reason, seq)

        try:
            marker = json.loads(self.anchor_path.read_bytes())
        except FileNotFoundError:
            raise bad("the trail's end marker is missing: entries may have been removed "
                      "from the end") from None
        except (OSError, ValueError) as exc:
            raise bad("the trail's end marker is unreadable") from exc
        try:
            seq, link, kid = marker["seq"], marker["hash"], marker.get("key_id")
            if not (isinstance(seq, int) and isinstance(link, str)):
                raise TypeError("seq or hash")
            key = keys.get(str(kid))
            sealed = key is not None and hmac.compare_digest(
                str(marker.get("mac")), _anchor_mac(key, seq, link))
        except (KeyError, TypeError, AttributeError) as exc:
            raise bad("the trail's end marker is malformed") from exc
        if key is None and last_sealed == (seq, kid, link) and seq not in hashes:
            return False
        if not sealed:
            raise bad("the trail's end marker is not sealed with the audit key")
        if seq > last_seq:
            raise AuditTampered(path, line + 1, f"entries after #{last_seq} are missing "
                                f"(the trail went on to #{seq})", last_seq + 1)
        if hashes.get(seq) != link:
            raise bad(f"entry #{seq} is not the one the end marker names", seq)
        return True

    def _maybe_rotate(self, fd: int, tail: _Tail | None, key: bytes | None) -> int:
        """Start a new file when the current one is full, or to begin the sealed chain."""
        size = os.fstat(fd).st_size
        if size == 0 or tail is None:
            return fd
        migrating = key is not None and not tail.sealed
        if size < self.max_bytes and not migrating:
            return fd
        first = _first_seq(fd)
        target = self._segment_name(first if first is not None else tail.seq)
        os.rename(self.path, target)
        if migrating:
            logger.info("audit trail: unsealed entries kept in %s; sealed chain starts", target)
        new_fd = _open_locked(self.path)
        os.close(fd)  # the old file (now rotated) and its lock
        return new_fd

    def _prune(self, fd: int, tail: _Tail | None, key: bytes) -> _Tail | None:
        """Remove rotated files beyond ``keep`` and record it (sealed)."""
        old = self.segments()
        excess = old[: max(0, len(old) - self.keep)]
        if not excess:
            return tail
        following = old[len(excess)] if len(excess) < len(old) else self.path
        first_kept = _first_seq_of(following)
        through = (first_kept - 1) if first_kept is not None else (tail.seq if tail else 0)
        for path in excess:
            path.unlink()
        [entry] = self._write(fd, tail, key, [("audit-pruned", {"through_seq": through,
                                                              "files": len(excess)})])
        return _Tail(entry.seq, entry.hash, True, entry.key_id)

    def _last_of_segments(self) -> _Tail | None:
        for path in reversed(self.segments()):
            try:
                fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            except OSError:
                continue
            try:
                tail = _last_entry(fd)
            finally:
                os.close(fd)
            if tail is not None:
                return tail
        return None

    # -- reading ---------------------------------------------------------------------------

    def entries(self) -> list[AuditEntry]:
        """Every readable entry of every file, oldest first (unverified: see :meth:`verify`)."""
        return [_entry(obj) for _, _, obj in self._lines() if obj is not None]

    def _lines(self) -> Iterator[tuple[Path, int, dict[str, Any] | None]]:
        for path in self.files():
            try:
                handle = path.open("rb")
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise AuditError(f"cannot read the audit trail {path}: {exc}") from exc
            with handle:
                for number, raw in enumerate(handle, start=1):
                    if not raw.strip():
                        continue
                    try:
                        obj = json.loads(raw)
                    except ValueError:
                        yield path, number, None
                        continue
                    yield path, number, obj if isinstance(obj, dict) else None

    def verify(self) -> VerifyResult:
        """Recompute the chain over every file; raises :class:`AuditTampered` at the first
        bad entry.

        Unreadable lines (a write torn by a crash) are tolerated and listed in
        ``torn_lines``: they hide nothing, since removing or altering a real entry breaks
        the chain of the next one. Entries sealed with a key this process does not have
        (another ``[secrets]`` source) are chained but not checked: ``runs`` says so.

        Raises:
            AuditTampered: an entry was edited, removed, inserted, re-chained without
                the key, relabelled with another key, or the trail's beginning is
                missing without a sealed record of its rotation.
            AuditKeyUnavailable: sealed entries exist and the process's key source
                (keyring or profile) cannot give the key.
        """
        keys: dict[str, bytes] | None = None
        primary = ""
        prev, seq, count = _GENESIS, 0, 0
        first_seq, first_at = 1, (self.path, 0)
        sealed_from: int | None = None
        unsealed: list[int] = []
        torn: list[int] = []
        runs: list[list[Any]] = []
        pruned_through = 0
        files = 0
        last_path: Path | None = None
        last_at = (self.path, 0)
        # The key of the previous entry (None: unsealed) and of the last sealed one.
        prev_kid: str | None = None
        last_sealed: tuple[int, str, str] | None = None
        # The links of the checked sealed entries, to check the end marker against.
        hashes: dict[int, str] = {}
        for path, number, obj in self._lines():
            if path != last_path:
                files, last_path = files + 1, path
            last_at = (path, number)
            if obj is None:
                torn.append(number)
                continue

            def bad(reason: str, path: Path = path, number: int = number,
                    obj: dict[str, Any] = obj) -> AuditTampered:
                raw_seq = obj.get("seq")
                return AuditTampered(path, number, reason,
                                     raw_seq if isinstance(raw_seq, int) else 0)

            try:
                if count == 0 and obj.get("seq") != 1:
                    # The oldest files were rotated away: this entry is the anchor, and a
                    # sealed audit-pruned entry later on must cover what is missing.
                    if not isinstance(obj.get("seq"), int) or obj["seq"] < 1:
                        raise bad("sequence number out of order")
                    prev, seq = str(obj.get("prev")), obj["seq"] - 1
                    first_seq, first_at = obj["seq"], (path, number)
                if obj.get("prev") != prev:
                    raise bad("does not follow the previous entry")
                if obj.get("seq") != seq + 1:
                    raise bad("sequence number out of order")
                if obj.get("alg") is None and "key_id" not in obj:
                    if sealed_from is not None:
                        raise bad("not sealed with the audit key (written while the "
                                  "key was unavailable, or rewritten)")
                    if obj.get("hash") != _chain_hash(prev, obj):
                        raise bad("content does not match its hash")
                    unsealed.append(seq + 1)
                    kind, kid = "unsealed", ""
                else:
                    if obj.get("alg") != SEALED:
                        raise bad(f"unknown seal {obj.get('alg')!r}")
                    if keys is None:
                        keys, primary = self._verify_keys()
                    kid = str(obj.get("key_id"))
                    key = keys.get(kid)
                    if key is None:
                        kind = "other-key"
                    else:
                        kind = "sealed"
                        if not hmac.compare_digest(str(obj.get("hash")),
                                                   _seal(key, prev, obj)):
                            raise bad("content does not match its seal")
                        expected = prev_kid if prev_kid not in (None, kid) else None
                        if obj.get("prev_key_id") != expected:
                            raise bad("the previous entry's key is not the one this entry "
                                      "names (an entry relabelled with another key)")
                        if self.anchored:
                            hashes[seq + 1] = str(obj.get("hash"))
                        if obj.get("event") == "audit-pruned":
                            through = obj.get("fields", {}).get("through_seq")
                            if isinstance(through, int):
                                pruned_through = max(pruned_through, through)
                    if sealed_from is None:
                        sealed_from = seq + 1
                    last_sealed = (seq + 1, kid, str(obj.get("hash")))
                prev_kid = kid if kind != "unsealed" else None
                if runs and runs[-1][2] == kind and runs[-1][3] == kid:
                    runs[-1][1] = seq + 1
                else:
                    runs.append([seq + 1, seq + 1, kind, kid])
            except (TypeError, AttributeError) as exc:  # junk where a value should be
                raise bad("malformed entry") from exc
            prev, seq, count = str(obj["hash"]), seq + 1, count + 1
        if count and first_seq > 1 and pruned_through < first_seq - 1:
            raise AuditTampered(first_at[0], first_at[1],
                                f"entries before #{first_seq} are missing", first_seq)
        if count and sealed_from is None and unsealed:
            self._check_no_key_yet(first_at, first_seq)
        if sealed_from is not None and not any(r[2] == "sealed" for r in runs):
            # Nothing this process can check: not "intact", and not proof of a rewrite
            # either (the trail of another profile, or the keyring's on a server).
            others = sorted({r[3] for r in runs if r[2] == "other-key"})
            raise AuditKeyUnavailable(
                f"the trail is sealed with another key (key id {', '.join(others)}) than "
                f"this process's ({primary}, {self._origin()})")
        end_checked = True
        if self.anchored and (sealed_from is not None or self.anchor_path.exists()):
            if keys is None:
                keys, primary = self._verify_keys()
            end_checked = self._check_anchor(keys, hashes, seq, last_sealed, last_at)
        return VerifyResult(count, seq, prev, tuple(torn), tuple(unsealed), sealed_from,
                            first_seq if count else 1, max(files, 1),
                            tuple((r[0], r[1], r[2], r[3]) for r in runs), primary,
                            self._origin(), end_checked)

    def _origin(self) -> str:
        return "given" if self._given_key is not None else configured_origin()

    def _verify_keys(self) -> tuple[dict[str, bytes], str]:
        """The keys this process can check with, by fingerprint, and its own key's.

        A profile's key comes first; the keyring's, when it has one, is tried too: a
        trail written before the profile left the keyring is then checked all along.
        """
        key = self._verify_key()
        keys = {key_id(key): key}
        if self._given_key is None and configured_origin() != "keyring":
            try:
                other = keyring_key(create=False)
            except AuditKeyUnavailable:
                pass  # a server without a keyring: its entries are listed as unchecked
            else:
                keys.setdefault(key_id(other), other)
        return keys, key_id(key)

    def _check_no_key_yet(self, where: tuple[Path, int], first_seq: int) -> None:
        """An unsealed-only trail is the old format only while no keyring key exists.

        A key derived from a profile's source always exists, so it says nothing about
        the trail: entries written before the profile's key sealed anything are still
        the unsealed prefix.
        """
        if self._given_key is None and configured_origin() != "keyring":
            return
        try:
            self._verify_key()
        except AuditKeyUnavailable:
            return
        raise AuditTampered(where[0], where[1] or 1, "no entry is sealed although the audit key "
                            "exists: the trail was replaced", first_seq)

    def export(self, destination: Path, *, fmt: str = "jsonl") -> int:
        """Write a copy (``jsonl``: the lines as they are; ``csv``: one row per event).

        Returns the number of entries written. The JSON Lines copy verifies on its own
        (``AuditLog(copy).verify()``), with the same key.
        """
        entries = self.entries()
        if fmt == "jsonl":
            text = "".join(
                _canonical(e.to_json()).decode("utf-8") + "\n" for e in entries
            )
        elif fmt == "csv":
            import csv
            import io

            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(["seq", "time", "event", "fields", "hash"])
            for e in entries:
                writer.writerow(
                    [e.seq, e.time, e.event, json.dumps(dict(e.fields), ensure_ascii=False),
                     e.hash]
                )
            text = buffer.getvalue()
        else:
            raise ValueError(f"unknown export format {fmt!r} (jsonl or csv)")
        destination.write_text(text, encoding="utf-8")
        return len(entries)


def _open_locked(path: Path) -> int:
    flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
    while True:
        fd = os.open(path, flags, 0o600)
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        # Another process may have rotated the file while we waited for the lock: then
        # ``fd`` is the old file, renamed; open the current one again.
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(path))
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


def _needs_newline(fd: int) -> bool:
    size = os.fstat(fd).st_size
    if size == 0:
        return False
    return os.pread(fd, 1, size - 1) != b"\n"


def _first_seq(fd: int) -> int | None:
    head = os.pread(fd, 65536, 0)
    for raw in head.split(b"\n"):
        try:
            return int(json.loads(raw)["seq"])
        except (ValueError, KeyError, TypeError):
            continue
    return None


def _first_seq_of(path: Path) -> int | None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        return _first_seq(fd)
    finally:
        os.close(fd)


def _last_entry(fd: int) -> _Tail | None:
    """The last complete line's link, reading backwards from the end."""
    size = os.fstat(fd).st_size
    block = 4096
    end = size
    tail = b""
    while end > 0:
        start = max(0, end - block)
        tail = os.pread(fd, end - start, start) + tail
        end = start
        lines = tail.split(b"\n")
        # Whole lines only: lines[0] may be cut unless we reached the start.
        candidates = lines if end == 0 else lines[1:]
        for raw in reversed(candidates):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
                return _Tail(int(obj["seq"]), str(obj["hash"]), obj.get("alg") == SEALED,
                             str(obj.get("key_id") or ""))
            except (ValueError, KeyError, TypeError, AttributeError):
                continue  # a torn line: the chain goes on from the last whole one
        block *= 2
    return None


def _entry(obj: Mapping[str, Any]) -> AuditEntry:
    fields = obj.get("fields")
    return AuditEntry(
        seq=int(obj.get("seq", 0)),
        time=str(obj.get("time", "")),
        event=str(obj.get("event", "")),
        fields=dict(fields) if isinstance(fields, dict) else {},
        prev=str(obj.get("prev", "")),
        hash=str(obj.get("hash", "")),
        alg=str(obj.get("alg", "") or ""),
        key_id=str(obj.get("key_id", "") or ""),
        prev_key_id=str(obj.get("prev_key_id", "") or ""),
    )


class AuditBatch:
    """Events gathered to be written together at :meth:`flush` (one write, one fsync):
    the spool records a pass's sends this way, so that auditing costs a pass one fsync
    instead of two per message. A process killed before the flush loses that pass's
    entries (the spool's journal and ``sent/`` reports still say what was sent)."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    def audit_record(self, event: str, **fields: Any) -> None:
        """Queue ``event`` as :func:`record` would write it."""
        self.events.append((event, fields))

    def flush(self) -> None:
        """Write what was queued (never raises on I/O, like :func:`record`)."""
        events, self.events = self.events, []
        if events:
            record_many(events)


def record_many(events: Sequence[tuple[str, Mapping[str, Any]]]) -> list[AuditEntry]:
    """:func:`record` for several events at once (one write and one fsync): the spool
    records a pass's sends this way. Never raises on I/O (logged, like :func:`record`)."""
    try:
        return AuditLog().append_many(events)
    except AuditError as exc:
        logger.error("audit trail not written: %s", exc)
        return []


def record(event: str, **fields: Any) -> AuditEntry | None:
    """Append ``event`` to the application's audit trail; never raises on I/O.

    The call other modules make at their security-relevant points, e.g.
    ``record("send", message_id=mid, recipients=list(rcpts))``. A failure to write is
    logged as an error and the caller goes on (the user's work is not blocked by the
    trail); a field that would record content is a programming error and raises. There
    is no switch to turn the trail off: tests and benchmarks give the app a home of their
    own (``MSSANTE_COMPANION_HOME``).
    """
    try:
        return AuditLog().append(event, **fields)
    except AuditError as exc:
        logger.error("audit trail not written: %s", exc)
        return None
