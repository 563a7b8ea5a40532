"""The local audit trail: an append-only, hash-chained log of security-relevant events.

One JSON object per line in ``<data>/audit/audit.jsonl`` (mode 0600)::

    {"seq": 7, "time": "2026-11-22T22:30:01.123456+00:00", "event": "send",
     "fields": {"message_id": "<...>", "recipients": ["..."]}, "prev": "<hex>", "hash": "<hex>"}

``hash`` is SHA-256 over ``prev`` and the canonical JSON of the entry without ``hash``
(sorted keys, no spaces), ``prev`` is the previous entry's ``hash`` (64 zeros for the
first). Editing, inserting, reordering or deleting a line in the middle breaks the chain
and :meth:`AuditLog.verify` names the first bad line. A truncated tail cannot be told
from a shorter log by the chain alone: the last verified ``(seq, hash)`` the UI shows is
the anchor to compare with an export kept elsewhere.

Each entry is written with one ``write`` on a file opened ``O_APPEND`` under an exclusive
``flock`` (the CLI, the bridge and the desktop app may append at the same time), then
``fsync``-ed: an event the app reported is on disk. A line torn by a power cut in the
middle of a write is reported by :meth:`AuditLog.verify` (``torn_lines``) and the next
append starts on a fresh line, chained to the last whole entry.

Never message content: :func:`record` refuses fields named like content or secrets
(``body``, ``subject``, ``pin``, ``token``, ``password``...) and accepts only scalars
and lists of scalars. Events in use (:data:`EVENTS`): ``sign-in``, ``sign-in-failed``,
``card-removed``, ``send``, ``send-failed``, ``recipient-refused``, ``receipt-requested``,
``receipt-sent``, ``receipt-received``, ``bridge-session``, ``bridge-refused``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from client.errors import ClientError
from client.paths import app_paths

try:  # POSIX; on Windows the in-process lock is all there is (one app per session).
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "EVENTS",
    "FORBIDDEN_FIELDS",
    "AuditEntry",
    "AuditError",
    "AuditLog",
    "AuditTampered",
    "VerifyResult",
    "default_audit_path",
    "record",
]

logger = logging.getLogger(__name__)

EVENTS = frozenset(
    {
        "sign-in",
        "sign-in-failed",
        "card-removed",
        "send",
        "send-failed",
        "recipient-refused",
        "receipt-requested",
        "receipt-sent",
        "receipt-received",
        "bridge-session",
        "bridge-refused",
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

_GENESIS = "0" * 64
_AUDIT_ENV = "MSSANTE_COMPANION_AUDIT"  # "off" disables recording (benchmarks)


class AuditError(ClientError):
    """The audit trail cannot be read or written."""


class AuditTampered(AuditError):
    """The hash chain is broken at ``line`` (1-based): the log was edited or damaged."""

    #: ``audit verify`` exits with 3 on a broken chain (2 is any other error).
    exit_status = 3

    def __init__(self, path: Path, line: int, reason: str) -> None:
        super().__init__(f"{path}: line {line}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class AuditEntry:
    """One event of the trail."""

    seq: int
    time: str
    event: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    prev: str = _GENESIS
    hash: str = ""

    def to_json(self) -> dict[str, Any]:
        """The JSON object written on the entry's line."""
        return {
            "seq": self.seq,
            "time": self.time,
            "event": self.event,
            "fields": dict(self.fields),
            "prev": self.prev,
            "hash": self.hash,
        }


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of :meth:`AuditLog.verify` on an intact chain."""

    count: int
    last_seq: int
    last_hash: str
    torn_lines: tuple[int, ...] = ()


def default_audit_path() -> Path:
    """``<data>/audit/audit.jsonl`` under the application's data directory."""
    return app_paths().data / "audit" / "audit.jsonl"


def _canonical(payload: Mapping[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def _chain_hash(prev: str, payload: Mapping[str, Any]) -> str:
    body = {k: v for k, v in payload.items() if k != "hash"}
    return hashlib.sha256(prev.encode("ascii") + b"\n" + _canonical(body)).hexdigest()


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


class AuditLog:
    """The trail in one file; safe to share between threads and processes."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_audit_path()
        self._lock = threading.Lock()

    # -- writing ---------------------------------------------------------------------------

    def append(self, event: str, **fields: Any) -> AuditEntry:
        """Append one event and fsync it; returns the entry written.

        Raises:
            ValueError, TypeError: a field would record content or is not a scalar.
            AuditError: the file cannot be written.
        """
        if not event or any(c.isspace() for c in event):
            raise ValueError(f"audit event name {event!r} is not a word")
        cleaned = _clean_fields(fields)
        try:
            with self._lock, self._locked_fd() as fd:
                last = self._last_entry(fd)
                seq = 1 if last is None else last[0] + 1
                prev = _GENESIS if last is None else last[1]
                payload: dict[str, Any] = {
                    "seq": seq,
                    "time": dt.datetime.now(dt.UTC).isoformat(),
                    "event": event,
                    "fields": cleaned,
                    "prev": prev,
                }
                payload["hash"] = _chain_hash(prev, payload)
                line = _canonical(payload) + b"\n"
                if self._needs_newline(fd):
                    line = b"\n" + line
                os.write(fd, line)
                os.fsync(fd)
        except OSError as exc:
            raise AuditError(f"cannot write the audit trail {self.path}: {exc}") from exc
        return AuditEntry(seq, payload["time"], event, cleaned, prev, payload["hash"])

    @contextlib.contextmanager
    def _locked_fd(self) -> Iterator[int]:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(self.path, flags, 0o600)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            yield fd
        finally:
            os.close(fd)  # closing releases the flock

    @staticmethod
    def _needs_newline(fd: int) -> bool:
        size = os.fstat(fd).st_size
        if size == 0:
            return False
        return os.pread(fd, 1, size - 1) != b"\n"

    @staticmethod
    def _last_entry(fd: int) -> tuple[int, str] | None:
        """(seq, hash) of the last complete line, reading backwards from the end."""
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
                    return int(obj["seq"]), str(obj["hash"])
                except (ValueError, KeyError, TypeError):
                    continue  # a torn line: the chain goes on from the last whole one
            block *= 2
        return None

    # -- reading ---------------------------------------------------------------------------

    def entries(self) -> list[AuditEntry]:
        """Every readable entry, oldest first (unverified: see :meth:`verify`)."""
        result = []
        for _, obj in self._lines():
            if obj is not None:
                result.append(_entry(obj))
        return result

    def _lines(self) -> Iterator[tuple[int, dict[str, Any] | None]]:
        try:
            handle = self.path.open("rb")
        except FileNotFoundError:
            return
        except OSError as exc:
            raise AuditError(f"cannot read the audit trail {self.path}: {exc}") from exc
        with handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                try:
                    obj = json.loads(raw)
                except ValueError:
                    yield number, None
                    continue
                yield number, obj if isinstance(obj, dict) else None

    def verify(self) -> VerifyResult:
        """Recompute the chain; raises :class:`AuditTampered` at the first bad line.

        Unreadable lines (a write torn by a crash) are tolerated and listed in
        ``torn_lines``: they hide nothing, since removing or altering a real entry breaks
        the chain of the next one.
        """
        prev, seq, count = _GENESIS, 0, 0
        torn: list[int] = []
        for number, obj in self._lines():
            if obj is None:
                torn.append(number)
                continue
            try:
                if obj.get("prev") != prev:
                    raise AuditTampered(self.path, number, "does not follow the previous line")
                if obj.get("seq") != seq + 1:
                    raise AuditTampered(self.path, number, "sequence number out of order")
                if obj.get("hash") != _chain_hash(prev, obj):
                    raise AuditTampered(self.path, number, "content does not match its hash")
            except TypeError as exc:  # unhashable junk in a field
                raise AuditTampered(self.path, number, "malformed entry") from exc
            prev, seq, count = str(obj["hash"]), seq + 1, count + 1
        return VerifyResult(count, seq, prev, tuple(torn))

    def export(self, destination: Path, *, fmt: str = "jsonl") -> int:
        """Write a copy (``jsonl``: the lines as they are; ``csv``: one row per event).

        Returns the number of entries written. The JSON Lines copy verifies on its own
        (``AuditLog(copy).verify()``).
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


def _entry(obj: Mapping[str, Any]) -> AuditEntry:
    fields = obj.get("fields")
    return AuditEntry(
        seq=int(obj.get("seq", 0)),
        time=str(obj.get("time", "")),
        event=str(obj.get("event", "")),
        fields=dict(fields) if isinstance(fields, dict) else {},
        prev=str(obj.get("prev", "")),
        hash=str(obj.get("hash", "")),
    )


def record(event: str, **fields: Any) -> AuditEntry | None:
    """Append ``event`` to the application's audit trail; never raises on I/O.

    The call other modules make at their security-relevant points, e.g.
    ``record("send", message_id=mid, recipients=list(rcpts))``. A failure to write is
    logged as an error and the caller goes on (the user's work is not blocked by the
    trail); a field that would record content is a programming error and raises.
    """
    if os.environ.get(_AUDIT_ENV, "").lower() == "off":
        return None
    try:
        return AuditLog().append(event, **fields)
    except AuditError as exc:
        logger.error("audit trail not written: %s", exc)
        return None
